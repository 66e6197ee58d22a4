/// How the classifier reads a restriction that keeps the money out of politics altogether.
extension ConditionClassifier {
    /// Whether every political word of the text (the positions of the concept `politics`)
    /// stands in a restriction that shuts out all of politics alike: "no grant money for any
    /// election campaign", ممنوع تستخدموا الفلوس في أي نشاط حزبي, "ne peuvent soutenir aucun
    /// candidat ni parti". That is a purpose restriction, as a political block line would
    /// read it. What tilts the field is no such restriction: one aimed at a rival or spares
    /// one ("no opposition candidate", أي مرشح آخر, "any candidate except ours", إلا مرشحنا,
    /// ne … que), so a qualifier beside the political word or an exception after the
    /// negation keeps the text political. No labelled political demand is read so
    /// (`ClassifierEvaluation.noPoliticalDemandNeutral`).
    static func keepsOutOfPolitics(_ tokens: [Token], politics: Set<Int>) -> Bool {
        guard !politics.isEmpty else { return false }
        // Each political word shut out, with the restriction that shuts it out.
        var shut: [Int: Int] = [:]
        for index in politics.sorted() {
            guard let restriction = restrictionShuttingOut(tokens, at: index, shut: shut) else { return false }
            shut[index] = restriction
        }
        return true
    }

    /// The restriction that shuts out the political word at `index`, if one does: a
    /// restriction within eight words before it and a word taking in all of its kind right
    /// before it ("any party", أي مرشح, aucun candidat) or after it ("of any kind"), or "or"
    /// joining it to a word already shut out (أي نشاط انتخابي أو حزبي); no rival, other or
    /// own beside it, and no exception after the restriction.
    static func restrictionShuttingOut(_ tokens: [Token], at index: Int, shut: [Int: Int]) -> Int? {
        func has(_ range: Range<Int>, _ words: Set<String>) -> Bool {
            tokens[range.clamped(to: tokens.indices)].contains { $0.forms.contains(where: words.contains) }
        }
        let joinedTo = index > 0 && tokens[index - 1].forms.contains(where: coordinators.contains)
            ? shut.first { (index - 3)..<index ~= $0.key }?.value : nil
        let found = joinedTo ?? ((index - 8)..<index).clamped(to: tokens.indices).first { position in
            // لا بد is "must", no negation.
            tokens[position].forms.contains(where: restrictions.contains)
                && !(tokens[position].key == "لا" && position + 1 < tokens.count && tokens[position + 1].key == "بد")
        }
        guard let restriction = found,
              joinedTo != nil || has((index - 3)..<index, universals) || has((index + 1)..<(index + 5), universalsAfter),
              !has((index - 2)..<(index + 3), rivalsAndOwn), !tokens[index].possessive,
              !has((restriction + 1)..<tokens.count, politicalExceptions) else { return nil }
        return restriction
    }

    /// Political words that are no frame's (a frame wants a party, a candidate, an election):
    /// "political campaigning of any kind" is shut out too.
    static let politicalAdjectives = keys(["political", "politique", "politiques", "سياسي", "سياسية", "السياسي", "السياسية"])

    /// A negation (``ConditionModel/negations``) or a word that forbids or keeps apart.
    static let restrictions = ConditionModel.negations.union(keys([
        "prohibited", "forbidden", "banned", "excluded", "neutral", "interdit", "interdite", "interdits", "exclu", "exclus", "neutre",
        "يحظر", "تحظر", "يمنع", "تمنع", "ممنوع", "منع", "حظر", "يمتنع", "تمتنع", "محايد", "محايدة", "حياد", "الحياد",
    ]))
    /// Words before a political word that take in all of its kind: any party, أي نشاط, aucun candidat ni parti.
    static let universals = keys(["any", "no", "nor", "neither", "all", "aucun", "aucune", "ni", "أي", "أية", "ولا", "كل"])
    /// The same, after it: "of any kind", "whatsoever", خالص, quel qu'il soit.
    static let universalsAfter = keys(["kind", "whatsoever", "soit", "quelconque", "أبدا", "إطلاقا", "خالص", "مطلقا", "نهائيا"])
    static let coordinators = keys(["or", "and", "ou", "et", "أو", "و"])
    /// A rival, another one, or the funder's own: the restriction favours someone.
    static let rivalsAndOwn = keys([
        "opposition", "rival", "rivals", "other", "opponent", "opponents", "our", "ours", "we",
        "autre", "autres", "adverse", "adverses", "notre", "nos",
        "المعارضة", "معارض", "معارضة", "منافس", "المنافس", "خصم", "الخصم", "آخر", "أخرى", "تاني", "تانية", "ثاني", "غيره",
    ])
    /// An exception after the restriction spares someone: "except ours", إلا مرشحنا, ne … que.
    static let politicalExceptions = ConditionModel.contrasts.union(keys([
        "except", "unless", "only", "besides", "apart", "save", "than",
        "sauf", "seulement", "excepté", "hormis", "que", "qu",
        "إلا", "غير", "سوى", "عدا", "فقط", "وحده", "بس",
    ]))
}
