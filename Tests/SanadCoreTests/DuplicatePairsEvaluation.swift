import Foundation
import Postgres
import SanadCore
import SanadTestSupport
import Testing

/// A labelled set of contact pairs written for Sanad: the same person written in Arabic
/// and in Latin transliterations, with spelling variants, and different people who share a
/// phone, an email, a family name or even a birth date (siblings, twins, spouses, a father
/// and son, names one long vowel apart). Each pair is built from curated name lists by a
/// fixed recipe, so the set is the same on every machine.
///
/// Split: pairs whose number is a multiple of 5 (a fifth) are held out; the name rules were
/// tuned on the others only. `scripts/duplicates-eval` prints both parts.
struct LabelledPair {
    var number: Int
    var kind: String
    var first: Person
    var second: Person
    var samePerson: Bool

    struct Person {
        var name: String
        var email: String?
        var phone: String?
        var birthDate: String?
    }

    var heldOut: Bool { number % 5 == 0 }
}

enum LabelledPairs {
    /// Given names: Arabic, then Latin spellings of the same name.
    static let given: [(arabic: String, latin: [String])] = [
        ("محمد", ["Mohammed", "Muhammad", "Mohamad", "Mohamed"]), ("أحمد", ["Ahmad", "Ahmed"]), ("يوسف", ["Youssef", "Yusuf", "Yousef"]),
        ("ليلى", ["Layla", "Leila", "Laila"]), ("نور", ["Nour", "Noor", "Nur"]), ("هدى", ["Hoda", "Huda"]),
        ("ريم", ["Reem", "Rim"]), ("سارة", ["Sara", "Sarah"]), ("رانيا", ["Rania", "Ranya"]), ("عمر", ["Omar", "Umar"]),
        ("خالد", ["Khaled", "Khalid"]), ("فاطمة", ["Fatima", "Fatma", "Fatmeh"]), ("حسين", ["Hussein", "Hussain", "Husayn"]),
        ("عبد الله", ["Abdallah", "Abdullah", "Abd Allah"]), ("عبد الرحمن", ["Abdulrahman", "Abd al-Rahman", "Abdel Rahman"]),
        ("قاسم", ["Qassem", "Kassem"]), ("زينب", ["Zeinab", "Zaynab"]), ("مريم", ["Mariam", "Maryam"]), ("طارق", ["Tarek", "Tariq"]),
        ("وليد", ["Walid", "Waleed"]), ("سمير", ["Samir", "Sameer"]), ("جورج", ["George", "Georges"]), ("إلياس", ["Elias", "Ilyas"]),
        ("شادي", ["Shadi", "Chadi"]), ("كريم", ["Karim", "Kareem"]), ("منى", ["Mona", "Muna"]), ("ذكرى", ["Dhikra", "Zikra"]),
        ("بلال", ["Bilal", "Belal"]), ("رشا", ["Rasha", "Racha"]), ("هاني", ["Hani", "Hany"]),
    ]

    /// Family names: Arabic, then Latin spellings (with and without the article, joined or not).
    static let family: [(arabic: String, latin: [String])] = [
        ("الحسن", ["Al-Hassan", "El Hassan", "Elhassan"]), ("الخوري", ["El-Khoury", "Khoury", "Al Khoury"]),
        ("حداد", ["Haddad", "Hadad"]), ("عيتاني", ["Itani", "Aitani"]), ("الأيوبي", ["Al-Ayoubi", "Ayoubi", "El Ayyoubi"]),
        ("شمعون", ["Chamoun", "Shamoun"]), ("المصري", ["El-Masri", "Al Masri", "Masri"]), ("قاسم", ["Kassem", "Qasem"]),
        ("الزين", ["El-Zein", "Zein", "Al Zein"]), ("فرح", ["Farah"]), ("عواد", ["Awad", "Awwad"]), ("جابر", ["Jaber", "Jabir"]),
        ("مراد", ["Mourad", "Murad"]), ("صعب", ["Saab", "Sa'ab"]), ("الشامي", ["El-Chami", "Al Shami", "Shami"]),
        ("ضاهر", ["Daher", "Dhaher"]), ("نصر الله", ["Nasrallah", "Nasr Allah"]), ("الحلبي", ["Al-Halabi", "Halabi"]),
        ("عطية", ["Atieh", "Attiyeh"]), ("منصور", ["Mansour", "Mansur"]),
    ]

    /// Different names that a consonant key cannot tell apart, or that relatives carry.
    static let confusable: [(String, String)] = [
        ("سعيد", "سعد"), ("جميل", "جمال"), ("عمر", "عامر"), ("حسن", "حسين"), ("محمد", "محمود"), ("سامي", "سامية"),
        ("كريم", "كريمة"), ("منى", "آمنة"), ("نبيل", "نبيلة"), ("أمين", "أمينة"), ("رامي", "ريما"), ("هادي", "هدى"),
        ("وائل", "وليد"), ("ماجد", "مجدي"), ("فادي", "فدوى"),
    ]

    /// Spelling variants within Arabic: hamza seats, taa marbuta, alef maqsura, tashkeel, tatweel.
    static func arabicVariant(_ name: String, _ seed: Int) -> String {
        switch seed % 4 {
        case 0: return name.replacingOccurrences(of: "أ", with: "ا").replacingOccurrences(of: "إ", with: "ا")
        case 1: return name.replacingOccurrences(of: "ة", with: "ه").replacingOccurrences(of: "ى", with: "ي")
        case 2: return name.replacingOccurrences(of: "م", with: "مّ")
        default: return name.replacingOccurrences(of: "ل", with: "لـ")
        }
    }

    static func phone(_ number: Int, _ part: Int) -> String { String(format: "+9613%06d", number * 10 + part) }
    static func email(_ number: Int, _ part: Int) -> String { "pair\(number).\(part)@example.org" }
    static func day(_ number: Int, shift: Int = 0) -> String {
        String(format: "19%02d-%02d-%02d", 50 + number % 45, 1 + (number + shift) % 12, 1 + (number * 7 + shift) % 28)
    }

    static var all: [LabelledPair] {
        var pairs: [LabelledPair] = []
        func add(_ kind: String, _ a: LabelledPair.Person, _ b: LabelledPair.Person, same: Bool) {
            pairs.append(LabelledPair(number: pairs.count + 1, kind: kind, first: a, second: b, samePerson: same))
        }
        for (index, g) in given.enumerated() {
            let f = family[index % family.count]
            let f2 = family[(index + 7) % family.count]
            let n = pairs.count
            // The same person across scripts, sharing an email.
            add("arabic-latin", .init(name: "\(g.arabic) \(f.arabic)", email: email(n, 0)),
                .init(name: "\(g.latin[0]) \(f.latin[0])", email: email(n, 0)), same: true)
            // Two Latin spellings, sharing a phone.
            add("latin-latin", .init(name: "\(g.latin[0]) \(f.latin[0])", phone: phone(n, 1)),
                .init(name: "\(g.latin.last!) \(f.latin.last!)", phone: phone(n, 1)), same: true)
            // An Arabic spelling variant, sharing a phone and a birth date.
            add("arabic-variant", .init(name: "\(g.arabic) \(f2.arabic)", phone: phone(n, 2), birthDate: day(n)),
                .init(name: arabicVariant("\(g.arabic) \(f2.arabic)", index), phone: phone(n, 2), birthDate: day(n)), same: true)
            // Latin to Arabic with the other family spelling, sharing an email and a birth date.
            add("latin-arabic", .init(name: "\(g.latin[1 % g.latin.count]) \(f2.latin.last!)", email: email(n, 3), birthDate: day(n, shift: 3)),
                .init(name: "\(g.arabic) \(f2.arabic)", email: email(n, 3), birthDate: day(n, shift: 3)), same: true)
            // Siblings: one family name, one phone, one email, other given names.
            let sibling = given[(index + 5) % given.count]
            add("siblings", .init(name: "\(g.arabic) \(f.arabic)", email: email(n, 4), phone: phone(n, 4)),
                .init(name: "\(sibling.arabic) \(f.arabic)", email: email(n, 4), phone: phone(n, 4)), same: false)
            // Twins: the same, and one birth date too, written in Latin.
            add("twins", .init(name: "\(g.latin[0]) \(f.latin[0])", email: email(n, 5), phone: phone(n, 5), birthDate: day(n)),
                .init(name: "\(sibling.latin[0]) \(f.latin[0])", email: email(n, 5), phone: phone(n, 5), birthDate: day(n)), same: false)
            // Namesakes: one common name, nothing else shared, different birth dates.
            add("namesakes", .init(name: "\(g.arabic) \(f2.arabic)", phone: phone(n, 6), birthDate: day(n, shift: 1)),
                .init(name: "\(g.latin[0]) \(f2.latin[0])", phone: phone(n, 7), birthDate: day(n + 11, shift: 5)), same: false)
            // An initial for the given name, sharing an email: the same person.
            add("initial", .init(name: "\(g.latin[0].prefix(1)). \(f.latin[0])", email: email(n, 9)),
                .init(name: "\(g.latin[0]) \(f.latin[0])", email: email(n, 9)), same: true)
            // A father and his son of the same name share the landline; their birth dates differ.
            add("father-son", .init(name: "\(g.latin[0]) \(f.latin.last!)", phone: phone(n, 8), birthDate: day(n, shift: 2)),
                .init(name: "\(g.latin[0]) \(f.latin.last!)", phone: phone(n, 8), birthDate: day(n + 23, shift: 9)), same: false)
        }
        for (index, (a, b)) in confusable.enumerated() {
            let f = family[(index + 3) % family.count]
            let n = pairs.count
            // One long vowel apart, in Arabic, sharing the family's phone and email.
            add("vowel-apart", .init(name: "\(a) \(f.arabic)", email: email(n, 0), phone: phone(n, 0)),
                .init(name: "\(b) \(f.arabic)", email: email(n, 0), phone: phone(n, 0)), same: false)
            // Spouses: other given names, one email.
            add("spouses", .init(name: "\(a) \(f.arabic)", email: email(n, 1)),
                .init(name: "\(b) \(family[(index + 9) % family.count].arabic)", email: email(n, 1)), same: false)
            // The same person, the family name with and without the article, sharing a phone.
            add("article", .init(name: "\(a) \(f.arabic)", phone: phone(n, 2)),
                .init(name: "\(a) \(f.arabic.hasPrefix("ال") ? String(f.arabic.dropFirst(2)) : "ال" + f.arabic)", phone: phone(n, 2)),
                same: true)
        }
        return pairs
    }
}

@Suite("Duplicate detection on a labelled set: precision of probable, recall of any level", .timeLimit(.minutes(3)))
struct DuplicatePairsEvaluation {
    struct Figures: CustomStringConvertible {
        var pairs = 0, same = 0, foundAtAll = 0, probable = 0, probableSame = 0
        var precision: Double { probable == 0 ? 1 : Double(probableSame) / Double(probable) }
        var recall: Double { same == 0 ? 1 : Double(foundAtAll) / Double(same) }
        var description: String {
            String(format: "%d pairs (%d same person): precision of probable %.3f (%d/%d), recall of any level %.3f (%d/%d)",
                   pairs, same, precision, probableSame, probable, recall, foundAtAll, same)
        }
    }

    @Test("held-out pairs: precision of probable at least 0.95, recall of any level at least 0.90")
    func evaluate() throws {
        let connection = try TestDatabase.connect(try TestDatabase.fresh("duplicate-eval"))
        let association = try AssociationDirectory(connection: connection).create(
            NewAssociation(slug: "eval", name: "Evaluation", country: "LB", baseCurrency: "LBP", timeZone: "Asia/Beirut", language: "ar"),
            actor: "test")
        let session = AssociationSession(association: association, connection: connection, actor: "test", logger: TestDatabase.logger, plugins: TestDatabase.plugins)
        let pairs = LabelledPairs.all
        #expect(pairs.count >= 300)
        var ids: [(Int64, Int64)] = []
        try session.transaction { transaction in
            let store = ContactStore(transaction)
            func create(_ person: LabelledPair.Person) throws -> Int64 {
                var input = ContactInput()
                input.displayName = person.name
                input.emails = person.email.map { [$0] } ?? []
                input.phones = person.phone.map { [$0] } ?? []
                input.birthDate = person.birthDate
                return try store.create(try input.validated(for: association))
            }
            for pair in pairs { ids.append((try create(pair.first), try create(pair.second))) }
        }
        let found = try session.transaction { transaction in
            try DuplicateFinder(transaction).find(minimum: .possible, limit: 100_000)
        }
        var levels: [String: DuplicatePair.Level] = [:]
        for pair in found { levels["\(min(pair.first, pair.second))-\(max(pair.first, pair.second))"] = pair.level }
        var tuning = Figures(), heldOut = Figures()
        var misses: [String] = []
        var toLookAt = 0
        for (pair, (a, b)) in zip(pairs, ids) {
            let level = levels["\(min(a, b))-\(max(a, b))"]
            func count(_ figures: inout Figures) {
                figures.pairs += 1
                if pair.samePerson { figures.same += 1 }
                if pair.samePerson, level != nil { figures.foundAtAll += 1 }
                if level == .probable {
                    figures.probable += 1
                    if pair.samePerson { figures.probableSame += 1 }
                }
            }
            if pair.heldOut { count(&heldOut) } else { count(&tuning) }
            if (pair.samePerson && level == nil) || (!pair.samePerson && level == .probable) {
                misses.append("#\(pair.number) \(pair.kind) \(pair.first.name) / \(pair.second.name): \(level.map(\.rawValue) ?? "not found")")
            } else if !pair.samePerson, level == .possible {
                toLookAt += 1
            }
        }
        print("duplicates, tuning part: \(tuning)")
        print("duplicates, held-out part: \(heldOut)")
        print("duplicates, different people shown as possible (relatives sharing a phone or email, for a person to look at): \(toLookAt)")
        print("duplicates, pairs the rules get wrong (same person missed, or different people at probable): \(misses.count)"
              + (misses.isEmpty ? "" : "\n  " + misses.joined(separator: "\n  ")))
        #expect(heldOut.precision >= 0.95, "\(heldOut)")
        #expect(heldOut.recall >= 0.90, "\(heldOut)")
    }
}
