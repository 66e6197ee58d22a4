public import Foundation
internal import Glibc

/// Writes files so that readers never see half of one: the bytes go to a temporary file
/// in the same folder, which is flushed to disk and then renamed over the final name.
public final class AtomicFile {
    public let path: String
    let temporaryPath: String
    private let descriptor: Int32
    private var finished = false

    /// Opens a temporary file next to `path`.
    ///
    /// - Throws: ``SanadError`` naming the folder when it cannot be written.
    public init(path: String) throws {
        self.path = path
        let folder = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        temporaryPath = (folder.isEmpty ? "." : folder) + "/.\(name).\(getpid()).partial"
        descriptor = open(temporaryPath, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw SanadError.failure("cannot write \(path): \(String(cString: strerror(errno)))",
                                     hint: "check that the folder exists and is writable")
        }
    }

    deinit {
        if !finished {
            close(descriptor)
            unlink(temporaryPath)
        }
    }

    public func write(_ bytes: some Collection<UInt8>) throws {
        let data = Array(bytes)
        var offset = 0
        while offset < data.count {
            let written = data[offset...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw SanadError.failure("writing \(path) failed: \(String(cString: strerror(errno)))", hint: "check free disk space")
            }
            offset += written
        }
    }

    /// Flushes and renames the file into place.
    public func commit() throws {
        guard fsync(descriptor) == 0, close(descriptor) == 0 else {
            throw SanadError.failure("writing \(path) failed: \(String(cString: strerror(errno)))", hint: "check free disk space")
        }
        finished = true
        guard rename(temporaryPath, path) == 0 else {
            unlink(temporaryPath)
            throw SanadError.failure("cannot put \(path) in place: \(String(cString: strerror(errno)))", hint: "check permissions")
        }
    }

    /// Writes `data` to `path` atomically in one go.
    public static func write(_ data: Data, to path: String) throws {
        let file = try AtomicFile(path: path)
        try file.write(data)
        try file.commit()
    }
}
