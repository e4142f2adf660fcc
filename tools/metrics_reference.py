#!/usr/bin/python3
"""Reference values for the Java metrics in org.gse.eval, computed with scikit-learn and numpy.

Run with Debian's Python and packages (apt-get install python3-sklearn python3-numpy):

    /usr/bin/python3 tools/metrics_reference.py

It writes, under src/test/resources/eval/:
  score-sets/<name>.csv   the score sets (columns score,label), generated here with fixed seeds;
  metrics_reference.json  for each set: accuracy, precision, recall and F1 at several thresholds
                          (sklearn.metrics.*_score on score >= threshold), roc_auc_score,
                          average_precision_score, and the threshold that maximises accuracy (by brute force
                          over every candidate of org.gse.eval.Thresholds); and DeLong comparisons.

Undefined values are written as null and mean NaN in Java. scikit-learn returns 0 with a warning for precision
without predicted positives, for recall without positives and for F1 with neither. It raises an error for AUC with
one class and returns -0.0 for average precision without positives. The Java code returns NaN in those cases, so
this script replaces those values with null (each replacement is commented below).

DeLong reference: a plain numpy implementation of the original definition (DeLong, DeLong and Clarke-Pearson
1988): the structural components are averages of the pairwise kernel psi(x, y) = 1 if x > y, 1/2 if x == y,
0 otherwise over all positive/negative pairs (O(m n)), with sample covariances (ddof=1). It shares no code or
algorithm with the fast midrank version in Java (Sun and Xu 2014), so agreement checks both. The p-value is
math.erfc(|z| / sqrt(2)).

Scores are written with repr(), which round-trips doubles exactly.
"""
import csv
import json
import math
import os
import warnings

import numpy as np
import sklearn
from sklearn.metrics import (accuracy_score, average_precision_score, f1_score, precision_score, recall_score,
                             roc_auc_score)

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "test", "resources", "eval")


def score_sets():
    rng = np.random.default_rng(20240601)
    sets = {}
    # Random continuous scores with labels correlated to them.
    labels = rng.integers(0, 2, 60)
    scores = rng.normal(0, 1, 60) + 0.8 * labels
    sets["random"] = (scores, labels)
    # Heavy ties: scores rounded to one decimal, ties within and across classes.
    labels = rng.integers(0, 2, 50)
    scores = np.round(rng.uniform(0, 1, 50) * 0.6 + 0.3 * labels, 1)
    sets["ties"] = (scores, labels)
    # Perfectly separated: every similar pair above every dissimilar one.
    labels = np.array([0] * 7 + [1] * 5)
    scores = np.concatenate([rng.uniform(0.0, 0.4, 7), rng.uniform(0.6, 1.0, 5)])
    sets["separated"] = (scores, labels)
    # Perfectly inverted.
    sets["inverted"] = (-scores, labels)
    # All scores equal: AUC 0.5, AP = prevalence.
    labels = rng.integers(0, 2, 20)
    sets["all_equal"] = (np.full(20, 0.5), labels)
    # Cosine-like scores in [-1, 1] with a few exact duplicates, larger.
    labels = rng.integers(0, 2, 300)
    scores = np.tanh(rng.normal(0, 1, 300) + 1.2 * labels)
    scores[:40] = scores[40:80]
    sets["cosine"] = (scores, labels)
    # Single class: only negatives, only positives.
    sets["only_negatives"] = (rng.uniform(0, 1, 10), np.zeros(10, dtype=int))
    sets["only_positives"] = (rng.uniform(0, 1, 10), np.ones(10, dtype=int))
    return sets


def null_if_nan(value):
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


def threshold_metrics(scores, labels, threshold):
    predicted = (scores >= threshold).astype(int)
    tp = int(np.sum((predicted == 1) & (labels == 1)))
    fp = int(np.sum((predicted == 1) & (labels == 0)))
    fn = int(np.sum((predicted == 0) & (labels == 1)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = {
            "threshold": float(threshold),
            "accuracy": accuracy_score(labels, predicted),
            "precision": precision_score(labels, predicted, zero_division=0),
            "recall": recall_score(labels, predicted, zero_division=0),
            "f1": f1_score(labels, predicted, zero_division=0),
        }
    if tp + fp == 0:
        result["precision"] = None  # sklearn: 0 (zero_division); Java: NaN
    if tp + fn == 0:
        result["recall"] = None  # sklearn: 0 (zero_division); Java: NaN
    if tp + fp + fn == 0:
        result["f1"] = None  # sklearn: 0 (zero_division); Java: NaN
    return {k: null_if_nan(v) for k, v in result.items()}


def candidates(scores):
    u = np.unique(scores)
    result = [u[0]]
    for j in range(1, len(u)):
        mid = u[j - 1] + (u[j] - u[j - 1]) / 2
        result.append(mid if u[j - 1] < mid <= u[j] else u[j])
    result.append(np.nextafter(u[-1], np.inf))
    return result


def best_accuracy_threshold(scores, labels):
    best = None
    for t in sorted(candidates(scores)):
        correct = int(np.sum((scores >= t).astype(int) == labels))
        if best is None or correct > best[1]:
            best = (t, correct)
    return {"threshold": float(best[0]), "accuracy": best[1] / len(scores)}


def delong_plain(scores_a, scores_b, labels):
    """Original O(m n) DeLong with the psi kernel; returns AUCs, variances, covariance, z and p."""
    out = {}
    pos = labels == 1
    neg = labels == 0
    m, n = int(pos.sum()), int(neg.sum())
    v10s, v01s, aucs = [], [], []
    for s in (scores_a, scores_b):
        x = s[pos][:, None]
        y = s[neg][None, :]
        psi = (x > y).astype(float) + 0.5 * (x == y)
        v10s.append(psi.mean(axis=1))
        v01s.append(psi.mean(axis=0))
        aucs.append(psi.mean())
    s10 = np.cov(np.vstack(v10s), ddof=1)
    s01 = np.cov(np.vstack(v01s), ddof=1)
    s = s10 / m + s01 / n
    var_diff = s[0, 0] + s[1, 1] - 2 * s[0, 1]
    z = (aucs[0] - aucs[1]) / math.sqrt(var_diff)
    out.update(auc_a=aucs[0], auc_b=aucs[1], variance_a=s[0, 0], variance_b=s[1, 1], covariance=s[0, 1], z=z,
               p_value=math.erfc(abs(z) / math.sqrt(2)))
    return {k: float(v) for k, v in out.items()}


def main():
    os.makedirs(os.path.join(ROOT, "score-sets"), exist_ok=True)
    reference = {"generator": "tools/metrics_reference.py", "sklearn": sklearn.__version__,
                 "numpy": np.__version__, "sets": [], "delong": []}
    for name, (scores, labels) in score_sets().items():
        scores = np.asarray(scores, dtype=float)
        labels = np.asarray(labels, dtype=int)
        with open(os.path.join(ROOT, "score-sets", name + ".csv"), "w", newline="") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(["score", "label"])
            for s, y in zip(scores, labels):
                writer.writerow([repr(float(s)), int(y)])
        thresholds = [scores.min(), float(np.median(scores)), 0.5, scores.max(),
                      np.nextafter(scores.max(), np.inf), scores.min() - 1]
        two_classes = len(set(labels.tolist())) == 2
        entry = {
            "name": name,
            "file": "score-sets/" + name + ".csv",
            "at_threshold": [threshold_metrics(scores, labels, t) for t in thresholds],
            # roc_auc_score raises with one class; Java: NaN.
            "roc_auc": float(roc_auc_score(labels, scores)) if two_classes else None,
            # average_precision_score gives -0.0 with a warning without positives; Java: NaN.
            "average_precision": float(average_precision_score(labels, scores)) if labels.sum() > 0 else None,
            "max_accuracy": best_accuracy_threshold(scores, labels),
        }
        reference["sets"].append(entry)

    rng = np.random.default_rng(7)
    labels = rng.integers(0, 2, 120)
    a = rng.normal(0, 1, 120) + 1.0 * labels
    b = 0.6 * a + rng.normal(0, 1, 120) + 0.3 * labels  # correlated with a, weaker
    b_tied = np.round(b, 0)  # heavy ties in one scorer
    cases = {"correlated": (a, b, labels), "ties": (a, b_tied, labels)}
    sep = score_sets()["ties"]
    cases["tied_scores"] = (np.asarray(sep[0], float), np.round(np.asarray(sep[0], float) * 3) / 3,
                            np.asarray(sep[1], int))
    for name, (sa, sb, y) in cases.items():
        case = {"name": name, "scores_a": [float(v) for v in sa], "scores_b": [float(v) for v in sb],
                "labels": [int(v) for v in y]}
        case.update(delong_plain(np.asarray(sa), np.asarray(sb), np.asarray(y)))
        reference["delong"].append(case)

    # A few erfc values for the Java normal tail.
    reference["erfc"] = [{"x": x, "erfc": math.erfc(x)} for x in (0.0, 1e-8, 0.1, 0.5, 1.0, 1.5, 1.99, 2.0, 2.5,
                                                                     3.0, 4.0, 6.0, 10.0, 26.0)]

    with open(os.path.join(ROOT, "metrics_reference.json"), "w") as f:
        json.dump(reference, f, indent=1)
        f.write("\n")
    print("wrote", os.path.normpath(ROOT))


if __name__ == "__main__":
    main()
