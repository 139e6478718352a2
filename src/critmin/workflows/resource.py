"""Steps 2 and 3 — undiscovered resource (GT model, deposit-number pmf, Monte Carlo) and the economic filter.

Both steps call the assessment domain (:func:`critmin.assessment.run.run_assessment`,
:func:`critmin.assessment.economic_filter.economic_filter`); nothing of the method is re-implemented here. What
this module adds is the wiring of the workflow file: where the GT data come from (a file or the knowledge base's
inventories), how the number of undiscovered deposits is estimated (deposit density from the tract's area and
the GT model's median tonnage, less the known deposits inside the tract; or expert estimates; or a pmf file),
the NdPr share of the basis, and the choice of the representative economic deposit.

References
----------
Singer, D.A., and Menzie, W.D., 2010, Quantitative mineral resource assessments: an integrated approach: Oxford
University Press, doi:10.1093/oso/9780195399592.001.0001.
Ellefsen, K.J., 2017, User's guide for MapMark4: USGS Techniques and Methods 7-C14, doi:10.3133/tm7C14.
Shapiro, J.L., and Robinson, G.R., Jr., 2019, Resource Assessment Economic Filter (RAEF): USGS Techniques and
Methods 7-C23, doi:10.3133/tm7C23.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from critmin.assessment.deposit_density import estimate_deposit_count
from critmin.assessment.economic_filter import DepthInterval, EconomicParameters, economic_filter
from critmin.assessment.estimates import read_estimates
from critmin.assessment.gt_data import GTData, read_cited_gt, read_gt
from critmin.assessment.pmf import DepositPmf, fit_negative_binomial, mark3_pmf, read_pmf_csv
from critmin.assessment.run import run_assessment
from critmin.errors import InputError

__all__ = ["EconomicStep", "ResourceStep", "economic_step", "load_gt", "resource_step"]

QUANTILES = (0.9, 0.5, 0.1)


@dataclass(frozen=True)
class ResourceStep:
    """Outputs of step 2: JSON-ready data and the arrays later steps and the report need."""

    data: dict[str, Any]
    arrays: dict[str, np.ndarray]


@dataclass(frozen=True)
class EconomicStep:
    """Outputs of step 3."""

    data: dict[str, Any]
    arrays: dict[str, np.ndarray]


def load_gt(source: str, path: Path | None, grade: str, inventory: pd.DataFrame | None,
            deposit_types: list[str], *, kb_commodity: str | None = None,
            kb_material_forms: list[str] | None = None) -> GTData:
    """GT data from a CSV (cited layout or MapMark4's) or from knowledge-base inventories.

    Knowledge-base inventory lines are kept when their site is of one of ``deposit_types``, their commodity is
    ``kb_commodity`` (default ``grade``) and, if given, their material form (the grade's basis, e.g. ``TREO`` or
    ``REO``) is one of ``kb_material_forms``; :meth:`GTData.from_inventory` then takes each site's largest
    tonnage and its grade.
    """
    if path is not None:
        with open(path, encoding="utf-8", errors="replace") as fh:
            head = fh.readline()
        gt = read_cited_gt(path, grade) if head.startswith("#") or head.startswith("deposit_id") else read_gt(path)
    else:
        if inventory is None or inventory.empty:
            raise InputError("resource.gt = 'knowledge_base' but the knowledge base has no inventory lines for "
                             f"the deposit types {deposit_types}; import inventories or give a GT file",
                             column="resource.gt")
        inv = inventory
        if deposit_types and "deposit_type" in inv.columns:
            inv = inv[inv["deposit_type"].isin(deposit_types)]
        inv = inv[inv["commodity"].astype(str) == (kb_commodity or grade)]
        if kb_material_forms:
            inv = inv[inv["material_form"].isin(kb_material_forms)]
        gt = GTData.from_inventory(inv.assign(commodity=grade), commodities=[grade],
                                   source="knowledge base inventories")
    if grade not in gt.elements:
        raise InputError(f"the GT data have no {grade!r} grade (they have {', '.join(gt.elements) or 'none'}); set "
                         "resource.grade to one of them", file=source, column="resource.grade")
    return gt


def _deposit_pmf(dn: dict[str, Any], paths: dict[str, Path], gt: GTData, area_km2: float,
                 known: int) -> tuple[DepositPmf, dict[str, Any]]:
    method = str(dn["method"])
    if method == "deposit_density":
        median_mt = float(np.median(gt.ore_t)) / 1e6
        model = str(dn.get("model", "general"))
        est = estimate_deposit_count(model, area_km2, median_tonnage_mt=median_mt if model == "general" else None,  # type: ignore[arg-type]
                                     known_deposits=known)
        return est.to_pmf(), {"method": method, "estimate": est.to_dict()}
    if method == "pmf":
        pmf = read_pmf_csv(paths["resource.deposit_number.pmf"], normalize=bool(dn.get("normalize", False)))
        return pmf, {"method": method}
    est_file = read_estimates(paths["resource.deposit_number.estimates"])
    if method == "negative_binomial":
        return fit_negative_binomial(est_file), {"method": method, "estimates": est_file.to_dict()}
    means = est_file.weighted_means()
    levels = [round(means[k]) for k in ("N90", "N50", "N10")]
    return mark3_pmf(levels), {"method": method, "levels": levels, "estimates": est_file.to_dict()}


def _stats(values: np.ndarray) -> dict[str, float]:
    """USGS convention: P90 is exceeded with 90 % probability (the 10th percentile)."""
    q = np.quantile(values, [1 - p for p in QUANTILES]) if values.size else np.zeros(3)
    return {"p90": float(q[0]), "p50": float(q[1]), "p10": float(q[2]),
            "mean": float(values.mean()) if values.size else 0.0,
            "prob_zero": float(np.mean(values == 0)) if values.size else 1.0}


def resource_step(spec_resource: dict[str, Any], paths: dict[str, Path], *, source: str, seed: int, area_km2: float,
                  known_deposits: int, tract_name: str, inventory: pd.DataFrame | None, deposit_types: list[str],
                  progress: Callable[[int, int], None] | None = None) -> ResourceStep:
    """Fit the GT model, build the pmf and simulate the tract's undiscovered deposits (per deposit kept)."""
    grade = str(spec_resource["grade"])
    gt = load_gt(source, paths.get("resource.gt"), grade, inventory, deposit_types,
                 kb_commodity=spec_resource.get("kb_commodity"),
                 kb_material_forms=spec_resource.get("kb_material_forms"))
    if len(gt.elements) > 1:  # keep the basis only: the workflow follows one commodity
        gt = GTData.from_arrays(gt.ore_t, gt.grades_pct[[grade]], ids=gt.ids, names=gt.names, source=gt.source,
                                sha256=gt.sha256)
    pmf, pmf_info = _deposit_pmf(dict(spec_resource["deposit_number"]), paths, gt, area_km2, known_deposits)
    trials = int(spec_resource.get("trials", 10_000))
    run = run_assessment(pmf, gt, trials=trials, seed=seed, tonnage_pdf=spec_resource.get("tonnage_pdf", "normal"),
                         grade_pdf=spec_resource.get("grade_pdf", "normal"), per_deposit=True, tract=tract_name,
                         progress=progress)
    deps = run.result.deposits
    assert deps is not None
    totals = run.result.totals
    ndpr = spec_resource.get("ndpr_fraction")
    contained = totals[grade].to_numpy(float)
    data: dict[str, Any] = {
        "grade": grade, "trials": trials, "deposit_number": pmf_info,
        "pmf": {**pmf.summary(), "method": pmf.method, "support": pmf.support.tolist(),
                "probabilities": pmf.probabilities.tolist()},
        "gt": {**gt.summary(), "source": Path(gt.source).name if gt.source else "", "sha256": gt.sha256},
        "gt_model": run.model.to_dict(),
        "statistics": run.statistics, "moment_check": run.moment_check,
        "contained_t": _stats(contained), "ore_t": _stats(totals["ore"].to_numpy(float)),
        "provenance": run.provenance.to_dict(),
    }
    if ndpr is not None:
        data["ndpr"] = {"fraction": float(ndpr), "source": str(spec_resource.get("ndpr_source", "")),
                        "contained_t": _stats(contained * float(ndpr))}
    arrays = {"gt_ore_t": np.asarray(gt.ore_t, float), "gt_grade_pct": gt.grades_pct[grade].to_numpy(float),
              "totals_trial": totals["trial"].to_numpy(np.int64), "totals_n": totals["n_deposits"].to_numpy(np.int64)
              if "n_deposits" in totals else np.zeros(len(totals), np.int64),
              "totals_ore_t": totals["ore"].to_numpy(float), "totals_contained_t": contained,
              "dep_trial": deps["trial"].to_numpy(np.int64), "dep_ore_t": deps["ore_t"].to_numpy(float),
              "dep_grade_pct": deps[f"{grade}_pct"].to_numpy(float)}
    return ResourceStep(data, arrays)


def _economic_parameters(sec: dict[str, Any], area_km2: float) -> EconomicParameters:
    kw: dict[str, Any] = {k: sec[k] for k in ("geometry", "mill", "days_per_year", "tailings_pond_and_dam", "liner",
                                              "cost_index", "discount_rate", "capital_inflation",
                                              "operating_inflation") if k in sec}
    if "depth_intervals" in sec:
        try:
            kw["depth_intervals"] = tuple(DepthInterval(float(d["min_m"]), float(d["max_m"]), float(d["fraction"]))
                                          for d in sec["depth_intervals"])
        except (KeyError, TypeError, ValueError):
            raise InputError("economic_filter.depth_intervals: expected a list of {min_m, max_m, fraction}",
                             column="economic_filter.depth_intervals") from None
    kw["prices_usd_per_t"] = {str(k): float(v) for k, v in dict(sec.get("prices_usd_per_t", {})).items()}
    kw["mill_recoveries"] = {str(k): float(v) for k, v in dict(sec.get("mill_recoveries", {})).items()}
    kw["tract_area_km2"] = area_km2
    try:
        return EconomicParameters(**kw)
    except TypeError as exc:
        raise InputError(f"economic_filter: {exc}", column="economic_filter") from None


def economic_step(sec: dict[str, Any], resource: ResourceStep, *, seed: int, area_km2: float,
                  representative: str) -> EconomicStep:
    """Apply the economic filter to the simulated deposits and choose the representative economic deposit."""
    a = resource.arrays
    grade = str(resource.data["grade"])
    params = _economic_parameters(sec, area_km2)
    deps = pd.DataFrame({"trial": a["dep_trial"], "ore": a["dep_ore_t"], f"{grade}_pct": a["dep_grade_pct"]})
    res = economic_filter(deps, params, seed=seed, trials=a["totals_trial"].tolist())
    d = res.deposits
    real = d[d["ore"].fillna(0) > 0]
    econ = real[real["economic"]]
    rec_col = f"{grade}_recovered"
    totals = res.totals
    recovered = totals[rec_col].to_numpy(float)
    p_any = float(np.mean(totals["n_economic"].to_numpy() > 0))
    rep: dict[str, Any] | None = None
    if len(econ):
        q = {"median": 0.5, "p25": 0.25, "p75": 0.75}[representative]
        order = econ.sort_values([rec_col, "ore"], kind="mergesort").reset_index(drop=True)
        row = order.iloc[round(q * (len(order) - 1))]
        rep = {"rule": f"{representative} of the economic simulated deposits by recovered {grade}",
               "trial": int(row["trial"]), "ore_t": float(row["ore"]), "grade_pct": float(row[f"{grade}_pct"]),
               "contained_t": float(row["ore"] * row[f"{grade}_pct"] / 100.0), "recovered_t": float(row[rec_col]),
               "depth_m": float(row["depth_m"]), "mine_method": str(row["mine_method"]),
               "raef_npv_usd": float(row["npv_usd"])}
    summary = res.summary()
    data = {"parameters": params.to_dict(), "summary": summary, "n_deposits": len(real),
            "n_economic": len(econ), "fraction_economic": float(len(econ) / len(real)) if len(real) else 0.0,
            "p_any_economic": p_any, "recovered_t": _stats(recovered),
            "ndpr_recovered_t": _stats(recovered * float(resource.data["ndpr"]["fraction"]))
            if "ndpr" in resource.data else None,
            "representative": rep, "provenance": res.provenance.to_dict()}
    # per trial: the largest economic deposit (ore and grade), for the supply-uncertainty draws
    trials = a["totals_trial"]
    big_ore = np.zeros(trials.size)
    big_grade = np.zeros(trials.size)
    if len(econ):
        top = econ.sort_values([rec_col, "ore"], kind="mergesort").groupby("trial").tail(1)
        pos = np.searchsorted(trials, top["trial"].to_numpy(np.int64))
        big_ore[pos] = top["ore"].to_numpy(float)
        big_grade[pos] = top[f"{grade}_pct"].to_numpy(float)
    arrays = {"trial_recovered_t": recovered, "trial_n_economic": totals["n_economic"].to_numpy(np.int64),
              "trial_best_ore_t": big_ore, "trial_best_grade_pct": big_grade,
              "dep_economic": real["economic"].to_numpy(bool), "dep_ore_t": real["ore"].to_numpy(float),
              "dep_grade_pct": real[f"{grade}_pct"].to_numpy(float)}
    return EconomicStep(data, arrays)
