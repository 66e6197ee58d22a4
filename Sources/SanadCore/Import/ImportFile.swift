internal import Foundation

/// How a spreadsheet writes days that are not ISO (`21/03/2026`).
public enum DateOrder: String, Vocabulary {
    /// Day, month, year (Europe, the Middle East).
    case dmy
    /// Month, day, year (the United States).
    case mdy
    public static let fieldName = "date order"
}

/// What an import is told.
public struct ImportOptions: Sendable {
    public var path: String
    public var separator: Character?
    /// An iconv encoding name (windows-1256, iso-8859-6, ...); nil for UTF-8.
    public var encoding: String?
    /// Whether the first row is a header; nil detects it.
    public var header: Bool?
    /// `--map column=field` overrides.
    public var overrides: [String: String] = [:]
    /// Keep unknown columns as custom fields instead of ignoring them.
    public var customFields = false
    public var policy: MatchPolicy = .skip
    public var dryRun = false
    public var allOrNothing = false
    /// Where rejected rows go (default: next to the file, `NAME.rejects.csv`).
    public var rejectsPath: String?
    /// Replace an existing rejects file (`--force`); otherwise the import refuses to start.
    public var replaceRejects = false
    public var stripDirectionControls = false
    public var dateOrder: DateOrder?
    /// Who watches the rows go by (a terminal line, by the command); nobody by default.
    public var progress: ProgressFactory = SilentProgress.factory

    public init(path: String) {
        self.path = path
    }

    /// Where the rejects go, checked before any work, so a finished import never fails to
    /// report its rows. An existing file there is kept unless ``replaceRejects`` says
    /// otherwise, with one exception: at the default path, a rejects file that an earlier
    /// import of the same file wrote (a regular file whose header ends in Sanad's own
    /// columns) is stale and is replaced, so importing a file again just works.
    mutating func checkRejectsPath() throws -> String {
        let path = rejectsPath ?? defaultRejectsPath
        guard !dryRun else { return path }
        if rejectsPath == nil, !replaceRejects, Self.isEarlierRejectsFile(path) { replaceRejects = true }
        do {
            try AtomicFile.checkWritable(path, replacing: replaceRejects)
        } catch let error as SanadError {
            throw SanadError.invalid("the rejects file " + error.message,
                                     hint: "pass --force to replace it, or --rejects PATH to write elsewhere")
        }
        return path
    }

    /// Whether `path` is a plain file (not a link) that Sanad wrote as a rejects file.
    static func isEarlierRejectsFile(_ path: String) -> Bool {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              attributes[.type] as? FileAttributeType == .typeRegular,
              let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let start = handle.readData(ofLength: 64 * 1024)
        guard let end = start.firstIndex(of: 10) else { return false }
        let header = String(decoding: start[..<end], as: UTF8.self)
        return header.hasSuffix("sanad_line,sanad_field,sanad_reason\r")
    }

    var defaultRejectsPath: String {
        let url = URL(fileURLWithPath: path)
        return url.deletingPathExtension().path + ".rejects.csv"
    }
}

/// A row that did not go in: where, which field, why.
public struct ImportRejection: Sendable, Equatable, Codable {
    public var line: Int
    public var field: String
    public var reason: String

    public init(line: Int, field: String, reason: String) {
        self.line = line
        self.field = field
        self.reason = reason
    }
}

/// What an import did (or, in a dry run, would do).
public struct ImportReport: Sendable {
    public var file: String
    public var rows = 0
    public var inserted = 0
    public var updated = 0
    public var unchanged = 0
    public var duplicatesInFile = 0
    public var rejected: [ImportRejection] = []
    /// Rows imported with something worth a look (a phone kept as typed).
    public var warnings: [ImportRejection] = []
    public var unknownColumns: [String] = []
    /// Rows that went to an existing contact (or an earlier row), by what.
    public var matches: [ContactBulkLoader.Match] = []
    /// Rows made new contacts beside one that shares their email or phone under another name.
    public var setAside: [ContactBulkLoader.Match] = []
    public var mapping: [(column: String, field: String)] = []
    public var rejectsPath: String?
    public var dryRun = false
    public var committed = false
    public var seconds = 0.0

    enum CodingKeys: String, CodingKey {
        case file, rows, inserted, updated, unchanged, duplicatesInFile = "duplicates_in_file", rejected, warnings,
             dryRun = "dry_run", committed, rejectsPath = "rejects_file", unknownColumns = "unknown_columns", columns, rejections,
             warningDetails = "warning_details", matched, setAside = "set_aside", seconds
    }

    private struct ColumnUse: Encodable { var column: String; var field: String }
    private struct SetAside: Encodable {
        var line: Int
        var besideContact: Int64
        var shares: String
        enum CodingKeys: String, CodingKey { case line, besideContact = "beside_contact", shares }
    }
    private struct MatchedRow: Encodable { var line: Int; var contact: Int64; var by: String }
}

/// Counts, then the details (the first thousand rejections and warnings, the first ten
/// thousand matches), as `contact import` prints them.
extension ImportReport: Encodable {
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(file, forKey: .file)
        try container.encode(rows, forKey: .rows)
        try container.encode(inserted, forKey: .inserted)
        try container.encode(updated, forKey: .updated)
        try container.encode(unchanged, forKey: .unchanged)
        try container.encode(duplicatesInFile, forKey: .duplicatesInFile)
        try container.encode(rejected.count, forKey: .rejected)
        try container.encode(warnings.count, forKey: .warnings)
        try container.encode(dryRun, forKey: .dryRun)
        try container.encode(committed, forKey: .committed)
        try container.encodeIfPresent(rejectsPath, forKey: .rejectsPath)
        try container.encode(unknownColumns, forKey: .unknownColumns)
        try container.encode(mapping.map { ColumnUse(column: $0.column, field: $0.field) }, forKey: .columns)
        try container.encode(Array(rejected.prefix(1000)), forKey: .rejections)
        try container.encode(Array(warnings.prefix(1000)), forKey: .warningDetails)
        try container.encode(matches.prefix(10_000).map { MatchedRow(line: $0.line, contact: $0.contact, by: $0.by) }, forKey: .matched)
        try container.encode(setAside.prefix(10_000).map { SetAside(line: $0.line, besideContact: $0.contact, shares: $0.by) },
                             forKey: .setAside)
        try container.encode(Decimal(string: String(format: "%.2f", seconds)) ?? 0, forKey: .seconds)
    }
}

/// The part every import shares: opening the file, finding the columns, reading records
/// with their line numbers, collecting rejections, and writing the reject file.
final class ImportFile {
    let options: ImportOptions
    let reader: CSVReader
    let mapping: ColumnMapping
    private var pending: CSVRecord?
    private(set) var rejected: [ImportRejection] = []
    private(set) var warnings: [ImportRejection] = []
    /// Rejected records as read, for the reject file.
    private var rejectedRecords: [Int: [String]] = [:]
    private(set) var rows = 0
    let progress: any ProgressObserver

    init(_ options: ImportOptions, aliases: [String: String], fields: [String], label: String) throws {
        self.options = options
        reader = try CSVReader(path: options.path, separator: options.separator, encoding: options.encoding)
        guard let first = try reader.next() else {
            throw SanadError.invalid("\(options.path) is empty", hint: "export the sheet again with its rows")
        }
        let hasHeader = options.header ?? (first.problem == nil && ColumnMapping.looksLikeHeader(first.fields, aliases: aliases))
        if hasHeader {
            if let problem = first.problem {
                throw SanadError.invalid("the header row \(problem)", hint: "check the file's encoding (--encoding windows-1256 for Arabic Excel files)")
            }
            mapping = try ColumnMapping.fromHeader(first.fields, aliases: aliases, fields: fields, overrides: options.overrides,
                                                   customFields: options.customFields)
        } else {
            if options.header == nil && options.overrides.isEmpty {
                throw SanadError.usage("the first row of \(options.path) is not a header Sanad recognizes",
                                       hint: "name the columns (name, email, phone, ...), or say what they hold: --no-header --map 1=name --map 2=email")
            }
            mapping = try ColumnMapping.positional(columns: first.fields.count, fields: fields, overrides: options.overrides)
            pending = first
        }
        progress = options.progress(label, nil)
    }

    /// Calls `body` with each data record (blank lines skipped) that has the right number
    /// of fields and readable text; other records are rejected here.
    func forEachRecord(_ body: (CSVRecord, ColumnMapping) throws -> Void) throws {
        while let record = try pending ?? reader.next() {
            pending = nil
            if record.fields.allSatisfy({ $0.trimmed.isEmpty }) { continue }
            rows += 1
            progress.advance()
            if let problem = record.problem {
                reject(record, field: "row", reason: "the row \(problem)")
            } else if record.fields.count != mapping.targets.count {
                reject(record, field: "row", reason: "the row has \(record.fields.count) fields where the \(mapping.header == nil ? "first row" : "header") has \(mapping.targets.count)")
            } else {
                try body(record, mapping)
            }
        }
        progress.finish()
    }

    func reject(_ record: CSVRecord, field: String, reason: String) {
        rejected.append(ImportRejection(line: record.line, field: field, reason: reason))
        rejectedRecords[record.line] = record.fields
    }

    func warn(_ record: CSVRecord, field: String, reason: String) {
        warnings.append(ImportRejection(line: record.line, field: field, reason: reason))
    }

    /// Adds rejections decided by the database (it knows only line numbers).
    func reject(lines refusals: [ContactBulkLoader.Refusal]) {
        for refusal in refusals {
            rejected.append(ImportRejection(line: refusal.line, field: refusal.field, reason: refusal.reason))
        }
    }

    /// Rejections are read by people in file order.
    func sortRejections() {
        rejected.sort { $0.line < $1.line }
    }

    /// Writes rejected rows with their line, field and reason into a CSV that can be fixed
    /// and imported again (the extra columns are ignored on the way back in).
    func writeRejects(to path: String) throws {
        var missing = Set(rejected.map(\.line)).subtracting(rejectedRecords.keys)
        if !missing.isEmpty {
            // Rows refused by the database: read them back from the file.
            let again = try CSVReader(path: options.path, separator: Character(UnicodeScalar(reader.separator)), encoding: options.encoding)
            while !missing.isEmpty, let record = try again.next() {
                if missing.remove(record.line) != nil { rejectedRecords[record.line] = record.fields }
            }
        }
        let file = try AtomicFile(path: path, replacing: options.replaceRejects)
        let header = (mapping.header ?? (1...mapping.targets.count).map { "column_\($0)" })
            .filter { !ColumnMapping.rejectColumns.contains($0.trimmed.lowercased()) }
        let kept = (mapping.header ?? []).enumerated().filter { !ColumnMapping.rejectColumns.contains($0.element.trimmed.lowercased()) }.map(\.offset)
        // People fix rejects in a spreadsheet: no cell may run there as a formula. Importing
        // the file again takes the apostrophes off (ColumnMapping.values).
        var text = CSVText.row(header + ["sanad_line", "sanad_field", "sanad_reason"], neutralizingFormulas: true)
        for rejection in rejected {
            let fields = rejectedRecords[rejection.line] ?? []
            let original = mapping.header == nil ? fields : kept.map { $0 < fields.count ? fields[$0] : "" }
            text += CSVText.row(original + [String(rejection.line), rejection.field, rejection.reason], neutralizingFormulas: true)
        }
        // The rejects are fixed in the program that made the file, so they keep its encoding:
        // windows-1256 for an old Arabic Excel file, else UTF-8 with the source's BOM (Excel
        // reads UTF-8 as Arabic only behind one). A value with no windows-1256 form (an emoji)
        // keeps the file in UTF-8, with a BOM, rather than lose it.
        let legacyEncoding = options.encoding.flatMap { ["utf-8", "utf8"].contains($0.lowercased()) ? nil : $0 }
        if let legacyEncoding, let legacy = EncodingConverter.encode(text, to: legacyEncoding) {
            try file.write(legacy)
        } else {
            if reader.startsWithByteOrderMark || legacyEncoding != nil { try file.write([0xEF, 0xBB, 0xBF]) }
            try file.write(Array(text.utf8))
        }
        try file.commit()
    }
}

/// Thrown inside the import transaction to roll it back while keeping the report.
struct ImportRollback: Error {
    var report: ImportReport
}

extension ContactInput {
    /// A contact from an import row's values.
    init(importValues values: [String: [String]], custom: [String: String], stripDirectionControls: Bool) throws {
        self.init()
        func first(_ field: String) -> String? { values[field]?.first }
        func split(_ field: String, _ separators: Set<Character>) -> [String] {
            (values[field] ?? []).flatMap { $0.split(whereSeparator: { separators.contains($0) }).map { String($0).trimmed } }
                .filter { !$0.isEmpty }
        }
        displayName = first("name")
        givenName = first("given_name")
        familyName = first("family_name")
        kind = first("kind")
        emails = split("email", [";", ","])
        phones = split("phone", [";", "|"])
        roles = split("roles", [";", ",", "|", "،"])
        tags = split("tags", [";", "|"])
        street = first("street")
        city = first("city")
        region = first("region")
        postalCode = first("postal_code")
        country = first("country")
        language = first("language")
        birthDate = first("birth_date")
        gender = first("gender")
        source = first("source") ?? "import"
        isPEP = try ImportVocabulary.flag(first("pep"), field: "pep")
        pepNote = first("pep_note")
        externalID = first("external_id")
        customFields = custom
        self.stripDirectionControls = stripDirectionControls
    }
}
