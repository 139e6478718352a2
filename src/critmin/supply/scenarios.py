"""Export-restriction scenarios from a TOML file: lost world supply, partner shortfall, stockpile cover, price
response (partial equilibrium, Monte Carlo over elasticities) and propagation to downstream stages.

File layout (``docs/supply.md`` has a full example)::

    [scenario]            name, commodity, stage, year (base production year), start (ISO date), duration_days
    [restriction]         countries (ISO3 list), fraction (0-1 of their production withheld from the market)
    [market]              supply_elasticity, demand_elasticity, elasticity_source (citation, required),
                          spare_capacity (fraction of unrestricted production, default 0), spare_capacity_source
    [partner]             (optional) country, demand_t (per year), import_shares {ISO3 = fraction}, stockpile_t
    [monte_carlo]         (optional) draws, seed, supply_elasticity / demand_elasticity = {dist, ...}
                          dist = "uniform" (low, high) | "triangular" (low, mode, high) | "normal" (mean, sd)
    [[downstream]]        (optional) stage, input_share (fraction of the stage's input that is this product)

No elasticity is shipped: values and their citation come from the file (the result repeats the citation).

References
----------
Nassar, N.T., Shojaeddini, E., Alonso, E., Jaskula, B., and Tolcin, A., 2024, USGS Open-File Report 2024-1057,
doi:10.3133/ofr20241057 (disruption scenarios: restriction share, elasticities, spare capacity).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from critmin.errors import InputError
from critmin.provenance import RunRecord, sha256_json, utcnow
from critmin.supply.price_response import clear_market
from critmin.supply.production import stage_production

DISTRIBUTIONS = {"uniform": ("low", "high"), "triangular": ("low", "mode", "high"), "normal": ("mean", "sd")}


@dataclass(frozen=True)
class ScenarioResult:
    """Outcome of one scenario (central elasticities) and the Monte Carlo summary."""

    name: str
    commodity: str
    stage: str
    year: int
    start: str
    end: str
    restricted_share: float
    lost_share: float
    lost_quantity: float
    unit: str
    price_change: float
    quantity_change: float
    unbounded: bool
    partner: dict[str, Any] | None
    downstream: list[dict[str, Any]]
    monte_carlo: dict[str, Any] | None
    elasticity_source: str
    source: str
    record: RunRecord
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary."""
        d = {k: getattr(self, k) for k in self.__dataclass_fields__ if k != "record"}
        d["provenance"] = self.record.to_dict()
        return d


def _section(doc: dict[str, Any], name: str, path: str, required: bool = True) -> dict[str, Any]:
    sec = doc.get(name)
    if sec is None and not required:
        return {}
    if not isinstance(sec, dict):
        raise InputError(f"missing table {name!r} (a TOML section)", file=path, column=name)
    return sec


def _num(sec: dict[str, Any], key: str, where: str, path: str, lo: float | None = None,
         hi: float | None = None, default: float | None = None) -> float:
    if key not in sec:
        if default is not None:
            return default
        raise InputError(f"missing {where}.{key}", file=path, column=f"{where}.{key}")
    try:
        v = float(sec[key])
    except (TypeError, ValueError):
        raise InputError(f"{where}.{key} = {sec[key]!r} is not a number", file=path, column=f"{where}.{key}") from None
    if (lo is not None and v < lo) or (hi is not None and v > hi):
        raise InputError(f"{where}.{key} = {v}; expected a value in [{lo}, {hi}]", file=path, column=f"{where}.{key}")
    return v


def load_scenario(path: str | Path) -> dict[str, Any]:
    """Read and validate a scenario TOML file (see the module notes)."""
    p = Path(path)
    try:
        doc = tomllib.loads(p.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the scenario ({exc}); expected a TOML file", file=p) from None
    doc["_path"] = str(p)
    return doc


def _draw(spec: Any, n: int, rng: np.random.Generator, key: str, path: str) -> np.ndarray:
    if not isinstance(spec, dict) or spec.get("dist") not in DISTRIBUTIONS:
        raise InputError(f"monte_carlo.{key} must be a table with dist = {' | '.join(DISTRIBUTIONS)}", file=path,
                         column=f"monte_carlo.{key}")
    dist = spec["dist"]
    args = [_num(spec, a, f"monte_carlo.{key}", path) for a in DISTRIBUTIONS[dist]]
    if dist == "uniform":
        return rng.uniform(args[0], args[1], n)
    if dist == "triangular":
        return rng.triangular(args[0], args[1], args[2], n)
    return rng.normal(args[0], args[1], n)


def _histogram(values: np.ndarray, bins: int = 30) -> dict[str, Any]:
    """Histogram over [min, P99] (long upper tails would squeeze it) and the count of draws above P99."""
    if values.size == 0:
        return {"histogram": [], "histogram_edges": [], "histogram_overflow": 0}
    hi = float(np.percentile(values, 99))
    lo = float(values.min())
    counts, edges = np.histogram(values, bins=bins, range=(lo, hi if hi > lo else lo + 1e-9))
    return {"histogram": counts.tolist(), "histogram_edges": edges.tolist(),
            "histogram_overflow": int((values > edges[-1]).sum())}


def run_scenario(doc: dict[str, Any], *, user: pd.DataFrame | None = None) -> ScenarioResult:
    """Run a scenario read by :func:`load_scenario`.

    Raises
    ------
    InputError
        Naming the TOML key for a missing or out-of-range value, an unknown country, or a missing citation.
    """
    started = utcnow()
    path = str(doc.get("_path", "<scenario>"))
    sc = _section(doc, "scenario", path)
    rs = _section(doc, "restriction", path)
    mk = _section(doc, "market", path)
    for key in ("commodity", "stage", "year", "start"):
        if key not in sc:
            raise InputError(f"missing scenario.{key}", file=path, column=f"scenario.{key}")
    prod = stage_production(str(sc["commodity"]), str(sc["stage"]), int(sc["year"]), user=user)
    try:
        start = date.fromisoformat(str(sc["start"]))
    except ValueError:
        raise InputError(f"scenario.start = {sc['start']!r}; expected an ISO date (2023-08-01)", file=path,
                         column="scenario.start") from None
    duration = int(_num(sc, "duration_days", "scenario", path, lo=1, default=365))
    countries = [str(c).upper() for c in rs.get("countries", [])]
    if not countries:
        raise InputError("restriction.countries is empty; expected a list of ISO3 codes such as CHN", file=path,
                         column="restriction.countries")
    rows = prod.rows
    known = set(rows.iso3)
    unknown = [c for c in countries if c not in known]
    if unknown:
        raise InputError(f"restriction.countries {unknown} do not produce {prod.commodity} at the {prod.stage} stage "
                         f"in {prod.year} ({prod.label}); producers: {', '.join(sorted(k for k in known if k))}",
                         file=path, column="restriction.countries")
    x = _num(rs, "fraction", "restriction", path, 0, 1)
    es = _num(mk, "supply_elasticity", "market", path, lo=0)
    ed = _num(mk, "demand_elasticity", "market", path, hi=-1e-9)
    cite = str(mk.get("elasticity_source", "")).strip()
    if not cite:
        raise InputError("market.elasticity_source is empty: cite the publication the elasticities come from",
                         file=path, column="market.elasticity_source")
    spare_frac = _num(mk, "spare_capacity", "market", path, lo=0, default=0.0)
    qty = rows.quantity.fillna(0).to_numpy(float) if rows.quantity.notna().any() else rows.share.to_numpy(float)
    in_r = rows.iso3.isin(countries).to_numpy()
    total = float(qty.sum())
    s_r, s_n = float(qty[in_r].sum()), float(qty[~in_r].sum())
    spare = spare_frac * s_n
    dp, q1, unb = clear_market(s_r, s_n, x, es, ed, spare)
    notes = []
    if unb[0]:
        notes.append("the market does not clear below a 10,000-fold price: demand is too inelastic for the loss")
    lost_share = x * s_r / total
    partner = None
    pt = _section(doc, "partner", path, required=False)
    if pt:
        demand = _num(pt, "demand_t", "partner", path, lo=0)
        shares = pt.get("import_shares", {})
        if not isinstance(shares, dict) or not shares:
            raise InputError("partner.import_shares must map ISO3 codes to fractions", file=path,
                             column="partner.import_shares")
        ssum = sum(float(v) for v in shares.values())
        if ssum > 1.02:
            raise InputError(f"partner.import_shares sum to {ssum:.3f}; expected <= 1", file=path,
                             column="partner.import_shares")
        exposed = sum(float(v) for k, v in shares.items() if k.upper() in countries)
        direct = demand * exposed * x
        market = demand * (1 - float(np.exp(ed * np.log1p(dp[0]))))
        stock = _num(pt, "stockpile_t", "partner", path, lo=0, default=0.0)
        per_day = direct / 365.0
        cover = stock / per_day if per_day > 0 else float("inf")
        partner = {"country": str(pt.get("country", "")), "demand_t": demand, "exposed_import_share": exposed,
                   "direct_shortfall_t_per_year": direct, "shortfall_at_new_price_t_per_year": market,
                   "shortfall_over_duration_t": direct * duration / 365.0, "stockpile_t": stock,
                   "stockpile_days_of_cover": cover,
                   "stockpile_days_of_consumption": stock / (demand / 365.0) if demand > 0 else None,
                   "stockpile_exhausted_on": (start + timedelta(days=int(cover))).isoformat()
                   if np.isfinite(cover) and cover < duration else None}
    downstream = []
    q_loss = float(1 - q1[0] / total)
    for i, d in enumerate(doc.get("downstream", []), start=1):
        share = _num(d, "input_share", f"downstream[{i}]", path, 0, 1, default=1.0)
        downstream.append({"stage": str(d.get("stage", "")), "input_share": share,
                           "output_loss_fraction": q_loss * share,
                           "note": "output falls with the cleared quantity of its input (no substitution)"})
    mc = None
    mcs = _section(doc, "monte_carlo", path, required=False)
    if mcs:
        n = int(_num(mcs, "draws", "monte_carlo", path, lo=1, default=10_000))
        seed = int(_num(mcs, "seed", "monte_carlo", path, lo=0))
        rng = np.random.default_rng(seed)
        es_d = _draw(mcs.get("supply_elasticity"), n, rng, "supply_elasticity", path)
        ed_d = _draw(mcs.get("demand_elasticity"), n, rng, "demand_elasticity", path)
        valid = (es_d >= 0) & (ed_d < 0)
        dpm, qm, unbm = clear_market(s_r, s_n, x, es_d[valid], ed_d[valid], spare)
        pct = [5, 25, 50, 75, 95]
        mc = {"draws": n, "seed": seed, "valid_draws": int(valid.sum()),
              "price_change_percentiles": dict(zip([f"p{p}" for p in pct], np.percentile(dpm, pct).tolist(),
                                                   strict=True)),
              "quantity_loss_percentiles": dict(zip([f"p{p}" for p in pct],
                                                    np.percentile(1 - qm / total, pct).tolist(), strict=True)),
              "price_change_mean": float(dpm.mean()), "unbounded_draws": int(unbm.sum()),
              **_histogram(dpm)}
        if (~valid).any():
            notes.append(f"{int((~valid).sum())} draws with ε_s < 0 or ε_d ≥ 0 were discarded")
    params = {k: v for k, v in doc.items() if not k.startswith("_")}
    rec = RunRecord.create("supply.scenario", inputs_sha256=sha256_json([params, rows.to_dict("list")]),
                           parameters=params, seed=int(mcs["seed"]) if mcs else None, started_at=started)
    return ScenarioResult(
        name=str(sc.get("name", "")), commodity=prod.commodity, stage=prod.stage, year=prod.year,
        start=start.isoformat(), end=(start + timedelta(days=duration)).isoformat(),
        restricted_share=s_r / total, lost_share=lost_share, lost_quantity=x * s_r, unit=prod.unit,
        price_change=float(dp[0]), quantity_change=float(q1[0] / total - 1), unbounded=bool(unb[0]),
        partner=partner, downstream=downstream, monte_carlo=mc, elasticity_source=cite,
        source=f"{prod.label} ({prod.source})", record=rec, notes=notes)
