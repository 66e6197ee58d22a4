/// A PostgreSQL type, named by its object identifier (OID) in `pg_type`.
///
/// Only built-in types have fixed OIDs; enums and domains created by migrations get theirs
/// at run time and decode through their text form.
public struct PostgresType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt32

    public init(rawValue: UInt32) {
        self.rawValue = rawValue
    }

    /// Lets the server infer the type from context, as it does for a quoted literal.
    public static let unknown = PostgresType(rawValue: 0)
    public static let bool = PostgresType(rawValue: 16)
    public static let bytea = PostgresType(rawValue: 17)
    public static let char = PostgresType(rawValue: 18)
    public static let name = PostgresType(rawValue: 19)
    public static let int8 = PostgresType(rawValue: 20)
    public static let int2 = PostgresType(rawValue: 21)
    public static let int4 = PostgresType(rawValue: 23)
    public static let text = PostgresType(rawValue: 25)
    public static let oid = PostgresType(rawValue: 26)
    public static let json = PostgresType(rawValue: 114)
    public static let float4 = PostgresType(rawValue: 700)
    public static let float8 = PostgresType(rawValue: 701)
    public static let unknownLiteral = PostgresType(rawValue: 705)
    public static let boolArray = PostgresType(rawValue: 1000)
    public static let int2Array = PostgresType(rawValue: 1005)
    public static let int4Array = PostgresType(rawValue: 1007)
    public static let textArray = PostgresType(rawValue: 1009)
    public static let bpchar = PostgresType(rawValue: 1042)
    public static let varchar = PostgresType(rawValue: 1043)
    public static let int8Array = PostgresType(rawValue: 1016)
    public static let float8Array = PostgresType(rawValue: 1022)
    public static let date = PostgresType(rawValue: 1082)
    public static let time = PostgresType(rawValue: 1083)
    public static let timestamp = PostgresType(rawValue: 1114)
    public static let timestampArray = PostgresType(rawValue: 1115)
    public static let dateArray = PostgresType(rawValue: 1182)
    public static let timestamptz = PostgresType(rawValue: 1184)
    public static let timestamptzArray = PostgresType(rawValue: 1185)
    public static let interval = PostgresType(rawValue: 1186)
    public static let numericArray = PostgresType(rawValue: 1231)
    public static let numeric = PostgresType(rawValue: 1700)
    public static let uuid = PostgresType(rawValue: 2950)
    public static let uuidArray = PostgresType(rawValue: 2951)
    public static let jsonb = PostgresType(rawValue: 3802)

    private static let names: [UInt32: String] = [
        0: "unknown", 16: "boolean", 17: "bytea", 18: "\"char\"", 19: "name", 20: "bigint",
        21: "smallint", 23: "integer", 25: "text", 26: "oid", 114: "json", 700: "real",
        701: "double precision", 705: "unknown", 1000: "boolean[]", 1005: "smallint[]",
        1007: "integer[]", 1009: "text[]", 1016: "bigint[]", 1022: "double precision[]",
        1042: "character", 1043: "character varying", 1082: "date", 1083: "time",
        1114: "timestamp", 1115: "timestamp[]", 1182: "date[]", 1184: "timestamptz",
        1185: "timestamptz[]", 1186: "interval", 1231: "numeric[]", 1700: "numeric",
        2950: "uuid", 2951: "uuid[]", 3802: "jsonb",
    ]

    /// The SQL name of a built-in type, or `oid N` for others (enums, domains).
    public var description: String {
        Self.names[rawValue] ?? "oid \(rawValue)"
    }
}

/// A value ready to be sent as a bound parameter: its text form (or `nil` for SQL `NULL`)
/// and the type the server should read it as.
public struct PostgresBind: Sendable, Hashable {
    public var text: String?
    public var type: PostgresType

    public init(text: String?, type: PostgresType) {
        self.text = text
        self.type = type
    }

    public static let null = PostgresBind(text: nil, type: .unknown)
}
