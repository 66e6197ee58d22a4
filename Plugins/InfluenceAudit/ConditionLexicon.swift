/// The categories gift conditions and funders' notes are classified into
/// (``ConditionClassifier``, extended per association with `sanad audit lexicon add`).
enum ConditionLexicon {
    /// A plain purpose restriction is normal; every other category is a finding.
    static let categories = ["purpose"] + ConditionClassifier.families

    /// What the built-in classifier reads, for `sanad audit lexicon list`: each frame (the
    /// concepts that must meet) and each cue (words that mark a family on their own).
    static var builtIn: [(category: String, phrase: String, source: String)] {
        let classifier = ConditionClassifier.builtIn
        return classifier.frames.map { frame in
            (frame.family, frame.concepts.map { concept in
                "\(concept) (\(classifier.concepts[concept]?.count ?? 0) words)"
            }.joined(separator: " + "), "built-in frame")
        } + classifier.cues.map { ($0.family, $0.entry.text, "built-in cue") }
    }
}
