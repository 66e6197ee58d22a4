public import Postgres

/// Administration across associations: creating, listing and finding them.
///
/// Runs as the owner role, which sees every association; work inside one association goes
/// through ``AssociationSession`` instead.
public struct AssociationDirectory {
    let connection: Connection

    public init(connection: Connection) {
        self.connection = connection
    }

    /// Creates an association.
    ///
    /// - Throws: ``SanadError`` for an invalid field or a slug already taken.
    @discardableResult
    public func create(_ new: NewAssociation, actor: String) throws -> Association {
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
                    INSERT INTO audit_log (association_id, actor, action, entity, entity_id)
                    VALUES (\(association.id), \(actor), 'association.create', 'associations', \(association.id))
                    """)
                return association
            }
        } catch let error as PostgresError where error.sqlState == .uniqueViolation {
            throw SanadError.conflict("an association with slug \"\(valid.slug)\" already exists",
                                      hint: "choose another slug, or see it with: sanad association show \(valid.slug)")
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
            var hint = known.isEmpty ? "create one with: sanad association add SLUG --name NAME ..." : "known associations: \(known.joined(separator: ", "))"
            if let guess = Suggestion.closest(to: slug, among: known) { hint = "did you mean \(guess)? " + hint }
            throw SanadError.notFound("no association has the slug \"\(slug)\"", hint: hint)
        }
        let all = try list()
        if all.count == 1 { return all[0] }
        if all.isEmpty {
            throw SanadError.usage("there is no association yet",
                                   hint: "create one with: sanad association add SLUG --name NAME --country LB --currency LBP --time-zone Asia/Beirut --language ar")
        }
        throw SanadError.usage("choose an association with --association SLUG (or SANAD_ASSOCIATION)",
                               hint: "known associations: \(all.map(\.slug).joined(separator: ", "))")
    }
}
