import Foundation
import Logging
import Postgres
import PostgresTestSupport
import Synchronization
import Testing

@Suite("Errors, transactions, locks and notifications")
struct ErrorAndTransactionTests {
    let configuration: ConnectionConfiguration
    let connection: Connection

    init() throws {
        configuration = try ThrowawayPostgres.createDatabase("errors")
        connection = try ThrowawayPostgres.connect(configuration)
        try connection.execute("CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL CONSTRAINT items_name_short CHECK (length(name) < 20))")
    }

    @Test("server errors carry SQLSTATE, class and constraint")
    func sqlStateAndConstraint() throws {
        try connection.execute("INSERT INTO items VALUES (1, 'one')")
        let duplicate = #expect(throws: PostgresError.self) { try connection.execute("INSERT INTO items VALUES (1, 'again')") }
        #expect(duplicate?.sqlState == .uniqueViolation)
        #expect(duplicate?.sqlState?.class == .integrityConstraintViolation)
        #expect(duplicate?.constraint == "items_pkey")
        #expect(duplicate?.detail?.contains("(id)=(1)") == true)
        let check = #expect(throws: PostgresError.self) {
            try connection.execute("INSERT INTO items VALUES (2, \(String(repeating: "x", count: 30)))")
        }
        #expect(check?.sqlState == .checkViolation)
        #expect(check?.constraint == "items_name_short")
        var matched = false
        switch check?.sqlState {
        case SQLState.Class.integrityConstraintViolation: matched = true
        default: break
        }
        #expect(matched, "a whole class matches in a switch")
    }

    @Test("an error's description never shows the bound value")
    func descriptionHidesValues() throws {
        let secret = "secret-national-id-29384"
        let error = #expect(throws: PostgresError.self) { try connection.query("SELECT \(secret)::int") }
        #expect(error?.sqlState == .invalidTextRepresentation)
        #expect(error?.message.contains(secret) == true, "the server quotes it in its message")
        #expect(error.map { "\($0)" }?.contains(secret) == false)
        #expect(error.map { String(describing: $0) }?.contains("22P02") == true)
    }

    @Test("a thrown error rolls the transaction back; success commits")
    func rollbackOnThrow() throws {
        struct Abort: Error {}
        #expect(throws: Abort.self) {
            try connection.withTransaction { transaction in
                try transaction.execute("INSERT INTO items VALUES (10, 'ten')")
                throw Abort()
            }
        }
        #expect(try connection.query("SELECT count(*) FROM items WHERE id = 10")[0].decode(Int.self, at: 0) == 0)
        try connection.withTransaction { try $0.execute("INSERT INTO items VALUES (11, 'eleven')") }
        #expect(try connection.query("SELECT count(*) FROM items WHERE id = 11")[0].decode(Int.self, at: 0) == 1)
        #expect(!connection.isInTransaction)
    }

    @Test("a nested transaction is a savepoint")
    func nestedSavepoint() throws {
        struct Abort: Error {}
        try connection.withTransaction { outer in
            try outer.execute("INSERT INTO items VALUES (20, 'kept')")
            #expect(throws: Abort.self) {
                try outer.withTransaction { inner in
                    try inner.execute("INSERT INTO items VALUES (21, 'undone')")
                    throw Abort()
                }
            }
        }
        let ids = try connection.query("SELECT id FROM items WHERE id IN (20, 21) ORDER BY id").map { try $0.decode(Int.self, at: 0) }
        #expect(ids == [20])
    }

    @Test("a server error inside a transaction rolls it back and the connection stays usable")
    func serverErrorInTransaction() throws {
        #expect(throws: PostgresError.self) {
            try connection.withTransaction { transaction in
                try transaction.execute("INSERT INTO items VALUES (30, 'thirty')")
                try transaction.execute("INSERT INTO items VALUES (30, 'again')")
            }
        }
        #expect(try connection.query("SELECT count(*) FROM items WHERE id = 30")[0].decode(Int.self, at: 0) == 0)
    }

    @Test("an advisory lock held by one session is refused to another")
    func advisoryLocks() throws {
        let other = try ThrowawayPostgres.connect(configuration)
        let key = AdvisoryLockKey("sanad.test.lock")
        try connection.withAdvisoryLock(key) { () throws in
            #expect(try other.tryAdvisoryLock(key) == false)
        }
        #expect(try other.tryAdvisoryLock(key) == true)
        try other.advisoryUnlock(key)
        try connection.withTransaction { transaction in
            try transaction.advisoryTransactionLock(key)
            #expect(try other.tryAdvisoryTransactionLock(key) == false)
        }
    }

    @Test("LISTEN receives what NOTIFY sends after commit")
    func listenNotify() throws {
        let listener = try ThrowawayPostgres.connect(configuration)
        try listener.listen("sanad jobs")
        #expect(try listener.waitForNotifications(timeout: .milliseconds(50)).isEmpty)
        try connection.notify("sanad jobs", payload: "job 42 ✓")
        let received = try listener.waitForNotifications(timeout: .seconds(5))
        #expect(received.map(\.payload) == ["job 42 ✓"])
        #expect(received.first?.channel == "sanad jobs")
        #expect(received.first?.senderProcessID == connection.backendProcessID)
    }

    @Test("server notices reach the logger")
    func noticesAreLogged() throws {
        let capture = CapturingLogHandler()
        var logger = Logger(label: "capture") { _ in capture }
        logger.logLevel = .trace
        let listening = try Connection.connect(configuration, logger: logger)
        try listening.execute("DO $$ BEGIN RAISE NOTICE 'hello from plpgsql'; RAISE WARNING 'careful'; END $$")
        let messages = capture.messages
        #expect(messages.contains { $0.level == .notice && $0.message == "hello from plpgsql" })
        #expect(messages.contains { $0.level == .warning && $0.message == "careful" })
    }

    @Test("a failed connection says why and what it tried")
    func connectionFailure() throws {
        let error = #expect(throws: PostgresError.self) {
            try Connection.connect(.unixSocket(directory: "/nonexistent-sanad", database: "x", user: "y"), logger: ThrowawayPostgres.logger)
        }
        #expect(error?.kind == .connectionFailed)
        #expect(error?.message.contains("/nonexistent-sanad") == true)
    }

    @Test("a URL password never appears in the configuration's description")
    func passwordRedacted() {
        let configuration = ConnectionConfiguration.url("postgresql://sanad:hunter2@db.example.org/sanad")
        #expect(!configuration.description.contains("hunter2"))
        #expect(configuration.description.contains("db.example.org"))
        let conninfo = ConnectionConfiguration.url("host=db password=hunter2 dbname=sanad")
        #expect(!conninfo.description.contains("hunter2"))
    }
}

final class CapturingLogHandler: LogHandler, @unchecked Sendable {
    struct Entry: Sendable {
        var level: Logger.Level
        var message: String
    }

    private let entries = Mutex<[Entry]>([])
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    var messages: [Entry] { entries.withLock { $0 } }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        entries.withLock { $0.append(Entry(level: event.level, message: "\(event.message)")) }
    }
}
