"""From rock to supply security: the five steps of the flagship workflow, each a call into one domain.

1. **Tract** (:mod:`critmin.workflows.tract`): polygon or prospectivity-raster tract, known deposits inside.
2. **Undiscovered resource** (:func:`critmin.workflows.resource.resource_step` → ``critmin.assessment``):
   GT model, deposit-number pmf (deposit density from the tract area, experts, or a pmf), Monte Carlo totals.
3. **Economic filter** (:func:`critmin.workflows.resource.economic_step` → RAEF filter): economic simulated
   deposits, recoverable basis, the representative economic deposit.
4. **Project** (:func:`critmin.workflows.project.project_step` → ``critmin.economics``): a real project or a
   template scaled to the representative deposit, under its fiscal regime; attributable value; Monte Carlo.
5. **Supply impact** (:func:`critmin.workflows.supply_step.supply_step` → ``critmin.supply``): the schedule
   added to the supply tables per stage, with the uncertainty of steps 2–4 carried through.

Each arrow passes typed results or plain data; no domain imports another.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from critmin.errors import InputError
from critmin.workflows.project import project_step
from critmin.workflows.resource import EconomicStep, ResourceStep, economic_step, resource_step
from critmin.workflows.supply_step import supply_step
from critmin.workflows.tract import read_deposit_points, tract_from_polygon, tract_from_raster

if TYPE_CHECKING:
    from critmin.workflows.runner import StepOutcome
    from critmin.workflows.spec import WorkflowSpec

__all__ = ["run_step"]

_EMPTY_SITES = pd.DataFrame({"name": pd.Series(dtype=str), "lon": pd.Series(dtype=float),
                             "lat": pd.Series(dtype=float), "deposit_type": pd.Series(dtype=str)})


def run_step(name: str, spec: WorkflowSpec, finished: Mapping[str, StepOutcome], *, seed: int,
             sites: pd.DataFrame | None, inventory: pd.DataFrame | None,
             progress: Callable[[float, str], None]) -> tuple[dict[str, Any], dict[str, np.ndarray], Any]:
    """Compute one step from the outputs of the steps before it: ``(data, arrays, rich object or None)``."""
    files = spec.input_files
    if name == "tract":
        t = spec.section("tract")
        pts = read_deposit_points(files["tract.deposits"]) if "tract.deposits" in files else (
            sites if sites is not None else _EMPTY_SITES)
        types = list(t.get("deposit_types", []))
        label = str(t.get("name", "tract"))
        if "polygon" in t:
            tract = tract_from_polygon(label, t["polygon"], pts, types)
        else:
            tract = tract_from_raster(label, files["tract.raster"], pts, threshold=t.get("threshold"),
                                      top_percent=t.get("top_percent"), deposit_types=types,
                                      raster_sha256=spec.input_hashes["tract.raster"],
                                      source_label=str(t.get("source_label", "")))
        return tract.to_dict(), {}, tract
    if name == "resource":
        tr = finished["tract"].data
        res = resource_step(spec.section("resource"), files, source=spec.source, seed=seed,
                            area_km2=float(tr["area_km2"]), known_deposits=int(tr["known_deposits"]),
                            tract_name=str(tr["name"]), inventory=inventory,
                            deposit_types=list(spec.section("tract").get("deposit_types", [])),
                            progress=lambda d, n: progress(d / n if n else 0.0, f"Monte Carlo {d:,}/{n:,} trials"))
        return res.data, res.arrays, res
    if name == "economic_filter":
        r = finished["resource"]
        econ = economic_step(spec.section("economic_filter"), ResourceStep(r.data, r.arrays), seed=seed,
                             area_km2=float(finished["tract"].data["area_km2"]),
                             representative=str(spec.section("project").get("representative", "median")))
        return econ.data, econ.arrays, econ
    if name == "project":
        filtered = finished["economic_filter"].data
        rep = filtered.get("representative")
        if rep is None and "template" in spec.section("project") and not filtered.get("n_deposits"):
            pmf = finished["resource"].data["pmf"]
            raise InputError(f"the tract holds no undiscovered deposit in any trial (deposit-number pmf mean "
                             f"{pmf['mean']:.3g}: {pmf['method']}), so there is no deposit to scale the template to; "
                             "enlarge the tract or change resource.deposit_number", column="resource.deposit_number")
        def mc_progress(done: int, total: int | None, message: str = "") -> None:
            progress(done / total if total else 0.0, f"Monte Carlo {done:,} draws")

        step, result = project_step(spec.section("project"), files, representative=rep, seed=seed,
                                    progress=mc_progress)
        return step.data, step.arrays, result
    if name == "supply":
        p = finished["project"]
        e = finished["economic_filter"]
        proj = spec.section("project")
        template = "template" in proj
        wf = spec.section("workflow")
        sup = supply_step(spec.section("supply"), p.data, p.arrays, EconomicStep(e.data, e.arrays).arrays
                          if template else None, seed=seed, draws=int(wf.get("draws", 2000)),
                          horizon_years=int(wf.get("horizon_years", 25)),
                          recovery=float(proj["recovery"]) if template else None,
                          max_annual_output=float(proj["max_annual_output"]) if "max_annual_output" in proj else None)
        return sup.data, sup.arrays, sup
    raise ValueError(f"unknown step {name!r}")
