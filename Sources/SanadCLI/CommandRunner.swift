internal import ArgumentParser
internal import Foundation
internal import Glibc
internal import Logging
internal import Postgres
internal import SanadCore
public import SanadCommandKit

/// Parses the arguments, runs the command, and turns every outcome into the exit codes
/// Sanad promises: 0 success, 1 failure, 2 usage error.
public enum CommandRunner {
    public static func run(arguments: [String]) async -> Int32 {
        let (rest, association) = hoistingAssociation(arguments)
        CommandContext.bootstrap(InstalledPlugins(commandPlugins: installedPlugins))
        let deferred = DeferredFailure()
        return await CommandContext.$hoistedAssociation.withValue(association) {
            do {
                var command = try SanadCommand.parseAsRoot(rest)
                try await DeferredFailure.$current.withValue(deferred) {
                    if var asyncCommand = command as? any AsyncParsableCommand {
                        try await asyncCommand.run()
                    } else {
                        try command.run()
                    }
                }
                if let error = deferred.error { throw error }
                return 0
            } catch {
                return exitCode(reporting: error, arguments: rest)
            }
        }
    }

    /// Runs a command in this process with its own streams and environment (`io`): the same
    /// parsing, output, errors and exit codes as the binary, without a process per command
    /// (tests; later, the server). The worker, the one command that runs until stopped, is
    /// refused here.
    public static func runInProcess(arguments: [String], io: CommandIO) -> Int32 {
        let (rest, association) = hoistingAssociation(arguments)
        CommandContext.bootstrap(InstalledPlugins(commandPlugins: installedPlugins))
        return CommandIO.$current.withValue(io) {
            CommandContext.$hoistedAssociation.withValue(association) {
                do {
                    var command = try SanadCommand.parseAsRoot(rest)
                    guard !(command is any AsyncParsableCommand) else {
                        throw SanadError.usage("sanad \(rest.first ?? "") runs only as its own process", hint: "start the sanad binary")
                    }
                    let deferred = DeferredFailure()
                    try DeferredFailure.$current.withValue(deferred) { try command.run() }
                    if let error = deferred.error { throw error }
                    return 0
                } catch {
                    return exitCode(reporting: error, arguments: rest)
                }
            }
        }
    }

    /// Reports a command's error on standard error, as the exit code promises say.
    private static func exitCode(reporting error: any Error, arguments rest: [String]) -> Int32 {
        switch error {
        case let error as SanadError:
            report(error.message, hint: error.commandLineHint)
            return error.exitCode
        case let error as PostgresError:
            report(DatabaseErrorText.sentence(for: error), hint: DatabaseErrorText.hint(for: error))
            return 1
        default:
            let exitCode = SanadCommand.exitCode(for: error)
            let text = SanadCommand.fullMessage(for: error)
            if exitCode == .success {
                if !text.isEmpty { Console.say(text) }
                return 0
            }
            if exitCode == .validationFailure {
                var output = text + "\n"
                if let option = negativeValue(in: rest, message: text) {
                    output += "hint: a value starting with - reads as an option; write it with =, such as \(option)\n"
                } else if let guess = likelyCommand(for: rest) { output += "hint: did you mean: \(guess)\n" }
                CommandIO.current.write(TerminalText.visible(output), to: .standardError)
                return 2
            }
            if !text.isEmpty { report(text, hint: nil) }
            return exitCode.rawValue == 0 ? 1 : exitCode.rawValue
        }
    }

    /// `--amount -100`: argument-parser reads -100 as an option and says the value is missing;
    /// the spelling that works (`--amount=-100`), when that is what happened.
    static func negativeValue(in arguments: [String], message: String) -> String? {
        for (index, word) in arguments.enumerated() where word.hasPrefix("--") && index + 1 < arguments.count {
            let next = arguments[index + 1]
            guard next.count > 1, next.hasPrefix("-"), next.dropFirst().first?.isNumber == true,
                  message.contains("Missing value for '\(word)") else { continue }
            return "\(word)=\(next)"
        }
        return nil
    }

    /// The command a mistyped one most likely meant: the words are followed down the
    /// command tree, and the first that names no subcommand is replaced by the closest name.
    static func likelyCommand(for arguments: [String]) -> String? {
        var command: any ParsableCommand.Type = SanadCommand.self
        var path = ["sanad"]
        for (index, word) in arguments.enumerated() where !word.hasPrefix("-") {
            let subcommands = command.configuration.subcommands
            guard !subcommands.isEmpty else { return nil }
            let names = subcommands.map { $0._commandName }
            if let match = subcommands.first(where: { $0._commandName == word }) {
                command = match
                path.append(word)
                continue
            }
            guard let guess = Suggestion.closest(to: word, among: names) else { return nil }
            let rest = arguments[(index + 1)...].joined(separator: " ")
            return (path + [guess]).joined(separator: " ") + (rest.isEmpty ? "" : " " + rest)
        }
        return nil
    }

    /// `sanad -a SLUG contact list` reads naturally, but the option belongs to the
    /// subcommand: a leading `-a`/`--association` is taken off and handed to the commands
    /// through the bootstrap (``CommandContext/bootstrap(_:association:)``), the process
    /// environment left as it was.
    static func hoistingAssociation(_ arguments: [String]) -> (arguments: [String], association: String?) {
        var remaining = arguments[...]
        var association: String?
        while let first = remaining.first {
            if first == "-a" || first == "--association", remaining.count >= 2 {
                association = remaining[remaining.startIndex + 1]
                remaining = remaining.dropFirst(2)
            } else if first.hasPrefix("--association=") {
                association = String(first.dropFirst("--association=".count))
                remaining = remaining.dropFirst()
            } else {
                break
            }
        }
        return (Array(remaining), association)
    }

    static func report(_ message: String, hint: String?) {
        // Errors quote what was typed or read from a file: shown, never sent to the terminal.
        var text = "error: " + shortened(message)
        if let hint { text += "\nhint: " + shortened(hint) }
        Console.note(text)
    }

    /// Errors quote what was typed; a line of a huge value is cut in the middle so the error
    /// stays readable (and a pasted document is not echoed back whole).
    static func shortened(_ text: String, lineLimit: Int = 400) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            guard line.count > lineLimit else { return String(line) }
            return "\(line.prefix(lineLimit * 2 / 3))…(\(line.count - lineLimit) characters left out)…\(line.suffix(lineLimit / 3))"
        }.joined(separator: "\n")
    }

    /// Log handler for the executable: stderr, level from `SANAD_LOG_LEVEL` (default warning).
    public static func bootstrapLogging() {
        let level = ProcessInfo.processInfo.environment["SANAD_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}

/// Sentences for database errors that reached the top without a command translating them.
/// The server's own message is not shown: it can quote the values involved.
enum DatabaseErrorText {
    static func sentence(for error: PostgresError) -> String {
        switch error.kind {
        case .connectionFailed, .connectionLost:
            return "the connection to PostgreSQL failed: \(error.message)"
        case .server:
            if error.sqlState == .insufficientPrivilege {
                // Sanad's own refusals (erasure, conflicts of interest) explain themselves and quote no value.
                if let constraint = error.constraint, ownRefusals.contains(constraint) { return error.message }
                return "PostgreSQL refused: your role in this association does not allow this"
            }
            switch error.sqlState?.class {
            case .integrityConstraintViolation?:
                return "the database refused the change because it breaks a rule" + constraintPhrase(error)
            case .dataException?:
                return "the database refused a value" + constraintPhrase(error)
            case .transactionRollback?:
                return "the change collided with another one running at the same time"
            case .insufficientResources?:
                return "the database ran out of resources (disk or memory)"
            default:
                return "the database refused the command (SQLSTATE \(error.sqlState?.rawValue ?? "unknown"))"
            }
        default:
            return error.description
        }
    }

    /// Refusals raised by Sanad's schema with sentences written for people.
    static let ownRefusals: Set<String> = ["contacts_erasure_by_admin", "audit_findings_reviewer_independent"]

    static func hint(for error: PostgresError) -> String? {
        if error.sqlState == .insufficientPrivilege {
            return error.hint ?? "sanad whoami shows your roles; an administrator can give you another (sanad user grant NAME -a SLUG --role staff)"
        }
        return switch error.sqlState?.class {
        case .transactionRollback?: "run the command again"
        case .integrityConstraintViolation?: "check the values given; nothing was changed"
        default: error.kind == .connectionLost || error.kind == .connectionFailed
            ? "check that PostgreSQL runs (sanad db status)" : "nothing was changed"
        }
    }

    private static func constraintPhrase(_ error: PostgresError) -> String {
        error.constraint.map { " (\($0))" } ?? ""
    }
}
