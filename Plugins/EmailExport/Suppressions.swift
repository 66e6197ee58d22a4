internal import Foundation
internal import Postgres
public import SanadCore

/// The blocklist a mailing service should hold: every address the association must not
/// email (suppressed, or consent withdrawn or refused), deleted contacts included.
public struct SuppressionExporter {
    public enum Format: String, CaseIterable, Sendable {
        case mailchimp, listmonk, csv
    }

    public var format: Format
    public var output: String?
    /// Whether an existing file at ``output`` may be replaced (`--force`).
    public var replacing: Bool

    public init(format: Format, output: String?, replacing: Bool = false) {
        self.format = format
        self.output = output
        self.replacing = replacing
    }

    /// Writes the blocklist; returns how many addresses it holds.
    public func run(in transaction: AssociationTransaction) throws -> Int {
        let reasons = ContactEligibility.emailSuppressions.map(\.rawValue)
        let sink = try ExportSink(path: output, replacing: replacing)
        let header = switch format {
        case .mailchimp: ["Email Address"]
        case .listmonk: ["email", "name"]
        case .csv: ["email", "reason"]
        }
        try sink.write(Array(CSVText.row(header).utf8))
        let count = try transaction.stream("""
            SELECT DISTINCT ON (e.address_key) e.address, c.display_name,
                   coalesce((SELECT s.reason FROM contact_suppressions s WHERE s.contact_id = c.id AND s.lifted_at IS NULL
                             AND s.reason = ANY(\(reasons)) ORDER BY s.recorded_at DESC LIMIT 1),
                            'consent ' || (SELECT cc.status FROM current_consents cc WHERE cc.contact_id = c.id AND cc.channel = 'email'))
            FROM contact_emails e JOIN contacts c ON c.id = e.contact_id
            WHERE c.erased_at IS NULL
              AND (EXISTS (SELECT 1 FROM contact_suppressions s WHERE s.contact_id = c.id AND s.lifted_at IS NULL AND s.reason = ANY(\(reasons)))
                   OR EXISTS (SELECT 1 FROM current_consents cc WHERE cc.contact_id = c.id AND cc.channel = 'email'
                              AND cc.status IN ('withdrawn', 'refused')))
            ORDER BY e.address_key
            """) { row in
            let (address, name, reason) = try row.decode(String.self, String.self, String.self)
            let fields = switch format {
            case .mailchimp: [address]
            case .listmonk: [address, name]
            case .csv: [address, reason.replacingOccurrences(of: "_", with: " ")]
            }
            try sink.write(Array(CSVText.row(fields).utf8))
        }
        try sink.flush()
        transaction.afterCommit { try sink.publish() }
        try transaction.audit("export.suppression", entity: "contact_suppressions", details: ["rows": String(count), "format": format.rawValue])
        return count
    }
}

/// Reads a mailing service's unsubscribe, bounce or complaint export (Mailchimp, listmonk,
/// Brevo) and applies it as suppression, so the next export honours it. Addresses that
/// match no contact are kept as hashes on the suppression list: a later import of them
/// arrives already suppressed.
public struct UnsubscribeSync {
    public struct Report: Sendable, Encodable {
        public var rows = 0
        public var contactsSuppressed = 0
        public var unmatchedAddresses = 0
        public var rejected: [ImportRejection] = []

        enum CodingKeys: String, CodingKey {
            case rows, contactsSuppressed = "contacts_suppressed", unmatchedAddresses = "kept_as_hashes", rejected, rejections
        }

        /// The count of rejected rows, then the first hundred of them.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(rows, forKey: .rows)
            try container.encode(contactsSuppressed, forKey: .contactsSuppressed)
            try container.encode(unmatchedAddresses, forKey: .unmatchedAddresses)
            try container.encode(rejected.count, forKey: .rejected)
            try container.encode(Array(rejected.prefix(100)), forKey: .rejections)
        }
    }

    public var path: String
    /// The reason when a row does not say (a plain list of unsubscribed addresses).
    public var defaultReason: SuppressionReason
    public var source: String

    public init(path: String, defaultReason: SuppressionReason = .unsubscribed, source: String = "mailing service") {
        self.path = path
        self.defaultReason = defaultReason
        self.source = source
    }

    static let emailColumns: Set<String> = ["email", "email address", "e mail", "emailaddress", "subscriber", "contact email"]
    static let reasonColumns: Set<String> = ["status", "reason", "unsub reason", "type", "event", "bounce type", "subscription status"]

    /// Reads a status word from the services' exports.
    static func reason(_ text: String) -> SuppressionReason? {
        let word = text.lowercased()
        if word.contains("complain") || word.contains("spam") || word.contains("abuse") { return .complained }
        if word.contains("bounce") || word.contains("clean") || word.contains("hard") { return .bounced }
        if word.contains("unsub") || word.contains("blocklist") || word.contains("blacklist") || word.contains("opt") { return .unsubscribed }
        return nil
    }

    public func run(in transaction: AssociationTransaction) throws -> Report {
        let reader = try CSVReader(path: path)
        guard let header = try reader.next() else {
            throw SanadError.invalid("\(path) is empty", hint: "export the unsubscribed or bounced list from the mailing service")
        }
        let names = header.fields.map { ColumnMapping.normalizedHeader($0) }
        guard let emailColumn = names.firstIndex(where: { Self.emailColumns.contains($0) }) else {
            throw SanadError.invalid("\(path) has no email column", hint: "the file needs a column named Email, Email Address or EMAIL")
        }
        let reasonColumn = names.firstIndex(where: { Self.reasonColumns.contains($0) })
        var report = Report()
        try transaction.execute("CREATE TEMP TABLE unsubscribe_staging (line bigint, address_key text, reason text) ON COMMIT DROP")
        try transaction.copyIn("COPY unsubscribe_staging FROM STDIN") { writer in
            while let record = try reader.next() {
                if record.fields.allSatisfy({ $0.trimmed.isEmpty }) { continue }
                report.rows += 1
                guard emailColumn < record.fields.count, record.problem == nil,
                      case .success(let address) = EmailAddress.parse(record.fields[emailColumn]) else {
                    report.rejected.append(ImportRejection(line: record.line, field: "email", reason: "not a valid email address"))
                    continue
                }
                let reason = reasonColumn.flatMap { $0 < record.fields.count ? Self.reason(record.fields[$0]) : nil } ?? defaultReason
                try writer.writeRow([String(record.line), address.key, reason.rawValue])
            }
        }
        report.contactsSuppressed = try transaction.execute("""
            INSERT INTO contact_suppressions (contact_id, reason, source)
            SELECT DISTINCT e.contact_id, u.reason, \(source) FROM unsubscribe_staging u JOIN contact_emails e ON e.address_key = u.address_key
            ON CONFLICT (association_id, contact_id, reason) WHERE lifted_at IS NULL DO NOTHING
            """)
        report.unmatchedAddresses = try transaction.execute("""
            INSERT INTO suppressed_identifiers (kind, identifier_hash, reason)
            SELECT DISTINCT ON (u.address_key) 'email', sanad_identifier_hash(u.address_key), u.reason
            FROM unsubscribe_staging u
            WHERE NOT EXISTS (SELECT 1 FROM contact_emails e WHERE e.address_key = u.address_key)
            ORDER BY u.address_key, u.line
            ON CONFLICT (association_id, kind, identifier_hash) DO NOTHING
            """)
        try transaction.audit("export.sync_unsubscribes", entity: "contact_suppressions", details: [
            "file": URL(fileURLWithPath: path).lastPathComponent, "rows": String(report.rows),
            "contacts_suppressed": String(report.contactsSuppressed), "kept_as_hashes": String(report.unmatchedAddresses),
        ])
        return report
    }
}
