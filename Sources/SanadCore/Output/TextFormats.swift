public import Foundation
internal import Postgres

/// JSON text written by hand so that fields keep their order and money keeps its digits.
public enum JSONText {
    /// A JSON object of text values, keys sorted (a stored settings or custom-fields object).
    public static func object(_ values: [String: String]) -> String {
        "{" + values.sorted { $0.key < $1.key }.map { string($0.key) + ": " + string($0.value) }.joined(separator: ", ") + "}"
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped; everything
    /// else (Arabic included) written as UTF-8.
    public static func string(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                // C1 controls (and DEL) are legal JSON but act on terminals that show the output;
                // a raw U+FEFF at the start of a string is dropped by some readers
                // (Foundation's JSONSerialization among them), escaped it survives.
                if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029
                    || scalar.value == 0xFEFF {
                    result += "\\u" + String(format: "%04x", scalar.value)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }

    /// `2026-11-24T18:30:48+02:00`: the instant as the clock showed it in `zone`, with its
    /// offset (`Z` for UTC), to the second. Any ISO 8601 reader gets the same instant back.
    public static func isoTimestamp(_ date: Date, in zone: TimeZone) -> String {
        let offset = zone.secondsFromGMT(for: date)
        guard offset != 0 else { return isoTimestamp(date) }
        let local = isoTimestamp(date.addingTimeInterval(TimeInterval(offset))).dropLast()
        let minutes = abs(offset) / 60
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return local + (offset < 0 ? "-" : "+") + two(minutes / 60) + ":" + two(minutes % 60)
    }

    /// `2026-11-24T16:30:48Z` (UTC, to the second).
    public static func isoTimestamp(_ date: Date) -> String {
        let seconds = Int((date.timeIntervalSince1970).rounded(.down))
        let days = Int((Double(seconds) / 86_400).rounded(.down))
        let secondOfDay = seconds - days * 86_400
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return CalendarDate(daysSinceEpoch: days).description + "T" + two(secondOfDay / 3600) + ":"
            + two(secondOfDay / 60 % 60) + ":" + two(secondOfDay % 60) + "Z"
    }
}

/// RFC 4180 CSV: fields quoted when they hold the separator, a quote, CR or LF; rows end in
/// CRLF.
///
/// Quoting is decided on UTF-8 bytes, never on `Character`s: a prepend scalar (U+0600) or a
/// combining mark glues itself to a comma or quote into one `Character` that compares unequal
/// to it, while every CSV reader still splits the row there.
public enum CSVText {
    /// One row.
    ///
    /// - Parameters:
    ///   - separator: `,`, `;` or tab (ASCII).
    ///   - neutralizingFormulas: prefix an apostrophe to every cell a spreadsheet would run as a
    ///     formula (see ``neutralizedFormula(_:)``).
    public static func row(_ fields: [String], separator: Character = ",", neutralizingFormulas: Bool = false) -> String {
        let cells = neutralizingFormulas ? fields.map(neutralizedFormula) : fields
        return cells.map { field($0, separator: separator) }.joined(separator: String(separator)) + "\r\n"
    }

    public static func field(_ text: String, separator: Character = ",") -> String {
        precondition(separator.isASCII, "CSV separators are ASCII")
        let separatorByte = separator.asciiValue!
        let needsQuotes = text.utf8.contains { $0 == separatorByte || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13 }
        guard needsQuotes else { return text }
        var quoted = String.UnicodeScalarView()
        quoted.append("\"")
        for scalar in text.unicodeScalars {
            if scalar == "\"" { quoted.append("\"") }
            quoted.append(scalar)
        }
        quoted.append("\"")
        return String(quoted)
    }

    /// Scalars that make a spreadsheet (Excel, LibreOffice, Google Sheets) read a cell as a
    /// formula or a command when they start it: `= + - @`, tab, CR, LF, and their full-width
    /// forms, which some spreadsheets fold to ASCII.
    public static func startsFormula(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x3D, 0x2B, 0x2D, 0x40, 0x09, 0x0D, 0x0A, 0xFF1D, 0xFF0B, 0xFF0D, 0xFF20: true
        default: false
        }
    }

    /// The cell as text a spreadsheet shows and never runs: a leading apostrophe when its
    /// first scalar would start a formula. Decided on the final cell, the one a reader sees.
    /// A plain signed number (`+9613123456`, `-250.5`) is left alone: a spreadsheet reads it
    /// as a number and runs nothing, and mailing services need E.164 phones as they are.
    public static func neutralizedFormula(_ cell: String) -> String {
        guard let first = cell.unicodeScalars.first, startsFormula(first), !isSignedNumber(cell) else { return cell }
        return "'" + cell
    }

    /// `+961…`, `-12.5`: a sign, digits, at most one dot between digits.
    public static func isSignedNumber(_ cell: String) -> Bool {
        let bytes = Array(cell.utf8)
        guard bytes.count >= 2, bytes[0] == UInt8(ascii: "+") || bytes[0] == UInt8(ascii: "-") else { return false }
        let parts = bytes.dropFirst().split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        return parts.count <= 2 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0 >= 48 && $0 <= 57 } }
    }

    /// A cell read back from a spreadsheet file: the apostrophe ``neutralizedFormula(_:)``
    /// (or a person in Excel) put before a formula start is taken off again.
    public static func unneutralized(_ cell: String) -> String {
        let scalars = cell.unicodeScalars
        guard scalars.first == "'", let second = scalars.dropFirst().first, startsFormula(second) else { return cell }
        return String(String.UnicodeScalarView(scalars.dropFirst()))
    }
}

