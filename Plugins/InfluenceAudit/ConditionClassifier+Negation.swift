/// How the classifier reads a negation: an action the funder declines (a frame's action word
/// after "we do not", ولا نراجع), and a text in which the funder disclaims a request.
extension ConditionClassifier {
    /// Whether the word at `index` is an action the funder, speaking in the first person,
    /// says it will not take: "we do not review", "we won't", ولا نراجع, ما منراجع, nous ne.
    static func declinedByFunder(_ tokens: [Token], at index: Int) -> Bool {
        func forms(_ offset: Int) -> [String] { index - offset >= 0 ? tokens[index - offset].forms : [] }
        // قبل ما نراجعه is "before we review it": ما there is no negation.
        if tokens[index].firstPersonVerb, forms(1).contains(where: arabicNegations.contains),
           !forms(2).contains(where: timeBeforeMa.contains) { return true }
        if forms(1).contains(where: ["not", "never", "dont", "wont", "ne", "n"].contains) {
            return [forms(2), forms(3)].contains { $0.contains(where: ["we", "i", "nous", "je"].contains) }
        }
        return false
    }

    static let arabicNegations: Set<String> = ["لا", "ما", "مش", "مو", "لن", "لم", "مانا", "ماني"]

    /// Whether the funder says it does not ask for, require, review or step into something
    /// (لا نطلب أي بيانات, ما منراجع, لا يُشترط, "we will not ask", nous ne demandons), and
    /// makes no exception anywhere after ("unless", "without", "until", إلا, دون, قبل, sauf,
    /// "but", بس): such a text is read as a block line of every family would read it. The
    /// replay's near-misses disclaim a demand this way, in its words; no labelled demand does
    /// ("no need for other quotes" is no negated request, and a prohibition, لا تنشروا or
    /// "we don't want", asks something of the association).
    static func disclaims(_ tokens: [Token]) -> Bool {
        guard let negation = tokens.indices.dropLast().first(where: { negatesRequest(tokens, at: $0) }) else { return false }
        return !tokens[(negation + 1)...].contains { $0.forms.contains(where: disclaimerExceptions.contains) }
    }

    /// Whether the word at `index` is a negation and the next word a request the funder makes
    /// of itself or that the text makes impersonally (نطلب, يشترط; "we do not ask", "not required").
    static func negatesRequest(_ tokens: [Token], at index: Int) -> Bool {
        let word = tokens[index].key, next = tokens[index + 1].key
        let bare = word.hasPrefix("و") && word.count > 2 ? String(word.dropFirst()) : word
        if arabicNegations.contains(bare) {
            if bare == "ما", index > 0, maAfterIsNoNegation.contains(tokens[index - 1].key) { return false }
            // The funder named before the negation or right after the verb may speak of
            // itself as she (المؤسسة لا تتدخل, لا تتدخل المؤسسة المانحة).
            let funderNamed = (index > 0 && funderNouns.contains(tokens[index - 1].key))
                || (index + 2 < tokens.count && funderNouns.contains(tokens[index + 2].key))
            return arabicRequest(next, thirdPersonFeminine: funderNamed)
        }
        if ["not", "never", "dont", "doesnt", "wont", "didnt"].contains(word) {
            if ["required", "requested", "expected", "needed"].contains(next) { return true }
            let speaker = tokens[max(0, index - 3)..<index].contains { ["we", "i"].contains($0.key) || funderNouns.contains($0.key) }
            return speaker && englishRequests.contains { next.hasPrefix($0) }
        }
        // "nous ne demandons", "la fondation ne siège", not "pour que personne ne demande" (that nobody asks).
        if ["ne", "n"].contains(word), index > 0, ["nous", "je"].contains(tokens[index - 1].key) || funderNouns.contains(tokens[index - 1].key) {
            return frenchRequests.contains { next.hasPrefix($0) }
        }
        return false
    }

    /// The funder named as itself, the subject of "the foundation does not ask", المؤسسة لا
    /// تطلب, "la fondation ne demande".
    static let funderNouns = keys([
        "foundation", "trust", "donor", "funder", "sponsor", "grantor", "company", "bank",
        "fondation", "bailleur", "donateur", "mécène", "entreprise", "société",
        "المؤسسة", "المانح", "المانحة", "المتبرع", "الممول", "الممولة", "الشركة", "الجهة",
    ])

    /// Words as the tokens hold them (``Token/key``, ``Token/forms``): normalized as the model
    /// reads words (``ConditionModel/words(_:)``), so a list may be written as the words are
    /// spelt (المؤسسة, أية, nommé).
    static func keys(_ words: [String]) -> Set<String> { Set(words.flatMap(ConditionModel.words)) }

    /// A request verb in the first person or impersonal: the preverb (ب م ه ح) set aside,
    /// then ن or ي, then the stem; not the second person's ت, which forbids (لا تطلبوا),
    /// unless the funder is named beside it as the one who speaks (المؤسسة لا تطلب).
    static func arabicRequest(_ key: String, thirdPersonFeminine: Bool = false) -> Bool {
        var word = Substring(key)
        if let first = word.first, "بمهح".contains(first), let second = word.dropFirst().first, "نيت".contains(second) { word = word.dropFirst() }
        if word.hasPrefix("محتاج") { return true }
        guard let person = word.first, (thirdPersonFeminine ? "نيت" : "ني").contains(person) else { return false }
        return arabicRequestStems.contains { word.dropFirst().hasPrefix($0) }
    }

    /// ما is no negation after the model's "before", "as", "according to" (``ConditionModel/notNegatingMa``),
    /// nor after "without" (من غير ما نراجعها, بدون ما), "when" (وقت ما نحتاجهم) or "if" (إذا ما).
    static let maAfterIsNoNegation = ConditionModel.notNegatingMa.union(keys(["غير", "بدون", "بلا", "دون", "وقت", "يوم", "لما", "متى", "مهما", "طالما", "إذا", "لو", "أن"]))

    static let arabicRequestStems = ["طلب", "شترط", "راجع", "تدخل", "دخل", "حتاج", "فرض", "لزم"]
    static let englishRequests = ["ask", "requir", "request", "review", "interfer", "need", "expect", "demand", "insist", "nominat", "appoint", "sit", "seek"]
    static let frenchRequests = ["demand", "exig", "impos", "reli", "interv", "sieg", "nomm", "design"]
    /// After a disclaimer, these open an exception, a condition or a demand of its own ("we
    /// will not ask for more if your board appoints our candidate" is an offer with an if).
    /// The model's clause-turning words (``ConditionModel/contrasts``) count among them.
    static let disclaimerExceptions = ConditionModel.contrasts.union(keys([
        "unless", "until", "without", "before", "except", "if", "once",
        "إلا", "دون", "بدون", "قبل", "حتى", "لين", "لحد", "لحتى", "إذا", "لو",
        "sauf", "sans", "avant", "si", "plutôt",
    ]))
    /// After these, ما is "before", "after", "until" (قبل ما نراجعه): no negation.
    static let timeBeforeMa = keys(["قبل", "بعد", "لين", "حتى", "لحد", "لحتى"])
}
