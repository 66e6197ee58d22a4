public import Postgres

/// The association most tests work in: جمعية طرابلس, in Tripoli, Lebanon (Asia/Beirut, Arabic),
/// on a fresh database, with the command line pointed at it.
public struct TripoliFixture: Sendable {
    public static let slug = "tripoli"
    public static let name = "جمعية طرابلس"

    public let database: ConnectionConfiguration
    public let sanad: InProcessSanad

    /// - Parameters:
    ///   - label: names the suite's database.
    ///   - currency: the association's own currency (LBP, or USD as many Lebanese
    ///     associations account).
    public init(_ label: String, currency: String = "LBP", name: String = TripoliFixture.name) throws {
        database = try TestDatabase.fresh(label)
        sanad = InProcessSanad(database: database, extra: ["SANAD_ASSOCIATION": Self.slug])
        try sanad.succeed(["association", "add", Self.slug, "--name", name, "--country", "LB", "--currency", currency,
                           "--time-zone", "Asia/Beirut", "--language", "ar"])
    }

    /// A connection to the fixture's database, as its owner (for checks behind the commands).
    public func connect() throws -> Connection {
        try TestDatabase.connect(database)
    }
}
