import Foundation
import Postgres
import SanadCore
import SanadTestSupport
import Testing

/// Hostile values through every command that takes text: each is stored exactly as given
/// (trimmed) or refused with a clear error; no database error ever reaches the user.
@Suite("Hostile input through every text-taking command", .timeLimit(.minutes(5)))
struct HostileInputTests {
    static let values: [(label: String, text: String)] = [
        ("quotes", #"O'Brien "the quoted" ''"#),
        ("backslashes", #"back\slash \n \\x00 \'"#),
        ("sql comment", "x'; DROP TABLE contacts; --"),
        ("percent and underscore", "100% _match_ %"),
        ("overlong (100 KB)", String(repeating: "أ", count: 50_000)),
        ("bidi override", "abc\u{202E}cba"),
        ("right-to-left mark", "\u{200F}محمد"),
        ("zero-width characters", "Mo\u{200B}ham\u{200D}med\u{FEFF}"),
        ("Arabic presentation forms", "ﻣﺤﻤﺪ ﺍﻟﺄﺣﻤﺪ"),
        ("emoji", "Supporter 🎉 👨‍👩‍👧 🇱🇧"),
        ("combining marks", "\u{0301}e\u{0301}\u{0651}"),
        ("control character", "bell\u{0007}ring"),
        ("line break", "two\nlines"),
        ("only spaces", "   "),
        ("replacement character", "broken \u{FFFD} text"),
    ]

    /// What the database might say that must never reach a person as such.
    static let rawDatabaseText = ["syntax error", "ERROR:", "SQLSTATE", "violates", "relation \"", "column \"", "invalid byte sequence",
                                  "unterminated", "DETAIL:", "pq_", "PQ"]

    let sanad: InProcessSanad
    let connection: Connection
    let contact: Int

    init() throws {
        let database = try TestDatabase.fresh("hostile")
        sanad = InProcessSanad(database: database, extra: ["SANAD_ASSOCIATION": "hostile"])
        connection = try TestDatabase.connect(database)
        try sanad.succeed(["association", "add", "hostile", "--name", "Hostile", "--country", "LB", "--currency", "USD",
                           "--time-zone", "Asia/Beirut", "--language", "ar"])
        for plugin in ["segmentation", "influence-audit", "email-export"] { try sanad.succeed(["plugin", "enable", plugin]) }
        contact = (try sanad.json(["contact", "add", "Target Person"]) as! [String: Any])["id"] as! Int
    }

    /// Either success, with `readBack` (if given) returning exactly the trimmed value, or a
    /// refusal that is one clear sentence with a hint; never raw database text.
    func check(_ command: String, _ label: String, _ arguments: [String], value: String, storedAs expected: String? = nil,
               readBack: ((Int?) throws -> String?)? = nil) throws {
        let result = try sanad.run(arguments)
        let context = "\(command) with \(label)"
        for raw in Self.rawDatabaseText {
            #expect(!result.stderr.contains(raw) && !result.stdout.contains(raw), "\(context): raw database text \(raw)")
        }
        if result.status == 0 {
            if let readBack {
                let id = (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])?["id"] as? Int
                let stored = try readBack(id)
                // An optional field given only spaces is left empty.
                let trimmed = (expected ?? value).trimmingCharacters(in: .whitespacesAndNewlines)
                #expect(stored == (trimmed.isEmpty ? nil : trimmed), "\(context): stored differently")
                if expected != nil, expected != value {
                    #expect(result.stderr.contains("direction marks"), "\(context): a changed value is announced")
                }
            }
        } else {
            #expect([1, 2].contains(result.status), "\(context): exit \(result.status)")
            #expect(result.stderr.hasPrefix("error: "), "\(context): \(result.stderr.prefix(200))")
            #expect(result.stderr.contains("hint: "), "\(context): no hint")
            #expect(result.stderr.count < 2_000, "\(context): the refusal does not echo the whole input")
        }
    }

    func field(_ arguments: [String], _ name: String) throws -> String? {
        let value = try sanad.json(arguments)
        let record = (value as? [String: Any]) ?? (value as? [[String: Any]])?.first
        return record?[name] as? String
    }

    @Test("contacts, tags, searches, interactions, campaigns, events, segments, audit records, exports, associations")
    func everyCommand() throws {
        for (index, (label, value)) in Self.values.enumerated() {
            // Direction marks alone are dropped from a name, with a notice.
            try check("contact add", label, ["contact", "add", value, "--format", "json"], value: value,
                      storedAs: TextRules.removingDirectionMarks(value)) { id in
                try field(["contact", "show", String(id!)], "name")
            }
            try check("contact add --city", label, ["contact", "add", "City \(index)", "--city", value, "--format", "json"], value: value) { id in
                try field(["contact", "show", String(id!)], "city")
            }
            try check("contact update --region", label, ["contact", "update", String(contact), "--region", value], value: value) { _ in
                try field(["contact", "show", String(contact)], "region")
            }
            try check("contact tag", label, ["contact", "tag", String(contact), value], value: value)
            try check("contact search", label, ["contact", "search", value], value: value)
            try check("contact add --email", label, ["contact", "add", "Mail \(index)", "--email", value], value: value)
            try check("contact add --phone", label, ["contact", "add", "Phone \(index)", "--phone", value], value: value)
            try check("interaction log --notes", label,
                      ["interaction", "log", String(contact), "note", "--notes", value, "--format", "json"], value: value) { _ in
                try field(["interaction", "list", "--contact", String(contact), "--limit", "1"], "notes")
            }
            try check("interaction log --conditions", label,
                      ["interaction", "log", String(contact), "donation", "--amount", "10", "--conditions", value], value: value)
            try check("campaign add --title", label,
                      ["campaign", "add", "c-\(index)", "--title", value, "--start", "2026-01-01", "--end", "2026-12-31"], value: value)
            try check("event add", label, ["event", "add", value, "--start", "2026-12-01 10:00", "--place", value], value: value)
            try check("consent set --wording", label,
                      ["consent", "set", String(contact), "email", "granted", "--basis", "consent", "--wording", value], value: value)
            try check("segment preview --rule", label, ["segment", "preview", "--rule", value], value: value)
            try check("segment preview city", label, ["segment", "preview", "--rule", "city is \"\(value)\""], value: value)
            try check("segment create --description", label,
                      ["segment", "create", "s-\(index)", "--rule", "role is volunteer", "--description", value], value: value)
            try check("audit decision add", label, ["audit", "decision", "add", "2026-03-01", value], value: value)
            try check("audit election add", label,
                      ["audit", "election", "add", value, "--announced", "2026-01-01", "--polling", "2026-02-01"], value: value)
            try check("audit lexicon add", label, ["audit", "lexicon", "add", "governance", value], value: value)
            try check("export emails --list", label, ["export", "emails", "--list", value, "--format", "csv"], value: value)
            try check("association add --name", label,
                      ["association", "add", "a-\(index)", "--name", value, "--country", "LB", "--currency", "USD",
                       "--time-zone", "Asia/Beirut", "--language", "ar", "--format", "json"], value: value) { _ in
                try field(["association", "show", "a-\(index)"], "name")
            }
        }
        #expect(try connection.query("SELECT count(*) FROM contacts")[0].decode(Int.self, at: 0) > 10, "the table is still there")
    }

    @Test("a file with NUL bytes, invalid UTF-8 and a 1 MB field: each bad row refused with its line, the rest imported")
    func hostileFile() throws {
        var file = Data("name,email,city\n".utf8)
        file.append(Data("Good One,good1@example.org,Tripoli\n".utf8))
        file.append(Data("Nul\u{0}Byte,nul@example.org,Tripoli\n".utf8))
        file.append(Data([0x42, 0x61, 0x64, 0xFF, 0xFE, 0x2C, 0x78, 0x40, 0x65, 0x2E, 0x6F, 0x72, 0x67, 0x2C, 0x54, 0x0A]))
        file.append(Data((String(repeating: "ب", count: 524_288) + ",long@example.org,Beirut\n").utf8))
        file.append(Data("\"x'; DROP TABLE contacts; --\",drop@example.org,\"Beirut\"\"\"\n".utf8))
        file.append(Data("Good Two,good2@example.org,صور\n".utf8))
        let path = NSTemporaryDirectory() + "hostile-\(UUID().uuidString).csv"
        try file.write(to: URL(fileURLWithPath: path))
        defer {
            try? FileManager.default.removeItem(atPath: path)
            try? FileManager.default.removeItem(atPath: path.replacingOccurrences(of: ".csv", with: ".rejects.csv"))
        }
        let result = try sanad.run(["contact", "import", path, "--format", "json"])
        #expect(result.status == 1, "some rows were refused")
        let report = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        let rejected = (report["rejections"] as? [[String: Any]] ?? []).compactMap { $0["line"] as? Int }
        #expect(rejected == [3, 4, 5], "NUL, invalid UTF-8 and the overlong name, each by line")
        #expect(report["inserted"] as? Int == 3)
        let stored = try connection.query("SELECT display_name FROM contacts WHERE display_name LIKE 'x''%'")
        #expect(try stored.map { try $0.decode(String.self, at: 0) } == ["x'; DROP TABLE contacts; --"])
        for raw in Self.rawDatabaseText { #expect(!result.stderr.contains(raw)) }
    }
}
