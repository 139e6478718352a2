"""``critmin run``, ``critmin provenance``, ``critmin rerun`` and ``critmin workflow …``: the rock-to-supply
workflow from a TOML/YAML file, its run records and reports."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import typer

from critmin.cli.common import console, err_console, handle_errors, print_json
from critmin.errors import InputError, NotFoundError, StoreError
from critmin.store.db import Database, open_database

app = typer.Typer(help="Workflows: bundled examples, reports and stored runs (see also `critmin run`).",
                  no_args_is_help=True)

EXAMPLES = Path(__file__).resolve().parent.parent / "workflows" / "examples"


def _artefact_root() -> Path:
    from critmin.config import get_settings

    return get_settings().data_dir / "artefacts" / "workflows"


def _db() -> Database:
    from sqlalchemy import inspect

    db = open_database()
    if not inspect(db.engine).has_table("workflow_run"):
        raise StoreError(f"the database {db.safe_url} has no workflow tables; run `critmin db upgrade` (and "
                         "`critmin demo load` for the demo deposits)")
    return db


def _fmt(x: Any, unit: str = "", scale: float = 1.0, digits: int = 0) -> str:
    if x is None:
        return "—"
    return f"{float(x) / scale:,.{digits}f}{(' ' + unit) if unit else ''}"


def _print_summary(run_id: int, steps: dict[str, Any], sha: str) -> None:
    t, r, e, p, s = (steps[k] for k in ("tract", "resource", "economic_filter", "project", "supply"))
    g = r["grade"]
    console.print(f"[bold]workflow run {run_id}[/]  result SHA-256 {sha}")
    console.print(f"1 tract: {t['name']}: {t['area_km2']:,.0f} km², {t['known_deposits']} known deposit(s) inside")
    c = r["contained_t"]
    console.print(f"2 resource: pmf mean {r['pmf']['mean']:.2f} deposits; contained {g} P90/P50/P10 "
                  f"{_fmt(c['p90'], 't')} / {_fmt(c['p50'], 't')} / {_fmt(c['p10'], 't')}")
    rec = e["recovered_t"]
    console.print(f"3 economic filter: {e['fraction_economic']:.0%} of simulated deposits economic; "
                  f"P(≥ 1 economic) {e['p_any_economic']:.2f}; recoverable {g} P50 {_fmt(rec['p50'], 't')}")
    ev = p["evaluation"]
    mc = p["montecarlo"]["summary"]
    irr = "—" if ev.get("irr") is None else f"{100 * ev['irr']:.1f} %"
    console.print(f"4 project ({p['kind']}): {_fmt(p['annual_output'], 't/yr')} for {p['life_years']} yr; NPV "
                  f"{_fmt(ev['npv'], 'M', 1e6, 1)} {ev['currency']}, IRR {irr}; P(NPV < 0) {mc['prob_negative']:.2f}")
    year_i = min(10, len(s["years"]) - 1)
    for stage, d in s["stages"].items():
        gp = d.get("geopolrisk")
        risk = "" if not gp else (f"; {s['partner']} GeoPolRisk {gp['before']['geopolrisk']:.3f} → "
                                  f"{gp['after']['geopolrisk']['q50'][year_i]:.3f}")
        console.print(f"5 supply, {stage} ({s['years'][year_i]}): HHI {d['before']['hhi']:,.0f} → "
                      f"{d['after']['hhi']['q50'][year_i]:,.0f} (q10–q90 {d['after']['hhi']['q10'][year_i]:,.0f}–"
                      f"{d['after']['hhi']['q90'][year_i]:,.0f}); governance-weighted {d['before']['hhi_wgi']:,.0f} "
                      f"→ {d['after']['hhi_wgi']['q50'][year_i]:,.0f}{risk}")


def _execute(db: Database, run_id: int, *, use_cache: bool, quiet: bool) -> dict[str, Any]:
    from critmin.store.workflow_runs import execute_run, get_run, run_detail

    def show(step: str, frac: float, message: str) -> None:
        if not quiet and (frac == 0.0 or frac >= 1.0):
            err_console.print(f"[dim]{message}[/]", highlight=False)

    execute_run(db, run_id, artefact_root=_artefact_root(), use_cache=use_cache, on_progress=show)
    with db.session() as s:
        detail = run_detail(get_run(s, run_id))
    if detail["status"] != "done":
        raise InputError(f"workflow run {run_id} failed: {detail['message']}")
    return detail


def _write_outputs(db: Database, detail: dict[str, Any], out: Path | None, report: Path | None,
                   html: Path | None) -> None:
    from critmin.store.workflow_runs import WorkflowRun

    with db.session() as s:
        row = s.get(WorkflowRun, detail["id"])
        run_dir = Path(row.artefact_dir) if row is not None and row.artefact_dir else None
    if run_dir is None:
        return
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        for name in ("result.json", "record.json"):
            shutil.copyfile(run_dir / name, out / name)
    if report is not None or html is not None:
        from critmin.reports.workflow import write_workflow_report
        from critmin.workflows.archive import load_run

        pdf = report if report is not None else run_dir / "report.pdf"
        write_workflow_report(load_run(run_dir), pdf, html_path=html)


def run(
    workflow: Path = typer.Argument(..., exists=True, dir_okay=False, help="Workflow file (.toml, .yaml, .json)."),
    json_out: bool = typer.Option(False, "--json", help="Print the result (every step) as one JSON document."),
    out: Path | None = typer.Option(None, "--out", help="Also copy result.json and record.json into this folder."),
    report: Path | None = typer.Option(None, "--report", help="Write the PDF report here."),
    html: Path | None = typer.Option(None, "--html", help="Write the HTML report here."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Recompute every step (ignore the step cache)."),
    organisation: str | None = typer.Option(None, "--organisation", help="Owner of the run (default: settings)."),
    visibility: str = typer.Option("public", "--visibility", help="private | partners | public"),
) -> None:
    """Run a rock-to-supply workflow: tract → resource → economic filter → project → supply impact.

    Progress is shown per step; finished steps are cached by their inputs' hash, so a stopped run resumes where it
    stopped. The run (record, results, input copies) is stored; `critmin provenance ID` shows its chain and
    `critmin rerun ID` reproduces it.
    """
    handle_errors(_run)(workflow, json_out, out, report, html, no_cache, organisation, visibility)


def _run(workflow: Path, json_out: bool, out: Path | None, report: Path | None, html: Path | None, no_cache: bool,
         organisation: str | None, visibility: str) -> None:
    from critmin.config import get_settings
    from critmin.store.workflow_runs import create_run
    from critmin.workflows import load_workflow

    spec = load_workflow(workflow)
    db = _db()
    with db.transaction() as s:
        row = create_run(s, document=spec.doc, base_dir=spec.base_dir, source=str(workflow),
                         organisation=organisation or get_settings().organisation, visibility=visibility,
                         origin="cli")
        run_id = row.id
    detail = _execute(db, run_id, use_cache=not no_cache, quiet=json_out)
    _write_outputs(db, detail, out, report, html)
    if json_out:
        print_json({"run_id": run_id, "name": detail["name"], "result_sha256": detail["result_sha256"],
                    "steps": detail["result"], "provenance": detail["provenance"]})
        return
    _print_summary(run_id, detail["result"], detail["result_sha256"])
    if report is not None:
        console.print(f"report: {report}")


def _parse_ref(ref: str) -> tuple[str, int | None, Path | None]:
    p = Path(ref)
    if p.is_file():
        return "file", None, p
    kind, _, num = ref.rpartition(":")
    kind = kind or "workflow"
    if kind not in ("workflow", "assessment", "prospectivity") or not num.isdigit():
        raise InputError(f"{ref!r} is neither a result file nor a run id; expected 12, workflow:12, assessment:3, "
                         "prospectivity:5 or a JSON result file that carries its run id", column="RUN_ID")
    return kind, int(num), None


def _chain(db: Database, run_id: int) -> dict[str, Any]:
    from critmin.store.workflow_runs import get_run

    with db.session() as s:
        row = get_run(s, run_id)
        doc: dict[str, Any] = {"run_id": row.id, "status": row.status, "origin": row.origin,
                               "rerun_of": row.rerun_of, "result_sha256": row.result_sha256,
                               "record": row.provenance}
        if row.rerun_of is not None:
            orig = s.get(type(row), row.rerun_of)
            doc["identical_to_original"] = orig is not None and orig.result_sha256 == row.result_sha256
    return doc


def provenance(
    ref: str = typer.Argument(..., metavar="RUN_ID", help="Workflow run id (12 or workflow:12), assessment:ID, "
                                                          "prospectivity:ID, or a result file (JSON)."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Show how a result was made: inputs with SHA-256, parameters, seed, version, times and the steps' chain."""
    handle_errors(_provenance)(ref, json_out)


def _provenance(ref: str, json_out: bool) -> None:
    kind, num, path = _parse_ref(ref)
    if path is not None:
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, UnicodeDecodeError) as exc:
            raise InputError(f"not a JSON result file ({exc})", file=path) from None
        if isinstance(doc, dict) and isinstance(doc.get("run_id"), int):
            kind, num = "workflow", int(doc["run_id"])
        elif isinstance(doc, dict) and isinstance(doc.get("provenance"), dict):
            out = {"file": str(path), "provenance": doc["provenance"]}
            print_json(out) if json_out else console.print(out)
            return
        else:
            raise InputError("the file carries neither a run_id nor a provenance record", file=path)
    assert num is not None
    db = open_database()
    if kind == "workflow":
        _db()
        doc = _chain(db, num)
    else:
        from critmin.store.tables import AssessmentRun

        model: Any = AssessmentRun
        if kind == "prospectivity":
            from critmin.store.prospectivity_runs import ProspectivityRun

            model = ProspectivityRun
        with db.session() as s:
            row = s.get(model, num)
            if row is None:
                raise NotFoundError(f"{kind} run {num} does not exist")
            doc = {"run_id": f"{kind}:{num}", "status": row.status, "record": row.provenance}
    if json_out:
        print_json(doc)
        return
    rec = doc.get("record") or {}
    console.print(f"[bold]{doc['run_id']}[/] ({doc.get('status')}) {rec.get('operation', '')} critmin "
                  f"{rec.get('version', '')} seed {rec.get('seed')}")
    for key in ("started_at", "ended_at", "workflow_sha256", "result_sha256"):
        if rec.get(key):
            console.print(f"  {key}: {rec[key]}")
    for key, info in (rec.get("inputs") or {}).items():
        if isinstance(info, dict):
            console.print(f"  input {key}: {info.get('path')} sha256 {info.get('sha256')}")
    for st in rec.get("steps") or []:
        p = st.get("provenance") or {}
        console.print(f"  step {st['step']}: key {st['key'][:16]}… parents {[k[:12] for k in st['parents']]} "
                      f"{'(cached) ' if st.get('cached') else ''}{p.get('operation', '')} seed {st.get('seed')}")
    if doc.get("rerun_of") is not None:
        console.print(f"  rerun of {doc['rerun_of']}: identical result: {doc.get('identical_to_original')}")


def rerun(
    run_id: int = typer.Argument(..., help="Workflow run id."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Re-run a stored workflow run from its archived document and inputs (no cache) and check that every number is
    identical (exit 1 if not)."""
    handle_errors(_rerun)(run_id, json_out)


def _rerun(run_id: int, json_out: bool) -> None:
    from critmin.config import get_settings
    from critmin.store.workflow_runs import create_rerun, get_run

    db = _db()
    with db.transaction() as s:
        original = get_run(s, run_id)
        want = original.result_sha256
        new = create_rerun(s, original, organisation=original.organisation.code or get_settings().organisation)
        new_id = new.id
    detail = _execute(db, new_id, use_cache=False, quiet=json_out)
    same = detail["result_sha256"] == want
    doc = {"run_id": new_id, "rerun_of": run_id, "result_sha256": detail["result_sha256"],
           "original_result_sha256": want, "identical": same}
    if json_out:
        print_json(doc)
    else:
        console.print(f"run {new_id} re-ran {run_id}: result SHA-256 {detail['result_sha256']} — "
                      + ("identical" if same else f"DIFFERENT from {want}"))
    if not same:
        raise typer.Exit(1)


@app.command("examples")
@handle_errors
def examples(copy_to: Path | None = typer.Option(None, "--copy-to", help="Copy the example folders here."),
             json_out: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """List the bundled example workflows (and copy them for editing)."""
    names = sorted(p.name for p in EXAMPLES.iterdir() if (p / "workflow.toml").is_file())
    if copy_to is not None:
        for n in names:
            shutil.copytree(EXAMPLES / n, copy_to / n, dirs_exist_ok=True)
    if json_out:
        print_json({"examples": names, "path": str(EXAMPLES)})
    else:
        for n in names:
            console.print(f"{n}: {EXAMPLES / n / 'workflow.toml'}")


@app.command("report")
@handle_errors
def report_cmd(run_id: int = typer.Argument(..., help="Workflow run id."),
               out: Path = typer.Argument(..., help="PDF to write."),
               html: Path | None = typer.Option(None, "--html", help="Also write the HTML report here.")) -> None:
    """Write the PDF (and HTML) report of a stored run."""
    from critmin.store.workflow_runs import get_run, run_detail

    db = _db()
    with db.session() as s:
        detail = run_detail(get_run(s, run_id))
    if detail["status"] != "done":
        raise InputError(f"workflow run {run_id} is {detail['status']}; reports exist for finished runs")
    _write_outputs(db, detail, None, out, html)
    console.print(f"report: {out}")


@app.command("list")
@handle_errors
def list_cmd(json_out: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Stored workflow runs, newest first."""
    from critmin.store.workflow_runs import list_runs, run_summary

    db = _db()
    with db.session() as s:
        total, rows = list_runs(s)
        items = [run_summary(r) for r in rows]
    if json_out:
        print_json({"total": total, "items": items})
        return
    for it in items:
        console.print(f"{it['id']:>5}  {it['status']:<7} {it['origin']:<7} {it['created_at']}  {it['name']}")
