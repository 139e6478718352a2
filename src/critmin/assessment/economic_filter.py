"""RAEF-style economic filter: which simulated undiscovered deposits could be mined at a profit.

Each simulated deposit gets a depth to its top (drawn, seeded, from user depth intervals), a mine method
chosen from its geometry and depth, a Taylor's-rule life and capacity, Camm (1991) power-law capital and
operating costs for mine, mill, smelting and tailings (coefficients are data: ``critmin.reference`` tables
``camm1991_cost_equations``, ``raef_mine_methods``, ``raef_constants``), an ore value from commodity prices
and mill recoveries (``raef_commodity_values``, ``raef_mill_recoveries``), and a net present value. Deposits with
NPV > 0 are economic; their recovered metal is mining recovery × mill recovery × contained metal.

The computation follows the Resource Assessment Economic Filter (RAEF, Shapiro & Robinson 2019) step by step,
fully vectorised and with a seed (RAEF itself is unseeded).

References
----------
Shapiro, J.L., and Robinson, G.R., Jr., 2019, Resource Assessment Economic Filter (RAEF): U.S. Geological
Survey Techniques and Methods 7-C23, doi:10.3133/tm7C23.
Camm, T.W., 1991, Simplified cost models for prefeasibility mineral evaluations: U.S. Bureau of Mines
Information Circular 9298.
Taylor, H.K., 1986, Rates of working of mines — a simple rule of thumb: Transactions of the Institution of
Mining and Metallurgy, Section A, 95, A203–A204.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from functools import cache
from typing import Any, Literal, get_args

import numpy as np
import pandas as pd

from critmin.errors import InputError
from critmin.provenance import RunRecord, sha256_json, utcnow
from critmin.reference import load_table

__all__ = [
    "DepositGeometry",
    "DepthInterval",
    "EconomicFilterResult",
    "EconomicParameters",
    "MillType",
    "MineMethod",
    "economic_filter",
]

DepositGeometry = Literal["massive_disseminated", "flat_stratiform", "vein_steep"]
MineMethod = Literal["open_pit", "block_caving", "room_and_pillar", "vertical_crater_retreat"]
MillType = Literal["3_product_flotation", "2_product_flotation", "1_product_flotation", "sx_ew", "ccd", "cip",
                   "au_heap_leach", "au_float_roast_leach", "none"]

_ELEMENT = re.compile(r"^([A-Z][a-z]?|(?:T?REO|RE2O3|[A-Z][a-z]?\d?O\d?\d?))(_pct|_t)?$")
"""Element symbols (``Cu``) and oxide bases (``TREO``, ``REO``, ``RE2O3``, ``Nb2O5``, ``Li2O``), with the grade
(``_pct``) or contained-tonnage (``_t``) suffix."""


@dataclass(frozen=True)
class DepthInterval:
    """Depth to the top of a deposit: drawn uniformly in [min_m, max_m] with probability ``fraction``."""

    min_m: float
    max_m: float
    fraction: float


@dataclass(frozen=True)
class EconomicParameters:
    """Parameters of the economic filter (RAEF "pre-set" parameters; defaults are RAEF's).

    Parameters
    ----------
    depth_intervals
        Up to four intervals; fractions sum to 1. Integer bounds give integer depths (as RAEF).
    geometry
        Deposit geometry, which fixes the mine methods: massive/disseminated → open pit (< 61 m) or block caving;
        flat/stratiform → open pit or room-and-pillar; vein/steep → vertical crater retreat.
    mill
        Mill type (Camm mill cost equation and default mill recoveries); ``"none"`` = no mill, no smelting.
    days_per_year
        350 (unrestricted) or 260 (restricted) operating days per year.
    tailings_pond_and_dam, liner
        Include tailings pond + dam, and liner capital costs.
    cost_index
        Cost index applied to all Camm costs (RAEF: Marshall & Swift composite 1.26 → 2008 US$).
    discount_rate
        Rate for the present value (RAEF "investment rate of return", 0.15).
    capital_inflation, operating_inflation
        Extra multipliers on capital and operating costs.
    prices_usd_per_t
        Commodity value per metric ton of metal, overriding ``raef_commodity_values`` (2008 US$).
    mill_recoveries
        Mill recovery per element (0–1), overriding the ``raef_mill_recoveries`` column of ``mill``.
    tract_area_km2
        Tract area, for NPV per unit area (optional).
    """

    depth_intervals: tuple[DepthInterval, ...] = (DepthInterval(0, 250, 0.2), DepthInterval(251, 500, 0.2),
                                                  DepthInterval(501, 1000, 0.6))
    geometry: DepositGeometry = "massive_disseminated"
    mill: MillType = "3_product_flotation"
    days_per_year: Literal[350, 260] = 350
    tailings_pond_and_dam: bool = True
    liner: bool = True
    cost_index: float = 1.26
    discount_rate: float = 0.15
    capital_inflation: float = 1.0
    operating_inflation: float = 1.0
    prices_usd_per_t: Mapping[str, float] = field(default_factory=dict)
    mill_recoveries: Mapping[str, float] = field(default_factory=dict)
    tract_area_km2: float | None = None

    def __post_init__(self) -> None:
        if not self.depth_intervals or len(self.depth_intervals) > 4:
            raise InputError(f"{len(self.depth_intervals)} depth intervals given; expected 1 to 4")
        for i, d in enumerate(self.depth_intervals, 1):
            if not (0 <= d.min_m <= d.max_m) or not (0 <= d.fraction <= 1):
                raise InputError(f"depth interval {i} ({d.min_m}-{d.max_m} m, fraction {d.fraction}) is invalid; "
                                 "expected 0 <= min <= max and a fraction in [0, 1]")
        total = sum(d.fraction for d in self.depth_intervals)
        if abs(total - 1.0) > 1e-6:
            raise InputError(f"depth-interval fractions sum to {total:g}; expected 1")
        if self.geometry not in get_args(DepositGeometry):
            raise InputError(f"geometry {self.geometry!r} is not one of {', '.join(get_args(DepositGeometry))}")
        if self.mill not in get_args(MillType):
            raise InputError(f"mill {self.mill!r} is not one of {', '.join(get_args(MillType))}")
        if self.days_per_year not in (350, 260):
            raise InputError(f"days_per_year {self.days_per_year} is not 350 or 260")
        if not self.discount_rate > 0:
            raise InputError(f"discount_rate {self.discount_rate} must be > 0")
        for name in ("cost_index", "capital_inflation", "operating_inflation"):
            if not getattr(self, name) > 0:
                raise InputError(f"{name} {getattr(self, name)} must be > 0")
        for el, r in self.mill_recoveries.items():
            if not 0 <= r <= 1:
                raise InputError(f"mill recovery for {el} is {r}; expected a fraction in [0, 1]")
        for el, p in self.prices_usd_per_t.items():
            if not p >= 0:
                raise InputError(f"price for {el} is {p}; expected >= 0 US$ per t")

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe parameters."""
        d = asdict(self)
        d["prices_usd_per_t"] = dict(self.prices_usd_per_t)
        d["mill_recoveries"] = dict(self.mill_recoveries)
        return d


@dataclass(frozen=True)
class _Tables:
    constants: dict[str, float]
    equations: dict[str, tuple[float, float]]
    methods: pd.DataFrame
    prices: dict[str, float]
    recoveries: pd.DataFrame


@cache
def _tables() -> _Tables:
    c = load_table("raef_constants")
    eq_table = load_table("camm1991_cost_equations")
    eq = {str(k): (float(a), float(b)) for k, a, b in zip(eq_table["equation"], eq_table["a"], eq_table["b"],
                                                         strict=True)}
    m = load_table("raef_mine_methods").set_index("method")
    pr = load_table("raef_commodity_values")
    rec = load_table("raef_mill_recoveries")
    rec["recovery"] = rec["recovery"].astype(float)
    constants = {str(k): float(v) for k, v in zip(c["name"], c["value"], strict=True)}
    prices = {str(k): float(v) for k, v in zip(pr["commodity"], pr["value_usd_per_t"], strict=True)}
    return _Tables(constants=constants, equations=eq, methods=m, prices=prices, recoveries=rec)


def _power(eq: str, x: np.ndarray) -> np.ndarray:
    a, b = _tables().equations[eq]
    return a * np.power(x, b)


@dataclass(frozen=True)
class EconomicFilterResult:
    """Per-deposit economics and per-trial contained vs recovered totals.

    Attributes
    ----------
    deposits
        One row per simulated deposit: ``trial, ore, depth_m, mine_method, life_yr, mine_capacity_stpd,
        mill_capacity_stpd, strip_ratio, ore_value_usd_per_st, capital_usd, operating_usd_per_yr, npv_usd,
        economic`` and per element ``<El>_pct``, ``<El>`` (contained t), ``<El>_recovered`` (t).
    totals
        One row per trial: ``trial, n_deposits, n_economic, npv_usd`` (sum over economic deposits), ``ore``
        and ``<El>`` (contained), ``ore_economic`` (ore of economic deposits) and ``<El>_recovered``.
    elements
        Element symbols.
    parameters
        The parameters used.
    provenance
        Inputs hash, parameters, seed, version.
    """

    deposits: pd.DataFrame
    totals: pd.DataFrame
    elements: list[str]
    parameters: EconomicParameters
    provenance: RunRecord

    @property
    def contained_quantities(self) -> list[str]:
        return ["ore", *self.elements]

    @property
    def recovered_quantities(self) -> list[str]:
        return ["ore_economic", *[f"{e}_recovered" for e in self.elements]]

    def summary(self) -> dict[str, Any]:
        """Counts, fraction economic, mine methods and mean contained vs recovered metal per trial."""
        d = self.deposits
        n = len(d)
        methods = {str(k): int(v) for k, v in d["mine_method"].value_counts().sort_index().items()}
        econ = {str(k): int(v) for k, v in d.loc[d["economic"], "mine_method"].value_counts().sort_index().items()}
        t = self.totals
        out: dict[str, Any] = {
            "n_trials": len(t), "n_deposits": n, "n_economic": int(d["economic"].sum()),
            "fraction_economic": float(d["economic"].mean()) if n else 0.0,
            "mine_methods": methods, "economic_by_mine_method": econ,
            "mean_per_trial": {q: float(t[q].mean()) for q in [*self.contained_quantities,
                                                                *self.recovered_quantities, "npv_usd"]},
        }
        if self.parameters.tract_area_km2:
            out["npv_usd_per_km2_mean"] = float(t["npv_usd"].mean() / self.parameters.tract_area_km2)
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe result: summary, statistics of contained and recovered totals, parameters, provenance."""
        from critmin.assessment.statistics import statistics

        t = self.totals
        recovered = t[["trial", *self.recovered_quantities]].rename(
            columns={"ore_economic": "ore", **{f"{e}_recovered": e for e in self.elements}})
        return {
            **self.summary(),
            "elements": list(self.elements),
            "statistics": {
                "contained": statistics(t, self.contained_quantities),
                "recovered": statistics(recovered, self.contained_quantities),
                "npv_usd": statistics(t, ["npv_usd"])["npv_usd"],
            },
            "parameters": self.parameters.to_dict(),
            "provenance": self.provenance.to_dict(),
        }


def _split_columns(df: pd.DataFrame) -> tuple[list[str], dict[str, str], dict[str, str]]:
    """Element symbols, their grade columns (``El_pct``) and contained-metal columns (``El`` or ``El_t``)."""
    grade: dict[str, str] = {}
    contained: dict[str, str] = {}
    for col in df.columns:
        m = _ELEMENT.match(str(col))
        if m is None:
            continue
        (grade if m.group(2) == "_pct" else contained)[m.group(1)] = str(col)
    elements = list(dict.fromkeys([*grade, *contained]))
    return elements, grade, contained


def _draw_depths(params: EconomicParameters, n: int, rng: np.random.Generator) -> np.ndarray:
    iv = params.depth_intervals
    p = np.array([d.fraction for d in iv], dtype=float)
    idx = rng.choice(len(iv), size=n, p=p / p.sum())
    lo = np.array([d.min_m for d in iv], dtype=float)[idx]
    hi = np.array([d.max_m for d in iv], dtype=float)[idx]
    if all(float(d.min_m).is_integer() and float(d.max_m).is_integer() for d in iv):
        return rng.integers(lo.astype(np.int64), hi.astype(np.int64), endpoint=True).astype(float)
    return rng.uniform(lo, hi)


def _mine_methods(geometry: DepositGeometry, depth_m: np.ndarray) -> np.ndarray:
    ug = depth_m >= _tables().constants["underground_min_depth_m"]
    if geometry == "vein_steep":
        return np.full(depth_m.shape, "vertical_crater_retreat", dtype=object)
    underground = "block_caving" if geometry == "massive_disseminated" else "room_and_pillar"
    return np.where(ug, underground, "open_pit").astype(object)


def _recoveries(params: EconomicParameters, elements: list[str]) -> dict[str, float]:
    rec = _tables().recoveries
    mill_col = "1_product_flotation" if params.mill == "none" else params.mill
    out: dict[str, float] = {}
    for el in elements:
        if el in params.mill_recoveries:
            out[el] = float(params.mill_recoveries[el])
            continue
        hit = rec[(rec["mill_type"] == mill_col) & (rec["commodity"] == el)]
        if hit.empty:
            raise InputError(f"no mill recovery for {el} with mill {params.mill!r} in the RAEF table; give one "
                             f"(mill_recoveries={{'{el}': 0.8}}, CLI --recovery {el}=0.8)")
        out[el] = float(hit["recovery"].iloc[0])
    return out


def _prices(params: EconomicParameters, elements: list[str]) -> dict[str, float]:
    table = _tables().prices
    out: dict[str, float] = {}
    for el in elements:
        if el in params.prices_usd_per_t:
            out[el] = float(params.prices_usd_per_t[el])
        elif el in table:
            out[el] = table[el]
        else:
            raise InputError(f"no commodity value for {el} in the RAEF table (which has {', '.join(table)}); give "
                             f"one in US$ per metric ton (prices_usd_per_t={{'{el}': ...}}, CLI --price {el}=...)")
    return out


def _costs(params: EconomicParameters, st: np.ndarray, depth_m: np.ndarray, method: np.ndarray,
           ore_value: np.ndarray, cu_price: float, cu_recovery: float) -> dict[str, np.ndarray]:
    """Every RAEF cost quantity per deposit (short tons, US$)."""
    tb = _tables()
    k = tb.constants
    mt = tb.methods.loc[method]
    dil = mt["dilution"].astype(float).to_numpy()
    rf = mt["mining_recovery"].astype(float).to_numpy()
    shape = mt["depth_shape_yd_per_st13"].astype(float).to_numpy()
    min_yd = mt["min_mine_depth_yd"].astype(float).to_numpy()
    underground = mt["underground"].astype(int).to_numpy().astype(bool)
    extra = pd.to_numeric(mt["extra_material_factor"], errors="coerce").fillna(0.0).to_numpy()
    is_pit = method == "open_pit"

    life = k["taylor_life_coefficient"] * st ** k["taylor_life_exponent"]
    divisor = k["capacity_divisor_350_days"] if params.days_per_year == 350 else k["capacity_divisor_260_days"]
    motrf = (1.0 + dil) * rf
    depth_yd = np.maximum(shape * np.cbrt(st) + k["yd_per_m"] * depth_m, min_yd)
    strip = np.where(is_pit, k["strip_ratio_coefficient"] * depth_yd**3 / st - 1.0, np.nan)
    material = np.where(is_pit, (strip + 1.0) * motrf * st, (1.0 + extra) * motrf * st)
    cm = material ** k["taylor_capacity_exponent"] / divisor

    kc = np.zeros_like(st)
    ko = np.zeros_like(st)
    large = cm >= k["open_pit_large_threshold_stpd"]
    for name in ("open_pit", "block_caving", "room_and_pillar", "vertical_crater_retreat"):
        sel = method == name
        if not sel.any():
            continue
        if name == "open_pit":
            for size, s in (("small", sel & ~large), ("large", sel & large)):
                kc[s] = _power(f"open_pit_{size}_capital", cm[s])
                ko[s] = _power(f"open_pit_{size}_operating", cm[s])
        else:
            kc[sel] = _power(f"{name}_capital", cm[sel])
            ko[sel] = _power(f"{name}_operating", cm[sel])
    depth_ft = k["ft_per_yd"] * depth_yd
    ug_kc = k["ug_depth_capital_linear"] * cm + k["ug_depth_capital_depth"] * depth_ft * cm ** k[
        "ug_depth_capital_exponent"]
    ug_ko = k["ug_depth_operating_fixed"] / cm + k["ug_depth_operating_per_capacity"] * depth_ft / cm + k[
        "ug_depth_operating_depth"] * depth_ft
    kc = kc + np.where(underground, ug_kc, 0.0)
    ko = ko + np.where(underground, ug_ko, 0.0)
    dpy = float(params.days_per_year)
    mine_op_yr = cm * ko * dpy

    cml = (motrf * st) ** k["taylor_capacity_exponent"] / divisor
    if params.mill == "none":
        kcm = np.zeros_like(st)
        kom = np.zeros_like(st)
        smelt_on = 0.0
    else:
        kcm = _power(f"{params.mill}_capital", cml)
        kom = _power(f"{params.mill}_operating", cml)
        smelt_on = 1.0
    mill_op_yr = cml * kom * dpy
    cueq_pct = 100.0 * (1.0 / k["ore_value_metric_to_short"]) * ore_value / (cu_recovery * cu_price)
    smelt_yr = smelt_on * (k["smelter_usd_per_lb_cueq"] * (k["lb_per_short_ton"] * st * (cueq_pct / 100.0) * rf
                                                          * cu_recovery) / life)
    op_yr = params.cost_index * params.operating_inflation * (smelt_yr + mine_op_yr + mill_op_yr)

    acres_per_k = np.where(life < k["tailings_life_short_yr"], k["tailings_acres_short_life"],
                           np.where(life < k["tailings_life_long_yr"], k["tailings_acres_medium_life"],
                                    k["tailings_acres_long_life"]))
    acres = acres_per_k * cml / 1000.0
    perimeter_ft = 4.0 * np.sqrt(k["sqft_per_acre"] * acres)
    pond = k["tailings_pond_capital_fixed"] + k["tailings_pond_capital_per_acre"] * acres
    dam = k["dam_capital_per_ft"] * perimeter_ft
    liner = k["liner_capital_per_ft"] * perimeter_ft + k["liner_capital_per_acre"] * acres
    capital = (kc + float(params.tailings_pond_and_dam) * (pond + dam) + float(params.liner) * liner + kcm) \
        * params.cost_index * params.capital_inflation

    value_yr = ore_value * cml * dpy - op_yr
    r = params.discount_rate
    pv = value_yr * (1.0 - (1.0 + r) ** (-life)) / r
    return {
        "life_yr": life, "mining_recovery": rf, "dilution": dil, "mine_depth_yd": depth_yd, "strip_ratio": strip,
        "mine_capacity_stpd": cm, "mine_capital_usd": kc, "mine_operating_usd_per_st": ko,
        "mill_capacity_stpd": cml, "mill_capital_usd": kcm, "mill_operating_usd_per_st": kom,
        "cu_equivalent_pct": cueq_pct, "smelting_usd_per_yr": smelt_yr, "tailings_acres": acres,
        "operating_usd_per_yr": op_yr, "capital_usd": capital, "value_produced_usd_per_yr": value_yr,
        "present_value_usd": pv, "npv_usd": pv - capital,
    }


def economic_filter(deposits: pd.DataFrame, params: EconomicParameters | None = None, *, seed: int,
                    trials: Sequence[int] | None = None) -> EconomicFilterResult:
    """Apply the RAEF economic filter to simulated deposits.

    Parameters
    ----------
    deposits
        One row per simulated deposit with ``trial``, ``ore`` or ``ore_t`` (metric t) and, per element, the grade
        ``<El>_pct`` (%) or else the contained metal ``<El>`` / ``<El>_t`` (metric t) — the per-deposit frame of
        :func:`critmin.assessment.simulate.simulate` (``per_deposit=True``). Rows whose ``ore`` is missing or 0
        stand for trials without deposits. An optional ``depth_m`` column fixes the depths (no draw).
    params
        Filter parameters (RAEF defaults when omitted).
    seed
        Seed of the depth draws; the same seed gives identical results.
    trials
        Trial ids to report (trials without deposits get zero totals); default: the trials in ``deposits``.

    Returns
    -------
    EconomicFilterResult

    Raises
    ------
    InputError
        Missing columns, negative tonnage or grades, an element without a price or mill recovery.
    """
    started = utcnow()
    params = params or EconomicParameters()
    if "ore" not in deposits.columns and "ore_t" in deposits.columns:
        deposits = deposits.rename(columns={"ore_t": "ore"})
    for col in ("trial", "ore"):
        if col not in deposits.columns:
            raise InputError(f"the deposit table has no {col!r} column (columns: {', '.join(map(str, deposits))}); "
                             "expected trial, ore and one grade (<El>_pct) or contained-metal (<El>) column per "
                             "element",
                             column=col)
    elements, grade_cols, contained_cols = _split_columns(deposits)
    if not elements:
        raise InputError("the deposit table has no element columns; expected e.g. 'Cu' (contained t) or 'Cu_pct'")
    ore_all = pd.to_numeric(deposits["ore"], errors="coerce").to_numpy(float)
    present = np.isfinite(ore_all) & (ore_all > 0)
    bad = np.flatnonzero(np.isfinite(ore_all) & (ore_all < 0))
    if bad.size:
        raise InputError(f"ore tonnage {ore_all[bad[0]]} is negative; expected metric t > 0", row=int(bad[0]) + 1,
                         column="ore")
    dep = deposits.loc[present]
    ore = ore_all[present]
    grades = np.empty((len(dep), len(elements)))
    for j, el in enumerate(elements):
        if el in grade_cols:
            g = pd.to_numeric(dep[grade_cols[el]], errors="coerce").to_numpy(float)
        else:
            g = pd.to_numeric(dep[contained_cols[el]], errors="coerce").to_numpy(float) / ore * 100.0
        g = np.nan_to_num(g, nan=0.0)
        wrong = np.flatnonzero((g < 0) | (g > 100))
        if wrong.size:
            row = int(np.flatnonzero(present)[wrong[0]]) + 1
            raise InputError(f"{el} grade {g[wrong[0]]:g} % is outside [0, 100]", row=row,
                             column=grade_cols.get(el, contained_cols.get(el)))
        grades[:, j] = g

    prices = _prices(params, elements)
    recov = _recoveries(params, elements)
    tb = _tables()
    cu_price = prices.get("Cu", tb.prices["Cu"])
    cu_rec = recov.get("Cu", tb.constants["default_cu_mill_recovery"])

    rng = np.random.default_rng(seed)
    if "depth_m" in dep.columns:
        depth = pd.to_numeric(dep["depth_m"], errors="coerce").to_numpy(float)
        if not np.all(np.isfinite(depth) & (depth >= 0)):
            raise InputError("depth_m has missing or negative values; expected metres >= 0", column="depth_m")
    else:
        depth = _draw_depths(params, len(dep), rng)
    method = _mine_methods(params.geometry, depth)
    st = ore / tb.constants["metric_t_per_short_ton"]
    p = np.array([prices[e] for e in elements])
    m = np.array([recov[e] for e in elements])
    ore_value = tb.constants["ore_value_metric_to_short"] * (grades / 100.0 * p * m).sum(axis=1)
    c = _costs(params, st, depth, method, ore_value, cu_price, cu_rec)
    economic = c["npv_usd"] > 0

    out = pd.DataFrame({"trial": dep["trial"].to_numpy(), "ore": ore, "depth_m": depth, "mine_method": method})
    for key in ("life_yr", "mine_depth_yd", "strip_ratio", "mine_capacity_stpd", "mill_capacity_stpd"):
        out[key] = c[key]
    out["ore_value_usd_per_st"] = ore_value
    for key in ("cu_equivalent_pct", "capital_usd", "operating_usd_per_yr", "value_produced_usd_per_yr",
                "present_value_usd", "npv_usd"):
        out[key] = c[key]
    out["economic"] = economic
    for j, el in enumerate(elements):
        contained = grades[:, j] / 100.0 * ore
        out[f"{el}_pct"] = grades[:, j]
        out[el] = contained
        out[f"{el}_recovered"] = np.where(economic, c["mining_recovery"] * m[j] * contained, 0.0)

    trial_ids = np.asarray(trials) if trials is not None else pd.unique(deposits["trial"].to_numpy())
    g = out.assign(n_deposits=1, n_economic=economic.astype(int), ore_economic=np.where(economic, ore, 0.0),
                   npv_econ=np.where(economic, c["npv_usd"], 0.0)).groupby("trial", sort=False)
    cols = ["n_deposits", "n_economic", "npv_econ", "ore", *elements, "ore_economic",
            *[f"{e}_recovered" for e in elements]]
    totals = g[cols].sum().reindex(trial_ids, fill_value=0).rename(columns={"npv_econ": "npv_usd"})
    totals = totals.rename_axis("trial").reset_index()
    totals[["n_deposits", "n_economic"]] = totals[["n_deposits", "n_economic"]].astype(int)

    inputs = sha256_json(pd.util.hash_pandas_object(deposits, index=False).to_list())
    rec = RunRecord.create("assessment.economic_filter", inputs_sha256=inputs, parameters=params.to_dict(),
                           seed=seed, started_at=started)
    return EconomicFilterResult(deposits=out, totals=totals, elements=elements, parameters=params, provenance=rec)
