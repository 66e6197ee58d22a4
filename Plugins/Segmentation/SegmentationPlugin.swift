public import SanadCommandKit
public import ArgumentParser
internal import Foundation
internal import Postgres
public import SanadCore

/// Dynamic groups of contacts defined by rules and refreshed on a schedule.
public struct SegmentationPlugin: CommandPlugin {
    public let id = "segmentation"
    /// The files of `Plugins/Segmentation/Schema/`, in order.
    public var migrations: [Migration] {
        [Migration(owner: id, name: "0001_segments.sql", embedded: PackageResources._001_segments_sql)]
    }
    public let summary = "Dynamic segments of contacts defined by rules, refreshed on a schedule"

    public init() {}

    public func command(for action: String, subject: String?) -> String? {
        switch action {
        case "help": "sanad segment --help"
        case "edit": "sanad segment edit \(subject ?? "SLUG")"
        case "edit-rule": "sanad segment edit \(subject ?? "SLUG") --rule '...'"
        case "include": "sanad segment include \(subject ?? "SLUG") ID... (and exclude)"
        default: nil
        }
    }

    public var configurationKeys: [ConfigurationKey] {
        [ConfigurationKey("preview_sample", .integer(1...100), default: .integer(10),
                          help: "How many contacts `segment preview` shows.")]
    }

    public var jobKinds: [JobKind] {
        [JobKind(name: "segmentation.refresh", summary: "Refresh one segment, or all dynamic segments of the association",
                 parameters: ["segment": "the segment's slug (default: every dynamic segment, each after those it uses)"]) { context in
            let store = SegmentStore(context.transaction)
            let slugs = try context.parameters["segment"].map { [$0] } ?? store.refreshOrder()
            var counts: [String: Int64] = ["segments": 0, "members": 0, "joined": 0, "left": 0, "unconverted_gifts": 0]
            for slug in slugs {
                let result = try store.refresh(slug, trigger: "schedule")
                counts["segments"]! += 1
                counts["members"]! += Int64(result.members)
                counts["joined"]! += Int64(result.joined)
                counts["left"]! += Int64(result.left)
                counts["unconverted_gifts"]! += Int64(result.unconverted.reduce(0) { $0 + $1.gifts })
            }
            return JobResult(counts: counts)
        }]
    }

    public var commands: [any ParsableCommand.Type] { [SegmentCommand.self] }

    public var contactSetSources: [any ContactSetSource] { [SegmentSets()] }

    /// A hand-picked membership follows the person into the contact they were merged into.
    public func contactsMerged(kept: Int64, merged: Int64, in transaction: AssociationTransaction) throws {
        try transaction.execute("""
            INSERT INTO segment_members (segment_id, contact_id, added_at)
            SELECT m.segment_id, \(kept), m.added_at FROM segment_members m JOIN segments s ON s.id = m.segment_id
            WHERE m.contact_id = \(merged) AND s.kind = 'static'
            ON CONFLICT DO NOTHING
            """)
        try transaction.execute("DELETE FROM segment_members WHERE contact_id = \(merged)")
    }

    public func contactErased(_ id: Int64, in transaction: AssociationTransaction) throws {
        try transaction.execute("DELETE FROM segment_members WHERE contact_id = \(id)")
    }
}

/// Segments as contact sets for other plugins (`segment:SLUG`).
struct SegmentSets: ContactSetSource {
    let kind = "segment"
    let pluginID = "segmentation"

    func members(named name: String, in transaction: AssociationTransaction) throws -> SQL {
        let id = try SegmentStore(transaction).id(of: name)
        return "SELECT sm.contact_id FROM segment_members sm WHERE sm.segment_id = \(id)"
    }
}
