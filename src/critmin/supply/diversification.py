"""Diversification: add a new supply source (a project's production schedule) and recompute concentration and the
partner's supply risk per year.

The schedule is a DataFrame (or CSV) with the columns of :data:`SCHEDULE_COLUMNS` (the economics ↔ supply
interface): ``commodity, stage, country (ISO3), year, quantity, unit ("t"), basis, offtake_partner (ISO3 or
empty), offtake_fraction``. Quantities are converted to the unit and basis of the production table they join:

- lithium: ``LCE`` and ``Li2CO3`` → Li content × 0.18795 (the interface factor; the stoichiometric ratio
  2·6.94/73.89 is 0.18785); ``Li content``;
- rare earths: ``REO``, ``TREO`` (mine) and ``NdPr oxide`` (separation) as given (tonnes of oxide);
- graphite: ``graphite``; other metals: ``contained metal``;
- tonnes → the table unit (kg for Ga/Ge, kt for Cu/Mn).

Future years use the latest reported production of that stage as the base (held constant; recorded in
``base_year``). Stages with only cited shares (REE separation, magnets) take the mine-stage total of the base year
as their size (flagged). The partner's supply-risk indicator is critmin's GeoPolRisk-style product
``HHI_WGI (0–1) × (1 − secured share)``, with ``secured share = offtake / partner demand`` when the demand is
given (else the indicator is the market's governance-weighted HHI alone).

References
----------
Gemechu, E.D., and others, 2016, Journal of Industrial Ecology 20(1), 154-165, doi:10.1111/jiec.12279
(concentration × governance × import exposure).
Meija, J., and others, 2016, Atomic weights of the elements 2013 (IUPAC Technical Report): Pure and Applied
Chemistry 88(3), 265-291, doi:10.1515/pac-2015-0305 (the LCE factor).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from critmin.errors import InputError
from critmin.provenance import RunRecord, sha256_json, utcnow
from critmin.supply.commodities import STAGES, resolve_commodity
from critmin.supply.concentration import hhi
from critmin.supply.governance import governance_scores, known_iso3
from critmin.supply.production import StageProduction, availability, stage_production
from critmin.supply.records import records

SCHEDULE_COLUMNS = ("commodity", "stage", "country", "year", "quantity", "unit", "basis", "offtake_partner",
                    "offtake_fraction")
LCE_TO_LI = 0.18795
"""t Li per t lithium carbonate equivalent (interface factor; stoichiometric 2 × 6.94 / 73.89 = 0.18785)."""
BASIS_FACTORS: dict[str, dict[str, float]] = {
    "Li": {"lce": LCE_TO_LI, "li2co3": LCE_TO_LI, "li content": 1.0, "contained metal": 1.0},
    "REE": {"reo": 1.0, "treo": 1.0, "ndpr oxide": 1.0},
    "Graphite": {"graphite": 1.0},
}
UNIT_PER_T = {"t": 1.0, "kg": 1000.0, "kt": 0.001}
STAGE_FALLBACK = {("Li", "refinery"): "mine"}
"""Stages without a table compared with another stage: MCS lithium "mine production" (Li content) includes the
lithium carbonate produced at brine operations, so a brine project's Li2CO3 ("refinery") joins that table."""


@dataclass(frozen=True)
class DiversificationResult:
    """Per commodity, stage and year: concentration before/after, project share and the partner's risk."""

    table: pd.DataFrame
    notes: list[str]
    record: RunRecord

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"results": self.table.to_dict("records"), "notes": self.notes, "provenance": self.record.to_dict()}


def read_schedule(path: str | Path) -> pd.DataFrame:
    """Read a schedule CSV (the interface columns)."""
    p = Path(path)
    try:
        return pd.read_csv(p, dtype={"offtake_partner": str, "country": str}, keep_default_na=False)
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the schedule ({exc})", file=p) from None


def convert_quantity(symbol: str, basis: str, unit: str, quantity: float, table_unit: str) -> float:
    """Convert a schedule quantity to the production table's basis and unit (see the module notes)."""
    if unit.strip().lower() != "t":
        raise InputError(f"unit {unit!r}; expected 't' (metric tonnes)", column="unit")
    b = basis.strip().lower()
    factors = BASIS_FACTORS.get(symbol, {"contained metal": 1.0})
    if b not in factors:
        raise InputError(f"cannot convert basis {basis!r} for {symbol}; expected one of {', '.join(factors)}",
                         column="basis")
    if table_unit not in UNIT_PER_T:
        raise InputError(f"cannot add tonnes to a table in {table_unit!r}", column="unit")
    return quantity * factors[b] * UNIT_PER_T[table_unit]


def _base(symbol: str, stage: str, year: int) -> tuple[StageProduction, list[str]]:
    av = availability()
    here = av[(av.commodity == symbol) & (av.stage == stage)]
    notes = []
    if here.empty and (symbol, stage) in STAGE_FALLBACK:
        notes.append(f"{symbol} {stage}: no table; compared with the {STAGE_FALLBACK[(symbol, stage)]} stage "
                     "(MCS Li mine production includes brine carbonate output, as Li content)")
        stage = STAGE_FALLBACK[(symbol, stage)]
        here = av[(av.commodity == symbol) & (av.stage == stage)]
    if here.empty:
        raise InputError(f"no {stage} production table for {symbol}; stages: "
                         f"{', '.join(av[av.commodity == symbol].stage)}", column="stage")
    years = sorted({y for ys in here.years for y in ys})
    usable = [y for y in years if y <= year] or years[:1]
    sp = stage_production(symbol, stage, usable[-1])
    if sp.rows.quantity.isna().all():
        mine = stage_production(symbol, "mine", max(y for ys in av[(av.commodity == symbol) & (av.stage == "mine")]
                                                     .years for y in ys if y <= max(year, min(ys))))
        total = float(mine.rows.quantity.sum())
        rows = sp.rows.copy()
        rows["quantity"] = rows["share"] * total
        sp = StageProduction(sp.commodity, sp.stage, sp.year, mine.unit, sp.edition, sp.table, sp.source, rows,
                             None, sp.estimated)
        notes.append(f"{symbol} {stage}: only cited shares; the stage size is taken as the {mine.year} mine "
                     f"total ({total:,.0f} {mine.unit})")
    return sp, notes


def add_supply(schedule: pd.DataFrame, *, partner_demand_t: Mapping[str, float] | None = None,
               governance: pd.DataFrame | None = None) -> DiversificationResult:
    """Add a production schedule to the supply tables and recompute concentration and partner risk per year.

    Parameters
    ----------
    schedule
        Interface DataFrame (:data:`SCHEDULE_COLUMNS`).
    partner_demand_t
        Partner's annual demand per commodity symbol in the schedule's basis after conversion (t of the table
        basis), used for the secured share.
    governance
        User WGI table (see :func:`critmin.supply.governance.read_governance`).

    Raises
    ------
    InputError
        Naming the column of a schedule it cannot read or convert (missing column, unknown commodity, stage,
        country, basis or unit, negative quantity, fraction outside 0–1).
    """
    started = utcnow()
    missing = [c for c in SCHEDULE_COLUMNS if c not in schedule.columns]
    if missing:
        raise InputError(f"schedule lacks column(s) {', '.join(missing)}; expected {', '.join(SCHEDULE_COLUMNS)}",
                         column=missing[0])
    if schedule.empty:
        raise InputError("the schedule has no rows", column="quantity")
    s = schedule.copy()
    iso = known_iso3()
    for i, r in enumerate(records(s), start=1):
        if str(r.stage).strip().lower() not in STAGES:
            raise InputError(f"stage {r.stage!r}; expected one of {', '.join(STAGES)}", row=i, column="stage")
        if str(r.country).strip().upper() not in iso:
            raise InputError(f"country {r.country!r} is not an ISO3 code", row=i, column="country")
        try:
            qty, f = float(r.quantity), float(r.offtake_fraction)
        except (TypeError, ValueError):
            raise InputError(f"quantity {r.quantity!r} / offtake_fraction {r.offtake_fraction!r} not numeric",
                             row=i, column="quantity") from None
        if not np.isfinite(qty) or qty < 0:
            raise InputError(f"quantity {r.quantity!r}; expected a number >= 0", row=i, column="quantity")
        if not 0 <= f <= 1:
            raise InputError(f"offtake_fraction {f}; expected 0-1", row=i, column="offtake_fraction")
    s["symbol"] = [resolve_commodity(str(c)) for c in s.commodity]
    s["stage"] = s.stage.str.strip().str.lower()
    s["country"] = s.country.str.strip().str.upper()
    s["offtake_partner"] = s.offtake_partner.fillna("").astype(str).str.strip().str.upper()
    s["year"] = s.year.astype(int)
    out, notes = [], []
    for key, g in s.groupby(["symbol", "stage", "year"], sort=True):
        sym, stage, year = str(key[0]), str(key[1]), int(str(key[2]))
        base, n = _base(sym, stage, year)
        notes.extend(n)
        rows = base.rows[(base.rows.row_kind == "country") & base.rows.quantity.notna()]
        q: pd.Series = rows.groupby("iso3")["quantity"].sum()
        other = float(base.rows[base.rows.row_kind == "other"].quantity.fillna(0).sum())
        added: dict[str, float] = {}
        offtake: dict[str, float] = {}
        for gkey, gg in g.groupby(["country", "basis", "unit"]):
            country, basis, unit = (str(k) for k in gkey)
            conv = [convert_quantity(sym, basis, unit, float(v), base.unit) for v in gg.quantity]
            total = max(conv)
            added[str(country)] = added.get(str(country), 0.0) + total
            for amount, f, pt in zip(conv, gg.offtake_fraction.astype(float), gg.offtake_partner, strict=True):
                if pt:
                    offtake[pt] = offtake.get(pt, 0.0) + amount * f
        after: pd.Series = q.copy()
        for code, v in added.items():
            after.loc[code] = float(after.get(code, 0.0)) + v
        tot_b, tot_a = float(q.sum()) + other, float(after.sum()) + other
        sb, sa = q / tot_b, after / tot_a
        gb, _ = governance_scores([str(c) for c in sb.index], year, table=governance)
        ga, _ = governance_scores([str(c) for c in sa.index], year, table=governance)
        hw_b = float(sum(sb[c] ** 2 * gb[c] for c in sb.index))
        hw_a = float(sum(sa[c] ** 2 * ga[c] for c in sa.index))
        partners = sorted(offtake) or [""]
        for pt in partners:
            dem = (partner_demand_t or {}).get(sym)
            secured = min(1.0, offtake.get(pt, 0.0) / dem) if dem else None
            out.append({"commodity": sym, "stage": stage, "year": year, "base_year": base.year,
                        "base_source": base.label, "unit": base.unit, "added": sum(added.values()),
                        "project_share": sum(added.values()) / tot_a,
                        "hhi_before": 10_000 * hhi(sb.to_numpy()), "hhi_after": 10_000 * hhi(sa.to_numpy()),
                        "hhi_wgi_before": 10_000 * hw_b, "hhi_wgi_after": 10_000 * hw_a,
                        "top1_share_before": float(sb.max()), "top1_share_after": float(sa.max()),
                        "partner": pt, "offtake": offtake.get(pt, 0.0), "partner_secured_share": secured,
                        "partner_risk_before": hw_b, "partner_risk_after": hw_a * (1 - (secured or 0.0))})
    rec = RunRecord.create("supply.diversification.add_supply",
                           inputs_sha256=sha256_json(schedule.astype(str).to_dict("list")),
                           parameters={"partner_demand_t": dict(partner_demand_t or {})}, started_at=started)
    return DiversificationResult(pd.DataFrame(out), sorted(set(notes)), rec)
