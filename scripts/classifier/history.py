"""Replays every sealed fresh set as it happened: python history.py NOW_DUMP HISTORY_DUMP.

For fresh set N, the model is trained (as train.py trains it, threshold and vetoes chosen
the same way) on the corpus, the notes and the fresh sets before N only, and it reads set N
beside the frames set N was measured with (HISTORY_DUMP; the training texts are read by
today's frames, NOW_DUMP). So the figures say how the rule does on text written after it,
which the fixed split cannot say once every set has been used to mend the frames."""
import sys

import numpy as np

import model

now = model.read_dump(sys.argv[1])
then = model.read_dump(sys.argv[2])
replayed = sorted(set(model.fresh_number(r["file"]) for r in then if r["file"] in set(sys.argv[3:])))
rows_read, results, frames_only = [], [], []
for number in replayed:
    train = [r for r in now if model.fresh_number(r["file"]) < number]
    tested = [r for r in then if model.fresh_number(r["file"]) == number]
    vocabulary = model.vocabulary_of(train)
    X = model.matrix(train, vocabulary)
    settings, _, _ = model.settings(X, train)
    P = model.probabilities(model.squeezed(X, train), model.matrix(tested, vocabulary))
    framed = np.array([[f in r["framed"] for f in model.FAMILIES] for r in tested])
    blocked = np.array([[f in r["blocked"] for f in model.FAMILIES] for r in tested])
    results.append(model.raised(P, settings, framed, blocked, model.defers(tested)))
    frames_only.append(framed)
    rows_read += tested
    print("fresh-%d: %d texts, trained on %d, threshold %.2f, gate %.3f, sure %.3f" % (number, len(tested), len(train), settings["threshold"], settings["gate"], settings["sure"]), file=sys.stderr)


def figures(name, found):
    normal = np.array([not r["families"] for r in rows_read])
    recall = [found[np.array([f in r["families"] for r in rows_read]), c].mean() for c, f in enumerate(model.FAMILIES)]
    print("history,%s,%s,false_alarms=%.3f,texts=%d" % (name, ",".join("%s=%.2f" % (f, r) for f, r in zip(model.FAMILIES, recall)),
                                                      found[normal].any(axis=1).mean(), len(rows_read)))


figures("frames of the day alone", np.vstack(frames_only))
figures("frames of the day with the model", np.vstack(results))
