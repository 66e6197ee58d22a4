public import SanadCommandKit
internal import Foundation
internal import Postgres
public import ArgumentParser
public import SanadCore

/// Flags funders who may be trying to steer the association, and explains each flag.
public struct InfluenceAuditPlugin: CommandPlugin {
    public let id = "influence-audit"
    /// The files of `Plugins/InfluenceAudit/Schema/`, in order.
    public var migrations: [Migration] {
        [Migration(owner: id, name: "0001_influence_audit.sql", embedded: PackageResources._001_influence_audit_sql),
         Migration(owner: id, name: "0002_audit_currencies.sql", embedded: PackageResources._002_audit_currencies_sql),
         Migration(owner: id, name: "0003_audit_roles.sql", embedded: PackageResources._003_audit_roles_sql)]
    }
    public let summary = "Audit of funding concentration, gift conditions and conflicts of interest"

    public init() {}

    public func command(for action: String, subject: String?) -> String? {
        switch action {
        case "findings": "sanad audit findings"
        case "lexicon": "sanad audit lexicon list"
        case "run": "sanad audit influence run"
        default: nil
        }
    }

    public var configurationKeys: [ConfigurationKey] { AuditSettings.keys }
    public var jobKinds: [JobKind] {
        [JobKind(name: "influence-audit.run", summary: "Run every rule of the influence-risk audit and store the findings") { context in
            let summary = try AuditEngine(context.transaction, configuration: context.configuration).run()
            // Counts only: the job log says how many gifts lacked a rate, the run keeps which.
            return JobResult(counts: ["findings": Int64(summary.findings), "new_findings": Int64(summary.newFindings),
                                      "funder_groups": Int64(summary.funderGroups),
                                      "unconverted_gifts": Int64(summary.unconverted.reduce(0) { $0 + $1.gifts })])
        }]
    }

    public var commands: [any ParsableCommand.Type] { [AuditCommand.self] }

    /// Findings name the people in a funder group; the next run finds them again under the
    /// contact that was kept.
    public func contactsMerged(kept: Int64, merged: Int64, in transaction: AssociationTransaction) throws {
        // Staff merge but cannot write the audit's tables: a function of the plugin's schema
        // (0003_audit_roles.sql) carries the audit's records along, in this association only.
        try transaction.query("SELECT sanad_audit_contacts_merged(\(kept), \(merged))")
    }

    /// Findings and approval notes hold the person's name and circumstances; decisions keep
    /// their (now anonymous) contact so the board's record stays whole. Everyone a finding
    /// names (giver, trustee, beneficiary, exposed person) is in its group.
    public func contactErased(_ id: Int64, in transaction: AssociationTransaction) throws {
        try transaction.query("SELECT sanad_audit_contact_erased(\(id))")
    }
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
        ConfigurationKey("hhi_notice", .decimal(0...10000), default: .decimal(1500),
                         help: "Herfindahl-Hirschman index of funder groups worth a notice (1,500: moderately concentrated)."),
        ConfigurationKey("hhi_warn", .decimal(0...10000), default: .decimal(2500),
                         help: "Herfindahl-Hirschman index that is a warning (2,500: highly concentrated)."),
        ConfigurationKey("substantial_minimum", .money(0...1_000_000_000), default: .money(MoneyAmount(5000)),
                         help: "Smallest total that makes a substantial contributor, such as 5000 USD (a bare number is in the association's currency)."),
        ConfigurationKey("substantial_share", .decimal(0...1), default: .decimal(Decimal(2) / 100),
                         help: "Share of contributions above which a group is a substantial contributor."),
        ConfigurationKey("share_rise_points", .decimal(0...1), default: .decimal(Decimal(10) / 100),
                         help: "Rise in a group's share within a year that is flagged (0.10 = 10 points)."),
        ConfigurationKey("new_funder_share", .decimal(0...1), default: .decimal(Decimal(25) / 100),
                         help: "Share reached by a funder new in the window that is flagged."),
        ConfigurationKey("restricted_share", .decimal(0...1), default: .decimal(Decimal(20) / 100),
                         help: "Share of annual income in restricted gifts from one group that is flagged."),
        ConfigurationKey("anonymous_gift_limit", .money(0...1_000_000_000), default: .money(MoneyAmount(1000)),
                         help: "Anonymous gifts above this amount are flagged, such as 1000 USD (a bare number is in the association's currency)."),
        ConfigurationKey("large_gift", .money(0...1_000_000_000), default: .money(MoneyAmount(10000)),
                         help: "A gift at least this large makes later decisions benefiting the group worth a look, such as 10000 USD."),
        ConfigurationKey("decision_window_days", .integer(1...3650), default: .integer(90),
                         help: "Days after a large gift within which a decision benefiting the giver is flagged."),
    ]
}
