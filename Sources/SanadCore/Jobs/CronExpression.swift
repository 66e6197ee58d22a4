public import Foundation
internal import Postgres

/// A standard five-field cron expression: minute, hour, day of month, month, day of week.
///
/// Fields take `*`, numbers, ranges (`1-5`), lists (`1,15`), steps (`*/15`, `10-50/10`)
/// and names (`JAN`–`DEC`, `SUN`–`SAT`, any case); day of week 0 and 7 are Sunday.
/// `@hourly`, `@daily`, `@weekly`, `@monthly` and `@yearly` are accepted. As in Vixie cron,
/// when both day fields are restricted a day matching either one runs.
///
/// Times are evaluated in a time zone. A local time the clocks skip is read with the offset
/// before the change, so it still runs once that day (01:30 on the night London goes from
/// 01:00 to 02:00 runs at 02:30 summer time); a local time that happens twice (clocks going
/// back) runs once, the first time.
public struct CronExpression: Sendable, Hashable, CustomStringConvertible {
    public let text: String
    let minutes: [Int]
    let hours: [Int]
    let daysOfMonth: Set<Int>
    let months: Set<Int>
    let daysOfWeek: Set<Int>
    let dayOfMonthRestricted: Bool
    let dayOfWeekRestricted: Bool

    public var description: String { text }

    /// Why an expression was refused, with the 1-based character position.
    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public let expression: String
        public let position: Int
        public let reason: String

        public var description: String {
            "cron expression \"\(expression)\": \(reason) at position \(position)\n  \(expression)\n  "
                + String(repeating: " ", count: max(0, position - 1)) + "^"
        }
    }

    private static let macros = ["@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *",
                                 "@weekly": "0 0 * * 0", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *"]
    private static let monthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
    private static let dayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]

    public init(_ text: String) throws(ParseError) {
        let trimmed = text.trimmed
        self.text = trimmed
        let source = Self.macros[trimmed.lowercased()] ?? trimmed
        // A macro's fields are not what the person typed, so errors point at its start.
        let positionsApply = Self.macros[trimmed.lowercased()] == nil
        // Fields with their starting positions, so errors can point at them.
        var fields: [(text: String, position: Int)] = []
        var current = ""
        var start = 1
        for (offset, character) in source.enumerated() {
            if character == " " || character == "\t" {
                if !current.isEmpty { fields.append((current, start)) }
                current = ""
            } else {
                if current.isEmpty { start = offset + 1 }
                current.append(character)
            }
        }
        if !current.isEmpty { fields.append((current, start)) }
        guard fields.count == 5 else {
            throw ParseError(expression: trimmed, position: fields.count > 5 ? fields[5].position : max(1, source.count + 1),
                             reason: "expected 5 fields (minute hour day-of-month month day-of-week), found \(fields.count)")
        }
        func parse(_ index: Int, _ name: String, _ range: ClosedRange<Int>, names: [String] = [], nameBase: Int = 0) throws(ParseError) -> (Set<Int>, Bool) {
            let field = fields[index]
            let position = positionsApply ? field.position : 1
            do {
                return try Self.parseField(field.text, range: range, names: names, nameBase: nameBase)
            } catch let problem {
                throw ParseError(expression: trimmed, position: position + problem.offset, reason: "\(name) field: \(problem.reason)")
            }
        }
        let (minuteSet, _) = try parse(0, "minute", 0...59)
        let (hourSet, _) = try parse(1, "hour", 0...23)
        let (domSet, domRestricted) = try parse(2, "day-of-month", 1...31)
        let (monthSet, _) = try parse(3, "month", 1...12, names: Self.monthNames, nameBase: 1)
        var (dowSet, dowRestricted) = try parse(4, "day-of-week", 0...7, names: Self.dayNames)
        if dowSet.contains(7) {
            dowSet.remove(7)
            dowSet.insert(0)
        }
        minutes = minuteSet.sorted()
        hours = hourSet.sorted()
        daysOfMonth = domSet
        months = monthSet
        daysOfWeek = dowSet
        dayOfMonthRestricted = domRestricted
        dayOfWeekRestricted = dowRestricted
    }

    struct FieldProblem: Error {
        let offset: Int
        let reason: String
    }

    private static func parseField(_ field: String, range: ClosedRange<Int>, names: [String], nameBase: Int) throws(FieldProblem) -> (Set<Int>, Bool) {
        var values = Set<Int>()
        var offset = 0
        // As in Vixie cron, a field starting with * counts as unrestricted for the day rule.
        let restricted = !field.hasPrefix("*")
        for part in field.split(separator: ",", omittingEmptySubsequences: false) {
            defer { offset += part.count + 1 }
            guard !part.isEmpty else { throw FieldProblem(offset: offset, reason: "empty list item") }
            let pieces = part.split(separator: "/", omittingEmptySubsequences: false)
            guard pieces.count <= 2 else { throw FieldProblem(offset: offset, reason: "more than one / in \"\(part)\"") }
            var step = 1
            if pieces.count == 2 {
                guard let value = Int(pieces[1]), value > 0 else {
                    throw FieldProblem(offset: offset + pieces[0].count + 1, reason: "step \"\(pieces[1])\" must be a number above zero")
                }
                step = value
            }
            let base = pieces[0]
            var low = range.lowerBound
            var high = range.upperBound
            if base != "*" {
                let bounds = base.split(separator: "-", omittingEmptySubsequences: false)
                guard bounds.count <= 2, !bounds.contains(where: \.isEmpty) else {
                    throw FieldProblem(offset: offset, reason: "\"\(base)\" is not a number, a name or a range")
                }
                var boundOffset = offset
                var parsed: [Int] = []
                for bound in bounds {
                    guard let value = Int(bound) ?? names.firstIndex(of: bound.uppercased()).map({ $0 + nameBase }) else {
                        throw FieldProblem(offset: boundOffset, reason: "\"\(bound)\" is not a number\(names.isEmpty ? "" : " or a name")")
                    }
                    guard range.contains(value) else {
                        throw FieldProblem(offset: boundOffset, reason: "\(value) is out of range \(range.lowerBound)-\(range.upperBound)")
                    }
                    parsed.append(value)
                    boundOffset += bound.count + 1
                }
                low = parsed[0]
                high = parsed.count == 2 ? parsed[1] : (pieces.count == 2 ? range.upperBound : parsed[0])
                guard low <= high else { throw FieldProblem(offset: offset, reason: "range \(base) runs backwards") }
            }
            values.formUnion(stride(from: low, through: high, by: step))
        }
        return (values, restricted)
    }

    /// The first moment strictly after `date` when the expression fires, in `timeZone`;
    /// `nil` if it never fires in the next five years (`0 0 30 2 *`).
    public func next(after date: Date, in timeZone: TimeZone) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let startParts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        guard let year = startParts.year, let month = startParts.month, let day = startParts.day else { return nil }
        var localDay = CalendarDate(year: year, month: month, day: day) ?? CalendarDate(utc: date)
        // Start one day early: a jump of the clocks can put a local time of the previous
        // day after `date`.
        localDay = localDay.adding(days: -1)
        for _ in 0..<(366 * 5 + 2) {
            defer { localDay = localDay.adding(days: 1) }
            guard months.contains(localDay.month), dayMatches(localDay) else { continue }
            for hour in hours {
                for minute in minutes {
                    let components = DateComponents(year: localDay.year, month: localDay.month, day: localDay.day, hour: hour, minute: minute)
                    guard let candidate = calendar.date(from: components), candidate > date else { continue }
                    return candidate
                }
            }
        }
        return nil
    }

    /// The next `count` firings after `date`.
    public func upcoming(_ count: Int, after date: Date, in timeZone: TimeZone) -> [Date] {
        var result: [Date] = []
        var cursor = date
        while result.count < count, let next = next(after: cursor, in: timeZone) {
            result.append(next)
            cursor = next
        }
        return result
    }

    private func dayMatches(_ day: CalendarDate) -> Bool {
        // 1970-01-01 was a Thursday (4).
        let weekday = ((day.daysSinceEpoch % 7) + 7 + 4) % 7
        let domMatch = daysOfMonth.contains(day.day)
        let dowMatch = daysOfWeek.contains(weekday)
        switch (dayOfMonthRestricted, dayOfWeekRestricted) {
        case (true, true): return domMatch || dowMatch
        case (true, false): return domMatch
        case (false, true): return dowMatch
        case (false, false): return true
        }
    }
}
