"""EU criticality method (JRC 2017 guidelines, used in the 2020 and 2023 assessments): SR and EI, thresholds.

::

    HHI_WGI,t = Σ_c S_c² · WGI_c · t_c          (shares as fractions; WGI scaled 0-10, 10 = worst; t_c trade factor)
    SR = [HHI_WGI,t(GS) · IR/2 + HHI_WGI,t(EU sourcing) · (1 − IR/2)] · (1 − EoL_RIR) · SI_SR
    EI = Σ_s (A_s · Q_s) / max_s(Q_s) · 10 · SI_EI  (A_s end-use shares, Q_s sector gross value added)

SR is computed for the extraction and the processing stage; the higher (bottleneck) value is kept. Results are
rounded to one decimal as published; a material is critical when SR ≥ 1.0 and EI ≥ 2.8.

The EU averages all six WGI dimensions; critmin ships only the political-stability dimension, so unless a user
governance table (six-dimension average on the estimate scale) is given the SR is flagged as an approximation.
EU import reliance, EoL-RIR, substitution indices and end-use/GVA data are user inputs (Eurostat, JRC RMIS).

References
----------
Blengini, G.A., and others, 2017, Methodology for establishing the EU list of critical raw materials: Guidelines:
Publications Office of the EU, doi:10.2760/73303.
Grohol, M., and Veeh, C., 2023, Study on the critical raw materials for the EU 2023 - Final report: European
Commission, DG GROW, doi:10.2873/725585.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from critmin.errors import InputError
from critmin.provenance import RunRecord, sha256_json
from critmin.supply.criticality.base import CriticalityResult, bounded, list_membership, require
from critmin.supply.records import records

SR_THRESHOLD = 1.0
EI_THRESHOLD = 2.8
INPUT_COLUMNS = ["commodity", "import_reliance", "eol_rir", "si_sr", "si_ei"]
END_USE_COLUMNS = ["commodity", "sector", "share", "gva"]
EXTRACTION = ("mine",)
PROCESSING = ("refinery", "separation")


def hhi_wgi_t(shares: Mapping[str, float], wgi_0_10: Mapping[str, float],
              trade_factor: Mapping[str, float] | None = None) -> float:
    """Σ Sᵢ² · WGIᵢ · tᵢ (shares as fractions keyed by ISO3; missing t = 1)."""
    t = trade_factor or {}
    missing = [c for c in shares if c not in wgi_0_10]
    if missing:
        raise InputError(f"no governance value for {', '.join(missing)}", column="iso3")
    return float(sum(s * s * wgi_0_10[c] * t.get(c, 1.0) for c, s in shares.items()))


def supply_risk(hhi_gs: float, hhi_eu: float, import_reliance: float, eol_rir: float, si_sr: float) -> float:
    """EU SR from the two governance-weighted HHIs (unrounded)."""
    for name, v in (("import_reliance", import_reliance), ("eol_rir", eol_rir), ("si_sr", si_sr)):
        if not 0 <= v <= 1:
            raise InputError(f"{name} = {v}; expected a fraction in [0, 1]", column=name)
    return (hhi_gs * import_reliance / 2 + hhi_eu * (1 - import_reliance / 2)) * (1 - eol_rir) * si_sr


def economic_importance(shares: np.ndarray, gva: np.ndarray, max_gva: float, si_ei: float) -> float:
    """EU EI = Σ Aₛ·Qₛ / max Q · 10 · SI_EI (unrounded)."""
    a = np.asarray(shares, float)
    if abs(a.sum() - 1) > 0.02:
        raise InputError(f"end-use shares sum to {a.sum():.3f}; expected 1", column="share")
    if max_gva <= 0:
        raise InputError("max sector GVA must be > 0", column="gva")
    return float(np.sum(a * np.asarray(gva, float)) / max_gva * 10 * si_ei)


def _stage_shares(sym: str, stages: tuple[str, ...], year: int) -> list[tuple[str, dict[str, float]]]:
    from critmin.supply.production import stage_production

    out = []
    for st in stages:
        try:
            sp = stage_production(sym, st, year)
        except InputError:
            continue
        named = sp.rows[(sp.rows.row_kind == "country") & (sp.rows.share > 0)]
        per = named.groupby("iso3")["share"].sum()
        out.append((st, {str(k): float(v) for k, v in per.items()}))
    return out


def run(*, inputs: pd.DataFrame, end_uses: pd.DataFrame, year: int, governance: pd.DataFrame | None = None,
        eu_sourcing: pd.DataFrame | None = None, trade_factor: Mapping[str, float] | None = None,
        max_gva: float | None = None, **_: Any) -> CriticalityResult:
    """EU SR and EI for every commodity of ``inputs`` (see the module notes for the input columns)."""
    from critmin.supply.commodities import resolve_commodity
    from critmin.supply.governance import governance_scores

    require(inputs, INPUT_COLUMNS, "eu")
    for c in INPUT_COLUMNS[1:]:
        bounded(inputs, c, 0, 1)
    require(end_uses, END_USE_COLUMNS, "eu", what="end-use")
    eu_ = end_uses.assign(commodity=[resolve_commodity(c) for c in end_uses.commodity])
    qmax = float(max_gva if max_gva is not None else eu_["gva"].max())
    notes = []
    if governance is None:
        notes.append("governance: WGI political stability only (the EU averages six WGI dimensions); "
                     "give a six-dimension table with --governance to follow the guidelines exactly")
    rows = []
    for r in records(inputs):
        sym = resolve_commodity(str(r.commodity))
        stages = _stage_shares(sym, EXTRACTION, year) + _stage_shares(sym, PROCESSING, year)
        if not stages:
            raise InputError(f"eu: no production shares for {sym} in {year}", column="year")
        best = None
        for st, shares in stages:
            wgi, _used = governance_scores(list(shares), year, table=governance, scale="scale_0_10")
            hgs = hhi_wgi_t(shares, wgi, trade_factor)
            if eu_sourcing is not None and sym in set(eu_sourcing.commodity):
                sub = eu_sourcing[eu_sourcing.commodity == sym]
                es = {str(k): float(v) for k, v in zip(sub["iso3"], sub["share"], strict=True)}
                wgi_e, _ = governance_scores(list(es), year, table=governance, scale="scale_0_10")
                heu = hhi_wgi_t(es, wgi_e, trade_factor)
            else:
                heu = hgs
                notes.append(f"{sym}: no EU sourcing shares given; global supply used for both terms")
            sr = supply_risk(hgs, heu, float(r.import_reliance), float(r.eol_rir), float(r.si_sr))
            if best is None or sr > best[1]:
                best = (st, sr, hgs, heu)
        assert best is not None
        g = eu_[eu_.commodity == sym]
        if g.empty:
            raise InputError(f"eu: no end-use rows for {sym}", column="commodity")
        ei = economic_importance(g.share.to_numpy(), g.gva.to_numpy(), qmax, float(r.si_ei))
        sr_r, ei_r = round(best[1], 1), round(ei, 1)
        rows.append({"method": "eu", "commodity": sym, "year": year, "stage": best[0], "supply_risk": sr_r,
                     "importance": ei_r, "score": None, "threshold_supply_risk": SR_THRESHOLD,
                     "threshold_importance": EI_THRESHOLD,
                     "critical": bool(sr_r >= SR_THRESHOLD and ei_r >= EI_THRESHOLD),
                     "lists": list_membership(sym),
                     "components": {"hhi_wgi_t_gs": best[2], "hhi_wgi_t_eu": best[3], "sr_unrounded": best[1],
                                    "ei_unrounded": ei, "import_reliance": float(r.import_reliance),
                                    "eol_rir": float(r.eol_rir), "si_sr": float(r.si_sr), "si_ei": float(r.si_ei)},
                     "source": "production shares: shipped MCS/cited tables; other inputs: user"})
    rec = RunRecord.create("supply.criticality.eu", inputs_sha256=sha256_json(
        [inputs.to_dict("list"), end_uses.to_dict("list")]), parameters={"year": year, "max_gva": qmax})
    return CriticalityResult("eu", pd.DataFrame(rows), sorted(set(notes)), rec)
