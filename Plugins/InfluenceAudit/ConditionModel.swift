internal import Foundation
internal import SanadCore

/// A trained model beside the frames: logistic regression over the character n-grams (3 to
/// 5 characters of each word with its edges) of the normalized text, one per family. It
/// catches phrasings whose words the frames do not list but whose pieces it has seen
/// (موافقتنا and نوافق share موافق; countersign holds sign). Its weights ship in
/// `ConditionModelWeights.swift`, rebuilt by `scripts/train-classifier` from the labelled corpus;
/// reading stays Swift.
///
/// Features: each distinct n-gram counts 1, the vector divided by the square root of the
/// number of distinct n-grams (so it needs no vocabulary here); the score of a family is
/// its intercept plus the weights of the n-grams present, through the logistic function.
///
/// The model is dense (L2, every n-gram of the training texts keeps a weight): a sparse one
/// generalized worse to new text. To keep the file small, each weight is one of 63 steps,
/// written as one character (`@` is −31 steps, `_` zero, `~` +31).
struct ConditionModel: Sendable {
    let families: [String]
    let intercepts: [Double]
    let weights: [String: [Double]]
    /// The probability from which the model raises a family alone: the lowest that kept its
    /// false alarms on normal conditions at or under 5% out of fold (scripts/classifier/model.py).
    let threshold: Double
    /// How many training texts the training script found the model raising, per family.
    let raisedInTraining: [Int]
    /// Per family, the probability under which a frame's finding is dropped: so low that the
    /// model, out of fold, gave it to only 2% of the family's own training texts.
    let vetoes: [String: Double]
    /// A last column, beside the families, tells a demand of any family from a normal
    /// condition. Under `gate` (what it gave, out of fold, to only 1.5% of the labelled demands)
    /// a text is ordinary, whatever the frames or a family's column read in it.
    let gate: Double
    /// How many training texts the training script found passing the gate.
    let passedInTraining: Int?
    /// Where neither the frames nor a family's column raise anything, but the demand column
    /// is at least `sure` (a height it reached, out of fold, on only 1% of the normal
    /// conditions), the family rated highest is raised if its column gives it `least`.
    let sure: Double
    let least: Double

    func veto(_ family: String) -> Double { vetoes[family] ?? 0 }

    static let builtIn = ConditionModel(tsv: shippedWeights)

    /// `@families\tgovernance\t…`, `@gate\tp`, `@sure\tp\tleast`, `@intercepts\t…`, `@threshold\tp`, `@vetoes\t…`,
    /// `@step\ts`, then `gram\tCCCCCCC` lines: one character per family and one for demand, a
    /// weight being `(scalar − 0x5F) × step`.
    /// The settings are marked with `@`, which no n-gram holds: an n-gram can spell `step`.
    init(tsv: String) {
        var families: [String] = []
        var intercepts: [Double] = []
        var threshold = 1.0
        var step = 0.0
        var steps: [String: String.UnicodeScalarView] = [:]
        var raised: [Int] = []
        var vetoes: [Double] = []
        var gate: Double?
        var sure = [2.0, 1.0]
        for line in tsv.split(separator: "\n") where !line.hasPrefix("#") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count >= 2 else { continue }
            switch fields[0] {
            case "@families": families = Array(fields.dropFirst())
            case "@intercepts": intercepts = fields.dropFirst().compactMap(Double.init)
            case "@threshold": threshold = Double(fields[1]) ?? 1
            case "@step": step = Double(fields[1]) ?? 0
            case "@raised": raised = fields.dropFirst().compactMap(Int.init)
            case "@vetoes": vetoes = fields.dropFirst().compactMap(Double.init)
            case "@gate": gate = Double(fields[1])
            case "@sure": sure = fields.dropFirst().compactMap(Double.init)
            default: steps[fields[0]] = fields[1].unicodeScalars
            }
        }
        let weights = steps.mapValues { $0.map { (Double($0.value) - 0x5F) * step } }
        // A model written before the demand column reads as one whose gate lets all through.
        let columns = families.count + (gate == nil ? 0 : 1)
        self.families = families
        self.gate = gate ?? 0
        self.sure = sure.first ?? 2
        self.least = sure.count > 1 ? sure[1] : 1
        self.raisedInTraining = Array(raised.prefix(families.count))
        self.passedInTraining = gate != nil && raised.count > families.count ? raised[families.count] : nil
        self.vetoes = vetoes.count == families.count ? Dictionary(uniqueKeysWithValues: zip(families, vetoes)) : [:]
        self.intercepts = intercepts.count == columns ? intercepts : Array(repeating: 0, count: columns)
        self.weights = weights.filter { $0.value.count == columns }
        self.threshold = threshold
    }

    /// The words of the normalized text (`NameKeys.normalized`), as the model reads them.
    static func words(_ text: String) -> [String] {
        NameKeys.normalized(text).split(separator: " ").map(String.init)
    }

    /// The distinct n-grams of `text`: 3 to 5 characters of each word padded with a space
    /// on each side, and for a word in the scope of a negation ("we do not review", لا نطلب
    /// أي بيانات) the same n-grams again marked `¬`. The training script reads exactly these.
    ///
    /// Without the mark, "we will not ask for the beneficiaries' data" is the same bag of
    /// n-grams as a demand for that data: the near-misses that disclaim a demand read as the
    /// demand. Replayed over fresh-4 to fresh-31, the mark took false alarms from 10.8% to
    /// 10.1%, recall within 0.02 either way (the plugin's README). The plain n-grams stay
    /// beside the marked ones: a word read as negated by mistake keeps what it weighs.
    static func features(_ text: String) -> [String] {
        var seen: Set<String> = []
        var found: [String] = []
        let scoped = wordsInScope(text)
        for (word, negated) in scoped {
            for gram in grams(of: word, negated: negated) where seen.insert(gram).inserted { found.append(gram) }
        }
        if defers(words: scoped.map(\.word)) { found.append(deferenceFeature) }
        return found
    }

    /// One feature for a text that leaves the choice to the association or its people
    /// ("the choice is yours", قراركن, بكيفهم, "if they wish", ما منتدخل): the near-misses
    /// that mirror a demand ("who chairs the volunteers' committee is your decision, just
    /// tell us the name") say so, and a demand almost never does. Phrases that also open a
    /// threat ("if you want the grant to go on", إذا بدكن) are left out.
    static let deferenceFeature = "¤defer"

    static func defers(_ text: String) -> Bool { defers(words: words(text)) }

    /// Whether the normalized words hold one of the deference phrases, found by its first word.
    static func defers(words textWords: [String]) -> Bool {
        textWords.indices.contains { start in
            deferencePhrasesByFirstWord[textWords[start], default: []].contains { phrase in
                start + phrase.count <= textWords.count && textWords[start..<(start + phrase.count)].elementsEqual(phrase)
            }
        }
    }

    static let deferencePhrasesByFirstWord = Dictionary(grouping: deferencePhrases, by: { $0[0] })

    static let deferencePhrases: [[String]] = [
        "your decision", "your call", "your choice", "up to you", "choice is yours", "are yours", "your business",
        "internal matter", "if they want", "if they wish", "if you wish", "if your board agrees", "whichever",
        "not a condition", "no obligation", "whatever you decide", "whatever your board decides", "when your board appoints", "when your board elects", "once your board has chosen", "quoi que vous décidiez", "no view on", "aucun avis", "optional", "voluntary", "as your bylaws",
        "à vous de", "votre choix", "votre décision", "libre à vous", "si vous le souhaitez", "facultatif", "facultative",
        "قراركم", "قراركن", "قرارك", "القرار لكم", "القرار إلكم", "القرار الكم", "القرار إلكن", "القرار فيه لكم", "لكم وحدكم",
        "بكيفكم", "بكيفكن", "بكيفهم", "بكيفك", "بكيفهن", "براحتكم", "براحتهم", "براحتكن", "براحتك", "على راحتكم",
        "شأن داخلي", "شأنكم", "شغلكن", "شغلكم", "شغلتكن", "شغلتكم", "خياركم", "خيارهن", "خيارهم", "خياركن",
        "مو شرط", "مش شرط", "ليس شرطا", "مش إجباري", "اختياري", "إن رغبتم", "إذا رغبتم", "لو حبوا", "إذا يبون",
        "إذا حبيتوا", "يرجع لكم", "يرجع لمجلسكم", "يرجع لكن", "ما إلنا علاقة", "ما لنا علاقة", "ما منتدخل", "لا نتدخل",
        "ما نتدخل", "ما بنتدخل", "مش هنتدخل", "حسب نظامكم", "حسب لوائحكم", "نظامكم الداخلي", "أهلا بيهم", "حياه الله",
        "أهلا وسهلا", "إذا بدهن", "إذا بدهم", "لو حابين", "إذا حابين",
        "حياهم الله", "من صلاحيات الجمعية", "شو ما قررتوا", "مهما قررتوا", "مهما قررتم", "من صلاحياتكم", "من صلاحيات مجلسكم",
    ].map(words)

    static func grams(of word: String, negated: Bool) -> [String] {
        let plain = grams(of: word)
        return negated ? plain + plain.map { "¬" + $0 } : plain
    }

    /// The words of `text` in order (as ``words(_:)`` gives them), each with whether it
    /// stands after a negation in its clause. A clause ends at punctuation or at "but",
    /// بس, لكن, mais; ما after قبل, بعد, حتى, زي … is "before", "after", "as", no negation.
    static func wordsInScope(_ text: String) -> [(word: String, negated: Bool)] {
        var result: [(word: String, negated: Bool)] = []
        for clause in text.split(whereSeparator: { ".,;:!?\n،؛؟()".contains($0) }) {
            var negated = false
            let clauseWords = words(String(clause))
            for (index, word) in clauseWords.enumerated() {
                if contrasts.contains(word) { negated = false }
                result.append((word, negated))
                let bare = word.hasPrefix("و") && word.count > 2 ? String(word.dropFirst()) : word
                if negations.contains(word) || negations.contains(bare) {
                    let previous = index > 0 ? clauseWords[index - 1] : ""
                    if bare == "ما" && notNegatingMa.contains(previous) { continue }
                    negated = true
                }
            }
        }
        return result
    }

    /// The frames' Arabic negations (`ConditionClassifier.arabicNegations`) and more: the
    /// model marks every word after one, where the frames only ask whether the funder declines.
    static let negations: Set<String> = ConditionClassifier.arabicNegations.union([
        "not", "no", "never", "nor", "none", "without", "cannot", "dont", "doesnt", "didnt", "wont", "cant", "isnt", "arent",
        "shouldnt", "wouldnt", "neednt", "mustnt", "wasnt", "werent",
        "ne", "pas", "aucun", "aucune", "jamais", "ni", "sans",
        "مب", "ليس", "ليست", "مافي", "ماحد", "بدون", "دون",
    ])
    static let contrasts: Set<String> = ["but", "however", "instead", "rather", "mais", "بس", "لكن", "ولكن", "بل"]
    /// ما is no negation after the frames' "before" and "until" (`ConditionClassifier.timeBeforeMa`),
    /// nor after "as", "all that", "according to" (زي ما, كل ما, حسب ما).
    static let notNegatingMa = ConditionClassifier.timeBeforeMa.union(ConditionClassifier.keys(["كل", "زي", "متل", "مثل", "حسب", "بحسب", "على"]))

    static func grams(of word: String) -> [String] {
        let padded = Array(" " + word + " ")
        var result: [String] = []
        for length in 3...5 where padded.count >= length {
            for start in 0...(padded.count - length) {
                result.append(String(padded[start..<(start + length)]).replacingOccurrences(of: " ", with: "_"))
            }
        }
        return result
    }

    /// The model's reading of a text: each family's probability, and how much of a demand
    /// of any family the text is.
    struct Reading {
        var families: [String: Double] = [:]
        var demand = 1.0
        /// The text leaves the choice to the association (``defers(_:)``).
        var defers = false
    }

    func read(_ text: String) -> Reading {
        let grams = Self.features(text)
        guard !grams.isEmpty, !families.isEmpty else { return Reading() }
        let scale = 1 / Double(grams.count).squareRoot()
        var scores = intercepts
        for gram in grams {
            guard let row = weights[gram] else { continue }
            // A feature of the whole text counts once, not as one n-gram among many.
            let value = gram == Self.deferenceFeature ? 1 : scale
            for index in scores.indices { scores[index] += row[index] * value }
        }
        let probabilities = scores.map { 1 / (1 + exp(-$0)) }
        return Reading(families: Dictionary(uniqueKeysWithValues: zip(families, probabilities)),
                       demand: probabilities.count > families.count ? probabilities[families.count] : 1,
                       defers: grams.last == Self.deferenceFeature)
    }

    /// The words that pushed `family` up most (those whose n-grams weigh most), for the
    /// finding's explanation.
    func carryingWords(_ text: String, family: String, limit: Int = 3) -> [String] {
        guard let column = families.firstIndex(of: family) else { return [] }
        let surfaces = text.split(whereSeparator: { $0.isWhitespace || $0.isPunctuation }).map(String.init)
        // The surfaces' words come in the order wordsInScope reads them, so each takes its
        // negation from there and weighs what it weighed in the reading.
        let scoped = Self.wordsInScope(text)
        var cursor = 0
        var scored: [(String, Double)] = []
        for surface in surfaces {
            var weight = 0.0
            for word in Self.words(surface) {
                let negated = cursor < scoped.count && scoped[cursor].word == word && scoped[cursor].negated
                cursor += 1
                weight += Self.grams(of: word, negated: negated).reduce(0) { $0 + (weights[$1]?[column] ?? 0) }
            }
            if weight > 0 { scored.append((surface, weight)) }
        }
        return scored.sorted { $0.1 > $1.1 }.prefix(limit).map(\.0)
    }
}
