"""The influence classifier's model, as scripts/train-classifier builds it and
scripts/classifier-history replays it: logistic regression per family over the character
n-grams Sanad writes (ClassifierEvaluation.dumpForTraining), dense (L2), each weight one of
2 x LEVELS + 1 steps (see ConditionModel.swift). Test and training tooling only: the
product reads the weights in Swift."""
import math
import os
import re
import warnings

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

warnings.filterwarnings("ignore")

FAMILIES = ["governance", "messaging", "mobilization", "political", "private_benefit", "pass_through"]
# Beside one model per family, one that tells a demand of any family from a normal
# condition: it has every near-miss against every demand to learn from, where a family's
# model sees the near-misses of other families as just more negatives.
COLUMNS = FAMILIES + ["demand"]
LEVELS = 31
# The model may raise a family alone on at most this share of the normal conditions (out
# of fold), and it overrules a frame where its probability is under what it gave, out of
# fold, to the lowest VETO_QUANTILE of the family's own texts. Both were chosen with
# scripts/classifier-history, which replays every fresh set with the frames of its day and
# a model trained only on what came before it (the figures are in the plugin's README).
MODEL_ALARMS = 0.05
VETO_QUANTILE = 0.02
# Nothing is raised in a text the demand model finds less of a demand than it found, out
# of fold, the lowest GATE_QUANTILE of the labelled demands. Replayed over fresh-4 to
# fresh-26, the gate took false alarms from 11.8% to 8.7% and left recall per family
# within 0.01 (the model alone then allowed 4% out of fold; with the gate, 5%).
GATE_QUANTILE = 0.015
# Where the frames and the family columns raise nothing but the demand column is as sure as
# it was, out of fold, on at most SURE_ALARMS of the normal conditions, the family its
# columns rate highest is raised, if they give it at least LEAST.
SURE_ALARMS = 0.01
LEAST = 0.2
# The feature ConditionModel.features adds once to a text that leaves the choice to the
# association (ConditionModel.deferenceFeature); it counts 1, not as one n-gram among many.
DEFERENCE = "\u00a4defer"
# Less regularization than scikit-learn's default: the n-grams of a new phrasing are rare.
STRENGTH = 100
# Other settings, to compare them by replaying history (scripts/classifier-history):
# SANAD_MODEL_SETTINGS="alarms=0.015 veto=0 strength=30 gate=0 sure=0".
SETTING_NAMES = {"alarms": "MODEL_ALARMS", "veto": "VETO_QUANTILE", "strength": "STRENGTH",
                 "gate": "GATE_QUANTILE", "sure": "SURE_ALARMS", "least": "LEAST"}
for setting in os.environ.get("SANAD_MODEL_SETTINGS", "").split():
    key, value = setting.split("=")
    if key not in SETTING_NAMES:
        raise SystemExit("SANAD_MODEL_SETTINGS: unknown setting %r (%s)" % (key, ", ".join(SETTING_NAMES)))
    globals()[SETTING_NAMES[key]] = float(value)


def families_of(text):
    return set(f for f in text.split(",") if f)


def read_dump(path):
    """Rows of `split|families|n-grams|framed|blocked|file` (see dumpForTraining)."""
    rows = []
    for line in open(path, encoding="utf-8"):
        fields = line.rstrip("\n").split("|")
        rows.append({"split": fields[0], "families": families_of(fields[1]), "grams": fields[2].split(),
                     "framed": families_of(fields[3]), "blocked": families_of(fields[4]), "file": fields[5]})
    return rows


def fresh_number(file):
    """fresh.txt is the first fresh set, fresh-N.txt the Nth; anything else 0."""
    if file == "fresh.txt":
        return 1
    match = re.fullmatch(r"fresh-(\d+)\.txt", file)
    return int(match.group(1)) if match else 0


def vocabulary_of(rows):
    vocabulary = {}
    for row in rows:
        for gram in row["grams"]:
            vocabulary.setdefault(gram, len(vocabulary))
    return vocabulary


def matrix(rows, vocabulary):
    data, indices, pointers = [], [], [0]
    for row in rows:
        grams = row["grams"]
        scale = 1 / math.sqrt(len(grams)) if grams else 0
        for gram in grams:
            if gram in vocabulary:
                indices.append(vocabulary[gram])
                # A feature of the whole text counts once, not as one n-gram among many.
                data.append(1.0 if gram == DEFERENCE else scale)
        pointers.append(len(indices))
    return csr_matrix((data, indices, pointers), shape=(len(rows), len(vocabulary)))


def labels(rows):
    found = {f: np.array([f in r["families"] for r in rows]) for f in FAMILIES}
    found["demand"] = np.array([bool(r["families"]) for r in rows])
    return found


def fit(X, y):
    # L2 keeps a weight on every n-gram: on texts written after training, it found more than
    # a sparse (L1) model of a few hundred n-grams did.
    return LogisticRegression(solver="liblinear", C=STRENGTH, class_weight="balanced", max_iter=5000).fit(X, y)


def squeezed(X, rows):
    """One model per column (family, then demand), its weights in steps: (steps, step, intercepts)."""
    y = labels(rows)
    models = [fit(X, y[c]) for c in COLUMNS]
    weights = np.vstack([m.coef_[0] for m in models]).T
    step = np.abs(weights).max() / LEVELS
    return np.round(weights / step).astype(int), step, np.array([m.intercept_[0] for m in models])


def probabilities(model, X):
    steps, step, intercepts = model
    return 1 / (1 + np.exp(-(X @ (steps * step) + intercepts)))


def settings(X, rows):
    """The threshold, the vetoes and the gate, from out-of-fold probabilities of the model
    as it ships."""
    y = labels(rows)
    normal = np.array([not r["families"] for r in rows])
    out_of_fold = np.zeros((len(rows), len(COLUMNS)))
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=7)
    for fit_rows, test_rows in folds.split(X, normal):
        model = squeezed(X[fit_rows], [rows[i] for i in fit_rows])
        out_of_fold[test_rows] = probabilities(model, X[test_rows])
    gate = float(np.quantile(out_of_fold[y["demand"], -1], GATE_QUANTILE)) if GATE_QUANTILE > 0 else 0.0
    sure = float(np.quantile(out_of_fold[normal, -1], 1 - SURE_ALARMS)) if SURE_ALARMS > 0 else 1.01
    out_of_fold = out_of_fold[:, :len(FAMILIES)]
    threshold = 0.99
    for candidate in [x / 100 for x in range(30, 100)]:
        if (out_of_fold[normal].max(axis=1) >= candidate).mean() <= MODEL_ALARMS:
            threshold = candidate
            break
    vetoes = [float(np.quantile(out_of_fold[y[f], c], VETO_QUANTILE)) for c, f in enumerate(FAMILIES)]
    recalls = {f: float((out_of_fold[y[f], c] >= threshold).mean()) for c, f in enumerate(FAMILIES)}
    alarms = float((out_of_fold[normal].max(axis=1) >= threshold).mean())
    return {"threshold": threshold, "vetoes": vetoes, "gate": gate, "sure": sure, "least": LEAST}, recalls, alarms


def defers(rows):
    """The texts that leave the choice to the association (ConditionModel.defers)."""
    return np.array([DEFERENCE in r["grams"] for r in rows])


def raised(P, settings, framed, blocked, deferring):
    """The families raised, as ConditionClassifier.classify raises them (P: a column per
    family, then demand): a frame's finding unless the model is under the family's veto; the
    model alone from the threshold, unless a block line calls the text ordinary; nothing
    where the demand model is under the gate; where nothing is raised but the demand model
    is sure, the family rated highest; in a text that defers, only what the model alone is
    sure of."""
    families, demand = P[:, :len(FAMILIES)], P[:, len(FAMILIES)]
    found = ((families >= settings["threshold"]) & ~blocked) | (framed & (families >= np.array(settings["vetoes"])))
    top = families.argmax(axis=1)
    rows = np.flatnonzero(~found.any(axis=1) & (demand >= settings["sure"]) & (families.max(axis=1) >= settings["least"])
                          & ~blocked[np.arange(len(P)), top])
    found[rows, top[rows]] = True
    found &= (demand >= settings["gate"])[:, None]
    return found & ~(deferring[:, None] & (families < settings["threshold"]))
