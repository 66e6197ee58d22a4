import Foundation
import Postgres
import SanadCore

/// A fourth plugin, written only to show what adding one takes: this folder (its Swift code
/// and its `Schema/`), its target in Package.swift, and the list it is installed with.
/// Nothing outside changes.
struct VolunteerHoursPlugin: SanadPlugin {
    let id = "volunteer-hours"
    let summary = "Hours volunteered per contact, totalled by a job"

    var migrations: [Migration] {
        [Migration(owner: id, name: "0001_volunteer_totals.sql", embedded: PackageResources._001_volunteer_totals_sql)]
    }

    var configurationKeys: [ConfigurationKey] {
        [ConfigurationKey("minimum_hours", .decimal(0...10_000), default: .decimal(1), help: "Totals below this are left out.")]
    }

    var jobKinds: [JobKind] {
        [JobKind(name: "volunteer-hours.total", summary: "Total the hours of every volunteer shift, per contact") { context in
            let minimum = context.configuration.decimal("minimum_hours")
            try context.transaction.execute("DELETE FROM volunteer_totals")
            let rows = try context.transaction.execute("""
                INSERT INTO volunteer_totals (contact_id, hours)
                SELECT contact_id, sum(hours) FROM interactions WHERE type = 'volunteer_shift' AND hours IS NOT NULL
                GROUP BY contact_id HAVING sum(hours) >= \(minimum)
                """)
            return JobResult(counts: ["contacts": Int64(rows)])
        }]
    }

    func contactErased(_ id: Int64, in transaction: AssociationTransaction) throws {
        try transaction.execute("DELETE FROM volunteer_totals WHERE contact_id = \(id)")
    }
}
