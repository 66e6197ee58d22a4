public import Foundation
internal import Postgres
public import SanadCore

/// A rule as given: the language, or its JSON form (text starting with `{`).
public enum RuleSource: Sendable {
    case text(String)
    case json(String)

    /// Reads `text` as JSON when it starts with `{`, else as the rule language.
    public init(_ text: String) {
        self = text.trimmed.hasPrefix("{") ? .json(text) : .text(text)
    }

    /// The parsed rule and its canonical text.
    ///
    /// - Throws: ``SanadError`` carrying the positioned ``RuleError``.
    func parsed() throws -> (rule: Rule, text: String) {
        switch self {
        case .text(let text):
            do {
                return (try RuleParser.parse(text), text.trimmed)
            } catch {
                throw SanadError.invalid("the rule has a problem at \(error.description)",
                                         hint: "see the rule language in Plugins/Segmentation/README.md", remedy: .plugin(id: "segmentation", action: "help", subject: nil))
            }
        case .json(let text):
            do {
                let rule = try JSONDecoder().decode(Rule.self, from: Data(text.utf8))
                // A JSON rule passes the same checks as a written one: it is written out and read back.
                let written = RuleWriter.text(of: rule)
                return (try RuleParser.parse(written), written)
            } catch let error as RuleError {
                throw SanadError.invalid("the JSON rule has a problem: \(error.message)", hint: "check the values in the JSON")
            } catch {
                throw SanadError.invalid("the JSON rule is not valid: \(error)", hint: "see the JSON form in Plugins/Segmentation/README.md")
            }
        }
    }
}

/// One segment as listed.
public struct SegmentSummary: Sendable, Codable, Equatable {
    public var id: Int64
    public var slug: String
    /// dynamic or static.
    public var kind: String
    public var description: String?
    public var rule: String?
    public var memberCount: Int64
    public var refreshedAt: Date?
    public var refreshMilliseconds: Int64?
    /// The cron expression that refreshes it.
    public var schedule: String?

    // The id is internal to the database; people name segments by slug.
    enum CodingKeys: String, CodingKey {
        case slug, kind, description, rule, memberCount = "members", refreshedAt = "refreshed_at",
             refreshMilliseconds = "refresh_ms", schedule
    }

    enum ColumnKeys: String, CodingKey { case id }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try decoder.container(keyedBy: ColumnKeys.self).decodeIfPresent(Int64.self, forKey: .id) ?? 0
        slug = try container.decode(String.self, forKey: .slug)
        kind = try container.decode(String.self, forKey: .kind)
        description = try container.decodeIfPresent(String.self, forKey: .description)
        rule = try container.decodeIfPresent(String.self, forKey: .rule)
        memberCount = try container.decode(Int64.self, forKey: .memberCount)
        refreshedAt = try container.decodeIfPresent(Date.self, forKey: .refreshedAt)
        refreshMilliseconds = try container.decodeIfPresent(Int64.self, forKey: .refreshMilliseconds)
        schedule = try container.decodeIfPresent(String.self, forKey: .schedule)
    }

    static let columns: SQL = """
        s.id, s.slug, s.kind, s.description, s.rule_text AS rule, s.member_count AS members, s.refreshed_at, s.refresh_ms,
        sc.cron AS schedule
        """
}

/// What a rule would select now: how many, a sample, and gifts its sums could not convert.
public struct SegmentPreview: Sendable, Codable, Equatable {
    public var count: Int
    public var sample: [ContactSummary]
    /// Printed as a warning, not as part of the preview.
    public var unconverted: [UnconvertedGifts] = []

    enum CodingKeys: String, CodingKey { case count, sample }
}

/// One refresh of a segment: who or what started it and what changed.
public struct SegmentRefresh: Sendable, Codable, Equatable {
    public var at: Date
    /// manual, schedule, job or edit.
    public var trigger: String
    public var actor: String
    public var members: Int64
    public var joined: Int64
    public var left: Int64
    public var durationMS: Int64

    enum CodingKeys: String, CodingKey { case at, trigger, actor, members, joined, left, durationMS = "duration_ms" }
}

/// One contact joining or leaving a segment at a refresh.
public struct SegmentChange: Sendable, Codable, Equatable {
    public var at: Date
    /// joined or left.
    public var change: String
    public var contactID: Int64
    public var name: String

    enum CodingKeys: String, CodingKey { case at, change, contactID = "contact_id", name }
}

/// Segments of one association: saving rules, refreshing members atomically, history.
public struct SegmentStore {
    public let transaction: AssociationTransaction

    public init(_ transaction: AssociationTransaction) {
        self.transaction = transaction
    }

    var compiler: RuleCompiler {
        RuleCompiler(transaction: transaction) { slug in try self.id(of: slug) }
    }

    func id(of slug: String) throws -> Int64 {
        if let row = try transaction.query("SELECT id FROM segments WHERE slug = \(slug.lowercased())").singleRow() {
            return try row.decode(Int64.self, at: 0)
        }
        let known = try transaction.query("SELECT slug FROM segments ORDER BY slug").map { try $0.decode(String.self, at: 0) }
        var hint = known.isEmpty ? "create one with: sanad segment create SLUG --rule '...'" : "segments: \(known.joined(separator: ", "))"
        if let guess = Suggestion.closest(to: slug, among: known) { hint = "did you mean \(guess)? " + hint }
        throw SanadError.notFound("there is no segment \"\(slug)\"", hint: hint)
    }

    /// The members of a rule's set, checked and compiled (nothing saved).
    func memberQuery(_ rule: Rule) throws -> SQL {
        "SELECT c.id FROM contacts c WHERE \(ContactEligibility.live) AND \(try compiler.predicate(rule))"
    }

    /// How many contacts a rule selects now, a sample of them, and the gifts its sums could
    /// not convert.
    public func preview(_ source: RuleSource, sample: Int) throws -> SegmentPreview {
        let (rule, _) = try source.parsed()
        let members = try memberQuery(rule)
        try Self.allowLargeSets(transaction)
        let count = try transaction.query("SELECT count(*) FROM (\(members)) m")[0].decode(Int.self, at: 0)
        return SegmentPreview(count: count, sample: try ContactStore(transaction).summaries(of: members, limit: sample),
                              unconverted: try unconverted(rule))
    }

    /// Gifts a rule's sums (and RFM) leave out because their currency has no rate for their
    /// day, by currency; the same gift counted once however many conditions sum it.
    func unconverted(_ rule: Rule) throws -> [UnconvertedGifts] {
        var byCurrency: [String: UnconvertedGifts] = [:]
        var seen = Set<String>()
        for (currency, source) in try compiler.moneySources(rule) where seen.insert(currency + source.description).inserted {
            for left in try UnconvertedGifts.find(in: transaction, target: currency, from: source) {
                let previous = byCurrency[left.currency]
                byCurrency[left.currency] = UnconvertedGifts(currency: left.currency, gifts: max(previous?.gifts ?? 0, left.gifts),
                                                             amount: max(previous?.amount ?? 0, left.amount))
            }
        }
        return byCurrency.values.sorted { $0.currency < $1.currency }
    }

    /// Saves a segment (dynamic with a rule, or static) and, for a dynamic one, fills it.
    @discardableResult
    public func create(_ slug: String, rule source: RuleSource?, description: String?, cron: String?) throws -> Int64 {
        let slug = try InputValues.slug(slug, field: "segment slug")
        var ruleText: String?
        var ruleJSON: String?
        var references: Set<String> = []
        if let source {
            let (rule, text) = try source.parsed()
            _ = try memberQuery(rule)  // compiles now: unknown segments and campaigns are refused before saving
            ruleText = text
            ruleJSON = String(decoding: try JSONEncoder().encode(rule), as: UTF8.self)
            references = rule.referencedSegments
            guard !references.contains(slug) else {
                throw SanadError.invalid("segment \(slug) cannot contain itself", hint: "remove 'in segment \(slug)' from its rule")
            }
        }
        let id: Int64
        do {
            id = try transaction.query("""
                INSERT INTO segments (slug, kind, description, rule_text, rule_json)
                VALUES (\(slug), \(source == nil ? "static" : "dynamic"), \(try TextRules.cleanedText(description, field: "description")),
                        \(ruleText), \(ruleJSON)::jsonb)
                RETURNING id
                """)[0].decode(Int64.self, at: 0)
        } catch let error as PostgresError where error.constraint == "segments_slug_unique" {
            throw SanadError.conflict("a segment \"\(slug)\" already exists", hint: "change it", remedy: .plugin(id: "segmentation", action: "edit", subject: slug))
        }
        if let cron { try schedule(slug, cron: cron) }
        if source != nil { try refresh(slug, trigger: "create") }
        return id
    }

    /// Changes a segment's rule, description or schedule; a changed rule refreshes it.
    public func edit(_ slug: String, rule source: RuleSource?, description: String?, cron: String?, removeSchedule: Bool) throws {
        let segment = try summary(slug)
        if let source {
            guard segment.kind == "dynamic" else {
                throw SanadError.invalid("\(slug) is a static segment: its members are picked by hand", hint: "pick its members", remedy: .plugin(id: "segmentation", action: "include", subject: slug))
            }
            let (rule, text) = try source.parsed()
            _ = try memberQuery(rule)
            if try dependsOn(rule, reaching: segment.slug) {
                throw SanadError.invalid("this rule would make segment \(slug) depend on itself (through the segments it names)",
                                         hint: "remove the 'in segment' that leads back to \(slug)")
            }
            try transaction.execute("""
                UPDATE segments SET rule_text = \(text), rule_json = \(String(decoding: try JSONEncoder().encode(rule), as: UTF8.self))::jsonb
                WHERE id = \(segment.id)
                """)
        }
        if let description {
            try transaction.execute("UPDATE segments SET description = \(try TextRules.cleanedText(description, field: "description")) WHERE id = \(segment.id)")
        }
        if removeSchedule {
            try transaction.execute("DELETE FROM schedules WHERE id = (SELECT schedule_id FROM segments WHERE id = \(segment.id))")
        }
        if let cron {
            try transaction.execute("DELETE FROM schedules WHERE id = (SELECT schedule_id FROM segments WHERE id = \(segment.id))")
            try schedule(slug, cron: cron)
        }
        if source != nil { try refresh(slug, trigger: "edit") }
    }

    /// Whether `rule`, following the segments it names, leads back to `slug`.
    func dependsOn(_ rule: Rule, reaching slug: String) throws -> Bool {
        var seen: Set<String> = []
        var pending = Array(rule.referencedSegments)
        while let next = pending.popLast() {
            if next == slug { return true }
            guard seen.insert(next).inserted else { continue }
            if let row = try transaction.query("SELECT rule_json::text FROM segments WHERE slug = \(next)").singleRow(),
               let json = try row.decode(String?.self, at: 0) {
                pending += try JSONDecoder().decode(Rule.self, from: Data(json.utf8)).referencedSegments
            }
        }
        return false
    }

    private func schedule(_ slug: String, cron: String) throws {
        let scheduleID = try JobStore(transaction).addSchedule("segmentation.refresh", cron: cron, parameters: ["segment": slug]).id
        try transaction.execute("UPDATE segments SET schedule_id = \(scheduleID) WHERE slug = \(slug)")
    }

    public func delete(_ slug: String) throws {
        let segment = try summary(slug)
        let dependents = try transaction.query("""
            SELECT slug FROM segments WHERE id <> \(segment.id) AND rule_text IS NOT NULL
            """).map { try $0.decode(String.self, at: 0) }.filter { other in
            guard let row = try transaction.query("SELECT rule_json::text FROM segments WHERE slug = \(other)").singleRow(),
                  let json = try row.decode(String?.self, at: 0) else { return false }
            return try JSONDecoder().decode(Rule.self, from: Data(json.utf8)).referencedSegments.contains(segment.slug)
        }
        guard dependents.isEmpty else {
            throw SanadError.conflict("segments \(dependents.joined(separator: ", ")) use \(slug) in their rules",
                                      hint: "change their rules first")
        }
        try transaction.execute("DELETE FROM schedules WHERE id = (SELECT schedule_id FROM segments WHERE id = \(segment.id))")
        try transaction.execute("DELETE FROM segments WHERE id = \(segment.id)")
    }

    // MARK: Refreshing

    public struct RefreshResult: Sendable {
        public var slug: String
        public var members: Int
        public var joined: Int
        public var left: Int
        public var milliseconds: Int
        /// Gifts the rule's sums left out for want of an exchange rate.
        public var unconverted: [UnconvertedGifts] = []
    }

    /// Computes the new members with one statement and swaps them in, recording who joined
    /// and who left. Readers see the old members or the new ones, never a mix (it is one
    /// transaction); two refreshes of one segment never run at once (advisory lock).
    @discardableResult
    public func refresh(_ slug: String, trigger: String) throws -> RefreshResult {
        let segment = try summary(slug)
        guard segment.kind == "dynamic", let json = try transaction.query("SELECT rule_json::text FROM segments WHERE id = \(segment.id)")[0]
            .decode(String?.self, at: 0) else {
            throw SanadError.invalid("\(slug) is a static segment: there is nothing to refresh", hint: "its members are picked by hand")
        }
        guard try transaction.tryLock("segment:\(segment.id)") else {
            throw SanadError.conflict("segment \(slug) is being refreshed by someone else right now", hint: "try again in a moment")
        }
        let started = DispatchTime.now()
        let rule = try JSONDecoder().decode(Rule.self, from: Data(json.utf8))
        let members = try memberQuery(rule)
        try Self.allowLargeSets(transaction)
        try transaction.execute("DROP TABLE IF EXISTS segment_new_members")
        try transaction.execute("CREATE TEMP TABLE segment_new_members ON COMMIT DROP AS \(members)")
        try transaction.execute("ALTER TABLE segment_new_members ADD PRIMARY KEY (id)")
        try transaction.execute("ANALYZE segment_new_members")
        let refreshID = try transaction.query("""
            INSERT INTO segment_refreshes (segment_id, duration_ms, member_count, joined, "left", trigger)
            VALUES (\(segment.id), 0, 0, 0, 0, \(trigger)) RETURNING id
            """)[0].decode(Int64.self, at: 0)
        let joined = try transaction.execute("""
            INSERT INTO segment_changes (refresh_id, segment_id, contact_id, change)
            SELECT \(refreshID), \(segment.id), n.id, 'joined' FROM segment_new_members n
            WHERE NOT EXISTS (SELECT 1 FROM segment_members m WHERE m.segment_id = \(segment.id) AND m.contact_id = n.id)
            """)
        let left = try transaction.execute("""
            INSERT INTO segment_changes (refresh_id, segment_id, contact_id, change)
            SELECT \(refreshID), \(segment.id), m.contact_id, 'left' FROM segment_members m
            WHERE m.segment_id = \(segment.id) AND NOT EXISTS (SELECT 1 FROM segment_new_members n WHERE n.id = m.contact_id)
            """)
        try transaction.execute("""
            DELETE FROM segment_members m WHERE m.segment_id = \(segment.id)
              AND NOT EXISTS (SELECT 1 FROM segment_new_members n WHERE n.id = m.contact_id)
            """)
        try transaction.execute("""
            INSERT INTO segment_members (segment_id, contact_id) SELECT \(segment.id), id FROM segment_new_members
            ON CONFLICT DO NOTHING
            """)
        let count = try transaction.query("SELECT count(*) FROM segment_new_members")[0].decode(Int.self, at: 0)
        let milliseconds = Int((DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1_000_000)
        try transaction.execute("""
            UPDATE segment_refreshes SET duration_ms = \(milliseconds), member_count = \(count), joined = \(joined), "left" = \(left)
            WHERE id = \(refreshID)
            """)
        try transaction.execute("""
            UPDATE segments SET member_count = \(count), refreshed_at = now(), refresh_ms = \(milliseconds) WHERE id = \(segment.id)
            """)
        return RefreshResult(slug: slug, members: count, joined: joined, left: left, milliseconds: milliseconds,
                             unconverted: try unconverted(rule))
    }

    /// Rules test membership in sets of contacts (`c.id IN (donors last year)`); PostgreSQL
    /// keeps such a set in a hash only when it fits in `work_mem`, and otherwise scans it
    /// once per contact. A refresh is one batch statement, so it may use more memory.
    static func allowLargeSets(_ transaction: AssociationTransaction) throws {
        try transaction.query("SELECT set_config('work_mem', '256MB', true)")
    }

    /// Every dynamic segment, each after the segments its rule names.
    public func refreshOrder() throws -> [String] {
        let rows = try transaction.query("SELECT slug, rule_json::text FROM segments WHERE kind = 'dynamic' ORDER BY slug")
        var dependencies: [String: Set<String>] = [:]
        for row in rows {
            let (slug, json) = try row.decode(String.self, String.self)
            dependencies[slug] = try JSONDecoder().decode(Rule.self, from: Data(json.utf8)).referencedSegments
        }
        var ordered: [String] = []
        var placed = Set<String>()
        func place(_ slug: String, _ path: Set<String>) {
            guard !placed.contains(slug), !path.contains(slug) else { return }
            for dependency in (dependencies[slug] ?? []).sorted() where dependencies[dependency] != nil {
                place(dependency, path.union([slug]))
            }
            placed.insert(slug)
            ordered.append(slug)
        }
        for slug in dependencies.keys.sorted() { place(slug, []) }
        return ordered
    }

    // MARK: Static members

    public func include(_ contacts: [Int64], in slug: String) throws {
        let segment = try staticSegment(slug)
        let store = ContactStore(transaction)
        for contact in contacts { try store.requireContact(contact) }
        try transaction.execute("""
            INSERT INTO segment_members (segment_id, contact_id) SELECT \(segment), unnest(\(contacts)::bigint[]) ON CONFLICT DO NOTHING
            """)
        try updateCount(segment)
    }

    public func exclude(_ contacts: [Int64], from slug: String) throws {
        let segment = try staticSegment(slug)
        try transaction.execute("DELETE FROM segment_members WHERE segment_id = \(segment) AND contact_id = ANY(\(contacts))")
        try updateCount(segment)
    }

    private func staticSegment(_ slug: String) throws -> Int64 {
        let segment = try summary(slug)
        guard segment.kind == "static" else {
            throw SanadError.invalid("\(slug) is a dynamic segment: its rule decides its members", hint: "change its rule", remedy: .plugin(id: "segmentation", action: "edit-rule", subject: slug))
        }
        return segment.id
    }

    private func updateCount(_ segment: Int64) throws {
        try transaction.execute("""
            UPDATE segments SET member_count = (SELECT count(*) FROM segment_members WHERE segment_id = \(segment)), refreshed_at = now()
            WHERE id = \(segment)
            """)
    }

    // MARK: Reading

    public func summary(_ slug: String) throws -> SegmentSummary {
        let id = try id(of: slug)
        return try list(id: id)[0]
    }

    public func list(id: Int64? = nil) throws -> [SegmentSummary] {
        try transaction.query("""
            SELECT \(SegmentSummary.columns)
            FROM segments s LEFT JOIN schedules sc ON sc.id = s.schedule_id
            WHERE \(id)::bigint IS NULL OR s.id = \(id)
            ORDER BY s.slug
            """).map { try $0.decode(SegmentSummary.self) }
    }

    public func members(_ slug: String, limit: Int) throws -> [ContactSummary] {
        let id = try id(of: slug)
        return try ContactStore(transaction).summaries(of: "SELECT sm.contact_id FROM segment_members sm WHERE sm.segment_id = \(id)", limit: limit)
    }

    /// The segment's refreshes, newest first.
    public func refreshes(_ slug: String, limit: Int) throws -> [SegmentRefresh] {
        let id = try id(of: slug)
        return try transaction.query("""
            SELECT started_at AS at, trigger, actor, member_count AS members, joined, "left", duration_ms
            FROM segment_refreshes WHERE segment_id = \(id) ORDER BY id DESC LIMIT \(limit)
            """).map { try $0.decode(SegmentRefresh.self) }
    }

    /// Who joined and left at each refresh, newest refresh first.
    public func changes(_ slug: String, limit: Int) throws -> [SegmentChange] {
        let id = try id(of: slug)
        return try transaction.query("""
            SELECT r.started_at AS at, x.change, x.contact_id, c.display_name AS name
            FROM segment_changes x JOIN segment_refreshes r ON r.id = x.refresh_id JOIN contacts c ON c.id = x.contact_id
            WHERE x.segment_id = \(id) ORDER BY r.id DESC, x.change, x.contact_id LIMIT \(limit)
            """).map { try $0.decode(SegmentChange.self) }
    }
}
