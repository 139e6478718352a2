"""Clusters of linked records and the canonical-site view.

Clustering is constrained union-find ("correlation clustering lite"):

1. pairs a curator **confirmed** are merged first;
2. then the automatically linked pairs, most probable first;
3. records without coordinates are attached to one cluster at most (their most
   probable link), so they never bridge two clusters;
4. a merge is **refused** when it would put two records a curator **rejected** into one cluster
   (the cannot-link constraints of the whole components are checked), so a rejected pair always
   ends in different clusters, even when other links would connect them transitively: the weakest
   link on the path is the one left out.

Curator decisions therefore override the automatic ones and survive re-linking (they are inputs
of every run, not edits of its output).

References
----------
Bansal, N., Blum, A., and Chawla, S. (2004). Correlation clustering. Machine Learning 56,
89-113. doi:10.1023/B:MACH.0000033116.57574.95
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

import numpy as np
import pandas as pd


def cluster_pairs(
    n: int,
    linked: Iterable[tuple[int, int, float]],
    *,
    must_link: Iterable[tuple[int, int]] = (),
    cannot_link: Iterable[tuple[int, int]] = (),
    attach_only: Iterable[int] = (),
) -> np.ndarray:
    """Cluster label (0..k-1, in order of first member) for each of ``n`` records.

    Parameters
    ----------
    n
        Number of records (positions 0..n-1).
    linked
        ``(i, j, probability)`` of automatically linked pairs.
    must_link, cannot_link
        Curator decisions: confirmed and rejected pairs (positions).
    attach_only
        Records too vague to bridge clusters (no coordinates): each
        joins at most one cluster, through its most probable automatic link.
    """
    weak = set(attach_only)
    attached: set[int] = set()
    parent = list(range(n))
    members: dict[int, set[int]] = {i: {i} for i in range(n)}
    cannot: dict[int, set[int]] = {}
    for i, j in cannot_link:
        cannot.setdefault(i, set()).add(j)
        cannot.setdefault(j, set()).add(i)

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(i: int, j: int, force: bool) -> None:
        ri, rj = find(i), find(j)
        if ri == rj:
            return
        small, big = (ri, rj) if len(members[ri]) < len(members[rj]) else (rj, ri)
        if not force and any(cannot.get(m, set()) & members[big] for m in members[small]):
            return
        parent[small] = big
        members[big] |= members.pop(small)

    for i, j in must_link:
        union(i, j, force=True)
    for i, j, _ in sorted(linked, key=lambda t: (-t[2], t[0], t[1])):
        if i in weak or j in weak:
            if (i in weak and i in attached) or (j in weak and j in attached):
                continue
            attached.update(x for x in (i, j) if x in weak)
        union(i, j, force=False)
    roots = [find(i) for i in range(n)]
    label: dict[int, int] = {}
    return np.array([label.setdefault(r, len(label)) for r in roots], dtype=int)


def canonical_sites(df: pd.DataFrame, clusters: pd.Series | np.ndarray) -> pd.DataFrame:
    """One row per cluster: merged fields, every member record kept.

    The representative location is that of the member with the smallest location uncertainty;
    the name is the most frequent name among members (ties: the first member's); aliases,
    commodities, deposit types, sources and states are unions in member order.

    Returns
    -------
    pandas.DataFrame
        Columns ``cluster, name, aliases, lon, lat, location_accuracy_m, country, state,
        commodities, deposit_types, n_records, members`` (``members`` = list of
        ``(source, record_id)``).
    """
    d = df.reset_index(drop=True).assign(_cluster=np.asarray(clusters))
    rows = []
    for cid, g in d.groupby("_cluster", sort=True):
        names = [n for n in g["name"] if isinstance(n, str) and n.strip()]
        name = max(dict.fromkeys(names), key=names.count) if names else None
        located = g[pd.to_numeric(g["lon"], errors="coerce").notna()]
        best = (located.assign(_acc=pd.to_numeric(located["location_accuracy_m"], errors="coerce").fillna(np.inf))
                .sort_values("_acc", kind="stable").head(1))
        aliases = _union([*names, *(a for al in g["aliases"] for a in (al if isinstance(al, list) else []))])
        rows.append({
            "cluster": int(cast(int, cid)),  # the _cluster labels are integers
            "name": name,
            "aliases": [a for a in aliases if a != name],
            "lon": float(best["lon"].iloc[0]) if len(best) else None,
            "lat": float(best["lat"].iloc[0]) if len(best) else None,
            "location_accuracy_m": (float(best["location_accuracy_m"].iloc[0])
                                    if len(best) and pd.notna(best["location_accuracy_m"].iloc[0]) else None),
            "country": next((c for c in g["country"] if isinstance(c, str) and c), None),
            "state": next((c for c in g["state"] if isinstance(c, str) and c), None),
            "commodities": _union(c for cs in g["commodities"] for c in (cs if isinstance(cs, list) else [])),
            "deposit_types": _union(c for cs in g["deposit_types"] for c in (cs if isinstance(cs, list) else [])),
            "n_records": len(g),
            "members": list(zip(g["source"], g["record_id"], strict=True)),
        })
    return pd.DataFrame(rows)


def _union(items: Iterable[object]) -> list[object]:
    return list(dict.fromkeys(i for i in items if i is not None and i != ""))
