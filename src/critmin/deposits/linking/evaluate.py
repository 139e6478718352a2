"""Evaluation of record linking on expert same-as labels, and how the bundled model was trained.

Labels are MinMod's curated ``same_as.csv`` files (columns ``ms_1, ms_2, time_ns, is_same``;
site ids ``site__<source-slug>__<record-slug>__<team>``). They are keyed as the project's
acceptance check keys them: the ``(slug(source), slug(record_id))`` pair of each side (so the
copies of one source record made by different teams collapse to one key), pairs whose two sides
collapse to one key are dropped, the latest ``time_ns`` wins, and only pairs with both sides
among the read sites count.

The threshold of the bundled model is chosen by grouped k-fold cross-validation (groups =
connected components of the labelled pairs, so no site is in a training and a test fold):
out-of-fold probabilities for every labelled pair, then the threshold maximising F1; ties are
broken by the middle of the best plateau. Precision and recall are reported beside the
all-pairs-"same" baseline.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from critmin.deposits.linking.blocking import candidate_pairs
from critmin.deposits.linking.features import pair_features
from critmin.deposits.linking.model import LinkModel

Key = tuple[str, str]


def slug(text: object) -> str:
    """MinMod's id slug: scheme removed, lower case, runs of non-alphanumerics → ``-``."""
    return re.sub(r"[^a-z0-9]+", "-", re.sub(r"^https?://", "", str(text).strip().lower())).strip("-")


def load_same_as(paths: Iterable[str | Path]) -> dict[frozenset[Key], bool]:
    """Expert labels keyed by the unordered pair of ``(source slug, record slug)`` (latest wins)."""
    labels: dict[frozenset[Key], tuple[int, bool]] = {}
    for p in paths:
        with open(p, encoding="utf-8", newline="") as fh:
            for r in csv.DictReader(fh):
                a, b = tuple(r["ms_1"].split("__")[1:3]), tuple(r["ms_2"].split("__")[1:3])
                if a == b:
                    continue
                k, t = frozenset((a, b)), int(r["time_ns"])
                if k not in labels or t >= labels[k][0]:
                    labels[k] = (t, r["is_same"].strip() == "1")
    return {k: v for k, (_, v) in labels.items()}


@dataclass(frozen=True)
class Scores:
    """Pair precision/recall/F1 against labels, with the all-"same" baseline."""

    precision: float
    recall: float
    f1: float
    tp: int
    fp: int
    fn: int
    n_positive: int
    n_negative: int
    baseline_precision: float
    baseline_recall: float
    baseline_f1: float


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def evaluate_pairs(predicted_same: Iterable[frozenset[Key]], labels: dict[frozenset[Key], bool],
                   present: set[Key]) -> Scores:
    """Score predicted same-pairs (slug keys) on the labelled pairs whose two sides are ``present``."""
    pred = set(predicted_same)
    tp = fp = fn = npos = nneg = 0
    for k, same in labels.items():
        if not all(x in present for x in k):
            continue
        hit = k in pred
        npos += same
        nneg += not same
        tp += same and hit
        fn += same and not hit
        fp += (not same) and hit
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    bp = npos / (npos + nneg) if npos + nneg else 0.0
    return Scores(p, r, _f1(p, r), tp, fp, fn, npos, nneg, bp, 1.0 if npos else 0.0, _f1(bp, 1.0 if npos else 0.0))


def evaluate_link_pairs(pairs: pd.DataFrame, labels: dict[frozenset[Key], bool], present: set[Key]) -> Scores:
    """Score a ``LinkResult.pairs``/``pairs.csv`` table (``same`` = 1 rows are predictions)."""
    s = pairs[pairs["same"].astype(int) == 1]
    pred = [frozenset(((slug(a), slug(b)), (slug(c), slug(d))))
            for a, b, c, d in zip(s["source_a"], s["record_id_a"], s["source_b"], s["record_id_b"], strict=True)]
    return evaluate_pairs(pred, labels, present)


def site_keys(df: pd.DataFrame) -> list[Key]:
    """Slug key of every site row."""
    return [(slug(s), slug(r)) for s, r in zip(df["source"], df["record_id"], strict=True)]


@dataclass
class TrainingSet:
    """Labelled candidate pairs: features, 0/1 labels, CV groups, and positives that are not candidates."""

    features: pd.DataFrame
    y: np.ndarray
    groups: np.ndarray
    missed_positives: int
    n_positive: int


def training_set(df: pd.DataFrame, labels: dict[frozenset[Key], bool]) -> TrainingSet:
    """Features and labels of the labelled pairs that blocking proposes (positions into ``df``)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    d = df.reset_index(drop=True)
    keys = site_keys(d)
    pos = {k: i for i, k in enumerate(keys)}
    lab: dict[tuple[int, int], bool] = {}
    for k, same in labels.items():
        a, b = tuple(k)
        if a in pos and b in pos:
            lab[(min(pos[a], pos[b]), max(pos[a], pos[b]))] = same
    pairs = candidate_pairs(d)[["a", "b"]]
    cand = set(zip(pairs["a"], pairs["b"], strict=True))
    rows = [k for k in lab if k in cand]
    pr = pd.DataFrame(sorted(rows), columns=["a", "b"])
    feats = pair_features(d, pr)
    y = np.array([int(lab[(a, b)]) for a, b in zip(pr["a"], pr["b"], strict=True)])
    n = len(d)
    all_lab = np.array(list(lab)) if lab else np.zeros((0, 2), int)
    g = coo_matrix((np.ones(len(all_lab)), (all_lab[:, 0], all_lab[:, 1])), shape=(n, n))
    _, comp = connected_components(g, directed=False)
    missed = sum(1 for k, v in lab.items() if v and k not in cand)
    return TrainingSet(pd.concat([pr, feats], axis=1), y, comp[pr["a"].to_numpy(int)], missed,
                       sum(lab.values()))


@dataclass
class CVResult:
    """Out-of-fold results of grouped cross-validation."""

    threshold: float
    oof_probability: np.ndarray
    precision: float
    recall: float
    f1: float
    thresholds: np.ndarray
    f1_curve: np.ndarray


def cross_validate(ts: TrainingSet, *, n_splits: int = 5, C: float = 1.0,
                   thresholds: Sequence[float] | None = None) -> CVResult:
    """Grouped k-fold CV: out-of-fold probabilities and the F1-maximising threshold.

    Recall counts labelled positives that blocking missed as false negatives.
    """
    from sklearn.model_selection import GroupKFold

    y, x = ts.y, ts.features
    oof = np.zeros(len(y))
    for tr, te in GroupKFold(n_splits=n_splits).split(x, y, ts.groups):
        if len(set(y[tr])) < 2:
            oof[te] = float(y[tr].mean())
            continue
        oof[te] = LinkModel.fit(x.iloc[tr], y[tr], C=C).predict_proba(x.iloc[te])
    ts_ = np.round(np.arange(0.05, 0.951, 0.01), 2) if thresholds is None else np.asarray(thresholds)

    def prf(t: float) -> tuple[float, float, float]:
        p = oof >= t
        tp, fp = int((p & (y == 1)).sum()), int((p & (y == 0)).sum())
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / ts.n_positive if ts.n_positive else 0.0
        return prec, rec, _f1(prec, rec)

    curve = np.array([prf(t)[2] for t in ts_])
    best = np.flatnonzero(np.isclose(curve, curve.max()))
    run = [best[0]]  # first plateau of best F1
    for k in best[1:]:
        if k == run[-1] + 1:
            run.append(k)
        else:
            break
    t = float(np.round(ts_[run[len(run) // 2]], 2))
    p, r, f = prf(t)
    return CVResult(t, oof, p, r, f, ts_, curve)


def train_default_model(df: pd.DataFrame, labels: dict[frozenset[Key], bool], *, C: float = 1.0,
                        n_splits: int = 5) -> tuple[LinkModel, CVResult]:
    """Fit the bundled model on all labelled candidate pairs; threshold from :func:`cross_validate`."""
    ts = training_set(df, labels)
    cv = cross_validate(ts, n_splits=n_splits, C=C)
    return LinkModel.fit(ts.features, ts.y, C=C, threshold=cv.threshold), cv
