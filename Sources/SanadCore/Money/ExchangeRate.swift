public import Foundation
public import Postgres

/// What one unit of a foreign currency is worth in the association's base currency, from a
/// day on: `1 USD = 89,500 LBP from 2026-11-01, market rate`.
public struct ExchangeRate: Codable, Sendable, Hashable {
    public var currency: String
    public var validOn: CalendarDate
    /// Base-currency units per one unit of ``currency``.
    public var rate: Decimal
    public var source: String

    public init(currency: String, validOn: CalendarDate, rate: Decimal, source: String) {
        self.currency = currency
        self.validOn = validOn
        self.rate = rate
        self.source = source
    }

    static let columns: SQL = "currency, valid_on, rate, source"

    init(row: Row) throws {
        currency = try row.decode("currency")
        validOn = try row.decode("valid_on")
        rate = try row.decode("rate")
        source = try row.decode("source")
    }
}

/// The exchange rates of one association.
public struct ExchangeRateStore {
    public let transaction: AssociationTransaction

    public init(_ transaction: AssociationTransaction) {
        self.transaction = transaction
    }

    var baseCurrency: String { transaction.association.baseCurrency }

    /// Sets (or replaces) the rate of `currency` from `day` on.
    ///
    /// - Throws: ``SanadError`` when the currency is the base currency or not ISO 4217, or
    ///   the rate is not a positive number.
    public func set(_ currency: String, rate: Decimal, on day: CalendarDate, source: String?) throws {
        let code = try StandardCodes.currency(currency)
        guard code != baseCurrency else {
            throw SanadError.invalid("\(code) is the association's own currency; its rate is always 1",
                                     hint: "give the rate of a foreign currency", remedy: .setExchangeRate(currency: nil, day: nil))
        }
        guard rate > 0 else { throw SanadError.invalid("a rate must be more than zero", hint: "give how many \(baseCurrency) one \(code) is worth") }
        let source = try TextRules.cleanedText(source, field: "source", maxLength: 200) ?? "manual"
        try set([ExchangeRate(currency: code, validOn: day, rate: rate, source: source)])
    }

    /// Sets many rates in one statement (an import); returns how many were new or changed.
    @discardableResult
    public func set(_ rates: [ExchangeRate]) throws -> Int {
        guard !rates.isEmpty else { return 0 }
        return try transaction.execute("""
            INSERT INTO exchange_rates (currency, valid_on, rate, source)
            SELECT * FROM unnest(\(rates.map(\.currency))::text[], \(rates.map { $0.validOn.description })::date[],
                                 \(rates.map { $0.rate.description })::numeric[], \(rates.map(\.source))::text[])
            ON CONFLICT (association_id, currency, valid_on) DO UPDATE SET rate = excluded.rate, source = excluded.source
            WHERE (exchange_rates.rate, exchange_rates.source) IS DISTINCT FROM (excluded.rate, excluded.source)
            """)
    }

    /// Rates by currency and day, optionally within days and for one currency.
    public func rates(from: CalendarDate? = nil, to: CalendarDate? = nil, currency: String? = nil) throws -> [ExchangeRate] {
        let code = try currency.map { try StandardCodes.currency($0) }
        return try transaction.query("""
            SELECT \(ExchangeRate.columns) FROM exchange_rates
            WHERE (\(from)::date IS NULL OR valid_on >= \(from)) AND (\(to)::date IS NULL OR valid_on <= \(to))
              AND (\(code)::text IS NULL OR currency = \(code))
            ORDER BY currency, valid_on
            """).map(ExchangeRate.init(row:))
    }

    /// The rate of `currency` on `day`: the latest one set on or before it (1 for the base
    /// currency), or nil when there is none.
    public func rate(of currency: String, on day: CalendarDate) throws -> Decimal? {
        guard currency != baseCurrency else { return 1 }
        return try transaction.query("""
            SELECT rate FROM exchange_rates WHERE currency = \(currency) AND valid_on <= \(day) ORDER BY valid_on DESC LIMIT 1
            """).singleRow()?.decode(Decimal.self, at: 0)
    }

    /// `amount` converted into the base currency at the rate of `day`.
    ///
    /// - Throws: ``SanadError`` naming the currency and day when there is no rate, with the
    ///   command that sets one.
    public func inBaseCurrency(_ amount: MoneyAmount, on day: CalendarDate, purpose: String) throws -> Decimal {
        let currency = amount.currency ?? baseCurrency
        guard let rate = try rate(of: currency, on: day) else {
            throw SanadError.invalid("\(purpose) is \(amount.amount) \(currency), but there is no \(currency) rate on or before \(day)",
                                     hint: "set how many \(baseCurrency) one \(currency) is worth on that day", remedy: .setExchangeRate(currency: currency, day: day))
        }
        return amount.amount * rate
    }
}
