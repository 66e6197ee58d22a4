import Foundation
import Postgres
import SanadCore
import SanadTestSupport
import Testing

@Suite("Correcting interactions: update, delete, refund")
struct InteractionCorrectionTests {
    let fixture: TripoliFixture
    var sanad: InProcessSanad { fixture.sanad }

    init() throws {
        fixture = try TripoliFixture("corrections")
    }

    func raised() throws -> Int? {
        let progress = try sanad.json(["campaign", "progress", "winter"]) as! [[String: Any]]
        return progress.first { $0["goal"] as? String == "amount raised" }?["measured"] as? Int
    }

    @Test("an update is checked like a new entry and audited; a refund and a deletion count nowhere but stay in the history")
    func corrections() throws {
        try sanad.succeed(["campaign", "add", "winter", "--title", "شتاء", "--start", "2026-01-01", "--end", "2026-12-31",
                           "--goal-amount", "5000000"])
        try sanad.succeed(["plugin", "enable", "segmentation"])
        let donor = Int(try sanad.succeed(["contact", "add", "سمير خوري", "--format", "json"]).split(separator: "\"id\": ")[1]
            .prefix { $0.isNumber })!
        let gift = try sanad.decode(Interaction.self, ["interaction", "log", String(donor), "donation", "--amount", "1000000",
                                                        "--campaign", "winter"])
        let note = try sanad.decode(Interaction.self, ["interaction", "log", String(donor), "note", "--notes", "اتصل مرتين"])
        try sanad.succeed(["segment", "create", "givers", "--rule", "gave"])
        #expect(try raised() == 1_000_000)

        let updated = try sanad.decode(Interaction.self, ["interaction", "update", String(gift.id), "--amount", "1500000"])
        #expect(updated.amount == 1_500_000)
        #expect(try raised() == 1_500_000)
        let fields = try fixture.connect().query("""
            SELECT fields FROM audit_log WHERE entity = 'interactions' AND entity_id = \(gift.id) AND action = 'update'
            """).map { try $0.decode([String].self, at: 0) }
        #expect(fields.contains { $0.contains("amount") })
        let wrong = try sanad.run(["interaction", "update", String(gift.id), "--hours", "3"])
        #expect(wrong.status == 1)
        #expect(wrong.stderr.contains("hours"), "\(wrong.stderr)")
        #expect(try raised() == 1_500_000, "a refused update changes nothing")

        let unreasoned = try sanad.run(["interaction", "refund", String(gift.id), "--reason", " "])
        #expect(unreasoned.status == 1)
        let refunded = try sanad.decode(Interaction.self, ["interaction", "refund", String(gift.id), "--reason", "أعيد المبلغ بطلب المتبرع"])
        #expect(refunded.voided == "refunded")
        #expect(try raised() == 0)
        let refresh = try sanad.json(["segment", "refresh", "givers"]) as! [[String: Any]]
        #expect(refresh.first?["members"] as? Int == 0, "a refunded gift is no gift to segments either")
        let listed = try sanad.decode([Interaction].self, ["interaction", "list", "--contact", String(donor)])
        #expect(listed.map(\.id) == [note.id])
        let everything = try sanad.decode([Interaction].self, ["interaction", "list", "--contact", String(donor), "--all"])
        #expect(Set(everything.map(\.id)) == [note.id, gift.id])
        #expect(everything.first { $0.id == gift.id }?.voidReason == "أعيد المبلغ بطلب المتبرع")
        let twice = try sanad.run(["interaction", "refund", String(gift.id), "--reason", "again"])
        #expect(twice.status == 1)
        #expect(twice.stderr.contains("already"))
        let noteRefund = try sanad.run(["interaction", "refund", String(note.id), "--reason", "x"])
        #expect(noteRefund.stderr.contains("only a donation"))

        try sanad.succeed(["interaction", "delete", String(note.id), "--reason", "logged on the wrong person"])
        #expect(try sanad.decode([Interaction].self, ["interaction", "list", "--contact", String(donor)]).isEmpty)
        try sanad.succeed(["interaction", "delete", String(gift.id), "--restore"])
        #expect(try raised() == 1_500_000, "restoring the refund counts the gift again")
        let actions = try fixture.connect().query("""
            SELECT action FROM audit_log WHERE action LIKE 'interaction.%' ORDER BY id
            """).map { try $0.decode(String.self, at: 0) }
        #expect(actions == ["interaction.refund", "interaction.delete", "interaction.restore"])
        #expect(try fixture.connect().query("SELECT count(*) FROM interactions")[0].decode(Int.self, at: 0) == 2, "nothing is lost")
    }

    @Test("a partial refund: the gift is marked refunded with what went back, its remainder counts; restoring removes the remainder")
    func partialRefund() throws {
        try sanad.succeed(["campaign", "add", "winter", "--title", "شتاء", "--start", "2026-01-01", "--end", "2026-12-31",
                           "--goal-amount", "5000000"])
        let donor = Int(try sanad.succeed(["contact", "add", "رانيا عيتاني", "--format", "json"]).split(separator: "\"id\": ")[1]
            .prefix { $0.isNumber })!
        let gift = try sanad.decode(Interaction.self, ["interaction", "log", String(donor), "donation", "--amount", "500000",
                                                        "--campaign", "winter", "--restricted", "--conditions", "للمنح الدراسية فقط"])
        let tooMuch = try sanad.run(["interaction", "refund", String(gift.id), "--amount", "600000", "--reason", "x"])
        #expect(tooMuch.status == 1)
        #expect(tooMuch.stderr.contains("more than the gift"), "\(tooMuch.stderr)")
        let negative = try sanad.run(["interaction", "refund", String(gift.id), "--amount=-5", "--reason", "x"])
        #expect(negative.status == 1)
        #expect(try raised() == 500_000, "a refused refund changes nothing")

        let refunded = try sanad.decode(Interaction.self, ["interaction", "refund", String(gift.id), "--amount", "200000",
                                                            "--reason", "دفع أكثر من اللازم"])
        #expect(refunded.voided == "refunded")
        #expect(refunded.refundedAmount == 200_000)
        let remainderID = try #require(refunded.remainderID)
        #expect(try raised() == 300_000, "only what is kept counts")
        let listed = try sanad.decode([Interaction].self, ["interaction", "list", "--contact", String(donor)])
        #expect(listed.map(\.id) == [remainderID])
        let remainder = try #require(listed.first)
        #expect(remainder.amount == 300_000)
        #expect(remainder.remainderOf == gift.id)
        #expect(remainder.campaign == "winter" && remainder.conditions == "للمنح الدراسية فقط" && remainder.isRestricted == true,
                "the remainder is the same gift for what is kept")
        #expect(remainder.at == gift.at, "on the gift's own day")

        // A second refund of the remainder, then undoing in the wrong order is refused.
        try sanad.succeed(["interaction", "refund", String(remainderID), "--amount", "100000", "--reason", "ثانية"])
        #expect(try raised() == 200_000)
        let wrongOrder = try sanad.run(["interaction", "delete", String(gift.id), "--restore"])
        #expect(wrongOrder.status == 1)
        #expect(wrongOrder.stderr.contains("interaction delete \(remainderID) --restore"), "\(wrongOrder.stderr)")
        try sanad.succeed(["interaction", "delete", String(remainderID), "--restore"])
        #expect(try raised() == 300_000)
        try sanad.succeed(["interaction", "delete", String(gift.id), "--restore"])
        #expect(try raised() == 500_000, "restoring the refund counts the whole gift again")
        #expect(try sanad.decode([Interaction].self, ["interaction", "list", "--contact", String(donor), "--all"]).map(\.id) == [gift.id],
                "the remainder went with the refund")
        let audited = try fixture.connect().query("""
            SELECT details->>'refunded' FROM audit_log WHERE action = 'interaction.refund' AND entity_id = \(gift.id)
            """).map { try $0.decode(String?.self, at: 0) }
        #expect(audited == ["200000"])
    }

    @Test("merging moves deleted and refunded interactions too, and erasure clears their personal text")
    func mergeAndEraseSeeCorrectedRows() throws {
        let kept = Int(try sanad.succeed(["contact", "add", "Omar Haddad", "--format", "json"]).split(separator: "\"id\": ")[1]
            .prefix { $0.isNumber })!
        let other = Int(try sanad.succeed(["contact", "add", "عمر حداد", "--format", "json"]).split(separator: "\"id\": ")[1]
            .prefix { $0.isNumber })!
        let note = try sanad.decode(Interaction.self, ["interaction", "log", String(other), "note", "--notes", "رقم هاتفه الخاص 03123456"])
        try sanad.succeed(["interaction", "delete", String(note.id), "--reason", "على الشخص الخطأ"])
        try sanad.succeed(["contact", "merge", String(kept), "--absorb", String(other), "--yes"])
        let owner = try fixture.connect()
        #expect(try owner.query("SELECT contact_id FROM interactions WHERE id = \(note.id)")[0].decode(Int.self, at: 0) == kept)
        try sanad.succeed(["contact", "unmerge", String(other)])
        #expect(try owner.query("SELECT contact_id FROM interactions WHERE id = \(note.id)")[0].decode(Int.self, at: 0) == other)
        try sanad.succeed(["contact", "erase", String(other), "--yes"])
        #expect(try owner.query("SELECT notes FROM interactions WHERE id = \(note.id)")[0].decode(String?.self, at: 0) == nil)
    }
}
