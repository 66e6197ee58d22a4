internal import Foundation
internal import Postgres

/// `sanad contact import`: a CSV file of contacts into an association.
///
/// The file streams through Swift (parsed, checked, keys and E.164 phones computed) into a
/// staging table with COPY, then set-based statements match and merge it. Everything
/// happens in one transaction: the database holds all of the import or none of it,
/// whenever the process stops.
public struct ContactImporter {
    public let options: ImportOptions

    public init(_ options: ImportOptions) {
        self.options = options
    }

    public func run(in session: AssociationSession) throws -> ImportReport {
        let started = Date()
        var options = options
        let path = try options.checkRejectsPath()
        let file = try ImportFile(options, aliases: ImportVocabulary.contactAliases, fields: ImportVocabulary.contactFields,
                                  label: "contacts")
        var report = ImportReport(file: options.path)
        report.mapping = file.mapping.description
        report.unknownColumns = file.mapping.unknownColumns
        report.dryRun = options.dryRun
        do {
            report = try session.transaction { transaction in
                let association = transaction.association
                let summary = try ContactBulkLoader(transaction, policy: options.policy).load { writer in
                    try file.forEachRecord { record, mapping in
                        let (values, custom) = mapping.values(of: record.fields)
                        do {
                            var input = try ContactInput(importValues: values, custom: custom,
                                                         stripDirectionControls: options.stripDirectionControls)
                            input.dateOrder = options.dateOrder
                            input.dateOrderCanBeGiven = true
                            let draft = try input.validated(for: association)
                            try writer.add(line: record.line, draft)
                            for warning in draft.warnings { file.warn(record, field: "phone", reason: warning) }
                        } catch let error as SanadError {
                            file.reject(record, field: error.field ?? "row", reason: error.message)
                        }
                    }
                }
                file.reject(lines: summary.refused)
                file.sortRejections()
                var result = report
                result.rows = file.rows
                result.inserted = summary.inserted
                result.updated = summary.updated
                result.unchanged = summary.unchanged
                result.duplicatesInFile = summary.duplicatesInFile
                result.matches = summary.matches
                result.setAside = summary.setAside
                result.rejected = file.rejected
                result.warnings = file.warnings
                if options.dryRun || (options.allOrNothing && !file.rejected.isEmpty) {
                    throw ImportRollback(report: result)
                }
                try transaction.audit("contact.import", entity: "contacts", details: [
                    "file": URL(fileURLWithPath: options.path).lastPathComponent, "rows": String(result.rows),
                    "inserted": String(result.inserted), "updated": String(result.updated), "unchanged": String(result.unchanged),
                    "rejected": String(result.rejected.count), "on_match": options.policy.rawValue,
                ])
                result.committed = true
                return result
            }
        } catch let rollback as ImportRollback {
            report = rollback.report
        }
        if report.committed { try session.maintainAfterBulkLoad(tables: AssociationSession.bulkLoadedTables) }
        if !report.rejected.isEmpty && !options.dryRun {
                try file.writeRejects(to: path)
            report.rejectsPath = path
        }
        report.seconds = Date().timeIntervalSince(started)
        return report
    }
}
