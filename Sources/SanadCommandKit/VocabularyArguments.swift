public import ArgumentParser
public import SanadCore

/// Every closed list of words is a command-line argument: either spelling, any case, with
/// the accepted words in `--help` and completions.
// Each conformance names its initializer: argument-parser's own default for `String`
// raw values would otherwise be ambiguous with the vocabulary's lookup.

extension ContactKind: ExpressibleByArgument {
    public init?(argument: String) { guard let value = Self.lookup(argument) else { return nil }; self = value }
    public static var allValueStrings: [String] { allCases.map(\.label) }
}
extension ContactRole: ExpressibleByArgument {
    public init?(argument: String) { guard let value = Self.lookup(argument) else { return nil }; self = value }
    public static var allValueStrings: [String] { allCases.map(\.label) }
}
extension SourceChannel: ExpressibleByArgument {
    public init?(argument: String) { guard let value = Self.lookup(argument) else { return nil }; self = value }
    public static var allValueStrings: [String] { allCases.map(\.label) }
}
extension RelationshipKind: ExpressibleByArgument {
    public init?(argument: String) { guard let value = Self.lookup(argument) else { return nil }; self = value }
    public static var allValueStrings: [String] { allCases.map(\.label) }
}
extension ConsentChannel: ExpressibleByArgument {
    public init?(argument: String) { guard let value = Self.lookup(argument) else { return nil }; self = value }
    public static var allValueStrings: [String] { allCases.map(\.label) }
}
extension ConsentStatus: ExpressibleByArgument {
    public init?(argument: String) { guard let value = Self.lookup(argument) else { return nil }; self = value }
    public static var allValueStrings: [String] { allCases.map(\.label) }
}
extension LegalBasis: ExpressibleByArgument {
    public init?(argument: String) { guard let value = Self.lookup(argument) else { return nil }; self = value }
    public static var allValueStrings: [String] { allCases.map(\.label) }
}
extension SuppressionReason: ExpressibleByArgument {
    public init?(argument: String) { guard let value = Self.lookup(argument) else { return nil }; self = value }
    public static var allValueStrings: [String] { allCases.map(\.label) }
}
extension InteractionType: ExpressibleByArgument {
    public init?(argument: String) { guard let value = Self.lookup(argument) else { return nil }; self = value }
    public static var allValueStrings: [String] { allCases.map(\.label) }
}
extension PhoneKind: ExpressibleByArgument {
    public init?(argument: String) { guard let value = Self.lookup(argument) else { return nil }; self = value }
    public static var allValueStrings: [String] { allCases.map(\.label) }
}
extension SearchField: ExpressibleByArgument {
    public init?(argument: String) { guard let value = Self.lookup(argument) else { return nil }; self = value }
    public static var allValueStrings: [String] { allCases.map(\.label) }
}
extension MatchPolicy: ExpressibleByArgument {
    public init?(argument: String) { guard let value = Self.lookup(argument) else { return nil }; self = value }
    public static var allValueStrings: [String] { allCases.map(\.label) }
}
extension DateOrder: ExpressibleByArgument {
    public init?(argument: String) { guard let value = Self.lookup(argument) else { return nil }; self = value }
    public static var allValueStrings: [String] { allCases.map(\.label) }
}

extension AssociationRole: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument.lowercased()) }
    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}
