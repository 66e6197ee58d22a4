import Foundation
import ArgumentParser
import SanadCore
import SanadCommandKit
@testable import SanadCLI
import Testing

/// Help that teaches: every command carries an example, every example parses, and a
/// mistyped command gets the likely one suggested.
@Suite("Help: examples everywhere, each one valid; did-you-mean")
struct HelpTests {
    static func commands(_ command: any ParsableCommand.Type = SanadCommand.self, path: [String] = []) -> [([String], any ParsableCommand.Type)] {
        let subcommands = command.configuration.subcommands
        return [(path, command)] + subcommands.flatMap { commands($0, path: path + [$0._commandName]) }
    }

    /// Splits an example as a shell would: spaces separate words, quotes group them.
    static func words(_ line: String) -> [String] {
        var words: [String] = []
        var current = ""
        var quote: Character?
        var inWord = false
        for character in line {
            if let open = quote {
                if character == open { quote = nil } else { current.append(character) }
            } else if character == "\"" || character == "'" {
                quote = character
                inWord = true
            } else if character == " " {
                if inWord { words.append(current) }
                current = ""
                inWord = false
            } else {
                current.append(character)
                inWord = true
            }
        }
        if inWord { words.append(current) }
        return words
    }

    @Test("every command without subcommands shows at least one example")
    func examplesEverywhere() {
        CommandContext.bootstrap(InstalledPlugins(commandPlugins: installedPlugins))
        let leaves = Self.commands().filter { $0.1.configuration.subcommands.isEmpty }
        #expect(leaves.count > 80)
        for (path, command) in leaves {
            #expect(command.configuration.discussion.contains("sanad "), "sanad \(path.joined(separator: " ")) has no example")
        }
    }

    @Test("every plugin's root command shows examples too, like the core's")
    func pluginRootsHaveExamples() {
        for command in installedPlugins.flatMap(\.commands) + [CurrencyCommand.self, CurrencyCommand.Rate.self] {
            #expect(command.configuration.discussion.contains("sanad "), "sanad \(command._commandName) --help has no example")
        }
    }

    @Test("every example in the help parses as a command")
    func examplesParse() {
        CommandContext.bootstrap(InstalledPlugins(commandPlugins: installedPlugins))
        var checked = 0
        for (path, command) in Self.commands() {
            // A long example continues on the next line after a backslash, as in a shell.
            let lines = command.configuration.discussion.replacingOccurrences(of: "\\\n", with: " ").split(separator: "\n")
            for line in lines {
                var example = line.trimmingCharacters(in: .whitespaces)
                guard example.hasPrefix("sanad ") else { continue }
                if let comment = example.range(of: "  (") { example = String(example[..<comment.lowerBound]) }
                if let redirect = example.range(of: " > ") { example = String(example[..<redirect.lowerBound]) }
                let arguments = CommandRunner.hoistingAssociation(Array(Self.words(example).dropFirst())).arguments
                #expect(throws: Never.self, "in the help of sanad \(path.joined(separator: " ")): \(example)") {
                    _ = try SanadCommand.parseAsRoot(arguments)
                }
                checked += 1
            }
        }
        #expect(checked > 100)
    }

    @Test("a mistyped command gets the likely one suggested")
    func didYouMean() {
        #expect(CommandRunner.likelyCommand(for: ["contcat", "list"]) == "sanad contact list")
        #expect(CommandRunner.likelyCommand(for: ["contact", "lst", "--limit", "3"]) == "sanad contact list --limit 3")
        #expect(CommandRunner.likelyCommand(for: ["audit", "findngs"]) == "sanad audit findings")
        #expect(CommandRunner.likelyCommand(for: ["segmnt", "list"]) == "sanad segment list")
        #expect(CommandRunner.likelyCommand(for: ["xyzzy"]) == nil)
    }
}

/// `sanad -a SLUG contact list`: the association before the subcommand reaches the
/// commands through the bootstrap, and the process environment stays as it was.
@Suite("An association named before the subcommand")
struct HoistedAssociationTests {
    @Test("is taken off the arguments without touching the environment", arguments: [
        (["-a", "tripoli", "contact", "list"], "tripoli"), (["--association=beirut", "segment", "list"], "beirut"),
        (["contact", "list", "-a", "saida"], nil),
    ])
    func hoisted(arguments: [String], association: String?) {
        let before = ProcessInfo.processInfo.environment["SANAD_ASSOCIATION"]
        let (rest, hoisted) = CommandRunner.hoistingAssociation(arguments)
        #expect(hoisted == association)
        #expect(rest == (association == nil ? arguments : Array(arguments.drop { $0.hasPrefix("-") || $0 == association })))
        #expect(ProcessInfo.processInfo.environment["SANAD_ASSOCIATION"] == before)
    }
}
