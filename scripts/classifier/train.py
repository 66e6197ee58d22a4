"""Rebuilds ConditionModelWeights.swift from the corpus dump: python train.py DUMP OUT."""
import sys

import numpy as np

import model

rows = model.read_dump(sys.argv[1])
train = [r for r in rows if r["split"] != "fresh-unseen"]
vocabulary = model.vocabulary_of(train)
X = model.matrix(train, vocabulary)
settings, recalls, alarms = model.settings(X, train)
threshold, vetoes, gate = settings["threshold"], settings["vetoes"], settings["gate"]
print("cross-validated on the training texts: threshold %.2f, false alarms %.3f, gate %.3f, sure %.3f"
      % (threshold, alarms, gate, settings["sure"]))
print("  model alone, recall: " + ", ".join("%s %.2f" % (f, r) for f, r in recalls.items()))
print("  a frame is overruled under: " + ", ".join("%s %.3f" % (f, v) for f, v in zip(model.FAMILIES, vetoes)))

shipped = model.squeezed(X, train)
steps, step, intercepts = shipped
names = sorted(vocabulary, key=vocabulary.get)
all_probabilities = model.probabilities(shipped, model.matrix(rows, vocabulary))
lines = [
    "# %d training texts; a weight is (character - 0x5F) x step, one character per family, then one for demand." % len(train),
    "@families\t" + "\t".join(model.FAMILIES),
    "@gate\t%.4f" % gate,
    "@sure\t%.4f\t%.2f" % (settings["sure"], settings["least"]),
    "@intercepts\t" + "\t".join("%.4f" % b for b in intercepts),
    "@threshold\t%.2f" % threshold,
    "@vetoes\t" + "\t".join("%.4f" % v for v in vetoes),
    "@step\t%.6f" % step,
    # How many of all the labelled texts the model as written raises per family: the test
    # that reads the model in Swift counts them again, so a reading that drifts fails.
    # The last is how many pass the gate.
    "@raised\t" + "\t".join(str(int(n)) for n in np.append(
        (all_probabilities[:, :len(model.FAMILIES)] >= threshold).sum(axis=0), (all_probabilities[:, -1] >= gate).sum())),
]
kept = 0
for index, name in sorted(enumerate(names), key=lambda pair: pair[1]):
    row = steps[index]
    if np.abs(row).max() == 0:
        continue
    kept += 1
    lines.append(name + "\t" + "".join(chr(0x5F + int(v)) for v in row))
# A string literal, not a resource: SwiftPM's embedInCode writes a byte-array literal, which
# took the compiler minutes for a file of this size; a string literal costs nothing.
with open(sys.argv[2], "w", encoding="utf-8") as out:
    out.write("// Written by scripts/train-classifier from Tests/InfluenceAuditTests/Corpus and CorpusFresh; do not edit.\n")
    out.write("// The influence classifier's model (ConditionModel), in the format ConditionModel(tsv:) reads.\n")
    out.write("extension ConditionModel {\n    static let shippedWeights = #\"\"\"\n")
    out.write("\n".join(lines))
    out.write("\n\"\"\"#\n}\n")
print("written: %s (%d of %d n-grams)" % (sys.argv[2], kept, len(names)))
