internal import Foundation
public import Postgres

/// Merges one contact into another: everything the merged contact had moves to the kept
/// one in one transaction, its empty fields fill the kept one's, and it stays behind as a
/// deleted record pointing to the kept contact (so its external id still leads there).
/// What the merge replaced is kept (`contact_merges`), so ``ContactUnmerger`` can undo it.
public struct ContactMerger {
    public let transaction: AssociationTransaction

    public init(_ transaction: AssociationTransaction) {
        self.transaction = transaction
    }

    /// What a merge moved (or, previewed, would move).
    public struct Summary: Sendable, Codable, Equatable {
        public var kept: Int64
        public var merged: Int64
        /// The record of this merge, for `contact unmerge` (nil in a preview's rollback).
        public var mergeID: Int64?
        /// Rows moved, by what they are (`emails`, `interactions`, a plugin's rows), in the
        /// order the merge moved them.
        public var moved: [Moved] = []
        public var filledFields: [String] = []

        public struct Moved: Sendable, Codable, Equatable {
            public var what: String
            public var rows: Int
        }

        init(kept: Int64, merged: Int64) {
            self.kept = kept
            self.merged = merged
        }

        // Flat, as `contact merge` prints it: each kind of row moved is a field of its own.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: NamedKey.self)
            try container.encode(kept, forKey: NamedKey("kept"))
            try container.encode(merged, forKey: NamedKey("merged"))
            if let mergeID { try container.encode(mergeID, forKey: NamedKey("merge_id")) }
            for entry in moved { try container.encode(entry.rows, forKey: NamedKey(entry.what)) }
            try container.encode(filledFields, forKey: NamedKey("fields_filled"))
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: NamedKey.self)
            kept = try container.decode(Int64.self, forKey: NamedKey("kept"))
            merged = try container.decode(Int64.self, forKey: NamedKey("merged"))
            mergeID = try container.decodeIfPresent(Int64.self, forKey: NamedKey("merge_id"))
            filledFields = try container.decode([String].self, forKey: NamedKey("fields_filled"))
            moved = try container.allKeys.filter { !["kept", "merged", "merge_id", "fields_filled"].contains($0.stringValue) }
                .map { Moved(what: $0.stringValue, rows: try container.decode(Int.self, forKey: $0)) }
        }
    }

    static let fillableFields = ["given_name", "family_name", "street", "city", "city_key", "region", "postal_code", "country",
                                 "preferred_language", "birth_date", "gender", "pep_note"]

    /// Merges `merged` into `kept`.
    public func merge(_ merged: Int64, into kept: Int64) throws -> Summary {
        guard kept != merged else {
            throw SanadError.invalid("a contact cannot be merged with itself", hint: "give two different contact ids")
        }
        // Deleted and refunded interactions move too: the policy that hides them from readings
        // would otherwise keep them out of the UPDATE, and they would stay behind.
        try InteractionStore(transaction).includeVoided()
        let store = ContactStore(transaction)
        try store.requireContact(kept)
        try store.requireContact(merged)
        var summary = Summary(kept: kept, merged: merged)
        summary.mergeID = try ContactUnmerger.snapshot(kept: kept, merged: merged, in: transaction)
        let fill = Self.fillableFields
        summary.filledFields = try transaction.query("""
            SELECT key FROM jsonb_each(to_jsonb((SELECT k FROM contacts k WHERE k.id = \(kept)))) kept_field
            JOIN jsonb_each(to_jsonb((SELECT m FROM contacts m WHERE m.id = \(merged)))) merged_field USING (key)
            WHERE key = ANY(\(fill)) AND kept_field.value = 'null'::jsonb AND merged_field.value <> 'null'::jsonb
            ORDER BY key
            """).map { try $0.decode(String.self, at: 0) }.filter { $0 != "city_key" }
        func moved(_ what: String, _ rows: Int) { summary.moved.append(Summary.Moved(what: what, rows: rows)) }

        moved("emails", try transaction.execute("""
            UPDATE contact_emails SET contact_id = \(kept), is_primary = false
            WHERE contact_id = \(merged) AND address_key NOT IN (SELECT address_key FROM contact_emails WHERE contact_id = \(kept))
            """))
        try transaction.execute("DELETE FROM contact_emails WHERE contact_id = \(merged)")
        moved("phones", try transaction.execute("""
            UPDATE contact_phones SET contact_id = \(kept), is_primary = false
            WHERE contact_id = \(merged)
              AND coalesce(e164, digits) NOT IN (SELECT coalesce(e164, digits) FROM contact_phones WHERE contact_id = \(kept))
            """))
        try transaction.execute("DELETE FROM contact_phones WHERE contact_id = \(merged)")
        for table in ["contact_emails", "contact_phones"] {
            try transaction.execute("""
                UPDATE \(identifier: table) SET is_primary = true
                WHERE id = (SELECT id FROM \(identifier: table) WHERE contact_id = \(kept) ORDER BY id LIMIT 1)
                  AND NOT EXISTS (SELECT 1 FROM \(identifier: table) WHERE contact_id = \(kept) AND is_primary)
                """)
        }
        moved("roles", try transaction.execute("""
            INSERT INTO contact_roles (contact_id, role, since, until)
            SELECT \(kept), role, since, until FROM contact_roles WHERE contact_id = \(merged)
            ON CONFLICT (association_id, contact_id, role) DO UPDATE
            SET since = least(contact_roles.since, excluded.since),
                until = CASE WHEN contact_roles.until IS NULL OR excluded.until IS NULL THEN NULL
                             ELSE greatest(contact_roles.until, excluded.until) END
            """))
        try transaction.execute("DELETE FROM contact_roles WHERE contact_id = \(merged)")
        moved("tags", try transaction.execute("""
            INSERT INTO contact_tags (contact_id, tag_id, tagged_at) SELECT \(kept), tag_id, tagged_at FROM contact_tags WHERE contact_id = \(merged)
            ON CONFLICT DO NOTHING
            """))
        try transaction.execute("DELETE FROM contact_tags WHERE contact_id = \(merged)")
        moved("groups", try transaction.execute("""
            INSERT INTO group_members (group_id, contact_id, added_at) SELECT group_id, \(kept), added_at FROM group_members WHERE contact_id = \(merged)
            ON CONFLICT DO NOTHING
            """))
        try transaction.execute("DELETE FROM group_members WHERE contact_id = \(merged)")
        // Relationships: point them at the kept contact, except those that would relate it to
        // itself or repeat one it already has.
        var relationships = 0
        for (column, other) in [("contact_id", "related_contact_id"), ("related_contact_id", "contact_id")] {
            relationships += try transaction.execute("""
                UPDATE contact_relationships r SET \(unsafeSQL: column) = \(kept)
                WHERE r.\(unsafeSQL: column) = \(merged) AND r.\(unsafeSQL: other) <> \(kept)
                  AND NOT EXISTS (SELECT 1 FROM contact_relationships e
                                  WHERE e.\(unsafeSQL: column) = \(kept) AND e.\(unsafeSQL: other) = r.\(unsafeSQL: other) AND e.kind = r.kind)
                """)
        }
        moved("relationships", relationships)
        try transaction.execute("DELETE FROM contact_relationships WHERE contact_id = \(merged) OR related_contact_id = \(merged)")
        moved("consent records", try transaction.execute("UPDATE consent_records SET contact_id = \(kept) WHERE contact_id = \(merged)"))
        moved("suppressions", try transaction.execute("""
            UPDATE contact_suppressions s SET contact_id = \(kept)
            WHERE s.contact_id = \(merged)
              AND (s.lifted_at IS NOT NULL OR NOT EXISTS (SELECT 1 FROM contact_suppressions k
                                                          WHERE k.contact_id = \(kept) AND k.reason = s.reason AND k.lifted_at IS NULL))
            """))
        try transaction.execute("DELETE FROM contact_suppressions WHERE contact_id = \(merged)")
        moved("interactions", try transaction.execute("UPDATE interactions SET contact_id = \(kept) WHERE contact_id = \(merged)"))
        try transaction.execute("DELETE FROM duplicate_dismissals WHERE contact_a IN (\(kept), \(merged)) AND contact_b IN (\(kept), \(merged))")
        for plugin in transaction.plugins.all {
            try plugin.contactsMerged(kept: kept, merged: merged, in: transaction)
        }
        // The kept contact takes what it lacked; an external id moves over when it had none.
        let assignments = SQL.joined(fill.map { "\(unsafeSQL: $0) = coalesce(k.\(unsafeSQL: $0), m.\(unsafeSQL: $0))" }, separator: ", ")
        let externalID = try transaction.query("SELECT external_id FROM contacts WHERE id = \(merged)")[0].decode(String?.self, at: 0)
        try transaction.execute("""
            UPDATE contacts SET merged_into_id = \(kept), deleted_at = now(), external_id = NULL WHERE id = \(merged)
            """)
        try transaction.execute("""
            UPDATE contacts k SET \(assignments), is_pep = k.is_pep OR m.is_pep, external_id = coalesce(k.external_id, \(externalID))
            FROM contacts m WHERE k.id = \(kept) AND m.id = \(merged)
            """)
        // The kept contact's search keys cover the names it now has.
        let names = try transaction.query("SELECT display_name, given_name, family_name FROM contacts WHERE id = \(kept)")[0]
        let keys = ContactDraft.nameKeys(display: try names.decode("display_name"), given: try names.decode("given_name"),
                                         family: try names.decode("family_name"))
        try transaction.execute("""
            UPDATE contacts SET name_key = \(keys.key), name_skeleton = \(keys.skeleton), name_sound = \(keys.sound),
                   keys_version = \(NameKeys.version)
            WHERE id = \(kept) AND (name_key, name_skeleton, name_sound) IS DISTINCT FROM (\(keys.key), \(keys.skeleton), \(keys.sound))
            """)
        try transaction.audit("contact.merge", entity: "contacts", id: kept, details: ["merged": String(merged)])
        return summary
    }
}

/// Erases a person at their request: personal fields scrubbed for good, their email and
/// phone kept only as hashes on the suppression list (so no later import brings them back),
/// and their gifts kept without personal text so totals per campaign stay right.
public struct ContactEraser {
    public let transaction: AssociationTransaction

    public init(_ transaction: AssociationTransaction) {
        self.transaction = transaction
    }

    /// Tables whose old row versions hold the personal data until vacuumed.
    public static let touchedTables = ["contacts", "contact_emails", "contact_phones", "interactions", "consent_records", "contact_merges",
                                       "contact_relationships", "contact_tags"]

    public func erase(_ id: Int64) throws {
        try ContactStore(transaction).requireContact(id, allowDeleted: true)
        // The personal text of deleted and refunded interactions goes too.
        try InteractionStore(transaction).includeVoided()
        try transaction.execute("""
            INSERT INTO suppressed_identifiers (kind, identifier_hash, reason)
            SELECT 'email', sanad_identifier_hash(address_key), 'erased' FROM contact_emails WHERE contact_id = \(id)
            UNION
            SELECT 'phone', sanad_identifier_hash(e164), 'erased' FROM contact_phones WHERE contact_id = \(id) AND e164 IS NOT NULL
            ON CONFLICT (association_id, kind, identifier_hash) DO UPDATE SET reason = 'erased'
            """)
        for table in ["contact_emails", "contact_phones", "contact_roles", "contact_tags", "group_members", "consent_records",
                      "contact_suppressions"] {
            try transaction.execute("DELETE FROM \(identifier: table) WHERE contact_id = \(id)")
        }
        try transaction.execute("DELETE FROM contact_relationships WHERE contact_id = \(id) OR related_contact_id = \(id)")
        try transaction.execute("DELETE FROM duplicate_dismissals WHERE contact_a = \(id) OR contact_b = \(id)")
        // A merge's snapshot holds the person's data as it was: it goes, and the merge can no longer be undone.
        try transaction.execute("DELETE FROM contact_merges WHERE kept_id = \(id) OR merged_id = \(id)")
        try transaction.execute("""
            UPDATE interactions SET notes = NULL, conditions = NULL, channel = NULL, notes_key = NULL, conditions_key = NULL
            WHERE contact_id = \(id)
            """)
        for plugin in transaction.plugins.all {
            try plugin.contactErased(id, in: transaction)
        }
        try transaction.execute("""
            UPDATE contacts SET display_name = 'erased', given_name = NULL, family_name = NULL, name_key = '', name_skeleton = '', name_sound = '',
                   street = NULL, city = NULL, city_key = NULL, region = NULL, postal_code = NULL, country = NULL,
                   preferred_language = NULL, birth_date = NULL, gender = NULL, is_pep = false, pep_note = NULL, external_id = NULL,
                   custom_fields = '{}', erased_at = now(), deleted_at = coalesce(deleted_at, now())
            WHERE id = \(id)
            """)
        try transaction.audit("contact.erase", entity: "contacts", id: id)
    }
}

extension ContactEraser {
    /// Vacuums the tables an erasure touched, so the old row versions that still held the
    /// person's data are removed from the data files. Only the tables' owner may vacuum them,
    /// so this takes the owner's connection, outside any transaction.
    public static func vacuumAfterErasure(owner connection: Connection) throws {
        for table in touchedTables {
            try connection.execute("VACUUM \(identifier: table)")
        }
    }
}

/// Undoes a merge: both contacts, and every row of theirs the merge moved, rewrote or
/// dropped, as they stood just before it (the merge's snapshot); the interactions that were
/// the absorbed contact's go back to it. Interactions logged on the kept contact after the
/// merge stay with it; segments and audit findings follow at their next refresh and run.
public struct ContactUnmerger {
    public let transaction: AssociationTransaction

    public init(_ transaction: AssociationTransaction) {
        self.transaction = transaction
    }

    /// What `contact unmerge` did.
    public struct Summary: Sendable, Codable, Equatable {
        public var kept: Int64
        public var restored: Int64
        public var mergeID: Int64
        public var interactions: Int

        public init(kept: Int64, restored: Int64, mergeID: Int64, interactions: Int) {
            self.kept = kept
            self.restored = restored
            self.mergeID = mergeID
            self.interactions = interactions
        }

        enum CodingKeys: String, CodingKey { case kept, restored, mergeID = "merge_id", interactions }
    }

    /// The contact rows a merge touches, by table: (table, the columns naming a contact).
    static let contactTables: [(table: String, columns: [String])] = [
        ("contact_emails", ["contact_id"]), ("contact_phones", ["contact_id"]), ("contact_roles", ["contact_id"]),
        ("contact_tags", ["contact_id"]), ("group_members", ["contact_id"]),
        ("contact_relationships", ["contact_id", "related_contact_id"]), ("consent_records", ["contact_id"]),
        ("contact_suppressions", ["contact_id"]), ("duplicate_dismissals", ["contact_a", "contact_b"]),
    ]

    static func touching(_ columns: [String], _ kept: Int64, _ merged: Int64) -> SQL {
        SQL.joined(columns.map { "\(identifier: $0) IN (\(kept), \(merged))" }, separator: " OR ")
    }

    /// Keeps both contacts and their rows as they are now; returns the merge's id.
    static func snapshot(kept: Int64, merged: Int64, in transaction: AssociationTransaction) throws -> Int64 {
        var parts: [SQL] = ["""
            'contacts', (SELECT jsonb_agg(to_jsonb(c) ORDER BY c.id) FROM contacts c WHERE c.id IN (\(kept), \(merged))),
            'interactions', (SELECT coalesce(jsonb_agg(i.id ORDER BY i.id), '[]') FROM interactions i WHERE i.contact_id = \(merged))
            """]
        for (table, columns) in contactTables {
            parts.append("""
                \(table)::text, (SELECT coalesce(jsonb_agg(to_jsonb(t)), '[]') FROM \(identifier: table) t WHERE \(touching(columns, kept, merged)))
                """)
        }
        return try transaction.query("""
            INSERT INTO contact_merges (kept_id, merged_id, snapshot)
            VALUES (\(kept), \(merged), jsonb_build_object(\(SQL.joined(parts, separator: ", "))))
            RETURNING id
            """)[0].decode(Int64.self, at: 0)
    }

    /// Undoes the last merge that absorbed `absorbed`.
    public func unmerge(_ absorbed: Int64) throws -> Summary {
        try InteractionStore(transaction).includeVoided()
        guard let row = try transaction.query("""
            SELECT id, kept_id FROM contact_merges WHERE merged_id = \(absorbed) AND unmerged_at IS NULL ORDER BY id DESC LIMIT 1
            """).singleRow() else {
            throw SanadError.notFound("contact #\(absorbed) was not merged into another, or its merge was already undone",
                                      hint: "give the id of the contact that was absorbed (the merge printed it as merged)",
                                      remedy: .showContact(absorbed))
        }
        let (mergeID, kept) = try row.decode(Int64.self, Int64.self)
        if let later = try transaction.query("""
            SELECT merged_id FROM contact_merges
            WHERE unmerged_at IS NULL AND id > \(mergeID) AND (kept_id IN (\(kept), \(absorbed)) OR merged_id = \(kept))
            ORDER BY id DESC LIMIT 1
            """).singleRow() {
            let other = try later.decode(Int64.self, at: 0)
            throw SanadError.conflict("contact #\(kept) took part in a later merge (of #\(other)), which holds the state to go back to",
                                      hint: "undo that one first: contact unmerge \(other)")
        }
        let snapshot: SQL = "(SELECT snapshot FROM contact_merges WHERE id = \(mergeID))"
        for (table, columns) in Self.contactTables {
            try transaction.execute("DELETE FROM \(identifier: table) WHERE \(Self.touching(columns, kept, absorbed))")
            try transaction.execute("""
                INSERT INTO \(identifier: table) OVERRIDING SYSTEM VALUE
                SELECT * FROM jsonb_populate_recordset(NULL::\(identifier: table), \(snapshot) -> \(table))
                """)
        }
        let interactions = try transaction.execute("""
            UPDATE interactions SET contact_id = \(absorbed)
            WHERE contact_id = \(kept) AND id IN (SELECT jsonb_array_elements_text(\(snapshot) -> 'interactions')::bigint)
            """)
        // Both contact rows as they were, the kept one first: it holds the absorbed one's external id.
        let columns = try transaction.query("""
            SELECT attname::text FROM pg_attribute WHERE attrelid = 'contacts'::regclass AND attnum > 0 AND NOT attisdropped
              AND attname NOT IN ('association_id', 'id') ORDER BY attnum
            """).map { try $0.decode(String.self, at: 0) }
        let assignments = SQL.joined(columns.map { "\(identifier: $0) = s.\(identifier: $0)" }, separator: ", ")
        for id in [kept, absorbed] {
            try transaction.execute("""
                UPDATE contacts c SET \(assignments)
                FROM jsonb_populate_recordset(NULL::contacts, \(snapshot) -> 'contacts') s
                WHERE c.id = \(id) AND s.id = \(id)
                """)
        }
        try transaction.execute("UPDATE contact_merges SET unmerged_at = now(), unmerged_by = session_user WHERE id = \(mergeID)")
        try transaction.audit("contact.unmerge", entity: "contacts", id: kept, details: ["restored": String(absorbed), "merge": String(mergeID)])
        return Summary(kept: kept, restored: absorbed, mergeID: mergeID, interactions: interactions)
    }
}
