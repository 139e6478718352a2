"""Benchmark: supply-risk scenario Monte Carlo and criticality at scale.

Usage::

    python benchmarks/supply/bench_supply.py [--draws 10000] [--years 20] [--importers 0] [--seed 0]

1. Scenario Monte Carlo: the gallium export-restriction example of ``docs/supply.md`` (MCS 2024 gallium, China
   restricts 50 %), ``--draws`` elasticity draws (uniform ε_s, triangular ε_d), run twice to check that the seeded
   result is bit-identical.
2. Criticality for all 11 commodities × importers × ``--years`` years: GeoPolRisk
   (``critmin.supply.criticality.geopolrisk.score_many``, all importers of a commodity-year at once) and the
   USGS 2022 supply risk (DP × TE × EV). All years are SYNTHETIC: each year's production by country is the
   shipped MCS 2024 (2023e) table scaled by seeded lognormal factors (σ = 0.15); each importer's imports are a
   seeded Dirichlet split of a random volume over the producing countries; EV is uniform 0-1; governance is the
   shipped WGI 2022. ``--importers 0`` means every economy with a WGI value.

Results go to ``benchmarks/results/supply-<stamp>.json`` (and ``supply-latest.json``).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _common import machine, peak_rss_mib, write_result

SCENARIO = """
[scenario]
name = "China restricts gallium exports by 50 %"
commodity = "gallium"
stage = "refinery"
year = 2023
start = "2023-08-01"
[restriction]
countries = ["CHN"]
fraction = 0.5
[market]
supply_elasticity = 0.3
demand_elasticity = -0.3
elasticity_source = "benchmark placeholder values"
spare_capacity = 0.5
[monte_carlo]
draws = {draws}
seed = {seed}
supply_elasticity = {{dist = "uniform", low = 0.1, high = 0.5}}
demand_elasticity = {{dist = "triangular", low = -0.6, mode = -0.3, high = -0.1}}
"""


def bench_scenario(draws: int, seed: int) -> dict[str, object]:
    import tomllib

    from critmin.supply.scenarios import run_scenario

    doc = tomllib.loads(SCENARIO.format(draws=draws, seed=seed))
    t0 = time.perf_counter()
    a = run_scenario(doc)
    t1 = time.perf_counter()
    b = run_scenario(doc)
    t2 = time.perf_counter()
    assert a.monte_carlo is not None
    return {"draws": draws, "seconds_first": t1 - t0, "seconds_second": t2 - t1,
            "bit_identical": a.monte_carlo == b.monte_carlo,
            "price_change_p50": a.monte_carlo["price_change_percentiles"]["p50"]}


def bench_criticality(years: int, importers: int, seed: int) -> dict[str, object]:
    from critmin.supply.commodities import commodities
    from critmin.supply.concentration import concentration
    from critmin.supply.criticality.geopolrisk import score_many
    from critmin.supply.governance import governance_scores, shipped_wgi

    rng = np.random.default_rng(seed)
    wgi = shipped_wgi()
    economies = sorted(set(wgi.iso3))
    if importers:
        economies = economies[:importers]
    base: dict[str, pd.DataFrame] = {}
    for sym in commodities():
        stage = "refinery" if sym in ("Ga", "Ge") else "mine"
        try:
            c = concentration(sym, stage, 2023 if sym != "Ge" else 2022)
        except Exception:  # a commodity without country figures is skipped
            continue
        named = {k: v for k, v in c.shares.items() if k != "Other countries"}
        base[sym] = pd.DataFrame({"iso3": [c.iso3[k] for k in named], "share": list(named.values())})
    year_list = list(range(2023 - years + 1, 2024))
    n_scores = 0
    t0 = time.perf_counter()
    sr_rows = []
    for b in base.values():
        g, _ = governance_scores(list(b.iso3), 2022)
        gv = np.array([g[c] for c in b.iso3])
        for _year in year_list:
            prod = b.share.to_numpy() * rng.lognormal(0.0, 0.15, len(b))
            s = prod / prod.sum()
            dp = float(np.sum(s**2 * gv))
            sr_rows.append(dp * 1.0 * float(rng.uniform()))
            m = len(economies)
            w = rng.dirichlet(np.ones(len(b)), size=m)
            vol = rng.lognormal(8, 1.5, size=(m, 1))
            out = score_many(prod, rng.uniform(0, 1, m) * vol[:, 0], w * vol, w * vol * 5.0, gv)
            assert np.all((out["score"] >= 0) & (out["score"] <= 1))
            n_scores += m
    t1 = time.perf_counter()
    return {"commodities": len(base), "importers": len(economies), "years": len(year_list),
            "geopolrisk_scores": n_scores, "usgs_sr_values": len(sr_rows), "seconds": t1 - t0,
            "microseconds_per_score": 1e6 * (t1 - t0) / max(1, n_scores)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draws", type=int, default=10_000)
    ap.add_argument("--years", type=int, default=20)
    ap.add_argument("--importers", type=int, default=0)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    sc = bench_scenario(args.draws, args.seed)
    print(f"scenario MC: {sc['draws']} draws in {sc['seconds_first']:.3f} s (second run {sc['seconds_second']:.3f} s), "
          f"bit-identical: {sc['bit_identical']}")
    cr = bench_criticality(args.years, args.importers, args.seed)
    print(f"criticality: {cr['commodities']} commodities x {cr['importers']} importers x {cr['years']} years = "
          f"{cr['geopolrisk_scores']} GeoPolRisk scores + {cr['usgs_sr_values']} USGS SR values in "
          f"{cr['seconds']:.1f} s ({cr['microseconds_per_score']:.0f} µs per score)")
    path = write_result("supply", {"machine": machine(), "scenario_mc": sc, "criticality": cr,
                                   "peak_rss_mib": peak_rss_mib()})
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
