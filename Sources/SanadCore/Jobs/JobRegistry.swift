internal import Foundation
internal import Postgres

/// Every job kind this binary can run: the core's and each installed plugin's
/// (``InstalledPlugins/jobs``).
public struct JobRegistry: Sendable {
    public let kinds: [JobKind]

    public init(kinds: [JobKind]) {
        self.kinds = kinds
    }

    public func kind(named name: String) -> JobKind? {
        kinds.first { $0.name == name }
    }

    /// The kind named `name`, with `parameters` checked against what it understands.
    ///
    /// - Throws: ``SanadError`` listing the kinds or parameters there are.
    public func validated(_ name: String, parameters: [String: String]) throws -> JobKind {
        guard let kind = kind(named: name) else {
            let known = kinds.map(\.name)
            var hint = "job kinds: \(known.joined(separator: ", "))"
            if let guess = Suggestion.closest(to: name, among: known) { hint = "did you mean \(guess)? " + hint }
            throw SanadError.invalid("there is no job kind \"\(name)\"", hint: hint)
        }
        for key in parameters.keys where kind.parameters[key] == nil {
            let known = kind.parameters.keys.sorted()
            throw SanadError.invalid("\(name) takes no parameter \"\(key)\"",
                                     hint: known.isEmpty ? "\(name) takes no parameters" : "its parameters: \(known.joined(separator: ", "))")
        }
        // Parameters are shown in job lists and logs: one line, no controls, no direction controls.
        for (key, value) in parameters {
            _ = try TextRules.cleanedName(value, field: "parameter \(key)", maxLength: 300)
        }
        return kind
    }
}

/// Job kinds that belong to the core.
public enum CoreJobs {
    public static let kinds: [JobKind] = [summary]

    /// Counts what the association holds, for a periodic record of its growth. Its
    /// `pause_seconds` parameter keeps the job's transaction open that long first, to
    /// rehearse what happens when a worker dies mid-job.
    static let summary = JobKind(
        name: "core.summary",
        summary: "Count contacts by role, interactions and gifts of the association",
        parameters: ["pause_seconds": "wait this long inside the job before counting (0-3600; for failover drills)"]
    ) { context in
        if let text = context.parameters["pause_seconds"] {
            guard let seconds = Double(text), (0...3600).contains(seconds) else {
                throw SanadError.invalid("pause_seconds must be a number from 0 to 3600", hint: "such as 5")
            }
            try context.transaction.query("SELECT pg_sleep(\(seconds))")
        }
        let row = try context.transaction.query("""
            SELECT (SELECT count(*) FROM contacts WHERE deleted_at IS NULL AND erased_at IS NULL AND merged_into_id IS NULL) AS contacts,
                   (SELECT count(*) FROM interactions) AS interactions,
                   (SELECT count(*) FROM interactions WHERE type = 'donation') AS donations,
                   (SELECT count(DISTINCT contact_id) FROM contact_roles WHERE role = 'volunteer') AS volunteers,
                   (SELECT count(DISTINCT contact_id) FROM contact_roles WHERE role = 'funder') AS funders
            """)[0]
        return JobResult(counts: Dictionary(uniqueKeysWithValues: try row.columns.map { ($0, try row.decode($0, as: Int64.self)) }))
    }
}
