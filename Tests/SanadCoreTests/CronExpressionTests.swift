import Foundation
import SanadCore
import Testing

@Suite("Cron expressions")
struct CronExpressionTests {
    static func instant(_ text: String) -> Date {
        let formatter = ISO8601DateFormatter()
        return formatter.date(from: text)!
    }

    static func iso(_ date: Date?) -> String? {
        date.map { ISO8601DateFormatter().string(from: $0) }
    }

    @Test("next run times", arguments: [
        // expression, time zone, after (UTC), expected next (UTC)
        ("*/15 * * * *", "UTC", "2026-11-24T10:07:00Z", "2026-11-24T10:15:00Z"),
        ("0 3 * * *", "Asia/Beirut", "2026-11-24T10:00:00Z", "2026-11-25T01:00:00Z"),
        ("0 9-17/2 * * MON-FRI", "UTC", "2026-11-27T17:30:00Z", "2026-11-30T09:00:00Z"),
        ("0 0 1,15 * *", "UTC", "2026-11-15T00:00:00Z", "2026-12-01T00:00:00Z"),
        ("0 12 * JAN,jul *", "UTC", "2026-11-24T00:00:00Z", "2027-01-01T12:00:00Z"),
        ("5 4 * * 7", "UTC", "2026-11-24T00:00:00Z", "2026-11-29T04:05:00Z"),
        ("5 4 * * sun", "UTC", "2026-11-24T00:00:00Z", "2026-11-29T04:05:00Z"),
        ("0 0 13 * FRI", "UTC", "2026-11-01T00:00:00Z", "2026-11-06T00:00:00Z"),
        ("0 0 29 2 *", "UTC", "2026-03-01T00:00:00Z", "2028-02-29T00:00:00Z"),
        ("@weekly", "UTC", "2026-11-24T00:00:00Z", "2026-11-29T00:00:00Z"),
        ("@hourly", "UTC", "2026-11-24T10:00:00Z", "2026-11-24T11:00:00Z"),
        ("59 23 31 12 *", "UTC", "2026-12-31T23:59:00Z", "2027-12-31T23:59:00Z"),
        // London, clocks forward 2026-03-29 01:00 GMT -> 02:00 BST: 01:30 is read at the old offset.
        ("30 1 * * *", "Europe/London", "2026-03-28T12:00:00Z", "2026-03-29T01:30:00Z"),
        ("30 2 * * *", "Europe/London", "2026-03-28T12:00:00Z", "2026-03-29T01:30:00Z"),
        ("0 9 * * *", "Europe/London", "2026-03-29T00:00:00Z", "2026-03-29T08:00:00Z"),
        // London, clocks back 2026-10-25 02:00 BST -> 01:00 GMT: 01:30 happens twice and runs once.
        ("30 1 * * *", "Europe/London", "2026-10-24T12:00:00Z", "2026-10-25T00:30:00Z"),
        ("30 1 * * *", "Europe/London", "2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"),
        // Beirut, clocks forward 2026-03-29 00:00 -> 01:00.
        ("30 0 * * *", "Asia/Beirut", "2026-03-28T12:00:00Z", "2026-03-28T22:30:00Z"),
        ("0 8 * * *", "Asia/Beirut", "2026-03-29T00:00:00Z", "2026-03-29T05:00:00Z"),
    ])
    func nextRun(expression: String, zone: String, after: String, expected: String) throws {
        let cron = try CronExpression(expression)
        let next = cron.next(after: Self.instant(after), in: TimeZone(identifier: zone)!)
        #expect(Self.iso(next) == expected)
    }

    @Test("a daily job runs once on each day around both clock changes")
    func oncePerDayAcrossTransitions() throws {
        let cron = try CronExpression("30 1 * * *")
        let london = TimeZone(identifier: "Europe/London")!
        for start in ["2026-03-27T12:00:00Z", "2026-10-23T12:00:00Z"] {
            let runs = cron.upcoming(4, after: Self.instant(start), in: london)
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = london
            let days = runs.map { calendar.component(.day, from: $0) }
            #expect(Set(days).count == 4, "\(runs)")
            #expect(zip(runs, runs.dropFirst()).allSatisfy { $0 < $1 })
        }
    }

    @Test("an expression that never fires has no next time")
    func neverFires() throws {
        #expect(try CronExpression("0 0 30 2 *").next(after: Date(), in: .gmt) == nil)
    }

    @Test("errors name the field and point at the position", arguments: [
        ("* * *", 6, "expected 5 fields"),
        ("60 * * * *", 1, "minute field: 60 is out of range 0-59"),
        ("* 24 * * *", 3, "hour field: 24 is out of range 0-23"),
        ("0 0 0 * *", 5, "day-of-month field: 0 is out of range 1-31"),
        ("0 0 * 13 *", 7, "month field: 13 is out of range 1-12"),
        ("0 0 * * 8", 9, "day-of-week field: 8 is out of range 0-7"),
        ("*/0 * * * *", 3, "step"),
        ("5-1 * * * *", 1, "runs backwards"),
        ("a * * * *", 1, "\"a\" is not a number"),
        ("0 0 * FOO *", 7, "\"FOO\" is not a number or a name"),
        ("1,,2 * * * *", 3, "empty list item"),
        ("0 0 * * MON-FUN", 13, "\"FUN\""),
        ("* * * * * *", 11, "expected 5 fields"),
    ])
    func parseErrors(expression: String, position: Int, reason: String) {
        do {
            _ = try CronExpression(expression)
            Issue.record("\(expression) was accepted")
        } catch {
            #expect(error.position == position, "\(error)")
            #expect(error.reason.contains(reason), "\(error)")
            #expect(error.description.contains("^"))
        }
    }
}
