public import Foundation
public import Postgres

/// Everything known about one contact, for `sanad contact show`.
public struct ContactDetails: Sendable, Codable, Equatable {
    public struct Email: Sendable, Codable, Equatable {
        public var address: String
        public var isPrimary: Bool

        enum CodingKeys: String, CodingKey { case address, isPrimary = "primary" }
    }

    public struct Phone: Sendable, Codable, Equatable {
        /// As the association's people write it: national format for its own country's
        /// numbers (06 123 456), international for others; as typed when not understood.
        public var number: String?
        public var raw: String
        public var e164: String?
        public var problem: String?
        public var kind: String
        public var isPrimary: Bool

        enum CodingKeys: String, CodingKey { case number, raw, e164, problem, kind, isPrimary = "primary" }
        static let columns: SQL = "raw, e164, problem, kind, is_primary AS primary"
    }

    public struct Relationship: Sendable, Codable, Equatable {
        /// How it reads from this contact ("is employed by", "employs").
        public var phrase: String
        public var kind: RelationshipKind
        public var otherID: Int64
        public var otherName: String
        public var since: CalendarDate?
        public var until: CalendarDate?
        public var note: String?

        enum CodingKeys: String, CodingKey {
            case phrase = "relationship", kind, otherID = "contact_id", otherName = "contact", since, until, note
        }
    }

    public struct Consent: Sendable, Codable, Equatable {
        public var channel: String
        public var status: String
        public var legalBasis: String?
        public var source: String?
        public var recordedAt: Date
        public var expiresAt: Date?
        public var isValid: Bool

        enum CodingKeys: String, CodingKey {
            case channel, status, legalBasis = "legal_basis", source, recordedAt = "recorded_at", expiresAt = "expires_at",
                 isValid = "valid"
        }
    }

    public struct GiftTotal: Sendable, Codable, Equatable {
        public var currency: String
        public var amount: Decimal
        public var count: Int

        enum CodingKeys: String, CodingKey { case currency, amount = "total", count }
    }

    public var id: Int64
    public var kind: String
    public var displayName: String
    public var givenName: String?
    public var familyName: String?
    public var emails: [Email] = []
    public var phones: [Phone] = []
    public var roles: [RoleAssignment] = []
    public var tags: [String] = []
    public var groups: [String] = []
    public var street: String?
    public var city: String?
    public var region: String?
    public var postalCode: String?
    public var country: String?
    public var language: String?
    public var birthDate: CalendarDate?
    public var gender: Gender?
    public var source: String
    public var isPEP: Bool
    public var pepNote: String?
    public var externalID: String?
    /// Columns an import kept under their own names (`--custom-fields`).
    public var customFields = CustomFields()
    public var relationships: [Relationship] = []
    public var consents: [Consent] = []
    public var suppressions: [String] = []
    public var interactionCount: Int = 0
    public var lastInteractionAt: Date?
    public var donations: [GiftTotal] = []
    public var createdAt: Date
    public var updatedAt: Date
    public var deletedAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, kind, displayName = "name", givenName = "given_name", familyName = "family_name", emails, phones, roles, tags,
             groups, street, city, region, postalCode = "postal_code", country, language, birthDate = "birth_date", gender, source,
             isPEP = "pep", pepNote = "pep_note", externalID = "external_id", customFields = "custom_fields", relationships, consents, suppressions,
             interactionCount = "interactions", lastInteractionAt = "last_interaction_at", donations, createdAt = "created_at",
             updatedAt = "updated_at", deletedAt = "deleted_at"
    }

    /// The contact's own columns, named by the model's keys (the lists come from other tables).
    static let columns: SQL = """
        id, kind, display_name AS name, given_name, family_name, street, city, region, postal_code, country,
        preferred_language AS language, birth_date, gender, source_channel AS source, is_pep AS pep, pep_note, external_id,
        custom_fields, created_at, updated_at, deleted_at
        """

    init(row: Row) throws {
        id = try row.decode("id")
        kind = try row.decode("kind")
        displayName = try row.decode("name")
        givenName = try row.decode("given_name")
        familyName = try row.decode("family_name")
        street = try row.decode("street")
        city = try row.decode("city")
        region = try row.decode("region")
        postalCode = try row.decode("postal_code")
        country = try row.decode("country")
        language = try row.decode("language")
        birthDate = try row.decode("birth_date")
        gender = try row.decode("gender", as: String?.self).flatMap(Gender.lookup)
        source = try row.decode("source")
        isPEP = try row.decode("pep")
        pepNote = try row.decode("pep_note")
        externalID = try row.decode("external_id")
        customFields = CustomFields(try row.decode("custom_fields", as: JSONB<[String: String]>?.self)?.value ?? [:])
        createdAt = try row.decode("created_at")
        updatedAt = try row.decode("updated_at")
        deletedAt = try row.decode("deleted_at")
    }
}

extension ContactStore {
    /// Everything about one contact.
    ///
    /// - Throws: ``SanadError`` when there is no such contact (deleted ones are shown).
    public func details(_ id: Int64) throws -> ContactDetails {
        try requireContact(id, allowDeleted: true)
        var details = try ContactDetails(row: try transaction.query("SELECT \(ContactDetails.columns) FROM contacts WHERE id = \(id)")[0])
        details.emails = try transaction.query("""
            SELECT address, is_primary AS primary FROM contact_emails WHERE contact_id = \(id) ORDER BY is_primary DESC, id
            """).map { try $0.decode(ContactDetails.Email.self) }
        details.phones = try transaction.query("""
            SELECT \(ContactDetails.Phone.columns) FROM contact_phones WHERE contact_id = \(id) ORDER BY is_primary DESC, id
            """).map { row in
            var phone = try row.decode(ContactDetails.Phone.self)
            phone.number = phone.e164.map { PhoneNumbers.display($0, region: transaction.association.phoneRegion) } ?? phone.raw
            return phone
        }
        details.roles = try transaction.query("SELECT role, since, until FROM contact_roles WHERE contact_id = \(id) ORDER BY role")
            .map { try $0.decode(RoleAssignment.self) }
        details.tags = try transaction.query("""
            SELECT t.name FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id WHERE ct.contact_id = \(id) ORDER BY t.name
            """).map { try $0.decode("name") }
        details.groups = try transaction.query("""
            SELECT g.name FROM group_members m JOIN contact_groups g ON g.id = m.group_id WHERE m.contact_id = \(id) ORDER BY g.name
            """).map { try $0.decode("name") }
        details.relationships = try relationships(of: id)
        details.consents = try transaction.query("""
            SELECT channel, status, legal_basis, source, recorded_at, expires_at, is_valid AS valid
            FROM current_consents WHERE contact_id = \(id) ORDER BY channel
            """).map { try $0.decode(ContactDetails.Consent.self) }
        details.suppressions = try transaction.query("""
            SELECT reason FROM contact_suppressions WHERE contact_id = \(id) AND lifted_at IS NULL ORDER BY reason
            """).map { try $0.decode("reason") }
        let activity = try transaction.query("SELECT count(*) AS count, max(occurred_at) AS last FROM interactions WHERE contact_id = \(id)")[0]
        details.interactionCount = try activity.decode("count")
        details.lastInteractionAt = try activity.decode("last")
        details.donations = try transaction.query("""
            SELECT currency, sum(amount) AS total, count(*) AS count FROM interactions
            WHERE contact_id = \(id) AND type = 'donation' GROUP BY currency ORDER BY currency
            """).map { try $0.decode(ContactDetails.GiftTotal.self) }
        return details
    }

    private func relationships(of id: Int64) throws -> [ContactDetails.Relationship] {
        try transaction.query("""
            SELECT r.kind, true AS outgoing, r.related_contact_id AS contact_id, o.display_name AS contact, r.since, r.until, r.note
            FROM contact_relationships r JOIN contacts o ON o.id = r.related_contact_id
            WHERE r.contact_id = \(id)
            UNION ALL
            SELECT r.kind, false, r.contact_id, o.display_name, r.since, r.until, r.note
            FROM contact_relationships r JOIN contacts o ON o.id = r.contact_id
            WHERE r.related_contact_id = \(id)
            ORDER BY 1, 3
            """).map { row in
            let kind: RelationshipKind = try RelationshipKind.parse(try row.decode("kind"))
            let outgoing: Bool = try row.decode("outgoing")
            return ContactDetails.Relationship(
                phrase: outgoing ? kind.phrase : kind.inversePhrase, kind: kind, otherID: try row.decode("contact_id"),
                otherName: try row.decode("contact"), since: try row.decode("since"), until: try row.decode("until"),
                note: try row.decode("note"))
        }
    }
}

extension RelationshipKind {
    /// How the relationship reads from the related contact's side.
    public var inversePhrase: String {
        switch self {
        case .spouse, .family, .closeAssociate: phrase
        case .employer: "employs"
        case .controls: "is controlled by"
        case .boardMember: "has on its board"
        }
    }
}


/// Named values a contact carries beside Sanad's fields, printed in name order.
public struct CustomFields: Sendable, Codable, Equatable {
    public var values: [String: String]

    public init(_ values: [String: String] = [:]) {
        self.values = values
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: NamedKey.self)
        values = Dictionary(uniqueKeysWithValues: try container.allKeys.map { ($0.stringValue, try container.decode(String.self, forKey: $0)) })
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: NamedKey.self)
        for (name, value) in values.sorted(by: { $0.key < $1.key }) { try container.encode(value, forKey: NamedKey(name)) }
    }
}
