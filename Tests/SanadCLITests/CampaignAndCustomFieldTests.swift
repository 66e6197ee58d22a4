import Foundation
import Postgres
import SanadCore
import SanadTestSupport
import Testing

@Suite("campaign update of any field; custom fields in contact show")
struct CampaignAndCustomFieldTests {
    @Test("campaign update changes the fields given, checks them as campaign add does, and keeps the rest")
    func campaignUpdate() throws {
        let fixture = try TripoliFixture("campaign-update")
        let sanad = fixture.sanad
        try sanad.succeed(["campaign", "add", "winter-2026", "--title", "حملة الشتاء", "--place", "باب التبانة",
                           "--start", "2026-01-01", "--end", "2026-12-31", "--goal-amount", "20000", "--goal-currency", "USD"])
        let updated = try sanad.decode(Campaign.self, ["campaign", "update", "winter-2026", "--end", "2027-01-31",
                                                      "--goal-amount", "25000", "--beneficiaries-reached", "320"])
        #expect(updated.endsOn == CalendarDate(iso: "2027-01-31") && updated.goalAmount == 25000 && updated.goalCurrency == "USD")
        #expect(updated.title == "حملة الشتاء" && updated.place == "باب التبانة" && updated.beneficiariesReached == 320)
        let backwards = try sanad.run(["campaign", "update", "winter-2026", "--end", "2025-12-31"])
        #expect(backwards.status == 1 && backwards.stderr.contains("before it starts"))
        #expect(try sanad.decode(Campaign.self, ["campaign", "show", "winter-2026"]).endsOn == CalendarDate(iso: "2027-01-31"))
        #expect(try sanad.run(["campaign", "update", "winter-2026"]).status == 2, "nothing to change is a usage error")
        let audited = try fixture.connect().query("SELECT count(*) FROM audit_log WHERE action = 'campaign.update'")[0]
        #expect(try audited.decode(Int.self, at: 0) == 1)
    }

    @Test("custom fields an import kept show with the contact, in name order")
    func customFields() throws {
        let fixture = try TripoliFixture("custom-fields")
        let folder = try ScratchFolder("custom-fields")
        let file = folder.path + "/contacts.csv"
        try Data("name,email,الحي,shoe size\nليلى حداد,layla@example.org,التل,38\n".utf8).write(to: URL(fileURLWithPath: file))
        try fixture.sanad.succeed(["contact", "import", file, "--custom-fields"])
        let id = try #require(fixture.sanad.decode([ContactSummary].self, ["contact", "search", "layla@example.org"]).first).id
        let shown = try fixture.sanad.decode(ContactDetails.self, ["contact", "show", String(id)])
        #expect(shown.customFields.values == ["الحي": "التل", "shoe size": "38"])
        let json = try fixture.sanad.succeed(["contact", "show", String(id), "--format", "json"])
        #expect(json.contains(#""custom_fields": {"shoe size": "38", "الحي": "التل"}"#), "\(json)")
    }
}
