internal import CLibPQ

/// Owns one `PGresult` and clears it exactly once, when the last row referring to it goes.
final class ResultHandle: @unchecked Sendable {
    let pointer: OpaquePointer
    let columnNames: [String]
    let columnTypes: [PostgresType]

    init(_ pointer: OpaquePointer) {
        self.pointer = pointer
        let count = PQnfields(pointer)
        columnNames = (0..<count).map { String(cString: PQfname(pointer, $0)) }
        columnTypes = (0..<count).map { PostgresType(rawValue: UInt32(PQftype(pointer, $0))) }
    }

    deinit {
        PQclear(pointer)
    }

    var rowCount: Int { Int(PQntuples(pointer)) }
}

/// The rows a statement returned, and how many rows it changed.
public struct QueryResult: RandomAccessCollection, Sendable {
    let handle: ResultHandle?
    /// For INSERT/UPDATE/DELETE/COPY/MERGE: how many rows the statement touched.
    public let affectedRows: Int

    init(handle: ResultHandle?, affectedRows: Int) {
        self.handle = handle
        self.affectedRows = affectedRows
    }

    public var columns: [String] { handle?.columnNames ?? [] }
    public var startIndex: Int { 0 }
    public var endIndex: Int { handle?.rowCount ?? 0 }

    public subscript(position: Int) -> Row {
        guard let handle else { preconditionFailure("a result without rows has no row \(position)") }
        return Row(handle: handle, index: Int32(position))
    }

    /// The only row, or `nil` when there is none. More than one row is a programming error
    /// reported as ``PostgresError/Kind/misuse``.
    public func singleRow() throws -> Row? {
        switch count {
        case 0: return nil
        case 1: return self[0]
        default: throw PostgresError(kind: .misuse, message: "expected at most one row, got \(count)")
        }
    }
}

/// One row of a result. Fields decode by position or by column name into typed values.
///
/// ```swift
/// let (id, name) = try row.decode(Int64.self, String.self)
/// let city = try row.decode("city", as: String?.self)
/// ```
public struct Row: Sendable {
    let handle: ResultHandle
    let index: Int32

    public var columns: [String] { handle.columnNames }

    /// Whether the field is SQL `NULL`.
    public func isNull(at column: Int) -> Bool {
        PQgetisnull(handle.pointer, index, Int32(column)) == 1
    }

    /// The field at `column` (0-based) as `T`.
    public func decode<T: PostgresDecodable>(_ type: T.Type = T.self, at column: Int) throws -> T {
        guard column >= 0 && column < handle.columnNames.count else {
            throw PostgresError(kind: .misuse, message: "the result has \(handle.columnNames.count) columns, not \(column + 1)")
        }
        let columnType = handle.columnTypes[column]
        do {
            if PQgetisnull(handle.pointer, index, Int32(column)) == 1 {
                return try T.decodeNull()
            }
            let length = Int(PQgetlength(handle.pointer, index, Int32(column)))
            let start = PQgetvalue(handle.pointer, index, Int32(column))!
            return try start.withMemoryRebound(to: UInt8.self, capacity: length) { bytes throws(PostgresDecodingFailure) in
                try T(postgresText: PostgresText(bytes: UnsafeBufferPointer(start: bytes, count: length)), type: columnType)
            }
        } catch {
            throw PostgresError(
                kind: .decoding, message: "column \"\(handle.columnNames[column])\" (\(columnType)) cannot be decoded as \(T.self): \(error.reason)",
                column: handle.columnNames[column])
        }
    }

    /// The field named `column` as `T`.
    public func decode<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        guard let position = handle.columnNames.firstIndex(of: column) else {
            throw PostgresError(kind: .misuse, message: "the result has no column \"\(column)\"")
        }
        return try decode(T.self, at: position)
    }

    /// The first fields of the row, in order, as a tuple of the given types.
    public func decode<each T: PostgresDecodable>(_ types: repeat (each T).Type) throws -> (repeat each T) {
        var position = 0
        func next<U: PostgresDecodable>(_ type: U.Type) throws -> U {
            defer { position += 1 }
            return try decode(U.self, at: position)
        }
        return (repeat try next(each types))
    }
}
