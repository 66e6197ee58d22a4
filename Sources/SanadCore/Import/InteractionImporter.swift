internal import Foundation
internal import Postgres

/// `sanad interaction import`: gifts, shifts, attendance and other interactions from a
/// CSV file, matched to contacts by external id, email, then phone — in one transaction.
///
/// Importing the same file twice adds nothing: each row carries a key, its own
/// `external_id` column or one made from its content.
public struct InteractionImporter {
    public let options: ImportOptions

    public init(_ options: ImportOptions) {
        self.options = options
    }

    public func run(in session: AssociationSession) throws -> ImportReport {
        let started = Date()
        var options = options
        let path = try options.checkRejectsPath()
        let file = try ImportFile(options, aliases: ImportVocabulary.interactionAliases, fields: ImportVocabulary.interactionFields,
                                  label: "interactions")
        var report = ImportReport(file: options.path)
        report.mapping = file.mapping.description
        report.unknownColumns = file.mapping.unknownColumns
        report.dryRun = options.dryRun
        let importTime = Date()
        do {
            report = try session.transaction { transaction in
                let association = transaction.association
                let summary = try InteractionBulkLoader(transaction).load { writer in
                    try file.forEachRecord { record, mapping in
                        let (values, _) = mapping.values(of: record.fields)
                        do {
                            let (reference, draft) = try Self.interaction(values, association: association, now: importTime)
                            let fingerprint = mapping.targets.indices.map { record.fields[$0].trimmed }.joined(separator: "\u{1F}")
                            try writer.add(line: record.line, importKey: values["external_id"]?.first.map { "ext:" + $0 },
                                           fingerprint: fingerprint, contact: reference, draft)
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
                result.unchanged = summary.alreadyPresent
                result.rejected = file.rejected
                if options.dryRun || (options.allOrNothing && !file.rejected.isEmpty) {
                    throw ImportRollback(report: result)
                }
                try transaction.audit("interaction.import", entity: "interactions", details: [
                    "file": URL(fileURLWithPath: options.path).lastPathComponent, "rows": String(result.rows),
                    "inserted": String(result.inserted), "already_present": String(result.unchanged),
                    "rejected": String(result.rejected.count),
                ])
                result.committed = true
                return result
            }
        } catch let rollback as ImportRollback {
            report = rollback.report
        }
        if report.committed { try session.maintainAfterBulkLoad(tables: ["interactions"]) }
        if !report.rejected.isEmpty && !options.dryRun {
                try file.writeRejects(to: path)
            report.rejectsPath = path
        }
        report.seconds = Date().timeIntervalSince(started)
        return report
    }

    /// The contact a row names and the interaction it describes, checked.
    static func interaction(_ values: [String: [String]], association: Association, now: Date)
        throws -> (ContactReference, InteractionDraft) {
        func first(_ field: String) -> String? { values[field]?.first }
        var reference = ContactReference(externalID: first("contact_external_id"))
        if let email = first("contact_email") {
            reference.emailKey = try EmailAddress.validated(email, field: "contact email").key
        }
        if let phone = first("contact_phone") {
            guard case .e164(let number) = PhoneNumbers.normalize(phone, region: association.phoneRegion) else {
                throw SanadError.invalid("contact phone \"\(phone)\" is not a phone number", hint: "write it as people dial it", field: "contact_phone")
            }
            reference.e164 = number
        }
        guard !reference.isEmpty else {
            throw SanadError.invalid("the row names no contact", hint: "fill contact_external_id, contact_email or contact_phone",
                                     field: "contact_external_id")
        }
        guard let type = first("type") else {
            throw SanadError.invalid("the row has no type", hint: "donation, pledge, volunteer-shift, event-attendance, ...", field: "type")
        }
        var input = InteractionInput(type: type)
        input.occurredAt = first("date")
        input.channel = first("channel")
        input.campaign = first("campaign")
        if let event = first("event") {
            guard let id = Int64(InputValues.asciiDigits(event)) else {
                throw SanadError.invalid("event \"\(event)\" is not an event number", hint: "give the event's number, as the list of events shows it", remedy: .listEvents, field: "event")
            }
            input.eventID = id
        }
        input.notes = first("notes")
        input.amount = first("amount")
        input.currency = first("currency")
        input.isRestricted = try ImportVocabulary.flag(first("restricted"), field: "restricted")
        input.conditions = first("conditions")
        input.isAnonymous = try ImportVocabulary.flag(first("anonymous"), field: "anonymous")
        input.hours = first("hours")
        if !(input.type.lowercased().hasPrefix("donation") || input.type.lowercased().hasPrefix("pledge")) {
            // Spreadsheets often carry "no" in gift columns of other rows: only real values count.
            if input.isRestricted == false { input.isRestricted = nil }
            if input.isAnonymous == false { input.isAnonymous = nil }
        }
        do {
            return (reference, try input.validated(for: association, now: now))
        } catch var error as SanadError {
            error.field = error.field ?? "row"
            throw error
        }
    }
}
