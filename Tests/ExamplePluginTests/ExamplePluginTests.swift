import Foundation
import Postgres
import SanadCLI
import SanadCore
import SanadTestSupport
import Testing

/// Adding a plugin touches its folder, its target and the installed list, nothing else:
/// with this test-only plugin in the list, the migrator applies its schema, a session can
/// enable and configure it, and the job registry and the worker run its job.
@Suite("A fourth plugin, added in a test target only")
struct ExamplePluginTests {
    @Test("its migration applies, it enables with its settings, and its job runs under a worker")
    func pluginWorksEndToEnd() throws {
        let plugins = InstalledPlugins(installedPlugins + [VolunteerHoursPlugin()])
        let connection = try TestDatabase.connect(try TestDatabase.freshUnmigrated("example-plugin"))
        let applied = try plugins.migrator.migrate(connection, logger: TestDatabase.logger)
        #expect(applied.last?.identifier == "volunteer-hours/0001_volunteer_totals.sql")
        let association = try AssociationDirectory(connection: connection).create(
            NewAssociation(slug: "tripoli", name: "جمعية طرابلس", country: "LB", baseCurrency: "LBP", timeZone: "Asia/Beirut", language: "ar"),
            actor: "test")
        let session = AssociationSession(association: association, connection: connection, actor: "test", logger: TestDatabase.logger,
                                         plugins: plugins)
        try session.transaction { transaction in
            let store = PluginStore(transaction)
            try store.enable(try store.plugin("volunteer-hours"), set: ["minimum_hours": "2"])
            var input = ContactInput()
            input.displayName = "ليلى حداد"
            let layla = try ContactStore(transaction).create(try input.validated(for: association))
            input.displayName = "Omar Itani"
            let omar = try ContactStore(transaction).create(try input.validated(for: association))
            for (contact, hours) in [(layla, "3"), (layla, "1.5"), (omar, "1")] {
                var shift = InteractionInput(type: "volunteer-shift")
                shift.hours = hours
                shift.occurredAt = "2026-11-01 10:00"
                _ = try InteractionStore(transaction).log(try shift.validated(for: association), contact: contact)
            }
            _ = try JobStore(transaction).enqueue("volunteer-hours.total")
        }
        let runner = JobRunner(connection: connection, options: .init(owner: "example-test"), logger: TestDatabase.logger, plugins: plugins)
        let outcome = try #require(try runner.runNext())
        #expect(outcome.result == "succeeded" && outcome.counts["contacts"] == 1, "\(outcome)")
        let totals = try session.transaction { try $0.query("SELECT hours FROM volunteer_totals").map { try $0.decode(Decimal.self, at: 0) } }
        #expect(totals == [Decimal(string: "4.5")!], "Omar's single hour is under the minimum of 2")
        // The same database, handed the binary's own plugins, does not know the job kind.
        #expect(throws: SanadError.self) {
            try AssociationSession(association: association, connection: connection, actor: "test", logger: TestDatabase.logger,
                                   plugins: TestDatabase.plugins).transaction { try JobStore($0).enqueue("volunteer-hours.total") }
        }
    }
}
