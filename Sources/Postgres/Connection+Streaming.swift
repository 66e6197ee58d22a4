internal import CLibPQ

extension Connection {
    /// Runs a SELECT in single-row mode and hands each row to `body` as it arrives, so a
    /// million-row result never sits in memory at once.
    ///
    /// When `body` throws, the statement is cancelled on the server and the error rethrown.
    /// - Returns: the number of rows delivered.
    @discardableResult
    public func stream(_ statement: SQL, _ body: (Row) throws -> Void) throws -> Int {
        let (text, binds) = try statement.render(escapeIdentifier: escapeIdentifier)
        let sent = try withBoundParameters(binds) { count, types, values in
            PQsendQueryParams(handle, text, count, types, values, nil, nil, 0)
        }
        guard sent == 1 else { throw lastConnectionError(kind: .connectionLost) }
        guard PQsetSingleRowMode(handle) == 1 else {
            drainResults()
            throw PostgresError(kind: .misuse, message: "single-row mode could not be enabled")
        }
        var delivered = 0
        var consumerError: (any Error)?
        var serverFailure: PostgresError?
        while let result = PQgetResult(handle) {
            switch PQresultStatus(result) {
            case PGRES_SINGLE_TUPLE:
                let handle = ResultHandle(result)
                guard consumerError == nil else { continue }
                do {
                    try body(Row(handle: handle, index: 0))
                    delivered += 1
                } catch {
                    consumerError = error
                    requestCancel()
                }
            case PGRES_TUPLES_OK, PGRES_COMMAND_OK:
                PQclear(result)
            default:
                if serverFailure == nil { serverFailure = serverError(from: result) }
                PQclear(result)
            }
        }
        if let consumerError { throw consumerError }
        if let serverFailure { throw serverFailure }
        return delivered
    }
}

/// Cancels whatever statement a connection is running, from another thread.
///
/// Made by the connection's own thread (``Connection/makeCanceller()``); `cancel()` may then
/// be called from any thread, as libpq allows for `PQcancel`.
public final class QueryCanceller: @unchecked Sendable {
    private let handle: OpaquePointer

    init?(_ connection: OpaquePointer) {
        guard let handle = PQgetCancel(connection) else { return nil }
        self.handle = handle
    }

    deinit {
        PQfreeCancel(handle)
    }

    /// Asks the server to cancel the running statement; it then fails with SQLSTATE 57014.
    public func cancel() {
        var buffer = [CChar](repeating: 0, count: 256)
        _ = PQcancel(handle, &buffer, Int32(buffer.count))
    }
}

extension Connection {
    /// A handle that can cancel this connection's running statement from another thread.
    public func makeCanceller() -> QueryCanceller? {
        QueryCanceller(handle)
    }
}
