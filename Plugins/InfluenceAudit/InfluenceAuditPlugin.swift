public import SanadCore

/// Flags funders who may be trying to steer the association, and explains each flag.
public struct InfluenceAuditPlugin: SanadPlugin {
    public let id = "influence-audit"
    public let summary = "Audit of funding concentration, gift conditions and conflicts of interest"

    public init() {}
}
