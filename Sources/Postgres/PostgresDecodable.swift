public import Foundation

/// The text form of one field in a result, valid only during the decoding call.
public struct PostgresText {
    public let bytes: UnsafeBufferPointer<UInt8>

    public var string: String { String(decoding: bytes, as: UTF8.self) }
}

/// Why one field could not become the requested Swift type. ``Row`` adds the column.
public struct PostgresDecodingFailure: Error, Sendable {
    public var reason: String

    public init(_ reason: String) {
        self.reason = reason
    }
}

/// A Swift type that a result field decodes into.
///
/// Decoding checks the column's PostgreSQL type, so reading a `text` column as `Int` is an
/// error that names the column and both types instead of a silent `nil`.
public protocol PostgresDecodable {
    init(postgresText text: PostgresText, type: PostgresType) throws(PostgresDecodingFailure)

    /// The value for SQL `NULL`; only optionals have one.
    static func decodeNull() throws(PostgresDecodingFailure) -> Self
}

extension PostgresDecodable {
    public static func decodeNull() throws(PostgresDecodingFailure) -> Self {
        throw PostgresDecodingFailure("the value is NULL; decode it as an optional")
    }
}

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    public init(postgresText text: PostgresText, type: PostgresType) throws(PostgresDecodingFailure) {
        self = .some(try Wrapped(postgresText: text, type: type))
    }

    public static func decodeNull() throws(PostgresDecodingFailure) -> Self { nil }
}

extension String: PostgresDecodable {
    /// Every PostgreSQL type has a text form, so any column reads as a string.
    public init(postgresText text: PostgresText, type: PostgresType) throws(PostgresDecodingFailure) {
        self = text.string
    }
}

private let integerTypes: Set<PostgresType> = [.int2, .int4, .int8, .oid]

private func parseInteger(_ text: PostgresText, type: PostgresType) throws(PostgresDecodingFailure) -> Int64 {
    guard integerTypes.contains(type) else {
        throw PostgresDecodingFailure("a \(type) column cannot be read as an integer")
    }
    var value: Int64 = 0
    var negative = false
    var sawDigit = false
    for (index, byte) in text.bytes.enumerated() {
        if index == 0 && byte == UInt8(ascii: "-") {
            negative = true
            continue
        }
        guard byte >= 48 && byte <= 57 else {
            throw PostgresDecodingFailure("the server sent a malformed integer")
        }
        let (times, overflowA) = value.multipliedReportingOverflow(by: 10)
        let (sum, overflowB) = times.subtractingReportingOverflow(Int64(byte - 48))
        guard !overflowA && !overflowB else { throw PostgresDecodingFailure("the integer is out of range") }
        value = sum  // accumulate negatively so Int64.min fits
        sawDigit = true
    }
    guard sawDigit else { throw PostgresDecodingFailure("the server sent an empty integer") }
    if negative { return value }
    guard value != Int64.min else { throw PostgresDecodingFailure("the integer is out of range") }
    return -value
}

extension Int64: PostgresDecodable {
    public init(postgresText text: PostgresText, type: PostgresType) throws(PostgresDecodingFailure) {
        self = try parseInteger(text, type: type)
    }
}

extension Int: PostgresDecodable {
    public init(postgresText text: PostgresText, type: PostgresType) throws(PostgresDecodingFailure) {
        self = Int(try parseInteger(text, type: type))
    }
}

extension Int32: PostgresDecodable {
    public init(postgresText text: PostgresText, type: PostgresType) throws(PostgresDecodingFailure) {
        guard let value = Int32(exactly: try parseInteger(text, type: type)) else {
            throw PostgresDecodingFailure("the integer does not fit in 32 bits")
        }
        self = value
    }
}

extension Double: PostgresDecodable {
    public init(postgresText text: PostgresText, type: PostgresType) throws(PostgresDecodingFailure) {
        guard type == .float8 || type == .float4 || type == .numeric || integerTypes.contains(type) else {
            throw PostgresDecodingFailure("a \(type) column cannot be read as a floating-point number")
        }
        switch text.string {
        case "Infinity": self = .infinity
        case "-Infinity": self = -.infinity
        case "NaN": self = .nan
        case let string:
            guard let value = Double(string) else {
                throw PostgresDecodingFailure("the server sent a malformed number")
            }
            self = value
        }
    }
}

extension Bool: PostgresDecodable {
    public init(postgresText text: PostgresText, type: PostgresType) throws(PostgresDecodingFailure) {
        guard type == .bool else { throw PostgresDecodingFailure("a \(type) column cannot be read as a boolean") }
        guard text.bytes.count == 1 else { throw PostgresDecodingFailure("the server sent a malformed boolean") }
        self = text.bytes[0] == UInt8(ascii: "t")
    }
}

extension Decimal: PostgresDecodable {
    /// `numeric` keeps its exact decimal digits (money never passes through `Double`).
    public init(postgresText text: PostgresText, type: PostgresType) throws(PostgresDecodingFailure) {
        guard type == .numeric || integerTypes.contains(type) else {
            throw PostgresDecodingFailure("a \(type) column cannot be read as a decimal")
        }
        let string = text.string
        if string == "NaN" {
            self = .nan
            return
        }
        guard let value = Decimal(string: string, locale: Locale(identifier: "en_US_POSIX")) else {
            throw PostgresDecodingFailure("the server sent a malformed numeric")
        }
        self = value
    }
}

extension Date: PostgresDecodable {
    /// `timestamptz` and `timestamp` (read as UTC) become that instant; `date` becomes midnight UTC.
    public init(postgresText text: PostgresText, type: PostgresType) throws(PostgresDecodingFailure) {
        guard type == .timestamptz || type == .timestamp || type == .date else {
            throw PostgresDecodingFailure("a \(type) column cannot be read as a date")
        }
        guard let date = PostgresTimestamp.parse(text.string) else {
            throw PostgresDecodingFailure("the timestamp is not in ISO form (is DateStyle ISO?)")
        }
        self = date
    }
}

extension CalendarDate: PostgresDecodable {
    public init(postgresText text: PostgresText, type: PostgresType) throws(PostgresDecodingFailure) {
        guard type == .date else { throw PostgresDecodingFailure("a \(type) column cannot be read as a calendar date") }
        guard let date = CalendarDate(iso: text.string) else {
            throw PostgresDecodingFailure("the date is not in ISO form or lies outside years 0-9999")
        }
        self = date
    }
}

extension UUID: PostgresDecodable {
    public init(postgresText text: PostgresText, type: PostgresType) throws(PostgresDecodingFailure) {
        guard type == .uuid else { throw PostgresDecodingFailure("a \(type) column cannot be read as a UUID") }
        guard let uuid = UUID(uuidString: text.string) else {
            throw PostgresDecodingFailure("the server sent a malformed UUID")
        }
        self = uuid
    }
}

extension Array: PostgresDecodable where Element: PostgresDecodable {
    /// A one-dimensional array; each element decodes with the array's element type.
    public init(postgresText text: PostgresText, type: PostgresType) throws(PostgresDecodingFailure) {
        guard let elementType = PostgresArrayTypes.elementType(of: type) else {
            throw PostgresDecodingFailure("a \(type) column is not an array of a known type")
        }
        guard let elements = PostgresArrayLiteral.decode(text.string) else {
            throw PostgresDecodingFailure("the server sent a malformed or multi-dimensional array")
        }
        var result: [Element] = []
        result.reserveCapacity(elements.count)
        for element in elements {
            guard let element else {
                result.append(try Element.decodeNull())
                continue
            }
            let utf8 = [UInt8](element.utf8)
            let decoded = try utf8.withUnsafeBufferPointer { buffer throws(PostgresDecodingFailure) -> Element in
                try Element(postgresText: PostgresText(bytes: buffer), type: elementType)
            }
            result.append(decoded)
        }
        self = result
    }
}

enum PostgresArrayTypes {
    static let elements: [PostgresType: PostgresType] = [
        .boolArray: .bool, .int2Array: .int2, .int4Array: .int4, .int8Array: .int8,
        .textArray: .text, .float8Array: .float8, .dateArray: .date, .timestampArray: .timestamp,
        .timestamptzArray: .timestamptz, .numericArray: .numeric, .uuidArray: .uuid,
        PostgresType(rawValue: 1015): .varchar, PostgresType(rawValue: 1014): .bpchar,
    ]

    static func elementType(of arrayType: PostgresType) -> PostgresType? {
        elements[arrayType]
    }
}
