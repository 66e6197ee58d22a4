public import Foundation
public import Postgres

/// SQL that converts amounts into one currency at the rates of their day, for set-based
/// totals (the audit, campaign progress, segment rules, RFM).
///
/// An amount is converted at the latest rate set on or before its local day, in the
/// association's time zone. The base currency needs no rate; another currency without a
/// rate for the day converts to NULL, so a total leaves it out and ``UnconvertedGifts``
/// can say which were left out.
public enum MoneySQL {
    /// The local calendar day of a timestamp column, in the association's time zone.
    public static func localDay(_ moment: SQL, in association: Association) -> SQL {
        "(\(moment) AT TIME ZONE \(association.timeZone)::text)::date"
    }

    /// The rate of `currency` (an expression) on `day`: base-currency units per unit, or NULL.
    public static func rate(of currency: SQL, on day: SQL) -> SQL {
        """
        (SELECT r.rate FROM exchange_rates r WHERE r.currency = \(currency) AND r.valid_on <= \(day)
         ORDER BY r.valid_on DESC LIMIT 1)
        """
    }

    /// `amount` (in `currency`, on the local day of `moment`) in the base currency, or NULL
    /// when its currency has no rate for that day. The rate is looked up only for foreign
    /// currencies, so a base-currency total costs nothing extra.
    public static func inBaseCurrency(amount: SQL, currency: SQL, at moment: SQL, association: Association) -> SQL {
        """
        (CASE WHEN \(currency) = \(association.baseCurrency)::text THEN \(amount)
              ELSE \(amount) * \(rate(of: currency, on: localDay(moment, in: association))) END)
        """
    }

    /// `amount` in `target`: through the base currency, both at the rates of the amount's day.
    public static func inCurrency(_ target: String, amount: SQL, currency: SQL, at moment: SQL, association: Association) -> SQL {
        let base = inBaseCurrency(amount: amount, currency: currency, at: moment, association: association)
        guard target != association.baseCurrency else { return base }
        return """
            (CASE WHEN \(currency) = \(target)::text THEN \(amount)
                  ELSE \(base) / \(rate(of: "\(target)::text", on: localDay(moment, in: association))) END)
            """
    }
}

/// Gifts a total had to leave out because their currency had no rate for their day.
public struct UnconvertedGifts: Codable, Sendable, Hashable {
    public var currency: String
    public var gifts: Int
    public var amount: Decimal

    public init(currency: String, gifts: Int, amount: Decimal) {
        self.currency = currency
        self.gifts = gifts
        self.amount = amount
    }

    /// The gifts of `source` (a query over interactions aliased `i`, with a WHERE clause)
    /// that convert to nothing in `target`, by currency.
    public static func find(in transaction: AssociationTransaction, target: String, from source: SQL) throws -> [UnconvertedGifts] {
        let converted = MoneySQL.inCurrency(target, amount: "i.amount", currency: "i.currency", at: "i.occurred_at",
                                            association: transaction.association)
        // Gifts in the base or the target currency always convert: only the others are looked at.
        return try transaction.query("""
            SELECT i.currency, count(*) AS gifts, sum(i.amount) AS amount FROM \(source)
              AND i.amount IS NOT NULL AND i.currency NOT IN (\(transaction.association.baseCurrency), \(target))
              AND \(converted) IS NULL
            GROUP BY i.currency ORDER BY i.currency
            """).map { row in
            UnconvertedGifts(currency: try row.decode("currency"), gifts: try row.decode("gifts"), amount: try row.decode("amount"))
        }
    }
}
