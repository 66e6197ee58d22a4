import Foundation
import Postgres
import SanadCore
import SanadTestSupport
import Testing

/// A change of name rules reaches the rows stored before it.
@Suite("Name keys of older rows are recomputed after a rule change")
struct NameKeyBackfillTests {
    @Test("contacts stored under an older key version get the current keys, in every association; current rows are left alone")
    func backfill() throws {
        let connection = try TestDatabase.connect(try TestDatabase.fresh("backfill"))
        let directory = AssociationDirectory(connection: connection)
        for (slug, name) in [("first", "Hassan Elkhoury"), ("second", "ذكرى الحسن")] {
            let association = try directory.create(NewAssociation(slug: slug, name: slug, country: "LB", baseCurrency: "LBP",
                                                                  timeZone: "Asia/Beirut", language: "ar"), actor: "test")
            let session = AssociationSession(association: association, connection: connection, actor: "test", logger: TestDatabase.logger, plugins: TestDatabase.plugins)
            try session.transaction { transaction in
                var input = ContactInput()
                input.displayName = name
                _ = try ContactStore(transaction).create(try input.validated(for: association))
            }
        }
        // As a version-1 binary stored them.
        try connection.execute("UPDATE contacts SET name_skeleton = 'OLD', name_sound = '', keys_version = 1")
        #expect(try NameKeyBackfill.run(connection, logger: TestDatabase.logger) == 2)
        let stored = try connection.query("SELECT name_skeleton, name_sound, keys_version FROM contacts ORDER BY association_id")
            .map { "\(try $0.decode(String.self, at: 0))/\(try $0.decode(String.self, at: 1))/\(try $0.decode(Int.self, at: 2))" }
        #expect(stored == ["HSN KR/hasan kuri/\(NameKeys.version)", "DKR HSN/zkra hsn/\(NameKeys.version)"])
        #expect(try NameKeyBackfill.run(connection, logger: TestDatabase.logger) == 0, "nothing left to do")
    }
}
