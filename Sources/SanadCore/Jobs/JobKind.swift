public import Logging

/// A kind of job that schedules and `sanad jobs` can name, such as `segmentation.refresh`.
public struct JobKind: Sendable {
    /// `plugin-id.action`, unique across the binary.
    public let name: String
    public let summary: String
    /// Parameter names the job understands, with a word on each (for `schedule add --param`).
    public let parameters: [String: String]
    /// Does the work inside the transaction the worker opened; the job's completion commits
    /// in the same transaction, so a crash mid-job leaves no partial effect.
    public let run: @Sendable (JobContext) throws -> JobResult

    public init(name: String, summary: String, parameters: [String: String] = [:],
                run: @escaping @Sendable (JobContext) throws -> JobResult) {
        self.name = name
        self.summary = summary
        self.parameters = parameters
        self.run = run
    }

    /// The plugin a job kind belongs to: the part before the first dot.
    public var pluginID: String {
        String(name.prefix { $0 != "." })
    }
}

/// What a running job gets.
public struct JobContext {
    public let jobID: Int64
    public let attempt: Int
    public let parameters: [String: String]
    public let configuration: PluginConfiguration
    /// The association-scoped transaction the job runs in.
    public let transaction: AssociationTransaction
    public let logger: Logger
}

/// What a finished job reports: counts for the run record (rows refreshed, findings, ...).
public struct JobResult: Sendable {
    public var counts: [String: Int64]

    public init(counts: [String: Int64] = [:]) {
        self.counts = counts
    }
}
