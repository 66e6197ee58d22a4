internal import Foundation
internal import Postgres

/// Two contacts that may be one person, with the evidence.
public struct DuplicatePair: Sendable, Codable, Equatable {
    public enum Level: String, Sendable, CaseIterable, Codable {
        case possible, probable
    }

    public var first: Int64
    public var firstName: String
    public var second: Int64
    public var secondName: String
    public var score: Double
    public var level: Level
    /// Each part of the score, such as `phone same +0.30`.
    public var reasons: [String]

    enum CodingKeys: String, CodingKey {
        case first = "contact_a", firstName = "name_a", second = "contact_b", secondName = "name_b", score, level, reasons
    }

    /// The score is written to two decimals, as it is explained.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(first, forKey: .first)
        try container.encode(firstName, forKey: .firstName)
        try container.encode(second, forKey: .second)
        try container.encode(secondName, forKey: .secondName)
        try container.encode(Decimal(string: String(format: "%.2f", score)) ?? 0, forKey: .score)
        try container.encode(level, forKey: .level)
        try container.encode(reasons, forKey: .reasons)
    }
}

/// Finds contacts that are probably the same person, without comparing all pairs.
///
/// Candidates come from blocking keys backed by indexes or one sort: the same email, the
/// same E.164 phone, the same cross-script name key, and neighbours in the order of the
/// normalized name (sorted-neighbourhood blocking, scored by trigram similarity). Blocks
/// larger than 50 (a shared office number, "info@") say little about identity and are
/// skipped. Each pair is then scored with explained parts:
///
/// | evidence | score |
/// | --- | --- |
/// | same email | +0.35 |
/// | same phone | +0.30 |
/// | similar name (`sanad_name_similarity`: in Arabic both, the normalized keys with and without the article; otherwise also the consonant keys, spaced or not, dh and z folded; an initial with the same family name counts 0.7) | +0.45 × similarity, from 0.5 |
/// | clearly different names (similarity under 0.3) | −0.30 |
/// | different given names (`sanad_given_names_differ`: in Arabic both, any difference of the normalized given names, so سعيد is not سعد; across scripts the consonant keys; in Latin the keys and the spelling) | −0.40, and never "probable" |
/// | same birth date | +0.25 |
/// | different birth dates | −0.50 |
///
/// A shared email or phone alone never reaches "possible": family members share them, and
/// the different given names of relatives push the score down; twins who share a phone,
/// an email and a birth date reach "possible" at most. Pairs an import set aside
/// (`duplicate_suggestions`) are listed with their reason. `scripts/duplicates-eval`
/// measures the rules on a labelled set.
public struct DuplicateFinder {
    public let transaction: AssociationTransaction
    static let blockLimit = 50
    static let neighbourhood = 4

    public init(_ transaction: AssociationTransaction) {
        self.transaction = transaction
    }

    /// Pairs at `level` or above (best first), at most `limit`, ignoring dismissed pairs.
    public func find(minimum level: DuplicatePair.Level = .possible, limit: Int = 100) throws -> [DuplicatePair] {
        let settings = try AssociationSettings.load(transaction)
        let possible = NSDecimalNumber(decimal: settings.decimal("duplicates.possible")).doubleValue
        let probable = NSDecimalNumber(decimal: settings.decimal("duplicates.probable")).doubleValue
        try scorePairs(probable: probable)
        let floor = level == .probable ? probable : possible
        return try transaction.query("""
            SELECT s.a, ca.display_name AS name_a, s.b, cb.display_name AS name_b, s.score, s.same_email, s.same_phone,
                   s.name_similarity, s.first_names_differ, s.birth_dates, g.reason AS suggested
            FROM duplicate_scores s JOIN contacts ca ON ca.id = s.a JOIN contacts cb ON cb.id = s.b
            LEFT JOIN duplicate_suggestions g ON g.contact_a = s.a AND g.contact_b = s.b
            -- A pair an import set aside for a person to look at is listed whatever its score.
            WHERE s.score >= \(floor) OR (\(level == .possible) AND g.reason IS NOT NULL)
            ORDER BY s.score DESC, s.a, s.b
            LIMIT \(limit)
            """).map { row in
            let score = try row.decode("score", as: Double.self)
            var reasons: [String] = []
            if try row.decode("same_email", as: Bool.self) { reasons.append("email same +0.35") }
            if try row.decode("same_phone", as: Bool.self) { reasons.append("phone same +0.30") }
            let similarity = try row.decode("name_similarity", as: Double.self)
            if similarity >= 0.5 {
                reasons.append(String(format: "name %.2f similar +%.2f", similarity, 0.45 * similarity))
            } else if similarity < 0.3 {
                reasons.append(String(format: "names differ (%.2f) -0.30", similarity))
            }
            if try row.decode("first_names_differ", as: Bool.self) { reasons.append("first names differ -0.40") }
            switch try row.decode("birth_dates", as: String.self) {
            case "same": reasons.append("birth date same +0.25")
            case "different": reasons.append("birth dates differ -0.50")
            default: break
            }
            if let suggested = try row.decode("suggested", as: String?.self) { reasons.append(suggested) }
            return DuplicatePair(first: try row.decode("a"), firstName: try row.decode("name_a"),
                                 second: try row.decode("b"), secondName: try row.decode("name_b"),
                                 score: score, level: score >= probable ? .probable : .possible, reasons: reasons)
        }
    }

    /// Every candidate pair, scored, in the temporary table `duplicate_scores`.
    func scorePairs(probable: Double) throws {
        try transaction.execute("""
            CREATE TEMP TABLE duplicate_candidates (a bigint NOT NULL, b bigint NOT NULL) ON COMMIT DROP
            """)
        // Same email or phone, in blocks small enough to mean something.
        for (table, key) in [("contact_emails", "address_key"), ("contact_phones", "e164")] {
            try transaction.execute("""
                INSERT INTO duplicate_candidates (a, b)
                SELECT x.contact_id, y.contact_id
                FROM \(identifier: table) x JOIN \(identifier: table) y ON y.\(unsafeSQL: key) = x.\(unsafeSQL: key) AND y.contact_id > x.contact_id
                WHERE x.\(unsafeSQL: key) IN (SELECT \(unsafeSQL: key) FROM \(identifier: table) WHERE \(unsafeSQL: key) IS NOT NULL
                                             GROUP BY 1 HAVING count(*) BETWEEN 2 AND \(Self.blockLimit))
                """)
        }
        // Pairs an import found sharing an email or phone under names that do not agree.
        try transaction.execute("INSERT INTO duplicate_candidates (a, b) SELECT contact_a, contact_b FROM duplicate_suggestions")
        // Same cross-script name key.
        try transaction.execute("""
            INSERT INTO duplicate_candidates (a, b)
            SELECT x.id, y.id
            FROM contacts x JOIN contacts y ON y.name_skeleton = x.name_skeleton AND y.id > x.id
            WHERE x.name_skeleton IN (SELECT name_skeleton FROM contacts
                                      WHERE length(name_skeleton) >= 3 AND deleted_at IS NULL AND erased_at IS NULL
                                      GROUP BY 1 HAVING count(*) BETWEEN 2 AND \(Self.blockLimit))
              AND x.deleted_at IS NULL AND y.deleted_at IS NULL
            """)
        // Neighbours in normalized-name order: catches typos that keep the start of a name.
        let offsets = (1...Self.neighbourhood).map { "lead(id, \($0)) OVER ordered" }.joined(separator: ", ")
        try transaction.execute("""
            INSERT INTO duplicate_candidates (a, b)
            SELECT least(id, neighbour), greatest(id, neighbour)
            FROM (SELECT id, unnest(ARRAY[\(unsafeSQL: offsets)]) AS neighbour
                  FROM contacts WHERE deleted_at IS NULL AND erased_at IS NULL AND name_key <> ''
                  WINDOW ordered AS (ORDER BY name_key, id)) n
            WHERE neighbour IS NOT NULL
            """)
        try transaction.execute("""
            CREATE TEMP TABLE duplicate_scores ON COMMIT DROP AS
            WITH pairs AS (SELECT DISTINCT a, b FROM duplicate_candidates),
            -- Materialized: the score names each piece of evidence several times, and inlined it
            -- would recompute the name rules (several function calls) once per mention.
            evidence AS MATERIALIZED (
                SELECT p.a, p.b,
                       EXISTS (SELECT 1 FROM contact_emails x JOIN contact_emails y ON y.address_key = x.address_key
                               WHERE x.contact_id = p.a AND y.contact_id = p.b) AS same_email,
                       EXISTS (SELECT 1 FROM contact_phones x JOIN contact_phones y ON y.e164 = x.e164
                               WHERE x.contact_id = p.a AND y.contact_id = p.b) AS same_phone,
                       sanad_name_similarity(ca.name_key, ca.name_skeleton, cb.name_key, cb.name_skeleton) AS name_similarity,
                       (ca.kind = 'person' AND sanad_given_names_differ(ca.name_key, ca.name_skeleton, cb.name_key, cb.name_skeleton))
                           AS first_names_differ,
                       CASE WHEN ca.birth_date IS NULL OR cb.birth_date IS NULL THEN 'unknown'
                            WHEN ca.birth_date = cb.birth_date THEN 'same' ELSE 'different' END AS birth_dates
                FROM pairs p
                JOIN contacts ca ON ca.id = p.a
                JOIN contacts cb ON cb.id = p.b
                WHERE ca.kind = cb.kind
                  AND ca.deleted_at IS NULL AND cb.deleted_at IS NULL AND ca.erased_at IS NULL AND cb.erased_at IS NULL
                  AND NOT EXISTS (SELECT 1 FROM duplicate_dismissals d WHERE d.contact_a = p.a AND d.contact_b = p.b)
            )
            SELECT e.*,
                   -- Different given names are two people, whatever else they share (twins share a
                   -- phone, an email and a birth date): such a pair never reaches "probable".
                   (CASE WHEN first_names_differ THEN least(raw_score, \(probable - 0.01)) ELSE raw_score END)::float8 AS score
            FROM (SELECT e.*,
                         CASE WHEN same_email THEN 0.35 ELSE 0 END
                         + CASE WHEN same_phone THEN 0.30 ELSE 0 END
                         + CASE WHEN name_similarity >= 0.5 THEN 0.45 * name_similarity WHEN name_similarity < 0.3 THEN -0.30 ELSE 0 END
                         + CASE WHEN first_names_differ THEN -0.40 ELSE 0 END
                         + CASE birth_dates WHEN 'same' THEN 0.25 WHEN 'different' THEN -0.50 ELSE 0 END AS raw_score
                  FROM evidence e OFFSET 0) e
            """)
    }

    /// Remembers that two contacts are not the same person.
    public func dismiss(_ first: Int64, _ second: Int64) throws {
        guard first != second else { throw SanadError.invalid("give two different contacts", hint: "name the two contacts of the pair", remedy: .dismissDuplicatePair) }
        let store = ContactStore(transaction)
        try store.requireContact(first, allowDeleted: true)
        try store.requireContact(second, allowDeleted: true)
        try transaction.execute("""
            INSERT INTO duplicate_dismissals (contact_a, contact_b) VALUES (\(min(first, second)), \(max(first, second)))
            ON CONFLICT DO NOTHING
            """)
    }
}
