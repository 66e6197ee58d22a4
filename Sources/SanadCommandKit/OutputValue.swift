public import SanadCore
public import Foundation
public import Postgres

/// One value in a printed record: the same record prints as a table, JSON or CSV.
public indirect enum OutputValue: Sendable, Equatable {
    case null
    case text(String)
    case integer(Int64)
    case decimal(Decimal)
    case bool(Bool)
    case timestamp(Date)
    case date(CalendarDate)
    case list([OutputValue])
    case record(OutputRecord)

    public static func of(_ value: String?) -> OutputValue { value.map { .text($0) } ?? .null }
    public static func of(_ value: Int64?) -> OutputValue { value.map { .integer($0) } ?? .null }
    public static func of(_ value: Int?) -> OutputValue { value.map { .integer(Int64($0)) } ?? .null }
    public static func of(_ value: Decimal?) -> OutputValue { value.map { .decimal($0) } ?? .null }
    public static func of(_ value: Bool?) -> OutputValue { value.map { .bool($0) } ?? .null }
    public static func of(_ value: Date?) -> OutputValue { value.map { .timestamp($0) } ?? .null }
    public static func of(_ value: CalendarDate?) -> OutputValue { value.map { .date($0) } ?? .null }
    public static func of(_ values: [String]) -> OutputValue { .list(values.map { .text($0) }) }
}

/// An ordered set of named values: a contact, a job, a finding.
public struct OutputRecord: Sendable, Equatable, ExpressibleByDictionaryLiteral {
    public var fields: [Field]

    public struct Field: Sendable, Equatable {
        public var name: String
        public var value: OutputValue
    }

    public init(_ fields: [(String, OutputValue)]) {
        self.fields = fields.map { Field(name: $0.0, value: $0.1) }
    }

    public init(dictionaryLiteral elements: (String, OutputValue)...) {
        self.init(elements)
    }

    public subscript(name: String) -> OutputValue? {
        fields.first { $0.name == name }?.value
    }

    public mutating func append(_ name: String, _ value: OutputValue) {
        fields.append(Field(name: name, value: value))
    }
}
