internal import SanadCommandKit
internal import ArgumentParser
internal import Foundation
internal import Glibc
internal import Postgres
internal import SanadCore

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "The influence-risk audit: funders who may be trying to steer the association, each flag explained.",
        discussion: """
            The audit groups funders with their relatives, associates and the organizations they control, and \
            checks funding concentration, gift conditions and funders' notes (Arabic and English), conflicts of \
            interest, politically exposed people, anonymous gifts, and the timing of gifts around elections and \
            decisions. Every finding prompts a human review; nothing is blocked automatically. \
            See Plugins/InfluenceAudit/README.md for each rule and its settings.

            Examples:
              sanad plugin enable influence-audit
              sanad audit decision add 2026-03-02 "Grant to the youth centre" --beneficiary 41 --declared 7
              sanad audit election add "Municipal elections 2026" --announced 2026-02-01 --polling 2026-05-10
              sanad audit influence run
              sanad audit findings --severity high
              sanad audit review 12 --dismiss --reason "Family ties checked: the two donors are unrelated"
              sanad audit report --format html --out audit.html
            """,
        subcommands: [Influence.self, Findings.self, Show.self, Review.self, Report.self, Decision.self, Election.self,
                      Approve.self, Approvals.self, Lexicon.self]
    )

    struct Influence: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run the influence-risk audit.", subcommands: [Run.self])

        struct Run: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Compute every rule now and store the findings (a finding seen again is updated, not repeated).",
                discussion: "Example:\n  sanad audit influence run --format json")
            @OptionGroup var global: GlobalOptions
            @OptionGroup var format: FormatOptions

            func run() throws {
                let work = try CommandContext.work(global, format, plugin: "influence-audit")
                let (summary, base) = try work.change { transaction in
                    (try AuditEngine(transaction, configuration: work.configuration).run(), transaction.association.baseCurrency)
                }
                work.writer.print(summary)
                if let warning = UnconvertedGifts.warning(summary.unconverted, baseCurrency: base) {
                    Console.note("warning: the audit's figures are incomplete: " + warning)
                }
            }
        }
    }

    struct Findings: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the findings the last run saw, most severe first.",
            discussion: "Examples:\n  sanad audit findings --status open --severity high\n  sanad audit findings --all --format json")
        @Option(help: "Only these statuses: open, acknowledged, dismissed, resolved (repeat for more).") var status: [String] = []
        @Option(help: "Only these severities: notice, warn, high (repeat for more).") var severity: [String] = []
        @Flag(help: "Also list findings the last run no longer saw.") var all = false
        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: FormatOptions

        func run() throws {
            let work = try CommandContext.work(global, format, plugin: "influence-audit")
            let findings = try work.change { transaction in
                try AuditStore(transaction).findings(status: status, severity: severity, includeGone: all)
            }
            let columns = format.format == .table ? ["id", "severity", "rule", "status", "group", "summary"] : nil
            work.writer.print(findings, columns: columns)
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one finding with its evidence.",
                                                        discussion: "Example:\n  sanad audit show 12 --format json")
        @Argument(help: "The finding's id.") var id: Int64
        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: FormatOptions

        func run() throws {
            let work = try CommandContext.work(global, format, plugin: "influence-audit")
            let finding = try work.change { transaction in try AuditStore(transaction).finding(id) }
            work.writer.print(AuditFinding.WithEvidence(finding))
        }
    }

    struct Review: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a review of a finding; the reason is kept in the audit log.",
            discussion: """
                Examples:
                  sanad audit review 12 --acknowledge --reason "Board informed on 3 March; gift accepted with conditions removed"
                  sanad audit review 14 --dismiss --reason "Not related: same family name only"
                """)
        @Argument(help: "The finding's id.") var id: Int64
        @Flag(help: "What the reviewer decided.") var decision: ReviewFlag
        @Option(help: "What was checked and why (required).") var reason: String
        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: FormatOptions

        enum ReviewFlag: String, EnumerableFlag {
            case acknowledge, dismiss, resolve, reopen
            var decision: ReviewDecision {
                switch self {
                case .acknowledge: .acknowledged
                case .dismiss: .dismissed
                case .resolve: .resolved
                case .reopen: .open
                }
            }
        }

        func run() throws {
            let work = try CommandContext.work(global, format, plugin: "influence-audit")
            let finding = try work.change { transaction in
                try AuditStore(transaction).review(id, decision: decision.decision, reason: reason)
            }
            work.writer.print(finding)
        }
    }

    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The last run as a report: text, JSON, or one self-contained HTML file with charts.",
            discussion: "Examples:\n  sanad audit report\n  sanad audit report --format html --out audit.html")
        @Option(help: "text, json or html.") var format: ReportFormat = .text
        @Option(help: "Write to this file (atomically, mode 0600) instead of standard output.") var out: String?
        @Flag(help: "Replace the --out file if it exists.") var force = false
        @OptionGroup var global: GlobalOptions

        enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
            case text, json, html
        }

        func run() throws {
            let work = try CommandContext.work(global, plugin: "influence-audit")
            let report = try work.change { transaction in try AuditReport.load(transaction) }
            let body: String = switch format {
            case .text: report.text()
            case .json: JSONText.object(OutputRecord(encoding: report), timeZone: report.association.zone) + "\n"
            case .html: report.html()
            }
            if let out {
                try AtomicFile.write(Data(body.utf8), to: out, replacing: force)
                Console.note("wrote the \(format.rawValue) report with \(report.findings.count) finding(s) to \(out)")
            } else {
                // The text report quotes names and notes: on a terminal, nothing in them may act on it.
                let shown = format == .text && CommandIO.current.isTerminal(.standardOutput) ? TerminalText.visible(body) : body
                CommandIO.current.write(shown, to: .standardOutput)
            }
        }
    }

    struct Approve: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record the approval of gifts from a politically exposed person or their relative or associate.",
            discussion: "Example:\n  sanad audit approve 57 --note \"Approved by the board on 2026-04-02 after source-of-funds check\"")
        @Argument(help: "The contact's id.") var contact: Int64
        @Option(help: "Who approved, and on what checks (required).") var note: String
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let work = try CommandContext.work(global, plugin: "influence-audit")
            let id = try work.change { transaction in try AuditStore(transaction).approve(contact: contact, note: note) }
            Console.say("approval \(id) recorded; the next run no longer flags gifts from contact \(contact) for want of one")
        }
    }

    struct Approvals: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List recorded approvals.", discussion: "Example:\n  sanad audit approvals --format json")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: FormatOptions

        func run() throws {
            let work = try CommandContext.work(global, format, plugin: "influence-audit")
            let approvals = try work.change { transaction in try AuditStore(transaction).approvals() }
            work.writer.print(approvals)
        }
    }
}
