public import Foundation
public import Postgres
public import SanadCore

extension JSONText {
    /// A record as a JSON object; instants are written as the clock showed them in `timeZone`,
    /// with the offset.
    public static func object(_ record: OutputRecord, timeZone: TimeZone = .gmt) -> String {
        "{" + record.fields.map { string($0.name) + ": " + value($0.value, timeZone: timeZone) }.joined(separator: ", ") + "}"
    }

    public static func array(_ items: [String]) -> String {
        items.isEmpty ? "[]" : "[\n  " + items.joined(separator: ",\n  ") + "\n]"
    }

    public static func value(_ value: OutputValue, timeZone: TimeZone = .gmt) -> String {
        switch value {
        case .null: "null"
        case .text(let text): string(text)
        case .integer(let number): String(number)
        case .decimal(let number): number.isNaN ? "null" : number.description
        case .bool(let flag): flag ? "true" : "false"
        case .timestamp(let date): string(isoTimestamp(date, in: timeZone))
        case .date(let day): string(day.description)
        case .list(let values): "[" + values.map { Self.value($0, timeZone: timeZone) }.joined(separator: ", ") + "]"
        case .record(let record): object(record, timeZone: timeZone)
        }
    }

}

/// Aligned text columns that stay aligned with Arabic, combining marks and wide characters.
public enum TextTable {
    /// Cells longer than this many terminal columns are cut with an ellipsis.
    static let maximumCellWidth = 60

    public static func render(header: [String]?, rows: [[String]], isolateRightToLeft: Bool, truncate: Bool = true) -> String {
        let allRows = (header.map { [$0.map(singleLine)] } ?? []) + rows.map { $0.map { truncate ? truncated(singleLine($0)) : singleLine($0) } }
        guard let columnCount = allRows.map(\.count).max(), columnCount > 0 else { return "" }
        var widths = [Int](repeating: 0, count: columnCount)
        for row in allRows {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], displayWidth(cell)) }
        }
        var text = ""
        for (rowIndex, row) in allRows.enumerated() {
            var line = ""
            for (index, cell) in row.enumerated() {
                let padding = String(repeating: " ", count: widths[index] - displayWidth(cell))
                // First-strong isolates keep an RTL cell from reordering its neighbours in a
                // bidi-aware terminal; the padding stays outside so columns line up.
                let shown = isolateRightToLeft && TextRules.containsRightToLeft(cell) ? "\u{2068}" + cell + "\u{2069}" : cell
                line += shown + (index == row.count - 1 ? "" : padding + "  ")
            }
            text += line + "\n"
            if rowIndex == 0, header != nil {
                text += widths.map { String(repeating: "─", count: $0) }.joined(separator: "  ") + "\n"
            }
        }
        return text
    }

    /// The cell on one line: line breaks and tabs become spaces, and every other control
    /// (ESC, BEL, a bare CR, C1) shows as `<U+001B>` so a hostile value cannot act on the
    /// terminal or overwrite the line.
    static func singleLine(_ text: String) -> String {
        let input = Array(text.unicodeScalars)
        var scalars = String.UnicodeScalarView()
        var index = 0
        while index < input.count {
            let scalar = input[index]
            if scalar == "\r", index + 1 < input.count, input[index + 1] == "\n" {
                scalars.append(" ")
                index += 2
                continue
            }
            scalars.append(scalar == "\n" || scalar == "\t" ? " " : scalar)
            index += 1
        }
        return TerminalText.visible(String(scalars), keepingLineBreaks: false)
    }

    static func truncated(_ text: String) -> String {
        guard displayWidth(text) > maximumCellWidth else { return text }
        var result = ""
        var width = 0
        for character in text {
            let characterWidth = displayWidth(String(character))
            if width + characterWidth > maximumCellWidth - 1 { break }
            result.append(character)
            width += characterWidth
        }
        return result + "…"
    }

    /// Terminal columns the text occupies: marks and invisible characters take none, East
    /// Asian wide characters and emoji take two, everything else one.
    public static func displayWidth(_ text: String) -> Int {
        var width = 0
        for scalar in text.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .nonspacingMark, .enclosingMark, .format, .control: continue
            default: break
            }
            switch scalar.value {
            case 0x1100...0x115F, 0x2E80...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F,
                 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD:
                width += 2
            default:
                width += 1
            }
        }
        return width
    }
}
