import Foundation
import Postgres
import PostgresTestSupport
import Testing

@Suite("Binding values as parameters")
struct BindingTests {
    let connection: Connection

    init() throws {
        connection = try ThrowawayPostgres.connect(try ThrowawayPostgres.createDatabase("binding"))
        // A table for injected text to try to drop.
        try connection.execute("CREATE TABLE associations (id int)")
    }

    @Test("hostile strings travel as data, never as SQL", arguments: [
        "O'Brien", "\"quoted\"", "back\\slash", "'; DROP TABLE associations; --", "$1", "\\x00 not a nul",
        "محمّد بن عبد الله", "👩🏽‍⚕️ emoji + ZWJ", "tab\tand\nnewline\r\n", String(repeating: "ب", count: 100_000),
    ])
    func stringsRoundTrip(value: String) throws {
        let echoed = try connection.query("SELECT \(value)::text")[0].decode(String.self, at: 0)
        #expect(echoed == value)
        #expect(try connection.query("SELECT count(*) FROM associations").count == 1, "the table still exists")
    }

    @Test("a NUL byte is refused before anything is sent")
    func nulIsRejected() throws {
        let error = #expect(throws: PostgresError.self) {
            try connection.query("SELECT \("before\u{0}after")::text")
        }
        #expect(error?.kind == .invalidParameter)
        #expect(error?.message.contains("$1") == true)
        // The connection is still usable afterwards.
        #expect(try connection.query("SELECT 1")[0].decode(Int.self, at: 0) == 1)
    }

    @Test("nil binds SQL NULL and optionals decode it")
    func nulls() throws {
        let missing: String? = nil
        let row = try connection.query("SELECT \(missing)::text IS NULL, \(missing)::text")[0]
        #expect(try row.decode(Bool.self, at: 0))
        #expect(try row.decode(String?.self, at: 1) == nil)
        let error = #expect(throws: PostgresError.self) { try row.decode(String.self, at: 1) }
        #expect(error?.kind == .decoding)
    }

    @Test("fragments compose and renumber their parameters")
    func fragmentsRenumber() throws {
        let first: SQL = "x = \(1)"
        let second: SQL = "y = \("two")"
        let statement: SQL = """
            SELECT count(*) FROM (VALUES (1, 'two'), (3, 'four')) AS t(x, y) WHERE \(first) AND \(second) AND \(true)
            """
        #expect(statement.textWithPlaceholders.contains("x = $1"))
        #expect(statement.textWithPlaceholders.contains("y = $2"))
        #expect(statement.bindCount == 3)
        #expect(try connection.query(statement)[0].decode(Int.self, at: 0) == 1)
        let joined = SQL.joined([first, second, "z = \(Decimal(3))"], separator: " AND ")
        #expect(joined.textWithPlaceholders == "x = $1 AND y = $2 AND z = $3")
    }

    @Test("identifiers are escaped by the server's rules")
    func identifiersAreEscaped() throws {
        let table = "weird \"table\"; DROP TABLE associations; --"
        try connection.execute("CREATE TEMP TABLE \(identifier: table) (value int)")
        try connection.execute("INSERT INTO \(identifier: table) VALUES (\(42))")
        #expect(try connection.query("SELECT value FROM \(identifier: table)")[0].decode(Int.self, at: 0) == 42)
        #expect(try connection.query("SELECT count(*) FROM associations").count == 1)
    }

    @Test("arrays bind as one parameter")
    func arrays() throws {
        let names = ["a,b", "quote\"d", "back\\slash", "عربي", ""]
        let echoed = try connection.query("SELECT \(names)::text[]")[0].decode([String].self, at: 0)
        #expect(echoed == names)
        let ids: [Int64] = [1, 2, 3]
        #expect(try connection.query("SELECT 2 = ANY(\(ids))")[0].decode(Bool.self, at: 0))
        let withNull: [String?] = ["x", nil]
        #expect(try connection.query("SELECT \(withNull)::text[]")[0].decode([String?].self, at: 0) == withNull)
    }
}
