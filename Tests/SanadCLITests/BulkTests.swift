import Foundation
import Postgres
import SanadCore
import SanadTestSupport
import Testing

/// Many contacts at once: by ids, a file, a segment or a search; one transaction, audited,
/// counted, with a dry run.
@Suite("Bulk changes to contacts")
struct BulkTests {
    let fixture: TripoliFixture
    var sanad: InProcessSanad { fixture.sanad }
    let folder: ScratchFolder
    var ids: [Int] = []

    init() throws {
        fixture = try TripoliFixture("bulk")
        folder = try ScratchFolder("bulk")
        for name in ["ليلى حداد", "Omar Itani", "نور الخوري", "Rania Haddad"] {
            ids.append((try fixture.sanad.json(["contact", "add", name]) as! [String: Any])["id"] as! Int)
        }
    }

    func tags(of id: Int) throws -> [String] {
        try sanad.decode(ContactDetails.self, ["contact", "show", String(id)]).tags
    }

    func count(_ sql: SQL) throws -> Int {
        try fixture.connect().query(sql)[0].decode(Int.self, at: 0)
    }

    @Test("tags go on every chosen contact in one audited change; a dry run counts and changes nothing")
    func tagByIds() throws {
        let chosen = "\(ids[0]),\(ids[2])"
        let dry = try sanad.decode(BulkOutcome.self, ["contact", "bulk", "tag", "حملة الشتاء", "--ids", chosen, "--dry-run"])
        #expect(dry == BulkOutcome(change: "tag", selected: 2, changed: 2, dryRun: true))
        #expect(try tags(of: ids[0]).isEmpty)
        #expect(try count("SELECT count(*) FROM audit_log WHERE action = 'contact.bulk_tag'") == 0)
        let done = try sanad.decode(BulkOutcome.self, ["contact", "bulk", "tag", "حملة الشتاء", "--ids", chosen])
        #expect(done.changed == 2 && !done.dryRun)
        #expect(try tags(of: ids[0]) == ["حملة الشتاء"] && tags(of: ids[2]) == ["حملة الشتاء"] && tags(of: ids[1]).isEmpty)
        #expect(try count("SELECT count(*) FROM audit_log WHERE action = 'contact.bulk_tag' AND details->>'changed' = '2'") == 1)
        let again = try sanad.succeed(["contact", "bulk", "tag", "حملة الشتاء", "--ids", "\(ids[0]),\(ids[1])"])
        #expect(again.contains("Changed 1 of 2") && again.contains("1 already had it"), "\(again)")
        let removed = try sanad.decode(BulkOutcome.self, ["contact", "bulk", "untag", "حملة الشتاء", "--ids", "\(ids[0])"])
        #expect(removed.changed == 1)
        #expect(try tags(of: ids[0]).isEmpty)
    }

    @Test("a page of a listing says how many there are in all")
    func pageTotals() throws {
        let page = try sanad.run(["contact", "list", "--limit", "2"])
        #expect(page.status == 0 && page.stderr.contains("1–2 of 4 contacts"), "\(page.stderr)")
        let all = try sanad.run(["contact", "list"])
        #expect(all.stderr.isEmpty, "a page that holds everything says nothing more")
        let json = try sanad.run(["contact", "list", "--limit", "3", "--offset", "1", "--format", "json"])
        #expect(json.stderr.contains("2–4 of 4 contacts"))
        #expect(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) is [Any], "standard output stays JSON")
    }

    @Test("an unknown id changes nothing and is named")
    func unknownIdRefused() throws {
        let result = try sanad.run(["contact", "bulk", "role", "volunteer", "--ids", "\(ids[0]),999999"])
        #expect(result.status == 1 && result.stderr.contains("#999999") && result.stderr.contains("nothing was changed"), "\(result.stderr)")
        #expect(try count("SELECT count(*) FROM contact_roles") == 0)
    }

    @Test("ids from a file, a search, and a segment choose the contacts")
    func otherSelections() throws {
        let file = folder.path + "/ids.csv"
        try Data("contact_id\n\(ids[1])\n\(ids[3])\n".utf8).write(to: URL(fileURLWithPath: file))
        #expect(try sanad.decode(BulkOutcome.self, ["contact", "bulk", "role", "volunteer", "--ids-from", file]).changed == 2)
        let found = try sanad.decode(BulkOutcome.self, ["contact", "bulk", "tag", "haddad-family", "--search", "Haddad"])
        #expect(found.selected >= 1)
        #expect(try tags(of: ids[3]).contains("haddad-family"))
        try sanad.succeed(["plugin", "enable", "segmentation"])
        try sanad.succeed(["segment", "create", "volunteers", "--rule", "role is volunteer"])
        let consent = try sanad.decode(BulkOutcome.self, ["contact", "bulk", "consent", "email", "granted", "--basis", "consent",
                                                          "--source", "sign-up sheet", "--segment", "volunteers"])
        #expect(consent.changed == 2)
        #expect(try sanad.decode(ContactDetails.self, ["contact", "show", String(ids[3])]).consents.first?.status == "granted")
        let bad = folder.path + "/bad.csv"
        try Data("\(ids[0])\nOmar\n".utf8).write(to: URL(fileURLWithPath: bad))
        let refused = try sanad.run(["contact", "bulk", "tag", "x", "--ids-from", bad])
        #expect(refused.status == 1 && refused.stderr.contains("line 2"), "\(refused.stderr)")
    }

    @Test("attendance is marked once per contact, and only for an event that has begun")
    func attendance() throws {
        let past = (try sanad.json(["event", "add", "تدريب المتطوعين", "--start", "2026-06-05 17:00"]) as! [String: Any])["id"] as! Int
        let future = (try sanad.json(["event", "add", "Gala", "--start", "2099-01-01 19:00"]) as! [String: Any])["id"] as! Int
        #expect(try sanad.decode(BulkOutcome.self, ["contact", "bulk", "attend", String(past), "--ids", "\(ids[0]),\(ids[1])"]).changed == 2)
        #expect(try sanad.decode(BulkOutcome.self, ["contact", "bulk", "attend", String(past), "--ids", "\(ids[0])"]).changed == 0)
        #expect(try sanad.decode([CalendarEvent].self, ["event", "list"]).first { $0.id == Int64(past) }?.attendees == 2)
        let early = try sanad.run(["contact", "bulk", "attend", String(future), "--ids", "\(ids[0])"])
        #expect(early.status == 1 && early.stderr.contains("has not happened yet"), "\(early.stderr)")
        let logged = try sanad.run(["interaction", "log", String(ids[0]), "event-attendance", "--event", String(future)])
        #expect(logged.status == 1 && logged.stderr.contains("has not happened yet"), "\(logged.stderr)")
    }

    @Test("one selection exactly; contact tag with ids among the tags says how to tag several contacts")
    func clearUsage() throws {
        let none = try sanad.run(["contact", "bulk", "tag", "x"])
        #expect(none.status == 2 && none.stderr.contains("exactly one of --ids"))
        let two = try sanad.run(["contact", "bulk", "tag", "x", "--ids", "1", "--search", "Omar"])
        #expect(two.status == 2)
        let ambiguous = try sanad.run(["contact", "tag", String(ids[0]), String(ids[1]), String(ids[2]), "x"])
        #expect(ambiguous.status == 2)
        #expect(ambiguous.stderr.contains("sanad contact bulk tag x --ids \(ids[0]),\(ids[1]),\(ids[2])"), "\(ambiguous.stderr)")
        #expect(try tags(of: ids[0]).isEmpty, "nothing was tagged")
    }
}
