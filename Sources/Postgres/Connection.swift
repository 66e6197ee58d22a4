internal import CLibPQ
public import Logging

/// One connection to PostgreSQL through libpq.
///
/// Calls block the calling thread; a connection is used by one thread at a time (it may move
/// between threads, never be shared by two at once). The `PGconn` is finished exactly once,
/// when the connection is released.
///
/// ```swift
/// let connection = try Connection.connect(.url("postgresql:///sanad"), logger: logger)
/// let rows = try connection.query("SELECT id, name FROM associations WHERE slug = \(slug)")
/// ```
///
/// ## Topics
/// - ``query(_:)``
/// - ``execute(_:)``
/// - ``withTransaction(_:_:)``
/// - ``copyIn(_:_:)``
/// - ``copyOut(_:_:)``
/// - ``stream(_:_:)``
/// - ``listen(_:)``
/// - ``withAdvisoryLock(_:_:)``
public final class Connection: @unchecked Sendable {
    let handle: OpaquePointer
    public let logger: Logger
    private let noticeSink: NoticeSink
    var transactionDepth = 0

    private init(handle: OpaquePointer, logger: Logger) {
        self.handle = handle
        self.logger = logger
        self.noticeSink = NoticeSink(logger: logger)
        PQsetNoticeReceiver(handle, { context, result in
            guard let context, let result else { return }
            Unmanaged<NoticeSink>.fromOpaque(context).takeUnretainedValue().receive(result)
        }, Unmanaged.passUnretained(noticeSink).toOpaque())
    }

    deinit {
        PQfinish(handle)
    }

    /// Opens a connection, fixes the session's text conventions (UTF-8, ISO dates, UTC) that
    /// decoding relies on, then applies the caller's own session settings.
    ///
    /// - Parameter settings: `SET` parameters the application wants on every session (its
    ///   planner choices, timeouts); the driver chooses none of its own.
    /// - Throws: ``PostgresError`` of kind ``PostgresError/Kind/connectionFailed`` with libpq's
    ///   explanation.
    public static func connect(_ configuration: ConnectionConfiguration, settings: [SessionSetting] = [],
                               logger: Logger) throws -> Connection {
        var parameters = configuration.parameters
        parameters.append(.init("client_encoding", "UTF8"))
        for parameter in parameters where parameter.keyword.utf8.contains(0) || parameter.value.utf8.contains(0) {
            throw PostgresError(kind: .connectionFailed, message: "connection setting \(parameter.keyword) contains a NUL byte")
        }
        let pointer = withCStringArray(parameters.map(\.keyword)) { keywords in
            withCStringArray(parameters.map(\.value)) { values in
                PQconnectdbParams(keywords, values, configuration.expandDatabaseName ? 1 : 0)
            }
        }
        guard let pointer else {
            throw PostgresError(kind: .connectionFailed, message: "libpq could not allocate a connection")
        }
        guard PQstatus(pointer) == CONNECTION_OK else {
            let message = String(cString: PQerrorMessage(pointer)).trimmingTrailingNewlines
            PQfinish(pointer)
            throw PostgresError(kind: .connectionFailed, message: message)
        }
        let connection = Connection(handle: pointer, logger: logger)
        try connection.executeScript("""
            SET DateStyle TO 'ISO, YMD'; SET TimeZone TO 'UTC'; SET IntervalStyle TO 'iso_8601';
            SET extra_float_digits TO 3
            """)
        let applicable = settings.filter { $0.minimumServerVersion.map { connection.serverVersion >= $0 } ?? true }
        if !applicable.isEmpty {
            try connection.query("SELECT \(SQL.joined(applicable.map { "set_config(\($0.name), \($0.value), false)" }, separator: ", "))")
        }
        return connection
    }

    /// Whether the connection is still usable (it breaks when the server restarts).
    public var isConnected: Bool { PQstatus(handle) == CONNECTION_OK }

    /// The server's process id for this session.
    public var backendProcessID: Int32 { PQbackendPID(handle) }

    /// The server's version as a number, such as 150018.
    public var serverVersion: Int { Int(PQserverVersion(handle)) }

    /// Whether a transaction is open on the server side.
    public var isInTransaction: Bool {
        let status = PQtransactionStatus(handle)
        return status == PQTRANS_INTRANS || status == PQTRANS_INERROR
    }

    // MARK: Statements

    /// Runs a statement and returns all its rows.
    @discardableResult
    public func query(_ statement: SQL) throws -> QueryResult {
        let (text, binds) = try statement.render(escapeIdentifier: escapeIdentifier)
        let result = try withBoundParameters(binds) { count, types, values in
            PQexecParams(handle, text, count, types, values, nil, nil, 0)
        }
        return try checked(result)
    }

    /// Runs a statement and returns how many rows it changed.
    @discardableResult
    public func execute(_ statement: SQL) throws -> Int {
        try query(statement).affectedRows
    }

    /// Runs trusted text that may hold several statements (a migration), with no parameters.
    public func executeScript(_ text: String) throws {
        guard !text.utf8.contains(0) else {
            throw PostgresError(kind: .invalidParameter, message: "the script contains a NUL byte")
        }
        _ = try checked(PQexec(handle, text))
    }

    /// The name quoted for use as an identifier, by the server's own rules.
    public func escapeIdentifier(_ name: String) throws -> String {
        guard !name.utf8.contains(0) else {
            throw PostgresError(kind: .invalidParameter, message: "an identifier contains a NUL byte")
        }
        guard let escaped = name.withCString({ PQescapeIdentifier(handle, $0, name.utf8.count) }) else {
            throw lastConnectionError(kind: .invalidParameter)
        }
        defer { PQfreemem(escaped) }
        return String(cString: escaped)
    }

    /// The password's SCRAM-SHA-256 verifier for `role`, computed here by libpq
    /// (`PQencryptPasswordConn`), so `ALTER ROLE ... PASSWORD` sends the server, and its
    /// logs, only the verifier and never the password.
    public func scramVerifier(password: String, role: String) throws -> String {
        guard !password.utf8.contains(0), !role.utf8.contains(0) else {
            throw PostgresError(kind: .invalidParameter, message: "a password or role name contains a NUL byte")
        }
        guard let verifier = PQencryptPasswordConn(handle, password, role, "scram-sha-256") else {
            throw lastConnectionError(kind: .invalidParameter)
        }
        defer { PQfreemem(verifier) }
        return String(cString: verifier)
    }

    /// A string literal for the server, quoted by libpq (`PQescapeLiteral`), for the few
    /// utility statements that take no parameters.
    public func escapeLiteral(_ value: String) throws -> String {
        guard !value.utf8.contains(0) else {
            throw PostgresError(kind: .invalidParameter, message: "a literal contains a NUL byte")
        }
        guard let escaped = value.withCString({ PQescapeLiteral(handle, $0, value.utf8.count) }) else {
            throw lastConnectionError(kind: .invalidParameter)
        }
        defer { PQfreemem(escaped) }
        return String(cString: escaped)
    }

    // MARK: Plumbing shared by the extensions

    /// Passes the parameters to libpq as C arrays that live only for the call.
    func withBoundParameters<R>(
        _ binds: [PostgresBind],
        _ body: (Int32, UnsafePointer<Oid>?, UnsafePointer<UnsafePointer<CChar>?>?) throws -> R
    ) throws -> R {
        var storage: [CChar] = []
        var offsets: [Int?] = []
        offsets.reserveCapacity(binds.count)
        for (index, bind) in binds.enumerated() {
            guard let text = bind.text else {
                offsets.append(nil)
                continue
            }
            if text.utf8.contains(0) {
                throw PostgresError(kind: .invalidParameter,
                                    message: "parameter $\(index + 1) contains a NUL byte, which PostgreSQL text cannot store")
            }
            offsets.append(storage.count)
            storage.append(contentsOf: text.utf8CString)
        }
        let types = binds.map { Oid($0.type.rawValue) }
        return try storage.withUnsafeBufferPointer { base in
            let pointers: [UnsafePointer<CChar>?] = offsets.map { offset in offset.map { base.baseAddress! + $0 } }
            return try types.withUnsafeBufferPointer { typePointer in
                try pointers.withUnsafeBufferPointer { valuePointer in
                    try body(Int32(binds.count), typePointer.baseAddress, valuePointer.baseAddress)
                }
            }
        }
    }

    /// Turns a `PGresult` into a ``QueryResult`` or a ``PostgresError``, clearing it on error.
    func checked(_ result: OpaquePointer?) throws -> QueryResult {
        guard let result else { throw lastConnectionError(kind: .connectionLost) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_SINGLE_TUPLE:
            let affected = Int(String(cString: PQcmdTuples(result))) ?? 0
            return QueryResult(handle: ResultHandle(result), affectedRows: affected)
        case PGRES_EMPTY_QUERY:
            PQclear(result)
            return QueryResult(handle: nil, affectedRows: 0)
        case PGRES_COPY_IN, PGRES_COPY_OUT, PGRES_COPY_BOTH:
            PQclear(result)
            throw PostgresError(kind: .misuse, message: "COPY statements run through copyIn or copyOut")
        default:
            let error = serverError(from: result)
            PQclear(result)
            throw error
        }
    }

    /// The error a failed result carries; connection loss when the link is gone.
    func serverError(from result: OpaquePointer) -> PostgresError {
        func field(_ code: Int32) -> String? {
            guard let value = PQresultErrorField(result, code) else { return nil }
            return String(cString: value)
        }
        let sqlState = field(SANAD_PG_DIAG_SQLSTATE).map(SQLState.init(rawValue:))
        let message = field(SANAD_PG_DIAG_MESSAGE_PRIMARY)
            ?? String(cString: PQresultErrorMessage(result)).trimmingTrailingNewlines
        let lost = PQstatus(handle) != CONNECTION_OK
        return PostgresError(
            kind: lost ? .connectionLost : (sqlState == nil ? .connectionLost : .server),
            sqlState: sqlState, message: message.isEmpty ? "the server closed the connection" : message,
            detail: field(SANAD_PG_DIAG_MESSAGE_DETAIL), hint: field(SANAD_PG_DIAG_MESSAGE_HINT),
            constraint: field(SANAD_PG_DIAG_CONSTRAINT_NAME), table: field(SANAD_PG_DIAG_TABLE_NAME),
            column: field(SANAD_PG_DIAG_COLUMN_NAME), position: field(SANAD_PG_DIAG_STATEMENT_POSITION).flatMap { Int($0) },
            severity: field(SANAD_PG_DIAG_SEVERITY))
    }

    func lastConnectionError(kind: PostgresError.Kind) -> PostgresError {
        let message = String(cString: PQerrorMessage(handle)).trimmingTrailingNewlines
        let lost = PQstatus(handle) != CONNECTION_OK
        return PostgresError(kind: lost ? .connectionLost : kind,
                             message: message.isEmpty ? "libpq reported an error without a message" : message)
    }

    /// Reads and discards results until libpq has none left, so the next command can start.
    /// Returns the first error among them.
    @discardableResult
    func drainResults() -> PostgresError? {
        var firstError: PostgresError?
        while let result = PQgetResult(handle) {
            let status = PQresultStatus(result)
            if status == PGRES_FATAL_ERROR || status == PGRES_BAD_RESPONSE, firstError == nil {
                firstError = serverError(from: result)
            }
            PQclear(result)
            if status == PGRES_COPY_IN {
                PQputCopyEnd(handle, "abandoned")
            } else if status == PGRES_COPY_OUT {
                var buffer: UnsafeMutablePointer<CChar>?
                while PQgetCopyData(handle, &buffer, 0) > 0 {
                    PQfreemem(buffer)
                    buffer = nil
                }
            }
        }
        return firstError
    }

    /// Asks the server to cancel the statement in progress (used when a consumer stops early).
    func requestCancel() {
        makeCanceller()?.cancel()
    }
}

/// Routes server notices (`RAISE NOTICE`, warnings) to the connection's logger.
final class NoticeSink: @unchecked Sendable {
    let logger: Logger

    init(logger: Logger) {
        self.logger = logger
    }

    func receive(_ result: OpaquePointer) {
        let severity = PQresultErrorField(result, SANAD_PG_DIAG_SEVERITY).map { String(cString: $0) } ?? "NOTICE"
        let message = PQresultErrorField(result, SANAD_PG_DIAG_MESSAGE_PRIMARY).map { String(cString: $0) } ?? ""
        let sqlState = PQresultErrorField(result, SANAD_PG_DIAG_SQLSTATE).map { String(cString: $0) } ?? ""
        let level: Logger.Level = switch severity {
        case "WARNING": .warning
        case "NOTICE": .notice
        case "INFO": .info
        default: .debug
        }
        logger.log(level: level, "\(message)", metadata: ["postgres.severity": "\(severity)", "postgres.sqlstate": "\(sqlState)"])
    }
}

/// Calls `body` with a NULL-terminated array of C strings that live only for the call.
func withCStringArray<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    var storage: [CChar] = []
    var offsets: [Int] = []
    for string in strings {
        offsets.append(storage.count)
        storage.append(contentsOf: string.utf8CString)
    }
    return storage.withUnsafeBufferPointer { base in
        var pointers: [UnsafePointer<CChar>?] = offsets.map { base.baseAddress! + $0 }
        pointers.append(nil)
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}

extension String {
    var trimmingTrailingNewlines: String {
        var copy = self
        while copy.last == "\n" || copy.last == " " { copy.removeLast() }
        return copy
    }
}
