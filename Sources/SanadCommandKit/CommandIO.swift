public import Foundation
internal import Glibc
internal import Synchronization

/// Where a command's output goes and what environment it reads: the process's own standard
/// streams and variables, or (for a command run in-process by a test or, later, the server)
/// buffers and a given environment. Task-local, so commands run side by side in one process
/// never see each other's streams.
public struct CommandIO: Sendable {
    public enum Stream: Sendable {
        case standardOutput, standardError
    }

    /// Writes bytes to one stream.
    public var write: @Sendable (Stream, [UInt8]) -> Void
    /// Whether a stream is a terminal (tables isolate right-to-left text, progress draws).
    public var isTerminal: @Sendable (Stream) -> Bool
    /// The variables commands read (`SANAD_DATABASE_URL`, `SANAD_ASSOCIATION`, `SANAD_ACTOR`, ...).
    public var environment: [String: String]

    public init(write: @escaping @Sendable (Stream, [UInt8]) -> Void, isTerminal: @escaping @Sendable (Stream) -> Bool,
                environment: [String: String]) {
        self.write = write
        self.isTerminal = isTerminal
        self.environment = environment
    }

    /// The process's standard output and error, and its environment.
    public static let process = CommandIO(
        write: { stream, bytes in
            (stream == .standardOutput ? FileHandle.standardOutput : FileHandle.standardError).write(Data(bytes))
        },
        isTerminal: { stream in isatty(stream == .standardOutput ? STDOUT_FILENO : STDERR_FILENO) == 1 },
        environment: ProcessInfo.processInfo.environment)

    @TaskLocal public static var current = CommandIO.process

    public func write(_ text: String, to stream: Stream) {
        write(stream, Array(text.utf8))
    }
}

/// What an in-process command wrote, stream by stream.
public final class CapturedOutput: Sendable {
    private let buffers = Mutex((output: [UInt8](), error: [UInt8]()))

    public init() {}

    public var standardOutput: String { buffers.withLock { String(decoding: $0.output, as: UTF8.self) } }
    public var standardError: String { buffers.withLock { String(decoding: $0.error, as: UTF8.self) } }

    /// An I/O that writes here, is no terminal, and reads `environment`.
    public func io(environment: [String: String]) -> CommandIO {
        CommandIO(
            write: { [self] stream, bytes in
                buffers.withLock { if stream == .standardOutput { $0.output += bytes } else { $0.error += bytes } }
            },
            isTerminal: { _ in false },
            environment: environment)
    }
}

/// A usage error found while a command prints (a `--columns` name the listing lacks): the
/// writer cannot throw, so it leaves the error here and the runner reports it as if the
/// command had thrown it, with its exit code.
public final class DeferredFailure: Sendable {
    private let stored = Mutex<StoredError?>(nil)

    public init() {}

    struct StoredError: @unchecked Sendable { let error: any Error }

    public func record(_ error: any Error) {
        stored.withLock { if $0 == nil { $0 = StoredError(error: error) } }
    }

    public var error: (any Error)? { stored.withLock { $0?.error } }

    @TaskLocal public static var current: DeferredFailure?
}
