internal import Foundation

/// The derived keys that search and duplicate detection use instead of names as typed.
///
/// - ``normalized(_:)``: Arabic-aware and accent-blind: `محمّد` and `محمد`, `أحمد` and
///   `احمد`, `فاطمة` and `فاطمه`, `José` and `jose` give the same key.
/// - ``skeleton(_:)``: a cross-script consonant key: `محمد`, `Mohammed` and `Muhammad` all
///   give `MHMD`.
///
/// The rules carry a ``version``; stored keys record the version that made them, so a rule
/// change is rolled out by recomputing the keys of older rows.
public enum NameKeys {
    /// Bumped whenever ``normalized(_:)`` or ``skeleton(_:)`` changes its output; `sanad db
    /// migrate` then recomputes older rows (``NameKeyBackfill``).
    ///
    /// 2: the article joined to a Latin name (Elhassan, Alkhoury) and assimilated (Ash-Shami)
    /// is dropped as a separate one is. (dh and z, which stand for ذ ظ ض in different
    /// countries, are told apart here and folded together only when names are compared.)
    ///
    /// 3: a third key, the sound of the name (``NameSounds/key(_:)``).
    public static let version: Int16 = 3

    /// NFKC; drops tashkeel, Quranic marks, tatweel and invisible format characters; unifies
    /// alef, yaa, taa marbuta, hamza seats and keheh; turns Arabic-Indic and Persian digits
    /// into ASCII; lowercases Latin and removes its accents; keeps letters and digits, with
    /// one space between words.
    public static func normalized(_ text: String) -> String {
        // NFKC folds presentation forms (ﻣﺤﻤﺪ) and ligatures; NFD then splits every mark off
        // its base letter, so one pass drops tashkeel, hamza above/below, madda and accents.
        let decomposed = text.precomposedStringWithCompatibilityMapping.decomposedStringWithCanonicalMapping
        var result = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in decomposed.unicodeScalars {
            let category = scalar.properties.generalCategory
            if category == .nonspacingMark || category == .enclosingMark || category == .spacingMark || category == .format {
                continue
            }
            if scalar.value == 0x0640 || scalar.value == 0x0621 || scalar == "'" || scalar == "\u{2019}" || scalar == "`" {
                continue  // tatweel, a bare hamza, apostrophes (Sa'id, Ma'mun)
            }
            let mapped = Self.unified(scalar)
            guard mapped.properties.isAlphabetic || mapped.properties.numericType == .decimal else {
                pendingSpace = !result.isEmpty
                continue
            }
            if pendingSpace {
                result.append(" ")
                pendingSpace = false
            }
            for lower in mapped.properties.lowercaseMapping.unicodeScalars {
                result.append(lower)
            }
        }
        return String(result)
    }

    private static func unified(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        switch scalar.value {
        case 0x0622, 0x0623, 0x0625, 0x0671, 0x0672, 0x0673: return "\u{0627}"  // alef forms → ا
        case 0x0649, 0x06CC, 0x0626, 0x06D0: return "\u{064A}"                   // ى ی ئ → ي
        case 0x0629, 0x06C0, 0x06C1, 0x06D5: return "\u{0647}"                   // ة ۀ ہ ە → ه
        case 0x0624: return "\u{0648}"                                           // ؤ → و
        case 0x06A9, 0x06AA: return "\u{0643}"                                   // ک → ك
        case 0x0660...0x0669: return Unicode.Scalar(scalar.value - 0x0660 + 0x30)!  // Arabic-Indic digits
        case 0x06F0...0x06F9: return Unicode.Scalar(scalar.value - 0x06F0 + 0x30)!  // Persian digits
        default: return scalar
        }
    }

    /// Consonant classes shared by Arabic letters and their usual Latin transliterations:
    /// vowels, alef, waw, yaa and ain vanish; doubled letters count once; a final h (taa
    /// marbuta, Fatimah) is dropped. The article is dropped (a separate "al"/"el", or
    /// Arabic ال at the start of a word), and abd and abu join the next word, so
    /// "Abd al-Rahman", "عبد الرحمن", "Abdulrahman" and "Abdurrahman" meet, as do
    /// "Al-Shami", "الشامي" and "Chami". Long vowels vanish too, so عمر and عامر share a
    /// key: the key finds candidates, the normalized key and other evidence decide.
    public static func skeleton(_ text: String) -> String {
        skeleton(normalized: normalized(text))
    }

    /// Words that are the article on their own.
    private static let articles: Set<Substring> = ["al", "el", "ul", "ال"]
    /// The article assimilated to a sun letter, written apart: "Ash-Shami", "Ar-Rahman".
    private static let assimilatedArticles: [Substring: Character] = [
        "ash": "s", "as": "s", "ar": "r", "az": "z", "ad": "d", "at": "t", "an": "n", "ath": "t", "adh": "d",
    ]
    /// Latin names that start with al, el or ul without the article.
    private static let latinNamesLikeArticle: Set<Substring> = [
        "albert", "alberto", "albertine", "alfred", "alfredo", "alban", "alden", "alfons", "alphonse", "alston", "alwyn",
        "elbert", "elmer", "elton", "elwood", "elspeth", "ulrich", "ulrike", "almond", "alster", "elgin", "elkins",
    ]

    /// A Latin word that carries the article joined to it ("elhassan", "alkhoury"): the name
    /// without it. Only before a consonant and with at least four letters left, so Ali,
    /// Alaa, Elias and Elie keep their letters.
    private static func withoutJoinedArticle(_ word: Substring) -> Substring {
        guard word.count >= 6, let first = word.unicodeScalars.first, first.isASCII,
              word.hasPrefix("al") || word.hasPrefix("el") || word.hasPrefix("ul"),
              !latinNamesLikeArticle.contains(word) else { return word }
        let rest = word.dropFirst(2)
        guard let next = rest.first, !"aeiouy".contains(next) else { return word }
        return rest
    }
    /// Words that belong with the next one ("Abd al-Rahman", "Abu Bakr").
    private static let joiningPrefixes: Set<Substring> = ["abd", "abdel", "abdul", "abdal", "abu", "abou", "abo", "عبد", "ابو"]
    /// Names that start with ال without it being the article.
    private static let notArticle: Set<Substring> = ["الياس", "اليسا", "اليسار", "الهام"]

    /// ``skeleton(_:)`` of text already passed through ``normalized(_:)``.
    public static func skeleton(normalized key: String) -> String {
        var words: [String] = []
        var carried = ""
        let allWords = key.split(separator: " ")
        for (position, rawWord) in allWords.enumerated() {
            if articles.contains(rawWord) { continue }
            if let letter = assimilatedArticles[rawWord], position + 1 < allWords.count, allWords[position + 1].first == letter { continue }
            var word = withoutJoinedArticle(rawWord)
            if word.hasPrefix("ال"), word.count > 3, !notArticle.contains(word) { word = word.dropFirst(2) }
            let code = consonants(of: word)
            if code.isEmpty { continue }
            if joiningPrefixes.contains(rawWord) {
                carried += code
                continue
            }
            words.append(withoutArticleAfterAbd(collapsed(carried + code)))
            carried = ""
        }
        if !carried.isEmpty { words.append(withoutArticleAfterAbd(collapsed(carried))) }
        return words.joined(separator: " ")
    }

    /// "Abd al-Rahman" is also written "Abdurrahman", the article assimilated to the next
    /// letter; dropping the article after abd makes both spellings meet.
    private static func withoutArticleAfterAbd(_ key: String) -> String {
        guard key.hasPrefix("BDL") else { return key }
        return "BD" + key.dropFirst(3)
    }

    private static func consonants(of word: Substring) -> String {
        var codes: [Character] = []
        let scalars = Array(word.unicodeScalars)
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            let next = index + 1 < scalars.count ? scalars[index + 1] : nil
            if scalar.isASCII, next == "h", let digraph = Self.latinDigraphs[scalar] {
                codes.append(contentsOf: digraph)
                index += 2
                continue
            }
            if let code = Self.letterClasses[scalar] {
                codes.append(contentsOf: code)
            } else if scalar.properties.numericType == .decimal {
                codes.append(Character(scalar))
            }
            index += 1
        }
        if codes.count > 1, codes.last == "H" { codes.removeLast() }
        return String(codes)
    }

    private static func collapsed(_ key: String) -> String {
        var result = ""
        for character in key where character != result.last {
            result.append(character)
        }
        return result
    }

    /// Other Latin spellings of the same Arabic name, for search: ذ written z or dh (Zikra,
    /// Dhikra), and a compound with Allah or ad-Din written as one word (Nasrallah for
    /// نصر الله, Nasreddine for نصر الدين). Empty for Arabic text or when there is none.
    public static func latinSpellings(of query: String) -> [String] {
        let words = normalized(query).split(separator: " ").map(String.init)
        guard !words.isEmpty, words.allSatisfy({ $0.unicodeScalars.allSatisfy(\.isASCII) }) else { return [] }
        var spellings: [String] = []
        // z and dh, each way, in one word at a time (Zaki and Dhaki, Dhikra and Zikra).
        for (index, word) in words.enumerated() {
            for (from, to) in [("dh", "z"), ("z", "dh")] where word.contains(from) {
                var changed = words
                changed[index] = word.replacingOccurrences(of: from, with: to)
                spellings.append(changed.joined(separator: " "))
            }
        }
        // Compounds written as one word.
        let endings = ["allah", "ullah", "illah", "ellah", "eddine", "eddin", "uddin", "iddine", "aldin", "eldin"]
        var split = words
        var splitAny = false
        for (index, word) in words.enumerated() {
            guard let ending = endings.first(where: { word.hasSuffix($0) && word.count >= $0.count + 3 }) else { continue }
            let stem = String(word.dropLast(ending.count))
            guard !["abd", "abdel", "abdul", "abdal"].contains(stem) else { continue }  // Abdallah already reads as one name
            split[index] = stem + " " + (ending.hasSuffix("lah") ? "allah" : "eddine")
            splitAny = true
        }
        if splitAny { spellings.append(split.joined(separator: " ")) }
        return Array(Set(spellings)).sorted()
    }

    static let latinDigraphs: [Unicode.Scalar: String] = [
        "k": "K", "s": "S", "c": "S", "t": "T", "d": "D", "g": "G", "p": "F", "z": "Z",
    ]

    static let letterClasses: [Unicode.Scalar: String] = {
        var classes: [Unicode.Scalar: String] = [:]
        let latin: [Character: String] = [
            "b": "B", "p": "B", "t": "T", "j": "J", "g": "J", "h": "H", "k": "K", "q": "K", "c": "K",
            "d": "D", "r": "R", "z": "Z", "s": "S", "f": "F", "v": "F", "l": "L", "m": "M", "n": "N",
            "x": "KS",
        ]
        for (letter, code) in latin { classes[letter.unicodeScalars.first!] = code }
        let arabic: [UInt32: String] = [
            0x0628: "B", 0x067E: "B", 0x062A: "T", 0x062B: "T", 0x062C: "J", 0x0686: "J", 0x062D: "H",
            0x062E: "K", 0x062F: "D", 0x0630: "D", 0x0631: "R", 0x0632: "Z", 0x0698: "Z", 0x0633: "S",
            0x0634: "S", 0x0635: "S", 0x0636: "D", 0x0637: "T", 0x0638: "Z", 0x063A: "G", 0x0641: "F",
            0x06A4: "F", 0x0642: "K", 0x0643: "K", 0x06AF: "J", 0x0644: "L", 0x0645: "M", 0x0646: "N",
            0x0647: "H",
        ]
        for (value, code) in arabic { classes[Unicode.Scalar(value)!] = code }
        return classes
    }()
}
