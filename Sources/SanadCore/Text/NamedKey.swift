/// A coding key made at run time, for models whose field names are data (the kinds of rows
/// a merge moved, a plugin's counts).
public struct NamedKey: CodingKey, Hashable, Sendable {
    public var stringValue: String
    public var intValue: Int? { nil }

    public init(_ name: String) {
        stringValue = name
    }

    public init?(stringValue: String) {
        self.stringValue = stringValue
    }

    public init?(intValue: Int) {
        nil
    }
}
