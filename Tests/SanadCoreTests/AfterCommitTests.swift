import Foundation
import Postgres
import SanadCore
import SanadTestSupport
import Testing

/// Effects outside the database (a file taking its final name) wait for the commit.
@Suite("Actions after a transaction commits")
struct AfterCommitTests {
    struct Abort: Error {}

    let session: AssociationSession

    init() throws {
        let connection = try TestDatabase.connect(try TestDatabase.fresh("after-commit"))
        let association = try AssociationDirectory(connection: connection).create(
            NewAssociation(slug: "first", name: "First", country: "LB", baseCurrency: "USD", timeZone: "Asia/Beirut", language: "ar"),
            actor: "test")
        session = AssociationSession(association: association, connection: connection, actor: "test", logger: TestDatabase.logger, plugins: TestDatabase.plugins)
    }

    @Test("actions run in order after the commit, never after a rollback, and a failed savepoint drops its own")
    func commitRollbackSavepoint() throws {
        final class Log: @unchecked Sendable { var entries: [String] = [] }
        let log = Log()
        try session.transaction { transaction in
            transaction.afterCommit { log.entries.append("first") }
            transaction.afterCommit { log.entries.append("second") }
            #expect(log.entries.isEmpty, "nothing runs before the commit")
        }
        #expect(log.entries == ["first", "second"])

        #expect(throws: Abort.self) {
            try session.transaction { transaction in
                transaction.afterCommit { log.entries.append("rolled back") }
                throw Abort()
            }
        }
        try session.transaction { transaction in
            transaction.afterCommit { log.entries.append("kept") }
            #expect(throws: Abort.self) {
                try transaction.savepoint { inner in
                    inner.afterCommit { log.entries.append("inside a failed savepoint") }
                    throw Abort()
                }
            }
        }
        #expect(log.entries == ["first", "second", "kept"])
    }
}
