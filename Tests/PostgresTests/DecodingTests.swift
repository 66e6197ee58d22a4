import Foundation
import Postgres
import PostgresTestSupport
import Testing

@Suite("Decoding rows into Swift types")
struct DecodingTests {
    let connection: Connection

    init() throws {
        connection = try ThrowawayPostgres.connect(try ThrowawayPostgres.createDatabase("decoding"))
    }

    @Test("every supported type decodes from its PostgreSQL column type")
    func everyType() throws {
        let row = try connection.query("""
            SELECT 'text'::text, 42::int4, 9007199254740993::int8, 2.5::float8, true,
                   12345678901234567890.123456789::numeric, '2026-03-01 12:34:56.789012+02'::timestamptz,
                   '2024-02-29'::date, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid,
                   '{"name": "فاطمة", "count": 3}'::jsonb, (-42)::int2
            """)[0]
        #expect(try row.decode(String.self, at: 0) == "text")
        #expect(try row.decode(Int.self, at: 1) == 42)
        #expect(try row.decode(Int64.self, at: 2) == 9_007_199_254_740_993)
        #expect(try row.decode(Double.self, at: 3) == 2.5)
        #expect(try row.decode(Bool.self, at: 4) == true)
        #expect(try row.decode(Decimal.self, at: 5) == Decimal(string: "12345678901234567890.123456789"))
        let instant = try row.decode(Date.self, at: 6)
        #expect(abs(instant.timeIntervalSince1970 - 1_772_361_296.789012) < 0.000_01)
        #expect(try row.decode(CalendarDate.self, at: 7) == CalendarDate(year: 2024, month: 2, day: 29))
        #expect(try row.decode(Date.self, at: 7) == CalendarDate(year: 2024, month: 2, day: 29)!.startOfDayUTC)
        #expect(try row.decode(UUID.self, at: 8) == UUID(uuidString: "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"))
        struct Payload: Codable, Sendable, Equatable {
            var name: String
            var count: Int
        }
        #expect(try row.decode(JSONB<Payload>.self, at: 9).value == Payload(name: "فاطمة", count: 3))
        #expect(try row.decode(Int32.self, at: 10) == -42)
    }

    @Test("values round-trip through binding and decoding")
    func roundTrip() throws {
        let now = Date(timeIntervalSince1970: 1_764_000_000.123456)
        let money = Decimal(string: "1234.567")!
        let id = UUID()
        let day = CalendarDate(year: 1999, month: 12, day: 31)!
        let row = try connection.query("""
            SELECT \(now)::timestamptz, \(money)::numeric, \(id)::uuid, \(day)::date, \(Int64.min)::int8, \(-0.000001)::float8
            """)[0]
        #expect(abs(try row.decode(Date.self, at: 0).timeIntervalSince(now)) < 0.000_001)
        #expect(try row.decode(Decimal.self, at: 1) == money)
        #expect(try row.decode(UUID.self, at: 2) == id)
        #expect(try row.decode(CalendarDate.self, at: 3) == day)
        #expect(try row.decode(Int64.self, at: 4) == Int64.min)
        #expect(try row.decode(Double.self, at: 5) == -0.000001)
    }

    @Test("a type mismatch names the column and both types")
    func mismatchIsClear() throws {
        let row = try connection.query("SELECT 'abc'::text AS city")[0]
        let error = #expect(throws: PostgresError.self) { try row.decode("city", as: Int.self) }
        #expect(error?.kind == .decoding)
        #expect(error?.message.contains("\"city\"") == true)
        #expect(error?.message.contains("text") == true)
        #expect(error?.message.contains("Int") == true)
        #expect(error?.column == "city")
        #expect(throws: PostgresError.self) { try row.decode("missing", as: String.self) }
    }

    @Test("tuples decode in column order")
    func tuples() throws {
        let (id, name, active) = try connection.query("SELECT 7::int8, 'سند', false")[0].decode(Int64.self, String.self, Bool.self)
        #expect(id == 7 && name == "سند" && active == false)
    }
}
