import Foundation
import Postgres
import SanadCore
import SanadTestSupport
import Testing

/// One clock: tables show the association's time, JSON and CSV the same instants in ISO 8601
/// with the association's offset, so no screen mixes Beirut time and UTC.
@Suite("One clock: the association's time zone in tables, JSON and CSV")
struct OneClockTests {
    @Test("an event at 17:00 in Beirut reads 17:00 in every format, with +03:00 in summer")
    func eventTimes() throws {
        let fixture = try TripoliFixture("one-clock")
        let sanad = fixture.sanad
        try sanad.succeed(["event", "add", "تدريب المتطوعين", "--start", "2026-06-05 17:00", "--end", "2026-06-05 19:00"])
        let json = try sanad.succeed(["event", "list", "--format", "json"])
        #expect(json.contains(#""starts_at": "2026-06-05T17:00:00+03:00""#), "\(json)")
        #expect(json.contains(#""ends_at": "2026-06-05T19:00:00+03:00""#))
        let csv = try sanad.succeed(["event", "list", "--format", "csv"])
        #expect(csv.contains("2026-06-05T17:00:00+03:00"))
        #expect(try sanad.succeed(["event", "list"]).contains("2026-06-05 17:00"))
        let decoded = try sanad.decode([CalendarEvent].self, ["event", "list"])
        #expect(decoded.first?.startsAt == Date(timeIntervalSince1970: 1_780_668_000), "the same instant: 14:00 UTC")
        try sanad.succeed(["association", "add", "london", "--name", "London Aid", "--country", "GB", "--currency", "GBP",
                           "--time-zone", "UTC", "--language", "en"])
        let listed = try sanad.json(["association", "list"]) as! [[String: Any]]
        let beirut = try #require(listed.first { $0["slug"] as? String == "tripoli" }?["created_at"] as? String)
        let london = try #require(listed.first { $0["slug"] as? String == "london" }?["created_at"] as? String)
        #expect(beirut.hasSuffix("+02:00") || beirut.hasSuffix("+03:00"), "each association's own clock: \(beirut)")
        #expect(london.hasSuffix("Z"))
    }

    @Test("ISO 8601 with offsets east, west and on the half hour")
    func offsets() {
        let instant = Date(timeIntervalSince1970: 1_780_668_000)  // 2026-06-05 14:00 UTC
        #expect(JSONText.isoTimestamp(instant, in: TimeZone(identifier: "Asia/Beirut")!) == "2026-06-05T17:00:00+03:00")
        #expect(JSONText.isoTimestamp(instant, in: TimeZone(identifier: "America/New_York")!) == "2026-06-05T10:00:00-04:00")
        #expect(JSONText.isoTimestamp(instant, in: TimeZone(identifier: "Asia/Kolkata")!) == "2026-06-05T19:30:00+05:30")
        #expect(JSONText.isoTimestamp(instant, in: .gmt) == "2026-06-05T14:00:00Z")
    }
}
