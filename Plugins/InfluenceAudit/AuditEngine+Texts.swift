internal import Foundation
internal import Postgres
internal import SanadCore

/// Reading gift conditions and funders' notes for the condition rules: the classifier's
/// families per text, in a temp table the rules join.
extension AuditEngine {
    /// Every gift condition and funder's note the condition rules look at, read by the
    /// classifier (frames, with the association's own lexicon phrases on top) into
    /// `audit_text_families`: one row per text and family, with the words that carried it.
    func classifyTexts() throws {
        let additions = try transaction.query("SELECT category, phrase FROM audit_lexicon").map { try $0.decode(String.self, String.self) }
            .map { (category: $0.0, phrase: $0.1) }
        var texts: [(source: String, id: Int64, text: String)] = []
        try transaction.stream("""
            SELECT 'conditions', id, conditions FROM audit_gifts WHERE conditions IS NOT NULL AND occurred_at >= \(previousStart)
            UNION ALL
            SELECT 'notes', i.id, i.notes FROM interactions i
            WHERE i.notes IS NOT NULL AND i.occurred_at >= \(previousStart)
              AND EXISTS (SELECT 1 FROM audit_groups g JOIN audit_gifts f ON f.group_key = g.group_key WHERE g.contact_id = i.contact_id)
            """) { row in
            let (source, id, text) = try row.decode(String.self, Int64.self, String.self)
            texts.append((source, id, text))
        }
        try transaction.execute("""
            CREATE TEMP TABLE audit_text_families (source text, id bigint, category text, phrases text[], confidence numeric,
                                                   by_frame boolean, PRIMARY KEY (source, id, category)) ON COMMIT DROP
            """)
        let classifier = ConditionClassifier.builtIn.adding(additions)
        try transaction.copyIn("COPY audit_text_families FROM STDIN") { writer in
            for text in texts {
                for finding in classifier.classify(text.text) {
                    try writer.writeRow([text.source, String(text.id), finding.family, Self.arrayLiteral(finding.words),
                                         finding.confidence.map { String(format: "%.4f", $0) }, finding.byFrame ? "t" : "f"])
                }
            }
        }
    }

    /// A text[] in COPY's text form: `{"a","b"}`, quotes and backslashes escaped.
    static func arrayLiteral(_ words: [String]) -> String {
        "{" + words.map { word in
            "\"" + word.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }.joined(separator: ",") + "}"
    }
}
