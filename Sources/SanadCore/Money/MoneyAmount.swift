public import Foundation

/// An amount with its currency, as a threshold is written: `1000 USD`. A bare `1000` means
/// the association's base currency (``currency`` is nil), which is how thresholds were
/// stored before they carried one.
public struct MoneyAmount: Codable, Sendable, Hashable, CustomStringConvertible {
    public var amount: Decimal
    public var currency: String?

    public init(_ amount: Decimal, _ currency: String? = nil) {
        self.amount = amount
        self.currency = currency
    }

    /// `1000 USD`, or `1000` for the base currency.
    public var description: String {
        currency.map { "\(amount) \($0)" } ?? amount.description
    }

    /// The amount in words for an association: `1000 USD`, or `1000 LBP (the association's currency)`.
    public func described(baseCurrency: String) -> String {
        currency.map { "\(amount) \($0)" } ?? "\(amount) \(baseCurrency) (the association's currency)"
    }

    /// Reads `1000`, `1000 USD`, `USD 1000` or `1000USD` (Arabic-Indic digits too).
    public init?(parsing text: String) {
        let ascii = InputValues.asciiDigits(text.trimmed).uppercased()
        let letters = ascii.unicodeScalars.filter { $0.properties.isAlphabetic }
        let number = String(String.UnicodeScalarView(ascii.unicodeScalars.filter { !$0.properties.isAlphabetic && $0 != " " }))
        guard InputValues.isDecimalLiteral(number), let value = Decimal(string: number, locale: Locale(identifier: "en_US_POSIX")) else {
            return nil
        }
        let code = String(String.UnicodeScalarView(letters))
        if code.isEmpty {
            self.init(value)
        } else {
            guard let valid = try? StandardCodes.currency(code) else { return nil }
            self.init(value, valid)
        }
    }
}
