"""Governance indicators (World Bank WGI) per producing country, scaled as each method needs them.

The shipped table ``supply_wgi`` holds the WGI *Political Stability and Absence of Violence/Terrorism*
estimate (about −2.5 to 2.5, higher = better) for 2013–2022. Methods use it rescaled:

- ``normalised_01``: g = (2.5 − PV) / 5 in [0, 1], 1 = worst (GeoPolRisk; USGS 2022 DP);
- ``scale_0_10``: 10·g in [0, 10], 10 = worst (EU HHI_WGI; the EU averages all six WGI dimensions — supply
  them as a user table with :func:`read_governance` to follow it exactly).

A year without a value uses the latest earlier year (recorded). Territories without their own WGI score use their
administering state (:data:`PROXIES`). A user table (columns ``iso3, year, value`` on the estimate scale)
replaces or extends the shipped one; countries still missing raise :class:`InputError` listing them.

References
----------
Kaufmann, D., and Kraay, A., 2023, Worldwide Governance Indicators, 2023 update, World Bank,
www.govindicators.org (CC BY 4.0).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd

from critmin.errors import InputError
from critmin.reference import load_table

PROXIES = {"NCL": "FRA"}
"""Territories scored with their administering state (MCS: New Caledonia, "Overseas territory of France")."""


@cache
def known_iso3() -> frozenset[str]:
    """ISO3 codes of critmin's countries table."""
    return frozenset(load_table("countries")["iso3"])


@cache
def shipped_wgi() -> pd.DataFrame:
    """The shipped WGI political-stability estimates: iso3, country, year, value."""
    t = load_table("supply_wgi")
    return pd.DataFrame({"iso3": t.iso3, "country": t.country, "year": t.year.astype(int),
                         "value": t.pv_estimate.astype(float)})


def read_governance(path: str | Path) -> pd.DataFrame:
    """Read a user governance CSV with columns ``iso3, year, value`` (WGI estimate scale, −2.5 … 2.5)."""
    p = Path(path)
    try:
        df = pd.read_csv(p, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the governance table ({exc})", file=p) from None
    for c in ("iso3", "year", "value"):
        if c not in df.columns:
            raise InputError(f"missing column {c!r}; expected iso3, year, value (WGI estimate)", file=p)
    out = []
    for i, r in enumerate(df.to_dict("records"), start=1):
        try:
            v, y = float(r["value"]), int(r["year"])
        except ValueError:
            raise InputError(f"value {r['value']!r} or year {r['year']!r} is not a number", file=p, row=i,
                             column="value") from None
        if not -3.0 <= v <= 3.0:
            raise InputError(f"WGI estimate {v} outside −3 … 3; expected the WGI estimate scale", file=p, row=i,
                             column="value")
        code = str(r["iso3"]).strip().upper()
        out.append({"iso3": code, "country": code, "year": y, "value": v})
    return pd.DataFrame(out)


def _index(frame: pd.DataFrame, base: dict[str, list[tuple[int, float]]] | None = None
           ) -> dict[str, list[tuple[int, float]]]:
    """ISO3 → [(year, estimate)] sorted by year; a user table replaces the base series of the codes it lists."""
    out = dict(base or {})
    for code, g in frame.groupby("iso3"):
        out[str(code)] = sorted((int(y), float(v)) for y, v in zip(g["year"], g["value"], strict=True))
    return out


@cache
def _shipped_index() -> dict[str, list[tuple[int, float]]]:
    return _index(shipped_wgi())


def governance_scores(iso3: list[str], year: int, *, table: pd.DataFrame | None = None,
                      scale: str = "normalised_01") -> tuple[dict[str, float], dict[str, int]]:
    """Governance score per ISO3 code for ``year`` and the WGI year used for each.

    Parameters
    ----------
    iso3
        Producer codes.
    year
        Production year (the latest WGI year ≤ ``year`` is used, else the earliest available).
    table
        User table (:func:`read_governance`) overriding the shipped values.
    scale
        ``normalised_01`` (1 = worst) or ``scale_0_10`` (10 = worst) or ``estimate`` (raw).

    Raises
    ------
    InputError
        Listing every code without a value.
    """
    index = _shipped_index() if table is None else _index(table, _shipped_index())
    scores: dict[str, float] = {}
    used: dict[str, int] = {}
    missing = []
    for code in iso3:
        series = index.get(PROXIES.get(code, code))
        if not series:
            missing.append(code)
            continue
        before = [(y, v) for y, v in series if y <= int(year)]
        y_used, est = before[-1] if before else series[0]
        g01 = min(1.0, max(0.0, (2.5 - est) / 5.0))
        scores[code] = {"normalised_01": g01, "scale_0_10": 10 * g01, "estimate": est}[scale]
        used[code] = y_used
    if missing:
        raise InputError(f"no governance (WGI) value for {', '.join(sorted(missing))}; supply them in a "
                         "governance table with columns iso3, year, value (--governance FILE)", column="iso3")
    return scores, used
