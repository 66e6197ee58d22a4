public import Foundation
internal import Postgres

extension ConsentEntry {
    /// An entry as people type it: the words of the channel, status and basis, free texts,
    /// and moments in the association's zone, each checked with its option named.
    public static func typed(channel: String, status: String, basis: String?, source: String?, wording: String?,
                             at: String?, expires: String? = nil, timeZone: TimeZone) throws -> ConsentEntry {
        ConsentEntry(
            channel: try ConsentChannel.parse(channel), status: try ConsentStatus.parse(status),
            legalBasis: try basis.map(LegalBasis.parse), source: try TextRules.cleanedText(source, field: "source", maxLength: 200),
            wording: try TextRules.cleanedText(wording, field: "wording"),
            recordedAt: try at.map { try InputValues.moment($0, field: "--at", timeZone: timeZone) },
            expiresAt: try expires.map { try InputValues.moment($0, field: "--expires", timeZone: timeZone) })
    }
}

/// A consent record to add to a contact's history.
public struct ConsentEntry: Sendable {
    public var channel: ConsentChannel
    public var status: ConsentStatus
    public var legalBasis: LegalBasis?
    public var source: String?
    public var wording: String?
    public var recordedAt: Date?
    public var expiresAt: Date?

    public init(channel: ConsentChannel, status: ConsentStatus, legalBasis: LegalBasis? = nil, source: String? = nil,
                wording: String? = nil, recordedAt: Date? = nil, expiresAt: Date? = nil) {
        self.channel = channel
        self.status = status
        self.legalBasis = legalBasis
        self.source = source
        self.wording = wording
        self.recordedAt = recordedAt
        self.expiresAt = expiresAt
    }
}

/// Consent history and suppression states of contacts.
public struct ConsentStore {
    public let transaction: AssociationTransaction

    public init(_ transaction: AssociationTransaction) {
        self.transaction = transaction
    }

    /// Appends a consent record; the latest one per channel is the current state.
    @discardableResult
    public func record(_ entry: ConsentEntry, for contact: Int64) throws -> Int64 {
        try ContactStore(transaction).requireContact(contact)
        try Self.check(entry)
        return try transaction.query("""
            INSERT INTO consent_records (contact_id, channel, status, legal_basis, source, wording, recorded_at, expires_at)
            VALUES (\(contact), \(entry.channel.rawValue), \(entry.status.rawValue), \(entry.legalBasis?.rawValue),
                    \(entry.source), \(entry.wording), coalesce(\(entry.recordedAt)::timestamptz, now()), \(entry.expiresAt))
            RETURNING id
            """)[0].decode(Int64.self, at: 0)
    }

    /// Adds the same consent record to each of `contacts` (checked once); returns how many.
    public func record(_ entry: ConsentEntry, forAll contacts: [Int64]) throws -> Int {
        try Self.check(entry)
        return try transaction.execute("""
            INSERT INTO consent_records (contact_id, channel, status, legal_basis, source, wording, recorded_at, expires_at)
            SELECT c, \(entry.channel.rawValue), \(entry.status.rawValue), \(entry.legalBasis?.rawValue), \(entry.source),
                   \(entry.wording), coalesce(\(entry.recordedAt)::timestamptz, now()), \(entry.expiresAt)
            FROM unnest(\(contacts)::bigint[]) AS c
            """)
    }

    static func check(_ entry: ConsentEntry) throws {
        if entry.status == .granted && entry.legalBasis == nil {
            throw SanadError.invalid("granted consent needs a legal basis",
                                     hint: "add --basis consent, --basis legitimate-interest or --basis soft-opt-in")
        }
        if let expires = entry.expiresAt, expires <= (entry.recordedAt ?? Date()) {
            throw SanadError.invalid("consent cannot expire before it is recorded", hint: "check --expires")
        }
        if let recorded = entry.recordedAt, recorded > Date().addingTimeInterval(300) {
            throw SanadError.invalid("consent cannot be recorded in the future", hint: "check --at")
        }
    }

    /// The whole consent history of a contact, newest first.
    public func history(of contact: Int64) throws -> [ConsentRecord] {
        try ContactStore(transaction).requireContact(contact, allowDeleted: true)
        return try transaction.query("""
            SELECT \(ConsentRecord.columns) FROM consent_records WHERE contact_id = \(contact)
            ORDER BY recorded_at DESC, id DESC
            """).map { try $0.decode(ConsentRecord.self) }
    }

    /// Puts a contact under a suppression state (kept distinct from consent).
    public func suppress(_ contact: Int64, reason: SuppressionReason, source: String?, note: String?) throws {
        try ContactStore(transaction).requireContact(contact, allowDeleted: true)
        try transaction.execute("""
            INSERT INTO contact_suppressions (contact_id, reason, source, note)
            VALUES (\(contact), \(reason.rawValue), \(source), \(note))
            ON CONFLICT (association_id, contact_id, reason) WHERE lifted_at IS NULL DO NOTHING
            """)
    }

    /// Lifts an active suppression state; its record stays.
    public func lift(_ contact: Int64, reason: SuppressionReason) throws {
        let lifted = try transaction.execute("""
            UPDATE contact_suppressions SET lifted_at = now(), lifted_by = sanad_current_actor()
            WHERE contact_id = \(contact) AND reason = \(reason.rawValue) AND lifted_at IS NULL
            """)
        guard lifted > 0 else {
            throw SanadError.notFound("contact #\(contact) is not suppressed as \(reason.label)",
                                      hint: "see its state", remedy: .showConsent(contact: contact))
        }
    }

    /// Active and lifted suppression states of a contact.
    public func suppressions(of contact: Int64) throws -> [Suppression] {
        try transaction.query("""
            SELECT \(Suppression.columns) FROM contact_suppressions WHERE contact_id = \(contact) ORDER BY recorded_at DESC, id DESC
            """).map { try $0.decode(Suppression.self) }
    }
}

/// One entry of a contact's consent history: what they said, on which channel, on what basis.
public struct ConsentRecord: Sendable, Codable, Equatable {
    public var channel: ConsentChannel
    public var status: ConsentStatus
    public var legalBasis: LegalBasis?
    public var source: String?
    public var wording: String?
    public var recordedAt: Date
    public var expiresAt: Date?
    public var recordedBy: String

    enum CodingKeys: String, CodingKey {
        case channel, status, legalBasis = "legal_basis", source, wording, recordedAt = "recorded_at",
             expiresAt = "expires_at", recordedBy = "recorded_by"
    }

    static let columns: SQL = "channel, status, legal_basis, source, wording, recorded_at, expires_at, recorded_by"
}

/// A suppression state of a contact, active until lifted.
public struct Suppression: Sendable, Codable, Equatable {
    public var reason: SuppressionReason
    public var source: String?
    public var note: String?
    public var recordedAt: Date
    public var recordedBy: String
    public var liftedAt: Date?

    enum CodingKeys: String, CodingKey {
        case reason, source, note, recordedAt = "recorded_at", recordedBy = "recorded_by", liftedAt = "lifted_at"
    }

    static let columns: SQL = "reason, source, note, recorded_at, recorded_by, lifted_at"
}
