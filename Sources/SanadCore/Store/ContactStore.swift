internal import Foundation
public import Postgres

/// Contacts of one association: create, change, tag, relate, delete.
///
/// Every method runs inside the caller's ``AssociationTransaction``, so a command's writes
/// commit together or not at all, and row-level security keeps them in the association.
public struct ContactStore {
    public let transaction: AssociationTransaction

    public init(_ transaction: AssociationTransaction) {
        self.transaction = transaction
    }

    var association: Association { transaction.association }

    // MARK: Creating

    /// Stores a new contact with its emails, phones, roles and tags.
    ///
    /// - Returns: the new contact's id.
    /// - Throws: ``SanadError`` when the external id is already used.
    @discardableResult
    public func create(_ draft: ContactDraft) throws -> Int64 {
        let id: Int64
        do {
            id = try transaction.query("""
                INSERT INTO contacts (kind, display_name, given_name, family_name, name_key, name_skeleton, name_sound, keys_version,
                                      street, city, city_key, region, postal_code, country, preferred_language, birth_date, gender,
                                      source_channel, is_pep, pep_note, external_id, custom_fields)
                VALUES (\(draft.kind.rawValue), \(draft.displayName), \(draft.givenName), \(draft.familyName), \(draft.nameKey),
                        \(draft.nameSkeleton), \(draft.nameSound), \(NameKeys.version), \(draft.street), \(draft.city), \(draft.cityKey), \(draft.region),
                        \(draft.postalCode), \(draft.country), \(draft.language), \(draft.birthDate), \(draft.gender?.rawValue), \(draft.source.rawValue),
                        \(draft.isPEP), \(draft.pepNote), \(draft.externalID), \(JSONB(draft.customFields)))
                RETURNING id
                """)[0].decode(Int64.self, at: 0)
        } catch let error as PostgresError where error.constraint == "contacts_external_id_unique" {
            throw SanadError.conflict("external id \"\(draft.externalID ?? "")\" already belongs to another contact",
                                      hint: "find it", remedy: .searchContacts(text: draft.externalID), field: "external_id")
        }
        try addEmails(draft.emails, to: id)
        try addPhones(draft.phones, to: id)
        try addRoles(draft.roles, to: id)
        try addTags(draft.tags, to: id)
        return id
    }

    /// Adds addresses the contact does not have yet; the first becomes primary when the
    /// contact has none.
    public func addEmails(_ emails: [EmailAddress], to id: Int64) throws {
        guard !emails.isEmpty else { return }
        try transaction.execute("""
            INSERT INTO contact_emails (contact_id, address, address_key, is_primary)
            SELECT \(id), address, address_key,
                   position = 1 AND NOT EXISTS (SELECT 1 FROM contact_emails WHERE contact_id = \(id) AND is_primary)
            FROM unnest(\(emails.map(\.address))::text[], \(emails.map(\.key))::text[]) WITH ORDINALITY AS e(address, address_key, position)
            ON CONFLICT (association_id, contact_id, address_key) DO NOTHING
            """)
    }

    /// Adds phones the contact does not have yet; the first becomes primary when the
    /// contact has none.
    public func addPhones(_ phones: [PhoneEntry], to id: Int64) throws {
        guard !phones.isEmpty else { return }
        try transaction.execute("""
            INSERT INTO contact_phones (contact_id, raw, e164, digits, problem, kind, is_primary)
            SELECT \(id), raw, e164, digits, problem, kind,
                   position = 1 AND NOT EXISTS (SELECT 1 FROM contact_phones WHERE contact_id = \(id) AND is_primary)
            FROM unnest(\(phones.map(\.raw))::text[], \(phones.map(\.e164))::text[], \(phones.map(\.digits))::text[],
                        \(phones.map(\.problem))::text[], \(phones.map(\.kind.rawValue))::text[])
                 WITH ORDINALITY AS p(raw, e164, digits, problem, kind, position)
            ON CONFLICT (association_id, contact_id, coalesce(e164, digits)) DO NOTHING
            """)
    }

    /// Gives roles; a role already held gets the new dates.
    public func addRoles(_ roles: [RoleAssignment], to id: Int64) throws {
        guard !roles.isEmpty else { return }
        do {
            try transaction.execute("""
                INSERT INTO contact_roles (contact_id, role, since, until)
                SELECT \(id), role, since, until
                FROM unnest(\(roles.map(\.role.rawValue))::text[], \(roles.map(\.since))::date[], \(roles.map(\.until))::date[]) AS r(role, since, until)
                ON CONFLICT (association_id, contact_id, role)
                DO UPDATE SET since = coalesce(excluded.since, contact_roles.since), until = excluded.until
                """)
        } catch let error as PostgresError where error.constraint == "contact_roles_period" {
            throw SanadError.invalid("a role cannot end before it starts", hint: "check --since and --until", field: "role")
        }
    }

    /// Tags the contact, creating tags that do not exist yet.
    public func addTags(_ tags: [String], to id: Int64) throws {
        guard !tags.isEmpty else { return }
        let keys = tags.map(NameKeys.normalized)
        try transaction.execute("""
            INSERT INTO tags (name, name_key)
            SELECT name, name_key FROM unnest(\(tags)::text[], \(keys)::text[]) AS t(name, name_key)
            ON CONFLICT (association_id, name_key) DO NOTHING
            """)
        try transaction.execute("""
            INSERT INTO contact_tags (contact_id, tag_id)
            SELECT \(id), id FROM tags WHERE name_key = ANY(\(keys))
            ON CONFLICT DO NOTHING
            """)
    }

    // MARK: Changing

    /// The contact's stored fields as an editable input; with `lock`, the row stays locked
    /// until the transaction ends, so a concurrent edit waits and then sees this one.
    public func input(for id: Int64, lock: Bool = false) throws -> ContactInput {
        try requireContact(id)
        let row = try transaction.query("""
            SELECT kind, display_name, given_name, family_name, street, city, region, postal_code, country,
                   preferred_language, birth_date::text AS birth_date, gender, source_channel, is_pep, pep_note, external_id
            FROM contacts WHERE id = \(id) \(lock ? "FOR UPDATE" : "" as SQL)
            """)[0]
        var input = ContactInput()
        input.kind = try row.decode("kind")
        input.displayName = try row.decode("display_name")
        input.givenName = try row.decode("given_name")
        input.familyName = try row.decode("family_name")
        input.street = try row.decode("street")
        input.city = try row.decode("city")
        input.region = try row.decode("region")
        input.postalCode = try row.decode("postal_code")
        input.country = try row.decode("country")
        input.language = try row.decode("preferred_language")
        input.birthDate = try row.decode("birth_date")
        input.gender = try row.decode("gender")
        input.source = try row.decode("source_channel")
        input.isPEP = try row.decode("is_pep")
        input.pepNote = try row.decode("pep_note")
        input.externalID = try row.decode("external_id")
        return input
    }

    /// Changes a contact's own fields: `edit` changes the stored values, the result is
    /// checked as a whole, and only what differs is written (and audited).
    ///
    /// - Returns: warnings worth telling (a phone kept unread).
    @discardableResult
    public func updateFields(_ id: Int64, _ edit: (inout ContactInput) throws -> Void) throws -> [String] {
        // Read-modify-write of every field: without the lock, two people changing different
        // fields at once would each write back the other's old value.
        var input = try input(for: id, lock: true)
        try edit(&input)
        let draft = try input.validated(for: association)
        do {
            try transaction.execute("""
                UPDATE contacts SET kind = \(draft.kind.rawValue), display_name = \(draft.displayName),
                    given_name = \(draft.givenName), family_name = \(draft.familyName), name_key = \(draft.nameKey),
                    name_skeleton = \(draft.nameSkeleton), name_sound = \(draft.nameSound), keys_version = \(NameKeys.version),
                    street = \(draft.street),
                    city = \(draft.city), city_key = \(draft.cityKey), region = \(draft.region), postal_code = \(draft.postalCode),
                    country = \(draft.country), preferred_language = \(draft.language), birth_date = \(draft.birthDate), gender = \(draft.gender?.rawValue),
                    source_channel = \(draft.source.rawValue), is_pep = \(draft.isPEP), pep_note = \(draft.pepNote),
                    external_id = \(draft.externalID)
                WHERE id = \(id)
                  AND (kind, display_name, given_name, family_name, street, city, region, postal_code, country,
                       preferred_language, birth_date, gender, source_channel, is_pep, pep_note, external_id)
                      IS DISTINCT FROM
                      (\(draft.kind.rawValue), \(draft.displayName), \(draft.givenName), \(draft.familyName), \(draft.street),
                       \(draft.city), \(draft.region), \(draft.postalCode), \(draft.country), \(draft.language), \(draft.birthDate)::date,
                       \(draft.gender?.rawValue), \(draft.source.rawValue), \(draft.isPEP), \(draft.pepNote), \(draft.externalID))
                """)
        } catch let error as PostgresError where error.constraint == "contacts_external_id_unique" {
            throw SanadError.conflict("external id \"\(draft.externalID ?? "")\" already belongs to another contact",
                                      hint: "choose another, or clear it on the other contact first", field: "external_id")
        }
        return draft.warnings
    }

    public func removeEmail(_ address: EmailAddress, from id: Int64) throws {
        let removed = try transaction.execute("DELETE FROM contact_emails WHERE contact_id = \(id) AND address_key = \(address.key)")
        guard removed > 0 else {
            throw SanadError.notFound("contact #\(id) has no email \(address.address)", hint: "see its emails", remedy: .showContact(id))
        }
        try promoteFirstIfNoPrimary(table: "contact_emails", contact: id)
    }

    public func setPrimaryEmail(_ address: EmailAddress, of id: Int64) throws {
        let exists = try transaction.query("SELECT 1 FROM contact_emails WHERE contact_id = \(id) AND address_key = \(address.key)").count > 0
        guard exists else {
            throw SanadError.notFound("contact #\(id) has no email \(address.address)", hint: "add it with --add-email first")
        }
        try transaction.execute("UPDATE contact_emails SET is_primary = false WHERE contact_id = \(id) AND is_primary AND address_key <> \(address.key)")
        try transaction.execute("UPDATE contact_emails SET is_primary = true WHERE contact_id = \(id) AND address_key = \(address.key) AND NOT is_primary")
    }

    public func removePhone(_ phone: PhoneEntry, from id: Int64) throws {
        let removed = try transaction.execute("""
            DELETE FROM contact_phones WHERE contact_id = \(id) AND coalesce(e164, digits) = \(phone.e164 ?? phone.digits)
            """)
        guard removed > 0 else {
            throw SanadError.notFound("contact #\(id) has no phone \(phone.raw)", hint: "see its phones", remedy: .showContact(id))
        }
        try promoteFirstIfNoPrimary(table: "contact_phones", contact: id)
    }

    public func removeRole(_ role: ContactRole, from id: Int64) throws {
        let removed = try transaction.execute("DELETE FROM contact_roles WHERE contact_id = \(id) AND role = \(role.rawValue)")
        guard removed > 0 else {
            throw SanadError.notFound("contact #\(id) does not have the role \(role.label)", hint: "see its roles", remedy: .showContact(id))
        }
    }

    public func removeTags(_ tags: [String], from id: Int64) throws {
        try transaction.execute("""
            DELETE FROM contact_tags WHERE contact_id = \(id)
              AND tag_id IN (SELECT id FROM tags WHERE name_key = ANY(\(tags.map(NameKeys.normalized))))
            """)
    }

    private func promoteFirstIfNoPrimary(table: String, contact id: Int64) throws {
        try transaction.execute("""
            UPDATE \(identifier: table) SET is_primary = true
            WHERE id = (SELECT id FROM \(identifier: table) WHERE contact_id = \(id) ORDER BY id LIMIT 1)
              AND NOT EXISTS (SELECT 1 FROM \(identifier: table) WHERE contact_id = \(id) AND is_primary)
            """)
    }

    /// Records a relationship: `id` (kind) `other`.
    public func relate(_ id: Int64, _ kind: RelationshipKind, _ other: Int64, since: CalendarDate?, until: CalendarDate?,
                       note: String?) throws {
        guard id != other else {
            throw SanadError.invalid("a contact cannot be related to itself", hint: "give two different contact ids")
        }
        try requireContact(id)
        try requireContact(other)
        if let since, let until, until < since {
            throw SanadError.invalid("the relationship cannot end (\(until)) before it starts (\(since))", hint: "check --since and --until")
        }
        do {
            try transaction.execute("""
                INSERT INTO contact_relationships (contact_id, related_contact_id, kind, since, until, note)
                VALUES (\(id), \(other), \(kind.rawValue), \(since), \(until), \(note))
                """)
        } catch let error as PostgresError where error.constraint == "contact_relationships_once" {
            throw SanadError.conflict("contact #\(id) already \(kind.phrase) #\(other)", hint: "remove it first with --remove to change it")
        }
    }

    public func unrelate(_ id: Int64, _ kind: RelationshipKind, _ other: Int64) throws {
        let removed = try transaction.execute("""
            DELETE FROM contact_relationships WHERE contact_id = \(id) AND related_contact_id = \(other) AND kind = \(kind.rawValue)
            """)
        guard removed > 0 else {
            throw SanadError.notFound("contact #\(id) has no such relationship with #\(other)", hint: "see them", remedy: .showContact(id))
        }
    }

    /// Soft deletion: the contact disappears from lists and exports but keeps its history.
    public func delete(_ id: Int64) throws {
        try requireContact(id, allowDeleted: true)
        try transaction.execute("UPDATE contacts SET deleted_at = now() WHERE id = \(id) AND deleted_at IS NULL")
    }

    public func restore(_ id: Int64) throws {
        try requireContact(id, allowDeleted: true)
        try transaction.execute("UPDATE contacts SET deleted_at = NULL WHERE id = \(id) AND deleted_at IS NOT NULL")
    }

    /// Fails unless the contact exists (and, unless allowed, is neither deleted nor erased).
    public func requireContact(_ id: Int64, allowDeleted: Bool = false) throws {
        let row = try transaction.query("SELECT deleted_at IS NOT NULL, erased_at IS NOT NULL, merged_into_id FROM contacts WHERE id = \(id)").singleRow()
        guard let row else {
            throw SanadError.notFound("there is no contact #\(id) in \(association.slug)",
                                      hint: "find contacts", remedy: .searchContacts(text: nil))
        }
        let (deleted, erased, mergedInto) = try row.decode(Bool.self, Bool.self, Int64?.self)
        if erased {
            throw SanadError.notFound("contact #\(id) was erased", hint: "erased contacts cannot be changed")
        }
        if let mergedInto, !allowDeleted {
            throw SanadError.notFound("contact #\(id) was merged into #\(mergedInto)", hint: "use contact #\(mergedInto)")
        }
        if deleted && !allowDeleted {
            throw SanadError.notFound("contact #\(id) is deleted", hint: "restore it", remedy: .restoreContact(id))
        }
    }
}
