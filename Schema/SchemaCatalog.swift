/// One SQL migration file of the core's, under `Schema/core/`, compiled into the binary.
/// (Each plugin embeds its own, from its folder's `Schema/`.)
public struct SchemaFile: Sendable {
    /// `core` or a plugin id: the folder the file lives in.
    public let owner: String
    /// The file name, such as `0001_foundation.sql`; files apply in name order.
    public let name: String
    public let sql: String

    init(_ owner: String, _ name: String, _ bytes: [UInt8]) {
        self.owner = owner
        self.name = name
        self.sql = String(decoding: bytes, as: UTF8.self)
    }
}

/// Every migration file in `Schema/core/`, embedded with SwiftPM's `.embedInCode`, which
/// names each after its file name; a test checks this list against the folder.
public enum SchemaCatalog {
    public static let files: [SchemaFile] = [
        SchemaFile("core", "0001_foundation.sql", PackageResources._001_foundation_sql),
        SchemaFile("core", "0002_contacts.sql", PackageResources._002_contacts_sql),
        SchemaFile("core", "0003_activity.sql", PackageResources._003_activity_sql),
        SchemaFile("core", "0004_bulk.sql", PackageResources._004_bulk_sql),
        SchemaFile("core", "0005_search.sql", PackageResources._005_search_sql),
        SchemaFile("core", "0006_plugins_jobs.sql", PackageResources._006_plugins_jobs_sql),
        SchemaFile("core", "0007_duplicates.sql", PackageResources._007_duplicates_sql),
        SchemaFile("core", "0008_interaction_keys.sql", PackageResources._008_interaction_keys_sql),
        SchemaFile("core", "0009_demo_associations.sql", PackageResources._009_demo_associations_sql),
        SchemaFile("core", "0010_exchange_rates.sql", PackageResources._010_exchange_rates_sql),
        SchemaFile("core", "0011_name_rules.sql", PackageResources._011_name_rules_sql),
        SchemaFile("core", "0012_name_keys_2.sql", PackageResources._012_name_keys_2_sql),
        SchemaFile("core", "0013_name_sounds.sql", PackageResources._013_name_sounds_sql),
        SchemaFile("core", "0014_people.sql", PackageResources._014_people_sql),
        SchemaFile("core", "0015_contact_merges.sql", PackageResources._015_contact_merges_sql),
        SchemaFile("core", "0016_interaction_corrections.sql", PackageResources._016_interaction_corrections_sql),
        SchemaFile("core", "0017_phone_kinds.sql", PackageResources._017_phone_kinds_sql),
        SchemaFile("core", "0018_contact_gender.sql", PackageResources._018_contact_gender_sql),
        SchemaFile("core", "0019_partial_refunds.sql", PackageResources._019_partial_refunds_sql),
    ]

    /// The files of one owner, in the order they apply.
    public static func files(owner: String) -> [SchemaFile] {
        files.filter { $0.owner == owner }.sorted { $0.name < $1.name }
    }
}
