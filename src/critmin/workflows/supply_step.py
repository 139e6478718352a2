"""Step 5 — supply impact with the uncertainty of steps 2–4 carried through.

For each of ``workflow.draws`` seeded draws:

1. a project Monte Carlo draw (step 4) gives the output multiplier, the start delay and the NPV; a draw with a
   negative NPV is not built (no supply);
2. for a template project, an assessment trial (steps 2–3) gives the deposit: the trial's largest economic
   deposit (by recovered basis) sets the annual output and life by Taylor's rule, as the representative deposit
   set the evaluated project's; a trial without an economic deposit adds nothing. For a real project the schedule
   is the project's own (steps 2–3 are reported but do not change it);
3. the annual supply (t of the basis, with the project's ramp-up) over the horizon is added to each named stage
   of the supply tables, and the supply domain's closed forms (:mod:`critmin.supply.supply_impact`) give the
   HHI, governance-weighted HHI, leading share, the partner's net import reliance and its shortfall under the
   disruption.

Results per stage and year are the mean and the 10th/50th/90th percentiles over draws (``q10`` is the value
exceeded in 90 % of draws) and the probability that the project is producing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from critmin.errors import InputError
from critmin.provenance import RunRecord, sha256_json
from critmin.supply.commodities import check_stage, resolve_commodity
from critmin.supply.diversification import convert_quantity
from critmin.supply.supply_impact import (
    concentration_after,
    disruption_shortfall,
    import_reliance,
    partner_geopolrisk,
    stage_base,
)
from critmin.workflows.project import scaled_output

__all__ = ["SupplyStep", "supply_step"]

PERCENTILES = (10, 50, 90)


@dataclass(frozen=True)
class SupplyStep:
    """Outputs of step 5."""

    data: dict[str, Any]
    arrays: dict[str, np.ndarray]


def _band(x: np.ndarray) -> dict[str, list[float]]:
    q = np.percentile(x, PERCENTILES, axis=0)
    return {"mean": x.mean(axis=0).tolist(), **{f"q{p}": q[i].tolist() for i, p in enumerate(PERCENTILES)}}


def _ramp(k: np.ndarray, ramp: list[float]) -> np.ndarray:
    f = np.ones(k.shape)
    for i, r in enumerate(ramp):
        f[k == i] = r
    return f


def supply_step(sec: dict[str, Any], project: dict[str, Any], project_arrays: dict[str, np.ndarray],
                econ_arrays: dict[str, np.ndarray] | None, *, seed: int, draws: int, horizon_years: int,
                recovery: float | None, max_annual_output: float | None = None) -> SupplyStep:
    """Draw supply schedules and compute the supply-impact bands (see the module docstring)."""
    rng = np.random.default_rng(seed)
    first = project["first_year"]
    if first is None:
        raise InputError("the project has no [project] first_year; the supply schedule needs calendar years",
                         column="project.first_year")
    country = str(project["country"]).upper()
    partner = str(sec["partner"]).upper()
    symbol = resolve_commodity(str(sec["commodity"]))
    basis = str(sec["basis"])
    years = np.arange(int(first), int(first) + horizon_years)
    n_mc = project_arrays["mc_npv"].size
    m = rng.integers(0, n_mc, draws)
    mult = project_arrays["mc_output_mult"][m]
    delay = project_arrays["mc_delay_years"][m].astype(np.int64)
    go = project_arrays["mc_npv"][m] > 0
    if econ_arrays is not None and recovery is not None:
        t = rng.integers(0, econ_arrays["trial_best_ore_t"].size, draws)
        out, life = scaled_output(econ_arrays["trial_best_ore_t"][t], econ_arrays["trial_best_grade_pct"][t],
                                  recovery, max_annual_output)
        life_y = np.maximum(1, np.rint(life)).astype(np.int64)
        life_y[out == 0] = 0
        mode = "template: assessment trial × project Monte Carlo draw"
    else:
        out = np.full(draws, float(project["annual_output"]))
        life_y = np.full(draws, int(project["life_years"]), dtype=np.int64)
        mode = "real project: project Monte Carlo draw"
    annual = out * mult * go
    start = int(first) + int(project["construction_years"]) + delay
    k = years[None, :] - start[:, None]
    active = (k >= 0) & (k < life_y[:, None])
    added = annual[:, None] * _ramp(k, list(project["ramp_up"])) * active
    off = project["offtake"]
    if country == partner:
        to_partner = added
        partner_rule = "the project is in the partner country: all its output is domestic supply"
    else:
        frac = float(off["fraction"]) if off["partner"] and str(off["partner"]).upper() == partner else 0.0
        to_partner = added * frac * (k < int(off["years"] or 0))
        partner_rule = f"offtake of {frac:.0%} for the first {off['years']} production years"
    demand = float(sec["demand_t"])
    dis = sec.get("disruption")
    shares = {str(k).upper(): float(v) for k, v in dict(sec.get("import_shares") or {}).items()}
    stages: dict[str, Any] = {}
    for stage_name in sec["stages"]:
        stage = check_stage(str(stage_name))
        base = stage_base(symbol, stage, int(first), extra_countries=tuple({country, partner}))
        factor = convert_quantity(symbol, basis, "t", 1.0, base.unit)
        added_table = added * factor
        before = concentration_after(base, country, 0.0)
        after = concentration_after(base, country, added_table)
        domestic = base.quantities.get(partner, 0.0) / factor
        entry: dict[str, Any] = {
            "base": base.to_dict(), "factor_to_table_unit": factor,
            "before": {k_: float(v) for k_, v in before.items()},
            "after": {k_: _band(after[k_]) for k_ in ("hhi", "hhi_wgi", "top1_share", "project_share")},
            "partner": {"country": partner, "demand_t": demand, "domestic_t": domestic,
                        "import_reliance_before": float(import_reliance(demand, domestic, 0.0)),
                        "import_reliance_after": _band(import_reliance(demand, domestic, to_partner))},
        }
        if shares:
            gb = partner_geopolrisk(base, country, 0.0, partner=partner, demand_t=demand, domestic_t=domestic,
                                    offtake_t=0.0, import_shares=shares, concentration=before)
            ga = partner_geopolrisk(base, country, added_table, partner=partner, demand_t=demand,
                                    domestic_t=domestic, offtake_t=to_partner, import_shares=shares,
                                    concentration=after)
            entry["geopolrisk"] = {
                "import_shares": shares, "source": str(sec.get("import_shares_source", "")),
                "before": {k_: float(v) for k_, v in gb.items()},
                "after": {k_: _band(ga[k_]) for k_ in ("hhi", "import_risk", "geopolrisk")},
                "note": "GeoPolRisk = production HHI (0–1) × Σ g_i f_i / (p + F) (Gemechu et al. 2016); "
                        "unattributed imports at governance 0.5"}
        if dis:
            restricted = [str(c).upper() for c in dis["countries"]]
            frac = float(dis["fraction"])
            share = float(dis["import_share"]) if "import_share" in dis else \
                sum(shares.get(c, 0.0) for c in restricted)
            entry["disruption"] = {
                "countries": restricted, "fraction": frac, "import_share": share,
                "import_share_source": str(dis.get("import_share_source") or sec.get("import_shares_source", "")),
                "restricted_share_of_stage": float(sum(base.quantities.get(c, 0.0) for c in restricted) / base.total),
                "shortfall_t_before": float(disruption_shortfall(demand, domestic, 0.0, share, frac)),
                "shortfall_t_after": _band(disruption_shortfall(demand, domestic, to_partner, share, frac)),
            }
        stages[stage] = entry
    record = RunRecord.create("workflows.supply_impact",
                              inputs_sha256=sha256_json({"added": sha256_json(added.tobytes().hex()), "supply": sec}),
                              parameters={"draws": draws, "horizon_years": horizon_years, "mode": mode}, seed=seed,
                              parents=[str(stages[s]["base"]["source"]) for s in stages])
    data = {"provenance": record.to_dict(), "commodity": symbol, "basis": basis, "country": country,
            "partner": partner, "years": years.tolist(),
            "draws": draws, "mode": mode, "partner_rule": partner_rule,
            "demand_source": str(sec.get("demand_source", "")),
            "prob_built": float(go.mean()), "prob_producing": (added > 0).mean(axis=0).tolist(),
            "added_t": _band(added), "stages": stages,
            "convention": "q10/q50/q90 are the 10th/50th/90th percentiles over draws (q10 is exceeded in 90 %)"}
    return SupplyStep(data, {"added_t": added})
