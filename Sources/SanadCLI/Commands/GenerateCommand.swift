internal import ArgumentParser
internal import Foundation
internal import Postgres
internal import SanadCore
internal import SanadSynthetic
internal import SanadCommandKit

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate a realistic synthetic association (deterministic from a seed), into the database or as CSV files.",
        discussion: """
            Names come in Arabic, Latin and mixed script with real spelling variation; phones are \
            written the many ways people write them; households share phones; some people are \
            entered twice (listed in pairs.csv); funders give with and without conditions.

            Examples:
              sanad generate -a demo --contacts 2000 --load
              sanad generate -a demo --contacts 1000000 --seed 7 --out /tmp/sanad-data
            """)

    @Option(help: "How many contact rows.") var contacts: Int
    @Option(help: "The seed: the same seed and size give the same data.") var seed: UInt64 = 1
    @Option(help: "Average interactions per contact.") var interactionsPerContact: Double = 5
    @Option(help: "The day the history ends (default: today), YYYY-MM-DD.") var referenceDay: String?
    @Flag(help: "Load into the association.") var load = false
    @Option(help: "Write contacts.csv, interactions.csv and pairs.csv into this folder.") var out: String?
    @Flag(help: "With --out, write only contacts.csv and pairs.csv.") var contactsOnly = false
    @Flag(help: "With --out, replace files of those names in the folder.") var force = false
    @OptionGroup var global: GlobalOptions
    @OptionGroup var format: FormatOptions

    func validate() throws {
        guard contacts > 0, contacts <= 50_000_000 else { throw ValidationError("--contacts takes 1 to 50000000") }
        guard interactionsPerContact >= 0, interactionsPerContact <= 100 else {
            throw ValidationError("--interactions-per-contact takes 0 to 100")
        }
        guard load != (out != nil) else { throw ValidationError("choose one of --load or --out DIR") }
    }

    func run() throws {
        let work = try CommandContext.work(global, format)
        var configuration = SyntheticAssociation.Configuration(seed: seed, contacts: contacts)
        configuration.interactionsPerContact = interactionsPerContact
        if let referenceDay { configuration.referenceDay = try InputValues.day(referenceDay, field: "--reference-day") }
        let generator = SyntheticAssociation(configuration, for: work.association)
        let writer = work.writer
        if let out {
            let written = try SyntheticFiles(generator).write(to: out, interactions: !contactsOnly, progress: ProgressReporter.terminal, replacing: force)
            writer.print(["folder": .text(out), "contacts": .integer(Int64(written.contacts)),
                          "interactions": .integer(Int64(written.interactions)),
                          "duplicate_pairs": .integer(Int64(written.duplicatePairs)), "family_pairs": .integer(Int64(written.familyPairs))])
            return
        }
        let report = try SyntheticLoader(generator).load(into: work.session, progress: ProgressReporter.terminal)
        writer.print([
            "contacts": .integer(Int64(report.contacts.inserted)), "duplicates_in_file": .integer(Int64(report.contacts.duplicatesInFile)),
            "interactions": .integer(Int64(report.interactions.inserted)), "relationships": .integer(Int64(report.relationships)),
            "consents": .integer(Int64(report.consents)), "suppressions": .integer(Int64(report.suppressions)),
            "campaigns": .integer(Int64(report.campaigns)), "events": .integer(Int64(report.events)),
            "seconds": .decimal(Decimal(string: String(format: "%.2f", report.seconds)) ?? 0),
        ])
    }
}
