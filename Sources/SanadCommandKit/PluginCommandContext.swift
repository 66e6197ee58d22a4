public import SanadCore

extension CommandContext {
    /// The chosen association's session and the plugin's configuration, if the plugin is
    /// enabled there; otherwise an error naming the command that enables it.
    public func pluginSession(_ pluginID: String) throws -> (AssociationSession, PluginConfiguration) {
        let session = try session()
        let configuration = try session.transaction(readOnly: true) { try PluginStore($0).requireEnabled(pluginID) }
        return (session, configuration)
    }

    /// Opens the database and runs `body` in one transaction of the chosen association, if
    /// the plugin is enabled there: how every plugin command starts.
    public static func inPlugin<T>(_ pluginID: String, _ global: GlobalOptions,
                                   _ body: (CommandContext, AssociationTransaction, PluginConfiguration) throws -> T) throws -> T {
        let context = try CommandContext.open(global)
        let (session, configuration) = try context.pluginSession(pluginID)
        return try session.transaction { try body(context, $0, configuration) }
    }
}
