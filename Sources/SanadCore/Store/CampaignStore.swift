internal import Foundation
internal import Postgres

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

    /// Creates a campaign.
    @discardableResult
    public func add(_ input: CampaignInput) throws -> Int64 {
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
        do {
            return try transaction.query("""
                INSERT INTO campaigns (slug, title, problem, place, starts_on, ends_on, goal_beneficiaries, goal_amount,
                                       goal_currency, goal_people_engaged)
                VALUES (\(slug), \(title), \(try TextRules.cleanedText(input.problem, field: "problem")),
                        \(try TextRules.cleanedText(input.place, field: "place", maxLength: 200)), \(starts), \(ends),
                        \(input.goalBeneficiaries), \(amount), \(currency), \(input.goalPeopleEngaged))
                RETURNING id
                """)[0].decode(Int64.self, at: 0)
        } catch let error as PostgresError where error.constraint == "campaigns_slug_unique" {
            throw SanadError.conflict("a campaign with slug \"\(slug)\" already exists", hint: "see it with: sanad campaign show \(slug)")
        }
    }

    /// The id of the campaign with `slug`.
    public func id(of slug: String) throws -> Int64 {
        let key = slug.lowercased()
        if let row = try transaction.query("SELECT id FROM campaigns WHERE slug = \(key)").singleRow() {
            return try row.decode(Int64.self, at: 0)
        }
        let known = try transaction.query("SELECT slug FROM campaigns ORDER BY slug").map { try $0.decode(String.self, at: 0) }
        var hint = known.isEmpty ? "create one with: sanad campaign add" : "known campaigns: \(known.prefix(20).joined(separator: ", "))"
        if let guess = Suggestion.closest(to: key, among: known) { hint = "did you mean \(guess)? " + hint }
        throw SanadError.notFound("there is no campaign \"\(slug)\"", hint: hint, field: "campaign")
    }

    /// Records how many beneficiaries the campaign reached so far.
    public func recordBeneficiaries(_ slug: String, reached: Int) throws {
        guard reached >= 0 else { throw SanadError.invalid("beneficiaries reached cannot be negative", hint: "give 0 or more") }
        try transaction.execute("UPDATE campaigns SET beneficiaries_reached = \(reached) WHERE id = \(try id(of: slug))")
    }

    /// Goals against measured values: amount raised (donations in the goal currency),
    /// people engaged (distinct contacts with any interaction in the campaign), and
    /// beneficiaries reached (recorded by hand).
    public func progress(_ slug: String) throws -> [OutputRecord] {
        let id = try id(of: slug)
        let row = try transaction.query("""
            SELECT c.goal_beneficiaries, c.beneficiaries_reached, c.goal_amount, c.goal_currency,
                   (SELECT coalesce(sum(i.amount), 0) FROM interactions i
                     WHERE i.campaign_id = c.id AND i.type = 'donation' AND i.currency = coalesce(c.goal_currency, a.base_currency)),
                   c.goal_people_engaged,
                   (SELECT count(DISTINCT i.contact_id) FROM interactions i WHERE i.campaign_id = c.id),
                   coalesce(c.goal_currency, a.base_currency), c.starts_on, c.ends_on, current_date
            FROM campaigns c JOIN associations a ON a.id = c.association_id
            WHERE c.id = \(id)
            """)[0]
        let goalBeneficiaries = try row.decode(Int64?.self, at: 0)
        let reached = try row.decode(Int64.self, at: 1)
        let goalAmount = try row.decode(Decimal?.self, at: 2)
        let raised = try row.decode(Decimal.self, at: 4)
        let goalPeople = try row.decode(Int64?.self, at: 5)
        let engaged = try row.decode(Int64.self, at: 6)
        let currency = try row.decode(String.self, at: 7)
        func percent(_ measured: Decimal, of goal: Decimal?) -> OutputValue {
            guard let goal, goal > 0 else { return .null }
            var value = measured / goal * 100
            var rounded = Decimal()
            NSDecimalRound(&rounded, &value, 1, .plain)
            return .decimal(rounded)
        }
        return [
            ["goal": .text("beneficiaries reached"), "target": .of(goalBeneficiaries), "measured": .integer(reached),
             "percent": percent(Decimal(reached), of: goalBeneficiaries.map { Decimal($0) }), "unit": .text("people")],
            ["goal": .text("amount raised"), "target": .of(goalAmount), "measured": .decimal(raised),
             "percent": percent(raised, of: goalAmount), "unit": .text(currency)],
            ["goal": .text("people engaged"), "target": .of(goalPeople), "measured": .integer(engaged),
             "percent": percent(Decimal(engaged), of: goalPeople.map { Decimal($0) }), "unit": .text("contacts")],
        ]
    }

    static let columns: SQL = """
        c.slug, c.title, c.problem, c.place, c.starts_on, c.ends_on, c.goal_beneficiaries, c.goal_amount, c.goal_currency,
        c.goal_people_engaged, c.beneficiaries_reached, c.created_at
        """

    static func record(_ row: Row) throws -> OutputRecord {
        [
            "slug": .text(try row.decode(String.self, at: 0)), "title": .text(try row.decode(String.self, at: 1)),
            "problem": .of(try row.decode(String?.self, at: 2)), "place": .of(try row.decode(String?.self, at: 3)),
            "starts_on": .date(try row.decode(CalendarDate.self, at: 4)), "ends_on": .date(try row.decode(CalendarDate.self, at: 5)),
            "goal_beneficiaries": .of(try row.decode(Int64?.self, at: 6)), "goal_amount": .of(try row.decode(Decimal?.self, at: 7)),
            "goal_currency": .of(try row.decode(String?.self, at: 8)), "goal_people_engaged": .of(try row.decode(Int64?.self, at: 9)),
            "beneficiaries_reached": .integer(try row.decode(Int64.self, at: 10)),
            "created_at": .timestamp(try row.decode(Date.self, at: 11)),
        ]
    }

    public func list() throws -> [OutputRecord] {
        try transaction.query("SELECT \(Self.columns) FROM campaigns c ORDER BY c.starts_on DESC, c.slug").map(Self.record)
    }

    public func show(_ slug: String) throws -> OutputRecord {
        let id = try id(of: slug)
        return try Self.record(try transaction.query("SELECT \(Self.columns) FROM campaigns c WHERE c.id = \(id)")[0])
    }
}
