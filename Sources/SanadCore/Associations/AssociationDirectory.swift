public import Postgres

/// Administration across associations: creating, listing and finding them.
///
/// On the owner's connection it sees every association and may create and remove them; on
/// a user's, row-level security shows only the associations the user belongs to. Work
/// inside one association goes through ``AssociationSession``.
public struct AssociationDirectory {
    let connection: Connection

    public init(connection: Connection) {
        self.connection = connection
    }

    /// Creates an association (on the owner's connection), with `administrator` as its
    /// first admin, in one transaction.
    ///
    /// - Throws: ``SanadError`` for an invalid field or a slug already taken.
    @discardableResult
    public func create(_ new: NewAssociation, actor: String, administrator: String? = nil) throws -> Association {
        let valid = try new.validated()
        do {
            return try connection.withTransaction { transaction in
                let row = try transaction.query("""
                    INSERT INTO associations (slug, name, country, phone_region, base_currency, time_zone, language)
                    VALUES (\(valid.slug), \(valid.name), \(valid.country), \(valid.phoneRegion), \(valid.baseCurrency),
                            \(valid.timeZone), \(valid.language))
                    RETURNING \(Association.columns)
                    """)[0]
                let association = try Association(row: row)
                try transaction.execute("""
                    INSERT INTO audit_log (association_id, on_behalf_of, action, entity, entity_id)
                    VALUES (\(association.id), \(actor.isEmpty ? nil : actor), 'association.create', 'associations', \(association.id))
                    """)
                if let administrator {
                    try UserDirectory(owner: transaction, onBehalfOf: actor).grant(administrator, association: association, role: .admin)
                }
                return association
            }
        } catch let error as PostgresError where error.sqlState == .uniqueViolation {
            throw SanadError.conflict("an association with slug \"\(valid.slug)\" already exists",
                                      hint: "choose another slug, or see it", remedy: .showAssociation(slug: valid.slug))
        } catch let error as PostgresError where error.constraint == "associations_time_zone_known" {
            throw SanadError.invalid("time zone \"\(valid.timeZone)\" is not known to PostgreSQL",
                                     hint: "use an IANA name such as Asia/Beirut")
        }
    }

    public func list() throws -> [Association] {
        try connection.query("SELECT \(Association.columns) FROM associations ORDER BY slug").map(Association.init(row:))
    }

    public func find(slug: String) throws -> Association? {
        try connection.query("SELECT \(Association.columns) FROM associations WHERE slug = \(slug.lowercased())")
            .singleRow().map(Association.init(row:))
    }

    /// The association named by `slug`, or the only one when `slug` is nil and there is
    /// exactly one.
    ///
    /// - Throws: ``SanadError`` listing the known slugs when the choice is missing or wrong.
    public func resolve(slug: String?) throws -> Association {
        if let slug {
            if let association = try find(slug: slug) { return association }
            let known = try list().map(\.slug)
            var hint = known.isEmpty ? "create one" : "known associations: \(known.joined(separator: ", "))"
            if let guess = Suggestion.closest(to: slug, among: known) { hint = "did you mean \(guess)? " + hint }
            throw SanadError.notFound("no association has the slug \"\(slug)\"", hint: hint, remedy: known.isEmpty ? .addAssociation : nil)
        }
        let all = try list()
        if all.count == 1 { return all[0] }
        if all.isEmpty {
            throw SanadError.usage("there is no association yet",
                                   hint: "create one", remedy: .addAssociation)
        }
        throw SanadError.usage("choose an association with --association SLUG (or SANAD_ASSOCIATION)",
                               hint: "known associations: \(all.map(\.slug).joined(separator: ", "))")
    }

    /// Marks an association as made by `sanad demo`, which may later remove it.
    public func markDemo(_ association: Association) throws {
        try connection.execute("UPDATE associations SET is_demo = true WHERE id = \(association.id)")
    }

    /// The associations `sanad demo` made.
    public func demoAssociations() throws -> [Association] {
        try connection.query("SELECT \(Association.columns) FROM associations WHERE is_demo ORDER BY slug").map(Association.init(row:))
    }

    /// Removes an association and every row that belongs to it, in one transaction; returns
    /// how many rows went. Tables are emptied of its rows so that each comes before the
    /// tables it references; the audit triggers stay quiet and the append-only audit log
    /// lets go of this association's entries only (the owner's decision, logged by the caller).
    @discardableResult
    public func remove(_ association: Association) throws -> Int {
        try connection.withTransaction { transaction in
            try transaction.query("SELECT set_config('sanad.removing_association', \(String(association.id)), true)")
            try transaction.query("SELECT set_config('sanad.bulk', 'on', true)")
            var removed = 0
            for table in try Self.tablesInDeletionOrder(transaction) {
                removed += try transaction.execute("DELETE FROM \(identifier: table) WHERE association_id = \(association.id)")
            }
            removed += try transaction.execute("DELETE FROM associations WHERE id = \(association.id)")
            return removed
        }
    }

    /// Every table with an `association_id`, those that reference others first.
    static func tablesInDeletionOrder(_ connection: Connection) throws -> [String] {
        let tables = try connection.query("""
            SELECT c.relname FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'association_id' AND NOT a.attisdropped
            WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relname <> 'associations'
            """).map { try $0.decode(String.self, at: 0) }
        let references = try connection.query("""
            SELECT DISTINCT child.relname, parent.relname FROM pg_constraint k
            JOIN pg_class child ON child.oid = k.conrelid JOIN pg_class parent ON parent.oid = k.confrelid
            JOIN pg_namespace n ON n.oid = child.relnamespace AND n.nspname = current_schema()
            WHERE k.contype = 'f' AND k.conrelid <> k.confrelid
            """).map { try $0.decode(String.self, String.self) }
        var remaining = Set(tables)
        var order: [String] = []
        while !remaining.isEmpty {
            // A table can go once no table still to be emptied references it.
            let ready = remaining.filter { table in !references.contains { $0.1 == table && remaining.contains($0.0) } }.sorted()
            guard !ready.isEmpty else {
                throw SanadError.failure("the tables reference each other in a cycle: \(remaining.sorted().joined(separator: ", "))",
                                         hint: "this is a schema bug; please report it")
            }
            order += ready
            remaining.subtract(ready)
        }
        return order
    }
}
