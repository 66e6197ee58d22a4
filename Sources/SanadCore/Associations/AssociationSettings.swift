internal import Foundation
internal import Postgres

/// The association's own settings, typed and checked like plugin settings.
public enum AssociationSettings {
    public static let keys: [ConfigurationKey] = [
        ConfigurationKey("duplicates.possible", .decimal(0...3), default: .decimal(Decimal(55) / 100),
                         help: "Score from which two contacts are listed as possibly the same person."),
        ConfigurationKey("duplicates.probable", .decimal(0...3), default: .decimal(Decimal(80) / 100),
                         help: "Score from which two contacts are listed as probably the same person."),
    ]

    /// The settings in force for the transaction's association.
    public static func load(_ transaction: AssociationTransaction) throws -> PluginConfiguration {
        let text = try transaction.query("SELECT settings::text FROM associations WHERE id = \(transaction.association.id)")[0]
            .decode(String.self, at: 0)
        return PluginStore.configuration(owner: "association", keys: keys, stored: try PluginStore.settings(fromJSON: text))
    }

    /// Sets or resets settings; the change is in the audit log.
    public static func configure(_ transaction: AssociationTransaction, set: [String: String], unset: [String]) throws {
        try transaction.lock("association-settings")  // read, merged and written back
        let current = try load(transaction)
        let settings = try PluginStore.validated(owner: "association", keys: keys, base: current.explicitTexts, set: set, unset: unset)
        try transaction.execute("UPDATE associations SET settings = \(JSONB(settings)) WHERE id = \(transaction.association.id)")
        try transaction.audit("association.configure", entity: "associations", id: transaction.association.id,
                              details: ["keys_set": set.keys.sorted().joined(separator: ","), "keys_unset": unset.sorted().joined(separator: ",")])
    }

    /// Every setting with the value in force, whether it is the default, and what it accepts.
    public static func settings(_ configuration: PluginConfiguration) -> [ConfigurationSetting] {
        keys.map { ConfigurationSetting(key: $0, in: configuration) }
    }
}

/// One configuration key as it stands for an association.
public struct ConfigurationSetting: Sendable, Codable, Equatable {
    public var key: String
    /// The value in force, as text.
    public var value: String
    /// Whether the value is the key's default (nothing was set).
    public var isDefault: Bool
    /// What the key accepts, for people.
    public var accepts: String
    public var help: String

    enum CodingKeys: String, CodingKey { case key, value, isDefault = "default", accepts, help }

    public init(key: ConfigurationKey, in configuration: PluginConfiguration) {
        self.key = key.name
        value = configuration.values[key.name]?.description ?? ""
        isDefault = !configuration.explicitKeys.contains(key.name)
        accepts = key.acceptedValues
        help = key.help
    }
}
