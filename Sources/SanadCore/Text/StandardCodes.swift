internal import Foundation

/// ISO codes and slugs, checked against sets built once (Foundation rebuilds its lists on
/// every access, which made bulk validation slow).
public enum StandardCodes {
    static let countries: Set<String> = Set(Locale.Region.isoRegions.map(\.identifier).filter { $0.count == 2 })
    static let currencies: Set<String> = Set(Locale.Currency.isoCurrencies.map(\.identifier))
    static let languages: Set<String> = Set(Locale.LanguageCode.isoLanguageCodes.map(\.identifier).filter { (2...3).contains($0.count) })

    /// The uppercased ISO 3166 code, or an error naming `field`.
    public static func country(_ text: String, field: String = "country") throws -> String {
        let code = text.trimmed.uppercased()
        guard countries.contains(code) else {
            throw SanadError.invalid("\(field) \"\(text)\" is not an ISO 3166 code", hint: "use two letters, such as LB, JO, GB")
        }
        return code
    }

    /// The uppercased ISO 4217 code, or an error naming `field`.
    public static func currency(_ text: String, field: String = "currency") throws -> String {
        let code = text.trimmed.uppercased()
        guard currencies.contains(code) else {
            throw SanadError.invalid("\(field) \"\(text)\" is not an ISO 4217 code", hint: "use three letters, such as USD, EUR, LBP, JOD")
        }
        return code
    }

    /// The lowercased ISO 639 code, or an error naming `field`.
    public static func language(_ text: String, field: String = "language") throws -> String {
        let code = text.trimmed.lowercased()
        guard languages.contains(code) else {
            throw SanadError.invalid("\(field) \"\(text)\" is not an ISO 639 code", hint: "use two letters, such as ar or en")
        }
        return code
    }

    /// A slug: 1-63 lowercase ASCII letters, digits and inner hyphens.
    public static func isSlug(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard (1...63).contains(bytes.count), bytes.first != UInt8(ascii: "-"), bytes.last != UInt8(ascii: "-") else { return false }
        return bytes.allSatisfy { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "-") }
    }
}

extension String {
    /// Without leading and trailing white space or line breaks (Unicode-aware, and much
    /// faster than Foundation's `trimmingCharacters`).
    public var trimmed: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        if first == scalars.startIndex && last == scalars.index(before: scalars.endIndex) { return self }
        return String(scalars[first...last])
    }
}
