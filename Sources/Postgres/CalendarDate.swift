public import Foundation

/// A day in the proleptic Gregorian calendar, with no time and no time zone: PostgreSQL's
/// `date` (a birth date, a campaign's start).
public struct CalendarDate: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    /// A validated date; `nil` when the day does not exist (February 30th).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1,
              day <= CalendarDate.daysInMonth(year: year, month: month) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD`.
    public init?(iso text: some StringProtocol) {
        let pieces = text.split(separator: "-", omittingEmptySubsequences: false)
        guard pieces.count == 3, pieces[0].count == 4, pieces[1].count == 2, pieces[2].count == 2,
              let year = Int(pieces[0]), let month = Int(pieces[1]), let day = Int(pieces[2])
        else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// The UTC day that contains `date`.
    public init(utc date: Date) {
        let days = Int((date.timeIntervalSince1970 / 86_400).rounded(.down))
        self = CalendarDate(daysSinceEpoch: days)
    }

    /// The day `days` after 1970-01-01 (negative before), by Howard Hinnant's civil algorithm.
    public init(daysSinceEpoch days: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        day = doy - (153 * mp + 2) / 5 + 1
        month = mp < 10 ? mp + 3 : mp - 9
        year = yoe + era * 400 + (month <= 2 ? 1 : 0)
    }

    /// Days since 1970-01-01.
    public var daysSinceEpoch: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// Midnight UTC at the start of this day.
    public var startOfDayUTC: Date {
        Date(timeIntervalSince1970: TimeInterval(daysSinceEpoch) * 86_400)
    }

    public func adding(days: Int) -> CalendarDate {
        CalendarDate(daysSinceEpoch: daysSinceEpoch + days)
    }

    /// ISO 8601: `YYYY-MM-DD`.
    public var description: String {
        pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
    }

    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    public static func isLeap(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let date = CalendarDate(iso: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "expected a date as YYYY-MM-DD"))
        }
        self = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

func pad(_ value: Int, _ width: Int) -> String {
    let digits = String(abs(value))
    let sign = value < 0 ? "-" : ""
    return sign + String(repeating: "0", count: max(0, width - digits.count)) + digits
}

/// PostgreSQL's ISO text forms of `timestamptz`, `timestamp` and `date`, converted without
/// `DateFormatter` (slow, and locale-dependent).
enum PostgresTimestamp {
    /// `2026-11-24T16:30:48.123456Z`, microsecond precision like the server's.
    static func format(_ date: Date) -> String {
        let micros = (date.timeIntervalSince1970 * 1_000_000).rounded()
        let totalSeconds = Int((micros / 1_000_000).rounded(.down))
        let fraction = Int(micros - Double(totalSeconds) * 1_000_000)
        let days = Int((Double(totalSeconds) / 86_400).rounded(.down))
        let secondsOfDay = totalSeconds - days * 86_400
        let day = CalendarDate(daysSinceEpoch: days)
        var text = day.description + "T" + pad(secondsOfDay / 3600, 2) + ":"
            + pad(secondsOfDay / 60 % 60, 2) + ":" + pad(secondsOfDay % 60, 2)
        if fraction != 0 { text += "." + pad(fraction, 6) }
        return text + "Z"
    }

    /// Parses `YYYY-MM-DD[ HH:MM:SS[.ffffff]][+HH[:MM[:SS]]]`; a value without an offset is UTC.
    /// `infinity` maps to `Date.distantFuture`.
    static func parse(_ text: String) -> Date? {
        if text == "infinity" { return .distantFuture }
        if text == "-infinity" { return .distantPast }
        var scanner = ByteScanner(Array(text.utf8))
        guard let year = scanner.integer(digits: 4...), scanner.take(UInt8(ascii: "-")),
              let month = scanner.integer(digits: 2...2), scanner.take(UInt8(ascii: "-")),
              let dayOfMonth = scanner.integer(digits: 2...2),
              let day = CalendarDate(year: year, month: month, day: dayOfMonth) else { return nil }
        var seconds = Double(day.daysSinceEpoch) * 86_400
        if scanner.take(UInt8(ascii: " ")) || scanner.take(UInt8(ascii: "T")) {
            guard let hour = scanner.integer(digits: 2...2), scanner.take(UInt8(ascii: ":")),
                  let minute = scanner.integer(digits: 2...2), scanner.take(UInt8(ascii: ":")),
                  let second = scanner.integer(digits: 2...2) else { return nil }
            seconds += Double(hour * 3600 + minute * 60 + second)
            if scanner.take(UInt8(ascii: ".")) {
                let start = scanner.index
                guard let fraction = scanner.integer(digits: 1...9) else { return nil }
                let digitCount = scanner.index - start
                var scale = 1.0
                for _ in 0..<digitCount { scale *= 10 }
                seconds += Double(fraction) / scale
            }
            if let sign = scanner.peek(), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                scanner.index += 1
                guard let offsetHours = scanner.integer(digits: 2...2) else { return nil }
                var offset = offsetHours * 3600
                if scanner.take(UInt8(ascii: ":")) {
                    guard let offsetMinutes = scanner.integer(digits: 2...2) else { return nil }
                    offset += offsetMinutes * 60
                    if scanner.take(UInt8(ascii: ":")) {
                        guard let offsetSeconds = scanner.integer(digits: 2...2) else { return nil }
                        offset += offsetSeconds
                    }
                }
                seconds -= Double(sign == UInt8(ascii: "+") ? offset : -offset)
            } else if scanner.take(UInt8(ascii: "Z")) {
                // UTC
            }
        }
        guard scanner.atEnd else { return nil }
        return Date(timeIntervalSince1970: seconds)
    }
}

struct ByteScanner {
    let bytes: [UInt8]
    var index = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    var atEnd: Bool { index == bytes.count }

    func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

    mutating func take(_ byte: UInt8) -> Bool {
        guard peek() == byte else { return false }
        index += 1
        return true
    }

    mutating func integer(digits allowed: PartialRangeFrom<Int>) -> Int? {
        integer(digits: allowed.lowerBound...18)
    }

    mutating func integer(digits allowed: ClosedRange<Int>) -> Int? {
        var value = 0
        var count = 0
        while let byte = peek(), byte >= 48, byte <= 57, count < allowed.upperBound {
            value = value * 10 + Int(byte - 48)
            count += 1
            index += 1
        }
        return allowed.contains(count) ? value : nil
    }
}
