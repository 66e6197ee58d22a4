public import Foundation
internal import Postgres
public import SanadCore

/// The one way a command opens its association's work: the database (migrated), the chosen
/// association's session, for a plugin's command that plugin's configuration there (or the
/// error that says how to enable it), and a writer that shows times in the association's
/// time zone.
///
/// ```swift
/// let work = try CommandContext.work(global, format, plugin: "segmentation")
/// let members = try work.read { try SegmentStore($0).members(slug, limit: limit) }
/// work.writer.print(members)
/// ```
public struct AssociationWork {
    public let context: CommandContext
    public let session: AssociationSession
    /// The plugin's settings in force (empty for core commands).
    public let configuration: PluginConfiguration
    public let format: FormatOptions

    public var association: Association { session.association }

    /// Prints in the chosen format, times in the association's zone.
    public var writer: OutputWriter { OutputWriter(format, timeZone: association.zone) }

    /// A writer for another format than `--format` (a summary printed beside a file).
    public func writer(_ format: OutputFormat) -> OutputWriter {
        OutputWriter(format: format, timeZone: association.zone, neutralizesFormulas: !self.format.raw)
    }

    /// Runs `body` in one read-only transaction of the association.
    public func read<T>(_ body: (AssociationTransaction) throws -> T) throws -> T {
        try session.transaction(readOnly: true, body)
    }

    /// Runs `body` in one transaction of the association: all of it is written, or none.
    public func change<T>(_ body: (AssociationTransaction) throws -> T) throws -> T {
        try session.transaction(.readCommitted, body)
    }

    /// Like ``change(_:)``; with `dryRun` the transaction is rolled back after `body`, which
    /// still returns what it would have done.
    public func change<T>(dryRun: Bool, _ body: (AssociationTransaction) throws -> T) throws -> T {
        guard dryRun else { return try change(body) }
        var outcome: T?
        do {
            try session.transaction(.readCommitted) { transaction in
                outcome = try body(transaction)
                throw DryRunRollback()
            }
        } catch is DryRunRollback {}
        return outcome!
    }
}

/// Rolls a dry run's transaction back.
private struct DryRunRollback: Error {
}

extension CommandContext {
    /// Opens the association the options name (`-a`, `SANAD_ASSOCIATION`, or the only one);
    /// with `plugin`, only where that plugin is enabled.
    public static func work(_ global: GlobalOptions, _ format: FormatOptions = FormatOptions(), plugin: String? = nil) throws -> AssociationWork {
        let context = try open(global)
        let session = try context.session()
        let configuration = try plugin.map { id in try session.transaction(readOnly: true) { try PluginStore($0).requireEnabled(id) } }
            ?? PluginConfiguration(pluginID: "core", values: [:], explicitKeys: [])
        return AssociationWork(context: context, session: session, configuration: configuration, format: format)
    }
}
