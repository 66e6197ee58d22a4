internal import Foundation

/// A folder under /tmp for one test's files, removed when the test's suite instance goes away,
/// so a test run leaves nothing behind.
public final class ScratchFolder: Sendable {
    public let path: String

    public init(_ label: String) throws {
        path = "/tmp/sanad-\(label)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }
}
