public import SanadCore
public import ArgumentParser
public import Foundation
internal import Glibc
internal import Postgres

/// How records are printed.
public enum OutputFormat: String, CaseIterable, Sendable, ExpressibleByArgument {
    /// Aligned columns for people (Arabic and Latin aligned in a terminal).
    case table
    /// A JSON array of objects (one object for a single record), for programs.
    case json
    /// RFC 4180 CSV with a header row, for spreadsheets and programs.
    case csv
}

/// Writes records to standard output in the chosen format.
public struct OutputWriter {
    public var format: OutputFormat
    /// The association's time zone: tables show its clock to the minute; JSON and CSV write
    /// ISO 8601 instants in it with their offset (`2026-11-24T18:30:48+02:00`).
    public var timeZone: TimeZone
    /// Whether standard output is a terminal (then RTL cells are isolated for bidi terminals).
    public var isTerminal: Bool
    /// CSV cells a spreadsheet would run as a formula get a leading apostrophe (people open
    /// CSV listings in Excel); `--raw` turns it off for programs.
    public var neutralizesFormulas: Bool
    /// `--columns`: only these fields of each listed record, in this order.
    public var chosenColumns: [String]?

    public init(format: OutputFormat, timeZone: TimeZone = TimeZone(identifier: "UTC")!,
                isTerminal: Bool = CommandIO.current.isTerminal(.standardOutput), neutralizesFormulas: Bool = true) {
        self.format = format
        self.timeZone = timeZone
        self.isTerminal = isTerminal
        self.neutralizesFormulas = neutralizesFormulas
    }

    /// The writer `--format` and `--raw` ask for.
    public init(_ options: FormatOptions, timeZone: TimeZone = TimeZone(identifier: "UTC")!) {
        self.init(format: options.format, timeZone: timeZone, neutralizesFormulas: !options.raw)
        chosenColumns = options.chosenColumns
    }

    /// Prints a list of records.
    public func print(_ records: [OutputRecord], columns explicitColumns: [String]? = nil) {
        var columns = explicitColumns ?? Self.columns(of: records)
        var records = records
        if let chosen = chosenColumns {
            let unknown = chosen.filter { !columns.contains($0) }
            guard unknown.isEmpty || records.isEmpty && explicitColumns == nil else {
                DeferredFailure.current?.record(SanadError.usage(
                    "this listing has no column \(unknown.map { "\"\($0)\"" }.joined(separator: ", "))",
                    hint: "its columns are: " + columns.joined(separator: ", ")))
                return
            }
            columns = chosen
            records = records.map { record in OutputRecord(chosen.compactMap { name in record.fields.first { $0.name == name }.map { ($0.name, $0.value) } }) }
        }
        switch format {
        case .json:
            write(JSONText.array(records.map { JSONText.object($0, timeZone: timeZone) }) + "\n")
        case .csv:
            var text = CSVText.row(columns)
            for record in records {
                text += CSVText.row(columns.map { record[$0].map(plain) ?? "" }, neutralizingFormulas: neutralizesFormulas)
            }
            write(text)
        case .table:
            guard !records.isEmpty else {
                write("(none)\n")
                return
            }
            let rows = records.map { record in columns.map { record[$0].map(tableCell) ?? "" } }
            write(TextTable.render(header: columns, rows: rows, isolateRightToLeft: isTerminal))
        }
    }

    /// Prints a list of models, each as the record its coding keys make.
    public func print(_ models: [some Encodable], columns: [String]? = nil) {
        print([OutputRecord](encoding: models), columns: columns)
    }

    /// Prints one model as the record its coding keys make (an array of models, which Swift
    /// may pick this overload for, prints as a list).
    public func print(_ model: some Encodable) {
        switch try? OutputValue.encoding(model) {
        case .list(let items):
            print(items.map { item in
                guard case .record(let record) = item else { preconditionFailure("\(type(of: model)) holds values, not records") }
                return record
            })
        default:
            print(OutputRecord(encoding: model))
        }
    }

    /// Prints one record: vertically (field, value) in a table, as one object in JSON.
    public func print(_ record: OutputRecord) {
        switch format {
        case .json:
            write(JSONText.object(record, timeZone: timeZone) + "\n")
        case .csv:
            print([record])
        case .table:
            // People read one field per line; empty fields are left out, and each item of a
            // nested list gets its own line.
            var rows: [[String]] = []
            for field in record.fields {
                switch field.value {
                case .null: continue
                case .list(let items) where items.isEmpty: continue
                case .list(let items):
                    for (index, item) in items.enumerated() {
                        rows.append([index == 0 ? field.name : "", itemLine(item)])
                    }
                default:
                    rows.append([field.name, tableCell(field.value)])
                }
            }
            write(TextTable.render(header: nil, rows: rows, isolateRightToLeft: isTerminal, truncate: false))
        }
    }

    /// One nested item on one line: its non-empty fields, `name: value`, false flags left out.
    private func itemLine(_ value: OutputValue) -> String {
        guard case .record(let item) = value else { return tableCell(value) }
        return item.fields.compactMap { field -> String? in
            switch field.value {
            case .null, .bool(false): return nil
            case .text(let text) where text.isEmpty: return nil
            case .bool(true): return field.name
            default: return "\(field.name): \(tableCell(field.value))"
            }
        }.joined(separator: "  ")
    }

    /// Prints a sentence for people; in JSON and CSV modes it goes to standard error so
    /// machine-readable output stays clean.
    public func message(_ text: String) {
        if format == .table {
            Console.say(text)
        } else {
            Console.note(text)
        }
    }

    static func columns(of records: [OutputRecord]) -> [String] {
        var columns: [String] = []
        var seen = Set<String>()
        for record in records {
            for field in record.fields where seen.insert(field.name).inserted {
                columns.append(field.name)
            }
        }
        return columns
    }

    /// Plain text of a value for CSV: timestamps in UTC ISO 8601, lists joined with "; ".
    func plain(_ value: OutputValue) -> String {
        switch value {
        case .null: ""
        case .text(let text): text
        case .integer(let number): String(number)
        case .decimal(let number): number.description
        case .bool(let flag): flag ? "true" : "false"
        case .timestamp(let date): JSONText.isoTimestamp(date, in: timeZone)
        case .date(let day): day.description
        case .list(let values): values.map(plain).joined(separator: "; ")
        case .record(let record): record.fields.map { "\($0.name)=\(plain($0.value))" }.joined(separator: ", ")
        }
    }

    /// Text of a value for a table: timestamps in the association's time zone, to the minute.
    func tableCell(_ value: OutputValue) -> String {
        switch value {
        case .timestamp(let date): TimestampText.local(date, in: timeZone)
        case .bool(let flag): flag ? "yes" : "no"
        case .list(let values): values.map(tableCell).joined(separator: ", ")
        default: plain(value)
        }
    }

    private func write(_ text: String) {
        CommandIO.current.write(text, to: .standardOutput)
    }
}

/// Local-time rendering of instants for people.
public enum TimestampText {
    public static func local(_ date: Date, in timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        func two(_ value: Int?) -> String { value.map { $0 < 10 ? "0\($0)" : "\($0)" } ?? "00" }
        return "\(parts.year ?? 0)-\(two(parts.month))-\(two(parts.day)) \(two(parts.hour)):\(two(parts.minute))"
    }
}
