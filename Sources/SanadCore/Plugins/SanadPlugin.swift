public import ArgumentParser
internal import Synchronization

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
///     public var commands: [any ParsableCommand.Type] { [SegmentCommand.self] }
/// }
/// ```
public protocol SanadPlugin: Sendable {
    /// A stable identifier such as `segmentation`; also its folder under `Schema/`.
    var id: String { get }
    /// One line for `sanad plugin list`.
    var summary: String { get }
    /// Its migrations, applied whenever the binary migrates.
    var migrations: [Migration] { get }
    /// Its configuration keys, with types, defaults and validation.
    var configurationKeys: [ConfigurationKey] { get }
    /// The job kinds its schedules and jobs may name.
    var jobKinds: [JobKind] { get }
    /// Its top-level commands.
    var commands: [any ParsableCommand.Type] { get }
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
    public var migrations: [Migration] { Migration.bundled(owner: id) }
    public var configurationKeys: [ConfigurationKey] { [] }
    public var jobKinds: [JobKind] { [] }
    public var commands: [any ParsableCommand.Type] { [] }
    public var contactSetSources: [any ContactSetSource] { [] }
    public func contactsMerged(kept: Int64, merged: Int64, in transaction: AssociationTransaction) throws {}
    public func contactErased(_ id: Int64, in transaction: AssociationTransaction) throws {}
}

/// The plugins compiled into this binary, installed once by the executable at start-up.
public enum PluginRegistry {
    private static let storage = Mutex<[any SanadPlugin]>([])

    /// Called once by the composition root (SanadCLI) before any command runs.
    public static func install(_ plugins: [any SanadPlugin]) {
        storage.withLock { $0 = plugins }
    }

    public static var installed: [any SanadPlugin] {
        storage.withLock { $0 }
    }

    public static func plugin(id: String) -> (any SanadPlugin)? {
        installed.first { $0.id == id }
    }
}
