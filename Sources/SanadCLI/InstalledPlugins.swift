internal import EmailExport
internal import InfluenceAudit
public import SanadCore
internal import Segmentation

/// The plugins compiled into this binary. Adding a plugin is one line here.
public let installedPlugins: [any SanadPlugin] = [
    SegmentationPlugin(),
    InfluenceAuditPlugin(),
    EmailExportPlugin(),
]
