import Postgres
import Foundation
import SanadCore
import SanadTestSupport
import Testing

@Suite("Phones: kind from the numbering plan, national format for the association's own")
struct PhoneKindTests {
    @Test("a Tripoli 06 number is a landline, 03 and 71 are mobiles; the association's own numbers show as its people write them")
    func kindsAndDisplay() throws {
        let fixture = try TripoliFixture("phone-kinds")
        let added = try fixture.sanad.decode(ContactDetails.self, ["contact", "add", "مها الأيوبي", "--phone", "06 123 456", "--phone", "+961 3 123 456",
                                                                   "--phone", "71-123-456", "--phone", "+44 20 7946 0958", "--phone", "123"])
        let shown = try fixture.sanad.decode(ContactDetails.self, ["contact", "show", String(added.id)])
        let byE164 = Dictionary(uniqueKeysWithValues: shown.phones.compactMap { phone in phone.e164.map { ($0, phone) } })
        #expect(byE164["+9616123456"]?.kind == "landline")
        #expect(byE164["+9613123456"]?.kind == "mobile")
        #expect(byE164["+96171123456"]?.kind == "mobile")
        #expect(byE164["+9616123456"]?.number == "06 123 456")
        #expect(byE164["+96171123456"]?.number == "71 123 456")
        #expect(byE164["+442079460958"]?.number == "+44 20 7946 0958", "another country's number stays international")
        let unread = shown.phones.first { $0.e164 == nil }
        #expect(unread?.number == "123" && unread?.kind == "other")
        #expect(PhoneNumbers.kind(ofE164: "+442079460958") == .landline)
        let table = try fixture.sanad.succeed(["contact", "show", String(added.id)])
        #expect(table.contains("06 123 456"))
    }
}

@Suite("--columns")
struct ColumnChoiceTests {
    @Test("a listing prints only the columns asked for, in that order; an unknown one is a usage error naming the columns")
    func columns() throws {
        let fixture = try TripoliFixture("columns")
        try fixture.sanad.succeed(["contact", "add", "نور حداد", "--city", "طرابلس", "--email", "nour@example.org"])
        let csv = try fixture.sanad.succeed(["contact", "list", "--format", "csv", "--columns", "city,name"])
        #expect(csv.hasPrefix("city,name\r\n") || csv.hasPrefix("city,name\n"))
        #expect(csv.contains("طرابلس,نور حداد"))
        let table = try fixture.sanad.succeed(["contact", "list", "--columns", "name"])
        #expect(!table.contains("طرابلس") && table.contains("نور حداد"))
        let json = try fixture.sanad.json(["contact", "list", "--columns", "id,name"]) as! [[String: Any]]
        #expect(json.first.map { Set($0.keys) } == ["id", "name"])
        let wrong = try fixture.sanad.run(["contact", "list", "--columns", "name,colour"])
        #expect(wrong.status == 2)
        #expect(wrong.stderr.contains("no column \"colour\""), "\(wrong.stderr)")
        #expect(wrong.stderr.contains("city"), "the hint lists the columns")
        #expect(wrong.stdout.isEmpty)
    }
}

@Suite("Search: Latin spellings of the same Arabic name")
struct LatinSpellingTests {
    @Test("ذ written z or dh, and compounds with Allah written as one word, find the Arabic name")
    func spellings() throws {
        let fixture = try TripoliFixture("spellings")
        func id(_ name: String) throws -> Int {
            Int(try fixture.sanad.decode(ContactDetails.self, ["contact", "add", name]).id)
        }
        let dhikra = try id("ذكرى حداد")
        let nasrallah = try id("حسن نصر الله")
        let ziad = try id("زياد خوري")
        func first(_ query: String) throws -> Int? {
            try fixture.sanad.decode([ContactSummary].self, ["contact", "search", query]).first.map { Int($0.id) }
        }
        #expect(try first("Zikra Haddad") == dhikra)
        #expect(try first("Dhikra Haddad") == dhikra)
        #expect(try first("Hassan Nasrallah") == nasrallah)
        #expect(try first("Nasrallah") == nasrallah)
        #expect(try first("Ziad Khoury") == ziad, "z still reads as ز")
        #expect(NameKeys.latinSpellings(of: "Abdallah") == [], "Abdallah reads as one name already")
        #expect(NameKeys.latinSpellings(of: "ذكرى").isEmpty)
    }
}

@Suite("Cities across scripts")
struct CityNameTests {
    @Test("a rule or a filter on طرابلس finds Tripoli and Trablous too, in a Lebanese association")
    func gazetteer() throws {
        let fixture = try TripoliFixture("cities")
        var ids: [Int] = []
        for (name, city) in [("ريم", "طرابلس"), ("Reem", "Tripoli"), ("Rim", "Trablous"), ("رنا", "بيروت"), ("Rana", "Akkar Atika")] {
            ids.append(Int(try fixture.sanad.decode(ContactDetails.self, ["contact", "add", name, "--city", city]).id))
        }
        let filtered = try fixture.sanad.decode([ContactSummary].self, ["contact", "list", "--city", "Tripoli"]).map { Int($0.id) }
        #expect(Set(filtered) == Set(ids[0...2]))
        try fixture.sanad.succeed(["plugin", "enable", "segmentation"])
        try fixture.sanad.succeed(["segment", "create", "north", "--rule", "city is طرابلس"])
        let members = try fixture.sanad.json(["segment", "refresh", "north"]) as! [[String: Any]]
        #expect(members.first?["members"] as? Int == 3)
        #expect(CityNames.key("النبطية", country: "LB") == CityNames.key("Nabatieh", country: "LB"))
        #expect(CityNames.key("طرابلس", country: "LY") == "tripoli" && CityNames.key("طرابلس", country: "GB") != "tripoli",
                "a city is known only in its country")
        // A contact stored before the gazetteer gets the key when the database is migrated.
        let owner = try fixture.connect()
        try owner.execute("UPDATE contacts SET city_key = 'طرابلس' WHERE id = \(ids[0])")
        #expect(try CityKeyBackfill.run(owner) >= 1)
        #expect(try owner.query("SELECT city_key FROM contacts WHERE id = \(ids[0])")[0].decode(String.self, at: 0) == "tripoli")
    }
}
