public import Foundation
public import Postgres

/// Which contacts a bulk change applies to.
public enum ContactSelection: Sendable, Equatable {
    /// Contacts by id; every one must exist (the change is all or nothing).
    case ids([Int64])
    /// A named set a plugin offers, such as a segment (`segment`, `lybunt`).
    case set(kind: String, name: String)
    /// What a contact search finds (its first thousand).
    case search(String)
}

/// What a bulk change did (or, in a dry run, would do).
public struct BulkOutcome: Sendable, Codable, Equatable {
    /// What was done, for people ("tag", "role", "consent", "attendance").
    public var change: String
    /// How many live contacts the selection holds.
    public var selected: Int
    /// How many of them changed (the others already had it).
    public var changed: Int
    public var dryRun: Bool

    enum CodingKeys: String, CodingKey { case change, selected, changed, dryRun = "dry_run" }

    public init(change: String, selected: Int, changed: Int, dryRun: Bool) {
        self.change = change
        self.selected = selected
        self.changed = changed
        self.dryRun = dryRun
    }
}

/// The same change to many contacts in one statement each: tags, roles, consent, event
/// attendance. The caller runs it in one transaction; each change writes one audit row with
/// its count.
public struct BulkChanges {
    public let transaction: AssociationTransaction

    public init(_ transaction: AssociationTransaction) {
        self.transaction = transaction
    }

    /// The live contacts of a selection, in id order.
    ///
    /// - Throws: ``SanadError`` naming the ids that are no contacts here, or an empty selection.
    public func contacts(_ selection: ContactSelection) throws -> [Int64] {
        let ids: [Int64]
        switch selection {
        case .ids(let given):
            let unique = Array(Set(given)).sorted()
            ids = try transaction.query("""
                SELECT c.id FROM contacts c WHERE c.id = ANY(\(unique)) AND \(ContactEligibility.live) ORDER BY c.id
                """).map { try $0.decode("id") }
            let missing = Set(unique).subtracting(ids).sorted()
            guard missing.isEmpty else {
                throw SanadError.notFound("\(missing.count == 1 ? "contact" : "contacts") \(missing.prefix(20).map { "#\($0)" }.joined(separator: ", "))\(missing.count > 20 ? ", ..." : "") \(missing.count == 1 ? "is" : "are") not a live contact here",
                                          hint: "nothing was changed; check the ids", remedy: .searchContacts(text: nil))
            }
        case .set(let kind, let name):
            let members = try ContactSets.members(kind: kind, name: name, in: transaction)
            ids = try transaction.query("""
                SELECT c.id FROM contacts c WHERE c.id IN (\(members)) AND \(ContactEligibility.live) ORDER BY c.id
                """).map { try $0.decode("id") }
        case .search(let text):
            ids = try ContactStore(transaction).search(text, limit: 1000).map(\.id).sorted()
        }
        guard !ids.isEmpty else {
            throw SanadError.invalid("the selection holds no contacts", hint: "nothing was changed; check the selection")
        }
        return ids
    }

    public func tag(_ selection: ContactSelection, with tags: [String]) throws -> BulkOutcome {
        let ids = try contacts(selection)
        let cleaned = try tags.map { try TextRules.cleanedName($0, field: "tag", maxLength: 100) }
        let keys = cleaned.map(NameKeys.normalized)
        try transaction.execute("""
            INSERT INTO tags (name, name_key) SELECT name, name_key FROM unnest(\(cleaned)::text[], \(keys)::text[]) AS t(name, name_key)
            ON CONFLICT (association_id, name_key) DO NOTHING
            """)
        let changed = try transaction.query("""
            WITH added AS (
                INSERT INTO contact_tags (contact_id, tag_id)
                SELECT c, t.id FROM unnest(\(ids)::bigint[]) AS c CROSS JOIN tags t WHERE t.name_key = ANY(\(keys))
                ON CONFLICT DO NOTHING RETURNING contact_id)
            SELECT count(DISTINCT contact_id) AS changed FROM added
            """)[0].decode("changed", as: Int.self)
        return try audited("tag", ids: ids, changed: changed, details: ["tags": cleaned.joined(separator: ", ")])
    }

    public func untag(_ selection: ContactSelection, removing tags: [String]) throws -> BulkOutcome {
        let ids = try contacts(selection)
        let changed = try transaction.query("""
            WITH removed AS (
                DELETE FROM contact_tags WHERE contact_id = ANY(\(ids))
                  AND tag_id IN (SELECT id FROM tags WHERE name_key = ANY(\(tags.map(NameKeys.normalized))))
                RETURNING contact_id)
            SELECT count(DISTINCT contact_id) AS changed FROM removed
            """)[0].decode("changed", as: Int.self)
        return try audited("untag", ids: ids, changed: changed, details: ["tags": tags.joined(separator: ", ")])
    }

    public func addRole(_ selection: ContactSelection, _ role: ContactRole, since: CalendarDate? = nil) throws -> BulkOutcome {
        let ids = try contacts(selection)
        let changed = try transaction.execute("""
            INSERT INTO contact_roles (contact_id, role, since) SELECT c, \(role.rawValue), \(since) FROM unnest(\(ids)::bigint[]) AS c
            ON CONFLICT (association_id, contact_id, role) DO NOTHING
            """)
        return try audited("role", ids: ids, changed: changed, details: ["role": role.label])
    }

    public func recordConsent(_ selection: ContactSelection, _ entry: ConsentEntry) throws -> BulkOutcome {
        let ids = try contacts(selection)
        let changed = try ConsentStore(transaction).record(entry, forAll: ids)
        return try audited("consent", ids: ids, changed: changed,
                           details: ["channel": entry.channel.rawValue, "status": entry.status.rawValue])
    }

    /// Records that the contacts attended an event that has begun; one who already attended
    /// it is left as is.
    public func markAttendance(_ selection: ContactSelection, event: Int64, now: Date = Date()) throws -> BulkOutcome {
        let ids = try contacts(selection)
        let calendar = try EventStore(transaction).event(event)
        guard calendar.startsAt <= now else {
            throw SanadError.invalid("event #\(event) has not happened yet (it starts \(JSONText.isoTimestamp(calendar.startsAt)))",
                                     hint: "mark attendance once it has begun", remedy: .listEvents)
        }
        let changed = try transaction.execute("""
            INSERT INTO interactions (contact_id, type, occurred_at, event_id, keys_version)
            SELECT c, 'event_attendance', \(calendar.startsAt), \(event), \(NameKeys.version) FROM unnest(\(ids)::bigint[]) AS c
            WHERE NOT EXISTS (SELECT 1 FROM interactions i WHERE i.contact_id = c AND i.event_id = \(event)
                                AND i.type = 'event_attendance')
            """)
        return try audited("attendance", ids: ids, changed: changed, details: ["event": String(event)])
    }

    private func audited(_ change: String, ids: [Int64], changed: Int, details: [String: String]) throws -> BulkOutcome {
        var details = details
        details["selected"] = String(ids.count)
        details["changed"] = String(changed)
        try transaction.audit("contact.bulk_\(change)", entity: "contacts", details: details)
        return BulkOutcome(change: change, selected: ids.count, changed: changed, dryRun: false)
    }
}
