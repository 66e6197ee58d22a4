import EmailExport
import Foundation
import Postgres
import PostgresServer
import SanadCore
import SanadTestSupport
import Testing

@Suite("Email export: who may be emailed, formats, suppression round trips", .timeLimit(.minutes(3)))
struct EmailExportTests {
    let database: ConnectionConfiguration
    let sanad: InProcessSanad
    let connection: Connection
    let scratch: ScratchFolder
    var folder: String { scratch.path }
    var people: [String: Int] = [:]

    init() throws {
        let fixture = try TripoliFixture("export", currency: "USD")
        database = fixture.database
        sanad = fixture.sanad
        connection = try TestDatabase.connect(database)
        scratch = try ScratchFolder("export")
        try sanad.succeed(["plugin", "enable", "email-export"])
        let longArabic = String(repeating: "ب", count: 140)  // 280 bytes in UTF-8
        let cases: [(String, [String], String?)] = [
            ("ok", ["فاطمة الزهراء", "--given-name", "فاطمة", "--family-name", "الزهراء", "--email", " Fatima@Example.org ",
                    "--phone", "03 123 456", "--tag", "newsletter", "--language", "ar"], "consent"),
            ("legit", ["Omar Haddad", "--email", "omar@example.org"], "legitimate-interest"),
            ("unsubscribed", ["Unsub Person", "--email", "unsub@example.org"], "consent"),
            ("optout", ["Opt Out", "--email", "optout@example.org"], "consent"),
            ("dne", ["Do Not", "--email", "dne@example.org"], "consent"),
            ("bounced", ["Bounce Person", "--email", "bounce@example.org"], "consent"),
            ("complained", ["Complaint Person", "--email", "complaint@example.org"], "consent"),
            ("deceased", ["Late Person", "--email", "late@example.org"], "consent"),
            ("withdrawn", ["Withdrew Consent", "--email", "withdrew@example.org"], "consent"),
            ("expired", ["Expired Consent", "--email", "expired@example.org"], "consent"),
            ("noconsent", ["No Consent", "--email", "none@example.org"], nil),
            ("noemail", ["No Email", "--phone", "03 999 888"], "consent"),
            ("deleted", ["Deleted Person", "--email", "deleted@example.org"], "consent"),
            ("erased", ["Erased Person", "--email", "erased@example.org"], "consent"),
            ("older", ["Shared Older", "--email", "family@example.org"], "consent"),
            ("newer", ["Shared Newer", "--email", "FAMILY@example.org"], "consent"),
            ("long", [longArabic, "--email", "long@example.org"], "consent"),
            ("formula", ["=HYPERLINK(\"http://evil\")", "--given-name", "+cmd", "--family-name", "@SUM(1)", "--email", "formula@example.org"], "consent"),
            ("unicode", ["Unicode Local", "--email", "فاطمة@example.org"], "consent"),
            ("funder", ["Rich Funder", "--role", "funder", "--email", "funder@example.org"], "consent"),
        ]
        for (key, arguments, basis) in cases {
            let id = (try sanad.json(["contact", "add"] + arguments) as! [String: Any])["id"] as! Int
            people[key] = id
            if let basis {
                let at = key == "older" ? ["--at", "2024-01-01 10:00"] : key == "newer" ? ["--at", "2025-06-01 10:00"] : []
                let expires = key == "expired" ? ["--at", "2024-01-01", "--expires", "2024-06-01"] : []
                try sanad.succeed(["consent", "set", String(id), "email", "granted", "--basis", basis] + (expires.isEmpty ? at : expires))
            }
        }
        try sanad.succeed(["consent", "set", String(people["withdrawn"]!), "email", "withdrawn"])
        for (key, reason) in [("unsubscribed", "unsubscribed"), ("optout", "bulk-email-opt-out"), ("dne", "do-not-email"),
                              ("bounced", "bounced"), ("complained", "complained"), ("deceased", "deceased")] {
            try sanad.succeed(["consent", "suppress", String(people[key]!), reason])
        }
        try sanad.succeed(["contact", "delete", String(people["deleted"]!)])
        try sanad.succeed(["contact", "erase", String(people["erased"]!), "--yes"])
    }

    /// Exports and reads the file back with Python's csv module and email-validator.
    func exported(_ arguments: [String], kind: String) throws -> (summary: [String: Any], file: [String: Any]) {
        let path = "\(folder)/\(UUID().uuidString.prefix(6)).csv"
        // The summary is read as JSON here, whatever the caller passed.
        var given = arguments
        if let index = given.firstIndex(of: "--summary-format") { given.removeSubrange(index...min(index + 1, given.count - 1)) }
        let output = try sanad.succeed(["export", "emails", "--out", path, "--summary-format", "json"] + given)
        let summary = try JSONSerialization.jsonObject(with: Data(output.utf8)) as! [String: Any]
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("read_export.py").path
        let result = try ProcessRunner.start("/usr/bin/env", ["python3", script, path, kind], separateErrors: true).wait()
        #expect(result.status == 0, "\(result.errorOutput)")
        let file = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as! [String: Any]
        #expect((file["invalid"] as? [Any])?.isEmpty == true, "every address passes email-validator: \(file["invalid"] ?? "")")
        return (summary, file)
    }

    func emails(_ file: [String: Any], kind: String = "csv") -> [String] {
        if kind == "jsonl" || kind == "json" { return ((file["rows"] as? [[String: Any]]) ?? []).compactMap { $0["email"] as? String } }
        return ((file["rows"] as? [[String]]) ?? []).map { $0[0] }
    }

    @Test("only people who may be emailed are exported; every exclusion is counted by reason")
    func eligibilityAndReasons() throws {
        let (summary, file) = try exported(["--list", "newsletter", "--format", "csv", "--summary-format", "json"], kind: "csv")
        #expect(Set(emails(file)) == ["Fatima@Example.org", "omar@example.org", "FAMILY@example.org", "long@example.org",
                                      "formula@example.org", "فاطمة@example.org", "funder@example.org"])
        let excluded = (summary["excluded"] as? [String: Int]) ?? [:]
        #expect(excluded["unsubscribed"] == 1)
        #expect(excluded["bulk email opt out"] == 1)
        #expect(excluded["do not email"] == 1)
        #expect(excluded["bounced"] == 1)
        #expect(excluded["complained"] == 1)
        #expect(excluded["deceased"] == 1)
        #expect(excluded["consent withdrawn"] == 1)
        #expect(excluded["consent expired"] == 1)
        #expect(excluded["no email consent"] == 1)
        #expect(excluded["no email address"] == 1)
        #expect(excluded["deleted"] == 1)
        #expect(excluded["erased"] == 1)
        #expect(excluded["address shared with another contact (the latest consent wins)"] == 1)
        #expect(summary["rows"] as? Int == 7)
        #expect(file["bom"] as? Bool == false)
        #expect(file["crlf"] as? Bool == true)
        #expect(file["header"] as? [String] == ["email", "name"])
    }

    @Test("Mailchimp columns, 255-byte cut on a character boundary, non-ASCII local parts reported")
    func mailchimp() throws {
        let (summary, file) = try exported(["--list", "newsletter", "--format", "mailchimp", "--summary-format", "json"], kind: "mailchimp")
        #expect(file["header"] as? [String] == ["Email Address", "First Name", "Last Name", "Phone", "Tags", "Language", "Consent Date"])
        let rows = (file["rows"] as? [[String]]) ?? []
        let fatima = rows.first { $0[0] == "Fatima@Example.org" }
        #expect(fatima == ["Fatima@Example.org", "فاطمة", "الزهراء", "+9613123456", "newsletter", "ar", fatima?[6] ?? ""])
        #expect(fatima?[6].range(of: #"^\d{4}-\d{2}-\d{2}$"#, options: .regularExpression) != nil, "ISO date")
        let long = rows.first { $0[0] == "long@example.org" }?[1] ?? ""
        #expect(long.utf8.count == 254, "127 Arabic letters: the 128th would pass 255 bytes")
        #expect(long == String(repeating: "ب", count: 127))
        #expect(!emails(file).contains("فاطمة@example.org"))
        #expect((summary["excluded"] as? [String: Int])?["non-ASCII before @ (Mailchimp refuses it)"] == 1)
        #expect(rows.allSatisfy { !$0[1].isEmpty }, "every row has a name")
    }

    @Test("listmonk carries language and direction; Brevo is semicolon separated; JSON lines parse")
    func listmonkBrevoJSONL() throws {
        let (_, listmonk) = try exported(["--list", "campaign", "--format", "listmonk"], kind: "listmonk")
        #expect(listmonk["header"] as? [String] == ["email", "name", "attributes"])
        let fatima = ((listmonk["rows"] as? [[String]]) ?? []).first { $0[0] == "Fatima@Example.org" }!
        #expect(fatima[1] == "فاطمة الزهراء")
        let attributes = try JSONSerialization.jsonObject(with: Data(fatima[2].utf8)) as! [String: Any]
        #expect(attributes["language"] as? String == "ar")
        #expect(attributes["direction"] as? String == "rtl")
        let (_, brevo) = try exported(["--list", "campaign", "--format", "brevo"], kind: "brevo")
        #expect(brevo["header"] as? [String] == ["EMAIL", "FIRSTNAME", "LASTNAME", "SMS"])
        #expect(((brevo["rows"] as? [[String]]) ?? []).first { $0[0] == "Fatima@Example.org" }?[3] == "+9613123456")
        let (_, jsonl) = try exported(["--list", "campaign", "--format", "jsonl"], kind: "jsonl")
        #expect(emails(jsonl, kind: "jsonl").count == 7)
        let (_, json) = try exported(["--list", "campaign", "--format", "json"], kind: "json")
        #expect(emails(json, kind: "json") == emails(jsonl, kind: "jsonl"), "the same people, as one JSON array")
    }

    @Test("cells that would run as formulas are neutralized, --spreadsheet adds a BOM, --raw keeps values as typed")
    func spreadsheetSafety() throws {
        let (_, file) = try exported(["--list", "x", "--format", "csv", "--columns", "email,name,first_name,last_name", "--spreadsheet"], kind: "csv")
        #expect(file["bom"] as? Bool == true)
        let row = ((file["rows"] as? [[String]]) ?? []).first { $0[0] == "formula@example.org" }
        #expect(row == ["formula@example.org", "'=HYPERLINK(\"http://evil\")", "'+cmd", "'@SUM(1)"])
        let (_, plain) = try exported(["--list", "x", "--format", "csv", "--columns", "email,name"], kind: "csv")
        #expect(plain["bom"] as? Bool == false)
        #expect(((plain["rows"] as? [[String]]) ?? []).first { $0[0] == "formula@example.org" }?[1] == "'=HYPERLINK(\"http://evil\")",
                "people open exports in spreadsheets too")
        let (_, raw) = try exported(["--list", "x", "--format", "csv", "--columns", "email,name", "--raw"], kind: "csv")
        #expect(((raw["rows"] as? [[String]]) ?? []).first { $0[0] == "formula@example.org" }?[1] == "=HYPERLINK(\"http://evil\")",
                "programs ask for the name as typed")
    }

    @Test("sources narrow the list; a funder recipient is flagged in the export log and the audit log")
    func sourcesAndLog() throws {
        let (_, tagged) = try exported(["--list", "x", "--tag", "newsletter", "--format", "csv"], kind: "csv")
        #expect(emails(tagged) == ["Fatima@Example.org"])
        let (summary, funders) = try exported(["--list", "board", "--role", "funder", "--format", "csv", "--recipient",
                                               String(people["funder"]!), "--summary-format", "json"], kind: "csv")
        #expect(emails(funders) == ["funder@example.org"])
        #expect(summary["recipient_is_funder"] as? Bool == true)
        let log = try sanad.json(["export", "log"]) as! [[String: Any]]
        #expect(log.count == 2)
        #expect(log.first?["flagged_funder_recipient"] as? Bool == true)
        #expect((log.first?["sha256"] as? String)?.count == 64)
        #expect(try connection.query("SELECT count(*) FROM audit_log WHERE action = 'export.emails' AND details ->> 'recipient_is_funder' = 'true'")[0]
            .decode(Int.self, at: 0) == 1)
        let segment = try sanad.run(["export", "emails", "--list", "x", "--segment", "anything"])
        #expect(segment.status == 2)
        #expect(segment.stderr.contains("sanad plugin enable segmentation"))
    }

    @Test("the logged SHA-256 is the file's (checked against PostgreSQL's sha256)")
    func digest() throws {
        let path = "\(folder)/digest.csv"
        let output = try sanad.succeed(["export", "emails", "--list", "x", "--format", "mailchimp", "--out", path, "--summary-format", "json"])
        let summary = try JSONSerialization.jsonObject(with: Data(output.utf8)) as! [String: Any]
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let hex = bytes.map { String(format: "%02x", $0) }.joined()
        let expected = try connection.query("SELECT encode(sha256(decode(\(hex), 'hex')), 'hex')")[0].decode(String.self, at: 0)
        #expect(summary["sha256"] as? String == expected)
        #expect(SHA256Digest.hex(of: Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256Digest.hex(of: [UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        let million = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(SHA256Digest.hex(of: million) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test("an address kept only as a hash on the suppression list is never exported, and is counted")
    func hashedSuppression() throws {
        try connection.execute("""
            INSERT INTO suppressed_identifiers (association_id, kind, identifier_hash, reason)
            SELECT id, 'email', sanad_identifier_hash('funder@example.org'), 'unsubscribed' FROM associations WHERE slug = 'tripoli'
            """)
        let (summary, file) = try exported(["--list", "newsletter", "--format", "csv"], kind: "csv")
        #expect(Set(emails(file)) == ["Fatima@Example.org", "omar@example.org", "FAMILY@example.org", "long@example.org",
                                      "formula@example.org", "فاطمة@example.org"])
        let excluded = (summary["excluded"] as? [String: Int]) ?? [:]
        #expect(excluded["address on the suppression list"] == 1)
        #expect(excluded["address shared with another contact (the latest consent wins)"] == 1)
        #expect(summary["rows"] as? Int == 6)
    }

    @Test("a mailing service's unsubscribes, bounces and complaints come back as suppression")
    func syncUnsubscribes() throws {
        let mailchimp = "\(folder)/mailchimp.csv"
        try "Email Address,First Name,UNSUB_TIME,UNSUB_REASON\nomar@example.org,Omar,2026-01-01,No longer interested\nstranger@example.org,,2026-01-02,\nnot-an-email,,,\n"
            .write(toFile: mailchimp, atomically: true, encoding: .utf8)
        let report = try sanad.json(["export", "sync-unsubscribes", mailchimp]) as! [String: Any]
        #expect(report["contacts_suppressed"] as? Int == 1)
        #expect(report["kept_as_hashes"] as? Int == 1)
        #expect(report["rejected"] as? Int == 1)
        let listmonk = "\(folder)/listmonk.csv"
        try "email,name,status\nFATIMA@example.org,Fatima,blocklisted\n".write(toFile: listmonk, atomically: true, encoding: .utf8)
        try sanad.succeed(["export", "sync-unsubscribes", listmonk])
        let brevo = "\(folder)/brevo.csv"
        try "EMAIL;TYPE\nformula@example.org;hard_bounce\nlong@example.org;spam complaint\n".write(toFile: brevo, atomically: true, encoding: .utf8)
        try sanad.succeed(["export", "sync-unsubscribes", brevo])
        let reasons = Dictionary(uniqueKeysWithValues: try connection.query("""
            SELECT e.address_key, s.reason FROM contact_suppressions s JOIN contact_emails e ON e.contact_id = s.contact_id
            WHERE s.source = 'mailing service'
            """).map { try $0.decode(String.self, String.self) })
        #expect(reasons == ["omar@example.org": "unsubscribed", "fatima@example.org": "unsubscribed",
                            "formula@example.org": "bounced", "long@example.org": "complained"])
        let (_, file) = try exported(["--list", "newsletter", "--format", "csv"], kind: "csv")
        #expect(Set(emails(file)) == ["FAMILY@example.org", "فاطمة@example.org", "funder@example.org"])
        // The stranger who unsubscribed before being a contact arrives suppressed.
        let people = "\(folder)/people.csv"
        try "name,email\nA Stranger,Stranger@Example.org\n".write(toFile: people, atomically: true, encoding: .utf8)
        try sanad.succeed(["contact", "import", people])
        #expect(try connection.query("""
            SELECT count(*) FROM contact_suppressions s JOIN contact_emails e ON e.contact_id = s.contact_id
            WHERE e.address_key = 'stranger@example.org' AND s.reason = 'unsubscribed'
            """)[0].decode(Int.self, at: 0) == 1)
        let blocklist = try sanad.succeed(["export", "suppression", "--format", "csv"])
        #expect(blocklist.contains("omar@example.org,unsubscribed\r\n"))
        #expect(blocklist.contains("withdrew@example.org,consent withdrawn\r\n"))
        #expect(!blocklist.contains("erased@example.org"))
    }

    @Test("a failed export leaves no file under the final name")
    func atomicOutput() throws {
        let target = "\(folder)/missing-folder/list.csv"
        let failed = try sanad.run(["export", "emails", "--list", "x", "--out", target])
        #expect(failed.status == 1)
        #expect(!FileManager.default.fileExists(atPath: target))
        #expect(try (sanad.json(["export", "log"]) as! [Any]).isEmpty, "nothing logged")
    }
}
