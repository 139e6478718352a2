"""Assessment runs: a tract's USGS three-part assessment executed as a job, stored with its provenance.

Life cycle: :func:`create_run` stores the validated inputs (status ``queued``); :func:`execute_run` (usually on a
worker thread) marks it ``running``, fits the GT model, simulates with progress written to the run, checks the
moments, writes the artefacts and stores result + provenance (``done``) — or, on any error, stores ``failed``
with the message and **no** partial result or artefacts.

Artefacts of run ``id`` live in ``<artefact_root>/<id>/`` (``totals.parquet``: one row per trial;
``pmf.csv``; ``gt.csv``; ``ccdf.json``); the service uses ``<data_dir>/artefacts/assessment``.

Visibility follows the datasets' rule (:mod:`critmin.store.sites`): public runs are visible to all,
``partners`` runs to any known organisation, private runs to their organisation; ``viewer="*"`` sees all.

:func:`run_simulation` is the pure composition (fit → simulate → statistics → moment check) used here and
suitable for the CLI.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from sqlalchemy import update
from sqlalchemy.orm import Session

from critmin.assessment.gt_data import GTData
from critmin.assessment.gt_model import GTModel
from critmin.assessment.pmf import DepositPmf
from critmin.assessment.run import run_assessment
from critmin.errors import CritminError, InputError, NotFoundError
from critmin.jsonsafe import json_safe
from critmin.provenance import utcnow
from critmin.store.assessment_gt import gt_from_store, gt_query_store
from critmin.store.assessment_inputs import GTInput, PmfInput, Tract, gt_deposits
from critmin.store.db import Database
from critmin.store.run_status import mark_failed, record_progress, status_fields
from critmin.store.sites import ADMIN, get_or_create_organisation
from critmin.store.tables import AssessmentRun
from critmin.store.visibility import get_visible, list_visible

__all__ = ["CCDF_MAX_POINTS", "RunCancelled", "SimulationOutcome", "ccdf", "create_run", "execute_run",
           "fail_run", "get_run", "gt_from_store", "gt_query_store", "list_runs", "run_detail", "run_simulation",
           "run_summary", "set_progress"]

PdfType = Literal["normal", "kde"]
Status = Literal["queued", "running", "done", "failed"]
CCDF_MAX_POINTS = 500
ProgressFn = Callable[[float, str], None]


class RunCancelled(CritminError):
    """The run was stopped before it finished (the service shut down)."""


# ------------------------------------------------------------------------------------------ pure composition


@dataclass(frozen=True)
class SimulationOutcome:
    """What one assessment simulation produced: the JSON result, the per-trial totals and the fitted model."""

    result: dict[str, Any]
    provenance: dict[str, Any]
    totals: pd.DataFrame
    model: GTModel


def run_simulation(pmf: DepositPmf, data: GTData, *, tonnage_pdf: PdfType = "normal", grade_pdf: PdfType = "normal",
                   truncate: bool = False, joint: bool = False, trials: int, seed: int,
                   progress: ProgressFn | None = None, workers: int | None = None) -> SimulationOutcome:
    """Fit the GT model, simulate ``trials`` trials with ``seed``, and compute statistics and the moment check.

    ``progress(fraction, message)`` is called between stages and during the simulation (fractions 0 … 1).
    The totals and statistics equal those of :func:`critmin.assessment.simulate.simulate` for the same pmf,
    model, trials and seed (bit for bit; ``workers`` does not change them).
    """
    report = progress or (lambda _f, _m: None)
    t0 = time.perf_counter()
    report(0.02, "fitting the grade–tonnage model and simulating")

    def sim_progress(done: int, total: int) -> None:
        report(0.05 + 0.8 * done / total, f"simulating: {done:,} of {total:,} trials")

    run = run_assessment(pmf, data, trials=trials, seed=seed, tonnage_pdf=tonnage_pdf, grade_pdf=grade_pdf,
                         truncate=truncate, joint=joint, progress=sim_progress,
                         chunk_trials=max(5000, trials // 50), workers=workers)
    res, model = run.result, run.model
    report(0.97, "statistics and moment check done")
    n = res.totals["n_deposits"].to_numpy()
    result = {
        "trials": trials, "seed": seed, "quantities": list(res.quantities),
        "n_deposits_simulated": int(n.sum()), "mean_n_deposits": float(n.mean()),
        "statistics": run.statistics, "moment_check": run.moment_check,
        "pmf": {**pmf.summary(), "method": pmf.method},
        "gt_model": data.summary(), "gt_fit": model.to_dict(), "options": dict(run.options),
        "warnings": list(dict.fromkeys([*data.warnings, *model.warnings])),
        "elapsed_s": round(time.perf_counter() - t0, 3),
    }
    return SimulationOutcome(json_safe(result), json_safe(res.provenance.to_dict()), res.totals, model)


def ccdf(values: np.ndarray, max_points: int = CCDF_MAX_POINTS) -> dict[str, Any]:
    """Complementary cdf of per-trial totals: ``x`` ascending and ``p_exceed`` = P(T ≥ x), ≤ ``max_points``.

    Every distinct value is a step; beyond ``max_points`` steps the points are thinned evenly in rank (so evenly
    in probability), always keeping the smallest and largest value.
    """
    x = np.sort(np.nan_to_num(np.asarray(values, dtype=float)))
    n = x.size
    if n == 0:
        return {"x": [], "p_exceed": [], "p_zero": None}
    u, first = np.unique(x, return_index=True)
    p = (n - first) / n
    if u.size > max_points:
        idx = np.unique(np.round(np.linspace(0, u.size - 1, max_points)).astype(np.int64))
        u, p = u[idx], p[idx]
    return {"x": u.tolist(), "p_exceed": p.tolist(), "p_zero": float(np.count_nonzero(x == 0) / n)}


# ------------------------------------------------------------------------------------------ persistence


def create_run(session: Session, *, name: str, organisation: str, gt: GTInput, pmf: PmfInput,
               tract: Tract | None = None, visibility: str = "public", tonnage_pdf: PdfType = "normal",
               grade_pdf: PdfType = "normal", truncate: bool = False, joint: bool = False, trials: int = 20000,
               seed: int) -> AssessmentRun:
    """Store a new ``queued`` run with its validated inputs (in the caller's transaction)."""
    if visibility not in ("private", "partners", "public"):
        raise InputError(f"visibility {visibility!r}: expected private, partners or public", column="visibility")
    if not name.strip():
        raise InputError("the run needs a name", column="name")
    if trials < 1:
        raise InputError(f"trials = {trials}; expected a positive number of trials", column="trials")
    org = get_or_create_organisation(session, organisation)
    params = {"tonnage_pdf": tonnage_pdf, "grade_pdf": grade_pdf, "truncate": truncate, "joint": joint,
              "trials": trials, "seed": seed}
    run = AssessmentRun(
        name=name.strip()[:256], organisation_id=org.id, visibility=visibility,
        geom=tract.geom if tract else None, tract_wkt=tract.wkt if tract else None,
        tract_area_km2=tract.area_km2 if tract else None,
        inputs={"gt": gt.to_dict(), "pmf": pmf.to_dict()}, parameters=params, seed=seed, trials=trials,
        status="queued", progress=0.0, message="queued", created_at=utcnow())
    session.add(run)
    session.flush()
    return run


def get_run(session: Session, run_id: int, *, viewer: str | None = ADMIN) -> AssessmentRun:
    """The run ``run_id`` if it exists and is visible to ``viewer`` (:class:`NotFoundError` otherwise)."""
    return get_visible(session, AssessmentRun, run_id, viewer=viewer, what="assessment run",
                       hint="list runs with GET /api/assessment/runs")


def list_runs(session: Session, *, viewer: str | None = ADMIN, limit: int = 100,
              offset: int = 0) -> tuple[int, list[AssessmentRun]]:
    """Visible runs, newest first, and their total number (large JSON columns are not loaded)."""
    return list_visible(session, AssessmentRun, viewer=viewer, limit=limit, offset=offset,
                        deferred=(AssessmentRun.inputs, AssessmentRun.result, AssessmentRun.provenance))


def run_summary(run: AssessmentRun) -> dict[str, Any]:
    """Status view of a run (no inputs or results)."""
    import shapely

    return json_safe({
        **status_fields(run), "trials": run.trials, "seed": run.seed,
        "tract": json.loads(shapely.to_geojson(run.geom)) if run.geom is not None else None,
        "tract_area_km2": run.tract_area_km2,
    })


def run_detail(run: AssessmentRun) -> dict[str, Any]:
    """Full view: summary, inputs (without the GT points and pmf table), parameters, result and provenance."""
    inputs = run.inputs or {}
    gt = {k: v for k, v in (inputs.get("gt") or {}).items() if k not in ("deposits",)}
    pmf = {k: v for k, v in (inputs.get("pmf") or {}).items() if k not in ("pmf",)}
    return {**run_summary(run), "inputs": {"gt": gt, "pmf": pmf}, "parameters": run.parameters,
            "result": run.result if run.status == "done" else None,
            "provenance": run.provenance if run.status == "done" else None}


def set_progress(db: Database, run_id: int, progress: float, message: str) -> None:
    """Write a running run's progress (0 … 1) and stage message (its own short transaction)."""
    record_progress(db, AssessmentRun, run_id, progress, message)


def fail_run(db: Database, run_id: int, message: str) -> None:
    """Mark a run ``failed`` with ``message``; any result, provenance and artefact directory are cleared."""
    mark_failed(db, AssessmentRun, run_id, message)


def artefact_dir(root: Path, run_id: int) -> Path:
    """Where run ``run_id`` keeps its artefacts."""
    return Path(root) / str(run_id)


def _write_artefacts(tmp: Path, outcome: SimulationOutcome, pmf: DepositPmf, data: GTData) -> list[str]:
    tmp.mkdir(parents=True, exist_ok=True)
    outcome.totals.to_parquet(tmp / "totals.parquet", index=False)
    pmf.to_frame().to_csv(tmp / "pmf.csv", index=False)
    data.to_frame().to_csv(tmp / "gt.csv", index=False)
    curves = {q: ccdf(outcome.totals[q].to_numpy()) for q in outcome.result["quantities"]}
    doc = {"trials": len(outcome.totals), "quantities": curves}
    (tmp / "ccdf.json").write_text(json.dumps(json_safe(doc), allow_nan=False), encoding="utf-8")
    return ["totals.parquet", "pmf.csv", "gt.csv", "ccdf.json"]


def execute_run(db: Database, run_id: int, *, pmf: DepositPmf, data: GTData, artefact_root: Path,
                cancel: threading.Event | None = None, workers: int | None = None,
                simulation: Callable[..., SimulationOutcome] | None = None) -> None:
    """Execute a queued run end to end (see the module docstring); never raises for a failed run.

    ``simulation`` replaces :func:`run_simulation` (tests).
    """
    final = artefact_dir(artefact_root, run_id)
    tmp = final.with_name(f"{run_id}.partial-{os.getpid()}-{threading.get_ident()}")
    try:
        with db.transaction() as s:
            run = s.get(AssessmentRun, run_id)
            if run is None:
                raise NotFoundError(f"assessment run {run_id} vanished before it started")
            if run.status != "queued":
                return
            run.status, run.started_at, run.progress, run.message = "running", utcnow(), 0.0, "starting"
            params = dict(run.parameters)
        last_frac, last_stage = [-1.0], [""]

        def progress(frac: float, message: str) -> None:
            if cancel is not None and cancel.is_set():
                raise RunCancelled("cancelled: the service stopped before the run finished; submit it again")
            stage = message.split(":", 1)[0]
            if frac - last_frac[0] >= 0.01 or stage != last_stage[0]:
                last_frac[0], last_stage[0] = frac, stage
                set_progress(db, run_id, frac, message)

        outcome = (simulation or run_simulation)(
            pmf, data, tonnage_pdf=params["tonnage_pdf"], grade_pdf=params["grade_pdf"],
            truncate=params["truncate"], joint=params["joint"], trials=params["trials"], seed=params["seed"],
            progress=progress, workers=workers)
        progress(0.98, "writing artefacts")
        shutil.rmtree(tmp, ignore_errors=True)
        files = _write_artefacts(tmp, outcome, pmf, data)
        shutil.rmtree(final, ignore_errors=True)
        tmp.rename(final)
        result = {**outcome.result, "artefacts": files}
        check = result["moment_check"]
        msg = (f"done: {params['trials']:,} trials in {result['elapsed_s']:.1f} s; moment check "
               f"{'passed' if check['passed'] else 'FAILED'} (max |z| = {check['max_abs_z']:.2f})")
        try:
            with db.transaction() as s:
                s.execute(update(AssessmentRun).where(AssessmentRun.id == run_id).values(
                    status="done", progress=1.0, message=msg, result=result, provenance=outcome.provenance,
                    artefact_dir=str(final), finished_at=utcnow()))
        except Exception:
            shutil.rmtree(final, ignore_errors=True)
            raise
    except Exception as exc:  # the job must end failed, whatever happened
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(final, ignore_errors=True)
        msg = str(exc) if isinstance(exc, CritminError) else f"internal error: {type(exc).__name__}: {exc}"
        try:
            fail_run(db, run_id, msg)
        except Exception:  # the store itself is gone; nothing more to record
            return


def fail_unfinished_runs(session: Session, message: str) -> int:
    """Mark every ``queued``/``running`` run ``failed`` with ``message`` (e.g. after a crash); returns the count."""
    res = session.execute(update(AssessmentRun).where(AssessmentRun.status.in_(("queued", "running"))).values(
        status="failed", message=message, finished_at=utcnow()))
    return int(getattr(res, "rowcount", 0) or 0)


def read_totals(run: AssessmentRun) -> pd.DataFrame:
    """The per-trial totals of a ``done`` run."""
    return pd.read_parquet(_artefact(run, "totals.parquet"))


def read_ccdf(run: AssessmentRun) -> dict[str, Any]:
    """The stored CCDF curves of a ``done`` run."""
    doc: dict[str, Any] = json.loads(_artefact(run, "ccdf.json").read_text(encoding="utf-8"))
    return doc


def _artefact(run: AssessmentRun, name: str) -> Path:
    if run.status != "done" or not run.artefact_dir:
        raise InputError(f"assessment run {run.id} is {run.status}; its results exist only when it is done")
    path = Path(run.artefact_dir) / name
    if not path.exists():
        raise NotFoundError(f"artefact {name} of assessment run {run.id} is missing from {run.artefact_dir}")
    return path


def gt_points(run: AssessmentRun) -> dict[str, Any]:
    """The GT points the run used (from its stored inputs)."""
    gt = (run.inputs or {}).get("gt") or {}
    return {"tonnage_name": gt.get("tonnage_name", "ore"), "elements": gt.get("elements", []),
            "deposits": gt.get("deposits", []), "summary": gt.get("summary"), "dropped": gt.get("dropped", [])}


def pmf_of(run: AssessmentRun) -> dict[str, Any]:
    """The run's pmf table (summary, n, probability, exceedance)."""
    table: dict[str, Any] = ((run.inputs or {}).get("pmf") or {}).get("pmf") or {}
    return table


__all__ += ["artefact_dir", "fail_unfinished_runs", "gt_deposits", "gt_points", "pmf_of", "read_ccdf",
            "read_totals"]
