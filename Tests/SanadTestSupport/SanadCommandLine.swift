public import Foundation
public import Postgres
internal import SanadCLI
internal import SanadCommandKit

/// What a run of `sanad` left: its exit code and both streams.
public struct SanadResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

/// The `sanad` command line as tests use it: run in-process (``InProcessSanad``, most
/// tests) or as the real binary (``SanadProcess``, for exit codes through a shell,
/// standard input, signals and daemons). Both give the same results for the same arguments.
public protocol SanadCommandLine: Sendable {
    var environment: [String: String] { get set }
    func run(_ arguments: [String], input: String?) throws -> SanadResult
}

extension SanadCommandLine {
    @discardableResult
    public func run(_ arguments: [String]) throws -> SanadResult {
        try run(arguments, input: nil)
    }

    /// Runs and requires success; returns standard output.
    @discardableResult
    public func succeed(_ arguments: [String], input: String? = nil) throws -> String {
        let result = try run(arguments, input: input)
        guard result.status == 0 else {
            throw SanadProcessFailure(arguments: arguments, result: result)
        }
        return result.stdout
    }

    /// Runs with `--format json` and parses the output.
    public func json(_ arguments: [String]) throws -> Any {
        let output = try succeed(arguments + ["--format", "json"])
        return try JSONSerialization.jsonObject(with: Data(output.utf8), options: [.fragmentsAllowed])
    }

    /// Runs with `--format json` and decodes the output as `type` (the store's own models
    /// decode what the command printed: their coding keys are the printed names).
    public func decode<T: Decodable>(_ type: T.Type, _ arguments: [String]) throws -> T {
        let output = try succeed(arguments + ["--format", "json"])
        return try SanadJSON.decoder.decode(T.self, from: Data(output.utf8))
    }
}

/// Reads Sanad's JSON output: ISO 8601 instants, numbers exact.
public enum SanadJSON {
    public static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}

/// Runs `sanad` commands inside the test process: the binary's own parsing, commands,
/// writers, error reports and exit codes, with standard output and error captured and the
/// environment given here instead of the process's.
public struct InProcessSanad: SanadCommandLine {
    public var environment: [String: String]

    /// An environment pointing at `database`, the same as ``SanadProcess``'s.
    public init(database: ConnectionConfiguration, extra: [String: String] = [:]) {
        environment = SanadProcess(database: database, extra: extra).environment
    }

    public func run(_ arguments: [String], input: String?) throws -> SanadResult {
        guard input == nil else {
            throw SanadProcessFailure(arguments: arguments, result: SanadResult(
                status: -1, stdout: "", stderr: "standard input is for SanadProcess; an in-process command reads files"))
        }
        let captured = CapturedOutput()
        let status = CommandRunner.runInProcess(arguments: arguments, io: captured.io(environment: environment))
        return SanadResult(status: status, stdout: captured.standardOutput, stderr: captured.standardError)
    }
}
