internal import Foundation
public import Logging
public import Postgres

/// Recomputes the name keys of contacts stored under an older ``NameKeys/version``, so a
/// rule change reaches every row (a generated column cannot change its expression in place
/// on PostgreSQL 15, and the keys are computed in Swift anyway).
///
/// Runs as the owner after the migrations, in batches of one statement each, every
/// association at once; rows already current are never touched, so it can stop and start.
public enum NameKeyBackfill {
    static let batch = 5_000

    /// Returns how many contacts got new keys.
    @discardableResult
    public static func run(_ connection: Connection, logger: Logger) throws -> Int {
        var total = 0
        // A database holding only other owners' migrations (a test's) has no contacts yet.
        guard try connection.query("SELECT to_regclass('contacts') IS NOT NULL")[0].decode(Bool.self, at: 0) else { return 0 }
        // Keyset pagination on the primary key: each batch is an index range, not a scan.
        var after: (association: Int64, id: Int64) = (0, 0)
        while true {
            let rows = try connection.query("""
                SELECT association_id, id, display_name, given_name, family_name FROM contacts
                WHERE (association_id, id) > (\(after.association), \(after.id)) AND keys_version < \(NameKeys.version)
                ORDER BY association_id, id LIMIT \(batch)
                """)
            guard !rows.isEmpty else { break }
            var associations: [Int64] = [], ids: [Int64] = [], keys: [String] = [], skeletons: [String] = [], sounds: [String] = []
            for row in rows {
                let keysOfRow = ContactDraft.nameKeys(display: try row.decode("display_name"), given: try row.decode("given_name"),
                                                      family: try row.decode("family_name"))
                associations.append(try row.decode("association_id"))
                ids.append(try row.decode("id"))
                keys.append(keysOfRow.key)
                skeletons.append(keysOfRow.skeleton)
                sounds.append(keysOfRow.sound)
            }
            try connection.withTransaction { transaction in
                try transaction.execute("""
                    UPDATE contacts c SET name_key = u.key, name_skeleton = u.skeleton, name_sound = u.sound,
                           keys_version = \(NameKeys.version)
                    FROM unnest(\(associations)::bigint[], \(ids)::bigint[], \(keys)::text[], \(skeletons)::text[], \(sounds)::text[])
                         AS u(association_id, id, key, skeleton, sound)
                    WHERE c.association_id = u.association_id AND c.id = u.id
                    """)
            }
            total += rows.count
            after = (associations.last!, ids.last!)
        }
        if total > 0 { logger.info("name keys recomputed", metadata: ["contacts": "\(total)", "version": "\(NameKeys.version)"]) }
        return total
    }
}
