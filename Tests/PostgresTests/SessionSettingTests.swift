import Foundation
import Postgres
import PostgresTestSupport
import Testing

/// The driver chooses no session policy of its own: the caller's settings are applied on
/// connect, a setting newer than the server is skipped, and nothing else is set.
@Suite("Session settings are the caller's")
struct SessionSettingTests {
    @Test("the caller's settings apply; a setting the server is too old for is skipped; no application name is chosen")
    func settingsApply() throws {
        let database = try ThrowawayPostgres.createDatabase("settings")
        let plain = try ThrowawayPostgres.connect(database)
        #expect(try plain.query("SHOW application_name")[0].decode(String.self, at: 0) == "")
        #expect(try plain.query("SHOW jit")[0].decode(String.self, at: 0) == "on", "the server's default stays")
        let tuned = try ThrowawayPostgres.connect(database, settings: [
            SessionSetting("jit", "off"), SessionSetting("work_mem", "8MB"),
            SessionSetting("a_setting_from_the_future", "1", minimumServerVersion: 9_990_000),
        ])
        #expect(try tuned.query("SHOW jit")[0].decode(String.self, at: 0) == "off")
        #expect(try tuned.query("SHOW work_mem")[0].decode(String.self, at: 0) == "8MB")
        #expect(try tuned.query("SHOW TimeZone")[0].decode(String.self, at: 0) == "UTC", "decoding's own conventions hold")
    }

    @Test("a setting the server refuses fails the connect with its error")
    func badSettingFails() throws {
        let database = try ThrowawayPostgres.createDatabase("badsetting")
        #expect(throws: PostgresError.self) {
            _ = try ThrowawayPostgres.connect(database, settings: [SessionSetting("work_mem", "plenty")])
        }
    }
}
