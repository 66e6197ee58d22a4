/// A SQL statement whose values travel as bound parameters.
///
/// Literal text stays text; every interpolated value becomes `$n` plus a bound parameter,
/// and `nil` binds SQL `NULL`. Fragments compose: a `SQL` interpolated into another keeps
/// its values, and the parameter numbers are assigned only when the statement runs, so
/// they never collide.
///
/// ```swift
/// let filter: SQL = "city = \(city)"
/// let query: SQL = "SELECT id FROM contacts WHERE \(filter) AND kind = \(kind)"
/// // SELECT id FROM contacts WHERE city = $1 AND kind = $2
/// ```
///
/// Identifiers are escaped by the server's rules with `\(identifier: name)`. The only way
/// to splice raw text is `\(unsafeSQL: text)`, named so that a reviewer stops at it.
///
/// ## Topics
/// - ``init(unsafeSQL:)``
/// - ``joined(_:separator:)``
public struct SQL: Sendable, Hashable {
    enum Part: Sendable, Hashable {
        case text(String)
        case value(PostgresBind)
        case identifier(String)
    }

    var parts: [Part]

    /// A statement made of trusted text only, never of user input.
    public init(unsafeSQL text: String) {
        parts = text.isEmpty ? [] : [.text(text)]
    }

    init(parts: [Part]) {
        self.parts = parts
    }

    /// The statement is empty (no text, no values).
    public var isEmpty: Bool { parts.isEmpty }

    /// How many values the statement binds.
    public var bindCount: Int {
        parts.reduce(0) { count, part in
            if case .value = part { return count + 1 }
            return count
        }
    }

    /// Appends another fragment.
    public mutating func append(_ other: SQL) {
        parts.append(contentsOf: other.parts)
    }

    /// Joins fragments with a trusted separator, such as `", "` or `" AND "`.
    public static func joined(_ fragments: some Sequence<SQL>, separator: String) -> SQL {
        var result = SQL(parts: [])
        var first = true
        for fragment in fragments {
            if !first { result.parts.append(.text(separator)) }
            first = false
            result.parts.append(contentsOf: fragment.parts)
        }
        return result
    }

    public static func + (lhs: SQL, rhs: SQL) -> SQL {
        SQL(parts: lhs.parts + rhs.parts)
    }

    /// The statement text with `$n` placeholders and the values in order, identifiers
    /// escaped with `escapeIdentifier`.
    func render(escapeIdentifier: (String) throws -> String) rethrows -> (text: String, binds: [PostgresBind]) {
        var text = ""
        var binds: [PostgresBind] = []
        for part in parts {
            switch part {
            case .text(let literal):
                text += literal
            case .value(let bind):
                binds.append(bind)
                text += "$\(binds.count)"
            case .identifier(let name):
                text += try escapeIdentifier(name)
            }
        }
        return (text, binds)
    }

    /// The statement text as the server will see it, identifiers quoted by the standard rule
    /// (for logs and tests; values are shown only as `$n`).
    public var textWithPlaceholders: String {
        render(escapeIdentifier: SQL.quoteIdentifier).text
    }

    /// Quotes an identifier by PostgreSQL's rule (double quotes, doubled inside).
    static func quoteIdentifier(_ name: String) -> String {
        "\"" + name.replacingAll("\"", with: "\"\"") + "\""
    }
}

extension SQL: ExpressibleByStringInterpolation {
    public init(stringLiteral value: String) {
        self.init(unsafeSQL: value)
    }

    public init(stringInterpolation: StringInterpolation) {
        self.parts = stringInterpolation.parts
    }

    public struct StringInterpolation: StringInterpolationProtocol {
        var parts: [Part] = []

        public init(literalCapacity: Int, interpolationCount: Int) {
            parts.reserveCapacity(interpolationCount * 2 + 1)
        }

        public mutating func appendLiteral(_ literal: String) {
            if !literal.isEmpty { parts.append(.text(literal)) }
        }

        /// Binds a value as the next `$n`.
        public mutating func appendInterpolation<Value: PostgresEncodable>(_ value: Value) {
            parts.append(.value(value.postgresBind))
        }

        /// Binds a value as the next `$n`, or SQL `NULL` for `nil`.
        public mutating func appendInterpolation<Value: PostgresEncodable>(_ value: Value?) {
            parts.append(.value(value?.postgresBind ?? .null))
        }

        /// Inserts a fragment with its own bound values.
        public mutating func appendInterpolation(_ fragment: SQL) {
            parts.append(contentsOf: fragment.parts)
        }

        /// Inserts a table, column or channel name, escaped by the server.
        public mutating func appendInterpolation(identifier name: String) {
            parts.append(.identifier(name))
        }

        /// Inserts raw SQL text. Only for text the program itself wrote, never user input.
        public mutating func appendInterpolation(unsafeSQL text: String) {
            parts.append(.text(text))
        }
    }
}

extension SQL: CustomStringConvertible {
    /// The statement text with placeholders; bound values are never shown.
    public var description: String { textWithPlaceholders }
}

extension String {
    /// Replaces every occurrence of one scalar; per scalar, because a quote followed by a
    /// combining mark is one `Character` that a Character comparison would let through.
    func replacingAll(_ target: Unicode.Scalar, with replacement: String) -> String {
        var result = String.UnicodeScalarView()
        for scalar in unicodeScalars {
            if scalar == target { result.append(contentsOf: replacement.unicodeScalars) } else { result.append(scalar) }
        }
        return String(result)
    }
}
