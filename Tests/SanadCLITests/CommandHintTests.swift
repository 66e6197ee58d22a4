import Foundation
import ArgumentParser
import Postgres
import SanadCore
import SanadCommandKit
@testable import SanadCLI
import Testing

/// Core errors say what is wrong and what to do in the domain's words; the command line adds
/// the command that does it, and that command parses.
@Suite("Error hints: the core names the remedy, the command kit the command")
struct CommandHintTests {
    static let remedies: [Remedy] = [
        .listEvents, .showConsent(contact: 12), .listGroups, .createGroup(name: "متطوعو الشتاء $(rm -rf ~)"),
        .showCampaign(slug: "winter-2026"), .showContact(7), .searchContacts(text: "O'Brien"), .searchContacts(text: nil),
        .restoreContact(7), .migrateDatabase, .setExchangeRate(currency: "USD", day: CalendarDate(iso: "2026-03-01")),
        .listJobs, .showJob(3), .listSchedules, .showAssociation(slug: "tripoli"),
        .enablePlugin(id: "segmentation", association: "tripoli"),
        .plugin(id: "segmentation", action: "edit", subject: "lybunt"), .plugin(id: "influence-audit", action: "findings", subject: nil),
        .plugin(id: "influence-audit", action: "run", subject: nil), .plugin(id: "influence-audit", action: "lexicon", subject: nil),
    ]

    @Test("every remedy with its values given becomes a command that parses")
    func remediesParse() throws {
        CommandContext.bootstrap(InstalledPlugins(commandPlugins: installedPlugins))
        for remedy in Self.remedies {
            let command = remedy.command
            #expect(command.hasPrefix("sanad "), "\(remedy)")
            let words = Array(HelpTests.words(command).dropFirst()).map { $0 == "NAME" ? "someone" : $0 }
            #expect(throws: Never.self, "\(command)") { _ = try SanadCommand.parseAsRoot(words) }
        }
    }

    @Test("a value in a remedy is one shell word that expands nothing")
    func valuesAreQuoted() {
        #expect(Remedy.createGroup(name: "متطوعو الشتاء $(rm -rf ~)").command == "sanad group create 'متطوعو الشتاء $(rm -rf ~)'")
        #expect(Remedy.searchContacts(text: "O'Brien").command == #"sanad contact search 'O'\''Brien'"#)
        #expect(Remedy.showCampaign(slug: "winter-2026").command == "sanad campaign show winter-2026")
    }

    @Test("the command line joins the domain's hint and the command")
    func commandLineHint() {
        let error = SanadError.notFound("contact #7 has no email a@b.org", hint: "see its emails", remedy: .showContact(7))
        #expect(error.commandLineHint == "see its emails with: sanad contact show 7")
        #expect(SanadError.usage("x", remedy: .migrateDatabase).commandLineHint == "run: sanad db migrate")
        #expect(SanadError.usage("x", hint: "give a name").commandLineHint == "give a name")
    }

    @Test("no core source names a command in an error")
    func coreNamesNoCommands() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let core = root.appendingPathComponent("Sources/SanadCore")
        let files = FileManager.default.enumerator(at: core, includingPropertiesForKeys: nil)!.compactMap { $0 as? URL }
            .filter { $0.pathExtension == "swift" }
        #expect(files.count > 20)
        let commands = SanadCommand.configuration.subcommands.map { "sanad " + $0._commandName + " " }
        for file in files {
            for (number, line) in try String(contentsOf: file, encoding: .utf8).split(separator: "\n").enumerated()
            where line.contains("hint:") && commands.contains(where: { line.contains($0) }) {
                Issue.record("\(file.lastPathComponent):\(number + 1) names a command in a hint: \(line)")
            }
        }
    }
}
