internal import Foundation
internal import Postgres

/// How a loaded interaction names its contact: any of these, tried in this order.
public struct ContactReference: Sendable, Hashable {
    public var externalID: String?
    public var emailKey: String?
    public var e164: String?

    public init(externalID: String? = nil, emailKey: String? = nil, e164: String? = nil) {
        self.externalID = externalID
        self.emailKey = emailKey
        self.e164 = e164
    }

    public var isEmpty: Bool { externalID == nil && emailKey == nil && e164 == nil }
}

/// Loads many interactions at once, matched to contacts by external id, then email, then
/// E.164 phone, and to campaigns by slug. Each row carries an import key, so loading the
/// same rows again adds nothing.
public struct InteractionBulkLoader {
    public struct Summary: Sendable, Equatable {
        public var inserted = 0
        public var alreadyPresent = 0
        public var refused: [ContactBulkLoader.Refusal] = []

        public init() {}
    }

    public let transaction: AssociationTransaction

    public init(_ transaction: AssociationTransaction) {
        self.transaction = transaction
    }

    public func load(_ produce: (InteractionStagingWriter) throws -> Void) throws -> Summary {
        try transaction.beginBulkChange()
        try transaction.execute("""
            CREATE TEMP TABLE interaction_staging (
                line bigint PRIMARY KEY, import_key text, fingerprint text, contact_external_id text, contact_email_key text,
                contact_e164 text, type text, occurred_at timestamptz, channel text, campaign_slug text, event_id bigint,
                notes text, amount numeric, currency text, is_restricted boolean, conditions text, is_anonymous boolean,
                hours numeric, conditions_key text, notes_key text, contact_id bigint, campaign_id bigint, refused_field text, refused text
            ) ON COMMIT DROP
            """)
        try transaction.copyIn("""
            COPY interaction_staging (line, import_key, fingerprint, contact_external_id, contact_email_key, contact_e164, type, occurred_at,
                channel, campaign_slug, event_id, notes, amount, currency, is_restricted, conditions, is_anonymous, hours,
                conditions_key, notes_key) FROM STDIN
            """) { writer in
            try produce(InteractionStagingWriter(writer: writer))
        }
        try transaction.execute("ANALYZE interaction_staging (line, contact_external_id, contact_email_key, contact_e164, campaign_slug)")
        // Rows without an id of their own get one from their content and how many identical
        // rows came before them in the file: the same file gives the same keys every time.
        try transaction.execute("""
            UPDATE interaction_staging s SET import_key = 'row:' || encode(sha256(convert_to(s.fingerprint || '#' || d.occurrence, 'UTF8')), 'hex')
            FROM (SELECT line, row_number() OVER (PARTITION BY fingerprint ORDER BY line) AS occurrence
                  FROM interaction_staging WHERE import_key IS NULL) d
            WHERE s.line = d.line
            """)
        try transaction.execute("""
            UPDATE interaction_staging s SET contact_id = coalesce(c.merged_into_id, c.id)
            FROM contacts c WHERE s.contact_external_id IS NOT NULL AND c.external_id = s.contact_external_id AND c.erased_at IS NULL
            """)
        // Rows still without a contact are matched by email, then by phone, but only when some
        // such row carries one: in the same transaction as a bulk load of contacts, the new
        // association's emails and phones have no statistics yet, and the planner, counting on
        // one row, would scan the staging table once per email (5,000 contacts: 10 s).
        func remaining(_ key: SQL) throws -> Bool {
            try transaction.query("SELECT EXISTS (SELECT 1 FROM interaction_staging WHERE contact_id IS NULL AND \(key) IS NOT NULL)")[0]
                .decode(Bool.self, at: 0)
        }
        if try remaining("contact_email_key") {
            try transaction.execute("""
                UPDATE interaction_staging s SET contact_id = m.contact_id
                FROM (SELECT s2.line, min(e.contact_id) AS contact_id FROM interaction_staging s2
                      JOIN contact_emails e ON e.address_key = s2.contact_email_key
                      JOIN contacts c ON c.id = e.contact_id AND c.deleted_at IS NULL AND c.erased_at IS NULL
                      WHERE s2.contact_id IS NULL AND s2.contact_email_key IS NOT NULL GROUP BY s2.line) m
                WHERE s.line = m.line
                """)
        }
        if try remaining("contact_e164") {
            try transaction.execute("""
                UPDATE interaction_staging s SET contact_id = m.contact_id
                FROM (SELECT s2.line, min(p.contact_id) AS contact_id FROM interaction_staging s2
                      JOIN contact_phones p ON p.e164 = s2.contact_e164
                      JOIN contacts c ON c.id = p.contact_id AND c.deleted_at IS NULL AND c.erased_at IS NULL
                      WHERE s2.contact_id IS NULL AND s2.contact_e164 IS NOT NULL GROUP BY s2.line) m
                WHERE s.line = m.line
                """)
        }
        try transaction.execute("""
            UPDATE interaction_staging s SET campaign_id = c.id FROM campaigns c WHERE c.slug = s.campaign_slug
            """)
        try transaction.execute("""
            UPDATE interaction_staging s SET refused_field = 'contact', refused = 'no contact matches its external id, email or phone'
            WHERE contact_id IS NULL
            """)
        try transaction.execute("""
            UPDATE interaction_staging s SET refused_field = 'campaign', refused = 'there is no campaign "' || campaign_slug || '"'
            WHERE refused IS NULL AND campaign_slug IS NOT NULL AND campaign_id IS NULL
            """)
        try transaction.execute("""
            UPDATE interaction_staging s SET refused_field = 'event', refused = 'there is no event #' || event_id
            WHERE refused IS NULL AND event_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM events e WHERE e.id = s.event_id)
            """)
        var summary = Summary()
        summary.refused = try transaction.query("""
            SELECT line, refused_field, refused FROM interaction_staging WHERE refused IS NOT NULL ORDER BY line
            """).map { row in
            ContactBulkLoader.Refusal(line: try row.decode("line"), field: try row.decode("refused_field"), reason: try row.decode("refused"))
        }
        summary.inserted = try transaction.execute("""
            INSERT INTO interactions (contact_id, type, occurred_at, channel, campaign_id, event_id, notes, amount, currency,
                                      is_restricted, conditions, is_anonymous, hours, import_key, conditions_key, notes_key, keys_version)
            SELECT contact_id, type, occurred_at, channel, campaign_id, event_id, notes, amount, currency, is_restricted,
                   conditions, is_anonymous, hours, import_key, conditions_key, notes_key, \(NameKeys.version)
            FROM interaction_staging WHERE refused IS NULL ORDER BY line
            ON CONFLICT (association_id, import_key) WHERE import_key IS NOT NULL DO NOTHING
            """)
        let accepted = try transaction.query("SELECT count(*) FROM interaction_staging WHERE refused IS NULL")[0].decode(Int.self, at: 0)
        summary.alreadyPresent = accepted - summary.inserted
        return summary
    }
}

/// Writes checked interactions into the staging COPY stream.
public struct InteractionStagingWriter {
    let writer: CopyInWriter

    /// Stages one interaction. `importKey` identifies the row across imports (the same row
    /// loaded twice has the same key); without one, `fingerprint` (the row's content) does.
    public func add(line: Int, importKey: String?, fingerprint: String? = nil, contact: ContactReference, _ draft: InteractionDraft) throws {
        func flag(_ value: Bool?) -> String? { value.map { $0 ? "t" : "f" } }
        try writer.writeRow([
            String(line), importKey, fingerprint ?? importKey, contact.externalID, contact.emailKey, contact.e164, draft.type.rawValue,
            JSONText.isoTimestamp(draft.occurredAt), draft.channel, draft.campaignSlug, draft.eventID.map(String.init),
            draft.notes, draft.amount?.description, draft.currency, flag(draft.isRestricted), draft.conditions,
            flag(draft.isAnonymous), draft.hours?.description, draft.conditionsKey, draft.notesKey,
        ])
    }
}
