internal import ArgumentParser
internal import Foundation
internal import Postgres
internal import SanadCore
internal import SanadCommandKit

/// Which contacts a bulk command changes: exactly one of ids, a file of ids, a segment or a search.
struct SelectionOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Contact ids, separated by commas (1,3,4,9); may be repeated.", valueName: "ids"))
    var ids: [String] = []
    @Option(help: ArgumentHelp("A file of contact ids: one per line, or the first column of a CSV file with a header.", valueName: "file"))
    var idsFrom: String?
    @Option(help: "The members of this segment (the segmentation plugin).") var segment: String?
    @Option(help: "What this search finds (name, email, phone; its first 1000).") var search: String?

    func validate() throws {
        let given = [!ids.isEmpty, idsFrom != nil, segment != nil, search != nil].filter { $0 }.count
        guard given == 1 else {
            throw ValidationError("choose the contacts with exactly one of --ids, --ids-from, --segment or --search")
        }
    }

    func selection() throws -> ContactSelection {
        if let segment { return .set(kind: "segment", name: segment) }
        if let search { return .search(search) }
        if let idsFrom { return .ids(try Self.ids(inFile: idsFrom)) }
        return .ids(try ids.flatMap { $0.split(separator: ",") }.map { try Self.id(String($0), where: "--ids") })
    }

    static func id(_ text: String, where place: String) throws -> Int64 {
        let trimmed = InputValues.asciiDigits(text.trimmed)
        guard let id = Int64(trimmed), id > 0 else {
            throw SanadError.invalid("\(place): \"\(text)\" is not a contact id", hint: "contact ids are whole numbers, such as 42")
        }
        return id
    }

    static func ids(inFile path: String) throws -> [Int64] {
        let reader = try CSVReader(path: path)
        var ids: [Int64] = []
        var line = 0
        while let record = try reader.next() {
            line += 1
            guard let first = record.fields.first?.trimmed, !first.isEmpty else { continue }
            // A header row (id, contact_id, الرقم) is skipped; any other word is an error with its line.
            if line == 1, Int64(InputValues.asciiDigits(first)) == nil { continue }
            ids.append(try id(first, where: "\(path) line \(record.line)"))
        }
        return ids
    }
}

/// What every bulk command takes besides its change: the contacts, --dry-run, the
/// association and the format; and how each runs: one transaction, rolled back for a dry run.
struct BulkRun: ParsableArguments {
    @OptionGroup var contacts: SelectionOptions
    @Flag(help: "Count what would change; change nothing.") var dryRun = false
    @OptionGroup var global: GlobalOptions
    @OptionGroup var format: FormatOptions

    func apply(_ change: (BulkChanges, ContactSelection, AssociationWork) throws -> BulkOutcome) throws {
        let work = try CommandContext.work(global, format)
        let selection = try contacts.selection()
        var outcome = try work.change(dryRun: dryRun) { try change(BulkChanges($0), selection, work) }
        outcome.dryRun = dryRun
        if work.format.format == .table {
            let unchanged = outcome.selected - outcome.changed
            Console.say((dryRun ? "Dry run, nothing changed: would change " : "Changed ")
                + "\(outcome.changed) of \(outcome.selected) contact(s) (\(outcome.change))"
                + (unchanged > 0 ? "; \(unchanged) already had it." : "."))
        } else {
            work.writer.print(outcome)
        }
    }
}

struct BulkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bulk",
        abstract: "Change many contacts at once: tags, a role, consent, event attendance.",
        discussion: """
            Choose the contacts with exactly one of --ids, --ids-from, --segment or --search. Each change is
            one transaction (all of it or nothing), written to the audit log with its count; --dry-run
            shows the count and changes nothing.

            Examples:
              sanad contact bulk tag "حملة الشتاء" --ids 1,3,4,9
              sanad contact bulk role volunteer --segment volunteers-near-event --dry-run
              sanad contact bulk consent email granted --basis consent --source "sign-up sheet" --ids-from signed.csv
              sanad contact bulk attend 12 --search "Haddad"
            """,
        subcommands: [Tag.self, Untag.self, Role.self, Consent.self, Attend.self]
    )

    struct Tag: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Tag the chosen contacts.",
                                                        discussion: "Example:\n  sanad contact bulk tag donors-2026 \"حملة الشتاء\" --segment lybunt")
        @Argument(help: "Tags to add.") var tags: [String]
        @OptionGroup var bulk: BulkRun

        func validate() throws {
            guard !tags.isEmpty else { throw ValidationError("give at least one tag") }
        }

        func run() throws {
            try bulk.apply { changes, selection, _ in try changes.tag(selection, with: tags) }
        }
    }

    struct Untag: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove tags from the chosen contacts.",
                                                        discussion: "Example:\n  sanad contact bulk untag newsletter --ids-from unsubscribed.csv")
        @Argument(help: "Tags to remove.") var tags: [String]
        @OptionGroup var bulk: BulkRun

        func validate() throws {
            guard !tags.isEmpty else { throw ValidationError("give at least one tag") }
        }

        func run() throws {
            try bulk.apply { changes, selection, _ in try changes.untag(selection, removing: tags) }
        }
    }

    struct Role: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give the chosen contacts a role.",
                                                        discussion: "Example:\n  sanad contact bulk role volunteer --ids 4,8,15 --since 2026-11-01")
        @Argument(help: "The role (supporter, funder, volunteer, member, beneficiary, board, staff).") var role: String
        @Option(help: "From this day.") var since: String?
        @OptionGroup var bulk: BulkRun

        func run() throws {
            let role = try ContactRole.parse(self.role)
            let since = try since.map { try InputValues.day($0, field: "--since") }
            try bulk.apply { changes, selection, _ in try changes.addRole(selection, role, since: since) }
        }
    }

    struct Consent: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record the same consent for the chosen contacts (a sign-up sheet, a form).",
            discussion: "Example:\n  sanad contact bulk consent email granted --basis consent --source \"event sign-up sheet\" --ids-from sheet.csv")
        @Argument(help: "email, sms, phone or post.") var channel: String
        @Argument(help: "granted, withdrawn or refused.") var status: String
        @Option(help: "Legal basis: consent, legitimate-interest or soft-opt-in (required when granted).") var basis: String?
        @Option(help: "Where it was given (form, event, call).") var source: String?
        @Option(help: "The exact wording shown to the people.") var wording: String?
        @Option(help: "When it was given (default: now).") var at: String?
        @OptionGroup var bulk: BulkRun

        func run() throws {
            try bulk.apply { changes, selection, work in
                let entry = try ConsentEntry.typed(channel: channel, status: status, basis: basis, source: source, wording: wording,
                                                   at: at, timeZone: work.association.zone)
                return try changes.recordConsent(selection, entry)
            }
        }
    }

    struct Attend: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Mark the chosen contacts as having attended an event.",
                                                        discussion: "Example:\n  sanad contact bulk attend 12 --ids-from attendance.csv")
        @Argument(help: "The event's id.") var event: Int64
        @OptionGroup var bulk: BulkRun

        func run() throws {
            try bulk.apply { changes, selection, _ in try changes.markAttendance(selection, event: event) }
        }
    }
}
