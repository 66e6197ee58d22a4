public import Foundation
public import Postgres

/// Everything known about one contact, for `sanad contact show`.
public struct ContactDetails: Sendable {
    public struct Email: Sendable {
        public var address: String
        public var isPrimary: Bool
    }

    public struct Phone: Sendable {
        public var raw: String
        public var e164: String?
        public var problem: String?
        public var kind: String
        public var isPrimary: Bool
    }

    public struct Relationship: Sendable {
        /// How it reads from this contact ("is employed by", "employs").
        public var phrase: String
        public var kind: RelationshipKind
        public var otherID: Int64
        public var otherName: String
        public var since: CalendarDate?
        public var until: CalendarDate?
        public var note: String?
    }

    public struct Consent: Sendable {
        public var channel: String
        public var status: String
        public var legalBasis: String?
        public var source: String?
        public var recordedAt: Date
        public var expiresAt: Date?
        public var isValid: Bool
    }

    public struct GiftTotal: Sendable {
        public var currency: String
        public var amount: Decimal
        public var count: Int
    }

    public var id: Int64
    public var kind: String
    public var displayName: String
    public var givenName: String?
    public var familyName: String?
    public var street: String?
    public var city: String?
    public var region: String?
    public var postalCode: String?
    public var country: String?
    public var language: String?
    public var birthDate: CalendarDate?
    public var source: String
    public var isPEP: Bool
    public var pepNote: String?
    public var externalID: String?
    public var createdAt: Date
    public var updatedAt: Date
    public var deletedAt: Date?
    public var emails: [Email] = []
    public var phones: [Phone] = []
    public var roles: [RoleAssignment] = []
    public var tags: [String] = []
    public var groups: [String] = []
    public var relationships: [Relationship] = []
    public var consents: [Consent] = []
    public var suppressions: [String] = []
    public var interactionCount: Int = 0
    public var lastInteractionAt: Date?
    public var donations: [GiftTotal] = []
}

extension ContactStore {
    /// Everything about one contact.
    ///
    /// - Throws: ``SanadError`` when there is no such contact (deleted ones are shown).
    public func details(_ id: Int64) throws -> ContactDetails {
        try requireContact(id, allowDeleted: true)
        let row = try transaction.query("""
            SELECT id, kind, display_name, given_name, family_name, street, city, region, postal_code, country,
                   preferred_language, birth_date, source_channel, is_pep, pep_note, external_id, created_at, updated_at, deleted_at
            FROM contacts WHERE id = \(id)
            """)[0]
        var details = ContactDetails(
            id: try row.decode(Int64.self, at: 0), kind: try row.decode(String.self, at: 1),
            displayName: try row.decode(String.self, at: 2), givenName: try row.decode(String?.self, at: 3),
            familyName: try row.decode(String?.self, at: 4), street: try row.decode(String?.self, at: 5),
            city: try row.decode(String?.self, at: 6), region: try row.decode(String?.self, at: 7),
            postalCode: try row.decode(String?.self, at: 8), country: try row.decode(String?.self, at: 9),
            language: try row.decode(String?.self, at: 10), birthDate: try row.decode(CalendarDate?.self, at: 11),
            source: try row.decode(String.self, at: 12), isPEP: try row.decode(Bool.self, at: 13),
            pepNote: try row.decode(String?.self, at: 14), externalID: try row.decode(String?.self, at: 15),
            createdAt: try row.decode(Date.self, at: 16), updatedAt: try row.decode(Date.self, at: 17),
            deletedAt: try row.decode(Date?.self, at: 18))
        details.emails = try transaction.query("""
            SELECT address, is_primary FROM contact_emails WHERE contact_id = \(id) ORDER BY is_primary DESC, id
            """).map { row in
            let (address, primary) = try row.decode(String.self, Bool.self)
            return ContactDetails.Email(address: address, isPrimary: primary)
        }
        details.phones = try transaction.query("""
            SELECT raw, e164, problem, kind, is_primary FROM contact_phones WHERE contact_id = \(id) ORDER BY is_primary DESC, id
            """).map { row in
            let (raw, e164, problem, kind, primary) = try row.decode(String.self, String?.self, String?.self, String.self, Bool.self)
            return ContactDetails.Phone(raw: raw, e164: e164, problem: problem, kind: kind, isPrimary: primary)
        }
        details.roles = try transaction.query("SELECT role, since, until FROM contact_roles WHERE contact_id = \(id) ORDER BY role").map { row in
            let (role, since, until) = try row.decode(String.self, CalendarDate?.self, CalendarDate?.self)
            return RoleAssignment(role: try ContactRole.parse(role), since: since, until: until)
        }
        details.tags = try transaction.query("""
            SELECT t.name FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id WHERE ct.contact_id = \(id) ORDER BY t.name
            """).map { try $0.decode(String.self, at: 0) }
        details.groups = try transaction.query("""
            SELECT g.name FROM group_members m JOIN contact_groups g ON g.id = m.group_id WHERE m.contact_id = \(id) ORDER BY g.name
            """).map { try $0.decode(String.self, at: 0) }
        details.relationships = try relationships(of: id)
        details.consents = try transaction.query("""
            SELECT channel, status, legal_basis, source, recorded_at, expires_at, is_valid
            FROM current_consents WHERE contact_id = \(id) ORDER BY channel
            """).map { row in
            ContactDetails.Consent(
                channel: try row.decode(String.self, at: 0), status: try row.decode(String.self, at: 1),
                legalBasis: try row.decode(String?.self, at: 2), source: try row.decode(String?.self, at: 3),
                recordedAt: try row.decode(Date.self, at: 4), expiresAt: try row.decode(Date?.self, at: 5),
                isValid: try row.decode(Bool.self, at: 6))
        }
        details.suppressions = try transaction.query("""
            SELECT reason FROM contact_suppressions WHERE contact_id = \(id) AND lifted_at IS NULL ORDER BY reason
            """).map { try $0.decode(String.self, at: 0) }
        let activity = try transaction.query("SELECT count(*), max(occurred_at) FROM interactions WHERE contact_id = \(id)")[0]
        details.interactionCount = try activity.decode(Int.self, at: 0)
        details.lastInteractionAt = try activity.decode(Date?.self, at: 1)
        details.donations = try transaction.query("""
            SELECT currency, sum(amount), count(*) FROM interactions
            WHERE contact_id = \(id) AND type = 'donation' GROUP BY currency ORDER BY currency
            """).map { row in
            let (currency, amount, count) = try row.decode(String.self, Decimal.self, Int.self)
            return ContactDetails.GiftTotal(currency: currency, amount: amount, count: count)
        }
        return details
    }

    private func relationships(of id: Int64) throws -> [ContactDetails.Relationship] {
        try transaction.query("""
            SELECT r.kind, true, r.related_contact_id, o.display_name, r.since, r.until, r.note
            FROM contact_relationships r JOIN contacts o ON o.id = r.related_contact_id
            WHERE r.contact_id = \(id)
            UNION ALL
            SELECT r.kind, false, r.contact_id, o.display_name, r.since, r.until, r.note
            FROM contact_relationships r JOIN contacts o ON o.id = r.contact_id
            WHERE r.related_contact_id = \(id)
            ORDER BY 1, 3
            """).map { row in
            let kind = try RelationshipKind.parse(try row.decode(String.self, at: 0))
            let outgoing = try row.decode(Bool.self, at: 1)
            return ContactDetails.Relationship(
                phrase: outgoing ? kind.phrase : kind.inversePhrase, kind: kind,
                otherID: try row.decode(Int64.self, at: 2), otherName: try row.decode(String.self, at: 3),
                since: try row.decode(CalendarDate?.self, at: 4), until: try row.decode(CalendarDate?.self, at: 5),
                note: try row.decode(String?.self, at: 6))
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

extension ContactDetails {
    public var outputRecord: OutputRecord {
        var record: OutputRecord = [
            "id": .integer(id), "kind": .text(kind), "name": .text(displayName), "given_name": .of(givenName),
            "family_name": .of(familyName),
            "emails": .list(emails.map { .record(["address": .text($0.address), "primary": .bool($0.isPrimary)]) }),
            "phones": .list(phones.map {
                .record(["raw": .text($0.raw), "e164": .of($0.e164), "problem": .of($0.problem), "kind": .text($0.kind),
                         "primary": .bool($0.isPrimary)])
            }),
            "roles": .list(roles.map {
                .record(["role": .text($0.role.label), "since": .of($0.since), "until": .of($0.until)])
            }),
            "tags": .of(tags), "groups": .of(groups),
            "street": .of(street), "city": .of(city), "region": .of(region), "postal_code": .of(postalCode),
            "country": .of(country), "language": .of(language), "birth_date": .of(birthDate),
            "source": .text(source), "pep": .bool(isPEP), "pep_note": .of(pepNote), "external_id": .of(externalID),
        ]
        record.append("relationships", .list(relationships.map {
            .record(["relationship": .text($0.phrase), "kind": .text($0.kind.label), "contact_id": .integer($0.otherID),
                     "contact": .text($0.otherName), "since": .of($0.since), "until": .of($0.until), "note": .of($0.note)])
        }))
        record.append("consents", .list(consents.map {
            .record(["channel": .text($0.channel), "status": .text($0.status), "legal_basis": .of($0.legalBasis),
                     "source": .of($0.source), "recorded_at": .timestamp($0.recordedAt), "expires_at": .of($0.expiresAt),
                     "valid": .bool($0.isValid)])
        }))
        record.append("suppressions", .of(suppressions))
        record.append("interactions", .integer(Int64(interactionCount)))
        record.append("last_interaction_at", .of(lastInteractionAt))
        record.append("donations", .list(donations.map {
            .record(["currency": .text($0.currency), "total": .decimal($0.amount), "count": .integer(Int64($0.count))])
        }))
        record.append("created_at", .timestamp(createdAt))
        record.append("updated_at", .timestamp(updatedAt))
        record.append("deleted_at", .of(deletedAt))
        return record
    }
}
