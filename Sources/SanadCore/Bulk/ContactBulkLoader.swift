internal import Foundation
internal import Postgres

/// What to do when a loaded row is a contact the association already has.
public enum MatchPolicy: String, Vocabulary {
    /// Leave the existing contact as it is.
    case skip
    /// Overwrite its fields with the row's non-empty values, and add new emails, phones, roles, tags.
    case update
    /// Only fill its empty fields, and add new emails, phones, roles, tags.
    case fill
    public static let fieldName = "match policy"
}

/// Loads many contacts at once: rows stream into a staging table with COPY, then a few
/// set-based statements match, insert and update them. Never one round trip per row.
///
/// Matching: a row with an external id matches the contact with that external id (or, if
/// none, a contact without external id sharing an email, then an E.164 phone); a row
/// without one matches by email, then phone. A shared email or phone matches only when the
/// names agree (`sanad_names_agree`, the duplicate scorer's rules): families share one
/// landline and couples one email, so a row whose name does not agree becomes a new contact,
/// and the pair is set aside for a person to look at (`duplicate_suggestions`). Rows of the
/// same file that share an external id (or, without one, a first email or phone, with
/// agreeing names) are one contact: the first is loaded, the others count as duplicates in
/// the file. Rows matching someone erased are refused.
public struct ContactBulkLoader {
    public struct Summary: Sendable, Equatable {
        public var inserted = 0
        public var updated = 0
        public var unchanged = 0
        public var duplicatesInFile = 0
        /// Rows refused by the database side of the checks, with their line and reason.
        public var refused: [Refusal] = []
        /// Every row that went to an existing contact (or to an earlier row of the file).
        public var matches: [Match] = []
        /// Rows that became new contacts although they share an email or a phone with one
        /// whose name does not agree: possible duplicates for a person to look at.
        public var setAside: [Match] = []

        public init() {}
    }

    /// A row and the contact it went to (or was set beside), and by what.
    public struct Match: Sendable, Equatable, Codable {
        public var line: Int
        public var contact: Int64
        /// `external_id`, `email`, `phone`, or `in_file` (the same person as an earlier row).
        public var by: String
    }

    public struct Refusal: Sendable, Equatable {
        public var line: Int
        public var field: String
        public var reason: String
    }

    public let transaction: AssociationTransaction
    public let policy: MatchPolicy

    public init(_ transaction: AssociationTransaction, policy: MatchPolicy) {
        self.transaction = transaction
        self.policy = policy
    }

    /// Stages the rows `produce` writes, then merges them.
    public func load(_ produce: (ContactStagingWriter) throws -> Void) throws -> Summary {
        try transaction.beginBulkChange()
        try transaction.execute("""
            CREATE TEMP TABLE contact_staging (
                line bigint PRIMARY KEY, kind text, display_name text, given_name text, family_name text,
                name_key text, name_skeleton text, name_sound text, street text, city text, city_key text, region text, postal_code text,
                country text, preferred_language text, birth_date date, gender text, source_channel text, is_pep boolean, pep_note text,
                external_id text, custom_fields jsonb, emails text[], email_keys text[], phones_raw text[], phones_e164 text[],
                phones_digits text[], phones_problem text[], roles text[], tags text[], tag_keys text[],
                leader bigint, contact_id bigint, match_kind text, is_new boolean NOT NULL DEFAULT false, refused text,
                beside_contact_id bigint, beside_line bigint, beside_kind text
            ) ON COMMIT DROP
            """)
        try transaction.copyIn("""
            COPY contact_staging (line, kind, display_name, given_name, family_name, name_key, name_skeleton, name_sound, street, city,
                city_key, region, postal_code, country, preferred_language, birth_date, gender, source_channel, is_pep, pep_note,
                external_id, custom_fields, emails, email_keys, phones_raw, phones_e164, phones_digits, phones_problem, roles,
                tags, tag_keys) FROM STDIN
            """) { writer in
            try produce(ContactStagingWriter(writer: writer))
        }
        try transaction.execute("ANALYZE contact_staging (line, external_id, email_keys, phones_e164)")
        return try merge()
    }

    private func merge() throws -> Summary {
        try groupDuplicatesInFile()
        // The statistics must see the leaders the grouping set, or the planner guesses.
        try transaction.execute("ANALYZE contact_staging")
        try matchExisting()
        let refused = try refuseErased()
        // New contacts are numbered in file order (nextval runs after the inner sort).
        try transaction.execute("""
            UPDATE contact_staging s SET contact_id = n.id, is_new = true
            FROM (SELECT line, nextval('contacts_id_seq') AS id
                  FROM (SELECT line FROM contact_staging WHERE contact_id IS NULL AND line = leader AND refused IS NULL ORDER BY line) ordered
                 ) n
            WHERE s.line = n.line
            """)
        try transaction.execute("""
            UPDATE contact_staging f SET contact_id = l.contact_id, match_kind = 'in_file'
            FROM contact_staging l
            WHERE f.leader = l.line AND f.line <> f.leader AND l.refused IS NULL
            """)
        // A row set beside an earlier row of the file: its new contact's id is known now.
        try transaction.execute("""
            UPDATE contact_staging s SET beside_contact_id = l.contact_id
            FROM contact_staging l WHERE s.beside_line = l.line AND s.is_new AND l.contact_id IS NOT NULL
            """)
        var summary = Summary()
        summary.refused = refused
        summary.inserted = try transaction.execute("""
            INSERT INTO contacts (id, kind, display_name, given_name, family_name, name_key, name_skeleton, name_sound, keys_version, street,
                                  city, city_key, region, postal_code, country, preferred_language, birth_date, gender, source_channel,
                                  is_pep, pep_note, external_id, custom_fields)
            SELECT contact_id, kind, display_name, given_name, family_name, name_key, name_skeleton, name_sound, \(NameKeys.version), street,
                   city, city_key, region, postal_code, country, preferred_language, birth_date, gender, source_channel, is_pep, pep_note,
                   external_id, custom_fields
            FROM contact_staging WHERE is_new ORDER BY contact_id
            """)
        let matched = try transaction.query("""
            SELECT count(*) FROM contact_staging WHERE line = leader AND NOT is_new AND contact_id IS NOT NULL
            """)[0].decode(Int.self, at: 0)
        if policy != .skip { summary.updated = try updateMatched() }
        summary.unchanged = matched - summary.updated
        summary.duplicatesInFile = try transaction.query(
            "SELECT count(*) FROM contact_staging WHERE match_kind = 'in_file'")[0].decode(Int.self, at: 0)
        try addDetails()
        try applyStandingSuppressions()
        try transaction.execute("""
            INSERT INTO duplicate_suggestions (contact_a, contact_b, reason)
            SELECT least(contact_id, beside_contact_id), greatest(contact_id, beside_contact_id),
                   'shares the ' || beside_kind || ' at import; names differ'
            FROM contact_staging WHERE is_new AND beside_contact_id IS NOT NULL AND beside_contact_id <> contact_id
            ON CONFLICT DO NOTHING
            """)
        summary.matches = try transaction.query("""
            SELECT line, contact_id, match_kind FROM contact_staging
            WHERE NOT is_new AND contact_id IS NOT NULL AND match_kind IS NOT NULL ORDER BY line
            """).map { Match(line: try $0.decode("line"), contact: try $0.decode("contact_id"), by: try $0.decode("match_kind")) }
        summary.setAside = try transaction.query("""
            SELECT line, beside_contact_id, beside_kind FROM contact_staging
            WHERE is_new AND beside_contact_id IS NOT NULL ORDER BY line
            """).map { Match(line: try $0.decode("line"), contact: try $0.decode("beside_contact_id"), by: try $0.decode("beside_kind")) }
        return summary
    }

    /// Rows of the file that describe the same contact point to the first such row.
    private func groupDuplicatesInFile() throws {
        try transaction.execute("""
            UPDATE contact_staging s SET leader = d.leader
            FROM (SELECT line,
                         CASE WHEN external_id IS NOT NULL THEN min(line) OVER (PARTITION BY external_id)
                              ELSE least(min(line) OVER (PARTITION BY CASE WHEN external_id IS NULL
                                                                         THEN coalesce(email_keys[1], '#' || line) END),
                                         min(line) OVER (PARTITION BY CASE WHEN external_id IS NULL
                                                                         THEN coalesce(phones_e164[1], '#' || line) END))
                         END AS leader
                  FROM contact_staging) d
            WHERE d.line = s.line
            """)
        // Sharing an email or a phone makes one person only when the names agree: a child
        // signed up with a parent's mobile is a contact of its own, set beside that row.
        try transaction.execute("""
            UPDATE contact_staging s SET leader = s.line, beside_line = l.line,
                   beside_kind = CASE WHEN s.email_keys[1] = l.email_keys[1] THEN 'email' ELSE 'phone' END
            FROM contact_staging l
            WHERE l.line = s.leader AND s.leader <> s.line AND s.external_id IS NULL
              AND NOT sanad_names_agree(s.name_key, s.name_skeleton, l.name_key, l.name_skeleton)
            """)
    }

    private func matchExisting() throws {
        // A merged contact's external id leads to the contact it was merged into.
        try transaction.execute("""
            UPDATE contact_staging s SET contact_id = coalesce(c.merged_into_id, c.id), match_kind = 'external_id'
            FROM contacts c
            WHERE s.line = s.leader AND s.external_id IS NOT NULL AND c.external_id = s.external_id AND c.erased_at IS NULL
            """)
        for (kind, keys, table, column) in [("email", "email_keys", "contact_emails", "address_key"),
                                            ("phone", "phones_e164", "contact_phones", "e164")] {
            // Re-importing a file matches every row by its external id; then there is nothing
            // left to look up, and a plan made for the unmatched rows must not run at all.
            let unmatched = try transaction.query("""
                SELECT count(*) FROM contact_staging WHERE contact_id IS NULL AND line = leader
                """)[0].decode(Int.self, at: 0)
            guard unmatched > 0 else { break }
            // One pass per kind finds both: the contact whose name agrees (the match), and,
            // for a row with none, the first contact sharing the key under another name (set
            // beside it; an email found first wins over a phone).
            try transaction.execute("""
                UPDATE contact_staging s
                SET contact_id = m.matched,
                    match_kind = CASE WHEN m.matched IS NOT NULL THEN \(kind) END,
                    beside_contact_id = CASE WHEN m.matched IS NULL THEN coalesce(s.beside_contact_id, m.sharer) ELSE s.beside_contact_id END,
                    beside_kind = CASE WHEN m.matched IS NULL AND s.beside_contact_id IS NULL THEN \(kind) ELSE s.beside_kind END,
                    beside_line = CASE WHEN m.matched IS NULL AND s.beside_contact_id IS NULL THEN NULL ELSE s.beside_line END
                FROM (SELECT u.line,
                             min(x.contact_id) FILTER (WHERE (u.external_id IS NULL OR c.external_id IS NULL)
                                                         AND sanad_names_agree(u.name_key, u.name_skeleton, c.name_key, c.name_skeleton))
                                 AS matched,
                             min(x.contact_id) AS sharer
                      FROM (SELECT line, external_id, name_key, name_skeleton, unnest(\(unsafeSQL: keys)) AS key
                            FROM contact_staging WHERE contact_id IS NULL AND line = leader) u
                      JOIN \(identifier: table) x ON x.\(unsafeSQL: column) = u.key
                      JOIN contacts c ON c.id = x.contact_id
                      WHERE c.deleted_at IS NULL AND c.erased_at IS NULL
                      GROUP BY u.line) m
                WHERE s.line = m.line
                """)
        }
    }

    /// Rows that would bring back someone who was erased are refused.
    private func refuseErased() throws -> [Refusal] {
        let anyErased = try transaction.query("SELECT EXISTS (SELECT 1 FROM suppressed_identifiers WHERE reason = 'erased')")[0]
            .decode(Bool.self, at: 0)
        guard anyErased else { return [] }
        try transaction.execute("""
            UPDATE contact_staging s SET refused = 'erased'
            WHERE s.contact_id IS NULL AND s.line = s.leader AND EXISTS (
                SELECT 1 FROM suppressed_identifiers x
                WHERE x.reason = 'erased'
                  AND ((x.kind = 'email' AND x.identifier_hash IN (SELECT sanad_identifier_hash(k) FROM unnest(s.email_keys) k))
                    OR (x.kind = 'phone' AND x.identifier_hash IN (SELECT sanad_identifier_hash(p) FROM unnest(s.phones_e164) p))))
            """)
        return try transaction.query("SELECT line FROM contact_staging WHERE refused = 'erased' ORDER BY line").map { row in
            Refusal(line: try row.decode(Int.self, at: 0), field: "email",
                    reason: "this person was erased at their request; they are not imported again")
        }
    }

    /// Applies the row's values to matched contacts: every non-empty value (update) or
    /// only where the contact has none (fill). Returns how many contacts changed.
    private func updateMatched() throws -> Int {
        let columns = ["given_name", "family_name", "street", "city", "region", "postal_code", "country", "preferred_language",
                       "birth_date", "gender", "pep_note"]
        let pick: (String) -> SQL = { column in
            policy == .update ? "coalesce(s.\(unsafeSQL: column), c.\(unsafeSQL: column))"
                              : "coalesce(c.\(unsafeSQL: column), s.\(unsafeSQL: column))"
        }
        let assignments = SQL.joined(columns.map { "\(unsafeSQL: $0) = \(pick($0))" }, separator: ", ")
        let comparison = SQL.joined(columns.map { "c.\(unsafeSQL: $0) IS DISTINCT FROM \(pick($0))" }, separator: " OR ")
        let nameChange: SQL = policy == .update
            ? "display_name = s.display_name, name_key = s.name_key, name_skeleton = s.name_skeleton, name_sound = s.name_sound, keys_version = \(NameKeys.version), city_key = coalesce(s.city_key, c.city_key), is_pep = c.is_pep OR s.is_pep,"
            : "city_key = coalesce(c.city_key, s.city_key), is_pep = c.is_pep OR s.is_pep,"
        let nameDiffers: SQL = policy == .update ? "c.display_name IS DISTINCT FROM s.display_name OR" : ""
        return try transaction.execute("""
            UPDATE contacts c SET \(nameChange) \(assignments)
            FROM contact_staging s
            WHERE s.contact_id = c.id AND s.line = s.leader AND NOT s.is_new AND s.match_kind <> 'in_file'
              AND (\(nameDiffers) (s.is_pep AND NOT c.is_pep) OR \(comparison))
            """)
    }

    /// Emails, phones, roles and tags of new contacts (and of matched ones unless skipping).
    private func addDetails() throws {
        let rows: SQL = policy == .skip ? "s.is_new" : "s.contact_id IS NOT NULL AND s.line = s.leader"
        try transaction.execute("""
            INSERT INTO contact_emails (contact_id, address, address_key, is_primary)
            SELECT s.contact_id, e.address, e.address_key, s.is_new AND e.position = 1
            FROM contact_staging s, unnest(s.emails, s.email_keys) WITH ORDINALITY AS e(address, address_key, position)
            WHERE \(rows)
            ON CONFLICT (association_id, contact_id, address_key) DO NOTHING
            """)
        try transaction.execute("""
            INSERT INTO contact_phones (contact_id, raw, e164, digits, problem, is_primary)
            SELECT DISTINCT ON (s.contact_id, coalesce(p.e164, p.digits))
                   s.contact_id, p.raw, p.e164, p.digits, p.problem, s.is_new AND p.position = 1
            FROM contact_staging s,
                 unnest(s.phones_raw, s.phones_e164, s.phones_digits, s.phones_problem) WITH ORDINALITY AS p(raw, e164, digits, problem, position)
            WHERE \(rows)
            ORDER BY s.contact_id, coalesce(p.e164, p.digits), p.position
            ON CONFLICT (association_id, contact_id, coalesce(e164, digits)) DO NOTHING
            """)
        try transaction.execute("""
            INSERT INTO contact_roles (contact_id, role)
            SELECT DISTINCT s.contact_id, r.role FROM contact_staging s, unnest(s.roles) AS r(role)
            WHERE \(rows)
            ON CONFLICT (association_id, contact_id, role) DO NOTHING
            """)
        try transaction.execute("""
            INSERT INTO tags (name, name_key)
            SELECT DISTINCT ON (t.key) t.name, t.key FROM contact_staging s, unnest(s.tags, s.tag_keys) AS t(name, key)
            WHERE \(rows)
            ORDER BY t.key
            ON CONFLICT (association_id, name_key) DO NOTHING
            """)
        try transaction.execute("""
            INSERT INTO contact_tags (contact_id, tag_id)
            SELECT DISTINCT s.contact_id, g.id
            FROM contact_staging s, unnest(s.tag_keys) AS t(key) JOIN tags g ON g.name_key = t.key
            WHERE \(rows)
            ON CONFLICT DO NOTHING
            """)
        if policy != .skip {
            for table in ["contact_emails", "contact_phones"] {
                try transaction.execute("""
                    UPDATE \(identifier: table) x SET is_primary = true
                    WHERE x.id IN (SELECT DISTINCT ON (y.contact_id) y.id FROM \(identifier: table) y
                                   WHERE y.contact_id IN (SELECT contact_id FROM contact_staging WHERE NOT is_new AND contact_id IS NOT NULL)
                                     AND NOT EXISTS (SELECT 1 FROM \(identifier: table) z WHERE z.contact_id = y.contact_id AND z.is_primary)
                                   ORDER BY y.contact_id, y.id)
                    """)
            }
        }
    }

    /// Addresses a mailing service reported as unsubscribed before the contact existed here
    /// stay unsubscribed when the contact arrives.
    private func applyStandingSuppressions() throws {
        try transaction.execute("""
            INSERT INTO contact_suppressions (contact_id, reason, source)
            SELECT DISTINCT s.contact_id, x.reason, 'suppression list'
            FROM contact_staging s, unnest(s.email_keys) AS k(key)
            JOIN suppressed_identifiers x ON x.kind = 'email' AND x.identifier_hash = sanad_identifier_hash(k.key)
            WHERE s.is_new AND x.reason IN ('unsubscribed', 'bounced', 'complained')
            ON CONFLICT (association_id, contact_id, reason) WHERE lifted_at IS NULL DO NOTHING
            """)
    }
}

/// Writes checked contacts into the staging COPY stream.
public struct ContactStagingWriter {
    let writer: CopyInWriter

    /// Stages one contact; `line` identifies it in reports (a file's line number).
    public func add(line: Int, _ draft: ContactDraft) throws {
        func array(_ values: [String?]) -> String { PostgresArrayLiteral.encode(values) }
        let customFields: String? = draft.customFields.isEmpty ? "{}" : JSONText.object(draft.customFields)
        try writer.writeRow([
            String(line), draft.kind.rawValue, draft.displayName, draft.givenName, draft.familyName, draft.nameKey,
            draft.nameSkeleton, draft.nameSound, draft.street, draft.city, draft.cityKey, draft.region, draft.postalCode, draft.country,
            draft.language, draft.birthDate?.description, draft.gender?.rawValue, draft.source.rawValue, draft.isPEP ? "t" : "f", draft.pepNote,
            draft.externalID, customFields,
            array(draft.emails.map(\.address)), array(draft.emails.map(\.key)),
            array(draft.phones.map(\.raw)), array(draft.phones.map(\.e164)), array(draft.phones.map(\.digits)),
            array(draft.phones.map(\.problem)), array(draft.roles.map(\.role.rawValue)),
            array(draft.tags), array(draft.tags.map(NameKeys.normalized)),
        ])
    }
}
