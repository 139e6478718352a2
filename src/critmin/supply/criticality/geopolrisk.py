"""GeoPolRisk: geopolitical supply risk of an importing economy (score, midpoint and characterisation factor).

For raw material A and importer c::

    HHI_A         = Σ_i P_Ai² / (Σ_i P_Ai)²                     (global production by country)
    ImportRisk_Ac = Σ_i g_i · f_Aic / (p_Ac + F_Ac)             (g = WGI political stability normalised 0-1,
                                                                  1 = worst; f = imports from i; p = domestic
                                                                  production; F = total imports)
    GeoPolRisk_Ac = HHI_A · ImportRisk_Ac
    Midpoint      = GeoPolRisk_Ac · p̄_A                         (p̄ = average import price, value / quantity)
    CF            = Midpoint / 0.409412948                      (copper reference, kg Cu-eq / kg)

The score is computed from country-level inputs (production by country, bilateral imports, governance), never
from published intermediate indices.

References
----------
Gemechu, E.D., Helbig, C., Sonnemann, G., Thorenz, A., and Tuma, A., 2016, Import-based indicator for the
geopolitical supply risk of raw materials in life cycle sustainability assessments: Journal of Industrial Ecology
20(1), 154-165, doi:10.1111/jiec.12279.
Koyamparambath, A., and others, 2024, geopolrisk-py: a Python package for the GeoPolRisk method: Journal of Open
Source Software, doi:10.21105/joss.09600 (reference case "Testing case - tool.xlsx", USA 2022).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from critmin.errors import InputError
from critmin.provenance import RunRecord, sha256_json
from critmin.reference import load_table
from critmin.supply.criticality.base import CriticalityResult, list_membership, require

COPPER_REFERENCE_MIDPOINT = 0.409412948
"""Copper reference midpoint (OECD average 2017-2021) used to express CFs in kg Cu-eq/kg (geopolrisk-py 2.0)."""
BACI_CODES = {"251": "FRA", "579": "NOR", "699": "IND", "757": "CHE", "842": "USA", "490": "TWN"}
"""CEPII BACI country codes that differ from UN M49 (France, Norway, India, Switzerland, USA; 490 "Other Asia,
n.e.s." = Taiwan), from the BACI country-code list (CEPII, BACI documentation)."""
MISSING_GOVERNANCE = 0.5
"""Normalised governance used by geopolrisk-py for a partner without a WGI value (flagged in the result)."""


@dataclass(frozen=True)
class GeoPolRiskScore:
    """GeoPolRisk components for one raw material, importer and year."""

    hhi: float
    domestic_production: float
    numerator: float
    total_trade: float
    import_risk: float
    score: float
    price: float
    midpoint: float
    cf: float

    def to_dict(self) -> dict[str, float]:
        """Components as a dictionary."""
        return dict(self.__dict__)


def hhi_fraction(production: Mapping[str, float] | pd.Series) -> float:
    """Σ Pᵢ² / (Σ Pᵢ)² over producers (0–1)."""
    p = np.asarray(list(production.values()) if isinstance(production, Mapping) else production, dtype=float)
    p = p[np.isfinite(p)]
    if (p < 0).any():
        raise InputError("negative production in the GeoPolRisk production table", column="production")
    total = p.sum()
    if total <= 0:
        raise InputError("the GeoPolRisk production table sums to zero", column="production")
    return float(np.sum(p**2) / total**2)


def score(production: Mapping[str, float] | pd.Series, domestic_production_t: float, imports: pd.DataFrame
          ) -> GeoPolRiskScore:
    """GeoPolRisk score, midpoint and CF from country-level inputs.

    Parameters
    ----------
    production
        Global production by country (any mass unit, consistent).
    domestic_production_t
        Importer's own production (t, same unit as ``imports.quantity_t``).
    imports
        One row per partner: ``quantity_t``, ``value_kusd`` and ``governance`` (normalised 0–1, 1 = worst).
    """
    require(imports, ["quantity_t", "value_kusd", "governance"], "geopolrisk", what="imports")
    q = imports["quantity_t"].to_numpy(float)
    if (q < 0).any() or domestic_production_t < 0:
        raise InputError("negative import quantity or domestic production", column="quantity_t")
    g = imports["governance"].to_numpy(float)
    h = hhi_fraction(production)
    numerator = float(np.sum(g * q))
    total = float(q.sum())
    denom = domestic_production_t + total
    wta = numerator / denom if denom > 0 else 0.0
    s = h * wta
    price = float(imports["value_kusd"].sum() / total) if total > 0 else float("nan")
    mid = s * price
    return GeoPolRiskScore(h, float(domestic_production_t), numerator, total, wta, s, price, mid,
                           mid / COPPER_REFERENCE_MIDPOINT)


def score_many(production: np.ndarray, domestic_production_t: np.ndarray, import_t: np.ndarray,
               import_kusd: np.ndarray, governance: np.ndarray) -> dict[str, np.ndarray]:
    """Vectorised :func:`score` for many importers of one raw material (same producers and partners).

    Parameters
    ----------
    production
        Global production by country, shape (p,).
    domestic_production_t
        Each importer's own production, shape (m,).
    import_t, import_kusd
        Imports by importer (rows) and partner (columns), shape (m, k): quantity (t) and value (kUSD).
    governance
        Partners' normalised governance (0–1, 1 = worst), shape (k,).

    Returns
    -------
    dict
        Arrays of shape (m,): ``import_risk``, ``score``, ``price``, ``midpoint``, ``cf``; and ``hhi`` (scalar array).
    """
    q = np.asarray(import_t, float)
    v = np.asarray(import_kusd, float)
    dom = np.asarray(domestic_production_t, float)
    if (q < 0).any() or (dom < 0).any():
        raise InputError("negative import quantity or domestic production", column="quantity_t")
    h = hhi_fraction(pd.Series(np.asarray(production, float)))
    total = q.sum(axis=1)
    numerator = q @ np.asarray(governance, float)
    denom = dom + total
    wta = np.divide(numerator, denom, out=np.zeros_like(numerator), where=denom > 0)
    sc = h * wta
    price = np.divide(v.sum(axis=1), total, out=np.full_like(total, np.nan), where=total > 0)
    mid = sc * price
    return {"hhi": np.asarray(h), "import_risk": wta, "score": sc, "price": price, "midpoint": mid,
            "cf": mid / COPPER_REFERENCE_MIDPOINT}


def read_imports(path: str | Path, year: int) -> pd.DataFrame:
    """Read bilateral imports: ``commodity, exporter`` (ISO3, UN M49 or BACI number), ``quantity_t, value_kusd``,
    optional ``governance`` (normalised 0–1); missing governance comes from the shipped WGI (year ``year``)."""
    from critmin.supply.commodities import resolve_commodity
    from critmin.supply.governance import shipped_wgi

    p = Path(path)
    try:
        df = pd.read_csv(p, dtype={"exporter": str})
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the imports table ({exc})", file=p) from None
    try:
        require(df, ["commodity", "exporter", "quantity_t", "value_kusd"], "geopolrisk", what="imports")
    except InputError as exc:
        raise exc.located(file=p) from None
    df["commodity"] = [resolve_commodity(c) for c in df["commodity"]]
    countries = load_table("countries")
    m49 = {str(int(n)): i for n, i in zip(countries.numeric, countries.iso3, strict=True)} | BACI_CODES
    iso = set(countries.iso3)
    codes = []
    for i, e in enumerate(df["exporter"].astype(str), start=1):
        e = e.strip()
        code = e.upper() if e.upper() in iso else m49.get(e.lstrip("0") or "0", "")
        codes.append(code)
        if not code:
            raise InputError(f"exporter {e!r} is neither an ISO3 code nor a UN M49 number", file=p, row=i,
                             column="exporter")
    df["iso3"] = codes
    if "governance" not in df.columns:
        w = shipped_wgi()
        g = []
        for code in codes:
            rows = w[(w.iso3 == code) & (w.year <= year)]
            g.append((2.5 - float(rows.sort_values("year")["value"].iloc[-1])) / 5 if len(rows) else MISSING_GOVERNANCE)
        df["governance"] = g
    return df


def run(*, imports: pd.DataFrame, domestic_production: Mapping[str, float], year: int,
        production: Mapping[str, Mapping[str, float]] | None = None, importer: str = "",
        **_: Any) -> CriticalityResult:
    """GeoPolRisk for every commodity in ``imports``.

    Parameters
    ----------
    imports
        :func:`read_imports` output (one importer).
    domestic_production
        Importer's production per commodity symbol (t).
    year
        Year of the inputs (production shares come from the shipped tables when ``production`` is None).
    production
        Global production by country per commodity; default: MCS mine stage of ``year``.
    importer
        ISO3 of the importer (for the table).
    """
    from critmin.supply.production import stage_production

    rows = []
    notes = []
    for key, g in imports.groupby("commodity", sort=False):
        sym = str(key)
        if production is not None and sym in production:
            prod: Mapping[str, float] = production[sym]
            src = "user production"
        else:
            sp = stage_production(sym, "mine", year)
            named = sp.rows[sp.rows.row_kind == "country"]
            prod = dict(zip(named.country, named.quantity.fillna(0), strict=True))
            src = sp.label
        if sym not in domestic_production:
            raise InputError(f"geopolrisk: no domestic production of the importer for {sym}; give it "
                             "(--domestic-production SYMBOL=TONNES, 0 if none)", column="domestic_production")
        r = score(prod, float(domestic_production[sym]), g)
        rows.append({"method": "geopolrisk", "commodity": sym, "year": year, "stage": "mine",
                     "supply_risk": r.score, "importance": None, "score": r.cf,
                     "threshold_supply_risk": None, "threshold_importance": None, "critical": None,
                     "lists": list_membership(sym), "components": r.to_dict() | {"importer": importer},
                     "source": f"production: {src}; imports: user table"})
    notes.append("GeoPolRisk has no criticality threshold; 'score' is the characterisation factor (kg Cu-eq/kg).")
    rec = RunRecord.create("supply.criticality.geopolrisk",
                           inputs_sha256=sha256_json(imports.to_dict("list")),
                           parameters={"year": year, "importer": importer,
                                       "domestic_production": dict(domestic_production)})
    return CriticalityResult("geopolrisk", pd.DataFrame(rows), notes, rec)
