public import Foundation
internal import Glibc

/// Writes files so that readers never see half of one, and so that nobody else's file is
/// ever touched.
///
/// The bytes go to a temporary file that `mkstemp` creates in the target folder (a random
/// name, `O_EXCL`, never following a symlink planted there), which is flushed to disk and
/// then put under the final name. An existing file is replaced only when the caller says
/// so (`--force` on the command line; a scheduled job passes it explicitly); otherwise the
/// final name is taken with `link(2)`, which fails rather than overwrite anything that
/// appeared in the meantime. Replacing renames over the old name, so a symlink there is
/// replaced itself and whatever it pointed to stays as it was.
///
/// Files hold personal data (exports, rejects, reports, calendars), so they are created
/// with mode 0600; a replaced file keeps the mode it had.
public final class AtomicFile {
    public let path: String
    /// Whether an existing file at ``path`` may be replaced.
    public let replacing: Bool
    let temporaryPath: String
    private let descriptor: Int32
    private var finished = false

    /// Opens a temporary file next to `path`.
    ///
    /// - Parameters:
    ///   - replacing: replace a file that already exists at `path` (else that is an error).
    ///   - mode: permissions of a new file; 0600 unless the file holds nothing personal.
    /// - Throws: ``SanadError`` when `path` exists and `replacing` is false, is a folder, or
    ///   its folder cannot be written.
    public init(path: String, replacing: Bool = false, mode: mode_t = 0o600) throws {
        self.path = path
        self.replacing = replacing
        var finalMode = mode
        var existing = stat()
        if lstat(path, &existing) == 0 {
            if existing.st_mode & S_IFMT == S_IFDIR {
                throw SanadError.invalid("\(path) is a folder", hint: "give a file name, such as \(path)/list.csv")
            }
            guard replacing else { throw Self.exists(path) }
            // A replaced file keeps its permissions; a symlink is replaced by a new file.
            if existing.st_mode & S_IFMT == S_IFREG { finalMode = existing.st_mode & 0o7777 }
        } else if errno != ENOENT {
            throw SanadError.failure("cannot write \(path): \(String(cString: strerror(errno)))",
                                     hint: "check that the folder exists and is writable")
        }
        let folder = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        var template = Array(((folder.isEmpty ? "." : folder) + "/.\(name).partial-XXXXXX").utf8CString)
        let opened = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard opened >= 0 else {
            throw SanadError.failure("cannot write \(path): \(String(cString: strerror(errno)))",
                                     hint: "check that the folder exists and is writable")
        }
        descriptor = opened
        temporaryPath = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        guard fchmod(descriptor, finalMode) == 0 else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            unlink(temporaryPath)
            throw SanadError.failure("cannot set the permissions of \(path): \(reason)", hint: "check the folder's owner")
        }
    }

    deinit {
        if !finished {
            close(descriptor)
            unlink(temporaryPath)
        }
    }

    static func exists(_ path: String) -> SanadError {
        SanadError.invalid("\(path) already exists", hint: "pass --force to replace it, or choose another file name")
    }

    /// Refuses early, before any work, when `path` exists and may not be replaced.
    public static func checkWritable(_ path: String, replacing: Bool) throws {
        var existing = stat()
        guard lstat(path, &existing) == 0 else { return }
        if existing.st_mode & S_IFMT == S_IFDIR {
            throw SanadError.invalid("\(path) is a folder", hint: "give a file name")
        }
        if !replacing { throw exists(path) }
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

    /// Flushes the file and puts it under its final name.
    public func commit() throws {
        guard fsync(descriptor) == 0, close(descriptor) == 0 else {
            throw SanadError.failure("writing \(path) failed: \(String(cString: strerror(errno)))", hint: "check free disk space")
        }
        finished = true
        defer { unlink(temporaryPath) }
        if replacing {
            guard rename(temporaryPath, path) == 0 else {
                throw SanadError.failure("cannot put \(path) in place: \(String(cString: strerror(errno)))", hint: "check permissions")
            }
        } else if link(temporaryPath, path) != 0 {
            // link(2) never replaces: a file that appeared since the check stays untouched.
            if errno == EEXIST { throw Self.exists(path) }
            throw SanadError.failure("cannot put \(path) in place: \(String(cString: strerror(errno)))", hint: "check permissions")
        }
        syncFolder()
    }

    /// Makes the new name itself durable.
    private func syncFolder() {
        let folder = (path as NSString).deletingLastPathComponent
        let handle = open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard handle >= 0 else { return }
        _ = fsync(handle)
        close(handle)
    }

    /// Writes `data` to `path` atomically in one go.
    public static func write(_ data: Data, to path: String, replacing: Bool = false, mode: mode_t = 0o600) throws {
        let file = try AtomicFile(path: path, replacing: replacing, mode: mode)
        try file.write(data)
        try file.commit()
    }
}
