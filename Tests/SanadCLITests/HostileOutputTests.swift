import Foundation
import Glibc
import Postgres
import SanadTestSupport
import Testing

/// What Sanad writes when the data is hostile: files that never follow a planted symlink or
/// overwrite what exists, a terminal that no value can drive, and plugin free texts under the
/// same rules as contact notes.
@Suite("Hostile data through every output: files, terminal, plugin texts", .timeLimit(.minutes(5)))
struct HostileOutputFileTests {
    /// Accepted by the name rules (no controls, no bidi controls), and exploitable when a
    /// writer compares Characters: U+0600 glues itself to the `<` and `,` after it.
    static let hostileName = "\u{0600}<img src=x onerror=alert(1)>\u{0600},=cmd|' /C calc'!A0"

    let sanad: InProcessSanad
    let connection: Connection
    let folder: ScratchFolder
    let outside: ScratchFolder
    let contact: Int

    init() throws {
        let database = try TestDatabase.fresh("hostile-output")
        sanad = InProcessSanad(database: database, extra: ["SANAD_ASSOCIATION": "hostile"])
        connection = try TestDatabase.connect(database)
        folder = try ScratchFolder("hostile-output")
        outside = try ScratchFolder("hostile-outside")
        try sanad.succeed(["association", "add", "hostile", "--name", "جمعية \u{0600}<b>", "--country", "LB", "--currency", "USD",
                           "--time-zone", "Asia/Beirut", "--language", "ar"])
        for plugin in ["segmentation", "influence-audit", "email-export"] { try sanad.succeed(["plugin", "enable", plugin]) }
        contact = (try sanad.json(["contact", "add", Self.hostileName, "--email", "hostile@example.org", "--role", "funder"]) as! [String: Any])["id"] as! Int
        try sanad.succeed(["consent", "set", String(contact), "email", "granted", "--basis", "consent"])
        try sanad.succeed(["interaction", "log", String(contact), "donation", "--amount", "9000",
                           "--conditions", "in exchange for a board seat \u{0600}<script>alert(1)</script>"])
        try sanad.succeed(["event", "add", "\u{0600};\u{0600},\u{0600}\\ " + Self.hostileName, "--start", "2026-12-20 10:00",
                           "--place", "طرابلس\u{0600},x"])
        try sanad.succeed(["audit", "influence", "run"])
    }

    func isSymlink(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFLNK
    }

    func mode(_ path: String) -> mode_t {
        var status = stat()
        _ = lstat(path, &status)
        return status.st_mode & 0o7777
    }

    func contactCount() throws -> Int {
        try connection.query("SELECT count(*) FROM contacts")[0].decode(Int.self, at: 0)
    }

    /// A contacts file with one bad row, so the import writes a rejects file.
    func importFile() throws -> String {
        let path = folder.path + "/supporters.csv"
        try Data("name,email\nسعاد,suad@example.org\nBad Row,not-an-address\n".utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("every command that writes a file refuses an existing one without --force, never follows a symlink, and writes 0600")
    func filesNeverFollowSymlinks() throws {
        let generated = folder.path + "/generated"
        try FileManager.default.createDirectory(atPath: generated, withIntermediateDirectories: true)
        let importPath = try importFile()
        let writers: [(label: String, path: String, arguments: [String])] = [
            ("export emails", folder.path + "/list.csv", ["export", "emails", "--list", "t", "--format", "mailchimp", "--out", folder.path + "/list.csv"]),
            ("export suppression", folder.path + "/blocklist.csv", ["export", "suppression", "--out", folder.path + "/blocklist.csv"]),
            ("audit report", folder.path + "/audit.html", ["audit", "report", "--format", "html", "--out", folder.path + "/audit.html"]),
            ("calendar", folder.path + "/calendar.ics", ["calendar", "--ics", folder.path + "/calendar.ics"]),
            ("generate", generated + "/contacts.csv", ["generate", "--contacts", "20", "--out", generated]),
            ("contact import rejects", folder.path + "/supporters.rejects.csv", ["contact", "import", importPath]),
        ]
        for writer in writers {
            let victim = outside.path + "/victim-\(writer.label.replacingOccurrences(of: " ", with: "-"))"
            try Data("keep me".utf8).write(to: URL(fileURLWithPath: victim))
            #expect(chmod(victim, 0o644) == 0)
            #expect(symlink(victim, writer.path) == 0)
            let contactsBefore = try contactCount()

            let refused = try sanad.run(writer.arguments)
            #expect(refused.status == 1, "\(writer.label): \(refused.stderr)")
            #expect(refused.stderr.contains("already exists") && refused.stderr.contains("--force"), "\(writer.label): \(refused.stderr)")
            #expect(isSymlink(writer.path), "\(writer.label) left the link alone")
            #expect(try contactCount() == contactsBefore, "\(writer.label) refused before doing any work")

            let forced = try sanad.run(writer.arguments + ["--force"])
            #expect([0, 1].contains(forced.status) && !forced.stderr.contains("already exists"), "\(writer.label): \(forced.stderr)")
            #expect(!isSymlink(writer.path), "\(writer.label) replaced the link with its own file")
            #expect(mode(writer.path) == 0o600, "\(writer.label) wrote a private file")
            #expect(try String(contentsOfFile: victim, encoding: .utf8) == "keep me", "\(writer.label) never wrote through the link")
            #expect(mode(victim) == 0o644)
        }
        for listed in [folder.path, generated] {
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: listed).filter { $0.hasPrefix(".") }
            #expect(leftovers.isEmpty, "temporary files left: \(leftovers)")
        }
    }

    @Test("importing a file again replaces its own earlier rejects file, but never someone else's file at that name")
    func rejectsOfAnEarlierImport() throws {
        let path = try importFile()
        let rejects = folder.path + "/supporters.rejects.csv"
        #expect(try sanad.run(["contact", "import", path]).status == 1, "one row is rejected")
        #expect(chmod(rejects, 0o640) == 0)
        let again = try sanad.run(["contact", "import", path])
        #expect(again.status == 1 && !again.stderr.contains("already exists"), "\(again.stderr)")
        #expect(mode(rejects) == 0o640, "the replaced rejects file keeps its mode")
        try Data("my own notes\n".utf8).write(to: URL(fileURLWithPath: rejects))
        let refused = try sanad.run(["contact", "import", path])
        #expect(refused.status == 1 && refused.stderr.contains("already exists"), "\(refused.stderr)")
        #expect(try String(contentsOfFile: rejects, encoding: .utf8) == "my own notes\n")
    }

    @Test("CSV listings, exports and rejects files never start a formula; --raw gives programs the stored values")
    func spreadsheetsRunNoFormula() throws {
        let formula = "=HYPERLINK(\"http://evil.example\",\"click\")"
        let id = (try sanad.json(["contact", "add", formula, "--email", "formula@example.org", "--phone", "+961 3 123 456"]) as! [String: Any])["id"] as! Int
        try sanad.succeed(["consent", "set", String(id), "email", "granted", "--basis", "consent"])
        let listing = try sanad.succeed(["contact", "list", "--format", "csv"])
        #expect(listing.contains("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\""), "\(listing)")
        #expect(try sanad.succeed(["contact", "list", "--format", "csv", "--raw"]).contains("\"=HYPERLINK("))
        let export = try sanad.succeed(["export", "emails", "--list", "f", "--format", "csv", "--columns", "email,name,phone"])
        #expect(export.contains(",\"'=HYPERLINK(") && export.contains(",+9613123456"), "a phone in E.164 is a number, left alone: \(export)")
        #expect(try sanad.succeed(["export", "emails", "--list", "f", "--format", "csv", "--raw"]).contains(",\"=HYPERLINK("))

        let path = folder.path + "/formulas.csv"
        try Data("name,email\n\"\(formula.replacingOccurrences(of: "\"", with: "\"\""))-x\",not-an-address\n".utf8).write(to: URL(fileURLWithPath: path))
        _ = try sanad.run(["contact", "import", path])
        let rejects = try String(contentsOfFile: folder.path + "/formulas.rejects.csv", encoding: .utf8)
        #expect(rejects.contains("\"'=HYPERLINK("), "\(rejects)")
        // Fixed and imported again, the name is what was typed, without the apostrophe.
        let fixed = folder.path + "/fixed.csv"
        try Data(rejects.replacingOccurrences(of: "not-an-address", with: "fixed@example.org").utf8).write(to: URL(fileURLWithPath: fixed))
        let again = try sanad.run(["contact", "import", fixed])
        #expect(again.status == 0, "\(again.stdout) \(again.stderr)")
        #expect(try connection.query("SELECT count(*) FROM contacts WHERE display_name = \(formula + "-x")")[0].decode(Int.self, at: 0) == 1)
    }

    @Test("the report, the export and the calendar read back with independent parsers: no element, column or field is added")
    func hostileValuesStayData() throws {
        try sanad.succeed(["audit", "report", "--format", "html", "--out", folder.path + "/audit.html"])
        let html = try String(contentsOfFile: folder.path + "/audit.html", encoding: .utf8)
        #expect(html.contains("Content-Security-Policy"))
        try sanad.succeed(["export", "emails", "--list", "t", "--format", "mailchimp", "--spreadsheet", "--out", folder.path + "/list.csv"])
        try sanad.succeed(["export", "emails", "--list", "t", "--format", "brevo", "--spreadsheet", "--out", folder.path + "/brevo.csv"])
        try sanad.succeed(["calendar", "--ics", folder.path + "/calendar.ics"])
        // Every element and attribute the report's template writes, and nothing else.
        let elements = ["html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3", "h4", "p", "bdi", "section", "div",
                        "span", "figure", "figcaption", "svg", "rect", "text", "line", "polyline", "polygon", "path", "g", "article",
                        "details", "summary", "dl", "dt", "dd", "table", "thead", "tbody", "tr", "th", "td", "footer", "code", "title", "desc"]
        let attributes = ["lang", "dir", "charset", "name", "content", "http-equiv", "class", "id", "viewBox", "viewbox", "width", "height",
                          "x", "y", "x1", "y1", "x2", "y2", "points", "text-anchor", "transform", "open", "role", "aria-label",
                          "xmlns", "d", "fill", "stroke", "style", "dominant-baseline", "font-size"]
        // The expected cells come from the JSON Lines export, which no CSV quoting touches.
        let person = try exportedPerson()
        func cell(_ key: String) -> String {
            if let list = person[key] as? [String] { return list.joined(separator: ",") }
            return person[key] as? String ?? ""
        }
        #expect(cell("name") == Self.hostileName)
        let manifest: [[String: Any]] = [
            ["kind": "html", "label": "audit report", "path": folder.path + "/audit.html", "elements": elements, "attributes": attributes,
             "contains": [Self.hostileName]],
            ["kind": "csv", "label": "mailchimp", "path": folder.path + "/list.csv", "delimiter": ",", "bom": true, "formulas_neutralized": true,
             "rows": [["Email Address", "First Name", "Last Name", "Phone", "Tags", "Language", "Consent Date"],
                      [cell("email"), cell("first_name"), cell("last_name"), cell("phone"), cell("tags"), cell("language"), cell("consent_date")]]],
            ["kind": "csv", "label": "brevo", "path": folder.path + "/brevo.csv", "delimiter": ";", "bom": true, "formulas_neutralized": true,
             "rows": [["EMAIL", "FIRSTNAME", "LASTNAME", "SMS"], [cell("email"), cell("first_name"), cell("last_name"), cell("phone")]]],
            ["kind": "ics", "label": "calendar", "path": folder.path + "/calendar.ics",
             "events": [["summary": "\u{0600};\u{0600},\u{0600}\\ " + Self.hostileName, "location": "طرابلس\u{0600},x"]]],
        ]
        let outcome = try IndependentParsers.check(manifest, in: folder.path)
        #expect(outcome.checked == manifest.count)
        #expect(outcome.failures.isEmpty, "\(outcome.failures.joined(separator: "\n"))")
    }

    /// The one exported person, as the JSON Lines format writes it.
    func exportedPerson() throws -> [String: Any] {
        let line = try sanad.succeed(["export", "emails", "--list", "t", "--format", "jsonl"])
        return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    @Test("import errors and tables show ESC, BEL and bare CR as <U+001B>, never send them to the terminal")
    func terminalStaysInert() throws {
        let path = folder.path + "/escapes.csv"
        try Data("name,email,phone\nSafe Name,\u{1B}[2J\u{1B}]0;owned\u{07}@example.org,\u{1B}[31m71123456\n".utf8)
            .write(to: URL(fileURLWithPath: path))
        let imported = try sanad.run(["contact", "import", path])
        #expect(imported.status == 1)
        let said = imported.stdout + imported.stderr
        #expect(!said.unicodeScalars.contains("\u{1B}") && !said.unicodeScalars.contains("\u{07}"), "\(said.debugDescription)")
        #expect(said.contains("<U+001B>"), "\(said)")
        let rejects = try String(contentsOfFile: folder.path + "/escapes.rejects.csv", encoding: .utf8)
        #expect(rejects.unicodeScalars.contains("\u{1B}"), "the rejects file keeps the value as it was, to be fixed")

        try sanad.succeed(["interaction", "log", String(contact), "note", "--notes", "visible\rOVERWRITTEN"])
        let table = try sanad.succeed(["interaction", "list", "--contact", String(contact)])
        #expect(!table.unicodeScalars.contains("\r") && !table.unicodeScalars.contains("\u{1B}"), "\(table.debugDescription)")
        #expect(table.contains("visible<U+000D>OVERWRITTEN"), "\(table)")
        let record = try sanad.succeed(["contact", "show", String(contact)])
        #expect(!record.unicodeScalars.contains("\u{1B}"))
    }

    @Test("plugin free texts refuse control characters, direction controls and overlong values, like contact notes")
    func pluginTextsFollowTheRules() throws {
        let finding = try #require((try sanad.json(["audit", "findings"]) as? [[String: Any]])?.first?["id"] as? Int)
        let commands: [(String, (String) -> [String])] = [
            ("audit review --reason", { ["audit", "review", String(finding), "--acknowledge", "--reason", $0] }),
            ("audit approve --note", { ["audit", "approve", String(self.contact), "--note", $0] }),
            ("audit decision add", { ["audit", "decision", "add", "2026-03-01", $0] }),
            ("audit election add", { ["audit", "election", "add", $0, "--announced", "2026-01-01", "--polling", "2026-02-01"] }),
            ("audit election add --region", { ["audit", "election", "add", "Municipal", "--announced", "2026-01-01", "--polling", "2026-02-01", "--region", $0] }),
            ("audit lexicon add", { ["audit", "lexicon", "add", "governance", $0] }),
            ("segment rule value", { ["segment", "preview", "--rule", "city is \"\($0)\""] }),
            ("jobs add --param", { ["jobs", "add", "segmentation.refresh", "--param", "segment=\($0)"] }),
        ]
        let values = [("ESC", "a\u{1B}[2Jb"), ("BEL", "ring\u{07}"), ("bidi override", "abc\u{202E}cba"), ("isolate", "x\u{2066}y\u{2069}"),
                      ("overlong", String(repeating: "ن", count: 5_000))]
        for (command, arguments) in commands {
            for (label, value) in values {
                let result = try sanad.run(arguments(value))
                #expect(result.status == 1, "\(command) with \(label): exit \(result.status) \(result.stderr.prefix(300))")
                #expect(result.stderr.hasPrefix("error: "), "\(command) with \(label): \(result.stderr.prefix(300))")
                #expect(!result.stderr.unicodeScalars.contains("\u{1B}") && !result.stderr.unicodeScalars.contains("\u{202E}"))
            }
        }
        for table in ["audit_decisions", "audit_election_periods", "audit_lexicon", "audit_approvals", "jobs"] {
            #expect(try connection.query("SELECT count(*) FROM \(identifier: table)")[0].decode(Int.self, at: 0) == 0, "\(table) stays empty")
        }
        // Ordinary Arabic texts still go in.
        try sanad.succeed(["audit", "review", String(finding), "--acknowledge", "--reason", "راجعنا الشروط مع المجلس\nولا تعارض"])
        try sanad.succeed(["audit", "election", "add", "الانتخابات البلدية", "--announced", "2026-01-01", "--polling", "2026-02-01", "--region", "الشمال"])
    }
}
