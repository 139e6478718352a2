"""MapMark4 (R) as an oracle for critmin.assessment — a dev-only validation, never a CI test or dependency.

Usage::

    python benchmarks/assessment/validate_mapmark4.py [--r-lib /tmp/rlib] [--rerun] [--seed 7] [--trials 20000]

1. **NB pmfs (exact)**: critmin's ``fit_negative_binomial`` vs MapMark4's ``NDepositsPmf("NegBinomial")`` on
   ``ExampleDepEst1..4``: same support, max |Δp|, and whether every probability is bit-identical.
2. **Simulated totals (distribution)**: two-sample Kolmogorov–Smirnov tests, at the same n (20,000 trials each,
   independent streams), of critmin's and MapMark4's per-trial totals of ore, Cu and Au for ``ExampleGatm``
   (71 synthetic Cu–Au deposits) with the ``ExampleDepEst1`` pmf, normal tonnage pdf and normal / KDE grades
   (and the ``ExampleDepEst2`` pmf with KDE grades). The KDE bandwidths differ by design (MapMark4: ``ks::Hpi``
   plug-in; critmin: its own choice), so a KDE-grade KS rejection is a finding about the bandwidth, not a bug.
3. **Moments**: MapMark4's predicted E[T] (from its 10⁶ pre-drawn deposits) vs critmin's ``E[N]·μ``.

Reuses MapMark4 outputs left by ``bench_assessment.py`` in ``benchmarks/results/data/assessment`` unless
``--rerun``. Writes ``benchmarks/results/validate_mapmark4-<UTC>.json`` (and ``-latest.json``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import _common as C  # noqa: E402
import bench_assessment as B  # noqa: E402


def nb_pmfs(r_lib: str, rerun: bool) -> dict[str, Any]:
    import numpy as np

    from critmin.assessment.estimates import read_estimates
    from critmin.assessment.pmf import fit_negative_binomial

    out: dict[str, Any] = {}
    for i in (1, 2, 3, 4):
        cached = B.OUT / f"mapmark4-nbfit-DepEst{i}.json"
        if cached.exists() and not rerun:
            r = json.loads(cached.read_text())
        else:
            r, _ = B.run_r(r_lib, ["nbfit", str(B.DEPEST[i])])
            if r is None:
                out[f"DepEst{i}"] = {"error": "MapMark4 run failed"}
                continue
            cached.write_text(json.dumps(r))
        c = fit_negative_binomial(read_estimates(B.DEPEST[i]))
        rs = np.asarray(r["n_deposits"], dtype=np.int64)
        rp = np.asarray(r["probabilities"], dtype=float)
        same_support = bool(rs.size == c.probabilities.size and rs[0] == c.n_min)
        d = {"mapmark4_support": [int(rs[0]), int(rs[-1])], "critmin_support": [c.n_min, c.n_max],
             "same_support": same_support, "mapmark4_mean": r["mean"][0], "critmin_mean": c.mean,
             "mapmark4_variance": r["variance"][0], "critmin_variance": c.variance,
             "mapmark4_entropy": r["entropy"][0], "critmin_entropy": c.entropy}
        if same_support:
            diff = np.abs(rp - c.probabilities)
            d.update({"max_abs_diff": float(diff.max()), "max_rel_diff": float((diff / rp).max()),
                      "bit_identical": bool(np.array_equal(rp, c.probabilities)),
                      "n_bit_identical": int(np.count_nonzero(rp == c.probabilities)), "n": int(rp.size)})
        out[f"DepEst{i}"] = d
    return out


def totals_ks(r_lib: str, rerun: bool, seed: int, trials: int) -> dict[str, Any]:
    import numpy as np
    import pandas as pd
    from scipy.stats import ks_2samp

    from critmin.assessment.estimates import read_estimates
    from critmin.assessment.gt_data import read_gt
    from critmin.assessment.gt_model import GTModel
    from critmin.assessment.pmf import fit_negative_binomial
    from critmin.assessment.simulate import simulate

    gt = read_gt(B.GT71)
    out: dict[str, Any] = {}
    for name, (depest, ton, grade) in B.SIM_CASES.items():
        r_csv = B.OUT / f"mapmark4-{name}-totals.csv"
        r_json = B.OUT / f"mapmark4-{name}.json"
        pmf = fit_negative_binomial(read_estimates(B.DEPEST[depest]))
        if rerun or not r_csv.exists() or not r_json.exists():
            pmf_csv = B.OUT / f"pmf-DepEst{depest}.csv"
            pmf.to_frame().to_csv(pmf_csv, index=False)
            r, _ = B.run_r(r_lib, ["simulate", str(B.GT71), str(pmf_csv), ton, grade, str(seed), str(trials),
                                   str(r_csv)])
            if r is None:
                out[name] = {"error": "MapMark4 run failed"}
                continue
            r_json.write_text(json.dumps(r))
        rdoc = json.loads(r_json.read_text())
        rt = pd.read_csv(r_csv)
        model = GTModel.fit(gt, tonnage_pdf=ton, grade_pdf=grade)  # type: ignore[arg-type]
        res = simulate(pmf, model, trials=len(rt), seed=seed)
        dm = model.moments(seed=seed)
        case: dict[str, Any] = {"n_mapmark4": len(rt), "n_critmin": len(res.totals), "quantities": {}}
        for j, (rcol, q) in enumerate(zip(rt.columns, res.quantities, strict=True)):
            x, y = rt[rcol].to_numpy(), res.totals[q].to_numpy()
            ks = ks_2samp(x, y)
            pred_c = pmf.mean * dm.mean[j]
            case["quantities"][q] = {
                "ks_statistic": float(ks.statistic), "ks_pvalue": float(ks.pvalue),
                "mean_mapmark4": float(x.mean()), "mean_critmin": float(y.mean()),
                "median_mapmark4": float(np.median(x)), "median_critmin": float(np.median(y)),
                "p90_mapmark4": float(np.quantile(x, 0.1)), "p90_critmin": float(np.quantile(y, 0.1)),
                "p10_mapmark4": float(np.quantile(x, 0.9)), "p10_critmin": float(np.quantile(y, 0.9)),
                "predicted_mean_mapmark4": rdoc["pred_mean"][j], "predicted_mean_critmin": float(pred_c),
                "predicted_mean_rel_diff": float(pred_c / rdoc["pred_mean"][j] - 1),
            }
        out[name] = case
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--r-lib", default="/tmp/rlib")
    ap.add_argument("--rerun", action="store_true")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--trials", type=int, default=20_000)
    a = ap.parse_args()
    B.OUT.mkdir(parents=True, exist_ok=True)
    rv = B.r_versions(a.r_lib)
    if rv is None:
        raise SystemExit(f"MapMark4 is not installed in R_LIBS={a.r_lib} (see benchmarks/assessment/README.md)")
    doc = {"mapmark4": rv, "nb_pmfs": nb_pmfs(a.r_lib, a.rerun),
           "totals_ks": totals_ks(a.r_lib, a.rerun, a.seed, a.trials)}
    path = C.write_result("validate_mapmark4", doc)
    rows = [[k, v.get("same_support"), v.get("bit_identical"), v.get("max_abs_diff"), v.get("critmin_mean"),
             v.get("mapmark4_mean")] for k, v in doc["nb_pmfs"].items()]
    C.print_table("NB pmf: critmin vs MapMark4", ["estimates", "same support", "bit-identical", "max |Δp|",
                                                   "critmin mean", "MapMark4 mean"], rows)
    rows = [[name, q, round(s["ks_statistic"], 4), round(s["ks_pvalue"], 4), f"{s['mean_critmin']:.4g}",
             f"{s['mean_mapmark4']:.4g}"]
            for name, case in doc["totals_ks"].items() for q, s in case.get("quantities", {}).items()]
    C.print_table("Totals: two-sample KS (same n)", ["case", "quantity", "D", "p", "critmin mean",
                                                     "MapMark4 mean"], rows)
    print(f"\nwritten {path}")


if __name__ == "__main__":
    main()
