public import Foundation
internal import Postgres
public import SanadCore

/// What one audit run found.
public struct AuditRunSummary: Sendable, Encodable {
    public var income: Decimal
    public var currency: String
    public var funderGroups: Int
    public var hhi: Decimal?
    public var findings: Int
    public var newFindings: Int
    public var milliseconds: Int
    /// Gifts the figures leave out because their currency had no rate for their day: when
    /// not empty, the figures are incomplete.
    public var unconverted: [UnconvertedGifts] = []

    public var isComplete: Bool { unconverted.isEmpty }

    enum CodingKeys: String, CodingKey {
        case income, currency, funderGroups = "funder_groups", hhi, findings, newFindings = "new_findings",
             milliseconds = "duration_ms", complete, unconverted
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(income, forKey: .income)
        try container.encode(currency, forKey: .currency)
        try container.encode(funderGroups, forKey: .funderGroups)
        try container.encodeIfPresent(hhi, forKey: .hhi)
        try container.encode(findings, forKey: .findings)
        try container.encode(newFindings, forKey: .newFindings)
        try container.encode(milliseconds, forKey: .milliseconds)
        try container.encode(isComplete, forKey: .complete)
        try container.encode(unconverted, forKey: .unconverted)
    }
}

/// Computes every rule of the influence-risk audit with set-based statements over one
/// association, and stores the findings: the same finding seen again is updated in place
/// (last seen, figures, evidence), a finding no longer seen stays with `present = false`.
///
/// Funder groups are connected through every kind of relationship Sanad records (spouse,
/// family, close associate, controls, employer, board member), so a funder's relatives,
/// the companies they control and the people they employ count together.
/// Every amount is in the association's base currency: a gift in another currency is
/// converted at the latest exchange rate on or before its local day. A gift whose currency
/// has no rate for its day is left out, counted in ``AuditRunSummary/unconverted``, and the
/// run says its figures are incomplete; thresholds set in another currency are converted at
/// today's rate.
public struct AuditEngine {
    public let transaction: AssociationTransaction
    public let configuration: PluginConfiguration

    public init(_ transaction: AssociationTransaction, configuration: PluginConfiguration) {
        self.transaction = transaction
        self.configuration = configuration
    }

    var currency: String { transaction.association.baseCurrency }
    var months: Int { configuration.integer("window_months") }
    var windowStart: SQL { "(now() - \(String(months) + " months")::interval)" }
    var previousStart: SQL { "(now() - \(String(2 * months) + " months")::interval)" }
    /// Every kind of tie the audit counts funders together through: relatives, associates,
    /// the organizations a person controls, employs them or has them on its board.
    static let groupingKinds = ["spouse", "family", "close_associate", "controls", "employer", "board_member"]

    @discardableResult
    public func run() throws -> AuditRunSummary {
        let started = DispatchTime.now()
        try transaction.lock("influence-audit")
        try prepareGroups()
        try classifyTexts()
        try transaction.execute("""
            CREATE TEMP TABLE audit_new (fingerprint text PRIMARY KEY, rule text NOT NULL, severity text NOT NULL, group_key bigint,
                                         score numeric NOT NULL, evidence jsonb NOT NULL) ON COMMIT DROP
            """)
        let hhi = try concentrationRules()
        try conditionRules()
        try governanceRules()
        try timingRules()
        try nameGroups()
        let (total, new) = try storeFindings()
        let figures = try transaction.query("SELECT coalesce(sum(total), 0), count(*) FROM audit_shares")[0]
        let unconverted = try transaction.query("""
            SELECT currency, count(*) AS gifts, sum(amount) AS amount FROM audit_gifts
            WHERE amount IS NOT NULL AND base_amount IS NULL AND occurred_at >= \(previousStart)
            GROUP BY currency ORDER BY currency
            """).map { row in
            UnconvertedGifts(currency: try row.decode("currency"), gifts: try row.decode("gifts"), amount: try row.decode("amount"))
        }
        let summary = AuditRunSummary(
            income: try figures.decode(Decimal.self, at: 0), currency: currency, funderGroups: try figures.decode(Int.self, at: 1),
            hhi: hhi, findings: total, newFindings: new,
            milliseconds: Int((DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1_000_000),
            unconverted: unconverted)
        let unconvertedJSON = try String(decoding: JSONEncoder().encode(unconverted), as: UTF8.self)
        try transaction.execute("""
            INSERT INTO audit_runs (duration_ms, income, currency, window_months, funder_groups, hhi, gini, top_groups, lorenz,
                                    findings, new_findings, rates, unconverted)
            WITH ordered AS (
                SELECT total, row_number() OVER (ORDER BY total, group_key) AS n, count(*) OVER () AS groups,
                       sum(total) OVER (ORDER BY total, group_key ROWS UNBOUNDED PRECEDING) AS cumulative, sum(total) OVER () AS income
                FROM audit_shares
            )
            SELECT \(summary.milliseconds), \(summary.income), \(currency), \(months), \(summary.funderGroups), \(hhi),
                   (SELECT round(2 * sum(n * total) / (max(groups) * sum(total)) - (max(groups) + 1)::numeric / max(groups), 4) FROM ordered),
                   (SELECT coalesce(jsonb_agg(jsonb_build_object('group', t.group_key, 'name', gn.name,
                                                                  'members', cardinality(gn.members), 'total', t.total,
                                                                  'share', round(t.share, 4)) ORDER BY t.share DESC, t.group_key), '[]')
                    FROM (SELECT * FROM audit_shares ORDER BY share DESC, group_key LIMIT 12) t
                    JOIN audit_group_names gn USING (group_key)),
                   (SELECT coalesce(jsonb_agg(jsonb_build_array(round(n::numeric / groups, 4), round(cumulative / income, 4)) ORDER BY n), '[]')
                    FROM ordered WHERE n = groups OR n % greatest(groups / 100, 1) = 0),
                   \(total), \(new),
                   -- The rates the run converted with, and where each came from.
                   (SELECT coalesce(jsonb_agg(jsonb_build_object('currency', u.currency, 'valid_on', u.rate_on, 'rate', u.rate,
                                                                  'source', x.source, 'gifts', u.gifts) ORDER BY u.currency, u.rate_on), '[]')
                    FROM (SELECT currency, rate_on, rate, count(*) AS gifts FROM audit_gifts
                          WHERE rate_on IS NOT NULL AND occurred_at >= \(previousStart) GROUP BY currency, rate_on, rate) u
                    LEFT JOIN exchange_rates x ON x.currency = u.currency AND x.valid_on = u.rate_on),
                   \(unconvertedJSON)::jsonb
            """)
        return summary
    }

    // MARK: Funder groups

    private func prepareGroups() throws {
        // A relationship that ended before the window no longer ties the funders together.
        try transaction.execute("""
            CREATE TEMP TABLE audit_edges ON COMMIT DROP AS
            SELECT contact_id AS a, related_contact_id AS b FROM contact_relationships
            WHERE kind = ANY(\(Self.groupingKinds)) AND (until IS NULL OR until >= \(windowStart)::date)
            UNION SELECT related_contact_id, contact_id FROM contact_relationships
            WHERE kind = ANY(\(Self.groupingKinds)) AND (until IS NULL OR until >= \(windowStart)::date)
            """)
        try transaction.execute("CREATE INDEX ON audit_edges (a)")
        try transaction.execute("ANALYZE audit_edges")
        // Connected components by label propagation: every contact starts as its own group
        // and repeatedly takes the smallest group key among its neighbours. Each pass is one
        // set-based statement; the passes needed are the widest group's diameter (two or
        // three in practice), where a recursive walk would list every path in a big group.
        try transaction.execute("""
            CREATE TEMP TABLE audit_groups ON COMMIT DROP AS
            SELECT contact_id, contact_id AS group_key FROM interactions WHERE type IN ('donation', 'pledge')
            UNION SELECT a, a FROM audit_edges
            """)
        try transaction.execute("ALTER TABLE audit_groups ADD PRIMARY KEY (contact_id)")
        try transaction.execute("CREATE INDEX ON audit_groups (group_key)")
        try transaction.execute("ANALYZE audit_groups")
        while try transaction.execute("""
            UPDATE audit_groups g SET group_key = n.smallest
            FROM (SELECT e.a, min(o.group_key) AS smallest FROM audit_edges e JOIN audit_groups o ON o.contact_id = e.b GROUP BY e.a) n
            WHERE n.a = g.contact_id AND n.smallest < g.group_key
            """) > 0 {}
        // Each gift with its amount in the base currency (NULL without a rate for its day) and
        // the rate it was converted at. Only the foreign-currency gifts look up a rate, in a
        // second statement, so a single-currency association pays nothing for it.
        let association = transaction.association
        try transaction.execute("""
            CREATE TEMP TABLE audit_gifts ON COMMIT DROP AS
            SELECT i.id, i.contact_id, g.group_key, i.type, i.occurred_at, i.amount, i.currency, i.is_restricted, i.is_anonymous,
                   i.conditions, i.conditions_key,
                   CASE WHEN i.currency = \(currency)::text THEN i.amount END AS base_amount, NULL::numeric AS rate, NULL::date AS rate_on
            FROM interactions i JOIN audit_groups g ON g.contact_id = i.contact_id
            WHERE i.type IN ('donation', 'pledge')
            """)
        try transaction.execute("""
            UPDATE audit_gifts g SET base_amount = round(g.amount * r.rate, 3), rate = r.rate, rate_on = r.valid_on
            FROM (SELECT f.id, x.rate, x.valid_on
                  FROM audit_gifts f
                  CROSS JOIN LATERAL (SELECT x.rate, x.valid_on FROM exchange_rates x
                                      WHERE x.currency = f.currency AND x.valid_on <= \(MoneySQL.localDay("f.occurred_at", in: association))
                                      ORDER BY x.valid_on DESC LIMIT 1) x
                  WHERE f.currency <> \(currency)::text AND f.amount IS NOT NULL) r
            WHERE g.id = r.id
            """)
        try transaction.execute("CREATE INDEX ON audit_gifts (group_key)")
        try transaction.execute("ANALYZE audit_gifts")
        // One pass over the gifts gives every group's current and previous totals and its first gift.
        try transaction.execute("""
            CREATE TEMP TABLE audit_shares ON COMMIT DROP AS
            WITH per_group AS (
                SELECT group_key,
                       sum(base_amount) FILTER (WHERE counted AND occurred_at >= \(windowStart)) AS total,
                       coalesce(sum(base_amount) FILTER (WHERE counted AND occurred_at >= \(windowStart) AND is_restricted), 0) AS restricted,
                       count(*) FILTER (WHERE counted AND occurred_at >= \(windowStart)) AS gifts,
                       sum(base_amount) FILTER (WHERE counted AND occurred_at >= \(previousStart) AND occurred_at < \(windowStart)) AS previous,
                       min(occurred_at) AS first_gift
                FROM (SELECT *, type = 'donation' AND base_amount IS NOT NULL AS counted FROM audit_gifts) g
                GROUP BY group_key
            ), incomes AS (
                SELECT sum(total) AS income, sum(previous) AS previous_income FROM per_group
            )
            SELECT p.group_key, p.total, p.restricted, p.gifts, incomes.income, p.total / incomes.income AS share,
                   coalesce(p.previous, 0) / nullif(incomes.previous_income, 0) AS previous_share,
                   p.first_gift >= \(windowStart) AS is_new
            FROM per_group p CROSS JOIN incomes WHERE p.total IS NOT NULL
            """)
        try transaction.execute("""
            CREATE TEMP TABLE audit_pep_groups ON COMMIT DROP AS
            SELECT DISTINCT g.group_key FROM audit_groups g JOIN contacts c ON c.id = g.contact_id WHERE c.is_pep
            """)
    }

    /// Names and members of the groups that have findings or lead the chart: the member who
    /// gave most names the group.
    private func nameGroups() throws {
        try transaction.execute("""
            CREATE TEMP TABLE audit_group_names ON COMMIT DROP AS
            WITH wanted AS (
                SELECT group_key FROM audit_new WHERE group_key IS NOT NULL
                UNION SELECT group_key FROM (SELECT group_key FROM audit_shares ORDER BY share DESC, group_key LIMIT 12) t
            ), given AS (
                SELECT contact_id, sum(base_amount) AS given FROM audit_gifts GROUP BY contact_id
            ), members AS (
                SELECT g.group_key, g.contact_id, c.display_name, c.is_pep,
                       EXISTS (SELECT 1 FROM contact_roles r WHERE r.contact_id = g.contact_id AND r.role = 'board') AS trustee,
                       row_number() OVER (PARTITION BY g.group_key ORDER BY t.given DESC NULLS LAST, g.contact_id) AS rank
                FROM wanted w JOIN audit_groups g USING (group_key) JOIN contacts c ON c.id = g.contact_id
                LEFT JOIN given t ON t.contact_id = g.contact_id
            )
            SELECT group_key, max(display_name) FILTER (WHERE rank = 1) AS name, max(contact_id) FILTER (WHERE rank = 1) AS head_id,
                   array_agg(contact_id ORDER BY contact_id) AS members,
                   jsonb_agg(jsonb_build_object('id', contact_id, 'name', display_name, 'pep', is_pep, 'trustee', trustee)
                             ORDER BY contact_id) AS member_details
            FROM members GROUP BY group_key
            """)
        try transaction.execute("ALTER TABLE audit_group_names ADD PRIMARY KEY (group_key)")
    }

    // MARK: Rules

    /// A gift's day where the association is (not the UTC day: a gift logged on the evening
    /// of the 22nd in Beirut is a gift of the 22nd).
    private func localDay(_ moment: SQL) -> SQL {
        MoneySQL.localDay(moment, in: transaction.association)
    }

    /// An amount setting in the base currency (converted at today's rate when it names
    /// another currency), and how it was set, for the evidence.
    private func threshold(_ name: String) throws -> (base: Decimal, asSet: String) {
        let setting = configuration.money(name)
        let base = try ExchangeRateStore(transaction).inBaseCurrency(setting, on: transaction.association.today,
                                                                     purpose: "the influence-audit setting \(name)")
        return (base, setting.described(baseCurrency: currency))
    }

    private var thresholds: (notice: Decimal, warn: Decimal, high: Decimal) {
        (configuration.decimal("concentration_notice"), configuration.decimal("concentration_warn"), configuration.decimal("concentration_high"))
    }

    /// The largest gifts of a group in the window, as evidence.
    private func largestGifts(_ group: SQL) -> SQL {
        """
        (SELECT coalesce(jsonb_agg(jsonb_build_object('id', x.id, 'date', \(localDay("x.occurred_at")), 'amount', x.amount, 'currency', x.currency,
                                                       'base_amount', x.base_amount, 'restricted', x.is_restricted)
                                    ORDER BY x.base_amount DESC, x.id), '[]')
         FROM (SELECT * FROM audit_gifts WHERE group_key = \(group) AND occurred_at >= \(windowStart) AND base_amount IS NOT NULL
               AND type = 'donation' ORDER BY base_amount DESC, id LIMIT 5) x)
        """
    }

    /// Concentration, HHI, substantial contributors, rising shares, new funders, restricted share.
    private func concentrationRules() throws -> Decimal? {
        let (notice, warn, high) = thresholds
        try transaction.execute("""
            INSERT INTO audit_new
            SELECT 'concentration:' || s.group_key, 'concentration',
                   CASE WHEN s.share >= \(high) THEN 'high' WHEN s.share >= \(warn) THEN 'warn' ELSE 'notice' END,
                   s.group_key, s.share,
                   jsonb_build_object('share', round(s.share, 4), 'total', s.total, 'income', s.income, 'currency', \(currency)::text,
                                      'gifts', s.gifts, 'window_months', \(months), 'largest_gifts', \(largestGifts("s.group_key")))
            FROM audit_shares s WHERE s.share >= \(notice)
            """)
        let hhi = try transaction.query("SELECT round(sum((share * 100) ^ 2), 1), count(*) FROM audit_shares")[0]
        let index = try hhi.decode(Decimal?.self, at: 0)
        if let index {
            // Antitrust practice calls above 1,500 moderately and above 2,500 highly concentrated.
            try transaction.execute("""
                INSERT INTO audit_new
                SELECT 'hhi', 'hhi', CASE WHEN \(index) >= \(configuration.decimal("hhi_warn")) THEN 'warn' ELSE 'notice' END, NULL, \(index),
                       jsonb_build_object('hhi', \(index), 'effective_funders', round(10000 / \(index), 2),
                                          'funder_groups', \(try hhi.decode(Int.self, at: 1)), 'window_months', \(months))
                WHERE \(index) >= \(configuration.decimal("hhi_notice"))
                """)
        }
        let substantial = try threshold("substantial_minimum")
        try transaction.execute("""
            INSERT INTO audit_new
            SELECT 'substantial:' || s.group_key, 'substantial_contributor', 'notice', s.group_key, s.share,
                   jsonb_build_object('share', round(s.share, 4), 'total', s.total, 'currency', \(currency)::text, 'minimum',
                                      \(substantial.base), 'minimum_as_set', \(substantial.asSet)::text, 'window_months', \(months))
            FROM audit_shares s
            WHERE s.total >= \(substantial.base) AND s.share >= \(configuration.decimal("substantial_share"))
            """)
        try transaction.execute("""
            INSERT INTO audit_new
            SELECT 'share_rise:' || s.group_key, 'share_rise', 'warn', s.group_key, s.share - s.previous_share,
                   jsonb_build_object('share', round(s.share, 4), 'previous_share', round(s.previous_share, 4),
                                      'rise_points', round((s.share - s.previous_share) * 100, 1), 'window_months', \(months))
            FROM audit_shares s
            WHERE NOT s.is_new AND s.previous_share IS NOT NULL AND s.share - s.previous_share >= \(configuration.decimal("share_rise_points"))
            """)
        try transaction.execute("""
            INSERT INTO audit_new
            SELECT 'new_funder:' || s.group_key, 'new_funder', 'warn', s.group_key, s.share,
                   jsonb_build_object('share', round(s.share, 4), 'total', s.total, 'currency', \(currency)::text,
                                      'largest_gifts', \(largestGifts("s.group_key")))
            FROM audit_shares s
            WHERE s.is_new AND s.share >= \(configuration.decimal("new_funder_share"))
              -- In an association younger than the window every funder is new; the rule then says nothing.
              AND EXISTS (SELECT 1 FROM audit_gifts o WHERE o.occurred_at < \(windowStart))
            """)
        try transaction.execute("""
            INSERT INTO audit_new
            SELECT 'restricted:' || s.group_key, 'restricted_share', 'warn', s.group_key, s.restricted / s.income,
                   jsonb_build_object('restricted', s.restricted, 'income', s.income, 'share', round(s.restricted / s.income, 4),
                                      'currency', \(currency)::text, 'largest_gifts', \(largestGifts("s.group_key")))
            FROM audit_shares s WHERE s.restricted / s.income > \(configuration.decimal("restricted_share"))
            """)
        return index
    }

    /// A phrase of the lexicon found in a normalized text (`key`): English phrases as whole
    /// words, Arabic ones anywhere (prepositions and the article attach to words).
    /// Gift conditions and funders' notes the classifier placed in a family of steering;
    /// each family is a finding quoting the words that carried it.
    private func conditionRules() throws {
        let severity: SQL = "CASE WHEN m.category IN ('governance', 'political', 'mobilization') THEN 'high' ELSE 'warn' END"
        try transaction.execute("""
            INSERT INTO audit_new
            SELECT 'conditions:' || m.category || ':' || g.group_key, 'conditions', \(severity), g.group_key, count(*),
                   jsonb_build_object('category', m.category, 'gifts', jsonb_agg(jsonb_build_object(
                       'id', g.id, 'date', \(localDay("g.occurred_at")), 'amount', g.amount, 'currency', g.currency,
                       'base_amount', g.base_amount, 'type', g.type,
                       'conditions', g.conditions, 'matched', m.phrases, 'read_by', CASE WHEN m.by_frame THEN 'frames' ELSE 'model' END,
                       'confidence', round(m.confidence, 2)) ORDER BY g.occurred_at, g.id))
            FROM audit_gifts g
            JOIN audit_text_families m ON m.source = 'conditions' AND m.id = g.id
            WHERE g.occurred_at >= \(previousStart)
            GROUP BY m.category, g.group_key
            """)
        try transaction.execute("""
            INSERT INTO audit_new
            SELECT 'notes:' || m.category || ':' || g.group_key, 'notes', \(severity), g.group_key, count(*),
                   jsonb_build_object('category', m.category, 'notes', jsonb_agg(jsonb_build_object(
                       'id', i.id, 'date', \(localDay("i.occurred_at")), 'type', i.type, 'notes', i.notes, 'matched', m.phrases,
                       'read_by', CASE WHEN m.by_frame THEN 'frames' ELSE 'model' END, 'confidence', round(m.confidence, 2))
                       ORDER BY i.occurred_at, i.id))
            FROM interactions i
            JOIN audit_groups g ON g.contact_id = i.contact_id
            JOIN audit_text_families m ON m.source = 'notes' AND m.id = i.id
            WHERE i.occurred_at >= \(previousStart)
              AND EXISTS (SELECT 1 FROM audit_gifts f WHERE f.group_key = g.group_key)
            GROUP BY m.category, g.group_key
            """)
    }

    /// Conflicts of interest, politically exposed people, anonymous gifts.
    private func governanceRules() throws {
        try transaction.execute("""
            INSERT INTO audit_new
            SELECT 'conflict:' || d.id || ':' || t.contact_id, 'conflict_of_interest', 'high', b.group_key, 1,
                   jsonb_build_object('decision', jsonb_build_object('id', d.id, 'date', d.decided_on, 'subject', d.subject,
                                                                     'amount', d.amount, 'beneficiary', bc.display_name),
                                      'trustee', jsonb_build_object('id', t.contact_id, 'name', tc.display_name))
            FROM audit_decisions d
            JOIN audit_groups b ON b.contact_id = d.beneficiary_contact_id
            JOIN contacts bc ON bc.id = d.beneficiary_contact_id
            JOIN audit_groups t ON t.group_key = b.group_key
            JOIN contacts tc ON tc.id = t.contact_id
            WHERE EXISTS (SELECT 1 FROM contact_roles r WHERE r.contact_id = t.contact_id AND r.role = 'board'
                          AND (r.until IS NULL OR r.until >= d.decided_on))
              AND EXISTS (SELECT 1 FROM audit_gifts f WHERE f.group_key = b.group_key)
              AND NOT EXISTS (SELECT 1 FROM audit_decision_trustees x WHERE x.decision_id = d.id AND x.trustee_contact_id = t.contact_id)
            """)
        try transaction.execute("""
            INSERT INTO audit_new
            SELECT 'pep:' || giver.contact_id, 'pep', 'warn', giver.group_key, giver.total,
                   jsonb_build_object('giver', jsonb_build_object('id', giver.contact_id, 'name', gc.display_name, 'pep', gc.is_pep),
                                      'exposed', (SELECT jsonb_agg(jsonb_build_object('id', p.id, 'name', p.display_name, 'note', p.pep_note))
                                                  FROM audit_groups eg JOIN contacts p ON p.id = eg.contact_id
                                                  WHERE eg.group_key = giver.group_key AND p.is_pep),
                                      'total', giver.total, 'currency', \(currency)::text, 'gifts', giver.gifts)
            FROM (SELECT g.contact_id, g.group_key, coalesce(sum(g.base_amount), 0) AS total, count(*) AS gifts
                  FROM audit_gifts g JOIN audit_pep_groups USING (group_key)
                  WHERE g.occurred_at >= \(previousStart) GROUP BY g.contact_id, g.group_key) giver
            JOIN contacts gc ON gc.id = giver.contact_id
            WHERE NOT EXISTS (SELECT 1 FROM audit_approvals a WHERE a.contact_id = giver.contact_id)
            """)
        let limit = try threshold("anonymous_gift_limit")
        try transaction.execute("""
            INSERT INTO audit_new
            SELECT 'anonymous:' || g.id, 'anonymous_gift', CASE WHEN g.base_amount >= \(limit.base) * 10 THEN 'warn' ELSE 'notice' END,
                   g.group_key, g.base_amount,
                   jsonb_build_object('gift', jsonb_build_object('id', g.id, 'date', \(localDay("g.occurred_at")), 'amount', g.amount,
                                                                 'currency', g.currency, 'base_amount', g.base_amount),
                                      'limit', \(limit.base), 'limit_as_set', \(limit.asSet)::text, 'currency', \(currency)::text)
            FROM audit_gifts g WHERE g.is_anonymous AND g.base_amount > \(limit.base) AND g.occurred_at >= \(windowStart)
            """)
    }

    /// Gifts of exposed or political funders during election periods; decisions benefiting a
    /// group soon after a large gift from it.
    private func timingRules() throws {
        try transaction.execute("""
            INSERT INTO audit_new
            WITH exposed AS (
                SELECT group_key, jsonb_agg(reason ORDER BY reason) AS reasons FROM (
                    SELECT group_key, 'politically exposed' AS reason FROM audit_pep_groups
                    UNION SELECT group_key, 'political conditions or notes' FROM audit_new
                    WHERE group_key IS NOT NULL AND evidence ->> 'category' = 'political'
                ) r GROUP BY group_key
            )
            SELECT 'election:' || e.id || ':' || g.group_key, 'election_period_gift', 'high', g.group_key, coalesce(sum(g.base_amount), 0),
                   jsonb_build_object('election', jsonb_build_object('id', e.id, 'name', e.name, 'announced_on', e.announced_on,
                                                                     'polling_day', e.polling_day, 'region', e.region),
                                      'reasons', x.reasons,
                                      'currency', \(currency)::text,
                                      'gifts', jsonb_agg(jsonb_build_object('id', g.id, 'date', \(localDay("g.occurred_at")), 'amount', g.amount,
                                                                            'currency', g.currency, 'base_amount', g.base_amount)
                                                         ORDER BY g.occurred_at))
            FROM audit_election_periods e
            JOIN audit_gifts g ON g.occurred_at >= (e.announced_on::timestamp AT TIME ZONE \(transaction.association.timeZone)::text)
                              AND g.occurred_at < ((e.polling_day + 1)::timestamp AT TIME ZONE \(transaction.association.timeZone)::text)
            JOIN exposed x ON x.group_key = g.group_key
            GROUP BY e.id, e.name, e.announced_on, e.polling_day, e.region, g.group_key, x.reasons
            """)
        let days = configuration.integer("decision_window_days")
        let large = try threshold("large_gift")
        try transaction.execute("""
            INSERT INTO audit_new
            SELECT 'decision_gift:' || d.id, 'decision_after_gift', 'warn', b.group_key, max(g.base_amount),
                   jsonb_build_object('decision', jsonb_build_object('id', d.id, 'date', d.decided_on, 'subject', d.subject, 'amount', d.amount),
                                      'days', \(days), 'large_gift', \(large.base), 'large_gift_as_set', \(large.asSet)::text,
                                      'currency', \(currency)::text,
                                      'gifts', jsonb_agg(jsonb_build_object('id', g.id, 'date', \(localDay("g.occurred_at")), 'amount', g.amount,
                                                                            'currency', g.currency, 'base_amount', g.base_amount)
                                                         ORDER BY g.occurred_at))
            FROM audit_decisions d
            JOIN audit_groups b ON b.contact_id = d.beneficiary_contact_id
            JOIN audit_gifts g ON g.group_key = b.group_key AND g.type = 'donation' AND g.base_amount >= \(large.base)
                              AND \(localDay("g.occurred_at")) <= d.decided_on AND \(localDay("g.occurred_at")) > d.decided_on - \(days)::integer
            GROUP BY d.id, d.decided_on, d.subject, d.amount, b.group_key
            """)
    }

    // MARK: Storing

    /// Upserts this run's findings by fingerprint; returns (findings now present, of which new).
    private func storeFindings() throws -> (Int, Int) {
        let rows = try transaction.query("""
            SELECT n.fingerprint, n.rule, n.evidence::text, gn.name, coalesce(array_length(gn.members, 1), 0), gn.head_id
            FROM audit_new n LEFT JOIN audit_group_names gn ON gn.group_key = n.group_key
            """)
        // Which of the contacts a summary speaks of take the feminine in Arabic.
        var feminine: [Int64: Bool] = [:]
        for row in try transaction.query("""
            SELECT c.id, c.kind, c.display_name, c.gender FROM contacts c
            WHERE c.id IN (SELECT head_id FROM audit_group_names
                           UNION SELECT (evidence #>> '{giver,id}')::bigint FROM audit_new
                           UNION SELECT (evidence #>> '{trustee,id}')::bigint FROM audit_new)
            """) {
            let (id, kind, name, gender) = try row.decode(Int64.self, String.self, String.self, String?.self)
            feminine[id] = ArabicGrammar.isFeminine(kind: kind, name: name, gender: gender)
        }
        try transaction.execute("CREATE TEMP TABLE audit_summaries (fingerprint text PRIMARY KEY, summary text) ON COMMIT DROP")
        try transaction.copyIn("COPY audit_summaries FROM STDIN") { writer in
            for row in rows {
                let evidence = (try? JSONSerialization.jsonObject(with: Data(try row.decode(String.self, at: 2).utf8))) as? [String: Any] ?? [:]
                let text = FindingText.summary(rule: try row.decode(String.self, at: 1), group: try row.decode(String?.self, at: 3),
                                               members: try row.decode(Int.self, at: 4), evidence: evidence,
                                               language: transaction.association.language,
                                               head: try row.decode(Int64?.self, at: 5), feminine: feminine)
                try writer.writeRow([try row.decode(String.self, at: 0), text])
            }
        }
        let new = try transaction.query("""
            SELECT count(*) FROM audit_new n WHERE NOT EXISTS (SELECT 1 FROM audit_findings f WHERE f.fingerprint = n.fingerprint)
            """)[0].decode(Int.self, at: 0)
        try transaction.execute("""
            INSERT INTO audit_findings (fingerprint, rule, severity, group_key, group_name, group_contacts, score, summary, evidence)
            SELECT n.fingerprint, n.rule, n.severity, n.group_key, gn.name, coalesce(gn.members, '{}'), round(n.score, 4), s.summary,
                   n.evidence || jsonb_build_object('members', coalesce(gn.member_details, '[]'))
            FROM audit_new n JOIN audit_summaries s USING (fingerprint) LEFT JOIN audit_group_names gn ON gn.group_key = n.group_key
            ON CONFLICT (association_id, fingerprint) DO UPDATE
            SET severity = excluded.severity, group_name = excluded.group_name, group_contacts = excluded.group_contacts,
                score = excluded.score, summary = excluded.summary, evidence = excluded.evidence, last_seen = now(), present = true
            """)
        try transaction.execute("""
            UPDATE audit_findings f SET present = false WHERE present AND NOT EXISTS (SELECT 1 FROM audit_new n WHERE n.fingerprint = f.fingerprint)
            """)
        return (rows.count, new)
    }
}
