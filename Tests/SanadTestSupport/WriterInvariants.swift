internal import Foundation
internal import Glibc
public import SanadCore
internal import SanadCommandKit

/// What every text writer must keep for any input, checked in Swift so that libFuzzer can
/// drive it (`scripts/fuzz`, target `writers`) and the tests can replay what it found.
///
/// The independent parsers in `Tests/Parsers/check_outputs.py` check the same writers from
/// outside; these checks are the fast, in-process half that a fuzzer can run a million times.
public enum WriterInvariants {
    /// The problems found for `text`, empty when every writer kept its promises.
    ///
    /// - Parameter scratch: a file path the CSV check may write and read back.
    public static func problems(for text: String, scratch: String) -> [String] {
        var problems: [String] = []
        let escaped = HTMLText.escape(text)
        if escaped.unicodeScalars.contains(where: { "<>\"'\r".unicodeScalars.contains($0) }) {
            problems.append("HTML: markup survived escaping")
        }
        if unescapeHTML(escaped) != text { problems.append("HTML: escaping lost text") }

        for format in [CSVText.neutralizedFormula(text), text] where !text.unicodeScalars.contains("\0") {
            if let problem = csvRoundTrip([format, "tail"], scratch: scratch) { problems.append(problem) }
        }
        if let first = CSVText.neutralizedFormula(text).unicodeScalars.first, CSVText.startsFormula(first), !CSVText.isSignedNumber(text) {
            problems.append("CSV: a neutralized cell starts a formula")
        }

        let calendarText = ICalendar.text(text)
        if let problem = calendarProblem(calendarText, original: text) { problems.append(problem) }
        let folded = ICalendar.fold("DESCRIPTION:" + calendarText)
        for line in split(folded, on: "\r\n") where line.utf8.count > 75 {
            problems.append("iCalendar: a folded line of \(line.utf8.count) octets")
        }
        if unfold(folded) != "DESCRIPTION:" + calendarText { problems.append("iCalendar: folding lost text") }

        let json = JSONText.string(text)
        if let back = try? JSONDecoder().decode(String.self, from: Data(json.utf8)) {
            if back != text { problems.append("JSON: string changed") }
        } else {
            problems.append("JSON: not valid")
        }

        let table = TextTable.render(header: ["value"], rows: [[text], ["x"]], isolateRightToLeft: true)
        if table.unicodeScalars.contains(where: { TerminalText.isUnsafe($0, keepingLineBreaks: true) && $0 != "\u{2068}" && $0 != "\u{2069}" }) {
            problems.append("table: a control reaches the terminal")
        }
        if table.split(separator: "\n", omittingEmptySubsequences: false).count != 5 { problems.append("table: a row spans lines") }
        if TerminalText.visible(text).unicodeScalars.contains(where: { TerminalText.isUnsafe($0, keepingLineBreaks: true) }) {
            problems.append("terminal: a control reaches the terminal")
        }
        return problems
    }

    static func unescapeHTML(_ text: String) -> String {
        var result = text
        for (entity, scalar) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&#13;", "\r"), ("&amp;", "&")] {
            result = split(result, on: entity).joined(separator: scalar)
        }
        return result
    }

    /// Writes the row, reads it back with Sanad's streaming reader (itself fuzzed by the `csv`
    /// target), and compares.
    static func csvRoundTrip(_ fields: [String], scratch: String) -> String? {
        let file = "header,second\r\n" + CSVText.row(fields)
        guard FileManager.default.createFile(atPath: scratch, contents: Data(file.utf8)) else { return "CSV: cannot write \(scratch)" }
        defer { unlink(scratch) }
        guard let reader = try? CSVReader(path: scratch, separator: ","), (try? reader.next()) != nil,
              let record = try? reader.next() else { return "CSV: the row cannot be read back" }
        if let problem = record.problem { return "CSV: \(problem)" }
        return record.fields == fields ? nil : "CSV: \(fields.count) fields written, \(record.fields.count) read back differently"
    }

    /// Every `;` `,` `\` is escaped, and unescaping gives the text back with LF line breaks.
    static func calendarProblem(_ escaped: String, original: String) -> String? {
        var scalars = Array(escaped.unicodeScalars)[...]
        var back = String.UnicodeScalarView()
        while let scalar = scalars.popFirst() {
            switch scalar {
            case "\\":
                guard let next = scalars.popFirst() else { return "iCalendar: a lone backslash at the end" }
                switch next {
                case "n": back.append("\n")
                case ";", ",", "\\": back.append(next)
                default: return "iCalendar: unknown escape \\\(next)"
                }
            case ";", ",": return "iCalendar: an unescaped \(scalar)"
            case "\r", "\n": return "iCalendar: a raw line break"
            default: back.append(scalar)
            }
        }
        var lineFeeds = String.UnicodeScalarView()
        var previous: Unicode.Scalar?
        for scalar in original.unicodeScalars {
            if !(scalar == "\n" && previous == "\r") { lineFeeds.append(scalar == "\r" ? "\n" : scalar) }
            previous = scalar
        }
        return String(back) == String(lineFeeds) ? nil : "iCalendar: unescaping does not give the text back"
    }

    static func unfold(_ text: String) -> String {
        split(text, on: "\r\n ").joined()
    }

    /// Splits at every occurrence of `separator`, matching Unicode scalars. Foundation's
    /// `components(separatedBy:)` matches Characters here and misses a separator that a mark
    /// glues to what follows: the very bug these checks look for.
    static func split(_ text: String, on separator: String) -> [String] {
        let scalars = Array(text.unicodeScalars), pattern = Array(separator.unicodeScalars)
        var pieces: [String] = []
        var current = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            if index + pattern.count <= scalars.count, Array(scalars[index..<(index + pattern.count)]) == pattern {
                pieces.append(String(current))
                current = String.UnicodeScalarView()
                index += pattern.count
            } else {
                current.append(scalars[index])
                index += 1
            }
        }
        pieces.append(String(current))
        return pieces
    }
}
