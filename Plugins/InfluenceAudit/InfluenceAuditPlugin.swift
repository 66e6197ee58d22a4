internal import Foundation
public import ArgumentParser
public import SanadCore

/// Flags funders who may be trying to steer the association, and explains each flag.
public struct InfluenceAuditPlugin: SanadPlugin {
    public let id = "influence-audit"
    public let summary = "Audit of funding concentration, gift conditions and conflicts of interest"

    public init() {}

    public var configurationKeys: [ConfigurationKey] { AuditSettings.keys }
    public var jobKinds: [JobKind] { [] }
    public var commands: [any ParsableCommand.Type] { [] }
}

/// The audit's thresholds, configurable per association. Shares are written as whole
/// hundredths (`Decimal(25) / 100`) because a float literal is not an exact decimal.
enum AuditSettings {
    static let keys: [ConfigurationKey] = [
        ConfigurationKey("window_months", .integer(1...120), default: .integer(12),
                         help: "Months of gifts the concentration rules look at."),
        ConfigurationKey("concentration_notice", .decimal(0...1), default: .decimal(Decimal(10) / 100),
                         help: "Share of donated income from one funder group that is worth a notice (0.10 = 10%)."),
        ConfigurationKey("concentration_warn", .decimal(0...1), default: .decimal(Decimal(25) / 100),
                         help: "Share of donated income from one funder group that is a warning."),
        ConfigurationKey("concentration_high", .decimal(0...1), default: .decimal(Decimal(50) / 100),
                         help: "Share of donated income from one funder group that is a high risk."),
        ConfigurationKey("substantial_minimum", .decimal(0...1_000_000_000), default: .decimal(5000),
                         help: "Smallest total (in the association's currency) that makes a substantial contributor."),
        ConfigurationKey("substantial_share", .decimal(0...1), default: .decimal(Decimal(2) / 100),
                         help: "Share of contributions above which a group is a substantial contributor."),
        ConfigurationKey("share_rise_points", .decimal(0...1), default: .decimal(Decimal(10) / 100),
                         help: "Rise in a group's share within a year that is flagged (0.10 = 10 points)."),
        ConfigurationKey("new_funder_share", .decimal(0...1), default: .decimal(Decimal(25) / 100),
                         help: "Share reached by a funder new in the window that is flagged."),
        ConfigurationKey("restricted_share", .decimal(0...1), default: .decimal(Decimal(20) / 100),
                         help: "Share of annual income in restricted gifts from one group that is flagged."),
        ConfigurationKey("anonymous_gift_limit", .decimal(0...1_000_000_000), default: .decimal(1000),
                         help: "Anonymous gifts above this amount are flagged."),
        ConfigurationKey("large_gift", .decimal(0...1_000_000_000), default: .decimal(10000),
                         help: "A gift at least this large makes later decisions benefiting the group worth a look."),
        ConfigurationKey("decision_window_days", .integer(1...3650), default: .integer(90),
                         help: "Days after a large gift within which a decision benefiting the giver is flagged."),
    ]
}
