public import Foundation

/// A typed configuration value.
public enum ConfigurationValue: Sendable, Hashable, CustomStringConvertible {
    case integer(Int)
    case decimal(Decimal)
    case boolean(Bool)
    case text(String)
    /// An amount with its currency, or in the base currency when it names none.
    case money(MoneyAmount)

    /// The canonical text form, as stored and shown.
    public var description: String {
        switch self {
        case .integer(let value): String(value)
        case .decimal(let value): value.description
        case .boolean(let value): value ? "true" : "false"
        case .text(let value): value
        case .money(let value): value.description
        }
    }
}

/// One setting a plugin accepts: its name, type, default, validation and help.
public struct ConfigurationKey: Sendable {
    public enum Kind: Sendable {
        case integer(ClosedRange<Int>)
        case decimal(ClosedRange<Decimal>)
        case boolean
        case choice([String])
        case text(maxLength: Int)
        /// An amount, such as `1000 USD`; without a currency it is in the base currency.
        case money(ClosedRange<Decimal>)
    }

    public let name: String
    public let kind: Kind
    public let defaultValue: ConfigurationValue
    public let help: String

    public init(_ name: String, _ kind: Kind, default defaultValue: ConfigurationValue, help: String) {
        self.name = name
        self.kind = kind
        self.defaultValue = defaultValue
        self.help = help
    }

    /// What the key accepts, in words.
    public var acceptedValues: String {
        switch kind {
        case .integer(let range): "a whole number from \(range.lowerBound) to \(range.upperBound)"
        case .decimal(let range): "a number from \(range.lowerBound) to \(range.upperBound)"
        case .boolean: "true or false"
        case .choice(let options): "one of \(options.joined(separator: ", "))"
        case .text(let maxLength): "text of at most \(maxLength) characters"
        case .money(let range): "an amount from \(range.lowerBound) to \(range.upperBound) with its currency, such as 1000 USD "
            + "(without one, the association's currency)"
        }
    }

    /// Reads a value typed on the command line (or stored as text).
    ///
    /// - Throws: ``SanadError`` naming the key and what it accepts.
    public func parse(_ text: String, pluginID: String) throws -> ConfigurationValue {
        let value = text.trimmed
        func refuse() -> SanadError {
            SanadError.invalid("\(pluginID) setting \(name) cannot be \"\(value)\": it takes \(acceptedValues)",
                               hint: help)
        }
        switch kind {
        case .integer(let range):
            guard let number = Int(value), range.contains(number) else { throw refuse() }
            return .integer(number)
        case .decimal(let range):
            guard let number = Decimal(string: value, locale: Locale(identifier: "en_US_POSIX")),
                  value.allSatisfy({ $0.isNumber || $0 == "." || $0 == "-" }), range.contains(number) else { throw refuse() }
            return .decimal(number)
        case .boolean:
            switch value.lowercased() {
            case "true", "yes", "on", "1": return .boolean(true)
            case "false", "no", "off", "0": return .boolean(false)
            default: throw refuse()
            }
        case .choice(let options):
            guard options.contains(value) else { throw refuse() }
            return .text(value)
        case .money(let range):
            guard let money = MoneyAmount(parsing: value), range.contains(money.amount) else { throw refuse() }
            return .money(money)
        case .text(let maxLength):
            guard value.count <= maxLength, !value.unicodeScalars.contains(where: TextRules.isDirectionControl) else { throw refuse() }
            return .text(value)
        }
    }
}

/// A plugin's effective configuration for one association: stored values over defaults.
public struct PluginConfiguration: Sendable {
    public let pluginID: String
    public let values: [String: ConfigurationValue]
    /// The keys set explicitly (the rest are defaults).
    public let explicitKeys: Set<String>

    public init(pluginID: String, values: [String: ConfigurationValue], explicitKeys: Set<String>) {
        self.pluginID = pluginID
        self.values = values
        self.explicitKeys = explicitKeys
    }

    public func integer(_ name: String) -> Int {
        if case .integer(let value) = values[name] { return value }
        preconditionFailure("\(pluginID) has no integer setting \(name)")
    }

    public func decimal(_ name: String) -> Decimal {
        switch values[name] {
        case .decimal(let value): return value
        case .integer(let value): return Decimal(value)
        default: preconditionFailure("\(pluginID) has no decimal setting \(name)")
        }
    }

    /// An amount setting; a bare number (as older settings were stored) is in the base currency.
    public func money(_ name: String) -> MoneyAmount {
        switch values[name] {
        case .money(let value): return value
        case .decimal(let value): return MoneyAmount(value)
        case .integer(let value): return MoneyAmount(Decimal(value))
        default: preconditionFailure("\(pluginID) has no amount setting \(name)")
        }
    }

    public func boolean(_ name: String) -> Bool {
        if case .boolean(let value) = values[name] { return value }
        preconditionFailure("\(pluginID) has no boolean setting \(name)")
    }

    public func text(_ name: String) -> String {
        if case .text(let value) = values[name] { return value }
        preconditionFailure("\(pluginID) has no text setting \(name)")
    }
}
