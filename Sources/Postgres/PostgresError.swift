/// An error from the server, from libpq, or from decoding a result.
///
/// `description` is deliberately generic — the kind, the SQLSTATE and the constraint — because
/// the server's message can quote the values a statement carried (`invalid input syntax for
/// type integer: "…"`) and descriptions end up in logs. The full text is in
/// `debugDescription` and the individual fields.
public struct PostgresError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public enum Kind: String, Sendable {
        /// The server rejected the statement.
        case server
        /// No connection could be made.
        case connectionFailed
        /// The connection broke while in use (server restart, network).
        case connectionLost
        /// A parameter cannot be sent (a NUL byte in text).
        case invalidParameter
        /// A result field cannot become the requested Swift type.
        case decoding
        /// COPY was ended by the program or by the other side.
        case copyFailed
        /// The connection is in a state that cannot take this call.
        case misuse
    }

    public var kind: Kind
    public var sqlState: SQLState?
    public var severity: String?
    public var message: String
    public var detail: String?
    public var hint: String?
    public var constraint: String?
    public var table: String?
    public var column: String?
    /// 1-based character position in the statement text, for syntax errors.
    public var position: Int?

    public init(kind: Kind, sqlState: SQLState? = nil, message: String, detail: String? = nil,
                hint: String? = nil, constraint: String? = nil, table: String? = nil,
                column: String? = nil, position: Int? = nil, severity: String? = nil) {
        self.kind = kind
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
        self.hint = hint
        self.constraint = constraint
        self.table = table
        self.column = column
        self.position = position
        self.severity = severity
    }

    /// Retrying the whole transaction may succeed (serialization failure, deadlock, lost connection).
    public var isRetryable: Bool {
        kind == .connectionLost || sqlState?.class == .transactionRollback
    }

    public var description: String {
        var text = "PostgreSQL error (\(kind.rawValue)"
        if let sqlState { text += ", SQLSTATE \(sqlState)" }
        if let constraint { text += ", constraint \(constraint)" }
        // Server messages can quote bound values; every other kind's message is ours or libpq's.
        if kind != .server { text += ": \(message)" }
        return text + ")"
    }

    public var debugDescription: String {
        var text = description + " " + message
        if let detail { text += "\nDETAIL: \(detail)" }
        if let hint { text += "\nHINT: \(hint)" }
        if let position { text += "\nPOSITION: \(position)" }
        return text
    }
}
