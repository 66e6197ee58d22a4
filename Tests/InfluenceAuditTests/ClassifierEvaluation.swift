import Foundation
@testable import InfluenceAudit
import Testing

/// The influence classifier measured on the corpus written for it (`Corpus/*.txt`: one
/// text per line, `families|variety|text`, families comma-separated, `purpose` for a normal
/// condition). Every fifth text was kept apart while the frames were written; the figures
/// on that part are the ones that count. `scripts/classifier-eval` prints them.
@Suite("Influence classifier on the labelled corpus")
struct ClassifierEvaluation {
    struct Sample {
        var families: Set<String>
        var variety: String
        var text: String
        var heldOut: Bool
    }

    static let samples: [Sample] = {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Corpus")
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".txt") }.sorted()
        var samples: [Sample] = []
        for file in files {
            let text = (try? String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)) ?? ""
            for line in text.split(separator: "\n") where !line.hasPrefix("#") {
                let parts = line.split(separator: "|", maxSplits: 2).map(String.init)
                guard parts.count == 3 else { continue }
                let families = Set(parts[0].split(separator: ",").map(String.init)).subtracting(["purpose"])
                samples.append(Sample(families: families, variety: parts[1], text: parts[2], heldOut: samples.count % 5 == 4))
            }
        }
        return samples
    }()

    struct Figures {
        var precision: Double
        var recall: Double
        var support: Int
    }

    /// Precision and recall per family, and for "purpose" (no steering family) the same;
    /// purpose's recall is one minus the false-alarm rate on normal conditions.
    static func figures(_ part: [Sample], _ classifier: ConditionClassifier) -> [String: Figures] {
        let predicted = part.map { Set(classifier.classify($0.text).map(\.family)) }
        var result: [String: Figures] = [:]
        for family in ConditionClassifier.families + ["purpose"] {
            func has(_ set: Set<String>) -> Bool { family == "purpose" ? set.isEmpty : set.contains(family) }
            var truePositives = 0, falsePositives = 0, falseNegatives = 0
            for (sample, guess) in zip(part, predicted) {
                switch (has(sample.families), has(guess)) {
                case (true, true): truePositives += 1
                case (false, true): falsePositives += 1
                case (true, false): falseNegatives += 1
                default: break
                }
            }
            result[family] = Figures(precision: Double(truePositives) / Double(max(1, truePositives + falsePositives)),
                                     recall: Double(truePositives) / Double(max(1, truePositives + falseNegatives)),
                                     support: truePositives + falseNegatives)
        }
        return result
    }

    @Test("the corpus has at least 600 texts, 60 per family, in five varieties of Arabic and English")
    func corpusShape() {
        #expect(Self.samples.count >= 600)
        for family in ConditionClassifier.families {
            #expect(Self.samples.filter { $0.families.contains(family) }.count >= 60, "\(family)")
        }
        #expect(Self.samples.filter(\.families.isEmpty).count >= 60, "normal conditions and near-misses")
        #expect(Set(Self.samples.map(\.variety)).isSuperset(of: ["msa", "lev", "gulf", "egy", "en"]))
    }

    @Test("held out: recall at least 0.90 per family, at most 5% false alarms on normal conditions")
    func heldOut() {
        let classifier = ConditionClassifier.builtIn
        #expect(classifier.problems == [])
        for (name, part) in [("tuned", Self.samples.filter { !$0.heldOut }), ("held-out", Self.samples.filter(\.heldOut))] {
            let figures = Self.figures(part, classifier)
            for family in ConditionClassifier.families + ["purpose"] {
                let f = figures[family]!
                print(String(format: "classifier,%@,%@,precision=%.3f,recall=%.3f,n=%d", name, family, f.precision, f.recall, f.support))
            }
            if name == "held-out" {
                for family in ConditionClassifier.families { #expect(figures[family]!.recall >= 0.90, "\(family) recall") }
                #expect(figures["purpose"]!.recall >= 0.95, "false alarms on normal conditions at most 5%")
            }
            if name == "tuned" {
                for sample in part {
                    let guess = Set(classifier.classify(sample.text).map(\.family))
                    if guess != sample.families {
                        print("  # \(sample.families.sorted().joined(separator: ",")) -> \(guess.sorted().joined(separator: ",")) | \(sample.text)")
                    }
                }
            }
        }
    }
}
