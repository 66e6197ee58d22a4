public import Foundation
public import Postgres

/// One line about a contact, for lists and search results.
public struct ContactSummary: Sendable, Codable, Equatable {
    public var id: Int64
    public var name: String
    public var kind: String
    public var email: String?
    public var phone: String?
    public var roles: [String]
    public var city: String?
    public var createdAt: Date
    /// How a search found it; nil in plain lists.
    public var match: SearchMatch?

    /// What a search matched on, and how well (0–1).
    public struct SearchMatch: Sendable, Codable, Equatable {
        public var matchedBy: String
        public var score: Double
    }

    enum CodingKeys: String, CodingKey {
        case id, name, kind, email, phone, roles, city, createdAt = "created_at", matchedBy = "matched_by", score
    }

    init(row: Row, scored: Bool) throws {
        id = try row.decode("id")
        name = try row.decode("name")
        kind = try row.decode("kind")
        email = try row.decode("email")
        phone = try row.decode("phone")
        roles = try row.decode("roles", as: [String].self).map { $0.replacingAll("_", with: "-") }
        city = try row.decode("city")
        createdAt = try row.decode("created_at")
        match = scored ? SearchMatch(matchedBy: try row.decode("matched_by"), score: try row.decode("score")) : nil
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(Int64.self, forKey: .id)
        name = try container.decode(String.self, forKey: .name)
        kind = try container.decode(String.self, forKey: .kind)
        email = try container.decodeIfPresent(String.self, forKey: .email)
        phone = try container.decodeIfPresent(String.self, forKey: .phone)
        roles = try container.decode([String].self, forKey: .roles)
        city = try container.decodeIfPresent(String.self, forKey: .city)
        createdAt = try container.decodeIfPresent(Date.self, forKey: .createdAt) ?? .distantPast
        match = try container.decodeIfPresent(String.self, forKey: .matchedBy).map {
            SearchMatch(matchedBy: $0, score: try container.decode(Double.self, forKey: .score))
        }
    }

    /// A search result shows what it matched on and its score (to three decimals) where a
    /// list shows when the contact was added.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encode(kind, forKey: .kind)
        try container.encodeIfPresent(email, forKey: .email)
        try container.encodeIfPresent(phone, forKey: .phone)
        try container.encode(roles, forKey: .roles)
        try container.encodeIfPresent(city, forKey: .city)
        if let match {
            try container.encode(match.matchedBy, forKey: .matchedBy)
            try container.encode(Decimal(string: String(format: "%.3f", match.score)) ?? 0, forKey: .score)
        } else {
            try container.encode(createdAt, forKey: .createdAt)
        }
    }
}

/// Which contacts a list shows.
public struct ContactFilter: Sendable {
    public var role: ContactRole?
    public var tag: String?
    public var group: String?
    public var city: String?
    public var source: SourceChannel?
    public var kind: ContactKind?
    public var includeDeleted = false

    public init() {}
}

/// What a search looks at.
public enum SearchField: String, Vocabulary {
    /// Guess from the text: an address, a phone number, or a name.
    case auto, name, email, phone, tag, role
    public static let fieldName = "search field"
}

extension ContactStore {
    /// The summary columns, decoded by ``summary(from:)``; `c` is the contact.
    static let summaryColumns: SQL = """
        c.id, c.display_name AS name, c.kind,
        (SELECT address FROM contact_emails e WHERE e.contact_id = c.id ORDER BY e.is_primary DESC, e.id LIMIT 1) AS email,
        (SELECT coalesce(p.e164, p.raw) FROM contact_phones p WHERE p.contact_id = c.id ORDER BY p.is_primary DESC, p.id LIMIT 1) AS phone,
        ARRAY(SELECT r.role FROM contact_roles r WHERE r.contact_id = c.id ORDER BY r.role) AS roles,
        c.city, c.created_at
        """

    static func summary(from row: Row, scored: Bool = false) throws -> ContactSummary {
        try ContactSummary(row: row, scored: scored)
    }

    static let liveContact: SQL = "c.deleted_at IS NULL AND c.erased_at IS NULL AND c.merged_into_id IS NULL"

    /// Summaries of the live contacts among `members` (a query returning contact ids), by id.
    public func summaries(of members: SQL, limit: Int) throws -> [ContactSummary] {
        try transaction.query("""
            SELECT \(Self.summaryColumns) FROM contacts c
            WHERE c.id IN (\(members)) AND \(ContactEligibility.live)
            ORDER BY c.id LIMIT \(limit)
            """).map { try Self.summary(from: $0) }
    }

    /// Contacts matching `filter`, newest first.
    public func list(_ filter: ContactFilter, limit: Int = 50, offset: Int = 0) throws -> [ContactSummary] {
        try transaction.query("""
            SELECT \(Self.summaryColumns) FROM contacts c
            WHERE \(Self.conditions(filter, country: transaction.association.country))
            ORDER BY c.created_at DESC, c.id DESC LIMIT \(limit) OFFSET \(offset)
            """).map { try Self.summary(from: $0) }
    }

    /// How many contacts match `filter` in all (a list shows a page of them).
    public func count(_ filter: ContactFilter) throws -> Int {
        try transaction.query("SELECT count(*) AS count FROM contacts c WHERE \(Self.conditions(filter, country: transaction.association.country))")[0].decode("count")
    }

    static func conditions(_ filter: ContactFilter, country: String) -> SQL {
        var conditions: [SQL] = [filter.includeDeleted ? "c.erased_at IS NULL AND c.merged_into_id IS NULL" : Self.liveContact]
        if let role = filter.role {
            conditions.append("EXISTS (SELECT 1 FROM contact_roles r WHERE r.contact_id = c.id AND r.role = \(role.rawValue))")
        }
        if let tag = filter.tag {
            conditions.append("""
                EXISTS (SELECT 1 FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id
                        WHERE ct.contact_id = c.id AND t.name_key = \(NameKeys.normalized(tag)))
                """)
        }
        if let group = filter.group {
            conditions.append("""
                EXISTS (SELECT 1 FROM group_members m JOIN contact_groups g ON g.id = m.group_id
                        WHERE m.contact_id = c.id AND g.name_key = \(NameKeys.normalized(group)))
                """)
        }
        if let city = filter.city { conditions.append("c.city_key = \(CityNames.key(city, country: country))") }
        if let source = filter.source { conditions.append("c.source_channel = \(source.rawValue)") }
        if let kind = filter.kind { conditions.append("c.kind = \(kind.rawValue)") }
        return SQL.joined(conditions, separator: " AND ")
    }

    /// Finds contacts by name (Arabic-aware, across scripts, ranked by similarity), email,
    /// phone (however it is written), tag or role.
    public func search(_ text: String, by field: SearchField = .auto, limit: Int = 20) throws -> [ContactSummary] {
        let query = text.trimmed
        guard !query.isEmpty else {
            throw SanadError.invalid("the search text is empty", hint: "give a name, an email, a phone number, a tag or a role")
        }
        switch field == .auto ? Self.guessField(query) : field {
        case .email:
            return try searchEmail(query, limit: limit)
        case .phone:
            return try searchPhone(query, limit: limit)
        case .tag:
            var filter = ContactFilter()
            filter.tag = query
            return try list(filter, limit: limit).map { summary in
                var scored = summary
                scored.match = .init(matchedBy: "tag", score: 1)
                return scored
            }
        case .role:
            var filter = ContactFilter()
            filter.role = try ContactRole.parse(query)
            return try list(filter, limit: limit).map { summary in
                var scored = summary
                scored.match = .init(matchedBy: "role", score: 1)
                return scored
            }
        case .name, .auto:
            return try searchName(query, limit: limit)
        }
    }

    static func guessField(_ query: String) -> SearchField {
        if query.contains("@") { return .email }
        let visible = query.filter { !$0.isWhitespace }
        let digits = PhoneNumbers.digits(query).count
        if digits >= 6, Double(digits) >= Double(visible.count) * 0.6 { return .phone }
        return .name
    }

    private func searchName(_ query: String, limit: Int) throws -> [ContactSummary] {
        guard !NameKeys.normalized(query).isEmpty else {
            throw SanadError.invalid("the search text has no letters or digits", hint: "give part of a name")
        }
        // Latin spellings that stand for the same Arabic name are looked up too (Zikra and
        // Dhikra for ذكرى, Nasrallah for نصر الله), by their consonant key only: that is what
        // they change, and one index instead of three keeps the extra look-up cheap at 1M
        // contacts. Each contact keeps its best score.
        var best: [Int64: (score: Double, acrossScripts: Bool)] = [:]
        for (index, spelling) in ([query] + NameKeys.latinSpellings(of: query)).enumerated() {
            for candidate in try nameCandidates(spelling, limit: limit, consonantsOnly: index > 0)
            where candidate.score > (best[candidate.id]?.score ?? -1) {
                best[candidate.id] = (candidate.score, candidate.acrossScripts)
            }
        }
        let candidates = best.map { (id: $0.key, score: $0.value.score, acrossScripts: $0.value.acrossScripts) }
        let chosen = candidates.sorted { $0.score != $1.score ? $0.score > $1.score : $0.id < $1.id }.prefix(limit)
        guard !chosen.isEmpty else { return [] }
        let summaries = Dictionary(uniqueKeysWithValues: try transaction.query("""
            SELECT \(Self.summaryColumns) FROM contacts c WHERE c.id = ANY(\(chosen.map(\.id)))
            """).map { row -> (Int64, ContactSummary) in
            let summary = try Self.summary(from: row)
            return (summary.id, summary)
        })
        return chosen.compactMap { candidate in
            guard var summary = summaries[candidate.id] else { return nil }
            summary.match = .init(matchedBy: candidate.acrossScripts ? "name (across scripts)" : "name", score: candidate.score)
            return summary
        }
    }

    /// The contacts one spelling of a name finds, scored (letters found by the database,
    /// then ranked by how the words sound).
    private func nameCandidates(_ query: String, limit: Int, consonantsOnly: Bool = false) throws -> [(id: Int64, score: Double, acrossScripts: Bool)] {
        let normalized = NameKeys.normalized(query)
        let skeleton = NameKeys.skeleton(normalized: normalized)
        // A one-letter skeleton (Ali, Layla: "L") matches too much to look with; two letters
        // (Haddad, Youssef: "HD", "SF") are enough, since the candidates are then ranked by sound.
        let usableSkeleton: String? = skeleton.filter { $0 != " " }.count >= 2 ? skeleton : nil
        if consonantsOnly && usableSkeleton == nil { return [] }
        let key: String? = consonantsOnly ? nil : normalized
        // Without a usable consonant key, the sound key (vowels kept) looks instead.
        let sound: String? = usableSkeleton == nil ? NameSounds.key(query) : nil
        let queryIsArabic = TextRules.containsRightToLeft(query)
        let queryWords = NameSounds.keyWords(query)
        // Candidates are read light (id, name, score); only the ones shown get their summary.
        return try transaction.query("""
            SELECT m.contact_id, m.score, m.across_scripts, c.display_name, c.name_sound
            FROM sanad_name_candidates(\(key), \(usableSkeleton), \(sound.flatMap { $0.isEmpty ? nil : $0 }), \(min(max(limit * 2, 30), 200))::integer) m
            JOIN contacts c ON c.id = m.contact_id
            """).map { row -> (id: Int64, score: Double, acrossScripts: Bool) in
            // The database finds by letters; how the words sound decides among what it found, so
            // a consonant key shared by حسن and Husseini, or by هدى and Haddad, no longer ties.
            let name: String = try row.decode("display_name")
            // Without a letters key (another spelling), what was found was found by consonants.
            let acrossScripts: Bool = try row.decode("across_scripts", as: Bool?.self) ?? true
            // The stored sound key, else (a row the backfill has not reached) the name's.
            let stored: String = try row.decode("name_sound")
            let sound = NameSounds.similarity(queryWords: queryWords, key: stored.isEmpty ? NameSounds.key(name) : stored)
            // Two Arabic spellings are compared by their own letters (سعيد is not سعد, عمر is
            // not عامر): a match that only the consonant or sound key made counts for less there.
            let bothArabic = queryIsArabic && TextRules.containsRightToLeft(name)
            let score = try row.decode("score", as: Double.self) * (0.6 + 0.4 * sound) * (acrossScripts && bothArabic ? 0.85 : 1)
            return (try row.decode("contact_id"), score, acrossScripts && !bothArabic)
        }
    }

    private func searchEmail(_ query: String, limit: Int) throws -> [ContactSummary] {
        let key = query.lowercased()
        return try transaction.query("""
            SELECT \(Self.summaryColumns), 1::float8 AS score, 'email' AS matched_by
            FROM contacts c
            WHERE \(Self.liveContact)
              AND c.id IN (SELECT e.contact_id FROM contact_emails e WHERE e.address_key = \(key))
            ORDER BY c.id LIMIT \(limit)
            """).map { try Self.summary(from: $0, scored: true) }
    }

    private func searchPhone(_ query: String, limit: Int) throws -> [ContactSummary] {
        let e164: String? = if case .e164(let number) = PhoneNumbers.normalize(query, region: association.phoneRegion) { number } else { nil }
        // The last digits identify a number however its start was written (0, 00, +961).
        let suffix = String(PhoneNumbers.digits(query).suffix(8))
        return try transaction.query("""
            SELECT \(Self.summaryColumns), CASE WHEN m.exact THEN 1.0 ELSE 0.8 END::float8 AS score, 'phone' AS matched_by
            FROM sanad_phone_candidates(\(e164), \(suffix), \(limit)::integer) m
            JOIN contacts c ON c.id = m.contact_id
            WHERE \(Self.liveContact)
            ORDER BY m.exact DESC, c.id
            """).map { try Self.summary(from: $0, scored: true) }
    }
}
