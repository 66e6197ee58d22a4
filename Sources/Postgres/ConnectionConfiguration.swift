internal import Foundation

/// Where and how to connect, as libpq keyword/value pairs.
///
/// Everything libpq understands works unchanged: `postgresql://` URIs, `host`/`port`/`dbname`,
/// `sslmode`, `service`, multi-host lists with `target_session_attrs`, and with no pairs at
/// all the standard environment (`PGHOST`, `PGDATABASE`, ...) and `~/.pgpass`.
public struct ConnectionConfiguration: Sendable, Hashable, CustomStringConvertible {
    /// Keyword/value pairs in order; a later keyword overrides an earlier one.
    public var parameters: [Parameter]
    /// Whether the first `dbname` may be a URI or conninfo string to expand.
    public var expandDatabaseName: Bool

    public struct Parameter: Sendable, Hashable {
        public var keyword: String
        public var value: String

        public init(_ keyword: String, _ value: String) {
            self.keyword = keyword
            self.value = value
        }
    }

    public init(parameters: [Parameter] = [], expandDatabaseName: Bool = false) {
        self.parameters = parameters
        self.expandDatabaseName = expandDatabaseName
    }

    /// A `postgresql://` URI or a conninfo string such as `host=db dbname=sanad`.
    public static func url(_ url: String) -> ConnectionConfiguration {
        ConnectionConfiguration(parameters: [Parameter("dbname", url)], expandDatabaseName: true)
    }

    /// libpq's defaults: the `PG*` environment variables, service file and `~/.pgpass`.
    public static let environment = ConnectionConfiguration()

    /// A server listening on a Unix socket in `directory`.
    public static func unixSocket(directory: String, port: Int = 5432, database: String,
                                  user: String) -> ConnectionConfiguration {
        ConnectionConfiguration(parameters: [
            Parameter("host", directory), Parameter("port", String(port)),
            Parameter("dbname", database), Parameter("user", user),
        ])
    }

    /// The same server, another database.
    public func database(_ name: String) -> ConnectionConfiguration {
        setting("dbname", to: name)
    }

    /// A copy with one keyword set (appended, so it overrides what a URI said).
    public func setting(_ keyword: String, to value: String) -> ConnectionConfiguration {
        var copy = self
        if expandDatabaseName || !copy.parameters.contains(where: { $0.keyword == keyword }) {
            copy.parameters.append(Parameter(keyword, value))
        } else {
            copy.parameters = copy.parameters.map { $0.keyword == keyword ? Parameter(keyword, value) : $0 }
        }
        return copy
    }

    /// The pairs with passwords hidden, safe for logs.
    public var description: String {
        if parameters.isEmpty { return "libpq environment defaults" }
        return parameters.map { parameter in
            if parameter.keyword == "password" { return "password=***" }
            if parameter.keyword == "dbname" && expandDatabaseName {
                return "dbname=" + ConnectionConfiguration.redactingPassword(in: parameter.value)
            }
            return "\(parameter.keyword)=\(parameter.value)"
        }.joined(separator: " ")
    }

    /// `postgresql://user:secret@host/db` becomes `postgresql://user:***@host/db`.
    static func redactingPassword(in url: String) -> String {
        // Per scalar: a password holding a prepend scalar or mark next to `@` or `:` must
        // still be found and hidden.
        let scalars = url.unicodeScalars
        guard let scheme = url.range(of: "://"), let at = scalars[scheme.upperBound...].lastIndex(of: "@") else {
            if url.contains("password=") {
                return url.split(separator: " ").map { $0.hasPrefix("password=") ? "password=***" : String($0) }
                    .joined(separator: " ")
            }
            return url
        }
        guard let colon = scalars[scheme.upperBound..<at].firstIndex(of: ":") else { return url }
        return String(scalars[..<colon]) + ":***" + String(scalars[at...])
    }
}

/// A run-time parameter set on every session a connection opens (`SET name TO value`), for
/// the application's own choices: planner switches, timeouts.
public struct SessionSetting: Sendable, Hashable {
    public var name: String
    public var value: String
    /// Servers older than this (`server_version_num`) do not know the parameter; it is
    /// skipped there.
    public var minimumServerVersion: Int?

    public init(_ name: String, _ value: String, minimumServerVersion: Int? = nil) {
        self.name = name
        self.value = value
        self.minimumServerVersion = minimumServerVersion
    }
}
