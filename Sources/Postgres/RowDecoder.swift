internal import Foundation

extension Row {
    /// The row as a `Decodable` record whose coding keys name its columns, the way GRDB's
    /// records decode: each property reads the column of its key's name, with the type
    /// checks of ``decode(_:at:)``. A property whose type is not ``PostgresDecodable`` (a
    /// `String`-backed enum) reads the field's text through its own `init(from:)`; an
    /// optional property reads SQL `NULL` as `nil`.
    ///
    /// ```swift
    /// struct Campaign: Decodable { var id: Int64; var slug: String; var startsOn: CalendarDate?
    ///     enum CodingKeys: String, CodingKey { case id, slug, startsOn = "starts_on" } }
    /// let campaign = try row.decode(Campaign.self)
    /// ```
    public func decode<Record: Decodable>(_ type: Record.Type) throws -> Record {
        do {
            return try Record(from: RowDecoder(row: self))
        } catch let error as PostgresError {
            throw error
        } catch let error as DecodingError {
            throw PostgresError(kind: .decoding, message: "the row cannot be decoded as \(Record.self): \(Self.describe(error))")
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, _): "it has no column \"\(key.stringValue)\""
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            (context.codingPath.last.map { "column \"\($0.stringValue)\": " } ?? "") + context.debugDescription
        @unknown default: "\(error)"
        }
    }
}

/// Reads one row through `Decodable`: a keyed container over its columns, and for each field
/// a single-value container over its text.
private struct RowDecoder: Decoder {
    let row: Row
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(ColumnContainer<Key>(row: row))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw DecodingError.typeMismatch([Any].self, .init(codingPath: codingPath, debugDescription: "a row decodes into a keyed record"))
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        throw DecodingError.typeMismatch(Any.self, .init(codingPath: codingPath, debugDescription: "a row decodes into a keyed record"))
    }
}

private struct ColumnContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let row: Row
    var codingPath: [any CodingKey] { [] }
    var allKeys: [Key] { row.columns.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool { row.columns.contains(key.stringValue) }

    private func position(_ key: Key) throws -> Int {
        guard let position = row.columns.firstIndex(of: key.stringValue) else {
            throw DecodingError.keyNotFound(key, .init(codingPath: [key], debugDescription: "the result has no such column"))
        }
        return position
    }

    func decodeNil(forKey key: Key) throws -> Bool { row.isNull(at: try position(key)) }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        let position = try position(key)
        if let decodable = T.self as? any PostgresDecodable.Type {
            return try Self.open(decodable, row: row, at: position) as! T
        }
        return try T(from: FieldDecoder(row: row, position: position, key: key))
    }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard contains(key), !row.isNull(at: try position(key)) else { return nil }
        return try decode(T.self, forKey: key)
    }

    private static func open<T: PostgresDecodable>(_ type: T.Type, row: Row, at position: Int) throws -> T {
        try row.decode(T.self, at: position)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        throw DecodingError.typeMismatch(type, .init(codingPath: [key], debugDescription: "a column holds one value; store nested records as JSONB"))
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        throw DecodingError.typeMismatch([Any].self, .init(codingPath: [key], debugDescription: "a column holds one value; decode arrays as [T]"))
    }

    func superDecoder() throws -> any Decoder { RowDecoder(row: row) }
    func superDecoder(forKey key: Key) throws -> any Decoder { FieldDecoder(row: row, position: try position(key), key: key) }
}

/// One field, for types that decode themselves from a single value (`String`-backed enums).
private struct FieldDecoder: Decoder, SingleValueDecodingContainer {
    let row: Row
    let position: Int
    let key: any CodingKey
    var codingPath: [any CodingKey] { [key] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        throw DecodingError.typeMismatch(type, .init(codingPath: codingPath, debugDescription: "a column holds one value; store nested records as JSONB"))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw DecodingError.typeMismatch([Any].self, .init(codingPath: codingPath, debugDescription: "a column holds one value; decode arrays as [T]"))
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    func decodeNil() -> Bool { row.isNull(at: position) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        if let decodable = T.self as? any PostgresDecodable.Type {
            return try Self.open(decodable, row: row, at: position) as! T
        }
        return try T(from: self)
    }

    private static func open<T: PostgresDecodable>(_ type: T.Type, row: Row, at position: Int) throws -> T {
        try row.decode(T.self, at: position)
    }

    func decode(_ type: String.Type) throws -> String { try row.decode(String.self, at: position) }
    func decode(_ type: Bool.Type) throws -> Bool { try row.decode(Bool.self, at: position) }
    func decode(_ type: Double.Type) throws -> Double { try row.decode(Double.self, at: position) }
    func decode(_ type: Float.Type) throws -> Float { Float(try row.decode(Double.self, at: position)) }
    func decode(_ type: Int.Type) throws -> Int { try row.decode(Int.self, at: position) }
    func decode(_ type: Int64.Type) throws -> Int64 { try row.decode(Int64.self, at: position) }
    func decode(_ type: Int32.Type) throws -> Int32 { try row.decode(Int32.self, at: position) }
    func decode(_ type: Int16.Type) throws -> Int16 { try integer(Int16.self) }
    func decode(_ type: Int8.Type) throws -> Int8 { try integer(Int8.self) }
    func decode(_ type: UInt.Type) throws -> UInt { try integer(UInt.self) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(UInt64.self) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(UInt32.self) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(UInt16.self) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(UInt8.self) }

    private func integer<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        let value = try row.decode(Int64.self, at: position)
        guard let exact = T(exactly: value) else {
            throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: "\(value) does not fit \(T.self)"))
        }
        return exact
    }
}
