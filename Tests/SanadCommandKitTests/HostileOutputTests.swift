import Foundation
import Postgres
import SanadCore
import SanadCommandKit
import SanadTestSupport
import Testing

/// Every writer of text formats, fed random hostile strings, read back by parsers that owe
/// nothing to Sanad (Python's csv and json, html5lib and html.parser, icalendar).
// The limit is there to stop a hang, not to time the writers: in CI every suite shares two
// cores, and a 2-minute limit failed 15 of these tests while the classifier's were running.
@Suite("Writers: hostile text comes back unchanged through independent parsers", .timeLimit(.minutes(5)))
struct HostileOutputTests {
    let folder: ScratchFolder

    init() throws {
        folder = try ScratchFolder("writers")
    }

    /// What a name may hold once the text rules let it in: no controls, no bidi controls.
    static func storable(_ piece: String) -> Bool {
        !piece.unicodeScalars.contains { $0.properties.generalCategory == .control || TextRules.isDirectionControl($0) }
    }

    /// CRLF and CR as LF, decided per scalar (Foundation's replacing works on Characters here).
    static func lineFeeds(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        var previous: Unicode.Scalar?
        for scalar in text.unicodeScalars {
            if scalar == "\n", previous == "\r" {
                previous = scalar
                continue
            }
            scalars.append(scalar == "\r" ? "\n" : scalar)
            previous = scalar
        }
        return String(scalars)
    }

    func write(_ text: String, to name: String) throws -> String {
        let path = folder.path + "/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func expectClean(_ outcome: IndependentParsers.Outcome, cases: Int) {
        #expect(outcome.checked == cases)
        #expect(outcome.failures.isEmpty, "\(outcome.failures.joined(separator: "\n"))")
    }

    @Test("CSV rows keep their columns and cells with every separator, and neutralized cells never start a formula")
    func csvRoundTrip() throws {
        var random = HostileText(seed: 18)
        let cells = random.strings(600)
        let rows = stride(from: 0, to: cells.count, by: 3).map { Array(cells[$0..<min($0 + 3, cells.count)]) }
        var manifest: [[String: Any]] = []
        for (label, separator) in [("comma", Character(",")), ("semicolon", ";"), ("tab", "\t")] {
            for neutralizing in [false, true] {
                let text = rows.map { CSVText.row($0, separator: separator, neutralizingFormulas: neutralizing) }.joined()
                let path = try write(text, to: "\(label)-\(neutralizing).csv")
                manifest.append(["kind": "csv", "label": "csv \(label) neutralizing=\(neutralizing)", "path": path,
                                 "delimiter": String(separator), "rows": rows, "formulas_neutralized": neutralizing])
            }
        }
        expectClean(try IndependentParsers.check(manifest, in: folder.path), cases: manifest.count)
    }

    @Test("escaped HTML adds no element or attribute and keeps the text, in content and in attributes")
    func htmlRoundTrip() throws {
        var random = HostileText(seed: 181)
        // NUL never reaches a page (the text rules refuse it); everything else may.
        let texts = random.strings(500) { !$0.unicodeScalars.contains("\0") }
        var page = "<!DOCTYPE html><html><head><meta charset=\"utf-8\">\(HTMLText.contentSecurityPolicyMeta)<title>t</title></head><body>\n"
        for (index, text) in texts.enumerated() {
            page += "<p class=\"case\" data-case=\"\(index)\" title=\"\(HTMLText.escape(text))\">\(HTMLText.escape(text))</p>\n"
            page += "<span title='\(HTMLText.escape(text))'>x</span>\n"
        }
        page += "</body></html>\n"
        let manifest: [[String: Any]] = [[
            "kind": "html", "path": try write(page, to: "page.html"), "texts": texts,
            "elements": ["html", "head", "meta", "title", "body", "p", "span"],
            "attributes": ["charset", "http-equiv", "content", "class", "data-case", "title"],
        ]]
        expectClean(try IndependentParsers.check(manifest, in: folder.path), cases: 1)
    }

    @Test("iCalendar text keeps its ; , and \\ escaped, folds at 75 octets, and reads back unchanged")
    func iCalendarRoundTrip() throws {
        var random = HostileText(seed: 1818)
        let association = Association(id: 1, slug: "hostile", name: "جمعية; \u{0600},\\ test", country: "LB", phoneRegion: "LB",
                                      baseCurrency: "USD", timeZone: "Asia/Beirut", language: "ar", createdAt: Date())
        var events: [CalendarEvent] = []
        var expected: [[String: Any]] = []
        for index in 0..<200 {
            let title = random.next(allowed: Self.storable)
            let place = random.next(allowed: Self.storable)
            // Descriptions may span lines; calendar programs know only LF, so CRLF and CR come back as LF.
            let description = random.next { !$0.unicodeScalars.contains { TextRules.isDirectionControl($0) } }
            events.append(CalendarEvent(id: Int64(index), title: title, place: place, startsAt: Date(timeIntervalSince1970: 1_790_000_000),
                                        endsAt: nil, campaign: nil, capacity: nil, description: description, attendees: 0))
            let lineFeeds = Self.lineFeeds(description)
            expected.append(["summary": title, "location": place, "description": lineFeeds])
        }
        let path = try write(ICalendar.document(events, association: association), to: "calendar.ics")
        expectClean(try IndependentParsers.check([["kind": "ics", "path": path, "events": expected]], in: folder.path), cases: 1)
    }

    @Test("JSON strings and objects read back unchanged")
    func jsonRoundTrip() throws {
        var random = HostileText(seed: 18_018)
        let texts = random.strings(500)
        var lines = texts.map { JSONText.string($0) + "\n" }.joined()
        var values: [Any] = texts
        for (index, text) in texts.prefix(100).enumerated() {
            let record: OutputRecord = [text: .text(text), "n": .integer(Int64(index)), "list": .of([text, text])]
            lines += JSONText.object(record) + "\n"
            values.append([text: text, "n": index, "list": [text, text]])
        }
        let path = try write(lines, to: "values.jsonl")
        expectClean(try IndependentParsers.check([["kind": "jsonl", "path": path, "values": values]], in: folder.path), cases: 1)
    }

    @Test("table cells never send a control character to the terminal, and every row stays one line")
    func tableCellsAreInert() {
        var random = HostileText(seed: 99)
        let controls: [String] = ["\u{1B}[2J\u{1B}[H", "\u{07}", "bare\rCR", "\u{1B}]0;title\u{07}", "\u{9B}31m", "back\u{08}space", "\u{7F}"]
        let cells = controls + random.strings(300)
        let rows = cells.map { [$0, "x"] }
        let table = TextTable.render(header: ["value", "other"], rows: rows, isolateRightToLeft: true)
        let unsafe = table.unicodeScalars.filter { TerminalText.isUnsafe($0, keepingLineBreaks: true) && !["\u{2068}", "\u{2069}"].contains($0) }
        #expect(unsafe.isEmpty, "\(unsafe.map { TerminalText.codePoint($0) })")
        #expect(table.split(separator: "\n", omittingEmptySubsequences: false).count == rows.count + 3, "header, rule, rows, final newline")
        #expect(table.contains("<U+001B>[2J"))
        #expect(table.contains("bare<U+000D>CR"))
        #expect(table.contains("<U+0007>"))
        #expect(table.contains("<U+009B>31m"))
    }

    @Test("sentences show ESC, BEL, bare CR and C1 visibly and keep line breaks", arguments: [
        ("\u{1B}[2Jcleared", "<U+001B>[2Jcleared"), ("ring\u{07}", "ring<U+0007>"), ("over\rwrite", "over<U+000D>write"),
        ("two\nlines", "two\nlines"), ("\u{9B}1A", "<U+009B>1A"), ("abc\u{202E}cba", "abc<U+202E>cba"), ("محمد", "محمد"),
    ])
    func sentencesAreInert(text: String, shown: String) {
        #expect(TerminalText.visible(text) == shown)
    }

    @Test("a PostgreSQL array literal keeps quotes and backslashes that a mark or prepend scalar hides")
    func arrayLiteral() {
        let literal = PostgresArrayLiteral.encode(["a\u{0600}\"b", "\"\u{0301}", "c\u{0D4E}\\"])
        #expect(literal == "{\"a\u{0600}\\\"b\",\"\\\"\u{0301}\",\"c\u{0D4E}\\\\\"}")
    }

    @Test("an identifier's quote is doubled even when a mark follows it")
    func identifierQuoting() {
        let name = "x\"\u{0301} OR 1=1 --"
        let statement: SQL = "SELECT 1 FROM \(identifier: name)"
        #expect(statement.textWithPlaceholders == "SELECT 1 FROM \"x\"\"\u{0301} OR 1=1 --\"")
    }

    @Test("an email address with a hidden second @ is refused")
    func emailSplitsByScalar() {
        if case .success = EmailAddress.parse("x\u{0D4E}@evil.example@good.example") { Issue.record("accepted an address with two @") }
    }
}

/// The writers fuzz target's checks (`scripts/fuzz`, target `writers`), replayed over its
/// seeds, every input it stopped on, and random hostile strings.
@Suite("Writers: fuzz seeds, regressions and random hostile text keep every invariant")
struct WriterInvariantTests {
    static var fuzzFolder: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fuzz").path
    }

    @Test("every seed, regression and 2,000 random hostile strings")
    func invariantsHold() throws {
        let scratch = try ScratchFolder("writer-invariants")
        var inputs: [String] = []
        for kind in ["seeds", "regressions"] {
            let folder = Self.fuzzFolder + "/\(kind)/writers"
            for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where name != ".keep" {
                inputs.append(String(decoding: try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name)), as: UTF8.self))
            }
        }
        #expect(inputs.count >= 5, "the writers seeds are found")
        var random = HostileText(seed: 2026)
        inputs += random.strings(2_000)
        var failures: [String] = []
        for input in inputs {
            let problems = WriterInvariants.problems(for: input, scratch: scratch.path + "/row.csv")
            if !problems.isEmpty { failures.append("\(input.unicodeScalars.map { String($0.value, radix: 16) }): \(problems)") }
        }
        #expect(failures.isEmpty, "\(failures.prefix(10).joined(separator: "\n"))")
    }
}
