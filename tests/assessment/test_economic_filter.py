"""RAEF-style economic filter: one deposit worked by hand, RAEF's tables and defaults, seeding, bad input.

Sources: Shapiro & Robinson 2019 (RAEF, USGS TM 7-C23, doi:10.3133/tm7C23) — algorithm and default parameters
(the pre-set file ../shared/data/assessment/mapwizard/raef/RaefPreSetFile.csv, CValues.csv, MillR.csv);
Camm 1991 (USBM IC 9298) equations as quoted in ../shared/notes/assessment.md §1.4.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from critmin.assessment.economic_filter import DepthInterval, EconomicParameters, economic_filter
from critmin.errors import InputError
from critmin.reference import load_table

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "assessment"
RAEF = DATA / "mapwizard" / "raef"
SIM_EF = DATA / "mapmark4gui-porphyry-run" / "porphyry_cu_05_SIM_EF.csv"


def _hand_npv(ore_t: float, cu_pct: float, mo_pct: float, depth_m: float) -> dict[str, float]:
    """RAEF's equations for one massive/disseminated deposit, 3-product flotation, 350 d/yr, pond+dam+liner,
    MSC 1.26, IRR 0.15, CValues prices, MillR 3-product recoveries — written out step by step."""
    st = ore_t / 0.907185                                 # short tons
    life = 0.2 * st ** 0.25                               # Taylor's rule
    pit = depth_m < 61
    if pit:
        df, rf = 0.05, 0.90
        motrf = (1 + df) * rf
        dm = 0.3772 * st ** (1 / 3) + 1.0936 * depth_m    # yd, half-sphere
        sr = 18.634 * dm ** 3 / st - 1
        cm = ((sr + 1) * motrf * st) ** 0.75 / 70
        if cm < 20000:
            kc, ko = 160000 * cm ** 0.515, 71.0 * cm ** -0.414
        else:
            kc, ko = 2670 * cm ** 0.917, 5.14 * cm ** -0.148
    else:                                                 # block caving
        df, rf = 0.15, 0.95
        motrf = (1 + df) * rf
        dm = 0.3772 * st ** (1 / 3) + 1.0936 * depth_m
        cm = (1.15 * 0.95 * st) ** 0.75 / 70
        kc = 64800 * cm ** 0.759 + 371 * cm + 180 * 3 * dm * cm ** 0.404
        ko = 48.4 * cm ** -0.217 + 2343 / cm + 0.44 * 3 * dm / cm + 0.00163 * 3 * dm
    ov = 0.90715 * (3813.958 * 0.91 * cu_pct / 100 + 23567.174 * 0.63 * mo_pct / 100)   # $/st ore
    cml = (motrf * st) ** 0.75 / 70
    kcm, kom = 83600 * cml ** 0.708, 153 * cml ** -0.344
    cueq = 100 * (1 / 0.90715) * ov / (0.91 * 3813.958)
    smelt = 0.26 * (2000 * st * (cueq / 100) * rf * 0.91) / life
    op = 1.26 * (smelt + cm * ko * 350 + cml * kom * 350)
    acres = (17 if life < 7.5 else 32 if life < 15 else 62) * cml / 1000
    perim = 4 * math.sqrt(43560 * acres)
    cap = (kc + (146000 + 1783 * acres) + 161 * perim + (5 * perim + 35790 * acres) + kcm) * 1.26
    vp = ov * cml * 350 - op
    pv = vp * (1 - 1.15 ** -life) / 0.15
    return {"life": life, "cm": cm, "cml": cml, "capital": cap, "op": op, "npv": pv - cap, "rf": rf}


def _deposits() -> pd.DataFrame:
    return pd.DataFrame({
        "trial": [1, 1, 2, 3],
        "ore": [100e6, 500e6, np.nan, 5e6],
        "Cu": [0.5e6, 2.0e6, np.nan, 5e6 * 0.004],        # contained t: 0.5 %, 0.4 %, -, 0.4 %
        "Mo": [100e6 * 0.0002, 500e6 * 0.0001, np.nan, 5e6 * 0.0001],
        "depth_m": [30.0, 300.0, np.nan, 800.0],
    })


def test_one_deposit_by_hand_open_pit_and_block_caving() -> None:
    res = economic_filter(_deposits(), seed=0)
    d = res.deposits
    assert list(d["mine_method"]) == ["open_pit", "block_caving", "block_caving"]
    for i, (ore, cu, mo, depth) in enumerate([(100e6, 0.5, 0.02, 30.0), (500e6, 0.4, 0.01, 300.0),
                                              (5e6, 0.4, 0.01, 800.0)]):
        h = _hand_npv(ore, cu, mo, depth)
        assert d["life_yr"].iloc[i] == pytest.approx(h["life"], rel=1e-12)
        assert d["mine_capacity_stpd"].iloc[i] == pytest.approx(h["cm"], rel=1e-12)
        assert d["mill_capacity_stpd"].iloc[i] == pytest.approx(h["cml"], rel=1e-12)
        assert d["capital_usd"].iloc[i] == pytest.approx(h["capital"], rel=1e-10)
        assert d["operating_usd_per_yr"].iloc[i] == pytest.approx(h["op"], rel=1e-10)
        assert d["npv_usd"].iloc[i] == pytest.approx(h["npv"], rel=1e-9, abs=1.0)
        assert bool(d["economic"].iloc[i]) == (h["npv"] > 0)
    # the shallow 100 Mt 0.5 % Cu pit pays; the small deep 5 Mt block cave does not (worked example values)
    assert d["economic"].tolist()[0] and not d["economic"].tolist()[2]
    h0 = _hand_npv(100e6, 0.5, 0.02, 30.0)
    assert d["Cu_recovered"].iloc[0] == pytest.approx(h0["rf"] * 0.91 * 0.5e6)
    assert d["Cu_recovered"].iloc[2] == 0.0


def test_totals_per_trial_include_empty_trials() -> None:
    res = economic_filter(_deposits(), seed=0)
    t = res.totals.set_index("trial")
    assert list(t.index) == [1, 2, 3]
    assert t.loc[2, "n_deposits"] == 0 and t.loc[2, "ore"] == 0 and t.loc[2, "Cu_recovered"] == 0
    assert t.loc[1, "n_deposits"] == 2 and t.loc[1, "Cu"] == pytest.approx(2.5e6)
    econ = res.deposits[res.deposits["economic"]]
    assert t["npv_usd"].sum() == pytest.approx(econ["npv_usd"].sum())
    assert (t["Cu_recovered"] <= t["Cu"] + 1e-6).all()


def test_tables_match_the_raef_files_and_the_notes() -> None:
    # CValues.csv (2008 US$/t) and MillR.csv as shipped with RAEF: our typed tables hold the same numbers
    with (RAEF / "CValues.csv").open() as fh:
        head, vals = list(csv.reader(fh))
    ours = {r.commodity: float(r.value_usd_per_t) for r in load_table("raef_commodity_values").itertuples()}
    assert ours == {k: float(v) for k, v in zip(head, vals, strict=True)}
    mill_names = {"CCD": "ccd", "CIP": "cip", "AuHeapLeach": "au_heap_leach", "AuFloatRoastLeach":
                  "au_float_roast_leach", "AuFreeMilling": "au_free_milling", "SX_EW": "sx_ew",
                  "1_Product": "1_product_flotation", "2_Product": "2_product_flotation", "MVTore": "mvt_ore",
                  "3_Product": "3_product_flotation", "PGMore": "pgm_ore", "AllR": "all_recovered"}
    rec = load_table("raef_mill_recoveries")
    ours_r = {(r.mill_type, r.commodity): float(r.recovery) for r in rec.itertuples()}
    with (RAEF / "MillR.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    theirs = {(mill_names[m], r["Commodity"]): float(v) for r in rows for m, v in r.items() if m != "Commodity"}
    assert ours_r == theirs
    # the notes: open pit Kc = 160000 Cm^0.515, Ko = 71.0 Cm^-0.414; 3-product mill 83600^0.708, 153^-0.344
    eq = load_table("camm1991_cost_equations").set_index("equation")
    assert (float(eq.loc["open_pit_small_capital", "a"]), float(eq.loc["open_pit_small_capital", "b"])) == (160000,
                                                                                                          0.515)
    assert (float(eq.loc["open_pit_small_operating", "a"]), float(eq.loc["open_pit_small_operating", "b"])) == (
        71.0, -0.414)
    assert float(eq.loc["3_product_flotation_capital", "b"]) == 0.708
    assert float(eq.loc["3_product_flotation_operating", "a"]) == 153


def test_defaults_are_the_raef_preset() -> None:
    # RaefPreSetFile.csv: 0-250/251-500/501-1000 m with 0.2/0.2/0.6, 350 d, MSC 1.26, IRR 0.15, 3-product
    with (RAEF / "RaefPreSetFile.csv").open() as fh:
        preset = {r[1]: r[2] for r in csv.reader(fh) if len(r) > 2}
    p = EconomicParameters()
    assert [(d.min_m, d.max_m, d.fraction) for d in p.depth_intervals] == [
        (float(preset[f"Min{i}"]), float(preset[f"Max{i}"]), float(preset[f"Per{i}"])) for i in (1, 2, 3)]
    assert p.cost_index == float(preset["MSC"]) and p.discount_rate == float(preset["Investment Rate of Return"])
    assert p.days_per_year == int(preset["Days of Operation"])


def _porphyry() -> pd.DataFrame:
    df = pd.read_csv(SIM_EF)
    d = pd.DataFrame({"trial": df["Simulation.Index"], "ore": df["Ore_mT"]})
    for el in ("Cu", "Mo", "Au", "Ag"):
        d[f"{el}_pct"] = df[f"{el} _pct"]
    return d


def test_seeded_depth_draws_on_the_mapmark4gui_run() -> None:
    d = _porphyry()
    a = economic_filter(d, seed=7)
    b = economic_filter(d, seed=7)
    c = economic_filter(d, seed=8)
    pd.testing.assert_frame_equal(a.deposits, b.deposits)
    assert not np.array_equal(a.deposits["depth_m"], c.deposits["depth_m"])
    depth = a.deposits["depth_m"].to_numpy()
    n = len(depth)
    assert n == 22208                                     # deposits in the 20,000-trial MapMark4GUI file
    assert depth.min() >= 0 and depth.max() <= 1000 and np.all(depth == np.round(depth))
    for lo, hi, frac in ((0, 250, 0.2), (251, 500, 0.2), (501, 1000, 0.6)):
        share = np.mean((depth >= lo) & (depth <= hi))
        assert abs(share - frac) < 4 * math.sqrt(frac * (1 - frac) / n)
    # open pit exactly where depth < 61 m
    assert ((a.deposits["mine_method"] == "open_pit") == (depth < 61)).all()
    assert len(a.totals) == 20000
    t = a.totals
    for el in ("Cu", "Mo", "Au", "Ag"):
        assert (t[f"{el}_recovered"] <= t[el] + 1e-9).all()
    frac_econ = a.deposits["economic"].mean()
    assert 0.02 < frac_econ < 0.6, frac_econ


def test_geometry_and_mill_options() -> None:
    d = _deposits()
    flat = economic_filter(d, EconomicParameters(geometry="flat_stratiform"), seed=0).deposits
    assert list(flat["mine_method"]) == ["open_pit", "room_and_pillar", "room_and_pillar"]
    vein = economic_filter(d, EconomicParameters(geometry="vein_steep"), seed=0).deposits
    assert set(vein["mine_method"]) == {"vertical_crater_retreat"}
    base = economic_filter(d, seed=0).deposits
    dear = economic_filter(d, EconomicParameters(cost_index=2.0), seed=0).deposits
    assert (dear["capital_usd"] > base["capital_usd"]).all() and (dear["npv_usd"] < base["npv_usd"]).all()
    rich = economic_filter(d, EconomicParameters(prices_usd_per_t={"Cu": 9000.0}), seed=0).deposits
    assert (rich["npv_usd"] > base["npv_usd"]).all()
    few_days = economic_filter(d, EconomicParameters(days_per_year=260), seed=0).deposits
    assert (few_days["mill_capacity_stpd"] > base["mill_capacity_stpd"]).all()   # /52 instead of /70


def test_drawn_depths_follow_one_interval() -> None:
    d = _deposits().drop(columns="depth_m")
    p = EconomicParameters(depth_intervals=(DepthInterval(100, 200, 1.0),))
    res = economic_filter(d, p, seed=3)
    assert res.deposits["depth_m"].between(100, 200).all()
    assert set(res.deposits["mine_method"]) == {"block_caving"}


def test_bad_input_names_the_problem() -> None:
    d = _deposits()
    w = d.assign(W=d["ore"] * 0.001)
    with pytest.raises(InputError, match=r"no commodity value for W.*--price W="):
        economic_filter(w, seed=0)
    neg = d.copy()
    neg.loc[3, "ore"] = -5
    with pytest.raises(InputError, match="row 4"):
        economic_filter(neg, seed=0)
    with pytest.raises(InputError, match="'ore'"):
        economic_filter(d.drop(columns="ore"), seed=0)
    with pytest.raises(InputError, match=r"sum to 1\.2"):
        EconomicParameters(depth_intervals=(DepthInterval(0, 10, 0.6), DepthInterval(11, 20, 0.6)))
    with pytest.raises(InputError, match="mill"):
        EconomicParameters(mill="magic")  # type: ignore[arg-type]
