public import Foundation
public import Postgres

/// Reading the values people type: days, moments, money. Every failure names the field
/// and shows the expected form.
public enum InputValues {
    /// `YYYY-MM-DD` (Arabic-Indic digits accepted); with `order`, also `21/03/2026`,
    /// `21.03.2026` or `21-03-2026` read in that order.
    ///
    /// - Parameter orderCanBeGiven: the caller reads an order the person can choose (imports'
    ///   `--date-order`); only then does the hint offer it.
    public static func day(_ text: String, field: String, order: DateOrder? = nil, orderCanBeGiven: Bool = false) throws -> CalendarDate {
        let ascii = asciiDigits(text.trimmed)
        if let day = CalendarDate(iso: ascii) { return day }
        if let order {
            let parts = ascii.split(whereSeparator: { $0 == "/" || $0 == "." || $0 == "-" }).map { Int($0) }
            if parts.count == 3, let a = parts[0], let b = parts[1], let year = parts[2], year >= 1000,
               let day = order == .dmy ? CalendarDate(year: year, month: b, day: a) : CalendarDate(year: year, month: a, day: b) {
                return day
            }
        }
        throw SanadError.invalid("\(field) \"\(text)\" is not a date",
                                 hint: order != nil ? "write it as YYYY-MM-DD or in \(order!.rawValue) order"
                                     : orderCanBeGiven ? "write it as YYYY-MM-DD (or give --date-order dmy for 21/03/2026)"
                                     : "write it as YYYY-MM-DD, such as 2026-03-21")
    }

    /// A moment: `YYYY-MM-DD`, `YYYY-MM-DD HH:MM[:SS]` in `timeZone`, or ISO 8601 with `Z`
    /// or an offset. A local time that does not exist (the hour skipped when clocks go
    /// forward) is refused; a day alone is the first moment of that day.
    public static func moment(_ text: String, field: String, timeZone: TimeZone) throws -> Date {
        let ascii = asciiDigits(text.trimmed)
        let refusal = SanadError.invalid("\(field) \"\(text)\" is not a date and time",
                                         hint: "write it as YYYY-MM-DD HH:MM (in \(timeZone.identifier)), or ISO 8601 with Z or an offset")
        if ascii.count > 10, ascii.hasSuffix("Z") || Self.hasOffsetSuffix(ascii) {
            let normalized = ascii.replacingOccurrences(of: "T", with: " ")
            guard let date = Self.offsetMoment(normalized) else { throw refusal }
            return date
        }
        let pieces = ascii.replacingOccurrences(of: "T", with: " ").split(separator: " ", omittingEmptySubsequences: true)
        guard pieces.count == 1 || pieces.count == 2, let day = CalendarDate(iso: pieces[0]) else { throw refusal }
        var hour = 0, minute = 0, second = 0
        if pieces.count == 2 {
            let clock = pieces[1].split(separator: ":").map { Int($0) }
            guard clock.count >= 2, clock.count <= 3, !clock.contains(nil),
                  let h = clock[0], let m = clock[1], (0...23).contains(h), (0...59).contains(m) else { throw refusal }
            hour = h
            minute = m
            second = clock.count == 3 ? clock[2]! : 0
            guard (0...59).contains(second) else { throw refusal }
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        if pieces.count == 1 {
            // A day alone means its first moment, which is 01:00 where clocks skip midnight
            // (Beirut and Cairo move them at 00:00).
            guard let noon = calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day, hour: 12)) else { throw refusal }
            return calendar.startOfDay(for: noon)
        }
        let components = DateComponents(year: day.year, month: day.month, day: day.day, hour: hour, minute: minute, second: second)
        guard let date = calendar.date(from: components) else { throw refusal }
        let back = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        guard back.hour == hour, back.minute == minute, back.day == day.day else {
            throw SanadError.invalid("\(field) \"\(text)\" does not exist in \(timeZone.identifier): the clocks skip that hour",
                                     hint: "choose a time an hour later")
        }
        return date
    }

    private static func offsetMoment(_ text: String) -> Date? {
        var body = text
        var offsetSeconds = 0
        if body.hasSuffix("Z") {
            body.removeLast()
        } else if let signIndex = body.lastIndex(where: { $0 == "+" || $0 == "-" }), signIndex > body.index(body.startIndex, offsetBy: 10) {
            let offset = body[body.index(after: signIndex)...].replacingOccurrences(of: ":", with: "")
            guard offset.count == 2 || offset.count == 4, let value = Int(offset) else { return nil }
            let hours = offset.count == 2 ? value : value / 100
            let minutes = offset.count == 2 ? 0 : value % 100
            offsetSeconds = (hours * 3600 + minutes * 60) * (body[signIndex] == "-" ? -1 : 1)
            body = String(body[..<signIndex])
        }
        let pieces = body.split(separator: " ")
        guard pieces.count == 2, let day = CalendarDate(iso: pieces[0]) else { return nil }
        let clock = pieces[1].split(separator: ":").compactMap { Double($0) }
        guard clock.count >= 2, clock.count <= 3, clock[0] < 24, clock[1] < 60, (clock.count == 2 || clock[2] < 60) else { return nil }
        let seconds = clock[0] * 3600 + clock[1] * 60 + (clock.count == 3 ? clock[2] : 0)
        return Date(timeIntervalSince1970: TimeInterval(day.daysSinceEpoch) * 86_400 + seconds - TimeInterval(offsetSeconds))
    }

    /// A positive amount with at most the currency's minor digits: `1500`, `12.5`,
    /// `١٢٫٥`. Thousands separators are refused (is `1,500` one and a half?).
    public static func amount(_ text: String, currency: String, field: String = "amount") throws -> Decimal {
        let ascii = asciiDigits(text.trimmed).replacingOccurrences(of: "\u{066B}", with: ".")
        guard isDecimalLiteral(ascii.hasPrefix("-") ? String(ascii.dropFirst()) : ascii),
              let value = Decimal(string: ascii, locale: Locale(identifier: "en_US_POSIX")) else {
            throw SanadError.invalid("\(field) \"\(text)\" is not a number",
                                     hint: "write digits with a dot for decimals and no thousands separator, such as 1500.50")
        }
        guard value > 0 else {
            throw SanadError.invalid("\(field) \(text) must be more than zero", hint: "to give money back, refund the gift: interaction refund ID --amount X --reason \"...\"")
        }
        let decimals = ascii.split(separator: ".").dropFirst().first?.count ?? 0
        let allowed = minorDigits(currency)
        guard decimals <= allowed else {
            throw SanadError.invalid("\(field) \(text) has \(decimals) decimals; \(currency) has \(allowed)",
                                     hint: "round it to \(allowed) decimal\(allowed == 1 ? "" : "s")")
        }
        guard value < Decimal(string: "1000000000000000")! else {
            throw SanadError.invalid("\(field) \(text) is too large", hint: "check the number of digits")
        }
        return value
    }

    /// `123` or `123.45`: ASCII digits with at most one dot between digits.
    public static func isDecimalLiteral(_ text: String, maxDecimals: Int = .max) -> Bool {
        let parts = text.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0 >= 48 && $0 <= 57 } }) else {
            return false
        }
        return parts.count == 1 || parts[1].count <= maxDecimals
    }

    /// Whether the text ends in a UTC offset such as `+02`, `+0200` or `-05:30`.
    static func hasOffsetSuffix(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        for length in [3, 5, 6] where bytes.count > length {
            let tail = bytes[(bytes.count - length)...]
            guard tail.first == UInt8(ascii: "+") || tail.first == UInt8(ascii: "-") else { continue }
            let rest = Array(tail.dropFirst())
            let digitsOnly = rest.filter { $0 != UInt8(ascii: ":") }
            let colonPlaced = length != 6 || rest[2] == UInt8(ascii: ":")
            if colonPlaced, digitsOnly.count == (length == 3 ? 2 : 4), digitsOnly.allSatisfy({ $0 >= 48 && $0 <= 57 }) { return true }
        }
        return false
    }

    /// An ISO 4217 code, uppercased.
    public static func currency(_ text: String, field: String = "currency") throws -> String {
        try StandardCodes.currency(text, field: field)
    }

    /// Digits after the decimal point a currency uses (ISO 4217 minor units).
    public static func minorDigits(_ currency: String) -> Int {
        switch currency {
        case "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV",
             "XAF", "XOF", "XPF":
            0
        case "BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND":
            3
        default:
            2
        }
    }

    /// Arabic-Indic and Persian digits turned into ASCII; everything else unchanged.
    public static func asciiDigits(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0660...0x0669: result.append(Unicode.Scalar(scalar.value - 0x0660 + 0x30)!)
            case 0x06F0...0x06F9: result.append(Unicode.Scalar(scalar.value - 0x06F0 + 0x30)!)
            default: result.append(scalar)
            }
        }
        return String(result)
    }

    /// A slug: lowercase letters, digits and hyphens.
    public static func slug(_ text: String, field: String) throws -> String {
        let slug = text.trimmed.lowercased()
        guard StandardCodes.isSlug(slug) else {
            throw SanadError.invalid("\(field) \"\(text)\" is not valid", hint: "use 1-63 lowercase letters, digits and hyphens")
        }
        return slug
    }
}
