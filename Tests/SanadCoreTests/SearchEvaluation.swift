import Foundation
import Postgres
import SanadCore
import SanadTestSupport
import Testing

/// A labelled set for name search written for Sanad: people stored in Arabic or in Latin
/// letters, looked for by their name in the other script or in another spelling, with
/// compounds (عبد الله, Abdullah, Abdel Rahman), the article (El-Khoury, Khoury, الخوري),
/// and look-alike names stored beside them (سعد beside سعيد, حسن beside حسين). Built by
/// fixed recipes from the curated lists of ``LabelledPairs``, so it is the same everywhere.
///
/// Every fifth query is held out; the search was tuned on the others. `scripts/search-eval`
/// prints recall@10 (the person is among the first ten) and precision@1 (the person comes
/// first) for both parts, and the queries it still gets wrong.
enum SearchEvaluation {
    struct Query {
        var number: Int
        var text: String
        var kind: String
        /// Index of the person looked for in ``population``.
        var target: Int
        var heldOut: Bool { number % 5 == 0 }
    }

    /// A person's stored name and the names people would type to find them.
    struct Person {
        var stored: String
        var arabic: String
        var latin: [String]
    }

    static let given = LabelledPairs.given
    static let family = LabelledPairs.family

    /// 600 people, each a distinct given and family name, stored in Arabic (two in three) or
    /// in one of their Latin spellings; then the look-alikes.
    static let population: [Person] = {
        var people: [Person] = []
        for index in 0..<600 {
            let (givenArabic, givenLatin) = given[index % given.count]
            let (familyArabic, familyLatin) = family[(index + index / given.count) % family.count]
            let arabic = givenArabic + " " + familyArabic
            let latin = givenLatin.flatMap { g in familyLatin.map { f in g + " " + f } }
            let stored = index % 3 == 2 ? latin[index % latin.count] : arabic
            people.append(Person(stored: stored, arabic: arabic, latin: latin))
        }
        // Different people whose names a consonant key alone cannot tell from the targets'.
        let lookAlikes = ["سعد", "عامر", "حسن", "محمود", "سامية", "كريمة", "آمنة", "نبيلة", "ريما", "هادي", "فدوى", "جمال", "مجدي"]
        for (index, name) in lookAlikes.enumerated() {
            for offset in 0..<4 {
                let (familyArabic, _) = family[(index * 3 + offset * 5) % family.count]
                people.append(Person(stored: name + " " + familyArabic, arabic: name + " " + familyArabic, latin: []))
            }
        }
        return people
    }()

    /// Removes the article from a Latin family name ("El-Khoury" → "Khoury") or adds it.
    static func otherArticle(_ name: String) -> String {
        for prefix in ["Al-", "El-", "Al ", "El "] where name.hasPrefix(prefix) { return String(name.dropFirst(prefix.count)) }
        return "El-" + name
    }

    /// Arabic as people type it: without hamza seats, with ه for ة, and compounds joined.
    static func typedArabic(_ name: String, _ seed: Int) -> String {
        switch seed % 3 {
        case 0: return name.replacingOccurrences(of: "أ", with: "ا").replacingOccurrences(of: "إ", with: "ا")
        case 1: return name.replacingOccurrences(of: "ة", with: "ه").replacingOccurrences(of: "ى", with: "ي")
        default: return name.replacingOccurrences(of: "عبد ", with: "عبد").replacingOccurrences(of: "نصر ", with: "نصر")
        }
    }

    /// A second association where each given name and each family name belongs to one
    /// person only, so a single word ("Layla", "Haddad", "عبدالله") names one person; the
    /// look-alikes (حسن beside حسين, هادي beside هدى, سعد, عامر) stand beside them.
    static let singles: [Person] = {
        var people: [Person] = []
        for (index, (givenArabic, givenLatin)) in given.enumerated() {
            let familyIndex = index < family.count ? index : nil
            let familyArabic = familyIndex.map { family[$0].arabic } ?? ""
            let familyLatin = familyIndex.map { family[$0].latin } ?? [""]
            let arabic = (givenArabic + " " + familyArabic).trimmingCharacters(in: .whitespaces)
            let latin = givenLatin.flatMap { g in familyLatin.map { f in (g + " " + f).trimmingCharacters(in: .whitespaces) } }
            people.append(Person(stored: index % 2 == 0 ? arabic : latin[index % latin.count], arabic: arabic, latin: latin))
        }
        for name in ["حسن", "هادي", "سعد", "عامر", "محمود", "ريما", "جمال", "Hassan", "Hadi", "Saad", "Amer"] {
            people.append(Person(stored: name, arabic: name, latin: []))
        }
        return people
    }()

    /// Single words: each given name and each family name, in every spelling of the other
    /// script and as typed in its own.
    static let singleQueries: [Query] = {
        var queries: [Query] = []
        for (index, person) in singles.prefix(given.count).enumerated() {
            let storedInArabic = index % 2 == 0
            let (givenArabic, givenLatin) = given[index]
            let words: [(arabic: String, latin: [String], kind: String)] =
                [(givenArabic, givenLatin, "given")] + (index < family.count ? [(family[index].arabic, family[index].latin, "family")] : [])
            for word in words {
                if storedInArabic {
                    for spelling in word.latin { queries.append(Query(number: 0, text: spelling, kind: "\(word.kind) latin→arabic", target: index)) }
                    let typed = typedArabic(word.arabic, index + 2)
                    if typed != word.arabic { queries.append(Query(number: 0, text: typed, kind: "\(word.kind) typed arabic", target: index)) }
                } else {
                    queries.append(Query(number: 0, text: word.arabic, kind: "\(word.kind) arabic→latin", target: index))
                    for spelling in word.latin where !person.stored.contains(spelling) {
                        queries.append(Query(number: 0, text: spelling, kind: "\(word.kind) latin spelling", target: index))
                    }
                }
            }
        }
        return queries
    }()

    static let queries: [Query] = {
        var queries: [Query] = []
        func add(_ text: String, _ kind: String, _ target: Int) {
            queries.append(Query(number: queries.count + 1, text: text, kind: kind, target: target))
        }
        for (index, person) in population.prefix(600).enumerated() where queries.count < 560 {
            let storedInArabic = person.stored == person.arabic
            let latin = person.latin[(index / 3) % person.latin.count]
            switch index % 4 {
            case 0, 1:
                // The other script.
                add(storedInArabic ? latin : person.arabic, storedInArabic ? "latin→arabic" : "arabic→latin", index)
            case 2:
                // Another spelling in the stored script, or the article taken off or put on.
                if storedInArabic {
                    add(typedArabic(person.arabic, index), "arabic variant", index)
                } else {
                    let parts = latin.split(separator: " ", maxSplits: 1).map(String.init)
                    add(parts.count == 2 ? parts[0] + " " + otherArticle(parts[1]) : latin, "latin article", index)
                }
            default:
                // Typed in the other script as people type it.
                add(storedInArabic ? person.latin[index % person.latin.count] : typedArabic(person.arabic, index + 1),
                    storedInArabic ? "latin spelling→arabic" : "typed arabic→latin", index)
            }
        }
        // The single words, numbered on after the full names, in their own association.
        for query in singleQueries { add(query.text, "single " + query.kind, -1 - query.target) }
        return queries
    }()
}

@Suite("Name search on a labelled set: recall@10 and precision@1, across scripts and spellings",
       .timeLimit(.minutes(3)))
struct SearchEvaluationTests {
    struct Figures: CustomStringConvertible {
        var queries = 0
        var inTen = 0
        var first = 0
        var recall: Double { queries == 0 ? 0 : Double(inTen) / Double(queries) }
        var precision: Double { queries == 0 ? 0 : Double(first) / Double(queries) }
        var description: String {
            String(format: "recall@10 %.3f (%d/%d), precision@1 %.3f (%d/%d)", recall, inTen, queries, precision, first, queries)
        }
    }

    @Test("held-out queries: recall@10 and precision@1 do not fall below what the search reached")
    func evaluate() throws {
        let connection = try TestDatabase.connect(try TestDatabase.fresh("search-eval"))
        let association = try AssociationDirectory(connection: connection).create(
            NewAssociation(slug: "eval", name: "Search evaluation", country: "LB", baseCurrency: "LBP", timeZone: "Asia/Beirut", language: "ar"),
            actor: "test")
        let session = AssociationSession(association: association, connection: connection, actor: "test", logger: TestDatabase.logger,
                                         plugins: TestDatabase.plugins)
        func load(_ people: [SearchEvaluation.Person], into session: AssociationSession) throws -> [Int64] {
            try session.transaction { transaction in
                try people.map { person -> Int64 in
                    var input = ContactInput()
                    input.displayName = person.stored
                    return try ContactStore(transaction).create(try input.validated(for: session.association))
                }
            }
        }
        let ids = try load(SearchEvaluation.population, into: session)
        let singlesAssociation = try AssociationDirectory(connection: connection).create(
            NewAssociation(slug: "eval-singles", name: "Single names", country: "LB", baseCurrency: "LBP", timeZone: "Asia/Beirut",
                           language: "ar"), actor: "test")
        let singlesSession = AssociationSession(association: singlesAssociation, connection: connection, actor: "test",
                                                logger: TestDatabase.logger, plugins: TestDatabase.plugins)
        let singleIDs = try load(SearchEvaluation.singles, into: singlesSession)
        var tuning = Figures()
        var heldOut = Figures()
        var singleWords = Figures()
        var misses: [String] = []
        for query in SearchEvaluation.queries {
            let single = query.target < 0
            let (target, stored) = single
                ? (singleIDs[-1 - query.target], SearchEvaluation.singles[-1 - query.target].stored)
                : (ids[query.target], SearchEvaluation.population[query.target].stored)
            let found = try (single ? singlesSession : session).transaction(readOnly: true) {
                try ContactStore($0).search(query.text, by: .name, limit: 10)
            }
            let rank = found.firstIndex { $0.id == target }
            func count(_ figures: inout Figures) {
                figures.queries += 1
                if rank != nil { figures.inTen += 1 }
                if rank == 0 { figures.first += 1 }
            }
            if query.heldOut { count(&heldOut) } else { count(&tuning) }
            if single { count(&singleWords) }
            if rank != 0 {
                let top = found.first.map { "\($0.name) \(String(format: "%.2f", $0.match?.score ?? 0))" } ?? "nothing"
                misses.append("  #\(query.number) \(query.kind): \"\(query.text)\" → \(stored) at \(rank.map { String($0 + 1) } ?? "—"); first: \(top)")
            }
        }
        print("search, tuning part: \(tuning)")
        print("search, held-out part: \(heldOut)")
        print("search, single words (both parts): \(singleWords)")
        print("search, queries not answered first: \(misses.count)")
        for miss in misses.prefix(60) { print(miss) }
        #expect(SearchEvaluation.queries.count >= 500)
        #expect(heldOut.recall >= SearchEvaluationTests.floorRecall, "held-out \(heldOut)")
        #expect(heldOut.precision >= SearchEvaluationTests.floorPrecision, "held-out \(heldOut)")
        #expect(singleWords.recall >= 0.90 && singleWords.precision >= 0.84, "single words \(singleWords)")
    }

    /// What the search reached on the held-out part when these were set (0.985 and 0.970);
    /// a change that lowers either fails here.
    static let floorRecall = 0.98
    static let floorPrecision = 0.96
}
