"""Step 4 — the project: a real project in the tract, or a template project scaled to the representative
simulated deposit, evaluated with the economics domain (cash flows, attributable value, Monte Carlo risk).

Scaling a template (all from the economics domain's screening tools):

- mine life and ore capacity from Taylor's rule on the representative deposit's ore tonnage
  (:func:`critmin.economics.screening.taylor_life_years`: life = 0.2 T^0.25 years, capacity = T / life);
- annual output = ore capacity × grade × ``project.recovery`` (t of the basis per year);
- initial and sustaining capital from the template's by the six-tenths rule on annual output
  (:func:`critmin.economics.screening.six_tenths`, exponent ``project.capex_exponent``);
- operating cost per unit, price, fiscal terms, ownership and offtake as in the template.

References
----------
Taylor, H.K., 1986, Rates of working of mines — a simple rule of thumb: Transactions of the Institution of Mining
and Metallurgy, Section A, 95, A203–A204.
Williams, R., Jr., 1947, Six-tenths factor aids in approximating costs: Chemical Engineering 54(12), 124-125.
"""

from __future__ import annotations

import copy
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from critmin.economics.evaluate import EconResult, evaluate
from critmin.economics.project import Project, load_project, parse_project
from critmin.economics.risk import monte_carlo
from critmin.economics.screening import six_tenths, taylor_life_years
from critmin.economics.supply_schedule import production_schedule
from critmin.errors import InputError
from critmin.progress import Progress, no_progress
from critmin.provenance import RunRecord

__all__ = ["ProjectStep", "project_step", "scaled_output"]


@dataclass(frozen=True)
class ProjectStep:
    """Outputs of step 4 (the evaluated project is kept for the report; it is rebuilt from ``data['document']``
    when the step comes from the cache)."""

    data: dict[str, Any]
    arrays: dict[str, np.ndarray]


def scaled_output(ore_t: np.ndarray | float, grade_pct: np.ndarray | float, recovery: float,
                  max_annual_output: float | None = None, max_life_years: float = 50.0
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Annual output (t of the basis) and mine life (years) of deposits by Taylor's rule; zeros where ore is 0.

    With ``max_annual_output`` (a market-constrained plant size) the output is capped and the life stretched so
    that the same recoverable quantity is produced, up to ``max_life_years``.
    """
    ore = np.atleast_1d(np.asarray(ore_t, dtype=float))
    g = np.broadcast_to(np.asarray(grade_pct, dtype=float), ore.shape)
    life = taylor_life_years(ore)
    pos = ore > 0
    out = np.zeros_like(ore)
    out[pos] = ore[pos] / life[pos] * g[pos] / 100.0 * recovery  # Taylor's capacity × grade × recovery
    if max_annual_output is not None:
        over = out > max_annual_output
        life[over] = np.minimum(max_life_years, out[over] * life[over] / max_annual_output)
        out[over] = max_annual_output
    return out, life


def _template_document(path: Path, rep: dict[str, Any], recovery: float, exponent: float,
                       max_output: float | None) -> tuple[dict[str, Any], dict[str, Any]]:
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"cannot read the project template ({exc})", file=path, column="project.template") from None
    for sec, key in (("production", "annual_output"), ("costs", "capex")):
        if not isinstance(doc.get(sec, {}).get(key), int | float):
            raise InputError(f"the template needs [{sec}] {key} (the reference scale)", file=path,
                             column=f"{sec}.{key}")
    out, life = scaled_output(rep["ore_t"], rep["grade_pct"], recovery, max_output)
    new_output, new_life = float(out[0]), max(1, round(float(life[0])))
    ref_output = float(doc["production"]["annual_output"])
    scaled = copy.deepcopy(doc)
    scaled["production"]["annual_output"] = new_output
    scaled["production"]["life_years"] = new_life
    costs = scaled["costs"]
    costs["capex"] = six_tenths(float(doc["costs"]["capex"]), ref_output, new_output, exponent)
    if float(doc["costs"].get("sustaining_capex_per_year", 0) or 0) > 0:
        costs["sustaining_capex_per_year"] = six_tenths(float(doc["costs"]["sustaining_capex_per_year"]), ref_output,
                                                        new_output, exponent)
    scaled["project"]["name"] = f"{doc['project'].get('name', 'project')} — scaled to the representative deposit"
    info = {"template": str(path.name), "reference_annual_output": ref_output,
            "reference_capex": float(doc["costs"]["capex"]), "annual_output": new_output, "life_years": new_life,
            "capex": float(costs["capex"]), "capex_exponent": exponent, "recovery": recovery,
            "max_annual_output": max_output,
            "taylor_life_years": float(life[0]),
            "ore_capacity_t_per_year": float(rep["ore_t"]) / float(life[0]),
            "method": "Taylor (1986) life and capacity (output capped at max_annual_output, life stretched); "
                      "six-tenths capital scaling (Williams 1947)"}
    return scaled, info


def _max_output(sec: dict[str, Any]) -> float | None:
    v = sec.get("max_annual_output")
    return None if v is None else float(v)


def project_step(sec: dict[str, Any], paths: dict[str, Path], *, representative: dict[str, Any] | None, seed: int,
                 progress: Progress | None = None) -> tuple[ProjectStep, EconResult]:
    """Evaluate the project and its Monte Carlo risk (``project.montecarlo_draws`` draws, seeded)."""
    scaling: dict[str, Any] | None = None
    if "project.file" in paths:
        project: Project = load_project(paths["project.file"])
        document = dict(project.raw)
        kind = "real project in the tract"
    else:
        if representative is None:
            raise InputError("no simulated deposit is economic under the economic filter, so there is no "
                             "representative deposit to scale the template to; relax the filter's prices/costs or "
                             "give project.file", column="project.template")
        document, scaling = _template_document(paths["project.template"], representative,
                                               float(sec["recovery"]), float(sec.get("capex_exponent", 0.6)),
                                               _max_output(sec))
        project = parse_project(document, source=f"{paths['project.template'].name} (scaled)")
        kind = "template scaled to the representative simulated deposit"
    result = evaluate(project)
    draws = int(sec.get("montecarlo_draws", 2000))
    mc = monte_carlo(project, draws=draws, seed=seed, progress=progress if progress is not None else no_progress)
    schedule = production_schedule(result)
    record = RunRecord.create("workflows.project", inputs_sha256=project.inputs_sha256,
                              parameters={"kind": kind, "draws": draws, "scaling": scaling}, seed=seed,
                              parents=[result.provenance.inputs_sha256, mc.provenance.inputs_sha256])
    data = {"kind": kind, "provenance": record.to_dict(), "document": document, "scaling": scaling,
            "evaluation": result.to_dict(),
            "montecarlo": mc.to_dict(), "schedule": schedule.to_dict("records"),
            "ramp_up": list(project.production.ramp_up), "construction_years": project.costs.construction_years,
            "first_year": project.first_year, "life_years": project.production.life_years,
            "annual_output": project.production.annual_output, "country": project.country,
            "commodity": project.commodity, "stage": project.stage, "basis": project.basis,
            "offtake": {"partner": project.offtake.partner, "fraction": project.offtake.fraction,
                        "years": project.offtake.years}}
    arrays = {"mc_npv": mc.npv, "mc_attributable_npv": mc.attributable_npv,
              "mc_output_mult": np.asarray(mc.inputs["grade_recovery"], float),
              "mc_delay_years": np.asarray(mc.inputs["delay_years"], float)}
    return ProjectStep(data, arrays), result
