internal import Logging
internal import Glibc

/// The 64-bit key of a PostgreSQL advisory lock.
///
/// Keys made from names hash the name with FNV-1a, so every process that says
/// `AdvisoryLockKey("sanad.migrate")` takes the same lock.
public struct AdvisoryLockKey: Hashable, Sendable {
    public var value: Int64

    public init(_ value: Int64) {
        self.value = value
    }

    public init(_ name: String) {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        value = Int64(bitPattern: hash)
    }
}

extension Connection {
    /// Holds a session-level advisory lock while `body` runs, waiting for it if another
    /// session has it.
    public func withAdvisoryLock<T>(_ key: AdvisoryLockKey, _ body: () throws -> T) throws -> T {
        try execute("SELECT pg_advisory_lock(\(key.value))")
        defer {
            if isConnected {
                do {
                    try execute("SELECT pg_advisory_unlock(\(key.value))")
                } catch {
                    logger.warning("advisory unlock failed", metadata: ["error": "\(error)"])
                }
            }
        }
        return try body()
    }

    /// Takes a session-level advisory lock if it is free.
    public func tryAdvisoryLock(_ key: AdvisoryLockKey) throws -> Bool {
        try query("SELECT pg_try_advisory_lock(\(key.value))")[0].decode(Bool.self, at: 0)
    }

    public func advisoryUnlock(_ key: AdvisoryLockKey) throws {
        try execute("SELECT pg_advisory_unlock(\(key.value))")
    }

    /// Takes an advisory lock held until the current transaction ends, waiting if needed.
    public func advisoryTransactionLock(_ key: AdvisoryLockKey) throws {
        try execute("SELECT pg_advisory_xact_lock(\(key.value))")
    }

    /// Takes an advisory lock held until the current transaction ends, if it is free.
    public func tryAdvisoryTransactionLock(_ key: AdvisoryLockKey) throws -> Bool {
        try query("SELECT pg_try_advisory_xact_lock(\(key.value))")[0].decode(Bool.self, at: 0)
    }
}

func sleepMicroseconds(_ microseconds: UInt32) {
    usleep(microseconds)
}
