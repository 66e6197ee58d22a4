import Foundation
import Postgres
import SanadCore
import SanadTestSupport
import Testing

@Suite("Duplicates, merging and erasure", .timeLimit(.minutes(3)))
struct DuplicateTests {
    let database: ConnectionConfiguration
    let sanad: InProcessSanad
    let connection: Connection

    init() throws {
        let fixture = try TripoliFixture("duplicates")
        database = fixture.database
        sanad = fixture.sanad
        connection = try TestDatabase.connect(database)
    }

    func count(_ sql: SQL) throws -> Int {
        try connection.query(sql)[0].decode(Int.self, at: 0)
    }

    func add(_ arguments: [String]) throws -> Int {
        (try sanad.json(["contact", "add"] + arguments) as! [String: Any])["id"] as! Int
    }

    @Test("on a labelled generated set, duplicates are found across scripts and families sharing a phone stay apart",
          arguments: [("LB", "ar", 21 as UInt64), ("GB", "en", 5 as UInt64)])
    func precisionAndRecall(country: String, language: String, seed: UInt64) throws {
        let slug = "gen-\(country.lowercased())"
        try sanad.succeed(["association", "add", slug, "--name", "Generated", "--country", country, "--currency",
                           country == "LB" ? "LBP" : "GBP", "--time-zone", country == "LB" ? "Asia/Beirut" : "Europe/London",
                           "--language", language])
        let scratch = try ScratchFolder("dups")
        let folder = scratch.path
        try sanad.succeed(["generate", "-a", slug, "--contacts", "3000", "--seed", String(seed), "--out", folder, "--contacts-only"])
        try sanad.succeed(["contact", "import", "-a", slug, folder + "/contacts.csv"])
        let external = Dictionary(uniqueKeysWithValues: try connection.query("SELECT id, external_id FROM contacts WHERE external_id IS NOT NULL")
            .map { try $0.decode(Int.self, String.self) })
        // People entered several times: any two of their rows are the same person.
        var cluster: [String: String] = [:]
        func root(_ id: String) -> String {
            var current = id
            while let parent = cluster[current], parent != current { current = parent }
            return current
        }
        var duplicates: Set<[String]> = []
        var families: Set<[String]> = []
        let pairs = try String(contentsOfFile: folder + "/pairs.csv", encoding: .utf8).split(separator: "\r\n").dropFirst()
        for line in pairs {
            let cells = line.split(separator: ",").map(String.init)
            let pair = [cells[0], cells[1]].sorted()
            if cells[2] == "duplicate" {
                duplicates.insert(pair)
                cluster[root(cells[0])] = root(cells[1])
            } else {
                families.insert(pair)
            }
        }
        let found = try sanad.decode([DuplicatePair].self, ["contact", "duplicates", "-a", slug, "--limit", "100000"])
        func evaluate(_ level: String) -> (precision: Double, recall: Double, families: Int) {
            let flagged = found.filter { level == "possible" || $0.level == .probable }
                .map { [external[Int($0.first)]!, external[Int($0.second)]!].sorted() }
            let correct = flagged.filter { root($0[0]) == root($0[1]) }.count
            let labelledFound = duplicates.filter { flagged.contains($0) }.count
            return (Double(correct) / Double(max(1, flagged.count)), Double(labelledFound) / Double(max(1, duplicates.count)),
                    flagged.filter { families.contains($0) }.count)
        }
        let possible = evaluate("possible")
        let probable = evaluate("probable")
        print(String(format: "duplicates (%@, %d contacts, %d labelled pairs, %d family pairs): possible precision %.3f recall %.3f families flagged %d; probable precision %.3f recall %.3f families flagged %d",
                     country, 3000, duplicates.count, families.count, possible.precision, possible.recall, possible.families,
                     probable.precision, probable.recall, probable.families))
        #expect(duplicates.count > 50 && families.count > 150, "the generator labels enough pairs to judge")
        #expect(possible.precision >= 0.9)
        #expect(possible.recall >= 0.8)
        #expect(probable.precision >= 0.95)
        #expect(Double(possible.families) <= Double(families.count) * 0.02, "families sharing a phone stay apart")
        #expect(probable.families == 0)
    }

    @Test("a shared phone alone is not enough; names across scripts with a shared phone are; dismissals are remembered")
    func evidenceAndDismissal() throws {
        let mother = try add(["فاطمة خليل", "--phone", "03 123 456", "--birth-date", "1965-04-01"])
        _ = try add(["أحمد خليل", "--phone", "03 123 456"])
        let twin = try add(["Fatima Khalil", "--phone", "+961 3 123 456", "--email", "fatima@example.org"])
        let pairs = try sanad.decode([DuplicatePair].self, ["contact", "duplicates"])
        #expect(pairs.count == 1, "\(pairs)")
        #expect(Set([Int(pairs[0].first), Int(pairs[0].second)]) == Set([mother, twin]))
        let reasons = pairs[0].reasons
        #expect(reasons.contains("phone same +0.30"))
        #expect(reasons.contains { $0.hasPrefix("name 1.00 similar") })
        try sanad.succeed(["contact", "duplicates", "--dismiss", String(twin), String(mother)])
        #expect(try (sanad.json(["contact", "duplicates"]) as! [Any]).isEmpty)
        try sanad.succeed(["association", "config", "--set", "duplicates.possible=0.2"])
        let lowered = try sanad.decode([DuplicatePair].self, ["contact", "duplicates"])
        #expect(!lowered.contains { Set([Int($0.first), Int($0.second)]) == Set([mother, twin]) })
        let refused = try sanad.run(["association", "config", "--set", "duplicates.possible=high"])
        #expect(refused.status == 1)
    }

    @Test("merge moves everything to the kept contact in one transaction; preview changes nothing")
    func merge() throws {
        try sanad.succeed(["campaign", "add", "winter", "--title", "Winter", "--start", "2026-01-01", "--end", "2026-12-31"])
        let kept = try add(["محمد الأحمد", "--email", "m@example.org", "--role", "supporter", "--tag", "newsletter"])
        let other = try add(["Mohammed Al-Ahmad", "--email", "M@example.org", "--email", "mo@example.org", "--phone", "03 222 333",
                             "--role", "volunteer", "--role", "supporter", "--tag", "volunteers", "--city", "Tripoli",
                             "--birth-date", "1988-08-08", "--external-id", "CRM-77"])
        let friend = try add(["Omar Haddad"])
        try sanad.succeed(["contact", "relate", String(other), "close-associate", String(friend)])
        try sanad.succeed(["contact", "relate", String(other), "spouse", String(kept)])
        try sanad.succeed(["consent", "set", String(other), "email", "granted", "--basis", "consent"])
        try sanad.succeed(["consent", "suppress", String(other), "bounced"])
        try sanad.succeed(["interaction", "log", String(other), "donation", "--amount", "100", "--currency", "USD", "--campaign", "winter"])
        try sanad.succeed(["interaction", "log", String(kept), "donation", "--amount", "50", "--currency", "USD", "--campaign", "winter"])
        let progressBefore = try sanad.json(["campaign", "progress", "winter"]) as! [[String: Any]]

        let preview = try sanad.decode(ContactMerger.Summary.self, ["contact", "merge", String(kept), "--absorb", String(other), "--preview"])
        #expect(preview.moved.first { $0.what == "emails" }?.rows == 1)
        #expect(preview.moved.first { $0.what == "interactions" }?.rows == 1)
        #expect(try count("SELECT count(*) FROM contacts WHERE merged_into_id IS NOT NULL") == 0, "preview changed nothing")

        try sanad.succeed(["contact", "merge", String(kept), "--absorb", String(other), "--yes"])
        let shown = try sanad.decode(ContactDetails.self, ["contact", "show", String(kept)])
        #expect(Set(shown.emails.map(\.address)) == ["m@example.org", "mo@example.org"])
        #expect(shown.phones.first?.e164 == "+9613222333")
        #expect(Set(shown.roles.map(\.role)) == [.supporter, .volunteer])
        #expect(Set(shown.tags) == ["newsletter", "volunteers"])
        #expect(shown.city == "Tripoli")
        #expect(shown.birthDate == CalendarDate(iso: "1988-08-08"))
        #expect(shown.externalID == "CRM-77")
        #expect(shown.interactionCount == 2)
        #expect(shown.consents.count == 1)
        #expect(shown.suppressions == ["bounced"])
        let relationships = shown.relationships
        #expect(relationships.count == 1, "the spouse link to itself is dropped; the associate moves")
        #expect(relationships.first.map { Int($0.otherID) } == friend)
        #expect(try connection.query("SELECT merged_into_id FROM contacts WHERE id = \(other)")[0].decode(Int?.self, at: 0) == kept)
        #expect(try sanad.run(["contact", "show", String(other)]).status == 0, "the merged record stays readable")
        #expect(try sanad.decode([ContactSummary].self, ["contact", "search", "Mohammed"]).map { Int($0.id) } == [kept])
        #expect(try count("SELECT count(*) FROM audit_log WHERE action = 'contact.merge'") == 1)
        let progressAfter = try sanad.json(["campaign", "progress", "winter"]) as! [[String: Any]]
        #expect(progressAfter.first { $0["goal"] as? String == "amount raised" }?["measured"] as? Int
            == progressBefore.first { $0["goal"] as? String == "amount raised" }?["measured"] as? Int)
        // An import naming the merged contact's external id lands on the kept contact.
        let file = "/tmp/sanad-merge-\(UUID().uuidString.prefix(8)).csv"
        try "external_id,name,phone\nCRM-77,Mohammed Al-Ahmad,71 999 000\n".write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let imported = try sanad.json(["contact", "import", file, "--on-match", "fill"]) as! [String: Any]
        #expect(imported["inserted"] as? Int == 0)
        #expect(try count("SELECT count(*) FROM contact_phones WHERE contact_id = \(kept)") == 2)
        let refused = try sanad.run(["contact", "merge", String(kept), "--absorb", String(other), "--yes"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("merged into"))
    }

    /// Every row naming either contact, table by table, as text (read as the owner).
    func rowsOf(_ ids: [Int]) throws -> [String: [String]] {
        var rows: [String: [String]] = [:]
        for (table, columns) in [("contacts", ["id"]), ("contact_emails", ["contact_id"]), ("contact_phones", ["contact_id"]),
                                 ("contact_roles", ["contact_id"]), ("contact_tags", ["contact_id"]), ("group_members", ["contact_id"]),
                                 ("contact_relationships", ["contact_id", "related_contact_id"]), ("consent_records", ["contact_id"]),
                                 ("contact_suppressions", ["contact_id"]), ("interactions", ["contact_id"])] {
            let wanted = ids.map(Int64.init)
            let condition = SQL.joined(columns.map { "\(identifier: $0) = ANY(\(wanted))" }, separator: " OR ")
            rows[table] = try connection.query("SELECT to_jsonb(t)::text FROM \(identifier: table) t WHERE \(condition) ORDER BY 1")
                .map { try $0.decode(String.self, at: 0) }
        }
        return rows
    }

    @Test("a merge asks first, names the kept side in its words, and contact unmerge puts both records back as they were")
    func unmerge() throws {
        let kept = try add(["ليلى حداد", "--email", "layla@example.org", "--role", "supporter", "--tag", "newsletter", "--city", "طرابلس"])
        let other = try add(["Layla Haddad", "--email", "LAYLA@example.org", "--email", "l.haddad@example.org", "--phone", "03 111 222",
                             "--role", "volunteer", "--tag", "volunteers", "--birth-date", "1991-03-04", "--external-id", "OLD-9"])
        let friend = try add(["Rana Khoury"])
        try sanad.succeed(["contact", "relate", String(other), "family", String(friend)])
        try sanad.succeed(["consent", "set", String(other), "email", "granted", "--basis", "consent"])
        try sanad.succeed(["interaction", "log", String(other), "donation", "--amount", "75", "--currency", "USD"])
        try sanad.succeed(["interaction", "log", String(kept), "donation", "--amount", "20", "--currency", "USD"])
        let before = try rowsOf([kept, other])

        let positional = try sanad.run(["contact", "merge", String(kept), String(other)])
        #expect(positional.status == 2)
        #expect(positional.stderr.contains("--absorb \(other)"), "\(positional.stderr)")
        let unconfirmed = try sanad.run(["contact", "merge", String(kept), "--absorb", String(other)])
        #expect(unconfirmed.status == 2)
        #expect(unconfirmed.stderr.contains("--yes"))
        #expect(try count("SELECT count(*) FROM contacts WHERE merged_into_id IS NOT NULL") == 0)

        let merged = try sanad.decode(ContactMerger.Summary.self, ["contact", "merge", String(kept), "--absorb", String(other), "--yes"])
        #expect(merged.mergeID != nil)
        #expect(try rowsOf([kept, other]) != before)
        let restored = try sanad.decode(ContactUnmerger.Summary.self, ["contact", "unmerge", String(other)])
        #expect(restored == ContactUnmerger.Summary(kept: Int64(kept), restored: Int64(other), mergeID: merged.mergeID!, interactions: 1))
        var after = try rowsOf([kept, other])
        // The two contact rows match field for field but for updated_at, which the restore touches.
        func withoutUpdatedAt(_ rows: [String]?) -> [String] {
            (rows ?? []).map { $0.replacingOccurrences(of: #""updated_at": "[^"]*""#, with: "", options: .regularExpression) }
        }
        #expect(withoutUpdatedAt(after["contacts"]) == withoutUpdatedAt(before["contacts"]))
        after["contacts"] = before["contacts"]
        #expect(after == before, "every row of both contacts is as it was")
        #expect(try sanad.decode([ContactSummary].self, ["contact", "search", "Layla Haddad"]).map { Int($0.id) }.contains(other))
        #expect(try count("SELECT count(*) FROM audit_log WHERE action = 'contact.unmerge'") == 1)

        let again = try sanad.run(["contact", "unmerge", String(other)])
        #expect(again.status == 1)
        #expect(again.stderr.contains("already undone"))
        // Merged twice in a row, the first cannot be undone before the second.
        try sanad.succeed(["contact", "merge", String(kept), "--absorb", String(other), "--yes"])
        try sanad.succeed(["contact", "merge", String(kept), "--absorb", String(friend), "--yes"])
        let blocked = try sanad.run(["contact", "unmerge", String(other)])
        #expect(blocked.status == 1)
        #expect(blocked.stderr.contains("contact unmerge \(friend)"), "\(blocked.stderr)")
        try sanad.succeed(["contact", "unmerge", String(friend)])
        try sanad.succeed(["contact", "unmerge", String(other)])
        // Erasing a person removes the merge's copy of their data.
        try sanad.succeed(["contact", "merge", String(kept), "--absorb", String(other), "--yes"])
        try sanad.succeed(["contact", "erase", String(other), "--yes"])
        #expect(try count("SELECT count(*) FROM contact_merges WHERE merged_id = \(other) OR kept_id = \(other)") == 0)
    }

    @Test("--merge-probable needs --yes, then merges probable pairs only")
    func mergeProbable() throws {
        _ = try add(["زينب حداد", "--email", "zainab@example.org", "--phone", "03 444 555", "--birth-date", "1990-01-01"])
        _ = try add(["Zainab Haddad", "--email", "zainab@example.org", "--phone", "03 444 555", "--birth-date", "1990-01-01"])
        #expect(try sanad.run(["contact", "duplicates", "--merge-probable"]).status == 2)
        let merged = try sanad.json(["contact", "duplicates", "--merge-probable", "--yes"]) as! [[String: Any]]
        #expect(merged.count == 1)
        #expect(try count("SELECT count(*) FROM contacts WHERE deleted_at IS NULL") == 1)
    }

    @Test("erasure scrubs the person, keeps totals right, and a later import does not bring them back")
    func erase() throws {
        try sanad.succeed(["campaign", "add", "winter", "--title", "Winter", "--start", "2026-01-01", "--end", "2026-12-31"])
        let person = try add(["Rana Saade", "--email", "rana@example.org", "--phone", "03 666 777", "--birth-date", "1980-02-02",
                              "--city", "Byblos", "--role", "funder", "--tag", "major-donor", "--external-id", "R-1"])
        try sanad.succeed(["interaction", "log", String(person), "donation", "--amount", "900", "--currency", "USD",
                           "--campaign", "winter", "--notes", "Called Rana at home", "--conditions", "Name the hall after Rana"])
        try sanad.succeed(["consent", "set", String(person), "email", "granted", "--basis", "consent"])
        let before = try sanad.json(["campaign", "progress", "winter"]) as! [[String: Any]]
        #expect(try sanad.run(["contact", "erase", String(person)]).status == 2, "needs --yes")
        try sanad.succeed(["contact", "erase", String(person), "--yes"])
        let row = try connection.query("""
            SELECT display_name, given_name, birth_date::text, city, external_id, name_key, erased_at IS NOT NULL FROM contacts WHERE id = \(person)
            """)[0]
        #expect(try row.decode(String.self, at: 0) == "erased")
        #expect(try row.decode(String?.self, at: 2) == nil)
        #expect(try row.decode(String?.self, at: 3) == nil)
        #expect(try row.decode(String?.self, at: 4) == nil)
        #expect(try row.decode(Bool.self, at: 6))
        for table in ["contact_emails", "contact_phones", "contact_tags", "consent_records", "contact_roles"] {
            #expect(try count("SELECT count(*) FROM \(identifier: table) WHERE contact_id = \(person)") == 0, "\(table)")
        }
        #expect(try count("SELECT count(*) FROM interactions WHERE contact_id = \(person) AND notes IS NULL AND conditions IS NULL") == 1)
        let dump = try connection.query("SELECT string_agg(t::text, ' ') FROM (SELECT * FROM audit_log) t")[0].decode(String?.self, at: 0) ?? ""
        #expect(!dump.contains("Rana") && !dump.contains("rana@"), "the audit log holds no personal values")
        let after = try sanad.json(["campaign", "progress", "winter"]) as! [[String: Any]]
        #expect(after.first { $0["goal"] as? String == "amount raised" }?["measured"] as? Int
            == before.first { $0["goal"] as? String == "amount raised" }?["measured"] as? Int)
        #expect(try (sanad.json(["contact", "search", "Rana Saade"]) as! [Any]).isEmpty)
        let file = "/tmp/sanad-erase-\(UUID().uuidString.prefix(8)).csv"
        try "name,email,phone\nRana Saade,RANA@example.org,\nR. Saade,,+961 3 666 777\nSomeone Else,else@example.org,\n"
            .write(toFile: file, atomically: true, encoding: .utf8)
        defer {
            try? FileManager.default.removeItem(atPath: file)
            try? FileManager.default.removeItem(atPath: file.replacingOccurrences(of: ".csv", with: ".rejects.csv"))
        }
        let result = try sanad.run(["contact", "import", file, "--format", "json"])
        let report = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        #expect(report["inserted"] as? Int == 1)
        #expect(((report["rejections"] as? [[String: Any]]) ?? []).compactMap { $0["line"] as? Int } == [2, 3])
        #expect(((report["rejections"] as? [[String: Any]])?.first?["reason"] as? String)?.contains("erased") == true)
    }
}
