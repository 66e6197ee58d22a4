import Foundation
@testable import InfluenceAudit
import Testing

/// The influence classifier measured on the corpus written for it (`Corpus/*.txt`: one
/// text per line, `families|variety|text`, families comma-separated, `purpose` for a normal
/// condition). Every fifth text was kept apart while the frames were written, and measured
/// once (its figures are in the README); its errors were then mended too. `CorpusFresh/`
/// holds the sets written later: `fresh*.txt` each written before a round of mending and
/// measured once, `notes-*.txt` written only to train on. The figures that count are
/// those on the newest fresh sets (``unseenFiles``), which nothing was changed for.
/// `scripts/classifier-eval` prints them all.
@Suite("Influence classifier on the labelled corpus")
struct ClassifierEvaluation {
    struct Sample {
        var families: Set<String>
        var variety: String
        var text: String
        var heldOut: Bool
        var file = ""
    }

    static let samples = read("Corpus")
    /// Each fresh set was measured once and then used to mend the frames, except the newest,
    /// written after the last mending: the text the classifier has not seen. fresh-42 to
    /// fresh-44 were written one after the other for the same classifier and are read as one
    /// sample of it.
    static let unseenFiles: Set<String> = ["fresh-42.txt", "fresh-43.txt", "fresh-44.txt"]
    static let corpusFresh = read("CorpusFresh")
    static let fresh = corpusFresh.filter(\.heldOut)
    static let freshFirst = corpusFresh.filter { !$0.heldOut }

    static func read(_ name: String) -> [Sample] {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(name)
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".txt") }.sorted()
        var samples: [Sample] = []
        for file in files {
            let text = (try? String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)) ?? ""
            for line in text.split(separator: "\n") where !line.hasPrefix("#") {
                let parts = line.split(separator: "|", maxSplits: 2).map(String.init)
                guard parts.count == 3 else { continue }
                let families = Set(parts[0].split(separator: ",").map(String.init)).subtracting(["purpose"])
                // In the corpus every fifth text is held out; in CorpusFresh, "held out" marks the second round.
                let heldOut = name == "CorpusFresh" ? Self.unseenFiles.contains(file) : samples.count % 5 == 4
                samples.append(Sample(families: families, variety: parts[1], text: parts[2], heldOut: heldOut, file: file))
            }
        }
        return samples
    }

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

    /// `scripts/train-classifier` trains the model on the texts as Sanad normalizes them:
    /// this writes them (`split|families|n-grams|families the frames found|families blocked|file`)
    /// where SANAD_CLASSIFIER_DUMP says. `scripts/classifier-history` also has each fresh set
    /// read by the frames it was measured with (SANAD_CLASSIFIER_FRAMES: a folder of
    /// `fresh-N.txt` files, each a frames.txt of its day).
    @Test("the corpus as the model's training script reads it")
    func dumpForTraining() throws {
        guard let path = ProcessInfo.processInfo.environment["SANAD_CLASSIFIER_DUMP"] else { return }
        var lines: [String] = []
        var lexicons: [String: ConditionClassifier] = [:]
        if let folder = ProcessInfo.processInfo.environment["SANAD_CLASSIFIER_FRAMES"] {
            for file in try FileManager.default.contentsOfDirectory(atPath: folder) {
                lexicons[file] = ConditionClassifier(definitions: try String(contentsOfFile: folder + "/" + file, encoding: .utf8))
            }
        }
        for (split, part) in [("corpus", Self.samples), ("fresh-seen", Self.freshFirst), ("fresh-unseen", Self.fresh)] {
            for sample in part {
                // What the frames (of the set's own day, where given) found and blocked.
                let reading = (lexicons[sample.file] ?? ConditionClassifier.builtIn).read(ConditionClassifier.tokens(sample.text))
                let fields = [split, sample.families.sorted().joined(separator: ","), ConditionModel.features(sample.text).joined(separator: " "),
                              reading.carried.keys.sorted().joined(separator: ","), reading.blocked.sorted().joined(separator: ","), sample.file]
                lines.append(fields.map { $0.replacingOccurrences(of: "|", with: " ") }.joined(separator: "|"))
            }
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }

    @Test("the shipped model reads as the training script wrote it: the same labelled texts raised per family")
    func modelReadsAsWritten() {
        let model = ConditionModel.builtIn
        #expect(model.families == ConditionClassifier.families)
        #expect(model.raisedInTraining.count == model.families.count)
        var raised = Array(repeating: 0, count: model.families.count)
        var passed = 0
        for sample in Self.samples + Self.freshFirst + Self.fresh {
            let reading = model.read(sample.text)
            for (index, family) in model.families.enumerated() where (reading.families[family] ?? 0) >= model.threshold { raised[index] += 1 }
            if reading.demand >= model.gate { passed += 1 }
        }
        // Floating-point sums in another order may tip a text lying on the threshold.
        for (counted, written) in zip(raised, model.raisedInTraining) {
            #expect(abs(counted - written) <= 2, "counted \(raised), the script wrote \(model.raisedInTraining)")
        }
        #expect(model.gate > 0)
        #expect(abs(passed - (model.passedInTraining ?? -10)) <= 2, "passing the gate: counted \(passed), the script wrote \(model.passedInTraining ?? 0)")
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

    /// The issue's target is recall 0.90 per family and at most 5% false alarms on unseen
    /// text. Measured on fresh-42.txt to fresh-44.txt (written before the last mending, the
    /// classifier unchanged since they were unsealed: 360 texts, 45 per family), the frames
    /// with the model reach 0.91 to 1.00 recall and no false alarm: the target is met, with
    /// little margin for governance and messaging (41 of 45); over the history replayed it is
    /// not (the figures of
    /// every round, and of every round replayed by scripts/classifier-history, are in the
    /// plugin's README). These floors, none under the target, keep what was reached from
    /// slipping back.
    static let floors: [String: Double] = ["governance": 0.90, "messaging": 0.90, "mobilization": 0.95, "political": 0.95,
                                           "private_benefit": 0.95, "pass_through": 0.95, "purpose": 0.95]

    /// A disclaimer silences every family, so a demand read as one would be hidden: none of
    /// the labelled demands may be.
    @Test("no labelled demand reads as a disclaimer")
    func noDemandDisclaims() {
        let disclaiming = (Self.samples + Self.corpusFresh).filter { ConditionClassifier.disclaims(ConditionClassifier.tokens($0.text)) }
        #expect(disclaiming.filter { !$0.families.isEmpty }.map(\.text) == [])
        print("classifier,disclaimers,normal texts=\(disclaiming.filter(\.families.isEmpty).count)")
    }

    /// A restriction that keeps the money out of all politics silences the political family,
    /// so a political demand read as one would be hidden: none of the labelled ones may be.
    @Test("no labelled political demand reads as keeping the money out of politics")
    func noPoliticalDemandNeutral() {
        let classifier = ConditionClassifier.builtIn
        let neutral = (Self.samples + Self.corpusFresh).filter { classifier.read(ConditionClassifier.tokens($0.text)).keptOutOfPolitics }
        #expect(neutral.filter { $0.families.contains("political") }.map(\.text) == [])
        print("classifier,kept out of politics,normal texts=\(neutral.filter(\.families.isEmpty).count)")
    }

    @Test("unseen text: recall per family and false alarms on normal conditions no worse than measured")
    func heldOut() {
        let classifier = ConditionClassifier.builtIn
        #expect(classifier.problems == [])
        #expect(Self.fresh.count >= 60)
        for (name, part) in [("tuned", Self.samples.filter { !$0.heldOut }), ("held-out", Self.samples.filter(\.heldOut)),
                             ("seen", Self.freshFirst), ("fresh", Self.fresh)] {
            func report(_ name: String, _ figures: [String: Figures]) {
                for family in ConditionClassifier.families + ["purpose"] {
                    let f = figures[family]!
                    print(String(format: "classifier,%@,%@,precision=%.3f,recall=%.3f,n=%d", name, family, f.precision, f.recall, f.support))
                }
            }
            let figures = Self.figures(part, classifier)
            report(name, figures)
            if name == "fresh" {
                var framesAlone = classifier
                framesAlone.model = nil
                report("fresh-frames-alone", Self.figures(part, framesAlone))
                for (family, floor) in Self.floors { #expect(figures[family]!.recall >= floor, "\(family) recall") }
                let target = ConditionClassifier.families.allSatisfy { figures[$0]!.recall >= 0.90 } && figures["purpose"]!.recall >= 0.95
                print("classifier,fresh,target (recall 0.90 per family, false alarms 5%): \(target ? "met" : "not met")")
            }
            if name != "fresh" || ProcessInfo.processInfo.environment["SANAD_SHOW_FRESH"] != nil {
                if name != "tuned" { print("  # -- \(name)") }
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
