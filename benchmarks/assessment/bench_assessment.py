"""Benchmark: critmin.assessment side by side with MapMark4 (R) on the same inputs and machine (issue 4).

Usage::

    python benchmarks/assessment/bench_assessment.py [--r-lib /tmp/rlib] [--no-r] [--reps 3]
        [--cases nbfit,sim20k,sim20k-large,big,big-dask] [--big-trials 10000000] [--seed 7]

Cases (inputs: ``../shared/data/assessment/mapmark4``, MapMark4's package examples):

* ``nbfit`` — negative-binomial pmf fit to ``ExampleDepEst1..4``. critmin: ``fit_negative_binomial`` (median of
  ``--reps`` runs in one process, after one warm-up); MapMark4: ``NDepositsPmf("NegBinomial", …)``, one run.
* ``sim20k`` — 20,000 trials, ``ExampleGatm`` (71 synthetic Cu–Au deposits) with the NB pmf of ``ExampleDepEst1``
  (mean 10.66 deposits), normal tonnage pdf with normal grades and with KDE grades. Both sides get the same pmf
  (critmin's fit, which equals MapMark4's; MapMark4 receives it as a ``"Custom"`` pmf so the fit is not timed
  again). Stages: MapMark4 ``TonnagePdf + GradePdf + Simulation + TotalTonnagePdf``; critmin ``GTModel.fit +
  simulate + statistics + moment_check`` (the moment check draws its own 2·10⁶-deposit sample, as MapMark4's pdfs
  pre-draw 10⁶ samples for theirs).
* ``sim20k-large`` — as ``sim20k`` with KDE grades but the NB pmf of ``ExampleDepEst2`` (mean 111.6 deposits,
  ≈2.2 M simulated deposits: MapMark4's memory-heavy case).
* ``big`` — critmin only: 10⁷ trials (``--big-trials``) of a tract with a Poisson(100) pmf (≈10⁹ deposits), normal
  pdfs, local ``simulate`` (thread pool); peak RSS must stay < 1 GiB.
* ``big-dask`` — the same on a ``dask.distributed`` LocalCluster (2 worker processes × 1 thread) through
  ``critmin.assessment.distributed.simulate_distributed``; checks the totals equal a local run's digest.

Every case runs in a child process (wall time, CPU time and the process's own peak RSS from ``os.wait4``);
MapMark4 runs via ``Rscript benchmarks/assessment/mapmark4_driver.R`` with ``R_LIBS=--r-lib``. MapMark4's per-trial
totals and pmfs are kept under ``benchmarks/results/data/assessment`` for ``validate_mapmark4.py``. Results:
``benchmarks/results/bench_assessment-<UTC>.json`` and ``-latest.json``.

Targets (issue 4): NB fit ≥ 20× faster; 20,000 trials (normal and KDE grades) ≥ 20× faster; 10⁷ trials with mean
100 deposits: peak RSS < 1 GiB.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics as st
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import _common as C  # noqa: E402

DATA = C.REPO / ".." / "shared" / "data" / "assessment" / "mapmark4"
GT71 = DATA / "ExampleGatm_synthetic_CuAu_71_deposits.csv"
DEPEST = {i: next(DATA.glob(f"ExampleDepEst{i}_*.csv")) for i in (1, 2, 3, 4)}
OUT = C.DATA / "assessment"
DRIVER = HERE / "mapmark4_driver.R"
TARGET_SPEEDUP = 20.0
TARGET_BIG_RSS_MIB = 1024.0
SIM_CASES = {  # name: (depest, tonnage pdf, grade pdf)
    "sim20k-normal": (1, "normal", "normal"),
    "sim20k-kde": (1, "normal", "kde"),
    "sim20k-large-kde": (2, "normal", "kde"),
}


# ------------------------------------------------------------------------------------------ child processes


def child_nbfit(depest: int, reps: int) -> dict[str, Any]:
    from critmin.assessment.estimates import read_estimates
    from critmin.assessment.pmf import fit_negative_binomial

    est = read_estimates(DEPEST[depest])
    fit_negative_binomial(est)  # warm-up (imports, SciPy caches)
    walls, cpus = [], []
    for _ in range(reps):
        t0, c0 = time.perf_counter(), time.process_time()
        pmf = fit_negative_binomial(est)
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    return {"seconds": st.median(walls), "seconds_all": walls, "cpu_seconds": st.median(cpus),
            "n_min": pmf.n_min, "probabilities": pmf.probabilities.tolist(), "mean": pmf.mean,
            "variance": pmf.variance, "entropy": pmf.entropy}


def child_sim(case: str, seed: int, trials: int, reps: int, totals_csv: str | None) -> dict[str, Any]:
    from critmin.assessment.estimates import read_estimates
    from critmin.assessment.gt_data import read_gt
    from critmin.assessment.gt_model import GTModel
    from critmin.assessment.pmf import fit_negative_binomial
    from critmin.assessment.simulate import simulate
    from critmin.assessment.statistics import moment_check, statistics

    depest, ton, grade = SIM_CASES[case]
    pmf = fit_negative_binomial(read_estimates(DEPEST[depest]))
    gt = read_gt(GT71)
    runs = []
    for _ in range(reps):
        t: dict[str, float] = {}
        c0 = time.process_time()
        t0 = time.perf_counter()
        model = GTModel.fit(gt, tonnage_pdf=ton, grade_pdf=grade)  # type: ignore[arg-type]
        t1 = time.perf_counter()
        res = simulate(pmf, model, trials=trials, seed=seed)
        t2 = time.perf_counter()
        stats = statistics(res.totals, res.quantities)
        t3 = time.perf_counter()
        chk = moment_check(res, pmf, model)
        t4 = time.perf_counter()
        t = {"fit": t1 - t0, "simulate": t2 - t1, "statistics": t3 - t2, "moment_check": t4 - t3,
             "total": t4 - t0, "total_excl_moment_check": t3 - t0, "cpu_total": time.process_time() - c0}
        runs.append(t)
    med = {k: st.median(r[k] for r in runs) for k in runs[0]}
    if totals_csv:
        res.totals.to_csv(totals_csv, index=False)
    return {"seconds": med, "runs": runs, "deposits_simulated": int(res.totals["n_deposits"].sum()),
            "mean_ore": stats[res.quantities[0]]["mean"], "moment_check_passed": chk["passed"],
            "moment_check_max_abs_z": chk["max_abs_z"], "quantities": res.quantities}


def _digest(totals: Any) -> str:
    h = hashlib.sha256()
    for col in totals.columns:
        h.update(totals[col].to_numpy().tobytes())
    return h.hexdigest()


def child_big(trials: int, seed: int, dask: bool) -> dict[str, Any]:
    import resource

    import numpy as np

    from critmin.assessment.gt_data import read_gt
    from critmin.assessment.gt_model import GTModel
    from critmin.assessment.pmf import poisson_pmf
    from critmin.assessment.simulate import simulate
    from critmin.assessment.statistics import statistics

    pmf = poisson_pmf(100.0)
    model = GTModel.fit(read_gt(GT71))
    out: dict[str, Any] = {"pmf": "Poisson(100)", "pmf_support": [pmf.n_min, pmf.n_max], "trials": trials}
    t0 = time.perf_counter()
    if dask:
        from distributed import Client, LocalCluster

        from critmin.assessment.distributed import simulate_distributed

        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cl, \
                Client(cl) as client:
            t_up = time.perf_counter()
            res = simulate_distributed(pmf, model, trials=trials, seed=seed, client=client)
            out["seconds_simulate"] = time.perf_counter() - t_up
            out["cluster_start_seconds"] = t_up - t0
            out["worker_peak_rss_mib"] = sorted(
                round(v / 1024, 1) for v in client.run(
                    lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss).values())
    else:
        c0 = time.process_time()
        res = simulate(pmf, model, trials=trials, seed=seed)
        out["seconds_simulate"] = time.perf_counter() - t0
        out["cpu_seconds_simulate"] = time.process_time() - c0
    t1 = time.perf_counter()
    stats = statistics(res.totals, res.quantities)
    out["seconds_statistics"] = time.perf_counter() - t1
    n = res.totals["n_deposits"].to_numpy()
    out.update({"deposits_simulated": int(n.sum()), "mean_n": float(np.mean(n)),
                "mean_ore_t": stats["ore"]["mean"], "p50_Cu_t": stats["Cu"]["quantiles"]["0.5"],
                "totals_sha256": _digest(res.totals),
                "peak_rss_mib_self": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)})
    return out


# ------------------------------------------------------------------------------------------------ parent


def run_python_child(args: list[str]) -> tuple[dict[str, Any], C.ChildRun]:
    run = C.run_child([C.PYTHON, str(Path(__file__).resolve()), "--child", *args], timeout_s=7200)
    if run.returncode != 0:
        raise SystemExit(f"critmin child {args} failed:\n{run.stderr[-4000:]}")
    return json.loads(run.stdout.strip().splitlines()[-1]), run


def run_r(r_lib: str, args: list[str]) -> tuple[dict[str, Any] | None, C.ChildRun]:
    out_json = OUT / f".r-{os.getpid()}.json"
    env = {**os.environ, "R_LIBS": r_lib}
    run = C.run_child(["Rscript", str(DRIVER), *args[:-1], str(out_json), *args[-1:]] if args[0] == "simulate"
                      else ["Rscript", str(DRIVER), *args, str(out_json)], env=env, timeout_s=3600)
    if run.returncode != 0 or not out_json.exists():
        print(f"MapMark4 run {args} failed (rc {run.returncode}):\n{run.stderr[-2000:]}", file=sys.stderr)
        return None, run
    doc = json.loads(out_json.read_text())
    out_json.unlink()
    return doc, run


def r_versions(r_lib: str) -> dict[str, Any] | None:
    if shutil.which("Rscript") is None:
        return None
    import subprocess

    code = ('cat(R.version.string, "\\n"); for (p in c("MapMark4","compositions","ks","mvtnorm")) '
            'cat(p, as.character(tryCatch(packageVersion(p), error=function(e) NA)), "\\n")')
    p = subprocess.run(["Rscript", "-e", code], capture_output=True, text=True, env={**os.environ, "R_LIBS": r_lib})
    lines = p.stdout.strip().splitlines()
    if not lines:
        return None
    info = {"R": lines[0]}
    for line in lines[1:]:
        name, _, ver = line.strip().partition(" ")
        info[name] = ver
    return info if info.get("MapMark4") not in (None, "NA") else None


def ratio(r_s: float | None, c_s: float) -> float | None:
    return round(r_s / c_s, 1) if r_s is not None and c_s > 0 else None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    ap.add_argument("--r-lib", default="/tmp/rlib")
    ap.add_argument("--no-r", action="store_true")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--cases", default="nbfit,sim20k,sim20k-large,big,big-dask")
    ap.add_argument("--big-trials", type=int, default=10_000_000)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    if a.child:
        kind, rest = a.child[0], a.child[1:]
        if kind == "nbfit":
            doc = child_nbfit(int(rest[0]), int(rest[1]))
        elif kind == "sim":
            doc = child_sim(rest[0], int(rest[1]), int(rest[2]), int(rest[3]), rest[4] if len(rest) > 4 else None)
        else:
            doc = child_big(int(rest[0]), int(rest[1]), kind == "big-dask")
        print(json.dumps(doc))
        return

    cases = set(a.cases.split(","))
    OUT.mkdir(parents=True, exist_ok=True)
    rv = None if a.no_r else r_versions(a.r_lib)
    if not a.no_r and rv is None:
        print(f"MapMark4 not found in R_LIBS={a.r_lib}: benchmarking critmin alone", file=sys.stderr)
    result: dict[str, Any] = {"machine": C.machine(), "mapmark4": rv, "load_average_at_start": C.load_average(),
                              "targets": {"speedup": TARGET_SPEEDUP, "big_peak_rss_mib": TARGET_BIG_RSS_MIB},
                              "cases": {}}
    rows: list[list[Any]] = []

    if "nbfit" in cases:
        for i in (1, 2, 3, 4):
            cdoc, crun = run_python_child(["nbfit", str(i), str(a.reps)])
            rdoc, rrun = run_r(a.r_lib, ["nbfit", str(DEPEST[i])]) if rv else (None, None)
            if rdoc:
                (OUT / f"mapmark4-nbfit-DepEst{i}.json").write_text(json.dumps(rdoc))
            case = {"critmin": {**cdoc, "process_wall_s": crun.wall_s, "process_peak_rss_mib": crun.peak_rss_mib},
                    "mapmark4": None if rdoc is None or rrun is None else
                    {**rdoc, "process_wall_s": rrun.wall_s, "process_cpu_s": rrun.cpu_s,
                     "process_peak_rss_mib": rrun.peak_rss_mib}}
            r_s = rdoc["seconds"] if rdoc else None
            case["speedup"] = ratio(r_s, cdoc["seconds"])
            case["speedup_cpu"] = ratio(rdoc["cpu_seconds"] if rdoc else None, cdoc["cpu_seconds"])
            result["cases"][f"nbfit-DepEst{i}"] = case
            rows.append([f"NB fit DepEst{i}", round(cdoc["seconds"], 4), r_s and round(r_s, 2), case["speedup"],
                         case["speedup_cpu"], crun.peak_rss_mib, rrun.peak_rss_mib if rrun else None])
            print(rows[-1], flush=True)

    for name in [n for n in SIM_CASES if ("sim20k-large" in cases if "large" in n else "sim20k" in cases)]:
        depest = SIM_CASES[name][0]
        pmf_csv = OUT / f"pmf-DepEst{depest}.csv"
        from critmin.assessment.estimates import read_estimates
        from critmin.assessment.pmf import fit_negative_binomial

        fit_negative_binomial(read_estimates(DEPEST[depest])).to_frame().to_csv(pmf_csv, index=False)
        c_csv = OUT / f"critmin-{name}-totals.csv"
        cdoc, crun = run_python_child(["sim", name, str(a.seed), "20000", str(a.reps), str(c_csv)])
        rdoc = rrun = None
        if rv:
            _, ton, grade = SIM_CASES[name]
            rdoc, rrun = run_r(a.r_lib, ["simulate", str(GT71), str(pmf_csv), ton, grade, str(a.seed), "20000",
                                         str(OUT / f"mapmark4-{name}-totals.csv")])
            if rdoc:
                (OUT / f"mapmark4-{name}.json").write_text(json.dumps(rdoc))
        r_pipe = None if rdoc is None else (rdoc["seconds_tonnage_pdf"] + rdoc["seconds_grade_pdf"]
                                            + rdoc["seconds_simulation"] + rdoc["seconds_total_tonnage_pdf"])
        r_cpu = None if rdoc is None else sum(rdoc["cpu_seconds"])
        cs = cdoc["seconds"]
        case = {"critmin": {**cdoc, "process_wall_s": crun.wall_s, "process_cpu_s": crun.cpu_s,
                            "process_peak_rss_mib": crun.peak_rss_mib},
                "mapmark4": None if rdoc is None or rrun is None else
                {**rdoc, "pipeline_seconds": r_pipe, "process_wall_s": rrun.wall_s, "process_cpu_s": rrun.cpu_s,
                 "process_peak_rss_mib": rrun.peak_rss_mib},
                "speedup_pipeline": ratio(r_pipe, cs["total"]),
                "speedup_pipeline_cpu": ratio(r_cpu, cs["cpu_total"]),
                "speedup_simulation_stage": ratio(None if rdoc is None else
                                                  rdoc["seconds_simulation"] + rdoc["seconds_total_tonnage_pdf"],
                                                  cs["simulate"] + cs["statistics"]),
                "speedup_peak_rss": ratio(rrun.peak_rss_mib if rrun else None, crun.peak_rss_mib)}
        result["cases"][name] = case
        rows.append([name, round(cs["total"], 3), r_pipe and round(r_pipe, 2), case["speedup_pipeline"],
                     case["speedup_pipeline_cpu"], crun.peak_rss_mib, rrun.peak_rss_mib if rrun else None])
        print(rows[-1], flush=True)

    for kind in ("big", "big-dask"):
        if kind in cases:
            cdoc, crun = run_python_child([kind, str(a.big_trials), str(a.seed)])
            cdoc.update({"process_wall_s": crun.wall_s, "process_cpu_s": crun.cpu_s,
                         "process_peak_rss_mib": crun.peak_rss_mib,
                         "rss_target_met": crun.peak_rss_mib < TARGET_BIG_RSS_MIB})
            result["cases"][f"{kind}-{a.big_trials}"] = cdoc
            rows.append([f"{kind} {a.big_trials:.0e} trials", round(cdoc["seconds_simulate"], 1), None, None, None,
                         crun.peak_rss_mib, None])
            print(rows[-1], flush=True)
    big, bigd = (result["cases"].get(f"{k}-{a.big_trials}") for k in ("big", "big-dask"))
    if big and bigd:
        result["big_dask_equals_local"] = big["totals_sha256"] == bigd["totals_sha256"]

    result["load_average_at_end"] = C.load_average()
    path = C.write_result("bench_assessment", result)
    C.print_table("critmin vs MapMark4 (wall s; speedup = MapMark4 / critmin)",
                  ["case", "critmin s", "MapMark4 s", "speedup", "speedup (CPU)", "critmin RSS MiB",
                   "MapMark4 RSS MiB"], rows)
    print(f"\nwritten {path}")


if __name__ == "__main__":
    main()
