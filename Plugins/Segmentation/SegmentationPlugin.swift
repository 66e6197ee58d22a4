public import SanadCore

/// Dynamic groups of contacts defined by rules and refreshed on a schedule.
public struct SegmentationPlugin: SanadPlugin {
    public let id = "segmentation"
    public let summary = "Dynamic segments of contacts defined by rules, refreshed on a schedule"

    public init() {}
}
