public import Postgres

/// A kind of named contact set a plugin offers to others ("segment" from segmentation), so
/// a plugin can use another's sets through the core without importing it.
public protocol ContactSetSource: Sendable {
    /// The set kind, as in `segment:NAME`.
    var kind: String { get }
    /// The plugin that must be enabled for the set to be used.
    var pluginID: String { get }
    /// A query returning one `contact_id` column: the members of the set named `name`.
    ///
    /// - Throws: ``SanadError`` when there is no such set.
    func members(named name: String, in transaction: AssociationTransaction) throws -> SQL
}

/// Resolves named contact sets across the installed plugins.
public enum ContactSets {
    /// The members of the set `kind`'s `name`, as a query returning `contact_id`.
    ///
    /// - Throws: ``SanadError`` when no plugin offers the kind, or its plugin is disabled.
    public static func members(kind: String, name: String, in transaction: AssociationTransaction) throws -> SQL {
        let sources = transaction.plugins.all.flatMap(\.contactSetSources)
        guard let source = sources.first(where: { $0.kind == kind }) else {
            throw SanadError.invalid("no installed plugin offers \(kind) sets",
                                     hint: "sets available: \(sources.map(\.kind).joined(separator: ", "))")
        }
        _ = try PluginStore(transaction).requireEnabled(source.pluginID)
        return try source.members(named: name, in: transaction)
    }
}
