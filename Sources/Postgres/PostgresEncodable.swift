public import Foundation

/// A Swift value that can be sent as a bound parameter.
///
/// Values travel in PostgreSQL's text format. Strings are sent with an unknown type so the
/// server reads them like a quoted literal of the column's type (an enum, a date, `citext`);
/// numbers, booleans, dates, UUIDs and JSON name their type.
public protocol PostgresEncodable: Sendable {
    var postgresBind: PostgresBind { get }
}

/// A value that can be an element of an array parameter (`= ANY($1)`).
public protocol PostgresArrayElement: PostgresEncodable {
    static var postgresArrayType: PostgresType { get }
}

extension String: PostgresArrayElement {
    public var postgresBind: PostgresBind { PostgresBind(text: self, type: .unknown) }
    public static var postgresArrayType: PostgresType { .textArray }
}

extension Substring: PostgresEncodable {
    public var postgresBind: PostgresBind { PostgresBind(text: String(self), type: .unknown) }
}

extension Int: PostgresArrayElement {
    public var postgresBind: PostgresBind { PostgresBind(text: String(self), type: .int8) }
    public static var postgresArrayType: PostgresType { .int8Array }
}

extension Int64: PostgresArrayElement {
    public var postgresBind: PostgresBind { PostgresBind(text: String(self), type: .int8) }
    public static var postgresArrayType: PostgresType { .int8Array }
}

extension Int32: PostgresArrayElement {
    public var postgresBind: PostgresBind { PostgresBind(text: String(self), type: .int4) }
    public static var postgresArrayType: PostgresType { .int4Array }
}

extension Int16: PostgresArrayElement {
    public var postgresBind: PostgresBind { PostgresBind(text: String(self), type: .int2) }
    public static var postgresArrayType: PostgresType { .int2Array }
}

extension Double: PostgresArrayElement {
    public var postgresBind: PostgresBind {
        let text: String
        if isNaN {
            text = "NaN"
        } else if isInfinite {
            text = self > 0 ? "Infinity" : "-Infinity"
        } else {
            text = String(self)
        }
        return PostgresBind(text: text, type: .float8)
    }
    public static var postgresArrayType: PostgresType { .float8Array }
}

extension Bool: PostgresArrayElement {
    public var postgresBind: PostgresBind { PostgresBind(text: self ? "t" : "f", type: .bool) }
    public static var postgresArrayType: PostgresType { .boolArray }
}

extension Decimal: PostgresArrayElement {
    public var postgresBind: PostgresBind {
        PostgresBind(text: isNaN ? "NaN" : description, type: .numeric)
    }
    public static var postgresArrayType: PostgresType { .numericArray }
}

extension Date: PostgresArrayElement {
    public var postgresBind: PostgresBind {
        PostgresBind(text: PostgresTimestamp.format(self), type: .timestamptz)
    }
    public static var postgresArrayType: PostgresType { .timestamptzArray }
}

extension CalendarDate: PostgresArrayElement {
    public var postgresBind: PostgresBind { PostgresBind(text: description, type: .date) }
    public static var postgresArrayType: PostgresType { .dateArray }
}

extension UUID: PostgresArrayElement {
    public var postgresBind: PostgresBind { PostgresBind(text: uuidString, type: .uuid) }
    public static var postgresArrayType: PostgresType { .uuidArray }
}

extension Array: PostgresEncodable where Element: PostgresArrayElement {
    /// An array literal (`{"a","b",NULL}`), each element quoted and escaped.
    public var postgresBind: PostgresBind {
        PostgresBind(text: PostgresArrayLiteral.encode(map { $0.postgresBind.text }),
                     type: Element.postgresArrayType)
    }
}

extension Optional: PostgresEncodable where Wrapped: PostgresEncodable {
    public var postgresBind: PostgresBind { self?.postgresBind ?? .null }
}

extension Optional: PostgresArrayElement where Wrapped: PostgresArrayElement {
    public static var postgresArrayType: PostgresType { Wrapped.postgresArrayType }
}

/// A value stored as `jsonb`, encoded and decoded with Foundation's JSON coders.
public struct JSONB<Value: Codable & Sendable>: PostgresEncodable, PostgresDecodable, Sendable {
    public var value: Value

    public init(_ value: Value) {
        self.value = value
    }

    public var postgresBind: PostgresBind {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding a Codable value into JSON fails only for non-finite floating-point numbers;
        // sending NULL then would lose data silently, so the text is left invalid on purpose
        // and the server rejects the statement.
        let text = (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{invalid"
        return PostgresBind(text: text, type: .jsonb)
    }

    public init(postgresText text: PostgresText, type: PostgresType) throws(PostgresDecodingFailure) {
        guard type == .json || type == .jsonb || type == .text else {
            throw PostgresDecodingFailure("a \(type) column is not JSON")
        }
        do {
            value = try JSONDecoder().decode(Value.self, from: Data(text.bytes))
        } catch {
            throw PostgresDecodingFailure("the JSON does not have the expected shape (\(error))")
        }
    }
}

/// PostgreSQL's text form of one-dimensional arrays (`{"a","b",NULL}`).
public enum PostgresArrayLiteral {
    /// The array literal for `elements`, each quoted and escaped.
    public static func encode(_ elements: [String?]) -> String {
        var text = "{"
        for (index, element) in elements.enumerated() {
            if index > 0 { text += "," }
            guard let element else {
                text += "NULL"
                continue
            }
            // Escaped per scalar: a combining mark or a prepend scalar glued to a quote makes one
            // Character that compares unequal to it, and the server would end the element there.
            var scalars = String.UnicodeScalarView()
            scalars.append("\"")
            for scalar in element.unicodeScalars {
                if scalar == "\"" || scalar == "\\" { scalars.append("\\") }
                scalars.append(scalar)
            }
            scalars.append("\"")
            text += String(scalars)
        }
        return text + "}"
    }

    /// Splits a one-dimensional array's text form into its elements (`nil` for NULL).
    static func decode(_ text: String) -> [String?]? {
        var bytes = Array(text.utf8)
        // An array with explicit bounds ("[0:1]={...}") keeps only its elements.
        if bytes.first == UInt8(ascii: "["), let equals = bytes.firstIndex(of: UInt8(ascii: "=")) {
            bytes.removeSubrange(0...equals)
        }
        guard bytes.first == UInt8(ascii: "{"), bytes.last == UInt8(ascii: "}") else { return nil }
        var elements: [String?] = []
        var index = 1
        let end = bytes.count - 1
        if index == end { return [] }
        while index <= end {
            var element: [UInt8] = []
            var quoted = false
            if bytes[index] == UInt8(ascii: "\"") {
                quoted = true
                index += 1
                while index < end, bytes[index] != UInt8(ascii: "\"") {
                    if bytes[index] == UInt8(ascii: "\\") { index += 1 }
                    if index < end { element.append(bytes[index]) }
                    index += 1
                }
                index += 1
            } else {
                while index < end, bytes[index] != UInt8(ascii: ",") {
                    element.append(bytes[index])
                    index += 1
                }
            }
            let value = String(decoding: element, as: UTF8.self)
            elements.append(!quoted && value == "NULL" ? nil : value)
            index += 1  // the comma or the closing brace
        }
        return elements
    }
}
