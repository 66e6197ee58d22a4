internal import CLibPQ
internal import Glibc

/// A message sent with `NOTIFY` to a channel this connection listens on.
public struct PostgresNotification: Sendable, Hashable {
    public var channel: String
    public var payload: String
    /// The server process that sent it.
    public var senderProcessID: Int32
}

extension Connection {
    /// Starts listening on a channel (the name is escaped as an identifier).
    public func listen(_ channel: String) throws {
        try execute("LISTEN \(identifier: channel)")
    }

    public func unlisten(_ channel: String) throws {
        try execute("UNLISTEN \(identifier: channel)")
    }

    /// Sends a notification; it is delivered when the current transaction commits.
    public func notify(_ channel: String, payload: String = "") throws {
        try execute("SELECT pg_notify(\(channel), \(payload))")
    }

    /// Waits up to `timeout` for notifications and returns those that arrived (possibly none).
    ///
    /// - Throws: ``PostgresError/Kind/connectionLost`` when the server went away.
    public func waitForNotifications(timeout: Duration) throws -> [PostgresNotification] {
        var notifications = try takeNotifications()
        guard notifications.isEmpty else { return notifications }
        let socket = PQsocket(handle)
        guard socket >= 0 else { throw lastConnectionError(kind: .connectionLost) }
        let (seconds, attoseconds) = timeout.components
        let milliseconds = Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000)
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        let ready = poll(&descriptor, 1, milliseconds)
        if ready < 0 && errno != EINTR {
            throw PostgresError(kind: .connectionLost, message: "waiting on the connection failed (errno \(errno))")
        }
        notifications = try takeNotifications()
        return notifications
    }

    private func takeNotifications() throws -> [PostgresNotification] {
        guard PQconsumeInput(handle) == 1 else { throw lastConnectionError(kind: .connectionLost) }
        var notifications: [PostgresNotification] = []
        while let notify = PQnotifies(handle) {
            notifications.append(PostgresNotification(
                channel: String(cString: notify.pointee.relname),
                payload: String(cString: notify.pointee.extra),
                senderProcessID: notify.pointee.be_pid))
            PQfreemem(notify)
        }
        return notifications
    }
}
