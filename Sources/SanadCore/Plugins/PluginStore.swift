public import Foundation
internal import Postgres

/// Whether a plugin is on for an association, and its settings.
public struct PluginState: Sendable {
    public let plugin: any SanadPlugin
    public let enabled: Bool
    public let configuration: PluginConfiguration
    public let updatedAt: Date?
    public let updatedBy: String?
}

/// Per-association enablement and configuration of the compiled-in plugins.
public struct PluginStore {
    public let transaction: AssociationTransaction

    public init(_ transaction: AssociationTransaction) {
        self.transaction = transaction
    }

    /// The compiled-in plugin with `id`.
    ///
    /// - Throws: ``SanadError`` listing the plugins there are.
    public func plugin(_ id: String) throws -> any SanadPlugin {
        if let plugin = transaction.plugins.plugin(id: id) { return plugin }
        let known = transaction.plugins.all.map(\.id)
        var hint = "installed plugins: \(known.joined(separator: ", "))"
        if let guess = Suggestion.closest(to: id, among: known) { hint = "did you mean \(guess)? " + hint }
        throw SanadError.notFound("there is no plugin \"\(id)\"", hint: hint)
    }

    public func state(of plugin: any SanadPlugin) throws -> PluginState {
        let row = try transaction.query("""
            SELECT enabled, settings::text AS settings, updated_at, updated_by FROM association_plugins WHERE plugin_id = \(plugin.id)
            """).singleRow()
        let stored = try row.map { try Self.settings(fromJSON: try $0.decode("settings", as: String.self)) } ?? [:]
        return PluginState(plugin: plugin, enabled: try row?.decode("enabled", as: Bool.self) ?? false,
                           configuration: try Self.configuration(plugin, stored: stored),
                           updatedAt: try row?.decode("updated_at", as: Date.self), updatedBy: try row?.decode("updated_by", as: String.self))
    }

    public func states() throws -> [PluginState] {
        try transaction.plugins.all.map(state(of:))
    }

    /// Turns a plugin on, optionally setting keys at the same time.
    public func enable(_ plugin: any SanadPlugin, set: [String: String] = [:]) throws {
        try transaction.lock("plugin:\(plugin.id)")  // settings are read, merged and written back
        let current = try state(of: plugin)
        let settings = try validated(plugin, base: current.configuration.explicitTexts, set: set, unset: [])
        try write(plugin, enabled: true, settings: settings)
        try transaction.audit("plugin.enable", entity: "association_plugins", id: transaction.association.id,
                              details: ["plugin": plugin.id, "keys_set": set.keys.sorted().joined(separator: ",")])
    }

    /// Turns a plugin off; its data and settings stay.
    public func disable(_ plugin: any SanadPlugin) throws {
        try transaction.lock("plugin:\(plugin.id)")  // settings are read, merged and written back
        let current = try state(of: plugin)
        guard current.enabled else {
            throw SanadError.conflict("\(plugin.id) is not enabled for \(transaction.association.slug)", hint: "nothing to disable")
        }
        try write(plugin, enabled: false, settings: current.configuration.explicitTexts)
        try transaction.audit("plugin.disable", entity: "association_plugins", id: transaction.association.id,
                              details: ["plugin": plugin.id])
    }

    /// Changes settings (the plugin may be on or off).
    public func configure(_ plugin: any SanadPlugin, set: [String: String], unset: [String]) throws {
        try transaction.lock("plugin:\(plugin.id)")  // settings are read, merged and written back
        let current = try state(of: plugin)
        let settings = try validated(plugin, base: current.configuration.explicitTexts, set: set, unset: unset)
        try write(plugin, enabled: current.enabled, settings: settings)
        try transaction.audit("plugin.configure", entity: "association_plugins", id: transaction.association.id,
                              details: ["plugin": plugin.id, "keys_set": set.keys.sorted().joined(separator: ","),
                                        "keys_unset": unset.sorted().joined(separator: ",")])
    }

    /// The plugin's configuration, if it is enabled.
    ///
    /// - Throws: ``SanadError`` naming the command that enables it.
    public func requireEnabled(_ pluginID: String) throws -> PluginConfiguration {
        let state = try state(of: try plugin(pluginID))
        guard state.enabled else {
            throw SanadError.usage(
                "the \(pluginID) plugin is not enabled for \(transaction.association.slug)",
                hint: "enable it", remedy: .enablePlugin(id: pluginID, association: transaction.association.slug))
        }
        return state.configuration
    }

    private func write(_ plugin: any SanadPlugin, enabled: Bool, settings: [String: String]) throws {
        try transaction.execute("""
            INSERT INTO association_plugins (plugin_id, enabled, settings) VALUES (\(plugin.id), \(enabled), \(JSONB(settings)))
            ON CONFLICT (association_id, plugin_id) DO UPDATE
            SET enabled = excluded.enabled, settings = excluded.settings, updated_at = now(), updated_by = sanad_current_actor()
            """)
    }

    private func validated(_ plugin: any SanadPlugin, base: [String: String], set: [String: String], unset: [String]) throws -> [String: String] {
        try Self.validated(owner: plugin.id, keys: plugin.configurationKeys, base: base, set: set, unset: unset)
    }

    /// Checks every key and value against `keys`; returns the canonical text of each
    /// explicit setting. Shared by plugin settings and the association's own.
    static func validated(owner: String, keys list: [ConfigurationKey], base: [String: String], set: [String: String],
                          unset: [String]) throws -> [String: String] {
        var settings = base
        let keys = Dictionary(uniqueKeysWithValues: list.map { ($0.name, $0) })
        func requireKey(_ name: String) throws -> ConfigurationKey {
            if let key = keys[name] { return key }
            let known = keys.keys.sorted()
            var hint = known.isEmpty ? "\(owner) has no settings" : "\(owner) settings: \(known.joined(separator: ", "))"
            if let guess = Suggestion.closest(to: name, among: known) { hint = "did you mean \(guess)? " + hint }
            throw SanadError.invalid("\(owner) has no setting \"\(name)\"", hint: hint)
        }
        for name in unset {
            _ = try requireKey(name)
            settings[name] = nil
        }
        for (name, text) in set {
            settings[name] = try requireKey(name).parse(text, pluginID: owner).description
        }
        return settings
    }

    static func settings(fromJSON text: String) throws -> [String: String] {
        guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { return [:] }
        return object.compactMapValues { $0 as? String }
    }

    /// Stored settings over the plugin's defaults. A stored value that no longer parses (a
    /// key whose rules changed) falls back to the default.
    static func configuration(_ plugin: any SanadPlugin, stored: [String: String]) throws -> PluginConfiguration {
        configuration(owner: plugin.id, keys: plugin.configurationKeys, stored: stored)
    }

    static func configuration(owner: String, keys: [ConfigurationKey], stored: [String: String]) -> PluginConfiguration {
        var values: [String: ConfigurationValue] = [:]
        var explicit = Set<String>()
        for key in keys {
            if let text = stored[key.name], let value = try? key.parse(text, pluginID: owner) {
                values[key.name] = value
                explicit.insert(key.name)
            } else {
                values[key.name] = key.defaultValue
            }
        }
        return PluginConfiguration(pluginID: owner, values: values, explicitKeys: explicit)
    }
}

extension PluginConfiguration {
    /// The explicitly set values as text, for storing back.
    var explicitTexts: [String: String] {
        Dictionary(uniqueKeysWithValues: explicitKeys.compactMap { key in values[key].map { (key, $0.description) } })
    }
}

