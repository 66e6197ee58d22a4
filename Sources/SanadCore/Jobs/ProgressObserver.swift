/// Someone watching long work (an import, an export, a refresh) advance. The core reports
/// rows done; how they are shown (a line redrawn on a terminal, nothing in a pipe, a web
/// page later) is the caller's choice.
public protocol ProgressObserver: AnyObject {
    func advance(by rows: Int)
    /// The work is over.
    func finish()
}

extension ProgressObserver {
    public func advance() { advance(by: 1) }
}

/// Makes an observer for one piece of work: its label (`contacts`) and, when known, how
/// many rows it has.
public typealias ProgressFactory = @Sendable (_ label: String, _ total: Int?) -> any ProgressObserver

/// Nobody watches: the default wherever the caller says nothing.
public final class SilentProgress: ProgressObserver {
    public init() {}
    public func advance(by rows: Int) {}
    public func finish() {}

    public static let factory: ProgressFactory = { _, _ in SilentProgress() }
}
