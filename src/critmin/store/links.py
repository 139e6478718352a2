"""Record linking over the whole store: score, cluster, persist canonical ids; curator decisions.

The scoring and clustering are the pure functions of :mod:`critmin.deposits.linking`; this module
builds their site table from the database, applies the stored curator decisions (which override the
model and survive re-imports and re-linking, because they are keyed by source and record id) and
writes the results back.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import delete, insert, select, update

from critmin.deposits.linking import PAIR_COLUMNS, canonical_sites, link
from critmin.errors import NotFoundError
from critmin.progress import Progress, no_progress
from critmin.provenance import utcnow
from critmin.store.db import Database
from critmin.store.tables import Dataset, LinkDecision, Site, SiteDepositType, SiteLink

METHOD = "critmin-linking-1 (blocking + logistic model + rules)"
#: scored pairs at or above this probability are stored (all candidate pairs go to the CSV)
STORE_MIN_PROBABILITY = 0.05


def sites_table(db: Database, ids: list[int] | None = None) -> pd.DataFrame:
    """The linking site table (``site_key`` = site id) for all sites, or for ``ids``."""
    with db.session() as s:
        stmt = select(Site.id, Dataset.source, Site.record_id, Site.name, Site.aliases, Site.lon, Site.lat,
                      Site.country, Site.state, Site.commodities, Site.location_accuracy_m).join(Dataset)
        if ids is not None:
            stmt = stmt.where(Site.id.in_(ids))
        rows = s.execute(stmt.order_by(Site.id)).all()
        dt_stmt = select(SiteDepositType.site_id, SiteDepositType.name, SiteDepositType.confidence)
        if ids is not None:
            dt_stmt = dt_stmt.where(SiteDepositType.site_id.in_(ids))
        dts: dict[int, list[tuple[float, str]]] = {}
        for sid, name, conf in s.execute(dt_stmt).all():
            dts.setdefault(sid, []).append((-(conf if conf is not None else 0.0), name))
    df = pd.DataFrame(rows, columns=["site_key", "source", "record_id", "name", "aliases", "lon", "lat", "country",
                                     "state", "commodities", "location_accuracy_m"])
    df["aliases"] = [list(a or []) for a in df["aliases"]]
    df["commodities"] = [[c for c in (cs or "").split(";") if c] for cs in df["commodities"]]
    df["deposit_types"] = [[n for _, n in sorted(dts.get(int(k), []))] for k in df["site_key"]]
    return df


def _decisions(db: Database, present: set[tuple[str, str]]) -> tuple[list[tuple[str, str, str, str, bool]], int]:
    with db.session() as s:
        rows = s.execute(select(LinkDecision.source_a, LinkDecision.record_id_a, LinkDecision.source_b,
                                LinkDecision.record_id_b, LinkDecision.same)).all()
    usable = [tuple(r) for r in rows if (r[0], r[1]) in present and (r[2], r[3]) in present]
    return usable, len(rows) - len(usable)  # type: ignore[return-value]


def link_database(db: Database, *, threshold: float | None = None, output: str | Path | None = None,
                  progress: Progress = no_progress) -> dict[str, Any]:
    """Score all candidate pairs among all sites, cluster them and store pairs and canonical ids.

    Parameters
    ----------
    threshold
        Probability threshold (default: the bundled model's cross-validated threshold).
    output
        Optional CSV path: one row per candidate pair, columns
        ``source_a,record_id_a,source_b,record_id_b,probability,same`` (canonical order).

    Returns
    -------
    dict
        Counts (sites, candidate pairs, linked pairs, multi-record clusters), threshold, decisions
        applied and ignored, and the method.
    """
    progress(0, 4, "reading sites")
    df = sites_table(db)
    present = set(zip(df["source"].astype(str), df["record_id"].astype(str), strict=True))
    decisions, ignored = _decisions(db, present)
    with db.session() as s:
        distinct = set(s.execute(select(Dataset.source).where(Dataset.records_distinct.is_(True))).scalars())
    progress(1, 4, "scoring pairs")
    res = link(df, threshold=threshold, decisions=decisions, distinct_sources=distinct)
    pairs = res.pairs
    if output is not None:
        pairs[list(PAIR_COLUMNS)].to_csv(output, index=False)
    progress(2, 4, "storing links")
    now = utcnow()
    curated = pairs["decision"].isin(["confirmed", "rejected"])
    keep = pairs[(pairs["probability"] >= STORE_MIN_PROBABILITY) | (pairs["same"] == 1) | curated]
    link_rows = [{"site_a_id": int(a), "site_b_id": int(b), "probability": float(p), "same": bool(sm),
                  "decided_by": _decided_by(dc), "method": METHOD, "created_at": now}
                 for a, b, p, sm, dc in zip(keep["site_key_a"], keep["site_key_b"], keep["probability"],
                                            keep["same"], keep["decision"], strict=True)]
    clusters = res.clusters
    canon = pd.Series(clusters.index.to_numpy(), index=clusters.index).groupby(clusters).transform("min")
    with db.transaction() as s:
        s.execute(delete(SiteLink))
        for i in range(0, len(link_rows), 5000):
            s.execute(insert(SiteLink), link_rows[i:i + 5000])
        s.execute(update(Site).values(canonical_id=None))
        multi = canon[canon.index != canon.to_numpy()]
        members = canon[canon.index.isin(set(multi.to_numpy())) | (canon.index != canon.to_numpy())]
        updates = [{"id": int(k), "canonical_id": int(v)}
                   for k, v in zip(members.index.tolist(), members.tolist(), strict=True)]
        for i in range(0, len(updates), 5000):
            s.execute(update(Site), updates[i:i + 5000])
    progress(4, 4, "done")
    sizes = clusters.value_counts()
    return {
        "sites": len(df), "candidate_pairs": len(pairs), "linked_pairs": int(pairs["same"].sum()),
        "clusters_with_several_records": int((sizes > 1).sum()),
        "largest_cluster": int(sizes.max()) if len(sizes) else 0,
        "threshold": res.threshold, "decisions_applied": len(decisions), "decisions_ignored": ignored,
        "distinct_sources": sorted(distinct), "method": METHOD, "output": str(output) if output is not None else None,
    }


def record_decision(db: Database, source_a: str, record_id_a: str, source_b: str, record_id_b: str, *,
                    same: bool, curator: str, note: str | None = None) -> dict[str, Any]:
    """Store (or replace) a curator's decision on a pair and apply it to the stored link at once.

    Clusters change on the next :func:`link_database` run.
    """
    a, b = sorted([(source_a, record_id_a), (source_b, record_id_b)])
    with db.transaction() as s:
        ids = []
        for src, rid in (a, b):
            sid = s.execute(select(Site.id).join(Dataset).where(Dataset.source == src, Site.record_id == rid)
                            ).scalars().first()
            if sid is None:
                raise NotFoundError(f"no site with source {src!r} and record id {rid!r}; check `critmin deposits "
                                    "list --source`")
            ids.append(sid)
        existing = s.execute(select(LinkDecision).where(
            LinkDecision.source_a == a[0], LinkDecision.record_id_a == a[1],
            LinkDecision.source_b == b[0], LinkDecision.record_id_b == b[1])).scalar_one_or_none()
        now = utcnow()
        if existing is None:
            s.add(LinkDecision(source_a=a[0], record_id_a=a[1], source_b=b[0], record_id_b=b[1], same=same,
                               curator=curator, note=note, decided_at=now))
        else:
            existing.same, existing.curator, existing.note, existing.decided_at = same, curator, note, now
        lo, hi = sorted(ids)
        for ln in s.execute(select(SiteLink).where(
                ((SiteLink.site_a_id == lo) & (SiteLink.site_b_id == hi))
                | ((SiteLink.site_a_id == hi) & (SiteLink.site_b_id == lo)))).scalars():
            ln.same, ln.decided_by = same, "curator"
    return {"source_a": a[0], "record_id_a": a[1], "source_b": b[0], "record_id_b": b[1], "same": same,
            "curator": curator, "note": note, "decided_at": now.isoformat()}


def canonical_site(db: Database, site_id: int) -> dict[str, Any]:
    """The merged canonical site of ``site_id``'s cluster with every member record (admin view)."""
    with db.session() as s:
        site = s.get(Site, site_id)
        if site is None:
            raise NotFoundError(f"no mineral site with id {site_id}")
        cid = site.canonical_id
        ids = [site_id] if cid is None else list(s.execute(select(Site.id).where(
            (Site.canonical_id == cid) | (Site.id == cid))).scalars())
    df = sites_table(db, ids)
    row = {str(k): v for k, v in canonical_sites(df, np.zeros(len(df), dtype=int)).iloc[0].to_dict().items()}
    row["canonical_id"] = cid if cid is not None else site_id
    row["members"] = [{"site_id": int(k), "source": s_, "record_id": r}
                      for k, s_, r in zip(df["site_key"], df["source"], df["record_id"], strict=True)]
    row.pop("cluster", None)
    return row


def _decided_by(decision: str) -> str:
    """Who fixed a pair's label: a curator, a rule (curated distinct source) or the model."""
    if decision in ("confirmed", "rejected"):
        return "curator"
    return "rule" if decision else "model"
