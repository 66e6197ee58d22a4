public import Foundation

internal import Postgres
public import SanadCore
internal import SanadCommandKit

/// Which contacts an export starts from; eligibility rules then narrow them.
public enum ExportSource: Sendable, CustomStringConvertible {
    case everyone
    case segment(String)
    case tag(String)
    case role(ContactRole)
    /// Everyone with an interaction in the campaign.
    case campaign(String)

    public var description: String {
        switch self {
        case .everyone: "everyone"
        case .segment(let slug): "segment:\(slug)"
        case .tag(let tag): "tag:\(tag)"
        case .role(let role): "role:\(role.label)"
        case .campaign(let slug): "campaign:\(slug)"
        }
    }

    /// A query returning the source's contact ids.
    func members(_ transaction: AssociationTransaction) throws -> SQL {
        switch self {
        case .everyone: return "SELECT id FROM contacts"
        case .segment(let slug): return try ContactSets.members(kind: "segment", name: slug, in: transaction)
        case .tag(let tag):
            return "SELECT ct.contact_id FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id WHERE t.name_key = \(NameKeys.normalized(tag))"
        case .role(let role): return "SELECT contact_id FROM contact_roles WHERE role = \(role.rawValue)"
        case .campaign(let slug):
            let id = try CampaignStore(transaction).id(of: slug)
            return "SELECT DISTINCT contact_id FROM interactions WHERE campaign_id = \(id)"
        }
    }
}

/// What an export did.
public struct ExportSummary: Sendable, Encodable {
    public var list: String
    public var source: String
    public var format: String
    public var rows = 0
    /// Contacts or addresses left out, by reason.
    public var excluded: [String: Int] = [:]
    public var destination: String
    public var sha256: String?
    public var recipientIsFunder = false

    enum CodingKeys: String, CodingKey {
        case list, source, format, rows, excluded, destination, sha256, recipientIsFunder = "recipient_is_funder"
    }

    /// The reasons for exclusion are written in alphabetical order.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(list, forKey: .list)
        try container.encode(source, forKey: .source)
        try container.encode(format, forKey: .format)
        try container.encode(rows, forKey: .rows)
        var reasons = container.nestedContainer(keyedBy: NamedKey.self, forKey: .excluded)
        for (reason, count) in excluded.sorted(by: { $0.key < $1.key }) { try reasons.encode(count, forKey: NamedKey(reason)) }
        try container.encode(destination, forKey: .destination)
        try container.encodeIfPresent(sha256, forKey: .sha256)
        try container.encode(recipientIsFunder, forKey: .recipientIsFunder)
    }
}

/// One export in the log: who made which list, when, how many rows, and the file's SHA-256.
public struct ExportLogEntry: Sendable, Codable, Equatable {
    public var at: Date
    public var actor: String
    public var list: String
    public var source: String
    public var format: String
    public var rows: Int64
    /// The reasons for exclusion and their counts, as JSON text.
    public var excluded: String
    public var destination: String
    public var sha256: String?
    /// The contact the list was handed to, if any.
    public var recipient: Int64?
    public var flaggedFunderRecipient: Bool

    enum CodingKeys: String, CodingKey {
        case at, actor, list, source, format, rows, excluded, destination, sha256, recipient,
             flaggedFunderRecipient = "flagged_funder_recipient"
    }

    /// The association's latest exports, newest first.
    public static func latest(_ limit: Int, in transaction: AssociationTransaction) throws -> [ExportLogEntry] {
        try transaction.query("""
            SELECT at, actor, list, source, format, rows, excluded::text AS excluded, destination, sha256,
                   recipient_contact_id AS recipient, recipient_is_funder AS flagged_funder_recipient
            FROM email_exports ORDER BY id DESC LIMIT \(limit)
            """).map { try $0.decode(ExportLogEntry.self) }
    }
}

/// Produces the list a mailing service imports: exactly the people the association may
/// email, one row per address, streamed in constant memory.
public struct EmailExporter {
    public var list: String
    public var source: ExportSource
    public var format: ExportFormat
    public var columns: [String]
    public var spreadsheet: Bool
    /// Cells exactly as stored, even those a spreadsheet would run as a formula (`--raw`).
    public var raw = false
    /// A file (written atomically) or nil for standard output.
    public var output: String?
    /// The contact the list is handed to, if any (flagged when a funder).
    public var recipient: Int64?
    /// Whether an existing file at ``output`` may be replaced (`--force`).
    public var replacing: Bool

    public init(list: String, source: ExportSource, format: ExportFormat, columns: [String] = ["email", "name"],
                spreadsheet: Bool = false, output: String? = nil, recipient: Int64? = nil, replacing: Bool = false) {
        self.replacing = replacing
        self.list = list
        self.source = source
        self.format = format
        self.columns = columns
        self.spreadsheet = spreadsheet
        self.output = output
        self.recipient = recipient
    }

    /// Exclusion reasons, in the order they are checked: the first that applies is counted.
    /// They read one contact's facts joined once (`c` the contact, `s` its active suppression
    /// reasons, `e` whether it has an address, `cc` its current email consent), so counting
    /// them is one pass whatever the number of contacts.
    static let reasons: [(SQL, String)] = [
        ("c.erased_at IS NOT NULL", "erased"),
        ("c.deleted_at IS NOT NULL OR c.merged_into_id IS NOT NULL", "deleted"),
    ] + ["deceased", "complained", "bounced", "unsubscribed", "do_not_email", "bulk_email_opt_out"].map { reason in
        ("\(reason) = ANY(s.reasons)", reason.replacingOccurrences(of: "_", with: " "))
    } + [
        ("e.contact_id IS NULL", "no email address"),
        ("cc.contact_id IS NULL", "no email consent"),
        ("cc.status = 'withdrawn'", "consent withdrawn"),
        ("cc.status = 'refused'", "consent refused"),
        ("NOT cc.is_valid", "consent expired"),
    ]

    public func run(in transaction: AssociationTransaction, progress: ProgressFactory = SilentProgress.factory) throws -> ExportSummary {
        let list = try TextRules.cleanedName(self.list, field: "list", maxLength: 100)
        var summary = ExportSummary(list: list, source: source.description, format: format.rawValue, destination: output ?? "standard output")
        if let recipient {
            try ContactStore(transaction).requireContact(recipient)
            summary.recipientIsFunder = try transaction.query("""
                SELECT EXISTS (SELECT 1 FROM contact_roles WHERE contact_id = \(recipient) AND role = 'funder')
                """)[0].decode(Bool.self, at: 0)
        }
        let members = try source.members(transaction)
        let cases = SQL.joined(Self.reasons.map { "WHEN \($0.0) THEN \($0.1)" }, separator: " ")
        for row in try transaction.query("""
            SELECT reason, count(*) FROM (
                SELECT CASE \(cases) END AS reason
                FROM contacts c
                LEFT JOIN (SELECT contact_id, array_agg(reason) AS reasons FROM contact_suppressions WHERE lifted_at IS NULL
                           GROUP BY contact_id) s ON s.contact_id = c.id
                LEFT JOIN (SELECT DISTINCT contact_id FROM contact_emails) e ON e.contact_id = c.id
                LEFT JOIN (SELECT contact_id, status, is_valid FROM current_consents WHERE channel = 'email') cc ON cc.contact_id = c.id
                WHERE c.id IN (\(members))
            ) r
            WHERE reason IS NOT NULL GROUP BY reason
            """) {
            summary.excluded[try row.decode(String.self, at: 0)] = try row.decode(Int.self, at: 1)
        }
        var writer = ExportWriter(format: format, columns: columns, spreadsheet: spreadsheet)
        writer.neutralizesFormulas = !raw
        let sink = try ExportSink(path: output, replacing: replacing)
        var digest = SHA256Digest()
        func emit(_ text: String) throws {
            let bytes = Array(text.utf8)
            digest.update(bytes)
            try sink.write(bytes)
        }
        try emit(writer.header())
        let progress = progress("addresses", nil)
        // One pass over each eligible contact with its one address (the primary, else the
        // oldest), looked up per contact: a join of two CTEs here let the planner, misled by row
        // estimates over many associations, compare every address with every contact. Rows
        // come sorted by address, the latest consent first, so the first row of an address
        // wins and the rest count as shared; an address on the suppression list is counted and
        // skipped.
        var previousKey: String?
        var sharedAddresses = 0
        var listedAddresses = 0
        try transaction.stream("""
            WITH addresses AS (
                SELECT c.id AS contact_id, e.address, e.address_key, c.display_name, c.given_name, c.family_name,
                       c.preferred_language, c.city, cc.recorded_at AS consent_at
                FROM contacts c JOIN current_consents cc ON cc.contact_id = c.id AND cc.channel = 'email'
                CROSS JOIN LATERAL (SELECT e.address, e.address_key FROM contact_emails e WHERE e.contact_id = c.id
                                    ORDER BY e.is_primary DESC, e.id LIMIT 1) e
                WHERE c.id IN (\(members)) AND \(ContactEligibility.live) AND \(ContactEligibility.mayBeReached("c.id", on: .email))
            )
            SELECT a.contact_id, a.address, a.display_name, a.given_name, a.family_name,
                   a.preferred_language, a.city,
                   to_char(a.consent_at AT TIME ZONE \(transaction.association.timeZone), 'YYYY-MM-DD') AS consent_date,
                   (SELECT p.e164 FROM contact_phones p WHERE p.contact_id = a.contact_id AND p.e164 IS NOT NULL
                    ORDER BY p.is_primary DESC, p.id LIMIT 1) AS phone,
                   ARRAY(SELECT t.name FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id WHERE ct.contact_id = a.contact_id ORDER BY t.name) AS tags,
                   ARRAY(SELECT r.role FROM contact_roles r WHERE r.contact_id = a.contact_id ORDER BY r.role) AS roles,
                   a.address_key,
                   EXISTS (SELECT 1 FROM suppressed_identifiers x
                           WHERE x.kind = 'email' AND x.identifier_hash = sanad_identifier_hash(a.address_key)) AS listed
            FROM addresses a
            ORDER BY a.address_key, a.consent_at DESC, a.contact_id
            """) { row in
            let key = try row.decode("address_key", as: String.self)
            let isFirstOfAddress = key != previousKey
            previousKey = key
            if !isFirstOfAddress { sharedAddresses += 1 }
            if try row.decode("listed", as: Bool.self) { listedAddresses += 1; return }
            guard isFirstOfAddress else { return }
            let stored = try row.decode("address", as: String.self)
            // Addresses entered before today's checks (or by hand in SQL) are checked again.
            guard case .success(let address) = EmailAddress.parse(stored) else {
                summary.excluded["invalid address", default: 0] += 1
                return
            }
            if format == .mailchimp, !address.isASCIILocalPart {
                summary.excluded["non-ASCII before @ (Mailchimp refuses it)", default: 0] += 1
                return
            }
            let person = ExportRow(
                contactID: try row.decode("contact_id"), address: address.address, displayName: try row.decode("display_name"),
                givenName: try row.decode("given_name"), familyName: try row.decode("family_name"),
                language: try row.decode("preferred_language"), phone: try row.decode("phone"), city: try row.decode("city"),
                tags: try row.decode("tags"), roles: try row.decode("roles"), consentDate: try row.decode("consent_date", as: String?.self) ?? "")
            try emit(writer.line(for: person, index: summary.rows))
            summary.rows += 1
            progress.advance()
        }
        progress.finish()
        if sharedAddresses > 0 { summary.excluded["address shared with another contact (the latest consent wins)"] = sharedAddresses }
        if listedAddresses > 0 { summary.excluded["address on the suppression list"] = listedAddresses }
        try emit(writer.footer(rows: summary.rows))
        try sink.flush()
        // The file takes its final name only once its log entry is committed: a crash before
        // leaves no file under that name, never a file nobody logged.
        transaction.afterCommit { try sink.publish() }
        summary.sha256 = digest.hex
        try transaction.execute("""
            INSERT INTO email_exports (list, source, format, spreadsheet, rows, excluded, destination, sha256, recipient_contact_id,
                                       recipient_is_funder)
            VALUES (\(list), \(summary.source), \(format.rawValue), \(spreadsheet), \(summary.rows), \(JSONB(summary.excluded)),
                    \(summary.destination), \(summary.sha256), \(recipient), \(summary.recipientIsFunder))
            """)
        try transaction.audit("export.emails", entity: "email_exports", id: recipient, details: [
            "list": list, "rows": String(summary.rows), "format": format.rawValue,
            "recipient_is_funder": summary.recipientIsFunder ? "true" : "false",
        ])
        return summary
    }
}

/// Where export bytes go: a file that appears complete or not at all, or standard output.
final class ExportSink {
    private let file: AtomicFile?
    private var buffer: [UInt8] = []

    init(path: String?, replacing: Bool) throws {
        file = try path.map { try AtomicFile(path: $0, replacing: replacing) }
    }

    func write(_ bytes: [UInt8]) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 16 { try flush() }
    }

    func flush() throws {
        guard !buffer.isEmpty else { return }
        if let file {
            try file.write(buffer)
        } else {
            CommandIO.current.write(.standardOutput, buffer)
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Puts the written file under its final name.
    func publish() throws {
        try file?.commit()
    }
}
