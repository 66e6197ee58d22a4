public import Foundation
public import Postgres

/// Static groups: contacts picked by hand.
public struct GroupStore {
    public let transaction: AssociationTransaction

    public init(_ transaction: AssociationTransaction) {
        self.transaction = transaction
    }

    public func create(_ name: String, description: String?) throws {
        let cleaned = try TextRules.cleanedName(name, field: "group name", maxLength: 100)
        do {
            try transaction.execute("""
                INSERT INTO contact_groups (name, name_key, description)
                VALUES (\(cleaned), \(NameKeys.normalized(cleaned)), \(try TextRules.cleanedText(description, field: "description")))
                """)
        } catch let error as PostgresError where error.constraint == "contact_groups_once" {
            throw SanadError.conflict("a group named \"\(cleaned)\" already exists", hint: "see the groups", remedy: .listGroups)
        }
    }

    func id(of name: String) throws -> Int64 {
        guard let row = try transaction.query("SELECT id FROM contact_groups WHERE name_key = \(NameKeys.normalized(name))").singleRow() else {
            throw SanadError.notFound("there is no group \"\(name)\"", hint: "create it", remedy: .createGroup(name: name))
        }
        return try row.decode(Int64.self, at: 0)
    }

    public func add(_ contacts: [Int64], to name: String) throws {
        let group = try id(of: name)
        let store = ContactStore(transaction)
        for contact in contacts { try store.requireContact(contact) }
        try transaction.execute("""
            INSERT INTO group_members (group_id, contact_id) SELECT \(group), unnest(\(contacts)::bigint[]) ON CONFLICT DO NOTHING
            """)
    }

    public func remove(_ contacts: [Int64], from name: String) throws {
        let group = try id(of: name)
        try transaction.execute("DELETE FROM group_members WHERE group_id = \(group) AND contact_id = ANY(\(contacts))")
    }

    public func list() throws -> [ContactGroup] {
        try transaction.query("""
            SELECT g.name, g.description, (SELECT count(*) FROM group_members m WHERE m.group_id = g.id) AS members, g.created_at
            FROM contact_groups g ORDER BY g.name
            """).map { try $0.decode(ContactGroup.self) }
    }
}

/// A static group: contacts picked by hand.
public struct ContactGroup: Sendable, Codable, Equatable {
    public var name: String
    public var description: String?
    public var members: Int64
    public var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case name, description, members, createdAt = "created_at"
    }
}
