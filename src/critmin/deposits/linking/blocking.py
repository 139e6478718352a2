"""Candidate pairs for record linking (blocking).

Three blocks, unioned:

1. **Spatial.** Located sites closer than ``radius_m + accuracy_a + accuracy_b`` (haversine,
   BallTree). The location accuracy of each site (``location_accuracy_m``, capped at
   ``max_accuracy_m``) widens its own search radius, so a point written to whole degrees still
   meets the precise copies of the same deposit.
2. **Name.** Sites sharing an informative name token (generic words such as *mine*, *deposit*,
   *prospect*, *claims*, *unnamed* removed, tokens of ≥ 4 letters); tokens shared by more than
   ``max_block`` sites are ignored. Catches sites without coordinates and wrong coordinates.
3. **Sparse records.** A site with neither coordinates nor name (e.g. the SRI extraction of an
   MRDS record, which carries only commodities and predicted deposit types) is compared with
   every site of the same state (when it has one) that shares at least one commodity (listed, or
   implied by names and deposit types) or deposit type; blocks larger than ``max_block`` are skipped.

This follows MinMod's FuseMine (spatial groups, then state/country groups for sites without
coordinates) with the offset-free radius search recommended for splink (grid cells miss pairs
near cell edges).

References
----------
Christen, P. (2012). A survey of indexing techniques for scalable record linkage and
deduplication. IEEE TKDE 24(9), 1537-1555. doi:10.1109/TKDE.2011.127
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations

import numpy as np
import pandas as pd

from critmin.deposits.linking.features import comparison_commodities, deposit_type_keys, name_tokens

EARTH_RADIUS_M = 6_371_008.8


def candidate_pairs(
    df: pd.DataFrame,
    *,
    radius_m: float = 10_000.0,
    max_accuracy_m: float = 100_000.0,
    max_block: int = 500,
) -> pd.DataFrame:
    """Candidate pairs among the sites of ``df``.

    Parameters
    ----------
    df
        Sites (see :mod:`critmin.deposits.linking` for the columns).
    radius_m
        Base search radius between two precisely located sites.
    max_accuracy_m
        Cap on each site's location accuracy when widening the radius.
    max_block
        Name tokens, states and commodities shared by more sites than this do not form blocks.

    Returns
    -------
    pandas.DataFrame
        Columns ``a``, ``b``: row positions in ``df`` (``a < b``), one row per distinct pair,
        and ``block`` (``spatial``, ``name`` or ``sparse``: the first block that produced it).
    """
    n = len(df)
    found: dict[tuple[int, int], str] = {}
    _spatial(df, radius_m, max_accuracy_m, found)
    _name_blocks(df, max_block, found)
    _sparse_blocks(df, max_block, found)
    if not found:
        return pd.DataFrame({"a": pd.Series([], dtype="int64"), "b": pd.Series([], dtype="int64"),
                             "block": pd.Series([], dtype="object")})
    keys = sorted(found)
    out = pd.DataFrame(keys, columns=["a", "b"])
    out["block"] = [found[k] for k in keys]
    assert out["b"].max() < n
    return out


def _add(found: dict[tuple[int, int], str], i: int, j: int, block: str) -> None:
    if i == j:
        return
    key = (i, j) if i < j else (j, i)
    found.setdefault(key, block)


def _spatial(df: pd.DataFrame, radius_m: float, max_acc: float, found: dict[tuple[int, int], str]) -> None:
    from sklearn.neighbors import BallTree

    lon = pd.to_numeric(df["lon"], errors="coerce").to_numpy(float)
    lat = pd.to_numeric(df["lat"], errors="coerce").to_numpy(float)
    ok = np.flatnonzero(np.isfinite(lon) & np.isfinite(lat))
    if len(ok) < 2:
        return
    acc = pd.to_numeric(df["location_accuracy_m"], errors="coerce").to_numpy(float) if (
        "location_accuracy_m" in df) else np.zeros(len(df))
    acc = np.clip(np.nan_to_num(acc[ok], nan=0.0), 0.0, max_acc)
    pts = np.radians(np.column_stack([lat[ok], lon[ok]]))
    tree = BallTree(pts, metric="haversine")
    r = (radius_m + acc + acc.max()) / EARTH_RADIUS_M
    ind, dist = tree.query_radius(pts, r=r, return_distance=True)
    for qi, (nbrs, ds) in enumerate(zip(ind, dist, strict=True)):
        lim = (radius_m + acc[qi] + acc[nbrs]) / EARTH_RADIUS_M
        for j in nbrs[(ds <= lim) & (nbrs > qi)]:
            _add(found, int(ok[qi]), int(ok[j]), "spatial")


def _name_blocks(df: pd.DataFrame, max_block: int, found: dict[tuple[int, int], str]) -> None:
    index: dict[str, list[int]] = defaultdict(list)
    for i, (name, aliases) in enumerate(zip(df["name"], df["aliases"], strict=True)):
        toks: set[str] = set()
        for text in [name, *(aliases if isinstance(aliases, (list, tuple, np.ndarray)) else [])]:
            toks.update(t for t in name_tokens(text) if len(t) >= 4 and not t.isdigit())
        for t in toks:
            index[t].append(i)
    for members in index.values():
        if 1 < len(members) <= max_block:
            for i, j in combinations(members, 2):
                _add(found, i, j, "name")


def _sparse_blocks(df: pd.DataFrame, max_block: int, found: dict[tuple[int, int], str]) -> None:
    has_loc = pd.to_numeric(df["lon"], errors="coerce").notna() & pd.to_numeric(df["lat"], errors="coerce").notna()
    has_name = df["name"].map(lambda s: bool(name_tokens(s)))
    sparse = np.flatnonzero((~has_loc & ~has_name).to_numpy())
    if len(sparse) == 0:
        return
    coms = comparison_commodities(df)
    site_keys: list[set[str]] = []
    by_key: dict[str, set[int]] = defaultdict(set)
    for i, dts in enumerate(df["deposit_types"]):
        names, _ = deposit_type_keys(dts)
        keys = {"c:" + c for c in coms[i]} | {"d:" + d for d in names}
        site_keys.append(keys)
        for k in keys:
            by_key[k].add(i)
    states = df["state"].fillna("").astype(str).str.lower().to_numpy()
    for i in sparse.tolist():
        for k in site_keys[i]:
            members = by_key.get(k, set())
            if states[i]:
                members = {j for j in members if states[j] in ("", states[i])}
            if len(members) <= max_block:
                for j in members:
                    _add(found, int(i), int(j), "sparse")


def _as_list(v: object) -> list[object]:
    if isinstance(v, (list, tuple, set, np.ndarray)):
        return list(v)
    return []
