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
