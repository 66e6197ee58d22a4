public import Foundation
public import Postgres

/// What a user may do in one association; each is also a PostgreSQL group role
/// (`sanad_admin`, ...) whose privileges PostgreSQL checks (migration 0014).
public enum AssociationRole: String, CaseIterable, Codable, Sendable, Comparable {
    /// Everything in the association, including plugins, settings and erasure.
    case admin
    /// Contacts, interactions, imports, duplicates and merges, segments, exports, campaigns,
    /// events, schedules.
    case staff
    /// Reads; no changes and no export of personal data.
    case viewer
    /// The influence audit (findings, reviews, reports, decisions); reads elsewhere.
    case auditor

    /// The PostgreSQL group role holding this role's privileges.
    public var groupRole: String { "sanad_" + rawValue }

    public static func < (lhs: AssociationRole, rhs: AssociationRole) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    public static func named(_ text: String) throws -> AssociationRole {
        guard let role = AssociationRole(rawValue: text.lowercased()) else {
            throw SanadError.invalid("\"\(text)\" is not a role",
                                     hint: "use one of: " + allCases.map(\.rawValue).joined(separator: ", "))
        }
        return role
    }
}

/// A user's place in one association.
public struct Membership: Sendable, Codable, Equatable {
    public var association: String
    public var roles: [AssociationRole]
    /// The contact the user is, in that association (`sanad user link`).
    public var contactID: Int64?

    public init(association: String, roles: [AssociationRole], contactID: Int64?) {
        self.association = association
        self.roles = roles
        self.contactID = contactID
    }

    enum CodingKeys: String, CodingKey { case association, roles, contactID = "contact_id" }
}

/// A Sanad user: a PostgreSQL login role known to this database.
public struct SanadUser: Sendable, Codable, Equatable {
    public var name: String
    public var disabled: Bool
    public var createdAt: Date
    public var createdBy: String
    public var memberships: [Membership]

    enum CodingKeys: String, CodingKey {
        case name, disabled, createdAt = "created_at", createdBy = "created_by", memberships
    }
}

/// One line of `sanad user list`.
public struct SanadUserSummary: Sendable, Codable, Equatable {
    public var name: String
    public var disabled: Bool
    /// `tripoli: admin, beirut: viewer`
    public var roles: String

    public init(name: String, disabled: Bool, roles: String) {
        self.name = name
        self.disabled = disabled
        self.roles = roles
    }

    enum CodingKeys: String, CodingKey { case name, disabled, roles }
}

/// Who the connected session is: `sanad whoami`.
public struct Identity: Sendable, Codable, Equatable {
    public var user: String
    /// Whether the session is the database owner (or its service role), which does no
    /// association work of its own.
    public var isOwner: Bool
    public var memberships: [Membership]

    enum CodingKeys: String, CodingKey { case user, isOwner = "owner", memberships }
}

/// User administration: PostgreSQL login roles, their memberships in associations and the
/// group roles that follow from them. Runs on the owner's connection (creating roles needs
/// CREATEROLE; the membership tables are the owner's to write).
///
/// Passwords are set as SCRAM-SHA-256 verifiers computed by libpq on this side, so neither
/// the statement nor the server's log ever holds the password.
public struct UserDirectory {
    let connection: Connection
    /// The free-text "on behalf of" kept with each change in the audit log (`SANAD_ACTOR`).
    let onBehalfOf: String?

    public init(owner connection: Connection, onBehalfOf: String? = nil) {
        self.connection = connection
        self.onBehalfOf = onBehalfOf.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Refuses, with the way out, when the connection is not the database's owner.
    public static func requireOwner(_ connection: Connection, for action: String) throws {
        let row = try connection.query("""
            SELECT session_user::text, pg_has_role(session_user, 'sanad_app', 'MEMBER'),
                   (SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = session_user)
            """)[0]
        let (user, isOwner, createsRoles) = try row.decode(String.self, Bool.self, Bool.self)
        guard isOwner else {
            throw SanadError.denied("\(action) needs the database owner; you are connected as \(user)",
                                    hint: "set SANAD_OWNER_URL to the owner's connection (the role that migrates the database)")
        }
        guard createsRoles else {
            throw SanadError.denied("\(action) needs a role that may create roles; \(user) may not",
                                    hint: "as a superuser: ALTER ROLE \(user) CREATEROLE")
        }
    }

    /// The connected session's identity and memberships.
    public static func identity(_ connection: Connection) throws -> Identity {
        let row = try connection.query("SELECT session_user::text, pg_has_role(session_user, 'sanad_app', 'MEMBER')")[0]
        let (user, isOwner) = try row.decode(String.self, Bool.self)
        return Identity(user: user, isOwner: isOwner, memberships: try memberships(of: user, on: connection))
    }

    static func memberships(of user: String, on connection: Connection) throws -> [Membership] {
        try connection.query("""
            SELECT a.slug, array_agg(m.role ORDER BY m.role), max(l.contact_id)
            FROM association_members m JOIN associations a ON a.id = m.association_id
            LEFT JOIN user_contacts l ON l.association_id = m.association_id AND l.user_name = m.user_name
            WHERE m.user_name = \(user)
            GROUP BY a.slug ORDER BY a.slug
            """).map { row in
            let (slug, roles, contact) = try row.decode(String.self, [String].self, Int64?.self)
            return Membership(association: slug, roles: roles.compactMap(AssociationRole.init(rawValue:)).sorted(), contactID: contact)
        }
    }

    // MARK: Users

    /// Names a user may have: a PostgreSQL role name that needs no quoting, and none of the
    /// reserved prefixes (`pg_` is PostgreSQL's, `sanad_` Sanad's group roles).
    public static func validatedName(_ name: String) throws -> String {
        let lowered = name.lowercased()
        let valid = lowered.range(of: #"^[a-z][a-z0-9_.-]{0,62}$"#, options: .regularExpression) != nil
        guard valid, !lowered.hasPrefix("pg_"), !lowered.hasPrefix("sanad_") else {
            throw SanadError.invalid("\"\(name)\" cannot be a user name",
                                     hint: "use 1 to 63 lowercase letters, digits, '.', '_' or '-', starting with a letter, not beginning with pg_ or sanad_")
        }
        return lowered
    }

    /// Creates the login role (or takes an existing plain login role of that name) and
    /// makes it a Sanad user, with `roles` in `association` when given.
    ///
    /// - Returns: the user, and whether the PostgreSQL role already existed.
    @discardableResult
    public func add(_ name: String, association: Association?, roles: [AssociationRole]) throws -> (SanadUser, adopted: Bool) {
        let name = try Self.validatedName(name)
        let adopted = try connection.withTransaction { transaction -> Bool in
            if try transaction.query("SELECT 1 FROM sanad_users WHERE name = \(name)").singleRow() != nil {
                throw SanadError.conflict("a user named \(name) exists already", hint: "give them a role in an association",
                                          remedy: .grantRole(user: name, association: nil))
            }
            let existing = try transaction.query("""
                SELECT rolsuper OR rolbypassrls OR rolcreaterole OR rolreplication OR pg_has_role(oid, 'sanad_app', 'MEMBER'), rolcanlogin
                FROM pg_roles WHERE rolname = \(name)
                """).singleRow()
            if let existing {
                let (powerful, _) = try existing.decode(Bool.self, Bool.self)
                if powerful {
                    throw SanadError.conflict("the PostgreSQL role \(name) has powers no Sanad user may have (superuser, owner, BYPASSRLS or CREATEROLE)",
                                              hint: "choose another name; Sanad users are plain login roles")
                }
                try transaction.execute("ALTER ROLE \(identifier: name) LOGIN")
            } else {
                try transaction.execute("""
                    CREATE ROLE \(identifier: name) LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT
                    """)
            }
            try transaction.execute("INSERT INTO sanad_users (name) VALUES (\(name))")
            return existing != nil
        }
        if let association {
            for role in roles { try grant(name, association: association, role: role) }
        }
        return (try show(name), adopted)
    }

    public func list(association: Association? = nil) throws -> [SanadUserSummary] {
        try connection.query("""
            SELECT u.name, u.disabled,
                   coalesce(string_agg(a.slug || ': ' || m.role, ', ' ORDER BY a.slug, m.role), '')
            FROM sanad_users u
            LEFT JOIN association_members m ON m.user_name = u.name
            LEFT JOIN associations a ON a.id = m.association_id
            WHERE \(association?.id)::bigint IS NULL OR EXISTS (SELECT 1 FROM association_members x
                                                       WHERE x.user_name = u.name AND x.association_id = \(association?.id))
            GROUP BY u.name, u.disabled ORDER BY u.name
            """).map { row in
            let (name, disabled, roles) = try row.decode(String.self, Bool.self, String.self)
            return SanadUserSummary(name: name, disabled: disabled, roles: roles)
        }
    }

    public func show(_ name: String) throws -> SanadUser {
        let name = name.lowercased()
        guard let row = try connection.query("""
            SELECT name, disabled, created_at, created_by FROM sanad_users WHERE name = \(name)
            """).singleRow() else {
            let known = try connection.query("SELECT name FROM sanad_users ORDER BY name").map { try $0.decode(String.self, at: 0) }
            throw SanadError.notFound("no user is named \(name)",
                                      hint: known.isEmpty ? "add one" : "known users: " + known.prefix(12).joined(separator: ", "),
                                      remedy: known.isEmpty ? .addUser : nil)
        }
        let (userName, disabled, createdAt, createdBy) = try row.decode(String.self, Bool.self, Date.self, String.self)
        return SanadUser(name: userName, disabled: disabled, createdAt: createdAt, createdBy: createdBy,
                         memberships: try Self.memberships(of: userName, on: connection))
    }

    // MARK: Roles

    /// Gives `role` in `association`; returns false when the user had it already.
    @discardableResult
    public func grant(_ name: String, association: Association, role: AssociationRole) throws -> Bool {
        let user = try show(name)
        return try connection.withTransaction { transaction in
            let added = try transaction.execute("""
                INSERT INTO association_members (association_id, user_name, role) VALUES (\(association.id), \(user.name), \(role.rawValue))
                ON CONFLICT DO NOTHING
                """)
            try syncGroupRoles(user.name, on: transaction)
            if added > 0 {
                try log("user.grant", user: user.name, role: role, association: association, on: transaction)
            }
            return added > 0
        }
    }

    /// Takes `role` (every role, when nil) in `association` away; returns how many went.
    @discardableResult
    public func revoke(_ name: String, association: Association, role: AssociationRole?) throws -> Int {
        let user = try show(name)
        return try connection.withTransaction { transaction in
            let removed = try transaction.execute("""
                DELETE FROM association_members
                WHERE association_id = \(association.id) AND user_name = \(user.name) AND (\(role?.rawValue)::text IS NULL OR role = \(role?.rawValue))
                """)
            if role == nil {
                try transaction.execute("DELETE FROM user_contacts WHERE association_id = \(association.id) AND user_name = \(user.name)")
            }
            try syncGroupRoles(user.name, on: transaction, revoking: true)
            if removed > 0 {
                try log("user.revoke", user: user.name, role: role, association: association, on: transaction)
            }
            return removed
        }
    }

    /// The user's role is a member of the group roles of the roles they hold here. With
    /// `revoking`, group roles they no longer hold here are taken away; granting alone never
    /// revokes, because a role of the cluster may serve a user of another database on it
    /// (row-level security still admits only their own memberships).
    func syncGroupRoles(_ name: String, on transaction: Connection, revoking: Bool = false) throws {
        let held = Set(try transaction.query("SELECT DISTINCT role FROM association_members WHERE user_name = \(name)")
            .map { try $0.decode(String.self, at: 0) }.compactMap(AssociationRole.init(rawValue:)))
        let current = Set(try transaction.query("""
            SELECT g.rolname FROM pg_auth_members am JOIN pg_roles g ON g.oid = am.roleid JOIN pg_roles u ON u.oid = am.member
            WHERE u.rolname = \(name) AND g.rolname IN ('sanad_admin', 'sanad_staff', 'sanad_viewer', 'sanad_auditor')
            """).map { try $0.decode(String.self, at: 0) })
        for role in AssociationRole.allCases {
            let wanted = held.contains(role)
            if wanted && !current.contains(role.groupRole) {
                try transaction.execute("GRANT \(identifier: role.groupRole) TO \(identifier: name)")
            } else if revoking && !wanted && current.contains(role.groupRole) {
                try transaction.execute("REVOKE \(identifier: role.groupRole) FROM \(identifier: name)")
            }
        }
    }

    // MARK: Logging in

    /// Stops the user from logging in (their sessions are ended) or lets them again.
    public func setDisabled(_ name: String, _ disabled: Bool) throws -> SanadUser {
        let user = try show(name)
        try connection.withTransaction { transaction in
            try transaction.execute("UPDATE sanad_users SET disabled = \(disabled) WHERE name = \(user.name)")
            try transaction.execute(disabled ? "ALTER ROLE \(identifier: user.name) NOLOGIN" : "ALTER ROLE \(identifier: user.name) LOGIN")
            for association in try associations(of: user.name, on: transaction) {
                try log(disabled ? "user.disable" : "user.enable", user: user.name, role: nil, association: association,
                             on: transaction)
            }
        }
        if disabled {
            try connection.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = \(user.name)")
        }
        return try show(user.name)
    }

    /// Removes the user from this database and drops their login role; what they did stays
    /// in the audit log under their name.
    public func remove(_ name: String) throws {
        let user = try show(name)
        try connection.withTransaction { transaction in
            for association in try associations(of: user.name, on: transaction) {
                try log("user.remove", user: user.name, role: nil, association: association, on: transaction)
            }
            try transaction.execute("DELETE FROM sanad_users WHERE name = \(user.name)")
            try syncGroupRoles(user.name, on: transaction, revoking: true)
            try transaction.execute("ALTER ROLE \(identifier: user.name) NOLOGIN")
        }
        try connection.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = \(user.name)")
        do {
            try connection.execute("DROP ROLE \(identifier: user.name)")
        } catch let error as PostgresError where error.sqlState == .dependentObjectsStillExist {
            // Another database of the cluster still grants it something: the role stays, unable to log in.
        }
    }

    /// Sets the user's password (SCRAM-SHA-256); with nil, generates one and returns it.
    public func setPassword(_ name: String, to password: String?) throws -> String {
        let user = try show(name)
        let chosen = password ?? Self.generatedPassword()
        guard chosen.count >= 12 else {
            throw SanadError.invalid("a password needs at least 12 characters", hint: "choose a longer one, or leave it to Sanad with --generate")
        }
        let verifier = try connection.scramVerifier(password: chosen, role: user.name)
        try connection.withTransaction { transaction in
            try transaction.execute("ALTER ROLE \(identifier: user.name) PASSWORD \(unsafeSQL: try transaction.escapeLiteral(verifier))")
            for association in try associations(of: user.name, on: transaction) {
                try log("user.password", user: user.name, role: nil, association: association, on: transaction)
            }
        }
        return chosen
    }

    /// 24 characters from a 56-letter alphabet without look-alikes (about 139 bits), from
    /// the system's cryptographic generator.
    static func generatedPassword() -> String {
        let alphabet = Array("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<24).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] })
    }

    // MARK: Contacts

    /// Records that the user is this contact of the association (for conflicts of interest).
    public func link(_ name: String, association: Association, contactID: Int64) throws -> SanadUser {
        let user = try show(name)
        guard user.memberships.contains(where: { $0.association == association.slug }) else {
            throw SanadError.usage("\(user.name) is not a member of \(association.slug)",
                                   hint: "give them a role there first", remedy: .grantRole(user: user.name, association: association.slug))
        }
        do {
            try connection.withTransaction { transaction in
                try transaction.execute("""
                    INSERT INTO user_contacts (association_id, user_name, contact_id) VALUES (\(association.id), \(user.name), \(contactID))
                    ON CONFLICT (association_id, user_name) DO UPDATE SET contact_id = EXCLUDED.contact_id, linked_at = now(),
                        linked_by = session_user
                    """)
                try log("user.link", user: user.name, role: nil, association: association, on: transaction,
                             extra: ["contact_id": String(contactID)])
            }
        } catch let error as PostgresError where error.sqlState == .foreignKeyViolation {
            throw SanadError.notFound("\(association.slug) has no contact \(contactID)", hint: "find the contact", remedy: .searchContacts(text: nil))
        }
        return try show(user.name)
    }

    // MARK: The local administrator

    /// The zero-config local cluster: its operating-system user is a Sanad user and admin
    /// of every association. Safe to call on every start.
    public func ensureAdministrator(_ name: String) throws {
        let name = try Self.validatedName(name)
        if try connection.query("SELECT 1 FROM sanad_users WHERE name = \(name)").singleRow() == nil {
            try add(name, association: nil, roles: [])
        }
        try connection.withTransaction { transaction in
            try transaction.execute("""
                INSERT INTO association_members (association_id, user_name, role)
                SELECT id, \(name), 'admin' FROM associations ON CONFLICT DO NOTHING
                """)
            try syncGroupRoles(name, on: transaction)
        }
    }

    // MARK: Plumbing

    private func associations(of name: String, on transaction: Connection) throws -> [Association] {
        try transaction.query("""
            SELECT \(Association.columns) FROM associations
            WHERE id IN (SELECT association_id FROM association_members WHERE user_name = \(name)) ORDER BY slug
            """).map(Association.init(row:))
    }

    /// An entry in the association's audit log (the owner's connection bypasses isolation,
    /// so the association is named).
    func log(_ action: String, user: String, role: AssociationRole?, association: Association,
             on transaction: Connection, extra: [String: String] = [:]) throws {
        var details = ["user": user]
        if let role { details["role"] = role.rawValue }
        details.merge(extra) { $1 }
        try transaction.execute("""
            INSERT INTO audit_log (association_id, action, entity, details, on_behalf_of)
            VALUES (\(association.id), \(action), 'users', \(JSONB(details)), \(onBehalfOf))
            """)
    }
}
