/// What a plugin declares to the core.
///
/// A plugin is a module under `Plugins/`; SanadCLI lists the compiled-in plugins in one
/// place. The core never imports a plugin, and a plugin reaches data only through the
/// ``AssociationSession`` the core hands it.
///
/// ```swift
/// public struct SegmentationPlugin: SanadPlugin {
///     public let id = "segmentation"
///     public let summary = "Dynamic groups of contacts, refreshed on a schedule"
///     public var jobKinds: [JobKind] { [SegmentJobs.refresh] }
/// }
/// ```
///
/// Its commands are declared by the command side of the plugin (``CommandPlugin`` in
/// SanadCommandKit), so the core knows nothing of argument parsing.
public protocol SanadPlugin: Sendable {
    /// A stable identifier such as `segmentation`; it names the plugin's migrations
    /// (`segmentation/0001_segments.sql`) and its settings.
    var id: String { get }
    /// One line for `sanad plugin list`.
    var summary: String { get }
    /// Its migrations, in order: the SQL files of its own `Schema/` folder, which its target
    /// embeds (`.embedInCode("Schema")`); applied whenever the binary migrates.
    var migrations: [Migration] { get }
    /// Its configuration keys, with types, defaults and validation.
    var configurationKeys: [ConfigurationKey] { get }
    /// The job kinds its schedules and jobs may name.
    var jobKinds: [JobKind] { get }
    /// Named contact sets it offers other plugins (through ``ContactSets``).
    var contactSetSources: [any ContactSetSource] { get }
    /// Moves the plugin's own per-contact rows from `merged` to `kept`, inside the merge's
    /// transaction (the core has already moved its own).
    func contactsMerged(kept: Int64, merged: Int64, in transaction: AssociationTransaction) throws
    /// Removes or scrubs the plugin's personal data about an erased contact, inside the
    /// erasure's transaction.
    func contactErased(_ id: Int64, in transaction: AssociationTransaction) throws
}

extension SanadPlugin {
    public var migrations: [Migration] { [] }
    public var configurationKeys: [ConfigurationKey] { [] }
    public var jobKinds: [JobKind] { [] }
    public var contactSetSources: [any ContactSetSource] { [] }
    public func contactsMerged(kept: Int64, merged: Int64, in transaction: AssociationTransaction) throws {}
    public func contactErased(_ id: Int64, in transaction: AssociationTransaction) throws {}
}

/// The plugins compiled into this binary: a value the composition root makes once and
/// hands to what needs it (the migrator, the job registry, every association session). No
/// store reads a global.
public struct InstalledPlugins: Sendable {
    public let all: [any SanadPlugin]

    public init(_ plugins: [any SanadPlugin]) {
        all = plugins
    }

    /// No plugins: the core alone.
    public static let none = InstalledPlugins([])

    public func plugin(id: String) -> (any SanadPlugin)? {
        all.first { $0.id == id }
    }

    /// The core's migrations, then each plugin's.
    public var migrations: [Migration] {
        Migration.bundled(owner: "core") + all.flatMap(\.migrations)
    }

    public var migrator: Migrator { Migrator(migrations: migrations) }

    /// Every job kind: the core's and each plugin's.
    public var jobs: JobRegistry { JobRegistry(kinds: CoreJobs.kinds + all.flatMap(\.jobKinds)) }
}
