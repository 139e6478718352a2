"""NdFeB magnet value chain as a material-flow model (flodym): mine → separation → metal → alloy → magnet → uses.

The model is demand-driven: magnet demand per end use (t/yr) is traced back through fabrication yield, the alloy
composition, reduction yield and separation recovery to the rare-earth content that must be mined. Flows are in
tonnes of each element (rare earths as metal equivalent; the oxide mass at the separation stage is reported with the
stoichiometric factors from atomic masses). Losses leave to the environment (``sysenv``) as explicit flows, iron,
boron and cobalt enter at the alloy stage, so flodym's mass balance holds at every process.

Defaults (all parameters of :class:`NdFeBParameters`; notes cite each):

- composition, wt %: NdPr 30 (29–32.5 [S: manufacturer data]) split Nd:Pr = 75:25 [S]; Dy 4 for EV-traction and
  wind grades and 1 for electronics (Heim & Vander Wal 2023: ≈4 % in wind/high-temperature grades; 0.6–1.2 in
  standard grades [S]); Tb 0; B 1.15 (1.1–1.2 [S]); Fe the balance; Co 0 (0–3 % is uncited [M]).
- fabrication yield alloy → finished magnet 0.75 and oxide → metal yield 0.80 (Heim & Vander Wal 2023, citing
  refs; the worked default of critmin's notes: ≈0.60 kg REO per kg magnet).
- separation recovery concentrate → oxide: 1.0 (site-specific; no cited global figure — set it for a study).
- stage country shares: REE mine from MCS 2024 (2023e), separation ≈90 % China (IEA GCMO 2024 [S]), magnets 87 %
  China (MacroPolo 2022 [S]); metal and alloy stages have no cited country split and are reported as unknown.

References
----------
Heim, J.W., and Vander Wal, R.L., 2023, NdFeB permanent magnet uses, projected growth rates and Nd plus Dy
demands across end-use sectors through 2050: a review: Minerals 13, 1274, doi:10.3390/min13101274.
Dürrschnabel, J., Joshi, S., and others, 2024, flodym: a Python package for dynamic material flow analysis
(https://github.com/pik-piam/flodym, MIT).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

import numpy as np
from flodym import Dimension, DimensionSet, FlowDefinition, MFASystem
from flodym.flow_helper import make_empty_flows
from flodym.processes import make_processes

from critmin.errors import InputError
from critmin.provenance import RunRecord, sha256_json
from critmin.reference import load_table

ELEMENTS = ("Nd", "Pr", "Dy", "Tb", "B", "Fe", "Co")
RARE_EARTHS = ("Nd", "Pr", "Dy", "Tb")
OXIDES = {"Nd": ("Nd", 2, 3), "Pr": ("Pr", 6, 11), "Dy": ("Dy", 2, 3), "Tb": ("Tb", 4, 7)}
END_USES = ("ev_motors", "wind_turbines", "electronics")
STAGES = ("mine", "separation", "metal", "alloy", "magnet")
PROCESSES = ("sysenv", "mine", "separation", "metal", "alloy", "magnet", *END_USES)
UNIT_DEMAND_T = {u: 1000.0 for u in END_USES}
"""Default demand: 1,000 t of magnets per end use — a unit scenario for intensities, not a forecast."""


@dataclass(frozen=True)
class NdFeBParameters:
    """Parameters of the chain (see the module notes for the source of each default)."""

    composition_wt_pct: Mapping[str, Mapping[str, float]] = field(default_factory=lambda: {
        "ev_motors": {"Nd": 22.5, "Pr": 7.5, "Dy": 4.0, "Tb": 0.0, "B": 1.15, "Co": 0.0},
        "wind_turbines": {"Nd": 22.5, "Pr": 7.5, "Dy": 4.0, "Tb": 0.0, "B": 1.15, "Co": 0.0},
        "electronics": {"Nd": 22.5, "Pr": 7.5, "Dy": 1.0, "Tb": 0.0, "B": 1.15, "Co": 0.0},
    })
    fabrication_yield: float = 0.75
    reduction_yield: float = 0.80
    separation_recovery: float = 1.0


@dataclass(frozen=True)
class NdFeBResult:
    """Flows (t per element), stage totals, intensities, stage concentration, bottleneck and provenance."""

    flows: dict[str, dict[str, float]]
    stage_totals_t: dict[str, float]
    oxide_t: dict[str, float]
    reo_per_t_magnet: float
    stage_shares: dict[str, dict[str, float] | None]
    stage_hhi: dict[str, float | None]
    bottleneck: str
    demand_t: dict[str, float]
    mass_balance_max_error: float
    capacity_effect: list[dict[str, Any]]
    record: RunRecord
    notes: list[str]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary (also the Sankey input: ``flows`` keyed ``"a => b"``)."""
        d = {k: getattr(self, k) for k in self.__dataclass_fields__ if k != "record"}
        d["provenance"] = self.record.to_dict()
        return d


@cache
def oxide_factor(element: str) -> float:
    """kg oxide per kg metal from atomic masses (Nd₂O₃ 1.166, Pr₆O₁₁ 1.208, Dy₂O₃ 1.148, Tb₄O₇ 1.176)."""
    t = load_table("atomic_masses").set_index("symbol").atomic_weight.astype(float)
    el, n, m = OXIDES[element]
    return float((n * t[el] + m * t["O"]) / (n * t[el]))


def nd2fe14b_wt_pct() -> dict[str, float]:
    """Stoichiometric composition of the Nd₂Fe₁₄B phase in wt % from atomic masses (26.68 Nd, 72.32 Fe, 1.00 B)."""
    t = load_table("atomic_masses").set_index("symbol").atomic_weight.astype(float)
    parts = {"Nd": 2 * t["Nd"], "Fe": 14 * t["Fe"], "B": 1 * t["B"]}
    total = sum(parts.values())
    return {k: 100 * v / total for k, v in parts.items()}


def _check(p: NdFeBParameters, demand: Mapping[str, float]) -> None:
    for name in ("fabrication_yield", "reduction_yield", "separation_recovery"):
        v = getattr(p, name)
        if not 0 < v <= 1:
            raise InputError(f"{name} = {v}; expected a yield in (0, 1]", column=name)
    for use, q in demand.items():
        if use not in END_USES:
            raise InputError(f"unknown end use {use!r}; expected one of {', '.join(END_USES)}", column="end_use")
        if q < 0:
            raise InputError(f"negative magnet demand for {use}: {q}", column="demand_t")
    for use, comp in p.composition_wt_pct.items():
        bad = [k for k in comp if k not in ELEMENTS or k == "Fe"]
        if bad:
            raise InputError(f"composition of {use}: unknown or derived element(s) {bad} (Fe is the balance)",
                             column="composition")
        if any(v < 0 for v in comp.values()) or sum(comp.values()) >= 100:
            raise InputError(f"composition of {use} must be >= 0 and leave a positive Fe balance", column="composition")


def _stage_concentration() -> tuple[dict[str, dict[str, float] | None], dict[str, float | None]]:
    from critmin.supply.concentration import concentration

    shares: dict[str, dict[str, float] | None] = {}
    hhis: dict[str, float | None] = {}
    for st, year in (("mine", 2023), ("separation", 2023), ("metal", None), ("alloy", None), ("magnet", 2021)):
        if year is None:
            shares[st], hhis[st] = None, None
            continue
        c = concentration("REE", st, year)
        shares[st], hhis[st] = dict(c.shares), c.hhi
    return shares, hhis


def build(demand_t: Mapping[str, float] | None = None, params: NdFeBParameters | None = None) -> MFASystem:
    """The flodym system with every flow filled for the given magnet demand (t/yr per end use)."""
    p = params or NdFeBParameters()
    demand = dict(UNIT_DEMAND_T if demand_t is None else demand_t)
    _check(p, demand)
    dims = DimensionSet(dim_list=[Dimension(name="Element", letter="e", items=list(ELEMENTS))])
    processes = make_processes(list(PROCESSES))
    chain = [("sysenv", "mine"), ("mine", "separation"), ("separation", "metal"), ("separation", "sysenv"),
             ("metal", "alloy"), ("metal", "sysenv"), ("sysenv", "alloy"), ("alloy", "magnet"),
             ("magnet", "sysenv"), *[("magnet", u) for u in END_USES], *[(u, "sysenv") for u in END_USES]]
    flows = make_empty_flows(processes=processes, dims=dims, flow_definitions=[
        FlowDefinition(from_process_name=a, to_process_name=b, dim_letters=("e",)) for a, b in chain])
    idx = {e: i for i, e in enumerate(ELEMENTS)}
    to_use = np.zeros((len(END_USES), len(ELEMENTS)))
    for k, use in enumerate(END_USES):
        comp = dict(p.composition_wt_pct.get(use, {}))
        comp["Fe"] = 100.0 - sum(comp.values())
        for e, w in comp.items():
            to_use[k, idx[e]] = demand.get(use, 0.0) * w / 100.0
    magnet_out = to_use.sum(axis=0)
    alloy_in = magnet_out / p.fabrication_yield
    re_mask = np.array([e in RARE_EARTHS for e in ELEMENTS])
    metal_out = np.where(re_mask, alloy_in, 0.0)
    metal_in = metal_out / p.reduction_yield
    mined = metal_in / p.separation_recovery

    def put(a: str, b: str, v: np.ndarray) -> None:
        flows[f"{a} => {b}"].values[...] = v

    put("sysenv", "mine", mined)
    put("mine", "separation", mined)
    put("separation", "metal", metal_in)
    put("separation", "sysenv", mined - metal_in)
    put("metal", "alloy", metal_out)
    put("metal", "sysenv", metal_in - metal_out)
    put("sysenv", "alloy", np.where(re_mask, 0.0, alloy_in))
    put("alloy", "magnet", alloy_in)
    put("magnet", "sysenv", alloy_in - magnet_out)
    for k, use in enumerate(END_USES):
        put("magnet", use, to_use[k])
        put(use, "sysenv", to_use[k])
    return MFASystem(dims=dims, parameters={}, processes=processes, flows=flows, stocks={})


def _mass_balance_error(mfa: MFASystem) -> float:
    return float(max(np.max(np.abs(b.values)) for name, b in mfa._get_mass_balance().items() if name != "sysenv"))


def run(demand_t: Mapping[str, float] | None = None, params: NdFeBParameters | None = None,
        new_capacity: list[dict[str, Any]] | None = None) -> NdFeBResult:
    """Run the chain, check the mass balance, find the bottleneck and the effect of new capacity.

    Parameters
    ----------
    demand_t
        Magnet demand per end use (t/yr); default :data:`UNIT_DEMAND_T`.
    params
        Chain parameters.
    new_capacity
        Items ``{"stage": ..., "country": ..., "capacity_t": ...}``: a new non-Chinese plant or mine. Its output
        is added to the stage's producers. Mine and separation totals are the 2023 world mine total (t REO);
        the magnet total is the model's magnet flow for ``demand_t``.

    Raises
    ------
    InputError
        For bad yields, compositions, demand or capacity items.
    """
    p = params or NdFeBParameters()
    demand = dict(UNIT_DEMAND_T if demand_t is None else demand_t)
    mfa = build(demand, p)
    mfa.check_mass_balance()
    err = _mass_balance_error(mfa)
    flows = {name: {e: float(v) for e, v in zip(ELEMENTS, f.values, strict=True)} for name, f in mfa.flows.items()}
    tot = {name: float(f.values.sum()) for name, f in mfa.flows.items()}
    re_total = {k: sum(flows[k][e] for e in RARE_EARTHS) for k in flows}
    stage_totals = {"mine": re_total["mine => separation"], "separation": re_total["separation => metal"],
                    "metal": re_total["metal => alloy"], "alloy": tot["alloy => magnet"],
                    "magnet": sum(tot[f"magnet => {u}"] for u in END_USES)}
    oxide = {e: flows["separation => metal"][e] * oxide_factor(e) for e in RARE_EARTHS}
    magnets = stage_totals["magnet"]
    reo = sum(flows["mine => separation"][e] * oxide_factor(e) for e in RARE_EARTHS) / magnets if magnets else 0.0
    shares, hhis = _stage_concentration()
    known = {k: v for k, v in hhis.items() if v is not None}
    bottleneck = max(known, key=lambda k: known[k])
    notes = ["metal and alloy stages: no cited country split (reported as unknown)",
             "separation recovery taken as 1.0: no cited global figure (site-specific; pass a recovery to change it)"]
    effects = []
    for item in new_capacity or []:
        effects.append(_capacity_effect(item, shares, stage_totals))
    rec = RunRecord.create("supply.ndfeb", inputs_sha256=sha256_json({"demand": demand, "params": repr(p)}),
                           parameters={"demand_t": demand, "fabrication_yield": p.fabrication_yield,
                                       "reduction_yield": p.reduction_yield,
                                       "separation_recovery": p.separation_recovery,
                                       "new_capacity": list(new_capacity or [])})
    return NdFeBResult(flows=flows, stage_totals_t=stage_totals, oxide_t=oxide, reo_per_t_magnet=reo,
                       stage_shares=shares, stage_hhi=hhis, bottleneck=bottleneck, demand_t=demand,
                       mass_balance_max_error=err, capacity_effect=effects, record=rec, notes=notes)


def _capacity_effect(item: Mapping[str, Any], shares: Mapping[str, dict[str, float] | None],
                     stage_totals: Mapping[str, float]) -> dict[str, Any]:
    from critmin.supply.concentration import concentration
    from critmin.supply.concentration import hhi as hhi01

    stage = str(item.get("stage", ""))
    if stage not in STAGES:
        raise InputError(f"new capacity stage {stage!r}; expected one of {', '.join(STAGES)}", column="stage")
    try:
        cap = float(item["capacity_t"])
    except (KeyError, TypeError, ValueError):
        raise InputError("new capacity needs capacity_t (t/yr)", column="capacity_t") from None
    if cap < 0:
        raise InputError(f"negative capacity {cap}", column="capacity_t")
    country = str(item.get("country", "new producer"))
    before = shares.get(stage)
    if before is None:
        return {"stage": stage, "country": country, "capacity_t": cap,
                "note": "no cited country split at this stage; the effect cannot be computed"}
    if stage in ("mine", "separation"):
        c = concentration("REE", "mine", 2023)
        total = float(c.total_listed or 0)
        basis = "t REO: the 2023 world mine total (MCS 2024); separation is taken to process world mine output"
    else:
        total, basis = stage_totals[stage], "t (model flow at this stage)"
    q = {k: v * total for k, v in before.items()}
    q[country] = q.get(country, 0.0) + cap
    new_total = total + cap
    after = {k: v / new_total for k, v in q.items()}
    named_before = [v for k, v in before.items() if k != "Other countries"]
    named_after = [v for k, v in after.items() if k != "Other countries"]
    return {"stage": stage, "country": country, "capacity_t": cap, "stage_total_before": total, "basis": basis,
            "china_share_before": before.get("China", 0.0), "china_share_after": after.get("China", 0.0),
            "hhi_before": 10_000 * hhi01(named_before), "hhi_after": 10_000 * hhi01(named_after),
            "shares_after": after}


def with_params(**changes: Any) -> NdFeBParameters:
    """Default parameters with some fields replaced."""
    return replace(NdFeBParameters(), **changes)
