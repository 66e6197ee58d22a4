internal import ArgumentParser
internal import EmailExport
internal import Foundation
internal import Glibc
internal import InfluenceAudit
internal import Postgres
internal import SanadCore
internal import SanadSynthetic
internal import SanadCommandKit
internal import Segmentation

/// `sanad demo`: two sample associations with everything switched on, and a tour.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Create two sample associations (Arabic and English) with data, segments, an audit and exports, then show a tour.",
        discussion: """
            The samples come from Sanad's generator: contacts written in Arabic and Latin script, campaigns, a \
            calendar, gifts and consent, plus a planted influence case for the audit to find. Running it again \
            refreshes everything without adding data twice. Only the demo's own associations are touched.

            Examples:
              sanad demo
              sanad demo --out ~/sanad-demo --contacts 5000
              sanad demo --reset
            """)

    @Flag(help: "Remove the demo associations and the demo's files, and nothing else.") var reset = false
    @Option(help: "Folder for the audit reports and exported lists.") var out = "sanad-demo"
    @Option(help: "Contacts per sample association.") var contacts = 1500

    func validate() throws {
        guard (100...200_000).contains(contacts) else { throw ValidationError("--contacts takes 100 to 200000") }
    }

    func run() throws {
        let context = try CommandContext.open(GlobalOptions())
        let progress = CommandIO.current.isTerminal(.standardError)
        func say(_ text: String) { if progress { Console.note(text) } }
        if reset {
            let directory = try context.ownerDirectory(for: "removing the demo associations")
            let demos = try directory.demoAssociations()
            for association in demos {
                try directory.remove(association)
            }
            let removedFiles = Self.files(for: DemoAssociation.all).filter { (try? FileManager.default.removeItem(atPath: out + "/" + $0)) != nil }
            if (try? FileManager.default.contentsOfDirectory(atPath: out))?.isEmpty == true { try? FileManager.default.removeItem(atPath: out) }
            Console.say(demos.isEmpty ? "No demo associations to remove." : "Removed \(demos.map(\.slug).joined(separator: " and ")) and \(removedFiles.count) file(s) in \(out).")
            return
        }
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        var lines: [String] = []
        var funders: [String: Int64] = [:]
        for demo in DemoAssociation.all {
            let (section, funder) = try prepare(demo, context: context, say: say)
            lines.append(contentsOf: section)
            funders[demo.slug] = funder
        }
        Console.say(tour(lines, funders: funders))
    }

    static func files(for demos: [DemoAssociation]) -> [String] {
        demos.flatMap { ["\($0.slug)-audit.html", "\($0.slug)-newsletter-mailchimp.csv", "\($0.slug)-lybunt-listmonk.csv"] }
    }

    /// Makes (or refreshes) one sample association; returns its lines of the tour and the id
    /// of its largest funder (for the tour to show).
    private func prepare(_ demo: DemoAssociation, context: CommandContext, say: (String) -> Void) throws -> ([String], Int64?) {
        let directory = try context.ownerDirectory(for: "adding the demo associations")
        let association: Association
        if let existing = try directory.find(slug: demo.slug) {
            guard try directory.demoAssociations().contains(where: { $0.id == existing.id }) else {
                throw SanadError.conflict("an association named \(demo.slug) exists and was not made by the demo",
                                          hint: "the demo leaves it alone; remove or rename it to run the demo")
            }
            association = existing
        } else {
            association = try context.createAssociation(demo.new)
            try directory.markDemo(association)
        }
        let session = try context.session(for: association)
        var configuration = SyntheticAssociation.Configuration(seed: demo.arabic ? 11 : 12, contacts: contacts)
        configuration.interactionsPerContact = 6
        let generator = SyntheticAssociation(configuration, for: association)
        let empty = try session.transaction(readOnly: true) { try $0.query("SELECT NOT EXISTS (SELECT 1 FROM contacts)")[0].decode(Bool.self, at: 0) }
        if empty {
            say("\(demo.slug): generating \(contacts) contacts with their history…")
            _ = try SyntheticLoader(generator).load(into: session)
        }
        let upcoming = try session.transaction(readOnly: true) { transaction in
            try EventStore(transaction).list(from: Date(), to: nil).first { $0.place != nil }
        }
        try session.transaction { transaction in
            let plugins = PluginStore(transaction)
            for plugin in transaction.plugins.all where try !plugins.state(of: plugin).enabled {
                try plugins.enable(plugin)
            }
            if try AuditStore(transaction).decisions().isEmpty {
                try demo.plantInfluenceCase(transaction)
            }
            let segments = SegmentStore(transaction)
            let existing = Set(try segments.list().map(\.slug))
            for segment in demo.segments(upcomingPlace: upcoming?.place) where !existing.contains(segment.slug) {
                _ = try segments.create(segment.slug, rule: RuleSource(segment.rule), description: segment.description, cron: "0 3 * * *")
            }
            if try JobStore(transaction).schedules().allSatisfy({ $0.kind != "influence-audit.run" }) {
                _ = try JobStore(transaction).addSchedule("influence-audit.run", cron: "0 4 * * 1", parameters: [:])
            }
        }
        say("\(demo.slug): refreshing segments, running the audit, exporting…")
        let (refreshed, audit, report) = try session.transaction { transaction in
            let segments = SegmentStore(transaction)
            let refreshed = try segments.refreshOrder().map { try segments.refresh($0, trigger: "demo") }
            let configuration = try PluginStore(transaction).requireEnabled("influence-audit")
            let audit = try AuditEngine(transaction, configuration: configuration).run()
            return (refreshed, audit, try AuditReport.load(transaction))
        }
        let reportPath = out + "/\(demo.slug)-audit.html"
        // The demo names its own files in its own folder and promises to run again: it
        // replaces them explicitly, as a scheduled job would.
        try AtomicFile.write(Data(report.html().utf8), to: reportPath, replacing: true)
        let exports = try session.transaction { transaction in
            [try EmailExporter(list: "newsletter", source: .everyone, format: .mailchimp,
                               output: out + "/\(demo.slug)-newsletter-mailchimp.csv", replacing: true).run(in: transaction),
             try EmailExporter(list: "lybunt", source: .segment("lybunt"), format: .listmonk,
                               output: out + "/\(demo.slug)-lybunt-listmonk.csv", replacing: true).run(in: transaction)]
        }
        let high = report.findings.filter { $0.severity == "high" }.count
        var lines = ["", "\(association.name) (--association \(demo.slug), \(association.language == "ar" ? "Arabic" : "English"), \(association.baseCurrency))"]
        lines += refreshed.map { "  segment \($0.slug): \($0.members) members" }
        lines.append("  influence audit: \(audit.findings) findings, \(high) high; report: \(reportPath)")
        lines += exports.map { "  export \($0.list) (\($0.format)): \($0.rows) addresses -> \($0.destination)" }
        let funder = try session.transaction(readOnly: true) { transaction in
            try transaction.query("""
                SELECT contact_id FROM interactions WHERE type = 'donation' GROUP BY contact_id ORDER BY sum(amount) DESC, contact_id LIMIT 1
                """).first?.decode(Int64.self, at: 0)
        }
        return (lines, funder)
    }

    private func tour(_ lines: [String], funders: [String: Int64]) -> String {
        """
        Sanad demo ready.
        \(lines.joined(separator: "\n"))

        Try next:
          sanad association list
          sanad contact search "محمد" -a demo-ar
          sanad contact show \(funders["demo-en"].map(String.init) ?? "1") -a demo-en
          sanad calendar -a demo-ar
          sanad interaction list --contact \(funders["demo-ar"].map(String.init) ?? "1") -a demo-ar
          sanad segment list -a demo-ar
          sanad segment members lybunt -a demo-en --format csv
          sanad audit findings -a demo-ar --severity high
          sanad audit report -a demo-en
          sanad export emails --list test --segment facebook-never-acted --format brevo -a demo-en --out facebook.csv
          sanad worker          (runs the scheduled refreshes and audits; Ctrl-C stops it)

        Open \(out)/demo-ar-audit.html in a browser to see the influence report.
        Remove the demo with: sanad demo --reset
        """
    }
}
