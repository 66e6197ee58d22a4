internal import Foundation
internal import SanadCore

/// Reads a gift condition or a funder's note and says which families of steering it shows
/// (governance, messaging, mobilization, political, private benefit, pass-through), with the
/// words that carried each. A text showing none is a normal purpose restriction.
///
/// It understands phrasings it was not given by reading frames: an action and what it acts
/// on, each a set of synonyms across Modern Standard Arabic, Levantine, Gulf and Egyptian
/// Arabic, English and French (`Lexicon/frames.txt`). Words are normalized like names and,
/// in Arabic, stemmed lightly (the prefixes و ف ب ك ل ال, the dialects' ع and verb
/// preverbs) so بالمسيرة and المسيرة are one word, and a first-person verb (نراجع, منختار)
/// or a possessive ـنا marks the funder speaking of itself.
///
/// Measured on the corpus in `Tests/InfluenceAuditTests/Corpus` (scripts/classifier-eval):
/// precision and recall per family on the fifth kept apart while the frames were written.
struct ConditionClassifier: Sendable {
    struct Entry: Sendable, Hashable {
        /// Normalized words, each matched exactly or (`prefix`) as the start of a word.
        var words: [(text: String, prefix: Bool)]
        var text: String

        static func == (lhs: Entry, rhs: Entry) -> Bool { lhs.text == rhs.text }
        func hash(into hasher: inout Hasher) { hasher.combine(text) }
    }

    struct Frame: Sendable {
        var family: String
        var concepts: [String]
    }

    /// What one family rests on in one text.
    struct Finding: Sendable, Equatable {
        var family: String
        /// The text's own words that carried it, in the order they appear.
        var words: [String]
        /// The model's probability for the family (``ConditionModel``), when a model is used.
        var confidence: Double? = nil
        /// Whether a frame or cue found it (else the model alone did).
        var byFrame = true
    }

    static let families = ["governance", "messaging", "mobilization", "political", "private_benefit", "pass_through"]

    var concepts: [String: [Entry]] = [:]
    var frames: [Frame] = []
    var cues: [(family: String, entry: Entry)] = []
    var blocks: [(family: String, entry: Entry, unless: String?)] = []

    /// Where an entry counts when it is found.
    enum Role: Hashable, Sendable {
        case concept(String), cue(String)
        /// A block of the family, unless the concept named is in the text too.
        case block(String, unless: String?)
        /// An association's own phrase (`sanad audit lexicon add`): its family, whatever the model says.
        case addition(String)
    }

    /// Every entry by its first word (exact, and prefix entries by their stem), so reading a
    /// text costs a few lookups per word, not one comparison per entry.
    private var exactFirst: [String: [(role: Role, entry: Entry)]] = [:]
    private var prefixFirst: [String: [(role: Role, entry: Entry)]] = [:]

    /// The model read beside the frames, if any.
    var model: ConditionModel?

    /// The frames and the model shipped with Sanad.
    static let builtIn: ConditionClassifier = {
        var classifier = ConditionClassifier(definitions: String(decoding: PackageResources.frames_txt, as: UTF8.self))
        classifier.model = ConditionModel.builtIn
        return classifier
    }()

    // MARK: Reading the definitions

    /// Lines of `frames.txt` (see its header); a line ending in `\` goes on.
    init(definitions: String) {
        var logical: [String] = []
        var pending = ""
        for raw in definitions.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("#") && pending.isEmpty { continue }
            if line.hasSuffix("\\") {
                pending += line.dropLast() + " "
                continue
            }
            logical.append(pending + line)
            pending = ""
        }
        for line in logical where !line.isEmpty {
            guard let equals = line.firstIndex(of: "=") else { continue }
            let head = line[..<equals].split(separator: " ").map(String.init)
            let body = String(line[line.index(after: equals)...])
            // `block FAMILY unless CONCEPT` is the one head of four words.
            let unless = head.count == 4 && head[0] == "block" && head[2] == "unless" ? head[3] : nil
            guard head.count == 2 || unless != nil else { continue }
            switch head[0] {
            case "concept":
                concepts[head[1], default: []] += Self.entries(body)
            case "frame":
                frames.append(Frame(family: head[1], concepts: body.split(separator: "+").map { $0.trimmingCharacters(in: .whitespaces) }))
            case "cue":
                cues += Self.entries(body).map { (head[1], $0) }
            case "block":
                blocks += Self.entries(body).map { (head[1], $0, unless) }
            default:
                continue
            }
        }
        let roles = concepts.flatMap { name, entries in entries.map { (Role.concept(name), $0) } }
            + cues.map { (Role.cue($0.family), $0.entry) } + blocks.map { (Role.block($0.family, unless: $0.unless), $0.entry) }
        for (role, entry) in roles { index(role, entry) }
    }

    private mutating func index(_ role: Role, _ entry: Entry) {
        let first = entry.words[0]
        if first.prefix { prefixFirst[first.text, default: []].append((role, entry)) } else { exactFirst[first.text, default: []].append((role, entry)) }
    }

    /// This classifier with an association's own phrases (`sanad audit lexicon add`) as cues
    /// of their family, matched as they are written. Built once per audit run, not per text.
    func adding(_ additions: [(category: String, phrase: String)]) -> ConditionClassifier {
        var classifier = self
        for (category, phrase) in additions where category != "purpose" {
            // A phrase is one entry, commas and all.
            guard let entry = Self.entries(phrase.replacingOccurrences(of: ",", with: " ")).first else { continue }
            classifier.cues.append((category, entry))
            classifier.index(.addition(category), entry)
        }
        return classifier
    }

    /// Every entry found in `window`: its role, and the positions of the words it covers.
    private func matches(in tokens: [Token], window: Range<Int>) -> [(role: Role, positions: Range<Int>)] {
        var found: [(Role, Range<Int>)] = []
        for start in window {
            var candidates: [(role: Role, entry: Entry)] = []
            for form in tokens[start].forms {
                candidates += exactFirst[form] ?? []
                var stem = ""
                for character in form {
                    stem.append(character)
                    candidates += prefixFirst[stem] ?? []
                }
            }
            var seen: Set<String> = []
            for (role, entry) in candidates where start + entry.words.count <= window.upperBound {
                let all = entry.words.enumerated().allSatisfy { offset, word in
                    Self.forms(of: tokens[start + offset], for: role).contains { word.prefix ? $0.hasPrefix(word.text) : $0 == word.text }
                }
                if all && seen.insert("\(role)|\(entry.text)").inserted { found.append((role, start..<(start + entry.words.count))) }
            }
        }
        return found
    }

    /// A block names an ordinary request exactly ("the number of families"): an English plural
    /// read as its singular does not make one ("the phone numbers of the trainees").
    private static func forms(of token: Token, for role: Role) -> [String] {
        guard case .block = role, let singular = token.singularOfPlural else { return token.forms }
        return token.forms.filter { $0 != singular }
    }

    /// Lines that name an unknown concept or family, for the test that keeps the file clean.
    var problems: [String] {
        let inFrames: [String] = frames.flatMap { frame in
            (Self.families.contains(frame.family) ? [] : ["frame of unknown family \(frame.family)"])
                + frame.concepts.filter { concepts[$0] == nil }.map { "frame \(frame.family) names unknown concept \($0)" }
        }
        let families: [String] = cues.map(\.family) + blocks.map(\.family)
        let unknownFamilies = families.filter { !Self.families.contains($0) }.map { "cue or block of unknown family \($0)" }
        let unknownConcepts = blocks.compactMap(\.unless).filter { concepts[$0] == nil }.map { "block unless unknown concept \($0)" }
        return inFrames + unknownFamilies + unknownConcepts
    }

    static func entries(_ body: String) -> [Entry] {
        body.split(separator: ",").compactMap { raw in
            var words: [(String, Bool)] = []
            for word in raw.split(separator: " ").flatMap(elided) {
                let prefix = word.hasSuffix("*")
                let parts = NameKeys.normalized(String(prefix ? word.dropLast() : word)).split(separator: " ").map(String.init)
                for (index, part) in parts.enumerated() { words.append((part, prefix && index == parts.count - 1)) }
            }
            guard !words.isEmpty else { return nil }
            return Entry(words: words, text: raw.trimmingCharacters(in: .whitespaces))
        }
    }

    /// French elision is two words (l'agence, d'administration, qu'il): NameKeys, made for
    /// names, drops the apostrophe and would read one word, lagence.
    static func elided(_ word: Substring) -> [Substring] {
        guard let mark = word.firstIndex(where: { $0 == "'" || $0 == "\u{2019}" }), word.index(after: mark) < word.endIndex,
              elisions.contains(word[..<mark].lowercased()) else { return [word] }
        return [word[..<mark], word[word.index(after: mark)...]]
    }

    static let elisions: Set<String> = ["l", "d", "qu", "s", "n", "j", "m", "t", "c", "jusqu", "lorsqu", "puisqu"]

    // MARK: Reading a text

    /// One word of a text: as written, normalized, and the forms it is matched by.
    struct Token {
        var surface: String
        var forms: [String]
        /// The word normalized, before any prefix or ending is set aside.
        var key = ""
        /// An Arabic word that could be a verb in the first person plural (نراجع, منختار,
        /// هنختار): the funder speaking, when the word is also one of a frame's actions.
        var firstPersonVerb = false
        /// An Arabic word ending in the possessive ـنا (ممثلنا, شركتنا): "our".
        var possessive = false
        /// The last word of a sentence.
        var endsSentence = false
        /// An English plural's singular, one of `forms` (numbers: number).
        var singularOfPlural: String? = nil
    }

    static let arabicLetters = CharacterSet(charactersIn: "\u{0621}"..."\u{064A}")

    static func tokens(_ text: String) -> [Token] {
        var tokens: [Token] = []
        for sentence in text.split(whereSeparator: { ".!?؟؛;\n".contains($0) }) {
            let before = tokens.count
            let pieces = sentence.split(whereSeparator: { $0.isWhitespace || ($0.isPunctuation && $0 != "'" && $0 != "\u{2019}" && $0 != "-") || $0.isSymbol })
            for piece in pieces.flatMap(elided) {
                let surface = String(piece)
                for key in NameKeys.normalized(surface).split(separator: " ").map(String.init) where !key.isEmpty {
                    let arabic = key.unicodeScalars.allSatisfy { arabicLetters.contains($0) }
                    var token = arabic ? arabicToken(surface, key) : englishToken(surface, key)
                    token.key = key
                    tokens.append(token)
                }
            }
            if tokens.count > before { tokens[tokens.count - 1].endsSentence = true }
        }
        return tokens
    }

    static func englishToken(_ surface: String, _ key: String) -> Token {
        guard key.count > 4, key.hasSuffix("s") else { return Token(surface: surface, forms: [key]) }
        let singular = String(key.dropLast())
        return Token(surface: surface, forms: [key, singular], singularOfPlural: singular)
    }

    /// Conjunctions, prepositions and the article, as they attach (و ف, ب ل ك ع, ال), then a
    /// verb's preverb (ب م ه ح, the dialects' present and future) and person prefix (ن ي ت).
    static func arabicToken(_ surface: String, _ key: String) -> Token {
        var forms: Set<String> = [key]
        // Words of their own that only look prefixed (لما is "when", not ل + ما; اللي "who", not ال + لي).
        var frontier = wholeWords.contains(key) ? [] : [key]
        while let word = frontier.popLast() {
            for prefix in ["و", "ف", "ب", "ل", "ك", "ع", "ال", "لل"] where word.hasPrefix(prefix) && word.count - prefix.count >= 2 {
                // The dialects' ع is على before a noun (عالصفحة); على itself, with or without
                // a pronoun (عليه, علينا), is no ع + لي ("for me", the funder).
                if prefix == "ع" && word.hasPrefix("علي") { continue }
                let rest = String(word.dropFirst(prefix.count))
                if forms.insert(rest).inserted { frontier.append(rest) }
                // لل is ل before the article, whose alef is not written: للجهة is ل + الجهة.
                if prefix == "لل" { forms.insert("ال" + rest) }
            }
        }
        var token = Token(surface: surface, forms: [])
        for word in Array(forms) {
            var stem = Substring(word)
            if let first = stem.first, "بمهح".contains(first), stem.count >= 4, let second = stem.dropFirst().first, "نيت".contains(second) {
                stem = stem.dropFirst()
                forms.insert(String(stem))
            }
            if let person = stem.first, "نيت".contains(person), stem.count >= 4 {
                forms.insert(String(stem.dropFirst()))
                if person == "ن" { token.firstPersonVerb = true }
            }
        }
        token.possessive = forms.contains { $0.count >= 4 && $0.hasSuffix("نا") && !notPossessive.contains($0) }
        // Endings: a pronoun (مصدرها, موافقتنا) or a sound plural (المتطوعين); one is set
        // aside, keeping a stem of three letters at least. A broken plural (قوائم, أعضاء) is
        // read as its singular.
        for word in Array(forms) {
            if let singular = brokenPlurals[word] { forms.insert(singular) }
            guard let suffix = arabicSuffixes.first(where: { word.hasSuffix($0) && word.count - $0.count >= 3 }) else { continue }
            let stem = String(word.dropLast(suffix.count))
            forms.insert(stem)
            // A taa marbuta is written ت before an ending (موافقتنا is موافقة + نا), and
            // gives way to ات in the plural (مقابلات, of مقابلة).
            if stem.hasSuffix("ت") { forms.insert(String(stem.dropLast()) + "ه") }
            if suffix == "ات" { forms.insert(stem + "ه") }
            if let singular = brokenPlurals[stem] { forms.insert(singular) }
        }
        token.forms = Array(forms).sorted()
        return token
    }

    static let wholeWords: Set<String> = ["اللي", "لما", "ولما", "فلما", "كما", "بما", "عما", "لكن", "لكي", "فيما", "بينما"]

    /// Pronoun endings and the endings of sound plurals and duals, longest first.
    static let arabicSuffixes = ["كما", "هما", "كم", "كن", "هم", "هن", "ها", "نا", "ات", "ون", "ين", "ان", "وا", "ه", "ي", "ك"]

    /// Broken plurals of the words the frames speak of, to their singular (normalized as
    /// names are, so أعضاء is اعضاء and قائمة is قائمه).
    static let brokenPlurals: [String: String] = {
        let pairs = [
            ("أعضاء", "عضو"), ("قوائم", "قائمة"), ("أسماء", "اسم"), ("أسامي", "اسم"), ("أرقام", "رقم"), ("مناصب", "منصب"),
            ("مدراء", "مدير"), ("وظائف", "وظيفة"), ("وظايف", "وظيفة"), ("عقود", "عقد"), ("أحزاب", "حزب"), ("نواب", "نائب"),
            ("وزراء", "وزير"), ("صور", "صورة"), ("تصاريح", "تصريح"), ("مواقع", "موقع"), ("لجان", "لجنة"), ("مجالس", "مجلس"),
            ("أقارب", "قريب"), ("أبناء", "ابن"), ("إخوة", "أخ"), ("إخوان", "أخ"), ("أموال", "مال"), ("مبالغ", "مبلغ"),
            ("أصوات", "صوت"), ("مكاتب", "مكتب"), ("فنادق", "فندق"), ("مطاعم", "مطعم"), ("مصانع", "مصنع"), ("رواتب", "راتب"),
            ("أسر", "أسرة"), ("مشاريع", "مشروع"), ("مقاعد", "مقعد"), ("ممثلين", "ممثل"), ("شركاء", "شريك"), ("وسطاء", "وسيط"),
            ("مرشحين", "مرشح"), ("ناخبين", "ناخب"), ("أنصار", "نصير"), ("قرارات", "قرار"), ("خطب", "خطبة"), ("مقالات", "مقال"),
            ("بيانات", "بيان"), ("منشورات", "منشور"), ("صحف", "صحيفة"), ("جرائد", "جريدة"), ("محلات", "محل"), ("معارض", "معرض"),
            ("مكاسب", "مكسب"), ("حسابات", "حساب"), ("أمناء", "أمين"), ("رؤساء", "رئيس"), ("مسؤولين", "مسؤول"), ("موظفين", "موظف"),
        ]
        return Dictionary(pairs.map { (NameKeys.normalized($0.0), NameKeys.normalized($0.1)) }, uniquingKeysWith: { first, _ in first })
    }()

    /// The concepts that name actions: a first-person verb among them is the funder acting.
    static let actions: Set<String> = ["governance_act", "messaging_act", "handover", "political_act", "procure", "transfer"]

    /// Words that end in نا without being "our".
    static let notPossessive: Set<String> = ["مجانا", "احيانا", "حسنا", "اننا", "هاهنا", "شيانا"]

    /// The families `text` shows, each with the words that carried it.
    func classify(_ text: String) -> [Finding] {
        let all = Self.tokens(text)
        guard !all.isEmpty else { return [] }
        let reading = read(all)
        let modelReading = model?.read(text)
        let probabilities = modelReading?.families ?? [:]
        var found: [Finding] = Self.families.compactMap { family in
            let confidence = probabilities[family]
            if let positions = reading.carried[family], !positions.isEmpty {
                // The model, which has read the near-misses, may overrule a frame it finds
                // far from every text of the family; never the association's own phrase.
                if let model, let confidence, confidence < model.veto(family), !reading.byAssociation.contains(family) { return nil }
                var seen: Set<String> = []
                let words = positions.sorted().map { all[$0].surface }.filter { seen.insert($0).inserted }
                return Finding(family: family, words: words, confidence: confidence)
            }
            // What a block calls an ordinary request is one for the model too.
            guard let model, let confidence, confidence >= model.threshold, !reading.blocked.contains(family) else { return nil }
            return Finding(family: family, words: model.carryingWords(text, family: family), confidence: confidence, byFrame: false)
        }
        guard let model, let modelReading else { return found }
        // Sure it is a demand, though nothing above raised a family: the one the columns rate highest.
        if found.isEmpty, modelReading.demand >= model.sure,
           let (family, confidence) = modelReading.families.max(by: { $0.value < $1.value }),
           confidence >= model.least, !reading.blocked.contains(family) {
            found = [Finding(family: family, words: model.carryingWords(text, family: family), confidence: confidence, byFrame: false)]
        }
        // The demand column, which has read every near-miss against every demand, may call the
        // whole text ordinary; an association's own phrase still counts.
        if modelReading.demand < model.gate { found.removeAll { !reading.byAssociation.contains($0.family) } }
        // A text that leaves the choice to the association ("the choice is yours", بكيفهم) is
        // a near-miss unless the model by itself is sure of the family: frames met in it,
        // and the demand column's guess, do not count there.
        if modelReading.defers {
            found.removeAll { !reading.byAssociation.contains($0.family) && ($0.confidence ?? 0) < model.threshold }
        }
        return found
    }

    /// What the frames make of a text's words.
    struct Reading {
        /// Per family, the positions of the words a frame or cue found it by.
        var carried: [String: Set<Int>] = [:]
        /// The families a block line showed to be an ordinary request somewhere in the text.
        var blocked: Set<String> = []
        /// The families an association's own phrase found.
        var byAssociation: Set<String> = []
        /// The text keeps the money out of all politics alike (``keepsOutOfPolitics(_:politics:)``).
        var keptOutOfPolitics = false
    }

    func read(_ all: [Token]) -> Reading {
        var reading = Reading()
        let disclaimed = Self.disclaims(all)
        for window in Self.windows(all) {
            var present: [String: Set<Int>] = [:]
            var blocked: Set<String> = []
            var blockedUnless: [(family: String, concept: String)] = []
            var cued: [String: Set<Int>] = [:]
            for (role, positions) in matches(in: all, window: window) {
                switch role {
                case .concept(let name): present[name, default: []].formUnion(positions)
                case .cue(let family): cued[family, default: []].formUnion(positions)
                case .addition(let family):
                    reading.carried[family, default: []].formUnion(positions)
                    reading.byAssociation.insert(family)
                case .block(let family, nil): blocked.insert(family)
                case .block(let family, let concept?): blockedUnless.append((family, concept))
                }
            }
            for (family, concept) in blockedUnless where present[concept] == nil { blocked.insert(family) }
            if disclaimed { blocked.formUnion(Self.families) }
            let political = (present["politics"] ?? []).union(window.filter { all[$0].forms.contains(where: Self.politicalAdjectives.contains) })
            if Self.keepsOutOfPolitics(all, politics: political) {
                blocked.insert("political")
                reading.keptOutOfPolitics = true
            }
            // What the funder says it will not do is no demand ("we do not review its
            // statements", ولا نراجع بياناتها, nous ne relisons pas).
            for action in Self.actions {
                guard let positions = present[action] else { continue }
                let kept = positions.filter { !Self.declinedByFunder(all, at: $0) }
                present[action] = kept.isEmpty ? nil : kept
            }
            // A first-person verb among the frames' actions, or a possessive ـنا, is the funder.
            let acting = Self.actions.reduce(into: Set<Int>()) { $0.formUnion(present[$1] ?? []) }
            for index in window where all[index].possessive || (all[index].firstPersonVerb && acting.contains(index)) {
                present["agent", default: []].insert(index)
            }
            // A business of "ours" (معرضنا, مطبعتنا, قاعة أفراحنا) is the funder's circle.
            for index in present["business"] ?? [] where all[index].possessive || (index + 1 < window.upperBound && all[index + 1].possessive) {
                present["circle", default: []].insert(index)
            }
            for (family, positions) in cued where !blocked.contains(family) { reading.carried[family, default: []].formUnion(positions) }
            for frame in frames where !blocked.contains(frame.family) && Self.eachOnItsOwnWord(frame.concepts, present) {
                for concept in frame.concepts { reading.carried[frame.family, default: []].formUnion(present[concept]!) }
            }
            reading.blocked.formUnion(blocked)
        }
        return reading
    }

    /// Whether every concept of a frame is present on a word of its own: "vote" is both a
    /// political word and a political act, and توظيف both an act of governance and its
    /// object, but one word is not a frame. The funder (`agent`) may sit on a word that does
    /// something else (موافقتنا is "our approval", نراجع "we review").
    static func eachOnItsOwnWord(_ concepts: [String], _ present: [String: Set<Int>]) -> Bool {
        guard concepts.allSatisfy({ present[$0] != nil }) else { return false }
        let needed = concepts.filter { $0 != "agent" }.map { present[$0]! }.sorted { $0.count < $1.count }
        func assign(_ next: Int, _ used: Set<Int>) -> Bool {
            guard next < needed.count else { return true }
            return needed[next].contains { !used.contains($0) && assign(next + 1, used.union([$0])) }
        }
        return assign(0, [])
    }

    /// A short text is read whole; a long one two sentences at a time, so words far apart
    /// in a long note do not make a frame together.
    static func windows(_ tokens: [Token]) -> [Range<Int>] {
        guard tokens.count > 40 else { return [0..<tokens.count] }
        let ends = tokens.indices.filter { tokens[$0].endsSentence }.map { $0 + 1 }
        let starts = [0] + ends.dropLast()
        guard starts.count > 1 else { return [0..<tokens.count] }
        return (0..<(starts.count - 1)).map { starts[$0]..<ends[$0 + 1] }
    }
}
