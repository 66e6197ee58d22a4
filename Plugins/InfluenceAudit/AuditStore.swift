public import Foundation
public import Postgres
public import SanadCore

/// One stored finding of the influence audit.
public struct AuditFinding: Sendable, Codable, Equatable {
    public var id: Int64
    public var rule: String
    public var severity: String
    public var status: String
    public var groupName: String?
    public var groupContacts: [Int64]
    public var score: Decimal
    public var summary: String
    public var present: Bool
    public var firstSeen: Date
    public var lastSeen: Date
    public var statusReason: String?
    /// The evidence as stored (JSON text): the gifts, notes, decisions and figures behind it.
    /// Listings leave it out; ``WithEvidence`` prints it.
    public var evidence: String = "{}"

    enum CodingKeys: String, CodingKey {
        case id, rule, severity, status, groupName = "group", groupContacts = "group_contacts", score, summary, present,
             firstSeen = "first_seen", lastSeen = "last_seen", statusReason = "status_reason"
    }

    static let columns: SQL = """
        id, rule, severity, status, group_name AS "group", group_contacts, score, summary, present, first_seen, last_seen,
        status_reason, evidence::text AS evidence
        """

    init(row: Row) throws {
        self = try row.decode(AuditFinding.self)
        evidence = try row.decode("evidence")
    }

    /// The evidence parsed, its keys in reading order (for JSON output and the report).
    public var evidenceValue: EvidenceValue { EvidenceValue.parse(evidence) }
    var evidenceObject: [String: Any] { JSONEvidence.object(evidence) }

    /// A finding with its evidence last, as `audit show` and the JSON report print it.
    public struct WithEvidence: Sendable, Encodable {
        public var finding: AuditFinding

        public init(_ finding: AuditFinding) {
            self.finding = finding
        }

        public func encode(to encoder: any Encoder) throws {
            try finding.encode(to: encoder)
            var container = encoder.container(keyedBy: NamedKey.self)
            try container.encode(finding.evidenceValue, forKey: NamedKey("evidence"))
        }
    }
}

/// What a reviewer decided about a finding.
public enum ReviewDecision: String, Sendable, CaseIterable {
    case acknowledged, dismissed, resolved, open
}

/// Reads and records what the audit works from (decisions, election periods, approvals,
/// lexicon additions) and what it found (findings and their review).
public struct AuditStore {
    public let transaction: AssociationTransaction

    public init(_ transaction: AssociationTransaction) {
        self.transaction = transaction
    }

    static let severityOrder: SQL = "CASE severity WHEN 'high' THEN 0 WHEN 'warn' THEN 1 ELSE 2 END"

    // MARK: Findings

    /// Findings, most severe first; by default those the last run still saw.
    public func findings(status: [String] = [], severity: [String] = [], includeGone: Bool = false) throws -> [AuditFinding] {
        for value in status where ReviewDecision(rawValue: value) == nil {
            throw SanadError.invalid("--status cannot be \"\(value)\"", hint: "use open, acknowledged, dismissed or resolved")
        }
        for value in severity where !["notice", "warn", "high"].contains(value) {
            throw SanadError.invalid("--severity cannot be \"\(value)\"", hint: "use notice, warn or high")
        }
        return try transaction.query("""
            SELECT \(AuditFinding.columns)
            FROM audit_findings
            WHERE (cardinality(\(status)::text[]) = 0 OR status = ANY(\(status)))
              AND (cardinality(\(severity)::text[]) = 0 OR severity = ANY(\(severity)))
              AND (present OR \(includeGone))
            ORDER BY \(Self.severityOrder), score DESC, id
            """).map(AuditFinding.init(row:))
    }

    public func finding(_ id: Int64) throws -> AuditFinding {
        let rows = try transaction.query("SELECT \(AuditFinding.columns) FROM audit_findings WHERE id = \(id)")
        guard let row = rows.first else {
            throw SanadError.notFound("there is no finding \(id) in this association", hint: "list them", remedy: .plugin(id: "influence-audit", action: "findings", subject: nil))
        }
        return try AuditFinding(row: row)
    }

    /// Free texts follow the contact rules: one-line titles (decision subjects, election names
    /// and regions, lexicon phrases) and multi-line notes (review reasons, approval notes),
    /// with no control or direction-control characters.
    static let titleLength = 300
    static let noteLength = 4_000

    /// Records a reviewer's decision; the reason is required and kept in the audit log.
    public func review(_ id: Int64, decision: ReviewDecision, reason: String) throws -> AuditFinding {
        guard let reason = try TextRules.cleanedText(reason, field: "reason", maxLength: Self.noteLength) else {
            throw SanadError.invalid("a review needs a reason", hint: "add --reason \"what was checked and why\"")
        }
        let previous = try finding(id)
        try transaction.execute("""
            UPDATE audit_findings SET status = \(decision.rawValue), status_reason = \(reason), status_at = now(),
                   status_by = session_user
            WHERE id = \(id)
            """)
        try transaction.audit("audit.review", entity: "audit_findings", id: id,
                              details: ["from": previous.status, "to": decision.rawValue, "reason": reason])
        return try finding(id)
    }

    // MARK: Decisions

    public func addDecision(on day: CalendarDate, subject: String, beneficiary: Int64?, amount: Decimal?,
                            declared: [Int64], recused: [Int64]) throws -> Int64 {
        guard !subject.trimmed.isEmpty else { throw SanadError.invalid("a decision needs a subject", hint: "give it as the second argument") }
        let subject = try TextRules.cleanedName(subject, field: "decision subject", maxLength: Self.titleLength)
        let store = ContactStore(transaction)
        for contact in [beneficiary].compactMap({ $0 }) + declared + recused { try store.requireContact(contact) }
        if let overlap = Set(declared).intersection(recused).first {
            throw SanadError.invalid("trustee \(overlap) is given both as --declared and --recused", hint: "a trustee who recused also declared; give --recused only")
        }
        let id = try transaction.query("""
            INSERT INTO audit_decisions (decided_on, subject, beneficiary_contact_id, amount)
            VALUES (\(day), \(subject), \(beneficiary), \(amount)) RETURNING id
            """)[0].decode(Int64.self, at: 0)
        try transaction.execute("""
            INSERT INTO audit_decision_trustees (decision_id, trustee_contact_id, stance)
            SELECT \(id), t, 'declared' FROM unnest(\(declared)::bigint[]) t
            UNION ALL SELECT \(id), t, 'recused' FROM unnest(\(recused)::bigint[]) t
            """)
        return id
    }

    public func decisions() throws -> [AuditDecision] {
        try transaction.query("""
            SELECT d.id, d.decided_on AS date, d.subject, d.beneficiary_contact_id AS beneficiary, c.display_name AS beneficiary_name,
                   d.amount,
                   array(SELECT t.trustee_contact_id FROM audit_decision_trustees t WHERE t.decision_id = d.id AND t.stance = 'declared' ORDER BY 1) AS declared,
                   array(SELECT t.trustee_contact_id FROM audit_decision_trustees t WHERE t.decision_id = d.id AND t.stance = 'recused' ORDER BY 1) AS recused
            FROM audit_decisions d LEFT JOIN contacts c ON c.id = d.beneficiary_contact_id
            ORDER BY d.decided_on DESC, d.id DESC
            """).map { try $0.decode(AuditDecision.self) }
    }

    /// Adds a trustee's declaration or recusal to a decision already recorded.
    public func recordStance(decision: Int64, trustee: Int64, stance: String) throws {
        try requireRow("audit_decisions", decision, noun: "decision", list: "sanad audit decision list")
        try ContactStore(transaction).requireContact(trustee)
        try transaction.execute("""
            INSERT INTO audit_decision_trustees (decision_id, trustee_contact_id, stance) VALUES (\(decision), \(trustee), \(stance))
            ON CONFLICT (association_id, decision_id, trustee_contact_id) DO UPDATE SET stance = excluded.stance
            """)
    }

    public func deleteDecision(_ id: Int64) throws {
        try requireRow("audit_decisions", id, noun: "decision", list: "sanad audit decision list")
        try transaction.execute("DELETE FROM audit_decisions WHERE id = \(id)")
    }

    // MARK: Election periods

    public func addElection(name: String, announced: CalendarDate, polling: CalendarDate, region: String?) throws -> Int64 {
        guard !name.trimmed.isEmpty else { throw SanadError.invalid("an election period needs a name", hint: "give it as the first argument") }
        let name = try TextRules.cleanedName(name, field: "election name", maxLength: Self.titleLength)
        let region = try region.flatMap { $0.trimmed.isEmpty ? nil : try TextRules.cleanedName($0, field: "region", maxLength: Self.titleLength) }
        guard polling >= announced else {
            throw SanadError.invalid("polling day \(polling) is before the announcement \(announced)", hint: "check the two dates")
        }
        return try transaction.query("""
            INSERT INTO audit_election_periods (name, announced_on, polling_day, region)
            VALUES (\(name), \(announced), \(polling), \(region)) RETURNING id
            """)[0].decode(Int64.self, at: 0)
    }

    public func elections() throws -> [ElectionPeriod] {
        try transaction.query("SELECT id, name, announced_on, polling_day, region FROM audit_election_periods ORDER BY announced_on DESC, id")
            .map { try $0.decode(ElectionPeriod.self) }
    }

    public func deleteElection(_ id: Int64) throws {
        try requireRow("audit_election_periods", id, noun: "election period", list: "sanad audit election list")
        try transaction.execute("DELETE FROM audit_election_periods WHERE id = \(id)")
    }

    // MARK: Approvals

    /// Records that gifts from a politically exposed person (or their relative or associate)
    /// were approved, as the FATF recommendation asks; the `pep` finding then closes.
    public func approve(contact: Int64, note: String) throws -> Int64 {
        try ContactStore(transaction).requireContact(contact)
        guard let note = try TextRules.cleanedText(note, field: "note", maxLength: Self.noteLength) else {
            throw SanadError.invalid("an approval needs a note", hint: "add --note \"who approved, on what checks\"")
        }
        return try transaction.query("INSERT INTO audit_approvals (contact_id, note) VALUES (\(contact), \(note)) RETURNING id")[0]
            .decode(Int64.self, at: 0)
    }

    public func approvals() throws -> [PEPApproval] {
        try transaction.query("""
            SELECT a.id, a.contact_id AS contact, c.display_name AS name, a.approved_on, a.approved_by, a.note
            FROM audit_approvals a JOIN contacts c ON c.id = a.contact_id ORDER BY a.approved_on DESC, a.id DESC
            """).map { try $0.decode(PEPApproval.self) }
    }

    // MARK: Lexicon

    public func lexicon() throws -> [LexiconPhrase] {
        let builtIn = ConditionLexicon.builtIn.map { LexiconPhrase(category: $0.category, phrase: $0.phrase, source: $0.source) }
        let added = try transaction.query("SELECT category, phrase, 'association' AS source FROM audit_lexicon ORDER BY category, phrase")
            .map { try $0.decode(LexiconPhrase.self) }
        return builtIn + added
    }

    public func addPhrase(category: String, phrase: String) throws {
        guard ConditionLexicon.categories.contains(category) else {
            throw SanadError.invalid("there is no lexicon category \"\(category)\"",
                                     hint: "use one of: \(ConditionLexicon.categories.joined(separator: ", "))")
        }
        let phrase = try TextRules.cleanedName(phrase, field: "phrase", maxLength: Self.titleLength)
        let key = NameKeys.normalized(phrase)
        guard !key.isEmpty else { throw SanadError.invalid("the phrase has no letters or digits", hint: "give the words to look for") }
        try transaction.execute("""
            INSERT INTO audit_lexicon (category, phrase, phrase_key) VALUES (\(category), \(phrase), \(key))
            ON CONFLICT (association_id, category, phrase_key) DO NOTHING
            """)
    }

    public func removePhrase(category: String, phrase: String) throws {
        let removed = try transaction.execute("""
            DELETE FROM audit_lexicon WHERE category = \(category) AND phrase_key = \(NameKeys.normalized(phrase))
            """)
        guard removed > 0 else {
            throw SanadError.notFound("the association added no phrase \"\(phrase)\" to \(category)",
                                      hint: "built-in phrases cannot be removed; list them", remedy: .plugin(id: "influence-audit", action: "lexicon", subject: nil))
        }
    }

    private func requireRow(_ table: String, _ id: Int64, noun: String, list: String) throws {
        guard try !transaction.query("SELECT 1 FROM \(identifier: table) WHERE id = \(id)").isEmpty else {
            throw SanadError.notFound("there is no \(noun) \(id) in this association", hint: "list them with: \(list)")
        }
    }
}

/// A decision of the board, with who benefits and which trustees declared or recused.
public struct AuditDecision: Sendable, Codable, Equatable {
    public var id: Int64
    public var date: CalendarDate
    public var subject: String
    /// The contact who benefits.
    public var beneficiary: Int64?
    public var beneficiaryName: String?
    public var amount: Decimal?
    public var declared: [Int64]
    public var recused: [Int64]

    enum CodingKeys: String, CodingKey {
        case id, date, subject, beneficiary, beneficiaryName = "beneficiary_name", amount, declared, recused
    }
}

/// An election period, from its announcement to polling day.
public struct ElectionPeriod: Sendable, Codable, Equatable {
    public var id: Int64
    public var name: String
    public var announcedOn: CalendarDate
    public var pollingDay: CalendarDate
    public var region: String?

    enum CodingKeys: String, CodingKey { case id, name, announcedOn = "announced_on", pollingDay = "polling_day", region }
}

/// The approval of gifts from a politically exposed person.
public struct PEPApproval: Sendable, Codable, Equatable {
    public var id: Int64
    /// The contact's id.
    public var contact: Int64
    public var name: String
    public var approvedOn: CalendarDate
    public var approvedBy: String
    public var note: String

    enum CodingKeys: String, CodingKey { case id, contact, name, approvedOn = "approved_on", approvedBy = "approved_by", note }
}

/// A phrase the condition classifier looks for, built in or added by the association.
public struct LexiconPhrase: Sendable, Codable, Equatable {
    public var category: String
    public var phrase: String
    /// built-in or association.
    public var source: String
}

/// Evidence is stored as JSON; these read it for summaries and the report.
enum JSONEvidence {
    static func object(_ text: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }

    /// Keys people read first come first; the rest alphabetically (JSON objects keep no order).
    static let leadingKeys = ["id", "name", "date", "type", "amount", "currency", "share", "total", "income", "subject",
                              "category", "conditions", "notes", "matched"]

    static func precedes(_ a: String, _ b: String) -> Bool {
        let (rankA, rankB) = (leadingKeys.firstIndex(of: a) ?? leadingKeys.count, leadingKeys.firstIndex(of: b) ?? leadingKeys.count)
        return rankA != rankB ? rankA < rankB : a < b
    }
}

/// A finding's evidence: any JSON value, with booleans and whole numbers kept apart from
/// decimals, and object keys in reading order (``JSONEvidence/leadingKeys`` first).
public indirect enum EvidenceValue: Sendable, Equatable, Codable {
    case null
    case bool(Bool)
    case integer(Int64)
    case decimal(Decimal)
    case text(String)
    case list([EvidenceValue])
    case object([Field])

    public struct Field: Sendable, Equatable {
        public var name: String
        public var value: EvidenceValue
    }

    /// The value of stored JSON text; `null` if it does not parse.
    public static func parse(_ text: String) -> EvidenceValue {
        (try? JSONDecoder().decode(EvidenceValue.self, from: Data(text.utf8))) ?? .null
    }

    public subscript(name: String) -> EvidenceValue? {
        guard case .object(let fields) = self else { return nil }
        return fields.first { $0.name == name }?.value
    }

    public init(from decoder: any Decoder) throws {
        if let object = try? decoder.container(keyedBy: NamedKey.self) {
            self = .object(try object.allKeys.sorted { JSONEvidence.precedes($0.stringValue, $1.stringValue) }.map {
                Field(name: $0.stringValue, value: try object.decode(EvidenceValue.self, forKey: $0))
            })
        } else if var list = try? decoder.unkeyedContainer() {
            var values: [EvidenceValue] = []
            while !list.isAtEnd { values.append(try list.decode(EvidenceValue.self)) }
            self = .list(values)
        } else {
            let single = try decoder.singleValueContainer()
            if single.decodeNil() { self = .null }
            else if let flag = try? single.decode(Bool.self) { self = .bool(flag) }
            else if let whole = try? single.decode(Int64.self) { self = .integer(whole) }
            else if let number = try? single.decode(Decimal.self) { self = .decimal(number) }
            else { self = .text(try single.decode(String.self)) }
        }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .object(let fields):
            var container = encoder.container(keyedBy: NamedKey.self)
            for field in fields { try container.encode(field.value, forKey: NamedKey(field.name)) }
        case .list(let values):
            var container = encoder.unkeyedContainer()
            for value in values { try container.encode(value) }
        case .null:
            var container = encoder.singleValueContainer()
            try container.encodeNil()
        case .bool(let flag):
            var container = encoder.singleValueContainer()
            try container.encode(flag)
        case .integer(let number):
            var container = encoder.singleValueContainer()
            try container.encode(number)
        case .decimal(let number):
            var container = encoder.singleValueContainer()
            try container.encode(number)
        case .text(let text):
            var container = encoder.singleValueContainer()
            try container.encode(text)
        }
    }
}
