"""Pair features for record linking: name, distance, commodity, deposit-type and admin agreement.

Commodities are compared on the listed ones, or, for a site that lists none, on those its name
or deposit types name (:func:`implied_commodities`). Deposit types agree fully on the same
CMMI type and half on the same CMMI group (Hofstra et al. 2021, doi:10.3133/ofr20211049).

Every similarity comes with a "both present" flag, because missing evidence is common (sites
without coordinates, SRI extractions without names) and must not count as disagreement.

Names are compared after :func:`normalise_name`: Unicode folded to ASCII, lower-cased,
punctuation removed and generic words dropped (*mine, deposit, prospect, claims, property,
project, operation, area, district, occurrence, unnamed, unknown, company …*), as recommended
for mineral-site records (MinMod FuseMine TODO; Hofstra et al. deposit naming).

References
----------
Bachmann, M. (2024). RapidFuzz: rapid fuzzy string matching. doi:10.5281/zenodo.10938887
"""

from __future__ import annotations

import math
import re
import unicodedata
from functools import lru_cache

import numpy as np
import pandas as pd

#: words that say what kind of site it is, not which one
GENERIC_WORDS: frozenset[str] = frozenset(
    """mine mines mining deposit deposits prospect prospects claim claims property properties project projects
    operation operations area areas district districts occurrence occurrences unnamed unknown unidentified
    unnamedmine group co company inc ltd corp corporation the of and de la el le pit pits quarry quarries
    shaft adit workings working lode lodes vein veins zone zones mill plant site sites no nr
    location locality showing reported""".split()
)
FEATURES: tuple[str, ...] = (
    "name_sim", "has_names", "loc_score", "has_locs", "com_jaccard", "has_coms", "dtype_sim", "has_dtypes",
    "state_same", "country_diff", "same_source",
)
EARTH_RADIUS_KM = 6371.0088


@lru_cache(maxsize=65536)
def normalise_name(text: object) -> str:
    """Lower-case ASCII name with punctuation and generic words removed (``''`` when nothing is left).

    Examples
    --------
    >>> normalise_name("Searles Lake Mine")
    'searles lake'
    >>> normalise_name("Unnamed prospect")
    ''
    """
    return " ".join(name_tokens(text))


@lru_cache(maxsize=65536)
def name_tokens(text: object) -> tuple[str, ...]:
    """Informative tokens of a site name (see :func:`normalise_name`)."""
    if not isinstance(text, str) or not text.strip():
        return ()
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    toks = re.findall(r"[a-z0-9]+", folded)
    return tuple(t for t in toks if t not in GENERIC_WORDS)


@lru_cache(maxsize=65536)
def _word_commodity(word: str) -> str | None:
    from critmin.deposits.vocab import normalise_commodity

    return normalise_commodity(word)


@lru_cache(maxsize=4096)
def _type_info(name: str) -> tuple[str | None, frozenset[str]]:
    """(CMMI group, commodities named in the type) of a deposit-type name."""
    from critmin.deposits.vocab import deposit_type

    info = deposit_type(name)
    words = re.findall(r"[A-Za-z]+", name)
    coms = frozenset(c for w in words if (len(w) >= 4 or w in ("Co", "Cu", "Ni", "Li", "REE", "PGE"))
                     for c in [_word_commodity(w)] if c)
    return (info.group if info is not None else None), coms


def implied_commodities(name: object, aliases: object, deposit_types: object) -> frozenset[str]:
    """Commodities a site's names (words of ≥ 5 letters: "Lineville *Graphite* Co. mine") and deposit
    types ("Sediment-hosted *copper* ± *Co*") name. Used only when a site lists no commodity."""
    out: set[str] = set()
    texts = [name, *(aliases if isinstance(aliases, (list, tuple, np.ndarray)) else [])]
    for t in texts:
        for w in name_tokens(t):
            if len(w) >= 5 and not w.isdigit():
                c = _word_commodity(w)
                if c:
                    out.add(c)
    for d in _set_list(deposit_types)[:3]:
        out |= _type_info(str(d))[1]
    return frozenset(out)


def comparison_commodities(df: pd.DataFrame) -> list[frozenset[str]]:
    """Per site: the listed commodities, or the implied ones when none is listed."""
    out = []
    for n, al, c, d in zip(df["name"], df["aliases"], df["commodities"], df["deposit_types"], strict=True):
        listed = _set(c)
        out.append(listed if listed else implied_commodities(n, al, d))
    return out


def deposit_type_keys(v: object, top: int = 3) -> tuple[frozenset[str], frozenset[str]]:
    """(lower-case type names, CMMI groups) of a site's ``top`` deposit-type candidates."""
    names = [str(x) for x in _set_list(v)[:top]]
    groups = {g for g in (_type_info(n)[0] for n in names) if g}
    return frozenset(n.lower() for n in names), frozenset(groups)


def _names(row_name: object, aliases: object) -> list[str]:
    out = [normalise_name(row_name)]
    if isinstance(aliases, (list, tuple, np.ndarray)):
        out += [normalise_name(a) for a in aliases]
    return [n for n in dict.fromkeys(out) if n]


def _set(v: object) -> frozenset[str]:
    if isinstance(v, (list, tuple, set, np.ndarray)):
        return frozenset(str(x) for x in v if x is not None and str(x) != "")
    return frozenset()


def pair_features(df: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    """Feature table for ``pairs`` (row positions ``a``, ``b`` into ``df``).

    Returns
    -------
    pandas.DataFrame
        Index aligned with ``pairs``; columns :data:`FEATURES` plus ``dist_km`` (NaN without
        coordinates). Similarities are in 0-1 and 0 where the ``has_*`` flag is 0;
        ``state_same`` is +1 (same), -1 (different) or 0 (unknown); ``country_diff`` is 1 when
        both countries are known and differ.
    """
    from rapidfuzz import fuzz

    a = pairs["a"].to_numpy(int)
    b = pairs["b"].to_numpy(int)
    names = [_names(n, al) for n, al in zip(df["name"], df["aliases"], strict=True)]
    coms = comparison_commodities(df)
    dts = [deposit_type_keys(d) for d in df["deposit_types"]]
    src = df["source"].astype(str).to_numpy()
    state = df["state"].fillna("").astype(str).str.strip().str.lower().to_numpy()
    country = df["country"].fillna("").astype(str).str.strip().str.lower().to_numpy()
    lon = np.radians(pd.to_numeric(df["lon"], errors="coerce").to_numpy(float))
    lat = np.radians(pd.to_numeric(df["lat"], errors="coerce").to_numpy(float))
    acc = (pd.to_numeric(df["location_accuracy_m"], errors="coerce").fillna(0.0).clip(0, 100_000).to_numpy(float)
           if "location_accuracy_m" in df else np.zeros(len(df)))

    n = len(pairs)
    out = {k: np.zeros(n) for k in FEATURES}
    # distance (vectorised haversine)
    dlat, dlon = lat[b] - lat[a], lon[b] - lon[a]
    h = np.sin(dlat / 2) ** 2 + np.cos(lat[a]) * np.cos(lat[b]) * np.sin(dlon / 2) ** 2
    dist = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0, 1)))
    has_loc = np.isfinite(dist)
    scale = 1.0 + (acc[a] + acc[b]) / 1000.0
    out["loc_score"] = np.where(has_loc, np.exp(-np.nan_to_num(dist) / scale), 0.0)
    out["has_locs"] = has_loc.astype(float)
    for k in range(n):
        i, j = a[k], b[k]
        if names[i] and names[j]:
            out["has_names"][k] = 1.0
            out["name_sim"][k] = max(
                (fuzz.token_set_ratio(x, y) + fuzz.token_sort_ratio(x, y)) / 2 for x in names[i] for y in names[j]
            ) / 100.0
        if coms[i] and coms[j]:
            out["has_coms"][k] = 1.0
            out["com_jaccard"][k] = len(coms[i] & coms[j]) / len(coms[i] | coms[j])
        if dts[i][0] and dts[j][0]:
            out["has_dtypes"][k] = 1.0
            out["dtype_sim"][k] = 1.0 if dts[i][0] & dts[j][0] else (0.5 if dts[i][1] & dts[j][1] else 0.0)
        if state[i] and state[j]:
            out["state_same"][k] = 1.0 if state[i] == state[j] else -1.0
        if country[i] and country[j] and country[i] != country[j]:
            out["country_diff"][k] = 1.0
        out["same_source"][k] = 1.0 if src[i] == src[j] else 0.0
    res = pd.DataFrame(out, index=pairs.index)
    res["dist_km"] = np.where(has_loc, dist, math.nan)
    res["scale_km"] = scale
    res["evidence"] = minimum_evidence(res).astype(float)
    return res


def _set_list(v: object) -> list[object]:
    if isinstance(v, (list, tuple, np.ndarray)):
        return list(v)
    return []


def minimum_evidence(features: pd.DataFrame) -> pd.Series:
    """True where at least one field gives positive evidence that the two records are one site.

    Positive evidence is a similar name (``name_sim >= 0.5``), a nearby location
    (``loc_score >= 0.05``: within about three times the combined location uncertainty), a
    commodity overlap of at least a third (``com_jaccard >= 1/3``) or the same deposit type.
    Pairs without any are never linked, whatever the model says: records that lack names and
    coordinates (SRI extractions of MRDS) would otherwise link to every site of the same
    commodity. Negative evidence vetoes a link: two names that differ (``name_sim < 0.5``) need
    a close location (``loc_score >= 0.5``), and two distant locations (``loc_score < 0.05``)
    need nearly the same name (``name_sim >= 0.8``); locations more than 100 km beyond their
    combined uncertainty, different states or countries (unless the points are close), and names
    compared without any coordinates that are not nearly the same also veto. These rules are fixed a priori
    (Fellegi & Sunter 1969: a pair without agreement on any field has no evidence of being a
    match), not learned from the labels.
    """
    support = (
        (features["has_names"].gt(0) & features["name_sim"].ge(0.5))
        | (features["has_locs"].gt(0) & features["loc_score"].ge(0.05))
        | (features["has_coms"].gt(0) & features["com_jaccard"].ge(1 / 3 - 1e-9))
        | (features["has_dtypes"].gt(0) & features["dtype_sim"].ge(1.0))
    )
    # negative evidence: different names need a close location, distant locations need the same name
    has_names, has_locs = features["has_names"].gt(0), features["has_locs"].gt(0)
    close = has_locs & features["loc_score"].ge(0.5)
    names_differ = has_names & features["name_sim"].lt(0.5)
    far = has_locs & features["loc_score"].lt(0.05)
    very_far = has_locs & features["dist_km"].gt(100.0 + features["scale_km"])
    conflict = (
        (names_differ & ~close)
        | (far & ~(has_names & features["name_sim"].ge(0.8)))
        | very_far
        | (features["state_same"].lt(0) & ~close)
        | (features["country_diff"].gt(0) & ~close)
        | (has_names & ~has_locs & features["name_sim"].lt(0.8))
    )
    return support & ~conflict

