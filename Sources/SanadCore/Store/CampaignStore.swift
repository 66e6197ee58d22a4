public import Foundation
public import Postgres

/// A campaign as typed: one problem, one place, one period, measurable goals.
public struct CampaignInput: Sendable {
    public var slug: String
    public var title: String
    public var problem: String?
    public var place: String?
    public var startsOn: String
    public var endsOn: String
    public var goalBeneficiaries: Int?
    public var goalAmount: String?
    public var goalCurrency: String?
    public var goalPeopleEngaged: Int?

    public init(slug: String, title: String, startsOn: String, endsOn: String) {
        self.slug = slug
        self.title = title
        self.startsOn = startsOn
        self.endsOn = endsOn
    }
}

/// Campaigns of one association and how far they got.
public struct CampaignStore {
    public let transaction: AssociationTransaction

    public init(_ transaction: AssociationTransaction) {
        self.transaction = transaction
    }

    /// A campaign's fields, checked: what `add` stores and `update` writes back.
    private struct Checked {
        var slug: String
        var title: String
        var problem: String?
        var place: String?
        var starts: CalendarDate
        var ends: CalendarDate
        var goalBeneficiaries: Int?
        var goalAmount: Decimal?
        var goalCurrency: String?
        var goalPeopleEngaged: Int?
    }

    private func checked(_ input: CampaignInput) throws -> Checked {
        let slug = try InputValues.slug(input.slug, field: "campaign slug")
        let title = try TextRules.cleanedName(input.title, field: "title", maxLength: 200)
        let starts = try InputValues.day(input.startsOn, field: "start")
        let ends = try InputValues.day(input.endsOn, field: "end")
        guard ends >= starts else {
            throw SanadError.invalid("the campaign ends (\(ends)) before it starts (\(starts))", hint: "check --start and --end")
        }
        for (name, value) in [("beneficiaries goal", input.goalBeneficiaries), ("people goal", input.goalPeopleEngaged)] {
            if let value, value <= 0 { throw SanadError.invalid("the \(name) must be above zero", hint: "leave it out if there is none") }
        }
        var amount: Decimal?
        var currency: String?
        if let amountText = input.goalAmount {
            currency = try InputValues.currency(input.goalCurrency ?? transaction.association.baseCurrency, field: "goal currency")
            amount = try InputValues.amount(amountText, currency: currency!, field: "goal amount")
        } else if input.goalCurrency != nil {
            throw SanadError.invalid("a goal currency needs a goal amount", hint: "add --goal-amount")
        }
        return Checked(slug: slug, title: title, problem: try TextRules.cleanedText(input.problem, field: "problem"),
                       place: try TextRules.cleanedText(input.place, field: "place", maxLength: 200), starts: starts, ends: ends,
                       goalBeneficiaries: input.goalBeneficiaries, goalAmount: amount, goalCurrency: currency,
                       goalPeopleEngaged: input.goalPeopleEngaged)
    }

    /// Creates a campaign.
    @discardableResult
    public func add(_ input: CampaignInput) throws -> Int64 {
        let campaign = try checked(input)
        do {
            return try transaction.query("""
                INSERT INTO campaigns (slug, title, problem, place, starts_on, ends_on, goal_beneficiaries, goal_amount,
                                       goal_currency, goal_people_engaged)
                VALUES (\(campaign.slug), \(campaign.title), \(campaign.problem), \(campaign.place), \(campaign.starts), \(campaign.ends),
                        \(campaign.goalBeneficiaries), \(campaign.goalAmount), \(campaign.goalCurrency), \(campaign.goalPeopleEngaged))
                RETURNING id
                """)[0].decode(Int64.self, at: 0)
        } catch let error as PostgresError where error.constraint == "campaigns_slug_unique" {
            throw SanadError.conflict("a campaign with slug \"\(campaign.slug)\" already exists", hint: "see it",
                                      remedy: .showCampaign(slug: campaign.slug))
        }
    }

    /// Changes any of a campaign's fields: `change` edits its current values, which are then
    /// checked as a new campaign's are; the change is in the audit log.
    @discardableResult
    public func update(_ slug: String, _ change: (inout CampaignInput) throws -> Void) throws -> Campaign {
        let id = try id(of: slug)
        let current = try show(slug)
        var input = CampaignInput(slug: current.slug, title: current.title, startsOn: current.startsOn.description,
                                  endsOn: current.endsOn.description)
        input.problem = current.problem
        input.place = current.place
        input.goalBeneficiaries = current.goalBeneficiaries.map(Int.init)
        input.goalAmount = current.goalAmount.map { "\($0)" }
        input.goalCurrency = current.goalAmount == nil ? nil : current.goalCurrency
        input.goalPeopleEngaged = current.goalPeopleEngaged.map(Int.init)
        try change(&input)
        input.slug = current.slug  // the slug names the campaign everywhere; it does not change here
        let campaign = try checked(input)
        try transaction.execute("""
            UPDATE campaigns SET title = \(campaign.title), problem = \(campaign.problem), place = \(campaign.place),
                   starts_on = \(campaign.starts), ends_on = \(campaign.ends), goal_beneficiaries = \(campaign.goalBeneficiaries),
                   goal_amount = \(campaign.goalAmount), goal_currency = \(campaign.goalCurrency),
                   goal_people_engaged = \(campaign.goalPeopleEngaged)
            WHERE id = \(id)
            """)
        try transaction.audit("campaign.update", entity: "campaigns", id: id)
        return try show(slug)
    }

    /// The id of the campaign with `slug`.
    public func id(of slug: String) throws -> Int64 {
        let key = slug.lowercased()
        if let row = try transaction.query("SELECT id FROM campaigns WHERE slug = \(key)").singleRow() {
            return try row.decode(Int64.self, at: 0)
        }
        let known = try transaction.query("SELECT slug FROM campaigns ORDER BY slug").map { try $0.decode(String.self, at: 0) }
        var hint = known.isEmpty ? "create one" : "known campaigns: \(known.prefix(20).joined(separator: ", "))"
        if let guess = Suggestion.closest(to: key, among: known) { hint = "did you mean \(guess)? " + hint }
        throw SanadError.notFound("there is no campaign \"\(slug)\"", hint: hint, remedy: known.isEmpty ? .addCampaign : nil, field: "campaign")
    }

    /// Records how many beneficiaries the campaign reached so far.
    public func recordBeneficiaries(_ slug: String, reached: Int) throws {
        guard reached >= 0 else { throw SanadError.invalid("beneficiaries reached cannot be negative", hint: "give 0 or more") }
        try transaction.execute("UPDATE campaigns SET beneficiaries_reached = \(reached) WHERE id = \(try id(of: slug))")
    }

    /// Goals against measured values: amount raised (donations) and pledged (pledges), each
    /// gift converted into the goal currency at the rates of its day; people engaged
    /// (distinct contacts with any interaction in the campaign); beneficiaries reached
    /// (recorded by hand). Gifts that cannot be converted are left out and listed.
    public func progress(_ slug: String) throws -> CampaignProgress {
        let id = try id(of: slug)
        let association = transaction.association
        let goal = try transaction.query("SELECT coalesce(goal_currency, \(association.baseCurrency)::text) FROM campaigns WHERE id = \(id)")[0]
            .decode(String.self, at: 0)
        let converted = MoneySQL.inCurrency(goal, amount: "i.amount", currency: "i.currency", at: "i.occurred_at", association: association)
        let row = try transaction.query("""
            SELECT c.goal_beneficiaries, c.beneficiaries_reached, c.goal_amount,
                   (SELECT coalesce(sum(\(converted)) FILTER (WHERE i.type = 'donation'), 0) FROM interactions i
                     WHERE i.campaign_id = c.id AND i.type = 'donation') AS raised,
                   (SELECT coalesce(sum(\(converted)) FILTER (WHERE i.type = 'pledge'), 0) FROM interactions i
                     WHERE i.campaign_id = c.id AND i.type = 'pledge') AS pledged,
                   c.goal_people_engaged,
                   (SELECT count(DISTINCT i.contact_id) FROM interactions i WHERE i.campaign_id = c.id) AS engaged
            FROM campaigns c WHERE c.id = \(id)
            """)[0]
        let unconverted = try UnconvertedGifts.find(in: transaction, target: goal, from: """
            interactions i WHERE i.campaign_id = \(id) AND i.type IN ('donation', 'pledge')
            """)
        let rates = try transaction.query("""
            SELECT DISTINCT ON (i.currency) i.currency, r.valid_on, r.rate, r.source
            FROM interactions i
            CROSS JOIN LATERAL (SELECT x.valid_on, x.rate, x.source FROM exchange_rates x
                                WHERE x.currency = i.currency AND x.valid_on <= \(MoneySQL.localDay("i.occurred_at", in: association))
                                ORDER BY x.valid_on DESC LIMIT 1) r
            WHERE i.campaign_id = \(id) AND i.type IN ('donation', 'pledge') AND i.currency <> \(association.baseCurrency)::text
            ORDER BY i.currency, r.valid_on DESC
            """).map { row in
            ExchangeRate(currency: try row.decode("currency"), validOn: try row.decode("valid_on"), rate: try row.decode("rate"),
                         source: try row.decode("source"))
        }
        return CampaignProgress(
            slug: slug, currency: goal, goalBeneficiaries: try row.decode("goal_beneficiaries"), beneficiariesReached: try row.decode("beneficiaries_reached"),
            goalAmount: try row.decode("goal_amount"), raised: try row.decode("raised"), pledged: try row.decode("pledged"),
            goalPeopleEngaged: try row.decode("goal_people_engaged"), peopleEngaged: try row.decode("engaged"),
            latestRates: rates, unconverted: unconverted)
    }

    public func list() throws -> [Campaign] {
        try transaction.query("SELECT \(Campaign.columns) FROM campaigns c ORDER BY c.starts_on DESC, c.slug").map { try $0.decode(Campaign.self) }
    }

    public func show(_ slug: String) throws -> Campaign {
        let id = try id(of: slug)
        return try transaction.query("SELECT \(Campaign.columns) FROM campaigns c WHERE c.id = \(id)")[0].decode(Campaign.self)
    }
}

/// A campaign: one problem, one place, one period, measurable goals.
public struct Campaign: Sendable, Codable, Equatable {
    public var slug: String
    public var title: String
    public var problem: String?
    public var place: String?
    public var startsOn: CalendarDate
    public var endsOn: CalendarDate
    public var goalBeneficiaries: Int64?
    public var goalAmount: Decimal?
    public var goalCurrency: String?
    public var goalPeopleEngaged: Int64?
    public var beneficiariesReached: Int64
    public var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case slug, title, problem, place, startsOn = "starts_on", endsOn = "ends_on", goalBeneficiaries = "goal_beneficiaries",
             goalAmount = "goal_amount", goalCurrency = "goal_currency", goalPeopleEngaged = "goal_people_engaged",
             beneficiariesReached = "beneficiaries_reached", createdAt = "created_at"
    }

    static let columns: SQL = """
        c.slug, c.title, c.problem, c.place, c.starts_on, c.ends_on, c.goal_beneficiaries, c.goal_amount, c.goal_currency,
        c.goal_people_engaged, c.beneficiaries_reached, c.created_at
        """
}

/// A campaign's goals against what was measured. Money is in ``currency`` (the goal's, else
/// the association's), every gift converted at the rate of its day.
public struct CampaignProgress: Codable, Sendable {
    public var slug: String
    public var currency: String
    public var goalBeneficiaries: Int64?
    public var beneficiariesReached: Int64
    public var goalAmount: Decimal?
    /// Donations, converted.
    public var raised: Decimal
    /// Pledges (promised, not yet given), converted.
    public var pledged: Decimal
    public var goalPeopleEngaged: Int64?
    public var peopleEngaged: Int64
    /// The latest rate used for each foreign currency among the campaign's gifts.
    public var latestRates: [ExchangeRate]
    /// Gifts left out for want of a rate: the amounts above are then incomplete.
    public var unconverted: [UnconvertedGifts]

    /// `measured` as a percentage of `goal`, to one decimal; nil without a goal.
    public static func percent(_ measured: Decimal, of goal: Decimal?) -> Decimal? {
        guard let goal, goal > 0 else { return nil }
        var value = measured / goal * 100
        var rounded = Decimal()
        NSDecimalRound(&rounded, &value, 1, .plain)
        return rounded
    }
}
