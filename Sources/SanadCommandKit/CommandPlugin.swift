public import ArgumentParser
public import SanadCore

/// The command side of a plugin: what the core knows of it (``SanadPlugin``) plus its
/// top-level commands, which SanadCLI adds to `sanad`.
///
/// ```swift
/// extension SegmentationPlugin: CommandPlugin {
///     public var commands: [any ParsableCommand.Type] { [SegmentCommand.self] }
/// }
/// ```
public protocol CommandPlugin: SanadPlugin {
    var commands: [any ParsableCommand.Type] { get }
    /// The command that carries out one of the plugin's remedies (``Remedy/plugin(id:action:subject:)``),
    /// `subject` already quoted for a shell.
    func command(for action: String, subject: String?) -> String?
}

extension CommandPlugin {
    public var commands: [any ParsableCommand.Type] { [] }
    public func command(for action: String, subject: String?) -> String? { nil }
}

extension InstalledPlugins {
    /// The installed list made from plugins with their commands.
    public init(commandPlugins: [any CommandPlugin]) {
        self.init(commandPlugins.map { $0 as any SanadPlugin })
    }
}
