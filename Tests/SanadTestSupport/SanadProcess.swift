internal import Foundation
public import Postgres
public import SanadCore
public import PostgresServer

/// Runs the real `sanad` executable, as a person or a script would.
public struct SanadProcess: Sendable {
    /// The built executable next to the test bundle (`swift build` puts both in one folder).
    public static var executable: String {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = bundle.deletingLastPathComponent()
        // On Linux the tests run from `<build>/debug/SanadPackageTests.xctest`.
        while !FileManager.default.isExecutableFile(atPath: folder.appendingPathComponent("sanad").path),
              folder.path != "/" {
            folder = folder.deletingLastPathComponent()
        }
        return folder.appendingPathComponent("sanad").path
    }

    public var environment: [String: String]

    /// A process environment pointing at `database`, with nothing inherited that could
    /// redirect it (PG* variables, SANAD_*).
    public init(database: ConnectionConfiguration, extra: [String: String] = [:]) {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PG") && !$0.key.hasPrefix("SANAD_") }
        environment["SANAD_DATABASE_URL"] = TestDatabase.conninfo(TestDatabase.asUser(database))
        environment["SANAD_OWNER_URL"] = TestDatabase.conninfo(database)
        environment["SANAD_ACTOR"] = "test"
        environment["SANAD_LOG_LEVEL"] = "error"
        environment.merge(extra) { $1 }
        self.environment = environment
    }

    public init(environment: [String: String]) {
        self.environment = environment
    }

    public typealias Result = SanadResult

    /// Runs `sanad arguments...` to completion.
    @discardableResult
    public func run(_ arguments: [String], input: String? = nil) throws -> Result {
        var inputPath: String?
        if let input {
            let path = NSTemporaryDirectory() + "sanad-input-\(UUID().uuidString)"
            try Data(input.utf8).write(to: URL(fileURLWithPath: path))
            inputPath = path
        }
        defer { if let inputPath { try? FileManager.default.removeItem(atPath: inputPath) } }
        let outcome = try start(arguments, inputPath: inputPath).wait()
        return Result(status: outcome.status, stdout: outcome.output, stderr: outcome.errorOutput)
    }

    /// Starts `sanad arguments...` without waiting (for kill tests and daemons).
    public func start(_ arguments: [String], inputPath: String? = nil) throws -> ProcessRunner.Running {
        try ProcessRunner.start(Self.executable, arguments, environment: environment, inputPath: inputPath, separateErrors: true)
    }
}

extension SanadProcess: SanadCommandLine {}

public struct SanadProcessFailure: Error, CustomStringConvertible {
    public var arguments: [String]
    public var result: SanadResult

    public var description: String {
        "sanad \(arguments.joined(separator: " ")) exited \(result.status)\nstdout: \(result.stdout)\nstderr: \(result.stderr)"
    }
}
