internal import Foundation
internal import Glibc
public import SanadCore

/// Progress of long work (import, export, refresh) on standard error: rows done and rows
/// per second, redrawn in place at most ten times a second, only when standard error is a
/// terminal. In a pipe or a log it stays silent.
public final class ProgressReporter: ProgressObserver {
    let label: String
    let total: Int?
    let enabled: Bool
    private(set) var count = 0
    private let start = Date()
    private var lastDraw = Date.distantPast

    /// - Parameter enabled: draw at all (default: when standard error is a terminal).
    public init(_ label: String, total: Int? = nil, enabled: Bool? = nil) {
        self.label = label
        self.total = total
        self.enabled = enabled ?? CommandIO.current.isTerminal(.standardError)
    }

    /// Draws on standard error when it is a terminal.
    public static let terminal: ProgressFactory = { label, total in ProgressReporter(label, total: total) }

    public func advance(by rows: Int) {
        count += rows
        guard enabled else { return }
        let now = Date()
        guard now.timeIntervalSince(lastDraw) >= 0.1 else { return }
        lastDraw = now
        draw(now)
    }

    /// Draws the final figures and ends the line.
    public func finish() {
        guard enabled else { return }
        draw(Date())
        CommandIO.current.write("\n", to: .standardError)
    }

    private func draw(_ now: Date) {
        let seconds = max(now.timeIntervalSince(start), 0.001)
        var text = "\r\(label): \(count)"
        if let total, total > 0 { text += " of \(total) (\(count * 100 / total)%)" }
        text += String(format: " — %.0f rows/s ", Double(count) / seconds)
        CommandIO.current.write(text, to: .standardError)
    }
}
