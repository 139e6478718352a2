"""``critmin geochem``: characterise assay files, list normalisers, assay QA/QC and anomaly thresholds.

Exit codes: 0 ok, 1 bad input (the message names the file, row and column), 2 bad usage.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.table import Column, Table

from critmin.cli.common import console, handle_errors, print_json
from critmin.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

    from critmin.geochem.assays import AssayTable

app = typer.Typer(help="Geochemistry: characterise REE assays, reference compositions, QA/QC, anomalies.",
                  no_args_is_help=True)

OXIDE_SETS = ["industry", "sesquioxide"]
BELOW = ["half", "sqrt2", "0.65", "dl", "zero", "nan"]
EU_DEFINITIONS = ["geometric", "arithmetic", "sm_tb"]
CE_DEFINITIONS = ["geometric", "lawrence", "arithmetic"]
ANOMALY_METHODS = {"mad": "mad", "tukey": "tukey", "ca": "ca_fractal", "ca_fractal": "ca_fractal", "mcd": "mcd"}
SUMMARY_COLUMNS = ("treo_ppm", "ndpr_pct", "eu_anomaly", "ce_anomaly", "la_yb_n", "lambda0", "lambda1",
                   "lambda2", "lambda3")
_SHORT = {"treo_ppm": "TREO ppm", "ndpr_pct": "NdPr %", "eu_anomaly": "Eu/Eu*", "ce_anomaly": "Ce/Ce*",
          "la_yb_n": "(La/Yb)N", "lambda0": "λ0", "lambda1": "λ1", "lambda2": "λ2", "lambda3": "λ3"}

_JSON = typer.Option(False, "--json", help="Print one JSON document on stdout.")
_UNITS = typer.Option(None, "--units", help="Unit of every analyte column whose name or units row gives none "
                      "(ppm, ppb, pct, g/t), or COLUMN=UNIT,… to set columns explicitly.")
_SHEET = typer.Option(None, "--sheet", help="Worksheet name or 0-based index of an .xlsx file (default: first).")
_ID_COLUMNS = typer.Option(None, "--id-column", help="A column kept as an id even if its name looks like an "
                           "analyte (repeatable).")


# ------------------------------------------------------------------------------------------ helpers


def _choice(value: str, allowed: list[str], hint: str) -> str:
    if value not in allowed:
        raise typer.BadParameter(f"{value!r} is not one of {', '.join(allowed)}", param_hint=hint)
    return value


def _units(text: str | None) -> str | dict[str, str] | None:
    """``--units``: one unit for all, or ``COL=UNIT,COL=UNIT``."""
    if text is None or not text.strip():
        return None
    if "=" not in text:
        return text.strip()
    out: dict[str, str] = {}
    for item in text.split(","):
        col, sep, unit = item.partition("=")
        if not sep or not col.strip() or not unit.strip():
            raise typer.BadParameter(f"{item!r}: expected COLUMN=UNIT, e.g. La=ppm,CeO2=pct", param_hint="--units")
        out[col.strip()] = unit.strip()
    return out


def _sheet(sheet: str | None) -> str | int | None:
    if sheet is None:
        return None
    return int(sheet) if sheet.strip().isdigit() else sheet


def _read(path: Path, units: str | None, sheet: str | None, id_columns: list[str] | None) -> AssayTable:
    from critmin.geochem.assays import read_assays

    try:
        return read_assays(path, units=_units(units), sheet=_sheet(sheet),
                           id_columns=list(id_columns or []) or None)
    except InputError as exc:
        if units is None and "unit" in exc.detail and "cannot be determined" in exc.detail:
            raise InputError(exc.detail + " (on the command line: --units pct, or --units COLUMN=UNIT,…)",
                             file=exc.file, row=exc.row, column=exc.column) from None
        raise


def _finite_or_none(v: Any) -> Any:
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def _column_summary(frame: pd.DataFrame, columns: tuple[str, ...] | list[str]) -> dict[str, dict[str, Any]]:
    """n, min, median, max of numeric columns (JSON-safe)."""
    import numpy as np
    import pandas as pd

    out: dict[str, dict[str, Any]] = {}
    for c in columns:
        if c not in frame.columns:
            continue
        v = pd.to_numeric(frame[c], errors="coerce").to_numpy(dtype=float)
        v = v[np.isfinite(v)]
        out[c] = {"n": int(v.size), "min": float(v.min()) if v.size else None,
                  "median": float(np.median(v)) if v.size else None, "max": float(v.max()) if v.size else None}
    return out


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-safe dicts (NaN → null, numpy scalars → Python)."""
    return json.loads(frame.to_json(orient="records", date_format="iso", double_precision=15))


def _prices(path: Path | None) -> Any:
    if path is None:
        return None
    import pandas as pd

    from critmin.geochem.ree import PriceTable

    try:
        frame = pd.read_csv(path)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the price table ({exc}); expected a CSV with columns oxide (or element), "
                         "usd_per_kg, date, basis[, source]", file=path) from exc
    try:
        return PriceTable.from_frame(frame)
    except InputError as exc:
        raise exc.located(file=path) from None
    except (TypeError, ValueError) as exc:
        raise InputError(f"bad price table ({exc}); usd_per_kg must be numbers", file=path,
                         column="usd_per_kg") from exc


def _fmt(v: Any, digits: int = 4) -> str:
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "–"
    if isinstance(v, float):
        return f"{v:.{digits}g}"
    return str(v)


# ------------------------------------------------------------------------------------------ characterise


@app.command("characterise")
@handle_errors
def characterise_cmd(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="Assay file (.csv, .tsv, .xlsx)."),
    normalise: str = typer.Option("chondrite-palme-oneill-2014", "--normalise", "--normalize",
                                  help="Normaliser for anomalies, slopes and tetrads (see `critmin geochem "
                                       "references`). Lambdas always use chondrite-oneill-2016 (O'Neill 2016)."),
    units: str | None = _UNITS,
    sheet: str | None = _SHEET,
    id_columns: list[str] | None = _ID_COLUMNS,
    oxide_set: str = typer.Option("industry", "--oxide-set", help="Oxide set for TREO: industry (CeO2, Pr6O11, "
                                  "Tb4O7, others R2O3) or sesquioxide (all R2O3)."),
    below: str = typer.Option("half", "--below", help="Value of '<DL' cells: half (DL/2), sqrt2, 0.65, dl, zero "
                              "or nan; metrics from such cells are flagged 'censored'."),
    eu_definition: str = typer.Option("geometric", "--eu-definition", help="eu_anomaly: geometric "
                                      "Eu_N/√(Sm_N·Gd_N), arithmetic, or sm_tb."),
    ce_definition: str = typer.Option("geometric", "--ce-definition", help="ce_anomaly: geometric "
                                      "Ce_N/√(La_N·Pr_N), lawrence (Pr, Nd) or arithmetic."),
    prices: Path | None = typer.Option(None, "--prices", exists=True, dir_okay=False,
                                       help="Oxide price CSV: oxide (or element), usd_per_kg, date, basis[, "
                                            "source] → basket price and in-situ value."),
    residuals: bool = typer.Option(False, "--residuals", help="Also write the per-element lambda-fit residuals."),
    out: Path | None = typer.Option(None, "--out", dir_okay=False,
                                    help="Write the metrics CSV (one row per sample, id columns first) and its "
                                         "conventions to <out>.meta.json."),
    json_out: bool = _JSON,
) -> None:
    """REE metrics (TREO, splits, NdPr, CREO, anomalies, slopes, tetrads) and O'Neill lambdas per sample."""
    from critmin.geochem.characterise import characterise
    from critmin.provenance import RunRecord, sha256_file

    _choice(oxide_set, OXIDE_SETS, "--oxide-set")
    _choice(below, BELOW, "--below")
    _choice(eu_definition, EU_DEFINITIONS, "--eu-definition")
    _choice(ce_definition, CE_DEFINITIONS, "--ce-definition")
    table = _read(file, units, sheet, id_columns)
    price_table = _prices(prices)
    result = characterise(table, normalise_to=normalise, prices=price_table, oxide_set=oxide_set,
                          below=below,  # type: ignore[arg-type]
                          lambda_residuals=residuals, eu_definition=eu_definition,  # type: ignore[arg-type]
                          ce_definition=ce_definition)  # type: ignore[arg-type]
    params = {"normalise": normalise, "units": _units(units), "sheet": sheet, "oxide_set": oxide_set,
              "below": below, "eu_definition": eu_definition, "ce_definition": ce_definition,
              "prices": str(prices) if prices else None, "residuals": residuals}
    run = RunRecord.create("geochem.characterise", inputs_sha256=sha256_file(file), parameters=params)
    metadata = {**result.attrs.get("critmin", {}), "run": run.to_dict()}
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        result.to_csv(out, index=False)
        meta_path = out.with_name(out.name + ".meta.json")
        meta_path.write_text(json.dumps(metadata, indent=2, default=str, ensure_ascii=False) + "\n",
                             encoding="utf-8")
    if json_out:
        doc: dict[str, Any] = {"source": str(file), "rows": len(result), "out": str(out) if out else None,
                               "columns": [str(c) for c in result.columns], "metadata": metadata,
                               "summary": _column_summary(result, SUMMARY_COLUMNS)}
        if out is None:
            doc["samples"] = _records(result)
        print_json(doc)
        return
    meta = result.attrs.get("critmin", {})
    console.print(f"{file}: {len(result)} samples; normaliser {meta.get('normaliser', normalise)}, oxide set "
                  f"{meta.get('oxide_set', oxide_set)}, lambdas on {meta.get('lambda_reference', '?')}, "
                  f"'<DL' as {below}", highlight=False)
    if out is not None:
        console.print(f"wrote {out} ({len(result.columns)} columns) and {out.name}.meta.json", highlight=False)
    ids = [str(c) for c in table.passthrough.columns][:1]
    shown = [c for c in SUMMARY_COLUMNS if c in result.columns]
    t = Table(*[Column(h, min_width=len(h)) for h in (*ids, *[_SHORT[c] for c in shown])], box=None,
              pad_edge=False)
    for _, row in result.head(20).iterrows():
        t.add_row(*[_fmt(row[c]) for c in ids], *[_fmt(row[c], 4) for c in shown])
    console.print(t)
    if len(result) > 20:
        console.print(f"… {len(result) - 20} more rows" + ("" if out else " (use --out to write them all)"))
    for w in table.warnings[:20]:
        console.print(f"[yellow]warning:[/] {w}", highlight=False)


# ------------------------------------------------------------------------------------------ references


@app.command("references")
@handle_errors
def references_cmd(json_out: bool = _JSON) -> None:
    """List the named reference compositions (normalisers) with their citations."""
    from critmin.geochem.references import DEFAULT_REFERENCE, list_references

    refs = list_references()
    if json_out:
        print_json({"default": DEFAULT_REFERENCE, "references": [r.to_dict() for r in refs]})
        return
    width = max(len(r.name) for r in refs)
    for r in refs:
        default = " (default)" if r.name == DEFAULT_REFERENCE else ""
        doi = f" doi:{r.doi}" if r.doi else ""
        console.print(f"{r.name.ljust(width)}  {r.kind}{default}; published in {r.units}", highlight=False,
                      markup=False)
        console.print(f"{' ' * width}  {r.citation}{doi}", highlight=False, markup=False)


# ------------------------------------------------------------------------------------------ qaqc


def _read_crm_table(path: Path | None) -> pd.DataFrame | None:
    if path is None:
        return None
    import numpy as np
    import pandas as pd

    try:
        t = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the certified-values table ({exc})", file=path) from exc
    need = {"crm", "element", "value", "unit"}
    if not need <= set(t.columns):
        raise InputError(f"certified-values table columns {list(t.columns)}; expected crm, element, value, unit"
                         "[, uncertainty, uncertainty_type (1sd|2sd|ci95|none), source] (the layout of "
                         "critmin's bundled crm_certified_values table)", file=path)
    for i, v in enumerate(t["value"], start=1):
        try:
            float(v)
        except ValueError:
            raise InputError(f"value {v!r} is not a number", file=path, row=i, column="value") from None
    t["value"] = pd.to_numeric(t["value"])
    if "uncertainty" not in t.columns:
        t["uncertainty"] = np.nan
    else:
        t["uncertainty"] = pd.to_numeric(t["uncertainty"].replace("", np.nan), errors="coerce")
    if "uncertainty_type" not in t.columns:
        t["uncertainty_type"] = np.where(t["uncertainty"].notna(), "1sd", "none")
    for col in ("value_type", "verification", "source"):
        if col not in t.columns:
            t[col] = str(path) if col == "source" else ""
    return t


def _write_qaqc_plots(report: Any, table: AssayTable, plot_dir: Path) -> list[str]:
    """Control charts (CRM × element with a chart SD) and Thompson–Howarth plots (elements with ≥ 22 pairs)."""
    import numpy as np

    from critmin.plot.geochem import plot_control_chart, plot_duplicates

    plot_dir.mkdir(parents=True, exist_ok=True)
    written: list[str] = []
    pts = report.crm_points
    if not pts.empty and {"material", "element", "value", "center", "sd"} <= set(pts.columns):
        units = dict(zip(zip(report.crm["material"], report.crm["element"], strict=True), report.crm["unit"],
                         strict=True)) if {"material", "element", "unit"} <= set(report.crm.columns) else {}
        tolerance = dict(zip(zip(report.crm["material"], report.crm["element"], strict=True),
                             report.crm["tolerance_pct"], strict=True)) if "tolerance_pct" in report.crm else {}
        for (mat, el), sel in pts.groupby(["material", "element"], sort=False):
            center, sd = float(sel["center"].iloc[0]), float(sel["sd"].iloc[0])
            if not (np.isfinite(center) and np.isfinite(sd) and sd > 0) or sel["value"].notna().sum() == 0:
                continue
            x = sel["row"].to_numpy() if "row" in sel.columns else None
            tol = tolerance.get((mat, el))
            fig = plot_control_chart(sel["value"].to_numpy(dtype=float), certified=center, sd=sd, x=x,
                                     crm=str(mat), analyte=str(el), unit=str(units.get((mat, el), "ppm")),
                                     tolerance_pct=float(tol) if tol is not None and np.isfinite(tol) else None,
                                     center_label="certified" if np.isfinite(sel["certified"].iloc[0])
                                     else "laboratory mean")
            fig.axes[0].set_xlabel("Row of the assay file")
            name = plot_dir / f"control_{_safe(mat)}_{_safe(el)}.png"
            fig.savefig(name, dpi=110)
            written.append(str(name))
    pairs = report.duplicate_pairs
    units_by_el = {table.analytes.get(c, c): u for c, u in table.units.items()}
    if not pairs.empty and {"element", "a", "b"} <= set(pairs.columns):
        used = pairs[pairs["used"].astype(bool)] if "used" in pairs.columns else pairs
        if "kind" not in used.columns:
            used = used.assign(kind="duplicate")
        for (kind, el), grp in used.groupby(["kind", "element"], sort=False):
            if len(grp) < 22:
                continue
            fig = plot_duplicates(grp["a"].to_numpy(dtype=float), grp["b"].to_numpy(dtype=float),
                                  analyte=str(el), unit=units_by_el.get(str(el), "ppm"),
                                  title=f"{el}: {len(grp)} {str(kind).replace('_', ' ')} pairs")
            name = plot_dir / f"duplicates_{_safe(kind)}_{_safe(el)}.png"
            fig.savefig(name, dpi=110)
            written.append(str(name))
    return written


def _safe(text: Any) -> str:
    return "".join(ch if ch.isalnum() or ch in "-." else "_" for ch in str(text)).strip("_") or "x"


@app.command("qaqc")
@handle_errors
def qaqc_cmd(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="Assay file with CRMs, duplicates, blanks."),
    batch_column: str | None = typer.Option(None, "--batch-column", help="Column whose value is the batch (lab "
                                            "job / batch id; dates group by day)."),
    run_length: int | None = typer.Option(None, "--run-length", min=1, help="A batch is a run of N consecutive "
                                          "rows."),
    id_column: str | None = typer.Option(None, "--id-column", help="Sample-id column (default: SampleNo, "
                                         "sample_id … or the first text column)."),
    crm_table: Path | None = typer.Option(None, "--crm-table", exists=True, dir_okay=False,
                                          help="Certified values CSV: crm, element, value, unit[, uncertainty, "
                                               "uncertainty_type, source] (default: the bundled table)."),
    columns: str | None = typer.Option(None, "--columns", help="Comma list of analyte columns to check (default: "
                                       "all)."),
    units: str | None = _UNITS,
    sheet: str | None = _SHEET,
    hard_limit: float = typer.Option(10.0, "--hard-limit", min=0, help="HARD % limit for duplicate pairs."),
    blank_k: float = typer.Option(5.0, "--blank-k", min=0, help="A blank fails above k × detection limit."),
    tolerance: float = typer.Option(10.0, "--tolerance-pct", min=0.01, max=100.0,
                                    help="Accuracy tolerance (% of the certified value) for CRM values without a "
                                         "certificate SD: a mean bias beyond it fails, a single result beyond it "
                                         "warns."),
    out: Path | None = typer.Option(None, "--out", file_okay=False,
                                    help="Directory for the tables (batches.csv, crm.csv, crm_points.csv, "
                                         "duplicates.csv, duplicate_pairs.csv, blanks.csv, classes.csv) and "
                                         "report.json."),
    plots: bool = typer.Option(False, "--plots", help="Also write control charts and Thompson–Howarth plots "
                               "(PNG) into --out/plots."),
    full: bool = typer.Option(False, "--full", help="With --json: include the per-row tables (classes, control "
                              "chart points, duplicate pairs)."),
    json_out: bool = _JSON,
) -> None:
    """QA/QC per batch: CRM control charts and bias, duplicate precision (HARD, CV, Thompson–Howarth), blanks."""
    from critmin.geochem.qaqc import qaqc_report

    if batch_column is not None and run_length is not None:
        raise typer.BadParameter("give --batch-column or --run-length, not both", param_hint="--batch-column")
    if plots and out is None:
        raise typer.BadParameter("--plots writes into the --out directory; give --out DIR", param_hint="--plots")
    table = _read(file, units, sheet, None)
    certified = _read_crm_table(crm_table)
    if batch_column is not None and batch_column not in table.passthrough.columns:
        raise InputError(f"batch column {batch_column!r} not found; non-analyte columns are "
                         f"{[str(c) for c in table.passthrough.columns]}", file=file, column=batch_column)
    cols = [c.strip() for c in columns.split(",") if c.strip()] if columns else None
    if cols:
        unknown = [c for c in cols if c not in table.data.columns]
        if unknown:
            raise InputError(f"{unknown} are not analyte columns; analyte columns are "
                             f"{[str(c) for c in table.data.columns]}", file=file, column=unknown[0])
    report = qaqc_report(table, batch_column=batch_column, run_length=run_length, id_column=id_column,
                         certified=certified, columns=cols, hard_limit_pct=hard_limit, blank_k=blank_k,
                         tolerance_pct=tolerance)
    written: list[str] = []
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        for name, frame in report.to_frames().items():
            frame.to_csv(out / f"{name}.csv", index=False)
            written.append(str(out / f"{name}.csv"))
        doc = report.to_dict()
        doc["source"] = str(file)
        (out / "report.json").write_text(json.dumps(doc, indent=2, default=str, ensure_ascii=False) + "\n",
                                         encoding="utf-8")
        written.append(str(out / "report.json"))
        if plots:
            written += _write_qaqc_plots(report, table, out / "plots")
    if json_out:
        d = report.to_dict()
        if not full:
            for k in ("classes", "crm_points", "duplicate_pairs"):
                d.pop(k, None)
        print_json({"source": str(file), "rows": len(table.data), **d, "written": written})
        return
    b = report.batches
    console.print(f"{file}: {len(table.data)} rows, {len(b)} batches; "
                  f"{int((b['status'] == 'fail').sum()) if not b.empty else 0} failed, "
                  f"{int((b['status'] == 'warning').sum()) if not b.empty else 0} with warnings", highlight=False)
    t = Table("batch", "rows", "CRMs", "CRM fail", "CRM warn", "dup pairs", "% ≤ HARD limit", "blanks > k·DL",
              "status")
    for _, r in b.head(50).iterrows():
        t.add_row(str(r["batch"]), str(r["n_rows"]), str(r["n_crm"]), str(r["crm_fail"]), str(r["crm_warning"]),
                  str(r["duplicate_checks"]), _fmt(_finite_or_none(r["duplicate_pct_within_hard_limit"]), 3),
                  str(r["blanks_exceeding"]), str(r["status"]))
    console.print(t)
    if len(b) > 50:
        console.print(f"… {len(b) - 50} more batches")
    missing = report.metadata.get("materials_without_certified_values") or []
    if missing:
        console.print(f"standards without certified values (charted on their own mean and SD): "
                      f"{', '.join(map(str, missing))}", highlight=False)
    if written:
        console.print(f"wrote {len(written)} files to {out}", highlight=False)


# ------------------------------------------------------------------------------------------ anomalies


@app.command("anomalies")
@handle_errors
def anomalies_cmd(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="Assay file."),
    method: str = typer.Option(..., "--method", help="mad (median + k·MAD), tukey (Q3 + fence·IQR), ca "
                               "(concentration–area fractal, number–size variant) or mcd (robust Mahalanobis "
                               "distance on ilr coordinates of --columns, √χ²(p, 0.975) cut-off)."),
    by: str | None = typer.Option(None, "--by", help="Column of sample classes (e.g. sample medium, lithology): "
                                  "thresholds per class."),
    columns: str | None = typer.Option(None, "--columns", help="Comma list of analyte columns (default: all; for "
                                       "mcd choose parts analysed in most samples)."),
    units: str | None = _UNITS,
    sheet: str | None = _SHEET,
    id_columns: list[str] | None = _ID_COLUMNS,
    linear: bool = typer.Option(False, "--linear", help="Univariate statistics on values, not log10 values."),
    k: float = typer.Option(2.0, "--k", min=0, help="mad: threshold = median + k·MAD."),
    fence: float = typer.Option(1.5, "--fence", min=0, help="tukey: threshold = Q3 + fence·IQR."),
    n_breaks: int = typer.Option(1, "--n-breaks", min=1, help="ca: number of breakpoints (threshold = last)."),
    below: str = typer.Option("half", "--below", help="Substitution of '<DL' cells: half, sqrt2, 0.65, dl, zero."),
    min_class_size: int = typer.Option(10, "--min-class-size", min=2, help="Classes with fewer values get no "
                                       "threshold."),
    out: Path | None = typer.Option(None, "--out", dir_okay=False,
                                    help="Write the per-sample flags (id columns, class, <column>_anomaly or "
                                         "mcd_distance/mcd_anomaly, any_anomaly) as CSV, and the thresholds to "
                                         "<out stem>_thresholds.csv."),
    plots: Path | None = typer.Option(None, "--plots", file_okay=False,
                                      help="Directory for a histogram and a probability plot per column (PNG; "
                                           "univariate methods)."),
    json_out: bool = _JSON,
) -> None:
    """Anomaly thresholds per column and sample class, and the samples above them."""
    import pandas as pd

    from critmin.geochem.anomalies import MAD_SCALE, anomaly_flags

    if method not in ANOMALY_METHODS:
        raise typer.BadParameter(f"{method!r} is not one of mad, tukey, ca, mcd", param_hint="--method")
    _choice(below, BELOW[:-1], "--below")
    if plots is not None and method == "mcd":
        raise typer.BadParameter("--plots draws univariate thresholds; not available with --method mcd",
                                 param_hint="--plots")
    name = ANOMALY_METHODS[method]
    table = _read(file, units, sheet, id_columns)
    if by is not None and by not in table.passthrough.columns and by not in table.data.columns:
        raise InputError(f"class column {by!r} not found; columns are "
                         f"{[str(c) for c in (*table.passthrough.columns, *table.data.columns)]}", file=file,
                         column=by)
    cols = [c.strip() for c in columns.split(",") if c.strip()] if columns else None
    if cols:
        unknown = [c for c in cols if c not in table.data.columns]
        if unknown:
            raise InputError(f"{unknown} are not analyte columns; analyte columns are "
                             f"{[str(c) for c in table.data.columns]}", file=file, column=unknown[0])
    if name == "mcd" and len(cols or table.data.columns) < 2:
        raise typer.BadParameter("mcd needs at least two columns", param_hint="--columns")
    thresholds, flags = anomaly_flags(table, method=name, by=by, columns=cols,  # type: ignore[arg-type]
                                      censored_method=below, log=not linear, k=k, fence=fence, n_breaks=n_breaks,
                                      min_class_size=min_class_size)
    flag_cols = [c for c in flags.columns if str(c).endswith("_anomaly")]
    any_flag = flags[flag_cols].eq(True).any(axis=1) if flag_cols else pd.Series(False, index=flags.index)
    samples = pd.concat([table.passthrough.reset_index(drop=True), flags.reset_index(drop=True)], axis=1)
    if by is not None and by in table.passthrough.columns:
        samples = samples.drop(columns=[by]).rename(columns={"class": by}) if "class" in samples.columns else samples
    samples["any_anomaly"] = any_flag.to_numpy()
    meta = {"method": name, "log10": not linear, "k": k, "fence": fence, "n_breaks": n_breaks,
            "censored_substitution": below, "mad_scale": MAD_SCALE, "min_class_size": min_class_size,
            "by": by, "columns": cols or [str(c) for c in table.data.columns],
            "units": {c: table.units.get(c, "") for c in (cols or table.data.columns)}}
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        samples.to_csv(out, index=False)
        thresholds.to_csv(out.with_name(f"{out.stem}_thresholds.csv"), index=False)
    written = _anomaly_plots(thresholds, table, plots, name) if plots is not None else []
    n_any = int(any_flag.sum())
    if json_out:
        print_json({"source": str(file), "rows": len(table.data), "metadata": meta,
                    "thresholds": _records(thresholds), "n_anomalous_samples": n_any,
                    "out": str(out) if out else None, "plots": written})
        return
    console.print(f"{file}: {len(table.data)} samples; method {name}" + (f" by {by}" if by else "")
                  + ("" if name == "mcd" else (" on log10 values" if not linear else " on values")), highlight=False)
    show = [c for c in ("class", "element", "n", "threshold", "unit", "n_anomalous", "pct_anomalous", "note")
            if c in thresholds.columns]
    t = Table(*[Column(c, min_width=min(len(c), 9)) for c in show], box=None, pad_edge=False)
    for _, r in thresholds.head(60).iterrows():
        t.add_row(*[_fmt(r[c], 4) for c in show])
    console.print(t)
    if len(thresholds) > 60:
        console.print(f"… {len(thresholds) - 60} more rows" + ("" if out else " (use --out)"))
    console.print(f"{n_any} of {len(table.data)} samples anomalous in at least one column", highlight=False)
    if out is not None:
        console.print(f"wrote {out} and {out.stem}_thresholds.csv", highlight=False)
    if written:
        console.print(f"wrote {len(written)} plots to {plots}", highlight=False)


def _anomaly_plots(thresholds: pd.DataFrame, table: AssayTable, plot_dir: Path, method: str) -> list[str]:
    """A histogram and a probability plot per column with its threshold(s) (one line per class)."""
    import numpy as np

    from critmin.plot.geochem import plot_anomaly_histogram, plot_probability

    plot_dir.mkdir(parents=True, exist_ok=True)
    written: list[str] = []
    for col, grp in thresholds.groupby("column", sort=False):
        if col not in table.data.columns:
            continue
        lines = {(method if str(c) == "all" else f"{method} {c}"): float(v)
                 for c, v in zip(grp["class"], grp["threshold"], strict=True) if np.isfinite(v)}
        values = table.data[col].to_numpy(dtype=float)
        unit = table.units.get(str(col), "")
        for kind, fn in (("hist", plot_anomaly_histogram), ("prob", plot_probability)):
            fig = fn(values, lines, variable=str(col), unit=unit)
            path = plot_dir / f"{kind}_{_safe(col)}.png"
            fig.savefig(path, dpi=110)
            written.append(str(path))
    return written
