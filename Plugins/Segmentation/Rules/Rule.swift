public import Foundation
internal import SanadCore

/// A segment rule as a typed tree. The same tree is the rule's JSON form for programs.
public indirect enum Rule: Sendable, Hashable, Codable {
    case all([Rule])
    case any([Rule])
    case not(Rule)
    case condition(RuleCondition)

    enum CodingKeys: String, CodingKey { case and, or, not }

    public init(from decoder: any Decoder) throws {
        if let container = try? decoder.container(keyedBy: CodingKeys.self), !container.allKeys.isEmpty {
            if let rules = try container.decodeIfPresent([Rule].self, forKey: .and) { self = .all(rules); return }
            if let rules = try container.decodeIfPresent([Rule].self, forKey: .or) { self = .any(rules); return }
            if let rule = try container.decodeIfPresent(Rule.self, forKey: .not) { self = .not(rule); return }
        }
        self = .condition(try RuleCondition(from: decoder))
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .all(let rules):
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(rules, forKey: .and)
        case .any(let rules):
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(rules, forKey: .or)
        case .not(let rule):
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(rule, forKey: .not)
        case .condition(let condition):
            try condition.encode(to: encoder)
        }
    }

    /// The segments this rule refers to (for cycle checks and refresh order).
    public var referencedSegments: Set<String> {
        switch self {
        case .all(let rules), .any(let rules): rules.reduce(into: Set<String>()) { $0.formUnion($1.referencedSegments) }
        case .not(let rule): rule.referencedSegments
        case .condition(let condition): condition.segment.map { [$0] } ?? []
        }
    }
}

/// How a number compares.
public enum Comparison: String, Sendable, Hashable, Codable {
    case atLeast = "at_least", atMost = "at_most", moreThan = "more_than", lessThan = "less_than", exactly

    func holds(_ value: Decimal, _ target: Decimal) -> Bool {
        switch self {
        case .atLeast: value >= target
        case .atMost: value <= target
        case .moreThan: value > target
        case .lessThan: value < target
        case .exactly: value == target
        }
    }
}

/// A period of time, relative to now in the association's time zone.
public enum TimeWindow: Sendable, Hashable, Codable {
    case last(count: Int, unit: String)
    case since(CalendarDateText)
    case before(CalendarDateText)
    case between(CalendarDateText, CalendarDateText)
    case thisYear, lastYear, thisMonth, lastMonth
}

/// A date as written in a rule (`2026-01-01`), kept as text in the JSON form.
public struct CalendarDateText: Sendable, Hashable, Codable, CustomStringConvertible {
    public let text: String

    public init(_ text: String) {
        self.text = text
    }

    public init(from decoder: any Decoder) throws {
        text = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }

    public var description: String { text }
}

/// One test on a contact.
public struct RuleCondition: Sendable, Hashable, Codable {
    /// What is tested: a field (`role`, `city`, ...), a flag (`pep`, `has_email`,
    /// `can_email`), `created`, `born`, `age`, `consent`, `suppressed`, `lybunt`, `sybunt`,
    /// `rfm`, `segment`, or an activity (`donation`, `event_attendance`, ...).
    public var subject: String
    /// For fields: `is`, `is_not`, `in`, `not_in`; for activities: `count`, `sum`, `hours`,
    /// `last`, `first`.
    public var measure: String?
    public var values: [String]?
    public var comparison: Comparison?
    public var number: Decimal?
    public var currency: String?
    /// For sums: count only gifts made in ``currency`` (`gave at least 100 USD only`),
    /// instead of converting every gift into it.
    public var onlyInCurrency: Bool?
    public var window: TimeWindow?
    public var campaign: String?
    public var event: Int64?
    /// For rfm: score, recency, frequency or monetary; for consent: the channel.
    public var part: String?
    public var segment: String?

    public init(subject: String) {
        self.subject = subject
    }
}
