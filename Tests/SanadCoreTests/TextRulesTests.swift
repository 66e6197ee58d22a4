import Foundation
import SanadCore
import Testing

@Suite("Text rules: names, emails, phones")
struct TextRulesTests {
    @Test("spelling variants of one Arabic name share the normalized key", arguments: [
        ("محمّد", "محمد"), ("أحمد", "احمد"), ("إحمد", "احمد"), ("آمنة", "امنه"), ("فاطمة", "فاطمه"),
        ("مصطفى", "مصطفي"), ("ﻣﺤﻤﺪ", "محمد"), ("عـــلي", "علي"), ("مُحَمَّد", "محمد"), ("رؤى", "روي"), ("هيئة", "هييه"),
        ("José", "jose"), ("  ZOË   Smith-Jones ", "zoe smith jones"), ("Sa'id", "said"), ("٢٠٢٦", "2026"), ("۱۲۳", "123"),
        ("محمد\u{200F}", "محمد"), ("کریم", "كريم"),
    ])
    func normalizedKey(written: String, key: String) {
        #expect(NameKeys.normalized(written) == key)
    }

    @Test("Arabic and Latin spellings of one name meet in the consonant key", arguments: [
        ["محمد", "محمّد", "Mohammed", "Muhammad", "Mohamed", "Mohamad", "Mouhammad"],
        ["أحمد", "احمد", "إحمد", "Ahmed", "Ahmad"],
        ["فاطمة", "فاطمه", "Fatima", "Fatma", "Fatimah"],
        ["يوسف", "Yousef", "Youssef", "Yusuf"],
        ["خالد", "Khaled", "Khalid"],
        ["عمر", "Omar", "Umar"],
        ["حسين", "Hussein", "Hussain", "Husayn"],
        ["عبد الرحمن", "Abd al-Rahman", "Abdulrahman", "Abdel Rahman", "Abdurrahman"],
        ["الحسن", "Al-Hassan", "El Hassan"],
        ["عبد الله", "Abdullah", "Abdallah", "Abd Allah", "Abdellah", "Abd-Allah"],
        ["الحسن", "El-Hassan", "Al Hassan", "Elhassan", "Alhassan", "Ul-Hassan"],
        ["حسن الخوري", "Hassan El-Khoury", "Hassan Elkhoury", "Hassan Al Khoury", "Hassan Khoury"],
        ["قاسم", "Qassem", "Kassem", "Kasim"],
        ["يوسف", "Youssef", "Yusuf", "Yosef"],
        ["سمير", "Sameer", "Samir"],
    ])
    func crossScriptKey(spellings: [String]) {
        let keys = Set(spellings.map { NameKeys.skeleton($0) })
        #expect(keys.count == 1, "\(spellings.map { ($0, NameKeys.skeleton($0)) })")
    }

    @Test("different names keep different consonant keys", arguments: [("محمد", "أحمد"), ("Fatima", "Fadi"), ("Omar", "Samir"), ("Hassan", "Hussam")])
    func distinctNames(first: String, second: String) {
        #expect(NameKeys.skeleton(first) != NameKeys.skeleton(second))
    }

    @Test("direction controls are refused in names unless stripping is asked for")
    func directionControls() throws {
        for control in ["\u{202E}", "\u{202A}", "\u{2066}", "\u{2069}", "\u{200F}"] {
            let spoofed = "Bank\(control)moc"
            let error = #expect(throws: SanadError.self) { try TextRules.cleanedName(spoofed, field: "name") }
            #expect(error?.message.contains("direction-control") == true)
            #expect(try TextRules.cleanedName(spoofed, field: "name", removeDirectionControls: true) == "Bankmoc")
        }
        #expect(try TextRules.cleanedName("  نور الهدى ", field: "name") == "نور الهدى")
        #expect(throws: SanadError.self) { try TextRules.cleanedName("two\nlines", field: "name") }
        #expect(throws: SanadError.self) { try TextRules.cleanedName("   ", field: "name") }
    }

    @Test("valid emails are trimmed and compared case-insensitively", arguments: [
        ("  Fatima.Khalil@Example.ORG ", "Fatima.Khalil@Example.ORG"), ("a+tag@sub.example.co.uk", "a+tag@sub.example.co.uk"),
        ("o'brien@example.ie", "o'brien@example.ie"), ("محمد@مثال.لبنان", "محمد@مثال.لبنان"),
    ])
    func validEmails(text: String, address: String) throws {
        let email = try EmailAddress.validated(text)
        #expect(email.address == address)
        #expect(email.key == address.lowercased())
    }

    @Test("invalid emails are refused with a reason", arguments: [
        "", "plainaddress", "Fatima <f@example.org>", "\"quoted\"@example.org", "two@@example.org", "a@b@example.org",
        "no-domain@", "@no-local.org", "dots..twice@example.org", ".lead@example.org", "trail.@example.org",
        "space in@example.org", "user@localhost", "user@-bad.org", "user@bad-.org", "user@example.123",
        String(repeating: "a", count: 65) + "@example.org", "user@" + String(repeating: "d", count: 64) + ".org",
        "rtl\u{202E}gro@example.org", "zero\u{200B}width@example.org",
    ])
    func invalidEmails(text: String) {
        guard case .failure(let problem) = EmailAddress.parse(text) else {
            Issue.record("\(text) was accepted")
            return
        }
        #expect(!problem.reason.isEmpty)
    }

    @Test("phones written many ways become one E.164 number", arguments: [
        "+961 3 123 456", "00961 3 123 456", "03 123 456", "03/123456", "03-123-456", "(03) 123456", "٠٣ ١٢٣ ٤٥٦", "+٩٦١٣١٢٣٤٥٦",
    ])
    func phonesNormalize(written: String) {
        #expect(PhoneNumbers.normalize(written, region: "LB") == .e164("+9613123456"))
    }

    /// Numbers as WhatsApp and Arabic documents paste them: wrapped in or strewn with
    /// direction marks and isolates, for every country the tests use.
    @Test("direction marks in a pasted phone are removed, and the number still normalizes", arguments: [
        ("LB", "\u{200E}+961 3 123 456\u{200E}", "+9613123456"), ("LB", "\u{2066}٠٣ ١٢٣ ٤٥٦\u{2069}", "+9613123456"),
        ("LB", "03\u{200F} 123\u{200F} 456", "+9613123456"), ("LB", "\u{202A}06 412 345\u{202C}", "+9616412345"),
        ("GB", "\u{200E}07911 123456", "+447911123456"), ("GB", "\u{2068}+44 20 7946 0958\u{2069}", "+442079460958"),
        ("JO", "\u{200F}079 123 4567\u{200F}", "+962791234567"), ("SY", "\u{061C}0944 123 456", "+963944123456"),
        ("EG", "\u{2067}010 1234 5678\u{2069}", "+201012345678"), ("IQ", "\u{200E}0790 123 4567", "+9647901234567"),
        ("US", "\u{202D}(201) 555-0123\u{202C}", "+12015550123"),
    ])
    func phonesWithDirectionMarks(region: String, pasted: String, e164: String) throws {
        #expect(PhoneNumbers.normalize(pasted, region: region) == .e164(e164))
        let entry = try PhoneEntry.make(pasted, region: region)
        #expect(entry.e164 == e164)
        #expect(!TextRules.containsDirectionControl(entry.raw), "the stored number keeps no marks")
    }

    @Test("phones that cannot be read are kept, not dropped")
    func unreadablePhones() throws {
        #expect(PhoneNumbers.normalize("call me maybe", region: "LB") == .unparseable)
        #expect(PhoneNumbers.normalize("+961 0", region: "LB") != .e164("+9610"))
        let kept = try PhoneEntry.make("ext. 12", region: "LB")
        #expect(kept.e164 == nil)
        #expect(kept.raw == "ext. 12")
        #expect(kept.warning != nil)
    }

    @Test("amounts respect the currency's decimals and refuse ambiguity")
    func amounts() throws {
        #expect(try InputValues.amount("1500.50", currency: "USD") == Decimal(string: "1500.5"))
        #expect(try InputValues.amount("١٢٫٥", currency: "USD") == Decimal(string: "12.5"))
        #expect(try InputValues.amount("12.125", currency: "JOD") == Decimal(string: "12.125"))
        for bad in ["1,500", "-3", "0", "12.125", "abc", "1e5"] {
            #expect(throws: SanadError.self, "\(bad)") { try InputValues.amount(bad, currency: "USD") }
        }
    }

    @Test("a local time skipped by daylight saving is refused; others land in the right zone")
    func localMoments() throws {
        let beirut = TimeZone(identifier: "Asia/Beirut")!
        let winter = try InputValues.moment("2026-12-05 17:00", field: "start", timeZone: beirut)
        #expect(JSONText.isoTimestamp(winter) == "2026-12-05T15:00:00Z")
        let summer = try InputValues.moment("2026-07-05 17:00", field: "start", timeZone: beirut)
        #expect(JSONText.isoTimestamp(summer) == "2026-07-05T14:00:00Z")
        // Lebanon moves clocks from 00:00 to 01:00 on the last Sunday of March.
        #expect(throws: SanadError.self) { try InputValues.moment("2026-03-29 00:30", field: "start", timeZone: beirut) }
        // That day alone is its first moment, 01:00 local (22:00 UTC the day before).
        #expect(JSONText.isoTimestamp(try InputValues.moment("2026-03-29", field: "date", timeZone: beirut)) == "2026-03-28T22:00:00Z")
        #expect(JSONText.isoTimestamp(try InputValues.moment("2026-03-30", field: "date", timeZone: beirut)) == "2026-03-29T21:00:00Z")
        #expect(JSONText.isoTimestamp(try InputValues.moment("2026-03-01T10:00:00+02:00", field: "x", timeZone: .gmt))
            == "2026-03-01T08:00:00Z")
    }

    @Test("iCalendar lines fold on character boundaries and escape text")
    func icalendarFolding() throws {
        let association = Association(id: 1, slug: "demo", name: "جمعية", country: "LB", phoneRegion: "LB", baseCurrency: "LBP",
                                      timeZone: "Asia/Beirut", language: "ar", createdAt: Date())
        let event = CalendarEvent(id: 7, title: String(repeating: "تدريب, ", count: 20), place: "a;b", startsAt: Date(timeIntervalSince1970: 0),
                                  endsAt: nil, campaign: nil, capacity: nil, description: "line1\nline2", attendees: 0)
        let document = ICalendar.document([event], association: association, now: Date(timeIntervalSince1970: 0))
        for line in document.components(separatedBy: "\r\n") {
            #expect(line.utf8.count <= 75)
            #expect(String(decoding: Array(line.utf8), as: UTF8.self) == line)
        }
        #expect(document.contains("LOCATION:a\\;b"))
        #expect(document.contains("DESCRIPTION:line1\\nline2"))
        #expect(document.contains("DTSTART:19700101T000000Z"))
        #expect(document.hasSuffix("END:VCALENDAR\r\n"))
    }
}
