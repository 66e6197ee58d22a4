internal import Foundation
public import Glibc

/// Runs an external program to completion and keeps what it printed.
///
/// Uses `posix_spawn` and `waitpid` directly: Foundation's `Process.waitUntilExit` spins a
/// run loop, which never turns inside Swift concurrency and so can hang. Output goes to a
/// temporary file rather than a pipe: `pg_ctl start` leaves a server running, and a server
/// that inherited our pipe would keep it open forever.
public struct ProcessRunner {
    public struct Outcome: Sendable {
        /// The exit code, or 128 + the signal number when a signal ended it.
        public var status: Int32
        /// Standard output (with standard error too, unless it was kept apart).
        public var output: String
        /// Standard error when it was kept apart.
        public var errorOutput: String
    }

    /// A started child; ``wait()`` reaps it.
    public struct Running: Sendable {
        public let processID: Int32
        let outputPath: String
        let errorPath: String?

        /// Waits for the child to end and collects what it printed.
        public func wait() -> Outcome {
            var waitStatus: Int32 = 0
            while waitpid(processID, &waitStatus, 0) < 0 {
                guard errno == EINTR else { break }
            }
            defer {
                unlink(outputPath)
                if let errorPath { unlink(errorPath) }
            }
            let exitCode: Int32 = (waitStatus & 0x7f) == 0 ? (waitStatus >> 8) & 0xff : 128 + (waitStatus & 0x7f)
            return Outcome(status: exitCode,
                           output: TextFile.read(outputPath) ?? "",
                           errorOutput: errorPath.flatMap(TextFile.read) ?? "")
        }

        /// Sends a signal (SIGKILL for crash tests, SIGTERM for shutdown).
        public func signal(_ number: Int32) {
            kill(processID, number)
        }
    }

    /// Runs `executable` with `arguments`; as root with `asUser`, through `runuser` so the
    /// program runs as that user (PostgreSQL refuses to run as root).
    public static func run(_ executable: String, _ arguments: [String], asUser user: String? = nil) throws -> Outcome {
        try start(executable, arguments, asUser: user).wait()
    }

    /// Starts a child without waiting for it.
    ///
    /// - Parameters:
    ///   - environment: the child's whole environment (default: this process's).
    ///   - inputPath: a file to use as standard input (default: /dev/null).
    ///   - separateErrors: keep standard error apart from standard output.
    public static func start(_ executable: String, _ arguments: [String], asUser user: String? = nil,
                             environment: [String: String]? = nil, inputPath: String? = nil,
                             separateErrors: Bool = false) throws -> Running {
        var argv = [executable] + arguments
        if let user, geteuid() == 0 {
            argv = ["/usr/sbin/runuser", "-u", user, "--"] + argv
        }
        let stem = NSTemporaryDirectory() + "sanad-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        let outputPath = stem + ".out"
        let errorPath = separateErrors ? stem + ".err" : nil

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, inputPath ?? "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        if let errorPath {
            posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, errorPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        } else {
            posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO)
        }
        let environmentLines = environment.map { $0.map { "\($0.key)=\($0.value)" } }
        var pid: pid_t = 0
        let status = withCStrings(argv) { arguments in
            if let environmentLines {
                return withCStrings(environmentLines) { posix_spawn(&pid, argv[0], &actions, nil, arguments, $0) }
            }
            return posix_spawn(&pid, argv[0], &actions, nil, arguments, environ)
        }
        guard status == 0 else {
            throw PostgresServerError("cannot run \(argv[0]) (\(String(cString: strerror(status))))",
                                     hint: "check that the program is installed")
        }
        return Running(processID: pid, outputPath: outputPath, errorPath: errorPath)
    }

    private static func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
        var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        pointers.append(nil)
        defer { pointers.forEach { free($0) } }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}

/// A user account's numeric ids, for handing directories to the `postgres` user.
public struct SystemUser {
    var name: String
    public var uid: uid_t
    public var gid: gid_t

    public static func named(_ name: String) -> SystemUser? {
        guard let entry = getpwnam(name) else { return nil }
        return SystemUser(name: name, uid: entry.pointee.pw_uid, gid: entry.pointee.pw_gid)
    }

    public static var isRoot: Bool { geteuid() == 0 }
}

/// An exclusive `flock` on a file, held until released (or the process ends).
public final class FileLock {
    private let descriptor: Int32

    public init(path: String) throws {
        descriptor = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw PostgresServerError("cannot open the lock file \(path)", hint: "check that the directory is writable")
        }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else {
                close(descriptor)
                throw PostgresServerError("cannot lock \(path)", hint: nil)
            }
        }
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}

/// Reads small text files (a child's output, a pid file) with plain read(2): Foundation's file
/// reading (`String(contentsOfFile:)`, `FileManager.contents(atPath:)`) leaks a 4 KiB buffer
/// per call in swift-foundation 6.3, as LeakSanitizer shows.
public enum TextFile {
    public static func read(_ path: String) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = Glibc.read(descriptor, &chunk, chunk.count)
            if count < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if count == 0 { return String(decoding: bytes, as: UTF8.self) }
            bytes += chunk[0..<count]
        }
    }
}

/// Why a private server or one of its programs could not do what was asked, and what to check.
public struct PostgresServerError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var hint: String?

    public init(_ message: String, hint: String?) {
        self.message = message
        self.hint = hint
    }

    public var description: String { hint.map { message + "\nhint: " + $0 } ?? message }
}
