internal import Logging
internal import CLibPQ

/// Feeds rows to a running `COPY ... FROM STDIN`, buffered into large chunks.
///
/// Text-format rows (`writeRow`) are escaped here; CSV or raw bytes go through `write`.
public final class CopyInWriter {
    private let connection: Connection
    private var buffer: [UInt8] = []
    private let chunkSize: Int
    /// Rows written with ``writeRow(_:)``.
    public private(set) var rowsWritten = 0

    init(connection: Connection, chunkSize: Int) {
        self.connection = connection
        self.chunkSize = chunkSize
        buffer.reserveCapacity(chunkSize + 4096)
    }

    /// Appends raw bytes in the COPY's format (CSV, text); they are sent as they are.
    public func write(_ bytes: some Sequence<UInt8>) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= chunkSize { try flush() }
    }

    public func write(_ text: String) throws {
        try write(text.utf8)
    }

    /// Appends one row in COPY's text format: fields separated by tabs, `nil` as `\N`,
    /// backslash, tab, newline and carriage return escaped.
    ///
    /// - Throws: ``PostgresError/Kind/invalidParameter`` for a NUL byte, which PostgreSQL
    ///   text cannot store.
    public func writeRow(_ fields: [String?]) throws {
        for (index, field) in fields.enumerated() {
            if index > 0 { buffer.append(9) }
            guard let field else {
                buffer.append(contentsOf: [92, 78])  // \N
                continue
            }
            for byte in field.utf8 {
                switch byte {
                case 0:
                    throw PostgresError(kind: .invalidParameter,
                                        message: "field \(index + 1) of row \(rowsWritten + 1) contains a NUL byte")
                case 92: buffer.append(contentsOf: [92, 92])
                case 9: buffer.append(contentsOf: [92, 116])
                case 10: buffer.append(contentsOf: [92, 110])
                case 13: buffer.append(contentsOf: [92, 114])
                default: buffer.append(byte)
                }
            }
        }
        buffer.append(10)
        rowsWritten += 1
        if buffer.count >= chunkSize { try flush() }
    }

    func flush() throws {
        guard !buffer.isEmpty else { return }
        let status = buffer.withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                PQputCopyData(connection.handle, chars.baseAddress, Int32(chars.count))
            }
        }
        guard status == 1 else { throw connection.lastConnectionError(kind: .copyFailed) }
        buffer.removeAll(keepingCapacity: true)
    }
}

extension Connection {
    /// Runs `COPY ... FROM STDIN` and lets `body` write the data.
    ///
    /// When `body` throws, the COPY is aborted on the server (nothing of it is kept) and the
    /// error is rethrown.
    ///
    /// ```swift
    /// let rows = try connection.copyIn("COPY staging (name, email) FROM STDIN") { writer in
    ///     try writer.writeRow(["Fatima", "f@example.org"])
    /// }
    /// ```
    /// - Parameter statement: a COPY statement with no bound values (COPY takes no parameters).
    /// - Returns: the number of rows the server loaded.
    @discardableResult
    public func copyIn(_ statement: SQL, chunkSize: Int = 256 * 1024, _ body: (CopyInWriter) throws -> Void) throws -> Int {
        try startCopy(statement, expecting: PGRES_COPY_IN)
        let writer = CopyInWriter(connection: self, chunkSize: chunkSize)
        do {
            try body(writer)
            try writer.flush()
        } catch {
            if isConnected {
                PQputCopyEnd(handle, "COPY abandoned by the client")
                drainResults()
            }
            throw error
        }
        guard PQputCopyEnd(handle, nil) == 1 else {
            let error = lastConnectionError(kind: .copyFailed)
            drainResults()
            throw error
        }
        return try finishCopy()
    }

    /// Runs `COPY ... TO STDOUT` and hands each chunk (usually one row) to `body` as it
    /// arrives, so memory stays constant whatever the size.
    ///
    /// When `body` throws, the statement is cancelled on the server and the error rethrown.
    /// - Returns: the number of rows the server sent.
    @discardableResult
    public func copyOut(_ statement: SQL, _ body: (UnsafeRawBufferPointer) throws -> Void) throws -> Int {
        try startCopy(statement, expecting: PGRES_COPY_OUT)
        var consumerError: (any Error)?
        while true {
            var chunk: UnsafeMutablePointer<CChar>?
            let length = PQgetCopyData(handle, &chunk, 0)
            if length > 0, let chunk {
                if consumerError == nil {
                    do {
                        try body(UnsafeRawBufferPointer(start: chunk, count: Int(length)))
                    } catch {
                        consumerError = error
                        requestCancel()
                    }
                }
                PQfreemem(chunk)
            } else if length == -1 {
                break
            } else {
                let error = lastConnectionError(kind: .copyFailed)
                drainResults()
                throw consumerError ?? error
            }
        }
        if let consumerError {
            drainResults()
            throw consumerError
        }
        return try finishCopy()
    }

    private func startCopy(_ statement: SQL, expecting expected: ExecStatusType) throws {
        guard statement.bindCount == 0 else {
            throw PostgresError(kind: .misuse, message: "COPY takes no parameters: stage the values in a temporary table or stream a SELECT")
        }
        let (text, _) = try statement.render(escapeIdentifier: escapeIdentifier)
        guard let result = PQexec(handle, text) else { throw lastConnectionError(kind: .connectionLost) }
        let status = PQresultStatus(result)
        guard status == expected else {
            let error = status == PGRES_FATAL_ERROR
                ? serverError(from: result)
                : PostgresError(kind: .misuse, message: "the statement is not a COPY in the expected direction")
            PQclear(result)
            drainResults()
            throw error
        }
        PQclear(result)
    }

    private func finishCopy() throws -> Int {
        var rows = 0
        var firstError: PostgresError?
        while let result = PQgetResult(handle) {
            let status = PQresultStatus(result)
            if status == PGRES_COMMAND_OK {
                rows = Int(String(cString: PQcmdTuples(result))) ?? 0
            } else if firstError == nil {
                firstError = serverError(from: result)
            }
            PQclear(result)
        }
        if let firstError { throw firstError }
        return rows
    }
}
