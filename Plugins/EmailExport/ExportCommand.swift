internal import SanadCommandKit
internal import ArgumentParser
internal import Foundation
internal import Postgres
internal import SanadCore

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Email lists for mailing services, their blocklist, and their unsubscribes read back.",
        discussion: """
            Only people who may be emailed are exported (valid consent, no suppression); the summary says how many were \
            left out and why. Files are written with mode 0600, never over an existing one without --force, and no cell \
            starts a formula a spreadsheet would run (--raw keeps values exactly as stored).

            Examples:
              sanad export emails --list newsletter --format mailchimp --out newsletter.csv
              sanad export emails --list winter --segment lybunt --format listmonk --out winter.csv
              sanad export suppression --format mailchimp --out blocklist.csv
              sanad export sync-unsubscribes mailchimp-unsubscribed.csv
              sanad export log
            """,
        subcommands: [Emails.self, Suppression.self, SyncUnsubscribes.self, Log.self]
    )

    struct Emails: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export the people the association may email, one row per address.",
            discussion: """
                Only contacts with a valid email consent (or legal basis) are exported; unsubscribed, \
                opted-out, do-not-email, bounced, complained, deceased, erased and deleted contacts never \
                are, whatever the source. The summary says how many were left out and why. Every export \
                is logged with a SHA-256 of the file (sanad export log).

                Examples:
                  sanad export emails --list newsletter --format mailchimp --out newsletter.csv
                  sanad export emails --list winter --segment lybunt --format listmonk --out winter.csv
                  sanad export emails --list board --role board --format csv --columns email,name,phone --spreadsheet --out board.csv
                """)

        @Option(help: "What the list is for (newsletter, campaign, ...); recorded in the log.") var list: String
        @Option(help: "Only this segment's members (needs the segmentation plugin).") var segment: String?
        @Option(help: "Only contacts with this tag.") var tag: String?
        @Option(help: "Only contacts with this role.") var role: String?
        @Option(help: "Only contacts with an interaction in this campaign.") var campaign: String?
        @Option(help: "mailchimp, listmonk, brevo, csv, jsonl or json (default: the plugin's default_format).") var format: ExportFormat?
        @Option(help: "For --format csv: columns among \(ExportWriter.csvColumns.joined(separator: ", ")).") var columns: String = "email,name"
        @Flag(help: "For Excel: UTF-8 with a BOM so it shows Arabic.") var spreadsheet = false
        @Flag(help: "Cells exactly as stored, even those a spreadsheet would run as a formula (by default they start with an apostrophe).")
        var raw = false
        @Option(help: "Write to this file (atomically, mode 0600) instead of standard output.") var out: String?
        @Flag(help: "Replace the --out file if it exists.") var force = false
        @Option(help: "The contact the list is handed to (flagged in the log when a funder).") var recipient: Int64?
        @OptionGroup var global: GlobalOptions
        @Option(name: .customLong("summary-format"), help: "How to print the summary: table, json or csv.") var summaryFormat: OutputFormat = .table

        func validate() throws {
            guard [segment, tag, role, campaign].compactMap({ $0 }).count <= 1 else {
                throw ValidationError("choose one source: --segment, --tag, --role or --campaign (or none for everyone)")
            }
        }

        func run() throws {
            let source: ExportSource = if let segment { .segment(segment) } else if let tag { .tag(tag) }
                else if let role { .role(try ContactRole.parse(role)) } else if let campaign { .campaign(campaign) } else { .everyone }
            let chosen = columns.split(separator: ",").map { String($0).trimmed }
            for column in chosen where !ExportWriter.csvColumns.contains(column) {
                throw SanadError.usage("unknown column \"\(column)\"", hint: "columns: \(ExportWriter.csvColumns.joined(separator: ", "))")
            }
            let work = try CommandContext.work(global, plugin: "email-export")
            let summary = try work.change { transaction in
                let chosenFormat = format ?? ExportFormat(rawValue: work.configuration.text("default_format")) ?? .mailchimp
                var exporter = EmailExporter(list: list, source: source, format: chosenFormat, columns: chosen, spreadsheet: spreadsheet,
                                             output: out, recipient: recipient, replacing: force)
                exporter.raw = raw
                return try exporter.run(in: transaction, progress: out == nil ? SilentProgress.factory : ProgressReporter.terminal)
            }
            if out == nil {
                // The list went to standard output: the summary goes to standard error.
                let parts = summary.excluded.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
                Console.note("exported \(summary.rows) address(es); left out: \(parts.isEmpty ? "none" : parts)")
            } else {
                OutputWriter(format: summaryFormat).print(summary)
            }
            if summary.recipientIsFunder {
                Console.note("warning: the recipient holds the funder role; this export is flagged in the log")
            }
        }
    }

    struct Suppression: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export everyone who must not be emailed, for the mailing service's blocklist.",
            discussion: "Example:\n  sanad export suppression --format mailchimp --out blocklist.csv")

        @Option(help: "mailchimp, listmonk or csv.") var format: String = "csv"
        @Option(help: "Write to this file (atomically, mode 0600) instead of standard output.") var out: String?
        @Flag(help: "Replace the --out file if it exists.") var force = false
        @OptionGroup var global: GlobalOptions

        func run() throws {
            guard let chosen = SuppressionExporter.Format(rawValue: format) else {
                throw SanadError.usage("--format takes mailchimp, listmonk or csv", hint: "such as --format mailchimp")
            }
            let work = try CommandContext.work(global, plugin: "email-export")
            let count = try work.change { transaction in
                try SuppressionExporter(format: chosen, output: out, replacing: force).run(in: transaction)
            }
            Console.note("\(count) address(es) must not be emailed.")
        }
    }

    struct SyncUnsubscribes: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sync-unsubscribes",
            abstract: "Read a mailing service's unsubscribe, bounce or complaint export and apply it as suppression.",
            discussion: """
                Reads Mailchimp (Email Address, and UNSUB or CLEAN columns), listmonk (email, status) and Brevo \
                (EMAIL) exports. A row's status column says unsubscribed, bounced or complained; without one, \
                --reason does.

                Example:
                  sanad export sync-unsubscribes mailchimp-unsubscribed.csv
                  sanad export sync-unsubscribes brevo-hard-bounces.csv --reason bounced
                """)

        @Argument(help: "The service's CSV export.") var file: String
        @Option(help: "unsubscribed, bounced or complained, for rows that do not say.") var reason: String = "unsubscribed"
        @Option(help: "Where the file came from, recorded with each suppression.") var source: String = "mailing service"
        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: FormatOptions

        func run() throws {
            let defaultReason = try SuppressionReason.parse(reason)
            let work = try CommandContext.work(global, format, plugin: "email-export")
            let report = try work.change { transaction in
                try UnsubscribeSync(path: file, defaultReason: defaultReason, source: source).run(in: transaction)
            }
            work.writer.print(report)
        }
    }

    struct Log: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List past email exports: who, when, what, how many, and the file's SHA-256.", discussion: "Example:\n  sanad export log --format csv")
        @Option(help: "At most this many.") var limit = 50
        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: FormatOptions

        func run() throws {
            let work = try CommandContext.work(global, format, plugin: "email-export")
            work.writer.print(try work.read { try ExportLogEntry.latest(limit, in: $0) })
        }
    }
}
