/// How a name sounds, roughly, in either script: consonant classes (those of
/// ``NameKeys/skeleton(_:)``) with the vowels kept as three classes (a, i, u). Arabic writes
/// long vowels (ا و ي ى) and leaves short ones out; Latin writes both: the comparison
/// (``similarity(_:_:)``) lets a vowel appear on one side only at a small cost, so
/// "Youssef" and يوسف, "Layla" and ليلى, "Haddad" and حداد sound alike, while "Husseini"
/// and حسن, or "Hoda" and حداد, do not.
///
/// It ranks the candidates search finds; it finds none itself, and it is computed when a
/// search runs, so it stores nothing and needs no key version.
public enum NameSounds {
    /// One token: a consonant class (`B`, `D`, `S`, ...) or a vowel (`a`, `i`, `u`).
    typealias Word = [Character]

    /// The words of a name, the article left out, as tokens.
    static func words(_ text: String) -> [Word] {
        // A final alef maqsura sounds a (ليلى, هدى), which the name key writes as yaa.
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars { scalars.append(scalar == "\u{0649}" ? "\u{0627}" : scalar) }
        return NameKeys.normalized(String(scalars)).split(separator: " ").compactMap { raw -> Word? in
            var word = Substring(raw)
            if ["al", "el", "ul", "ال"].contains(word) { return nil }
            if word.hasPrefix("ال"), word.count > 3 { word = word.dropFirst(2) }
            if word.count >= 6, word.first?.isASCII == true, (word.hasPrefix("al") || word.hasPrefix("el")),
               let next = word.dropFirst(2).first, !"aeiouy".contains(next) {
                word = word.dropFirst(2)
            }
            let tokens = tokens(of: word)
            return tokens.isEmpty ? nil : tokens
        }
    }

    /// The vowel a run of vowel letters stands for: ei, ay, ai and يا sound i; ou, oo, aw
    /// and يو sound u only without an i; a single letter is itself.
    private static func vowel(of run: [Character]) -> Character? {
        guard let first = run.first else { return nil }
        if run.count == 1 { return first }
        if run.contains("i") { return "i" }
        if run.contains("u") { return "u" }
        return "a"
    }

    private static func tokens(of word: Substring) -> Word {
        var tokens: Word = []
        var run: [Character] = []
        func flush() {
            if let vowel = vowel(of: run), tokens.last != vowel { tokens.append(vowel) }
            run.removeAll()
        }
        func add(_ consonant: Character) {
            flush()
            if tokens.last != consonant { tokens.append(consonant) }  // a doubled letter counts once
        }
        let scalars = Array(word.unicodeScalars)
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            let next = index + 1 < scalars.count ? scalars[index + 1] : nil
            let isLast = index == scalars.count - 1
            switch scalar {
            case "a", "e": run.append("a")
            case "i", "y": run.append("i")
            case "o", "u", "w": run.append("u")
            case "h" where isLast && index > 0 && "aeiou".unicodeScalars.contains(scalars[index - 1]):
                break  // Sarah, Fatimah: a final h after a vowel is the taa marbuta's
            case "\u{0627}", "\u{0639}": run.append("a")  // ا ع
            case "\u{064A}": run.append("i")  // ي
            case "\u{0648}": run.append("u")  // و
            case "\u{0647}" where isLast: run.append("a")  // final ه (ة): Fatima, فاطمة
            default:
                if scalar.isASCII, next == "h", let digraph = NameKeys.latinDigraphs[scalar]?.first {
                    add(digraph)
                    index += 2
                    continue
                }
                if let code = consonant(scalar) { add(code) }
            }
            index += 1
        }
        flush()
        return tokens
    }

    /// The consonant class of a letter: the skeleton's (``NameKeys``), except that ذ sounds z
    /// (Zikra, ذكرى) and x one k, since here each class is one token.
    private static func consonant(_ scalar: Unicode.Scalar) -> Character? {
        if scalar == "\u{0630}" { return "Z" }
        return NameKeys.letterClasses[scalar]?.first
    }

    /// How alike two words sound, 0 to 1: an edit distance where a vowel present on one side
    /// only costs little (Arabic leaves short vowels out), another vowel a little more, and a
    /// consonant a whole step.
    static func isVowel(_ token: Character) -> Bool { token == "a" || token == "i" || token == "u" }

    static func similarity(_ a: Word, _ b: Word) -> Double {
        guard !a.isEmpty, !b.isEmpty else { return 0 }
        func gap(_ token: Character) -> Double { isVowel(token) ? 0.3 : 1 }
        var previous = [0.0]
        for token in b { previous.append(previous.last! + gap(token)) }
        for x in a {
            var current = [previous[0] + gap(x)]
            for (j, y) in b.enumerated() {
                let change: Double = x == y ? 0 : (isVowel(x) && isVowel(y) ? 0.4 : 1)
                current.append(min(previous[j] + change, previous[j + 1] + gap(x), current[j] + gap(y)))
            }
            previous = current
        }
        let consonantsA = a.filter { !isVowel($0) }.count
        let consonantsB = b.filter { !isVowel($0) }.count
        let vowels = max(a.count - consonantsA, b.count - consonantsB)
        let length = Double(max(consonantsA, consonantsB, 1)) + 0.3 * Double(vowels)
        let distance: Double = previous[previous.count - 1]
        return max(0, 1 - distance / length)
    }

    /// The stored sound key: each word's tokens, lowercased (pg_trgm folds case; the vowel
    /// letters a, i, u are no consonant class, so nothing collides), one space between words.
    public static func key(_ text: String) -> String {
        keyWords(text).map { String($0) }.joined(separator: " ")
    }

    /// The words of a name as its stored key writes them (lowercase tokens).
    static func keyWords(_ text: String) -> [Word] {
        words(text).map { Array(String($0).lowercased()) }
    }

    /// How well a search's words (``keyWords(_:)``) sound like a name whose stored key is
    /// `key`: each query word against the name word it sounds most like, averaged.
    public static func similarity(queryWords: [[Character]], key: String) -> Double {
        let nameWords = key.split(separator: " ").map(Array.init)
        guard !queryWords.isEmpty, !nameWords.isEmpty else { return 0 }
        let total = queryWords.reduce(0.0) { sum, word in sum + (nameWords.map { similarity(word, $0) }.max() ?? 0) }
        return total / Double(queryWords.count)
    }

    /// How well a search's words sound like a name's: each query word against the name word
    /// it sounds most like, averaged.
    public static func similarity(query: String, name: String) -> Double {
        similarity(queryWords: keyWords(query), key: key(name))
    }
}
