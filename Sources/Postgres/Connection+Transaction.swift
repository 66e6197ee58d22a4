internal import Logging
/// How strongly a transaction is isolated from concurrent ones.
public enum IsolationLevel: String, Sendable {
    case readCommitted = "READ COMMITTED"
    case repeatableRead = "REPEATABLE READ"
    case serializable = "SERIALIZABLE"
}

extension Connection {
    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    ///
    /// Nested calls become savepoints, so an inner failure undoes only the inner work when the
    /// caller catches it.
    ///
    /// - Throws: whatever `body` threw (after the rollback), or the commit's error.
    @discardableResult
    public func withTransaction<T>(
        _ isolation: IsolationLevel = .readCommitted,
        readOnly: Bool = false,
        _ body: (Connection) throws -> T
    ) throws -> T {
        if transactionDepth > 0 {
            return try withSavepoint(body)
        }
        var begin = "BEGIN ISOLATION LEVEL \(isolation.rawValue)"
        if readOnly { begin += " READ ONLY" }
        try execute(SQL(unsafeSQL: begin))
        transactionDepth = 1
        defer { transactionDepth = 0 }
        let value: T
        do {
            value = try body(self)
        } catch {
            rollbackQuietly()
            throw error
        }
        do {
            try execute("COMMIT")
        } catch {
            rollbackQuietly()
            throw error
        }
        return value
    }

    /// Runs a whole transaction again when it fails with a serialization failure or deadlock
    /// (SQLSTATE class 40), up to `attempts` times with a short randomized pause.
    @discardableResult
    public func withRetryingTransaction<T>(
        _ isolation: IsolationLevel = .readCommitted,
        attempts: Int = 5,
        _ body: (Connection) throws -> T
    ) throws -> T {
        var attempt = 1
        while true {
            do {
                return try withTransaction(isolation, body)
            } catch let error as PostgresError where error.sqlState?.class == .transactionRollback && attempt < attempts {
                logger.debug("transaction retried", metadata: ["sqlstate": "\(error.sqlState?.rawValue ?? "")", "attempt": "\(attempt)"])
                let pause = UInt32.random(in: 1_000...20_000) * UInt32(attempt)
                sleepMicroseconds(pause)
                attempt += 1
            }
        }
    }

    private func withSavepoint<T>(_ body: (Connection) throws -> T) throws -> T {
        let name = "savepoint_\(transactionDepth)"
        try execute(SQL(unsafeSQL: "SAVEPOINT \(name)"))
        transactionDepth += 1
        defer { transactionDepth -= 1 }
        do {
            let value = try body(self)
            try execute(SQL(unsafeSQL: "RELEASE SAVEPOINT \(name)"))
            return value
        } catch {
            if isConnected {
                _ = try? execute(SQL(unsafeSQL: "ROLLBACK TO SAVEPOINT \(name)"))
            }
            throw error
        }
    }

    private func rollbackQuietly() {
        guard isConnected else { return }
        drainResults()
        do {
            try execute("ROLLBACK")
        } catch {
            logger.warning("rollback failed", metadata: ["error": "\(error)"])
        }
    }
}
