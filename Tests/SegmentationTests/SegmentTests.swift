import Foundation
import Postgres
import SanadCore
import Segmentation
import SanadTestSupport
import Testing

/// Segments over a small association whose members are worked out by hand.
@Suite("Segments: every construct, refresh atomicity and history", .timeLimit(.minutes(3)))
struct SegmentTests {
    let database: ConnectionConfiguration
    let sanad: InProcessSanad
    let connection: Connection
    /// Contact ids by a short name.
    var people: [String: Int] = [:]
    let year: Int

    init() throws {
        let fixture = try TripoliFixture("segments", currency: "USD")
        database = fixture.database
        sanad = fixture.sanad
        connection = try TestDatabase.connect(database)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Beirut")!
        year = calendar.component(.year, from: Date())
        try sanad.succeed(["plugin", "enable", "segmentation"])
        try sanad.succeed(["campaign", "add", "winter", "--title", "حملة الشتاء", "--start", "\(year - 1)-01-01", "--end", "\(year)-12-31"])
        let event = try sanad.json(["event", "add", "Training", "--start", "\(year)-01-05 10:00"]) as! [String: Any]
        let eventID = String(event["id"] as! Int)
        func add(_ key: String, _ arguments: [String]) throws {
            people[key] = (try sanad.json(["contact", "add"] + arguments) as! [String: Any])["id"] as? Int
        }
        try add("mohammed", ["محمد الأحمد", "--role", "volunteer", "--city", "طرابلس", "--source", "facebook", "--tag", "حملة الشتاء",
                             "--email", "m@example.org", "--birth-date", "1990-05-01"])
        try add("fatima", ["Fatima Khalil", "--role", "supporter", "--city", "Tripoli", "--source", "facebook", "--email", "f@example.org"])
        try add("omar", ["Omar Haddad", "--role", "funder", "--city", "Beirut", "--email", "o@example.org"])
        try add("zainab", ["زينب حداد", "--role", "supporter", "--pep"])
        try add("foundation", ["Green Future Foundation", "--kind", "organization", "--role", "funder"])
        try add("karim", ["Karim Daher", "--role", "volunteer", "--city", "طَرابُلس"])
        try add("lina", ["Lina Saleh", "--role", "supporter", "--source", "website", "--birth-date", "2015-01-01"])
        try add("gone", ["Deleted Person", "--role", "volunteer", "--city", "Tripoli"])
        try sanad.succeed(["contact", "delete", String(people["gone"]!)])
        for key in ["mohammed", "fatima", "omar"] {
            try sanad.succeed(["consent", "set", String(people[key]!), "email", "granted", "--basis", "consent"])
        }
        try sanad.succeed(["consent", "suppress", String(people["fatima"]!), "bounced"])
        func log(_ key: String, _ arguments: [String]) throws {
            try sanad.succeed(["interaction", "log", String(people[key]!)] + arguments)
        }
        try log("mohammed", ["event-attendance", "--event", eventID, "--at", "\(year)-01-05 10:00"])
        try log("mohammed", ["event-attendance", "--at", "\(year)-01-06 10:00"])
        try log("mohammed", ["volunteer-shift", "--hours", "6", "--at", "\(year)-01-05 09:00"])
        try log("mohammed", ["volunteer-shift", "--hours", "6", "--at", "\(year)-01-07 09:00"])
        try log("omar", ["donation", "--amount", "500", "--at", "\(year - 1)-06-15"])
        try log("zainab", ["donation", "--amount", "50", "--at", "\(year - 2)-03-01"])
        try log("foundation", ["donation", "--amount", "5000", "--at", "\(year)-01-02"])
        try log("foundation", ["donation", "--amount", "1000", "--at", "\(year - 1)-02-02"])
        try log("karim", ["event-attendance", "--at", "\(year - 1)-05-05"])
        try log("karim", ["campaign-action", "--campaign", "winter", "--at", "\(year)-01-03"])
        for day in 10...12 { try log("lina", ["campaign-action", "--campaign", "winter", "--at", "\(year)-01-\(day)"]) }
    }

    func members(_ rule: String) throws -> Set<String> {
        let result = try sanad.json(["segment", "preview", "--rule", rule]) as! [String: Any]
        let ids = Set(((result["sample"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? Int })
        #expect(result["count"] as? Int == ids.count, "the sample shows everyone in these small sets")
        return Set(people.filter { ids.contains($0.value) }.map(\.key))
    }

    static let constructs: [(String, [String])] = [
        ("role is volunteer", ["mohammed", "karim"]),
        ("role is volunteer and city is طرابلس", ["mohammed", "karim"]),
        // One city across scripts (the gazetteer): طرابلس, طَرابُلس and Tripoli.
        ("city is Tripoli", ["fatima", "mohammed", "karim"]),
        ("city in (Tripoli, beirut)", ["fatima", "omar", "mohammed", "karim"]),
        ("city is not Tripoli", ["omar", "zainab", "foundation", "lina"]),
        ("tag is \"حملة الشتاء\"", ["mohammed"]),
        ("source is facebook and never acted", ["mohammed", "fatima"]),
        ("attended 2+ events this year", ["mohammed"]),
        ("attended last year", ["karim"]),
        ("volunteered 10+ hours this year", ["mohammed"]),
        ("volunteered at most 10 hours", ["fatima", "omar", "zainab", "foundation", "karim", "lina"]),
        ("gave at least 100 USD this year", ["foundation"]),
        ("gave at least 100 EUR", []),
        ("gave 2+ times", ["foundation"]),
        ("lybunt", ["omar"]),
        ("sybunt", ["zainab"]),
        ("pep", ["zainab"]),
        ("can email", ["mohammed", "omar"]),
        ("suppressed as bounced", ["fatima"]),
        ("consent email is granted", ["mohammed", "fatima", "omar"]),
        ("age at least 18", ["mohammed"]),
        ("kind is organization", ["foundation"]),
        ("not role is volunteer and not kind is organization", ["fatima", "omar", "zainab", "lina"]),
        ("acted 3+ times campaign winter", ["lina"]),
        ("acted campaign winter", ["karim", "lina"]),
        ("acted campaign winter event 1", []),
        ("rfm score at least 8", ["foundation"]),
        ("rfm monetary at least 3 in USD", ["foundation"]),
        ("(role is volunteer or pep) and has email", ["mohammed"]),
        ("created this year and born before 2000-01-01", ["mohammed"]),
        ("city is \"'; DROP TABLE contacts; --\"", []),
    ]

    @Test("each construct selects exactly the hand-computed members")
    func constructs() throws {
        for (rule, expected) in Self.constructs {
            #expect(try members(rule) == Set(expected), "\(rule)")
        }
        // A quoted value that is not a role is refused with its position, never run.
        let injected = try sanad.run(["segment", "preview", "--rule", "role is \"x' OR 1=1 --\""])
        #expect(injected.status == 1)
        #expect(injected.stderr.contains("unknown role"))
        #expect(try connection.query("SELECT count(*) FROM contacts")[0].decode(Int.self, at: 0) == 8)
    }

    @Test("segments in segments, cycles refused, JSON rules, and the rule language's dates in the association's zone")
    func segmentsAndJSON() throws {
        try sanad.succeed(["segment", "create", "volunteers", "--rule", "role is volunteer"])
        #expect(try members("in segment volunteers and city is طرابلس") == ["mohammed", "karim"])
        try sanad.succeed(["segment", "create", "tripoli-volunteers", "--rule", "in segment volunteers and city is طرابلس"])
        let cycle = try sanad.run(["segment", "edit", "volunteers", "--rule", "in segment tripoli-volunteers"])
        #expect(cycle.status == 1)
        #expect(cycle.stderr.contains("depend on itself"))
        let own = try sanad.run(["segment", "create", "selfish", "--rule", "in segment selfish"])
        #expect(own.status != 0)
        let json = #"{"and": [{"subject": "role", "measure": "is", "values": ["volunteer"]}, {"subject": "city", "measure": "is", "values": ["طرابلس"]}]}"#
        #expect(try members(json) == ["mohammed", "karim"])
        let badJSON = try sanad.run(["segment", "preview", "--rule", #"{"subject": "role", "measure": "is", "values": ["sponsor"]}"#])
        #expect(badJSON.status == 1)
        #expect(badJSON.stderr.contains("unknown role"))
        let order = try sanad.json(["segment", "refresh", "--all"]) as! [[String: Any]]
        #expect(order.compactMap { $0["segment"] as? String } == ["volunteers", "tripoli-volunteers"], "dependencies first")
        let deleting = try sanad.run(["segment", "delete", "volunteers"])
        #expect(deleting.status == 1)
        #expect(deleting.stderr.contains("tripoli-volunteers"))
    }

    @Test("a refresh swaps members atomically, records who joined and left, and a failed refresh keeps the old members")
    func refreshAtomicity() throws {
        try sanad.succeed(["segment", "create", "donors", "--rule", "gave"])
        let before = Set(try connection.query("SELECT contact_id FROM segment_members").map { try $0.decode(Int.self, at: 0) })
        #expect(before == Set(["omar", "zainab", "foundation"].map { people[$0]! }))
        try sanad.succeed(["interaction", "log", String(people["lina"]!), "donation", "--amount", "20"])
        try sanad.succeed(["contact", "delete", String(people["zainab"]!)])
        // The refresh fails after computing and recording the change, while swapping members in.
        // The command line runs as the test's admin user: its group roles lose the privilege.
        try connection.execute("REVOKE INSERT ON segment_members FROM sanad_admin, sanad_staff")
        let failed = try sanad.run(["segment", "refresh", "donors"])
        try connection.execute("GRANT INSERT ON segment_members TO sanad_admin, sanad_staff")
        #expect(failed.status == 1)
        #expect(!failed.stderr.contains("segment_members"), "no raw database text reaches the user")
        let unchanged = Set(try connection.query("SELECT contact_id FROM segment_members").map { try $0.decode(Int.self, at: 0) })
        #expect(unchanged == before)
        #expect(try connection.query("SELECT count(*) FROM segment_refreshes")[0].decode(Int.self, at: 0) == 1)
        let refreshed = try sanad.json(["segment", "refresh", "donors"]) as! [[String: Any]]
        #expect(refreshed.first?["joined"] as? Int == 1)
        #expect(refreshed.first?["left"] as? Int == 1)
        let changes = try sanad.decode([SegmentChange].self, ["segment", "history", "donors", "--changes"])
        // The first refresh (at creation) had everyone join; the second, Lina join and Zainab leave.
        #expect(Set(changes.map { "\($0.change) \($0.contactID)" })
            == Set(["omar", "zainab", "foundation", "lina"].map { "joined \(people[$0]!)" } + ["left \(people["zainab"]!)"]))
        let history = try sanad.decode([SegmentRefresh].self, ["segment", "history", "donors"])
        #expect(history.map(\.trigger) == ["manual", "create"])
        #expect(history.first?.members == 3)
    }

    @Test("two refreshes of one segment never apply at once")
    func concurrentRefreshRefused() throws {
        try sanad.succeed(["segment", "create", "volunteers", "--rule", "role is volunteer"])
        let ids = try connection.query("SELECT s.id, s.association_id FROM segments s")[0].decode(Int64.self, Int64.self)
        let holder = try TestDatabase.connect(database)
        try holder.withTransaction { transaction in
            try transaction.advisoryTransactionLock(AdvisoryLockKey("\(ids.1):segment:\(ids.0)"))
            let refused = try sanad.run(["segment", "refresh", "volunteers"])
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("being refreshed"))
        }
        try sanad.succeed(["segment", "refresh", "volunteers"])
    }

    @Test("scheduled refreshes run as jobs; a disabled plugin's commands and jobs are refused or skipped with a reason")
    func jobsAndDisabledPlugin() throws {
        let created = try sanad.decode(SegmentSummary.self, ["segment", "create", "donors", "--rule", "gave", "--schedule", "0 3 * * *"])
        #expect(created.schedule == "0 3 * * *")
        try sanad.succeed(["jobs", "add", "segmentation.refresh", "--param", "segment=donors"])
        let ran = try sanad.json(["jobs", "run-due", "--once"]) as! [[String: Any]]
        #expect(ran.first?["outcome"] as? String == "succeeded")
        let history = try sanad.decode([SegmentRefresh].self, ["segment", "history", "donors"])
        #expect(history.first?.trigger == "schedule")
        try sanad.succeed(["jobs", "add", "segmentation.refresh"])
        try sanad.succeed(["plugin", "disable", "segmentation"])
        let refused = try sanad.run(["segment", "list"])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("sanad plugin enable segmentation"))
        let skipped = try sanad.json(["jobs", "run-due", "--once"]) as! [[String: Any]]
        #expect(skipped.first?["outcome"] as? String == "skipped")
        let job = try sanad.decode(JobDetails.self, ["jobs", "show", String(skipped.first!["job"] as! Int)])
        #expect(job.job.lastError?.contains("not enabled") == true)
        try sanad.succeed(["plugin", "enable", "segmentation"])
        #expect(try sanad.decode([SegmentSummary].self, ["segment", "list"]).map(\.slug) == ["donors"], "disabling kept the plugin's data")
    }

    @Test("static segments hold hand-picked members that follow a merge")
    func staticSegments() throws {
        try sanad.succeed(["segment", "create", "picks", "--static"])
        try sanad.succeed(["segment", "include", "picks", String(people["lina"]!), String(people["omar"]!)])
        let refresh = try sanad.run(["segment", "refresh", "picks"])
        #expect(refresh.status == 1)
        try sanad.succeed(["contact", "merge", String(people["fatima"]!), "--absorb", String(people["lina"]!), "--yes"])
        let members = try sanad.decode([ContactSummary].self, ["segment", "members", "picks"])
        #expect(Set(members.map { Int($0.id) }) == [people["omar"]!, people["fatima"]!])
        try sanad.succeed(["segment", "exclude", "picks", String(people["omar"]!)])
        #expect(try (sanad.json(["segment", "members", "picks"]) as! [Any]).count == 1)
    }
}
