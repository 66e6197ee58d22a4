import Foundation
import Glibc
import Postgres
import PostgresServer
import SanadCore
import SanadTestSupport
import Testing

@Suite("Importing contacts and interactions from CSV", .timeLimit(.minutes(3)))
struct ImportTests {
    let database: ConnectionConfiguration
    let sanad: InProcessSanad
    let connection: Connection
    let scratch: ScratchFolder
    var folder: String { scratch.path }

    init() throws {
        let fixture = try TripoliFixture("import")
        database = fixture.database
        sanad = fixture.sanad
        connection = try TestDatabase.connect(database)
        scratch = try ScratchFolder("import")
    }

    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = "\(folder)/\(name)"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    func write(_ name: String, _ text: String, bom: Bool = false) throws -> String {
        try write(name, (bom ? [0xEF, 0xBB, 0xBF] : []) + Array(text.utf8))
    }

    func count(_ sql: SQL) throws -> Int {
        try connection.query(sql)[0].decode(Int.self, at: 0)
    }

    func importReport(_ arguments: [String]) throws -> (status: Int32, report: [String: Any]) {
        let result = try sanad.run(arguments + ["--format", "json"])
        let report = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] ?? [:]
        return (result.status, report)
    }

    func rejectionLines(_ report: [String: Any]) -> [Int] {
        ((report["rejections"] as? [[String: Any]]) ?? []).compactMap { $0["line"] as? Int }
    }

    @Test("an Arabic sheet's values are understood: roles in both genders, kinds, sources, yes/no, and cells that say nothing")
    func arabicValues() throws {
        let file = try write("arabic-values.csv", """
            الاسم,الهاتف,البريد الإلكتروني,الصفة,النوع,المصدر,شخصية سياسية
            ليلى حداد,لا يوجد,-,"متطوعة، مؤيدة",فرد,فيسبوك,لا
            جمعية الأمل,06 412 345,N/A,ممول,مؤسسة,إحالة,نعم
            """, bom: true)
        let (status, report) = try importReport(["contact", "import", file])
        #expect(status == 0, "\(report)")
        #expect(report["inserted"] as? Int == 2 && report["rejected"] as? Int == 0, "\(report)")
        let layla = try sanad.decode([ContactSummary].self, ["contact", "search", "ليلى حداد"]).first
        #expect(Set(layla?.roles ?? []) == ["supporter", "volunteer"])
        #expect(layla?.phone == nil && layla?.email == nil, "لا يوجد and - are empty cells")
        let amal = try sanad.decode(ContactDetails.self, ["contact", "show", String(try #require(
            sanad.decode([ContactSummary].self, ["contact", "search", "جمعية الأمل"]).first).id)])
        #expect(amal.kind == "organization" && amal.source == "referral" && amal.isPEP)
        #expect(amal.roles.map(\.role) == [.funder])
        #expect(amal.gender == nil, "an organization has none")
        let laylaDetails = try sanad.decode(ContactDetails.self, ["contact", "show", String(try #require(layla).id)])
        #expect(laylaDetails.gender == .female, "متطوعة says what the sheet had no column for")
    }

    @Test("a gender column in Arabic or English; a gender on an organization is refused with the row's other problems")
    func genderColumn() throws {
        let file = try write("gender.csv", """
            الاسم,الجنس,البريد الإلكتروني
            سمير خوري,ذكر,samir@example.org
            هدى عيتاني,أنثى,hoda@example.org
            نور الأيوبي,,nour@example.org
            ريم حداد,ربما,ليس-بريدا
            """)
        let (_, report) = try importReport(["contact", "import", file])
        #expect(report["inserted"] as? Int == 3 && report["rejected"] as? Int == 1, "\(report)")
        let rejection = try #require((report["rejections"] as? [[String: Any]])?.first)
        #expect(rejection.description.contains("gender") && rejection.description.contains("email"), "every problem of the row at once: \(rejection)")
        let genders = try connection.query("SELECT display_name, gender FROM contacts ORDER BY id")
            .map { try $0.decode(String.self, String?.self) }
        #expect(genders.map(\.1) == ["male", "female", nil], "\(genders)")
        let unknown = try sanad.run(["contact", "add", "Nour", "--gender", "x"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("unknown gender") && unknown.stderr.contains("female, male"), "\(unknown.stderr)")
        let organization = try sanad.run(["contact", "add", "مؤسسة الأرز", "--kind", "organization", "--gender", "female"])
        #expect(organization.status == 1)
        #expect(organization.stderr.contains("an organization has no gender"), "\(organization.stderr)")
        let id = try #require(try sanad.decode([ContactSummary].self, ["contact", "search", "سمير خوري"]).first).id
        try sanad.succeed(["contact", "update", String(id), "--clear", "gender"])
        #expect(try sanad.decode(ContactDetails.self, ["contact", "show", String(id)]).gender == nil)
    }

    @Test("the rejects file begins with a BOM when the sheet did, so Excel shows its Arabic")
    func rejectsKeepTheMark() throws {
        let marked = try write("marked.csv", "الاسم,البريد الإلكتروني\nليلى حداد,ليس-بريدا\n", bom: true)
        _ = try importReport(["contact", "import", marked])
        let rejects = try Data(contentsOf: URL(fileURLWithPath: "\(folder)/marked.rejects.csv"))
        #expect(Array(rejects.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let plain = try write("plain.csv", "name,email\nOmar Itani,not-an-email\n")
        _ = try importReport(["contact", "import", plain])
        #expect(try Data(contentsOf: URL(fileURLWithPath: "\(folder)/plain.rejects.csv")).first == UInt8(ascii: "n"))
    }

    @Test("a windows-1256 sheet's rejects file is windows-1256 too, and imports again as it is")
    func rejectsKeepTheLegacyEncoding() throws {
        let utf8 = try write("legacy-source.csv", "الاسم,البريد الإلكتروني\nليلى حداد,ليس-بريدا\nسمير خوري,samir@example.org\n")
        let legacy = "\(folder)/legacy.csv"
        #expect(try ProcessRunner.run("/usr/bin/iconv", ["-f", "UTF-8", "-t", "windows-1256", "-o", legacy, utf8]).status == 0)
        _ = try importReport(["contact", "import", legacy, "--encoding", "windows-1256"])
        let rejects = try Data(contentsOf: URL(fileURLWithPath: "\(folder)/legacy.rejects.csv"))
        #expect(Array(rejects.prefix(3)) != [0xEF, 0xBB, 0xBF], "no BOM in a windows-1256 file")
        #expect(String(data: rejects, encoding: .utf8) == nil, "the Arabic is in windows-1256 bytes, not UTF-8")
        let back = "\(folder)/legacy-back.csv"
        #expect(try ProcessRunner.run("/usr/bin/iconv", ["-f", "windows-1256", "-t", "UTF-8", "-o", back, "\(folder)/legacy.rejects.csv"]).status == 0)
        let text = try String(contentsOfFile: back, encoding: .utf8)
        #expect(text.contains("ليلى حداد") && text.contains("ليس-بريدا"), "\(text)")
        // Given as UTF-8, the rejects stay UTF-8, whatever they hold.
        let emoji = try write("emoji-source.csv", "الاسم,البريد الإلكتروني\nنور 🌟,ليس-بريدا\n")
        _ = try importReport(["contact", "import", emoji, "--encoding", "utf-8"])
        let plain = try Data(contentsOf: URL(fileURLWithPath: "\(folder)/emoji-source.rejects.csv"))
        #expect(String(data: plain, encoding: .utf8)?.contains("🌟") == true)
    }

    @Test("an Excel workbook given for a CSV file is named as such, with what to do")
    func workbookRefused() throws {
        let xlsx = try write("contacts.xlsx", [0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00] + Array(repeating: 0, count: 64))
        let result = try sanad.run(["contact", "import", xlsx])
        #expect(result.status == 1)
        #expect(result.stderr.contains("is an Excel workbook, not a CSV file") && result.stderr.contains("CSV UTF-8"), "\(result.stderr)")
        #expect(try count("SELECT count(*) FROM contacts") == 0)
    }

    @Test("UTF-8 with BOM, CRLF, quoted fields with embedded newlines, quotes and Arabic")
    func bomCrlfQuotes() throws {
        let text = "\"الاسم\",\"البريد الإلكتروني\",\"الهاتف\",\"Notes, free\"\r\n"
            + "\"فاطمة \"\"أم علي\"\" خليل\",fatima@example.org,٠٣ ١٢٣ ٤٥٦,\"first line\r\nsecond line\"\r\n"
            + "Mohammed Al-Ahmad,m.ahmad@example.org,+961 71 234 567,plain\r\n"
        let path = try write("bom.csv", text, bom: true)
        let (status, report) = try importReport(["contact", "import", path, "--custom-fields"])
        #expect(status == 0, "\(report)")
        #expect(report["inserted"] as? Int == 2)
        #expect(try connection.query("SELECT display_name FROM contacts ORDER BY id")[0].decode(String.self, at: 0) == "فاطمة \"أم علي\" خليل")
        #expect(try connection.query("SELECT e164 FROM contact_phones ORDER BY id")[0].decode(String?.self, at: 0) == "+9613123456")
        #expect(try connection.query("SELECT custom_fields ->> 'Notes, free' FROM contacts ORDER BY id")[0].decode(String.self, at: 0)
            == "first line\r\nsecond line")
        #expect(try count("SELECT count(*) FROM contacts WHERE source_channel = 'import'") == 2)
    }

    @Test("semicolons, tabs and windows-1256 are read; a separator or encoding is given or detected", arguments: [
        ("semicolon", ";", nil as String?), ("tab", "\t", nil as String?), ("cp1256", ",", "windows-1256" as String?),
    ])
    func delimitersAndEncodings(name: String, separator: String, encoding: String?) throws {
        let text = ["name", "email", "city"].joined(separator: separator) + "\n"
            + ["زينب حداد", "zainab@example.org", "طرابلس"].joined(separator: separator) + "\n"
            + ["Omar Khatib", "omar@example.org", "Beirut"].joined(separator: separator) + "\n"
        var path = try write("\(name).csv", text)
        var arguments = ["contact", "import", path]
        if let encoding {
            let legacy = "\(folder)/\(name)-legacy.csv"
            let converted = try ProcessRunner.run("/usr/bin/iconv", ["-f", "UTF-8", "-t", encoding, "-o", legacy, path])
            #expect(converted.status == 0)
            path = legacy
            // Without the encoding, the Arabic bytes are not UTF-8: the rows are rejected, not garbled.
            let (wrong, report) = try importReport(["contact", "import", path, "--dry-run"])
            #expect(wrong == 1)
            #expect(rejectionLines(report) == [2])
            arguments = ["contact", "import", path, "--encoding", encoding]
        }
        arguments.removeFirst(2)
        let (status, report) = try importReport(["contact", "import"] + arguments)
        #expect(status == 0, "\(report)")
        #expect(report["inserted"] as? Int == 2)
        #expect(try connection.query("SELECT city FROM contacts ORDER BY id")[0].decode(String.self, at: 0) == "طرابلس")
    }

    @Test("bad rows are rejected with their exact line, field and reason; good rows go in; the reject file re-imports")
    func rejectsWithLines() throws {
        let text = """
            name,email,phone,birth_date,roles
            Good One,good1@example.org,03 123 456,1990-01-31,supporter
            Bad Email,not-an-email,,,
            Bad Date,bd@example.org,,1990-02-30,
            "Multi
            Line Good",ml@example.org,,,volunteer
            Too,Many,Fields,Here,x,y
            Too Few,few@example.org
            Unknown Role,ur@example.org,,,sponsor
            Kept Phone,kp@example.org,call me maybe,,
            \u{202E}Spoof,spoof@example.org,,,
            Good Two,good2@example.org,,21/03/1985,member

            """
        let path = try write("bad.csv", text)
        let (status, report) = try importReport(["contact", "import", path])
        #expect(status == 1)
        // The quoted name spanning lines 5-6 is one record (and a name may not span lines).
        #expect(report["rows"] as? Int == 10)
        #expect(report["inserted"] as? Int == 2)
        #expect(rejectionLines(report) == [3, 4, 5, 7, 8, 9, 11, 12])
        let fields = ((report["rejections"] as? [[String: Any]]) ?? []).map { $0["field"] as? String ?? "" }
        #expect(fields == ["email", "birth_date", "display_name", "row", "row", "role", "display_name", "birth_date"])
        let warnings = (report["warning_details"] as? [[String: Any]]) ?? []
        #expect(warnings.map { $0["line"] as? Int } == [10])
        #expect(try count("SELECT count(*) FROM contact_phones WHERE raw = 'call me maybe' AND e164 IS NULL") == 1)
        let rejects = try String(contentsOfFile: report["rejects_file"] as! String, encoding: .utf8)
        #expect(rejects.hasPrefix("name,email,phone,birth_date,roles,sanad_line,sanad_field,sanad_reason\r\n"))
        #expect(rejects.hasSuffix("\r\n"))
        #expect(rejects.contains("\"Multi\nLine Good\""), "fields keep their line breaks, quoted")
        // The reject file, fixed, imports; its sanad_* columns are ignored.
        let fixed = rejects.replacingOccurrences(of: "not-an-email", with: "fixed@example.org")
            .replacingOccurrences(of: "1990-02-30", with: "1990-02-28").replacingOccurrences(of: "sponsor", with: "member")
            .replacingOccurrences(of: "21/03/1985", with: "1985-03-21").replacingOccurrences(of: "\u{202E}", with: "")
        let again = try importReport(["contact", "import", try write("fixed.csv", fixed)])
        // The reject file lays every row out in the header's columns, so the short row can
        // be completed; the two-line name and the over-long row (its email is "Many") stay out.
        #expect(again.report["inserted"] as? Int == 6, "\(again.report)")
        #expect(rejectionLines(again.report).count == 2)
    }

    @Test("duplicates inside the file become one contact; re-importing the same file changes nothing")
    func duplicatesAndIdempotence() throws {
        let text = """
            external_id,name,email,phone
            A1,Hiba Awad,hiba@example.org,03 111 222
            A2,Rami Saade,rami@example.org,
            A1,Hiba Awad (again),hiba@example.org,03 111 222
            ,Nour Jaber,nour@example.org,
            ,N. Jaber,NOUR@example.org,

            """
        let path = try write("dups.csv", text)
        let first = try importReport(["contact", "import", path])
        #expect(first.status == 0)
        #expect(first.report["inserted"] as? Int == 3)
        #expect(first.report["duplicates_in_file"] as? Int == 2)
        let tables = ["contacts", "contact_emails", "contact_phones", "contact_roles", "contact_tags"]
        let before = try tables.map { try count("SELECT count(*) FROM \(identifier: $0)") }
        let second = try importReport(["contact", "import", path])
        #expect(second.report["inserted"] as? Int == 0)
        #expect(second.report["unchanged"] as? Int == 3)
        #expect(try tables.map { try count("SELECT count(*) FROM \(identifier: $0)") } == before)
        let updated = try importReport(["contact", "import", path, "--on-match", "update"])
        #expect(updated.report["updated"] as? Int == 0, "same values: nothing to update")
    }

    @Test("--on-match update overwrites, fill only fills empty fields, skip leaves contacts alone")
    func matchPolicies() throws {
        _ = try importReport(["contact", "import", try write("base.csv", "external_id,name,city,email\nB1,Salma Issa,,salma@example.org\n")])
        let change = try write("change.csv", "external_id,name,city,email,phone\nB1,Salma Issa-Haddad,Saida,salma@example.org,03 222 333\n")
        _ = try importReport(["contact", "import", change, "--on-match", "fill"])
        var row = try connection.query("SELECT display_name, city FROM contacts")[0]
        #expect(try row.decode(String.self, String.self) == ("Salma Issa", "Saida"))
        #expect(try count("SELECT count(*) FROM contact_phones") == 1, "fill adds the new phone")
        let skip = try importReport(["contact", "import", try write("skip.csv", "external_id,name,city\nB1,Someone Else,Tyre\n")])
        #expect(skip.report["unchanged"] as? Int == 1)
        _ = try importReport(["contact", "import", change, "--on-match", "update"])
        row = try connection.query("SELECT display_name, city FROM contacts")[0]
        #expect(try row.decode(String.self, String.self) == ("Salma Issa-Haddad", "Saida"))
        #expect(try count("SELECT count(*) FROM audit_log WHERE action = 'contact.import'") == 4)
    }

    @Test("--dry-run writes nothing; --all-or-nothing imports nothing when a row is bad")
    func dryRunAndAllOrNothing() throws {
        let path = try write("mixed.csv", "name,email\nGood,good@example.org\nBad,bad-email\n")
        let dry = try importReport(["contact", "import", path, "--dry-run"])
        #expect(dry.status == 1)
        #expect(dry.report["inserted"] as? Int == 1)
        #expect(dry.report["committed"] as? Bool == false)
        #expect(try count("SELECT count(*) FROM contacts") == 0)
        #expect(!FileManager.default.fileExists(atPath: "\(folder)/mixed.rejects.csv"))
        let strict = try importReport(["contact", "import", path, "--all-or-nothing"])
        #expect(strict.status == 1)
        #expect(try count("SELECT count(*) FROM contacts") == 0)
        #expect(try count("SELECT count(*) FROM audit_log WHERE action = 'contact.import'") == 0)
        let clean = try importReport(["contact", "import", try write("clean.csv", "name,email\nGood,good@example.org\n"), "--dry-run"])
        #expect(clean.status == 0)
        #expect(try count("SELECT count(*) FROM contacts") == 0)
    }

    @Test("a file without a header needs --map; Arabic headers are understood")
    func headersAndMapping() throws {
        let bare = try write("bare.csv", "Karim Daher,karim@example.org,03 333 444\n")
        let refused = try sanad.run(["contact", "import", bare])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("--map"))
        let mapped = try importReport(["contact", "import", bare, "--no-header", "--map", "1=name", "--map", "2=email", "--map", "3=phone"])
        #expect(mapped.report["inserted"] as? Int == 1)
        let arabic = try write("arabic.csv", "الاسم الأول,اسم العائلة,الجوال,المدينة,تاريخ الميلاد,الصفة\nهدى,الزين,03 444 555,صور,1979-05-06,متطوع\n")
        let result = try importReport(["contact", "import", arabic])
        #expect(result.report["inserted"] as? Int == 1 && rejectionLines(result.report).isEmpty, "an Arabic role word is a role")
        #expect(try connection.query("SELECT display_name FROM contacts WHERE city = 'صور'")[0].decode(String.self, at: 0) == "هدى الزين")
        #expect(try connection.query("""
            SELECT r.role::text FROM contact_roles r JOIN contacts c ON c.id = r.contact_id WHERE c.city = 'صور'
            """).map { try $0.decode(String.self, at: 0) } == ["volunteer"])
        let unknownField = try sanad.run(["contact", "import", bare, "--no-header", "--map", "1=nmae"])
        #expect(unknownField.status == 2)
        #expect(unknownField.stderr.contains("did you mean name"))
    }

    @Test("interactions import matched by external id, email and phone; the same file twice adds nothing")
    func interactionsImport() throws {
        _ = try importReport(["contact", "import", try write("people.csv", """
            external_id,name,email,phone
            P1,Ahmad Mourad,ahmad@example.org,03 555 666
            P2,Leila Farah,leila@example.org,71 777 888

            """)])
        try sanad.succeed(["campaign", "add", "winter", "--title", "Winter", "--start", "2026-01-01", "--end", "2026-12-31"])
        let gifts = try write("gifts.csv", """
            contact_external_id,contact_email,contact_phone,type,date,amount,currency,campaign,restricted,conditions
            P1,,,donation,2026-02-01,250,USD,winter,no,
            ,leila@example.org,,donation,2026-02-02,5000.500,JOD,,yes,يشترط تعيين مرشحنا في مجلس الإدارة
            ,,+961 71 777 888,pledge,2026-12-01,1000,,winter,,
            P1,,,donation,2026-02-01,250,USD,winter,no,
            P9,,,donation,2026-02-03,10,USD,,,
            P1,,,donation,2026-02-04,-5,USD,,,
            P2,,,note,2026-02-05,,,,no,
            P2,,,donation,2026-02-06,10,USD,summer,,

            """)
        let first = try importReport(["interaction", "import", gifts])
        #expect(first.status == 1)
        #expect(first.report["inserted"] as? Int == 5, "\(first.report)")
        #expect(rejectionLines(first.report) == [6, 7, 9])
        #expect(try count("SELECT count(*) FROM interactions WHERE conditions LIKE 'يشترط%' AND is_restricted AND currency = 'JOD' AND amount = 5000.5") == 1)
        #expect(try count("SELECT count(*) FROM interactions WHERE type = 'pledge' AND currency = 'LBP'") == 1)
        let second = try importReport(["interaction", "import", gifts])
        #expect(second.report["inserted"] as? Int == 0)
        #expect(second.report["unchanged"] as? Int == 5)
        #expect(try count("SELECT count(*) FROM interactions") == 5, "two identical rows stay two gifts, and only two")
    }

    @Test("killing the import at any moment leaves all of it or none of it", .timeLimit(.minutes(3)))
    func killedImportIsAllOrNothing() throws {
        let generated = "\(folder)/generated"
        try sanad.succeed(["generate", "--contacts", "20000", "--seed", "11", "--out", generated, "--contacts-only"])
        let before = try count("SELECT count(*) FROM contacts")
        var outcomes: [Int] = []
        for trial in 0..<5 {
            let running = try SanadProcess(environment: sanad.environment).start(["contact", "import", "\(generated)/contacts.csv"])
            usleep(UInt32(200_000 + trial * 350_000))
            running.signal(SIGKILL)
            _ = running.wait()
            // The server notices the dead client and rolls its transaction back.
            var after = try count("SELECT count(*) FROM contacts")
            for _ in 0..<50 where after != before && after != before + 20000 {
                usleep(100_000)
                after = try count("SELECT count(*) FROM contacts")
            }
            outcomes.append(after - before)
            #expect(after == before || after == before + 20000, "trial \(trial): \(after - before) contacts")
            if after != before { break }
        }
        #expect(!outcomes.isEmpty)
        #expect(try count("SELECT count(*) FROM contact_emails e WHERE NOT EXISTS (SELECT 1 FROM contacts c WHERE c.id = e.contact_id)") == 0)
    }
}
