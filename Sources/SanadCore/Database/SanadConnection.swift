public import Logging
public import Postgres

/// How Sanad connects: the driver's connection plus Sanad's own session policy, in one place.
public enum SanadConnection {
    /// Set on every session Sanad opens.
    ///
    /// - `jit off`: JIT compilation starts whenever a plan's estimated cost passes
    ///   `jit_above_cost`, which row-level security and correlated subqueries reach easily;
    ///   measured on a five-clause segment rule over 20,000 contacts it cost 680 ms of a 750 ms
    ///   query. Sanad's statements are index-driven and short, so the compiler never pays.
    /// - `client_connection_check_interval 5s` (PostgreSQL 14+): a process killed in the middle
    ///   of a statement otherwise leaves its backend running or waiting on a lock, holding its
    ///   own locks, until the statement ends; with the check the server notices the closed
    ///   socket within seconds.
    public static let sessionSettings: [SessionSetting] = [
        SessionSetting("jit", "off"),
        SessionSetting("client_connection_check_interval", "5s", minimumServerVersion: 140000),
    ]

    /// Opens a connection with Sanad's session settings; `pg_stat_activity` shows it as
    /// `sanad` unless the configuration names another application.
    public static func connect(_ configuration: ConnectionConfiguration, logger: Logger) throws -> Connection {
        var configuration = configuration
        if !configuration.parameters.contains(where: { $0.keyword == "fallback_application_name" }) {
            configuration.parameters.append(.init("fallback_application_name", "sanad"))
        }
        return try Connection.connect(configuration, settings: sessionSettings, logger: logger)
    }
}
