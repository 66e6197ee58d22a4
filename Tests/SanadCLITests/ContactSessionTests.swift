import Foundation
import Postgres
import SanadCore
import SanadTestSupport
import Testing

/// A whole session through the command line alone, read back as JSON.
@Suite("Contacts, interactions, consent, campaigns and events through the CLI")
struct ContactSessionTests {
    let sanad: InProcessSanad
    let database: ConnectionConfiguration

    init() throws {
        let fixture = try TripoliFixture("session")
        database = fixture.database
        sanad = fixture.sanad
    }

    func addContact(_ arguments: [String]) throws -> Int {
        let record = try sanad.json(["contact", "add"] + arguments) as! [String: Any]
        return record["id"] as! Int
    }

    func count(_ table: String) throws -> Int {
        let connection = try TestDatabase.connect(database)
        return try connection.query("SELECT count(*) FROM \(identifier: table)")[0].decode(Int.self, at: 0)
    }

    @Test("a scripted session stores everything and reads it all back as JSON")
    func fullSession() throws {
        let mohammed = try addContact(["محمّد الأحمد", "--email", "M.Ahmad@Example.org", "--phone", "٠٣ ١٢٣ ٤٥٦",
                                       "--role", "supporter", "--role", "volunteer", "--tag", "حملة الشتاء", "--city", "طرابلس",
                                       "--source", "facebook", "--language", "ar", "--birth-date", "1990-04-02"])
        let fatima = try addContact(["--given-name", "Fatima", "--family-name", "Khalil", "--phone", "+961 71 234 567",
                                     "--role", "funder", "--pep", "--pep-note", "Sister of a deputy minister", "--source", "referral"])
        let company = try addContact(["Khalil Holdings", "--kind", "organization", "--role", "funder", "--email", "info@khalil.example"])
        try sanad.succeed(["contact", "relate", String(fatima), "controls", String(company), "--since", "2019-01-01"])
        try sanad.succeed(["contact", "relate", String(mohammed), "close-associate", String(fatima)])
        try sanad.succeed(["consent", "set", String(mohammed), "email", "granted", "--basis", "consent", "--source", "website",
                           "--wording", "أريد تلقي النشرة الشهرية"])
        try sanad.succeed(["consent", "set", String(fatima), "sms", "granted", "--basis", "legitimate-interest"])
        try sanad.succeed(["consent", "set", String(fatima), "sms", "withdrawn", "--source", "phone call"])
        try sanad.succeed(["consent", "suppress", String(company), "do-not-email"])
        try sanad.succeed(["campaign", "add", "winter-2026", "--title", "حملة الشتاء", "--problem", "عائلات بلا تدفئة",
                           "--place", "باب التبانة", "--start", "2026-01-01", "--end", "2026-12-31", "--goal-beneficiaries", "500",
                           "--goal-amount", "20000", "--goal-currency", "USD", "--goal-people", "3"])
        let event = try sanad.json(["event", "add", "Volunteer training", "--start", "2026-06-05 17:00", "--end", "2026-06-05 19:00",
                                    "--place", "Hall", "--capacity", "40", "--campaign", "winter-2026"]) as! [String: Any]
        let eventID = String(event["id"] as! Int)
        let logs: [[String]] = [
            [String(fatima), "donation", "--amount", "5000", "--currency", "USD", "--campaign", "winter-2026",
             "--restricted", "--conditions", "يشترط تعيين مرشحنا في مجلس الإدارة", "--at", "2026-03-01"],
            [String(company), "pledge", "--amount", "12000.50", "--currency", "USD", "--at", "2026-04-01"],
            [String(mohammed), "donation", "--amount", "100", "--currency", "USD", "--anonymous", "--campaign", "winter-2026", "--at", "2026-05-01"],
            [String(mohammed), "volunteer-shift", "--hours", "4.5", "--event", eventID, "--at", "2026-06-05 17:00"],
            [String(mohammed), "event-attendance", "--event", eventID, "--at", "2026-06-05 17:00"],
            [String(mohammed), "campaign-action", "--campaign", "winter-2026", "--channel", "facebook", "--at", "2026-06-06"],
            [String(fatima), "message", "--channel", "whatsapp", "--notes", "Asked for the supporter list", "--at", "2026-06-07"],
            [String(fatima), "meeting", "--notes", "Discussed the board seat", "--at", "2026-06-08"],
            [String(company), "call", "--at", "2026-06-09"],
            [String(mohammed), "social-engagement", "--channel", "twitter", "--at", "2026-06-10"],
            [String(mohammed), "note", "--notes", "Prefers Arabic", "--at", "2026-06-11"],
        ]
        for arguments in logs { try sanad.succeed(["interaction", "log"] + arguments) }

        let shown = try sanad.decode(ContactDetails.self, ["contact", "show", String(mohammed)])
        #expect(shown.displayName == "محمّد الأحمد")
        #expect(shown.emails.first?.address == "M.Ahmad@Example.org")
        #expect(shown.phones.first?.e164 == "+9613123456")
        #expect(shown.roles.map(\.role) == [.supporter, .volunteer])
        #expect(shown.tags == ["حملة الشتاء"])
        #expect(shown.birthDate == CalendarDate(iso: "1990-04-02"))
        #expect(shown.interactionCount == 6)
        #expect(shown.consents.first?.isValid == true)
        #expect(shown.relationships.first?.phrase == "is a close associate of")

        let funder = try sanad.decode(ContactDetails.self, ["contact", "show", String(fatima)])
        #expect(funder.isPEP)
        #expect(funder.consents.first?.status == "withdrawn")
        let relations = funder.relationships.map(\.phrase)
        #expect(relations.contains("controls"))
        #expect(relations.contains("is a close associate of"))
        #expect(funder.donations.first?.amount == 5000)

        let companyShown = try sanad.decode(ContactDetails.self, ["contact", "show", String(company)])
        #expect(companyShown.suppressions == ["do_not_email"])
        #expect(companyShown.relationships.first?.phrase == "is controlled by")

        let interactions = try sanad.decode([Interaction].self, ["interaction", "list", "--limit", "100"])
        #expect(Set(interactions.map(\.type)) == Set(InteractionType.allCases))
        let pledge = interactions.first { $0.type == .pledge }
        #expect(pledge?.amount == Decimal(string: "12000.5"))
        let gift = interactions.first { $0.type == .donation && $0.isRestricted == true }
        #expect(gift?.conditions == "يشترط تعيين مرشحنا في مجلس الإدارة")

        let progress = try sanad.json(["campaign", "progress", "winter-2026"]) as! [[String: Any]]
        let raised = progress.first { $0["goal"] as? String == "amount raised" }
        #expect(raised?["measured"] as? Int == 5100)
        #expect(progress.first { $0["goal"] as? String == "people engaged" }?["measured"] as? Int == 2)

        let events = try sanad.decode([CalendarEvent].self, ["event", "list"])
        #expect(events.first?.attendees == 1)
        #expect(events.first?.startsAt == Date(timeIntervalSince1970: 1_780_668_000), "17:00 in Beirut summer time (14:00Z)")

        let csv = try sanad.succeed(["contact", "list", "--format", "csv"])
        #expect(csv.hasPrefix("id,name,kind,email,phone,roles,city,created_at\r\n"))
        #expect(csv.split(separator: "\r\n").count == 4)

        let ics = try sanad.succeed(["calendar", "--from", "2026-01-01", "--to", "2027-01-01", "--ics", "-"])
        #expect(ics.contains("SUMMARY:Volunteer training"))
    }

    @Test("search finds every spelling variant, phone format and email case")
    func searchVariants() throws {
        let mohammed = try addContact(["محمد الأحمد", "--phone", "+961 3 123 456", "--email", "m@example.org"])
        let ahmad = try addContact(["أحمد سليم"])
        let fatima = try addContact(["فاطمة خليل"])
        _ = try addContact(["Omar Haddad"])
        func found(_ query: String, _ extra: [String] = []) throws -> [Int] {
            try sanad.decode([ContactSummary].self, ["contact", "search", query] + extra).map { Int($0.id) }
        }
        for spelling in ["محمّد", "محمد", "Mohammed", "Muhammad", "Mohamed"] {
            #expect(try found(spelling).first == mohammed, "\(spelling)")
        }
        for spelling in ["أحمد", "احمد", "إحمد", "Ahmed"] {
            #expect(try found(spelling).contains(ahmad), "\(spelling)")
        }
        for spelling in ["فاطمة", "فاطمه", "Fatima", "Fatma"] {
            #expect(try found(spelling).first == fatima, "\(spelling)")
        }
        for phone in ["03 123 456", "03/123456", "٠٣ ١٢٣ ٤٥٦", "00961 3 123456", "+9613123456"] {
            #expect(try found(phone) == [mohammed], "\(phone)")
        }
        #expect(try found("M@EXAMPLE.ORG") == [mohammed])
        #expect(try found("Zainab").isEmpty)
    }

    @Test("invalid input fails with a clear message and changes nothing", arguments: [
        (["contact", "add", "Bad Email", "--email", "not-an-email"], "email"),
        (["contact", "add", "Bad <f@example.org>", "--email", "Fatima <f@example.org>"], "display-name"),
        (["contact", "add", "\u{202E}evil name"], "direction-control"),
        (["contact", "add", "Unknown Role", "--role", "sponsor"], "role"),
        (["contact", "add", "Bad Date", "--birth-date", "1990-02-30"], "birth date"),
        (["contact", "add", "Future Birth", "--birth-date", "2999-01-01"], "birth date"),
        (["contact", "add", "Bad Source", "--source", "tiktok"], "source channel"),
        (["interaction", "log", "999999", "note"], "no contact"),
        (["interaction", "log", "1", "donation", "--amount=-5"], "more than zero"),
        (["interaction", "log", "1", "donation", "--amount", "1,500"], "not a number"),
        (["interaction", "log", "1", "donation"], "needs an amount"),
        (["interaction", "log", "1", "note", "--hours", "3"], "hours"),
        (["interaction", "log", "1", "volunteer-shift"], "needs its hours"),
        (["interaction", "log", "1", "donation", "--amount", "-100"], "--amount=-100"),
        (["interaction", "log", "1", "gift", "--amount", "5"], "interaction type"),
        (["campaign", "add", "backwards", "--title", "T", "--start", "2026-05-01", "--end", "2026-04-01"], "before it starts"),
        (["event", "add", "Backwards", "--start", "2026-05-01 10:00", "--end", "2026-05-01 09:00"], "before it starts"),
        (["consent", "set", "1", "email", "granted"], "legal basis"),
        (["contact", "relate", "1", "spouse", "1"], "itself"),
        (["contact", "relate", "1", "cousin", "2"], "relationship"),
    ])
    func invalidInputChangesNothing(arguments: [String], expected: String) throws {
        _ = try addContact(["Existing One"])
        _ = try addContact(["Existing Two"])
        let tables = ["contacts", "contact_emails", "contact_roles", "interactions", "campaigns", "events", "consent_records",
                      "contact_relationships", "audit_log"]
        let before = try tables.map(count)
        let result = try sanad.run(arguments)
        #expect(result.status != 0)
        #expect(result.stderr.contains(expected), "\(result.stderr)")
        #expect(!result.stderr.contains("SQLSTATE"), "no raw database error reaches the user")
        #expect(try tables.map(count) == before)
    }
}
