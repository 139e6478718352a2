"""``link()``: candidate pairs → features → probabilities → decisions → clusters."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from critmin.deposits.linking.blocking import candidate_pairs
from critmin.deposits.linking.clusters import canonical_sites, cluster_pairs
from critmin.deposits.linking.features import pair_features
from critmin.deposits.linking.frame import check_frame
from critmin.deposits.linking.model import LinkModel
from critmin.errors import InputError

PAIR_COLUMNS: tuple[str, ...] = ("source_a", "record_id_a", "source_b", "record_id_b", "probability", "same")


@dataclass
class LinkResult:
    """Scored pairs and clusters.

    Attributes
    ----------
    pairs
        One row per candidate pair (plus curator-decided pairs that were not candidates), in
        canonical order (``(source_a, record_id_a) < (source_b, record_id_b)``), with columns
        :data:`PAIR_COLUMNS` and ``site_key_a, site_key_b, decision`` (``confirmed``,
        ``rejected`` or empty) and the features.
    clusters
        Cluster label per site, indexed by ``site_key``.
    threshold
        The probability threshold used.
    """

    pairs: pd.DataFrame
    clusters: pd.Series
    threshold: float

    def canonical(self, df: pd.DataFrame) -> pd.DataFrame:
        """Canonical-site view of ``df`` (see :func:`~critmin.deposits.linking.clusters.canonical_sites`)."""
        return canonical_sites(df, self.clusters.reindex(df["site_key"]).to_numpy())


def link(
    df: pd.DataFrame,
    *,
    threshold: float | None = None,
    decisions: pd.DataFrame | Iterable[tuple[str, str, str, str, bool]] | None = None,
    model: LinkModel | None = None,
    distinct_sources: Collection[str] = (),
) -> LinkResult:
    """Score every candidate pair among the sites of ``df`` and cluster the linked ones.

    Parameters
    ----------
    df
        Site table with :data:`~critmin.deposits.linking.frame.SITE_COLUMNS`.
    threshold
        Probability at or above which a pair is linked (default: the model's, chosen by
        cross-validation).
    decisions
        Curator decisions ``(source_a, record_id_a, source_b, record_id_b, same)``, or a frame with
        those columns: ``same`` true confirms a link, false rejects it. They override the model.
    model
        Scoring model (default: :meth:`LinkModel.default`).
    distinct_sources
        Sources whose records are distinct sites by construction (curated compilations such as the
        bundled demo): two records of the same such source are never linked automatically, also not
        through a third record; a curator's confirmation still links them.

    Returns
    -------
    LinkResult

    Raises
    ------
    InputError
        Missing columns, duplicate ``site_key``, or a decision naming an unknown record.
    """
    check_frame(df)
    model = model or LinkModel.default()
    thr = model.threshold if threshold is None else float(threshold)
    d = df.reset_index(drop=True)
    key_pos = {(str(s), str(r)): i for i, (s, r) in enumerate(zip(d["source"], d["record_id"], strict=True))}
    dec = _decisions(decisions, key_pos)
    pairs = candidate_pairs(d)[["a", "b"]]
    extra = list(dec)
    if extra:
        pairs = pd.concat([pairs, pd.DataFrame(extra, columns=["a", "b"])]).drop_duplicates().reset_index(drop=True)
    feats = pair_features(d, pairs)
    prob = model.predict_proba(feats) if len(pairs) else np.zeros(0)
    same = prob >= thr
    decision = np.full(len(pairs), "", dtype=object)
    for k, (i, j) in enumerate(zip(pairs["a"], pairs["b"], strict=True)):
        v = dec.get((int(i), int(j)))
        if v is not None:
            same[k] = v
            decision[k] = "confirmed" if v else "rejected"
    src, rid, sk = d["source"].astype(str).to_numpy(), d["record_id"].astype(str).to_numpy(), d["site_key"].to_numpy()
    a, b = pairs["a"].to_numpy(int), pairs["b"].to_numpy(int)
    distinct = {str(x) for x in distinct_sources}
    apart: list[tuple[int, int]] = []
    if distinct and len(pairs):
        within = (src[a] == src[b]) & np.isin(src[a], list(distinct)) & (decision == "")
        same[within] = False
        decision[within] = "distinct_source"
        apart = [(int(x), int(y)) for x, y in zip(a[within], b[within], strict=True)]
    swap = np.array([(src[x], rid[x]) > (src[y], rid[y]) for x, y in zip(a, b, strict=True)], dtype=bool)
    a2, b2 = np.where(swap, b, a), np.where(swap, a, b)
    out = pd.DataFrame({
        "source_a": src[a2], "record_id_a": rid[a2], "source_b": src[b2], "record_id_b": rid[b2],
        "probability": np.round(prob, 6), "same": same.astype(int),
        "site_key_a": sk[a2], "site_key_b": sk[b2], "decision": decision,
    })
    out = pd.concat([out, feats.reset_index(drop=True)], axis=1)
    out = out.sort_values(["source_a", "record_id_a", "source_b", "record_id_b"], kind="stable").reset_index(drop=True)
    labels = cluster_pairs(
        len(d),
        [(int(x), int(y), float(p)) for x, y, p, s, dc in zip(a, b, prob, same, decision, strict=True)
         if s and dc == ""],
        must_link=[k for k, v in dec.items() if v],
        cannot_link=[*(k for k, v in dec.items() if not v), *apart],
        attach_only=np.flatnonzero(pd.to_numeric(d["lon"], errors="coerce").isna().to_numpy()).tolist(),
    )
    return LinkResult(out, pd.Series(labels, index=pd.Index(sk, name="site_key"), name="cluster"), thr)


def _decisions(
    decisions: pd.DataFrame | Iterable[tuple[str, str, str, str, bool]] | None, key_pos: dict[tuple[str, str], int]
) -> dict[tuple[int, int], bool]:
    if decisions is None:
        return {}
    if isinstance(decisions, pd.DataFrame):
        columns = ["source_a", "record_id_a", "source_b", "record_id_b", "same"]
        rows = list(decisions[columns].itertuples(index=False, name=None))
    else:
        rows = list(decisions)
    out: dict[tuple[int, int], bool] = {}
    for n, (sa, ra, sb, rb, same) in enumerate(rows, start=1):
        try:
            i, j = key_pos[(str(sa), str(ra))], key_pos[(str(sb), str(rb))]
        except KeyError:
            raise InputError(f"decision names a record not among the sites: ({sa!r}, {ra!r}) or ({sb!r}, {rb!r})",
                             row=n) from None
        out[(min(i, j), max(i, j))] = bool(int(same)) if not isinstance(same, bool) else same
    return out
