public import SanadCore
public import Foundation
public import Postgres

extension OutputRecord {
    /// The printable record of a model: its coded fields in declaration order, named by its
    /// coding keys. `nil` properties print as empty fields (not left out), so every record of
    /// a listing has the same columns; nested models become nested records and arrays lists.
    ///
    /// - Precondition: the model encodes as a keyed container (a struct with properties).
    public init(encoding model: some Encodable) {
        let encoder = RecordEncoder()
        do {
            try model.encode(to: encoder)
        } catch {
            preconditionFailure("\(type(of: model)) cannot be printed: \(error)")
        }
        guard case .record(let record) = encoder.storage.value else {
            preconditionFailure("\(type(of: model)) does not encode as a record")
        }
        self = record
    }
}

extension Array where Element == OutputRecord {
    /// The printable records of a list of models.
    public init(encoding models: some Sequence<some Encodable>) {
        self = models.map { OutputRecord(encoding: $0) }
    }
}

extension OutputValue {
    /// The printable value of one Swift value: the types records hold are kept as themselves
    /// (money keeps its digits, days stay days), anything else encodes itself.
    static func encoding(_ value: some Encodable) throws -> OutputValue {
        switch value {
        case let text as String: return .text(text)
        case let number as Int64: return .integer(number)
        case let number as Int: return .integer(Int64(number))
        case let number as Int32: return .integer(Int64(number))
        case let number as Decimal: return .decimal(number)
        case let flag as Bool: return .bool(flag)
        case let date as Date: return .timestamp(date)
        case let day as CalendarDate: return .date(day)
        case let value as OutputValue: return value
        case let record as OutputRecord: return .record(record)
        default:
            let encoder = RecordEncoder()
            try value.encode(to: encoder)
            return encoder.storage.value ?? .null
        }
    }
}

/// Where an encoder leaves what it made; containers write into it after the encoder returns.
private final class ValueBox {
    var value: OutputValue?
}

private final class RecordEncoder: Encoder {
    let storage = ValueBox()
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    /// One record however many times a model asks: a model that encodes another model's
    /// fields and then its own (`JobDetails` after `Job`) makes one flat record.
    private lazy var record: RecordBox = {
        let record = RecordBox()
        record.onChange = { [storage] in storage.value = .record($0) }
        return record
    }()

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if storage.value == nil { storage.value = .record(OutputRecord([])) }
        return KeyedEncodingContainer(RecordContainer<Key>(box: record))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let list = ListContainer()
        storage.value = .list([])
        list.onChange = { [storage] in storage.value = .list($0) }
        return list
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleContainer(storage: storage)
    }
}

private final class RecordBox {
    var record = OutputRecord([])
    var onChange: (OutputRecord) -> Void = { _ in }

    func set(_ name: String, _ value: OutputValue) {
        if let index = record.fields.firstIndex(where: { $0.name == name }) {
            record.fields[index].value = value
        } else {
            record.append(name, value)
        }
        onChange(record)
    }
}

private struct RecordContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let box: RecordBox
    var codingPath: [any CodingKey] { [] }

    mutating func encodeNil(forKey key: Key) { box.set(key.stringValue, .null) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        box.set(key.stringValue, try OutputValue.encoding(value))
    }

    // Synthesized `encode(to:)` skips nil optionals through these; a record keeps the field.
    mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws {
        box.set(key.stringValue, try value.map(OutputValue.encoding) ?? .null)
    }
    mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws { box.set(key.stringValue, .of(value)) }
    mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { box.set(key.stringValue, .of(value)) }
    mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws { box.set(key.stringValue, .of(value)) }
    mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) throws { box.set(key.stringValue, .of(value)) }
    mutating func encodeIfPresent(_ value: Int32?, forKey key: Key) throws { box.set(key.stringValue, value.map { .integer(Int64($0)) } ?? .null) }
    mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws {
        box.set(key.stringValue, value.map { .decimal(Decimal($0)) } ?? .null)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let nested = RecordBox()
        box.set(key.stringValue, .record(OutputRecord([])))
        nested.onChange = { [box] in box.set(key.stringValue, .record($0)) }
        return KeyedEncodingContainer(RecordContainer<NestedKey>(box: nested))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let list = ListContainer()
        box.set(key.stringValue, .list([]))
        list.onChange = { [box] in box.set(key.stringValue, .list($0)) }
        return list
    }

    mutating func superEncoder() -> any Encoder { RecordEncoder() }
    mutating func superEncoder(forKey key: Key) -> any Encoder { RecordEncoder() }
}

private final class ListContainer: UnkeyedEncodingContainer {
    var items: [OutputValue] = []
    var onChange: ([OutputValue]) -> Void = { _ in }
    var codingPath: [any CodingKey] { [] }
    var count: Int { items.count }

    private func append(_ value: OutputValue) {
        items.append(value)
        onChange(items)
    }

    func encodeNil() { append(.null) }
    func encode<T: Encodable>(_ value: T) throws { append(try OutputValue.encoding(value)) }

    func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let index = items.count
        append(.record(OutputRecord([])))
        let nested = RecordBox()
        nested.onChange = { [weak self] in
            guard let self else { return }
            self.items[index] = .record($0)
            self.onChange(self.items)
        }
        return KeyedEncodingContainer(RecordContainer<NestedKey>(box: nested))
    }

    func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let index = items.count
        append(.list([]))
        let nested = ListContainer()
        nested.onChange = { [weak self] in
            guard let self else { return }
            self.items[index] = .list($0)
            self.onChange(self.items)
        }
        return nested
    }

    func superEncoder() -> any Encoder { RecordEncoder() }
}

private struct SingleContainer: SingleValueEncodingContainer {
    let storage: ValueBox
    var codingPath: [any CodingKey] { [] }

    mutating func encodeNil() { storage.value = .null }
    mutating func encode<T: Encodable>(_ value: T) throws { storage.value = try OutputValue.encoding(value) }
    mutating func encode(_ value: String) { storage.value = .text(value) }
    mutating func encode(_ value: Bool) { storage.value = .bool(value) }
    mutating func encode(_ value: Int) { storage.value = .integer(Int64(value)) }
    mutating func encode(_ value: Int64) { storage.value = .integer(value) }
    mutating func encode(_ value: Int32) { storage.value = .integer(Int64(value)) }
    mutating func encode(_ value: Double) { storage.value = .decimal(Decimal(value)) }
    mutating func encode(_ value: Int8) { storage.value = .integer(Int64(value)) }
    mutating func encode(_ value: Int16) { storage.value = .integer(Int64(value)) }
    mutating func encode(_ value: UInt) { storage.value = .integer(Int64(value)) }
    mutating func encode(_ value: UInt8) { storage.value = .integer(Int64(value)) }
    mutating func encode(_ value: UInt16) { storage.value = .integer(Int64(value)) }
    mutating func encode(_ value: UInt32) { storage.value = .integer(Int64(value)) }
    mutating func encode(_ value: UInt64) { storage.value = .integer(Int64(value)) }
    mutating func encode(_ value: Float) { storage.value = .decimal(Decimal(Double(value))) }
}
