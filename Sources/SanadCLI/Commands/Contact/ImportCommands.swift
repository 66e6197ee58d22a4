internal import ArgumentParser
internal import Foundation
internal import SanadCore
internal import SanadCommandKit

/// Options shared by contact and interaction imports.
struct ImportCommandOptions: ParsableArguments {
    @Argument(help: "The CSV file.") var file: String
    @Option(help: "Field separator: , ; or tab (default: detected from the first line).") var delimiter: String?
    @Option(help: "The file's encoding if not UTF-8, such as windows-1256 (Arabic Excel) or iso-8859-6.") var encoding: String?
    @Flag(help: "The first row is data, not a header (then say what the columns hold with --map).") var noHeader = false
    @Option(help: "Which field a column fills: COLUMN=FIELD, by header name or number (FIELD may be ignore or custom:NAME).")
    var map: [String] = []
    @Flag(help: "Check everything and report, but write nothing.") var dryRun = false
    @Flag(help: "Import nothing if any row is bad.") var allOrNothing = false
    @Option(help: "Where to write rejected rows (default: FILE.rejects.csv; mode 0600).") var rejects: String?
    @Flag(help: "Replace the rejects file if it exists.") var force = false
    @Option(help: "How dates that are not YYYY-MM-DD are written: dmy (21/03/2026) or mdy (03/21/2026).") var dateOrder: DateOrder?
    @Flag(help: "Remove invisible direction-control characters from names and texts instead of rejecting the row.")
    var stripDirectionControls = false

    func importOptions() throws -> ImportOptions {
        var options = ImportOptions(path: file)
        if let delimiter {
            options.separator = switch delimiter.lowercased() {
            case "tab", "\\t", "\t": "\t"
            case ",", "comma": ","
            case ";", "semicolon": ";"
            default: throw SanadError.usage("--delimiter takes , ; or tab", hint: "or leave it out to detect it")
            }
        }
        options.encoding = encoding
        options.header = noHeader ? false : nil
        options.overrides = try keyValues(map, option: "--map")
        options.dryRun = dryRun
        options.allOrNothing = allOrNothing
        options.rejectsPath = rejects
        options.replaceRejects = force
        options.dateOrder = dateOrder
        options.stripDirectionControls = stripDirectionControls
        return options
    }
}

/// Prints an import's summary and rejections; fails (exit 1) when rows were rejected.
func finishImport(_ report: ImportReport, writer: OutputWriter, noun: String) throws {
    if writer.format == .table {
        var summary = OutputRecord(encoding: report)
        summary.fields.removeAll { ["rejections", "columns", "warning_details", "matched", "set_aside"].contains($0.name) }
        writer.print(summary)
        if !report.matches.isEmpty {
            writer.message("\nMatched to contacts already here (line, contact, by)\(report.matches.count > 20 ? ", first 20 of \(report.matches.count)" : ""):")
            writer.print(report.matches.prefix(20).map { ["line": .integer(Int64($0.line)), "contact": .integer($0.contact), "by": .text($0.by)] })
        }
        if !report.setAside.isEmpty {
            writer.message("\nNew contacts sharing an email or phone with another name — possible duplicates to look at (sanad contact duplicates):")
            writer.print(report.setAside.prefix(20).map {
                ["line": .integer(Int64($0.line)), "beside_contact": .integer($0.contact), "shares": .text($0.by)]
            })
        }
        if !report.rejected.isEmpty {
            writer.message("\nRejected rows (line, field, reason)\(report.rejected.count > 20 ? ", first 20" : ""):")
            writer.print(report.rejected.prefix(20).map { ["line": .integer(Int64($0.line)), "field": .text($0.field), "reason": .text($0.reason)] })
        }
        if !report.warnings.isEmpty {
            writer.message("\nImported with a warning (line, field, reason)\(report.warnings.count > 20 ? ", first 20" : ""):")
            writer.print(report.warnings.prefix(20).map { ["line": .integer(Int64($0.line)), "field": .text($0.field), "reason": .text($0.reason)] })
        }
        if !report.unknownColumns.isEmpty {
            writer.message("\nColumns left out, being no Sanad field: \(report.unknownColumns.joined(separator: ", ")) (keep them as custom fields with --custom-fields, or --map them)")
        }
    } else {
        writer.print(report)
    }
    guard !report.rejected.isEmpty else { return }
    let what = report.dryRun ? "nothing was written (dry run)"
        : report.committed ? "the other rows were imported" : "nothing was imported (--all-or-nothing)"
    throw SanadError.invalid("\(report.rejected.count) of \(report.rows) \(noun) rows were rejected; \(what)",
                             hint: report.rejectsPath.map { "fix them in \($0) and import that file again" } ?? "see the reasons above")
}

extension ContactCommand {
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import contacts from a CSV file (Excel, Facebook lead forms, old CRMs, sign-up sheets).",
            discussion: """
                Columns are recognized by their English or Arabic header (name, email, phone, الاسم, \
                البريد الإلكتروني, الهاتف, ...). A row matching a contact already here — by external id, \
                then email, then phone — is skipped, updated or used to fill empty fields (--on-match). \
                Bad rows are reported with their line and written to a reject file you can fix and \
                import again; good rows go in. Importing the same file again changes nothing. The whole \
                import is one transaction.

                Examples:
                  sanad contact import members.csv
                  sanad contact import old-crm.csv --encoding windows-1256 --on-match fill
                  sanad contact import signups.csv --no-header --map 1=name --map 2=phone --dry-run
                """)

        @OptionGroup var importing: ImportCommandOptions
        @Option(help: "When a row matches an existing contact: skip, update or fill.") var onMatch: MatchPolicy = .skip
        @Flag(help: "Keep columns Sanad does not know as custom fields.") var customFields = false
        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: FormatOptions

        func run() throws {
            var options = try importing.importOptions()
            options.policy = onMatch
            options.customFields = customFields
            let work = try CommandContext.work(global, format)
            let report = try ContactImporter(options).run(in: work.session)
            try finishImport(report, writer: work.writer, noun: "contact")
        }
    }
}

extension InteractionCommand {
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import interactions (gifts with amounts, dates and conditions, shifts, attendance) from a CSV file.",
            discussion: """
                Each row names its contact by contact_external_id, contact_email or contact_phone, \
                matched like contact imports. Importing the same file again adds nothing.

                Example:
                  sanad interaction import gifts-2026.csv --date-order dmy
                """)

        @OptionGroup var importing: ImportCommandOptions
        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: FormatOptions

        func run() throws {
            let options = try importing.importOptions()
            let work = try CommandContext.work(global, format)
            let report = try InteractionImporter(options).run(in: work.session)
            try finishImport(report, writer: work.writer, noun: "interaction")
        }
    }
}
