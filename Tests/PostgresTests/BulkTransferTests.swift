import Foundation
import Postgres
import PostgresTestSupport
import Testing

@Suite("COPY both ways and single-row streaming")
struct BulkTransferTests {
    let connection: Connection
    static let rowCount = 100_000

    init() throws {
        connection = try ThrowawayPostgres.connect(try ThrowawayPostgres.createDatabase("bulk"))
        try connection.execute("CREATE TABLE people (id int PRIMARY KEY, name text, note text)")
    }

    private func load() throws -> Int {
        try connection.copyIn("COPY people (id, name, note) FROM STDIN") { writer in
            for id in 1...Self.rowCount {
                try writer.writeRow([String(id), id % 2 == 0 ? "فاطمة \(id)" : "Tab\there \(id)",
                                     id % 10 == 0 ? nil : "line\nbreak and back\\slash"])
            }
        }
    }

    @Test("COPY FROM STDIN loads 100k rows with escaping intact")
    func copyInHundredThousand() throws {
        #expect(try load() == Self.rowCount)
        let row = try connection.query("SELECT count(*), count(note), max(id) FROM people")[0]
        #expect(try row.decode(Int.self, at: 0) == Self.rowCount)
        #expect(try row.decode(Int.self, at: 1) == Self.rowCount - Self.rowCount / 10)
        #expect(try connection.query("SELECT name, note FROM people WHERE id = 7")[0].decode(String.self, String.self)
            == ("Tab\there 7", "line\nbreak and back\\slash"))
        #expect(try connection.query("SELECT name FROM people WHERE id = 8")[0].decode(String.self, at: 0) == "فاطمة 8")
    }

    @Test("COPY TO STDOUT streams 100k rows")
    func copyOutHundredThousand() throws {
        _ = try load()
        var bytes = 0
        var newlines = 0
        let rows = try connection.copyOut("COPY (SELECT id, name FROM people ORDER BY id) TO STDOUT WITH (FORMAT csv)") { chunk in
            bytes += chunk.count
            newlines += chunk.filter { $0 == 10 }.count
        }
        #expect(rows == Self.rowCount)
        #expect(newlines == Self.rowCount)
        #expect(bytes > Self.rowCount * 5)
    }

    @Test("an error while writing aborts the COPY and keeps nothing")
    func copyInAbort() throws {
        struct Interrupted: Error {}
        #expect(throws: Interrupted.self) {
            try connection.copyIn("COPY people (id, name) FROM STDIN") { writer in
                for id in 1...50_000 { try writer.writeRow([String(id), "x"]) }
                throw Interrupted()
            }
        }
        #expect(try connection.query("SELECT count(*) FROM people")[0].decode(Int.self, at: 0) == 0)
        let nul = #expect(throws: PostgresError.self) {
            try connection.copyIn("COPY people (id, name) FROM STDIN") { try $0.writeRow(["1", "a\u{0}b"]) }
        }
        #expect(nul?.kind == .invalidParameter)
        #expect(try connection.query("SELECT count(*) FROM people")[0].decode(Int.self, at: 0) == 0)
    }

    @Test("bad data in the stream fails the COPY with the server's error")
    func copyInBadData() throws {
        let error = #expect(throws: PostgresError.self) {
            try connection.copyIn("COPY people (id, name) FROM STDIN") { writer in
                try writer.writeRow(["1", "fine"])
                try writer.writeRow(["not-a-number", "bad"])
            }
        }
        #expect(error?.sqlState == .invalidTextRepresentation)
        #expect(try connection.query("SELECT count(*) FROM people")[0].decode(Int.self, at: 0) == 0)
    }

    @Test("COPY refuses bound parameters")
    func copyRefusesParameters() throws {
        let error = #expect(throws: PostgresError.self) {
            try connection.copyOut("COPY (SELECT \(1)) TO STDOUT") { _ in }
        }
        #expect(error?.kind == .misuse)
    }

    @Test("a consumer that stops early cancels COPY TO and the connection carries on")
    func copyOutStopsEarly() throws {
        _ = try load()
        struct Enough: Error {}
        var seen = 0
        #expect(throws: Enough.self) {
            try connection.copyOut("COPY people TO STDOUT") { _ in
                seen += 1
                if seen == 100 { throw Enough() }
            }
        }
        #expect(try connection.query("SELECT 1")[0].decode(Int.self, at: 0) == 1)
    }

    @Test("single-row mode streams 100k rows one at a time")
    func streaming() throws {
        _ = try load()
        var sum = 0
        let delivered = try connection.stream("SELECT id FROM people WHERE id > \(0) ORDER BY id") { row in
            sum += try row.decode(Int.self, at: 0)
        }
        #expect(delivered == Self.rowCount)
        #expect(sum == Self.rowCount * (Self.rowCount + 1) / 2)
    }

    @Test("a stream stopped early is cancelled and the connection carries on")
    func streamingStopsEarly() throws {
        _ = try load()
        struct Enough: Error {}
        var seen = 0
        #expect(throws: Enough.self) {
            try connection.stream("SELECT id FROM people") { _ in
                seen += 1
                if seen == 10 { throw Enough() }
            }
        }
        #expect(seen == 10)
        #expect(try connection.query("SELECT count(*) FROM people")[0].decode(Int.self, at: 0) == Self.rowCount)
    }
}
