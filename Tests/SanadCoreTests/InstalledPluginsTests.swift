import Foundation
import Postgres
import SanadCore
import SanadTestSupport
import Testing

/// The installed plugins are a value each session, migrator and job registry is handed:
/// two sessions over one database can see different sets, and nothing reads a global.
@Suite("Installed plugins are a value, not a global")
struct InstalledPluginsTests {
    @Test("a session sees exactly the plugins it was handed")
    func sessionsSeeTheirPlugins() throws {
        let connection = try TestDatabase.connect(try TestDatabase.fresh("installed-plugins"))
        let association = try AssociationDirectory(connection: connection).create(
            NewAssociation(slug: "values", name: "Values", country: "LB", baseCurrency: "LBP", timeZone: "Asia/Beirut", language: "ar"),
            actor: "test")
        func session(_ plugins: InstalledPlugins) -> AssociationSession {
            AssociationSession(association: association, connection: connection, actor: "test", logger: TestDatabase.logger, plugins: plugins)
        }
        let all = try session(TestDatabase.plugins).transaction { try PluginStore($0).states().map(\.plugin.id) }
        #expect(all == ["segmentation", "influence-audit", "email-export"])
        let none = try session(.none).transaction { try PluginStore($0).states().count }
        #expect(none == 0)
        #expect(throws: SanadError.self) { try session(.none).transaction { try PluginStore($0).plugin("segmentation") } }
        #expect(InstalledPlugins.none.jobs.kinds.map(\.name) == ["core.summary"])
        #expect(TestDatabase.plugins.jobs.kind(named: "segmentation.refresh") != nil)
    }

    @Test("the migrator is built from the installed plugins, each plugin's migrations after the core's")
    func migratorFromPlugins() {
        let identifiers = TestDatabase.plugins.migrator.migrations.map(\.identifier)
        #expect(identifiers.first == "core/0001_foundation.sql")
        for plugin in TestDatabase.plugins.all {
            #expect(!plugin.migrations.isEmpty, "\(plugin.id) has migrations")
            #expect(plugin.migrations.allSatisfy { identifiers.contains($0.identifier) }, "\(plugin.id)'s migrations are all applied")
        }
        #expect(InstalledPlugins.none.migrator.migrations.allSatisfy { $0.identifier.hasPrefix("core/") })
    }
}
