internal import EmailExport
internal import InfluenceAudit
public import SanadCommandKit
internal import Segmentation

/// The plugins compiled into this binary. Adding a plugin is one line here.
public let installedPlugins: [any CommandPlugin] = [
    SegmentationPlugin(),
    InfluenceAuditPlugin(),
    EmailExportPlugin(),
]
