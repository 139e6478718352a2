"""``critmin prospect``: Prospectivity: weights of evidence, fuzzy overlay, machine learning, validation.

Exit codes: 0 ok, 1 bad input, 2 bad usage.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from critmin.cli.common import console, err_console, handle_errors, print_json, rich_progress

app = typer.Typer(
    help="Prospectivity: weights of evidence, fuzzy overlay, machine learning, validation.",
    no_args_is_help=True,
)

WEIGHT_TYPES = ["unique", "categorical", "ascending", "descending"]
RULES = ["max-contrast", "max-studentized-contrast", "manual"]
COUNTS = ["points", "pixels"]
BACKGROUNDS = ["all", "non-deposit"]

_JSON = typer.Option(False, "--json", help="Print one JSON document on stdout.")
_DEPOSITS = typer.Option(..., "--deposits", exists=True, dir_okay=False,
                         help="Deposit points (shapefile, GeoPackage, GeoJSON, or CSV with x,y in the grid's CRS).")
_COUNT = typer.Option("points", "--count",
                      help="points: sample the raster at each deposit (ArcSDM/GA); pixels: rasterise, one per "
                           "pixel (EIS Toolkit).")
_MASK = typer.Option(None, "--mask", exists=True, dir_okay=False,
                     help="Study-area raster on the same grid (0 or nodata = outside).")
_CHUNK = typer.Option(2048, "--chunk", min=64, help="Dask chunk edge in pixels.")


def _choice(value: str | None, allowed: list[str], hint: str) -> str | None:
    if value is not None and value not in allowed:
        raise typer.BadParameter(f"{value!r} is not one of {', '.join(allowed)}", param_hint=hint)
    return value


@contextmanager
def _report_warnings() -> Iterator[list[str]]:
    """Collect Python warnings from the domain and print them on stderr (never silently)."""
    collected: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield collected
    for w in caught:
        if (w.filename and "critmin" in w.filename) or issubclass(w.category, UserWarning):
            collected.append(str(w.message))
    for msg in dict.fromkeys(collected):
        err_console.print(f"[yellow]warning:[/] {msg}", highlight=False, soft_wrap=True)


def _fmt(v: Any) -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:.4f}"
    return str(v)


@app.command("weights")
@handle_errors
def weights_cmd(
    evidence: Path = typer.Option(..., "--evidence", exists=True, dir_okay=False, help="Classified evidence raster."),
    deposits: Path = _DEPOSITS,
    weights_type: str = typer.Option("unique", "--type", help="unique, categorical, ascending or descending."),
    unit_cell_km2: float = typer.Option(1.0, "--unit-cell-km2", help="Unit-cell area in km² (EIS: one pixel)."),
    count: str = _COUNT,
    generalize: str | None = typer.Option(None, "--generalize",
                                          help="max-contrast, max-studentized-contrast or manual."),
    threshold: float | None = typer.Option(None, "--threshold",
                                           help="manual cumulative: the class ending the pattern; categorical: the "
                                                "studentised-contrast threshold (default 2); max-contrast: minimum "
                                                "studentised contrast."),
    nodata: float | None = typer.Option(None, "--nodata", help="Override the raster's nodata value (e.g. -9999)."),
    mask: Path | None = _MASK,
    as_json: bool = _JSON,
    out: Path | None = typer.Option(None, "--out", dir_okay=False, help="Write the table as CSV."),
) -> None:
    """Weights of evidence of one classified raster (W+, W−, contrast, studentised contrast, generalisation)."""
    from critmin.prospectivity.files import weights_from_files

    _choice(weights_type, WEIGHT_TYPES, "--type")
    _choice(count, COUNTS, "--count")
    _choice(generalize, RULES, "--generalize")
    with _report_warnings():
        table = weights_from_files(evidence, deposits, weights_type=weights_type,  # type: ignore[arg-type]
                                   unit_cell_km2=unit_cell_km2, count=count,  # type: ignore[arg-type]
                                   generalize_rule=generalize, threshold=threshold,  # type: ignore[arg-type]
                                   mask=mask, nodata=nodata)
    doc = table.to_dict()
    for w in table.warnings:
        err_console.print(f"[yellow]warning:[/] {w}", highlight=False, soft_wrap=True)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        table.frame.to_csv(out, index=False)
    if as_json:
        print_json(doc)
        return
    s = doc["summary"]
    t = Table(title=f"{s['layer']}: {weights_type} weights, {s['n_deposits']} deposits, "
                    f"{s['study_area_km2']:.2f} km², unit cell {unit_cell_km2:g} km²")
    cols = ["class", "area_km2", "deposits", "w_plus", "s_w_plus", "w_minus", "s_w_minus", "contrast",
            "studentized_contrast", "flag"]
    if table.generalization is not None or weights_type in ("unique", "categorical"):
        cols += ["generalized_class", "generalized_weight"]
    for c in cols:
        t.add_column(c, justify="right")
    for r in doc["rows"]:
        t.add_row(*[_fmt(r.get(c)) for c in cols])
    console.print(t)
    if out is not None:
        console.print(f"wrote {out}")


def _parse_layer(spec: str) -> tuple[Path, Path]:
    raster, sep, table = spec.rpartition(":")
    if not sep or not raster or not table:
        raise typer.BadParameter(f"{spec!r}: expected RASTER.tif:TABLE.csv", param_hint="--layer")
    for p in (raster, table):
        if not Path(p).exists():
            raise typer.BadParameter(f"{p} does not exist", param_hint="--layer")
    return Path(raster), Path(table)


@app.command("response")
@handle_errors
def response_cmd(
    layer: list[str] = typer.Option(..., "--layer", help="RASTER.tif:TABLE.csv (generalised weights; repeat)."),
    deposits: Path = _DEPOSITS,
    unit_cell_km2: float = typer.Option(1.0, "--unit-cell-km2", help="Unit-cell area in km²."),
    out: Path = typer.Option(..., "--out", file_okay=False, help="Output directory for the COGs."),
    count: str = _COUNT,
    mask: Path | None = _MASK,
    chunk: int = _CHUNK,
    as_json: bool = _JSON,
) -> None:
    """Posterior probability, its standard deviation and confidence (COGs) and the CI test."""
    from critmin.prospectivity.files import response_from_files

    _choice(count, COUNTS, "--count")
    pairs = [_parse_layer(s) for s in layer]
    with _report_warnings(), rich_progress("response", enabled=not as_json) as progress:
        res = response_from_files(pairs, deposits, unit_cell_km2=unit_cell_km2, out_dir=out,
                                  count=count, mask=mask, chunks=chunk, progress=progress)  # type: ignore[arg-type]
    doc = res.to_dict()
    (Path(out) / "response.json").write_text(json.dumps(doc, indent=2, default=str), encoding="utf-8")
    if as_json:
        print_json(doc)
        return
    ci = doc["ci_test"]
    console.print(f"prior {doc['prior_probability']:.6f} per {unit_cell_km2:g} km² unit cell, "
                  f"{doc['n_deposits']} deposits")
    console.print(f"CI test: n = {ci['n_observed']}, T = {ci['t_predicted']:.2f} ± {ci['s_t']:.2f}, "
                  f"n/T = {ci['ratio_n_over_t']:.3f}, p = {ci['p_value']:.4f} "
                  f"({'passes' if ci['passes_95'] else 'fails'} at 95 %)")
    for k, v in doc["outputs"].items():
        console.print(f"wrote {k}: {v}")


@app.command("auc")
@handle_errors
def auc_cmd(
    prediction: Path = typer.Option(..., "--prediction", exists=True, dir_okay=False, help="Prediction raster."),
    deposits: Path = _DEPOSITS,
    background: str = typer.Option("all", "--background",
                                   help="all: every study-area cell; non-deposit: deposit cells removed."),
    count: str = _COUNT,
    mask: Path | None = _MASK,
    as_json: bool = _JSON,
    curves: bool = typer.Option(False, "--curves", help="Include the ROC, success-rate and P-A curves in --json."),
) -> None:
    """ROC AUC of a prediction raster against deposits (exact, streaming), with efficiency and P-A point."""
    from critmin.prospectivity.files import auc_from_files

    _choice(background, BACKGROUNDS, "--background")
    _choice(count, COUNTS, "--count")
    with _report_warnings():
        v, rec = auc_from_files(prediction, deposits, background=background, count=count,  # type: ignore[arg-type]
                                mask=mask)
    doc = v.to_dict(curves=curves)
    doc["provenance"] = rec.to_dict()
    if as_json:
        print_json(doc)
        return
    console.print(f"AUC {v.auc:.4f} (deposits vs {background} study-area cells, {count} counting, "
                  f"{v.n_deposits} deposits, {v.n_background} background cells)")
    console.print(f"efficiency of classification {v.efficiency:.4f}; P-A intersection: "
                  f"{v.pa_intersection['prediction_rate_pct']:.1f} % of deposits in "
                  f"{v.pa_intersection['area_pct']:.1f} % of the area at threshold "
                  f"{v.pa_intersection['threshold']:.4g}")


@app.command("curves")
@handle_errors
def curves_cmd(
    prediction: Path = typer.Option(..., "--prediction", exists=True, dir_okay=False, help="Prediction raster."),
    deposits: Path = _DEPOSITS,
    out: Path = typer.Option(..., "--out", dir_okay=False, help="Figure file (.png, .svg or .pdf)."),
    background: str = typer.Option("all", "--background", help="all or non-deposit."),
    count: str = _COUNT,
    mask: Path | None = _MASK,
    csv: Path | None = typer.Option(None, "--csv", dir_okay=False, help="Also write the curve points as CSV."),
) -> None:
    """Success-rate curve, ROC and prediction–area (P-A) plot of a prediction raster."""
    import pandas as pd

    from critmin.plot.prospectivity import validation_figure
    from critmin.prospectivity.files import auc_from_files

    _choice(background, BACKGROUNDS, "--background")
    _choice(count, COUNTS, "--count")
    with _report_warnings():
        v, _ = auc_from_files(prediction, deposits, background=background, count=count,  # type: ignore[arg-type]
                              mask=mask)
    fig = validation_figure(v, title=prediction.name)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=150)
    if csv is not None:
        pd.DataFrame({"threshold": v.pa_threshold, "prediction_rate_pct": v.pa_prediction_rate,
                      "area_pct": v.pa_area_pct}).to_csv(csv, index=False)
    console.print(f"wrote {out} (AUC {v.auc:.4f}, efficiency {v.efficiency:.4f})")


def _floats(text: str, hint: str) -> list[float]:
    try:
        return [float(v) for v in text.split(",") if v.strip() != ""]
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a comma list of numbers", param_hint=hint) from None


def _fuzzy_spec(spec: str) -> tuple[Path, str, list[float]]:
    parts = spec.split(":")
    if len(parts) < 2:
        raise typer.BadParameter(f"{spec!r}: expected RASTER.tif:KIND[:P1,P2] (KIND linear, large, small, gaussian, "
                                 "none)", param_hint="--layer")
    path, kind = Path(parts[0]), parts[1]
    if not path.exists():
        raise typer.BadParameter(f"{path} does not exist", param_hint="--layer")
    params = _floats(parts[2], "--layer") if len(parts) > 2 else []
    return path, kind, params


@app.command("fuzzy")
@handle_errors
def fuzzy_cmd(
    layer: list[str] = typer.Option(..., "--layer", help="RASTER.tif:KIND[:P1,P2] — linear:low,high, "
                                                         "large|small|gaussian:midpoint,spread, or none (repeat)."),
    overlay_op: str = typer.Option("gamma", "--overlay", help="and, or, product, sum, gamma or index."),
    gamma: float = typer.Option(0.9, "--gamma", min=0.0, max=1.0, help="Gamma of the gamma operator."),
    weights: str | None = typer.Option(None, "--weights", help="Index overlay: comma list, one weight per layer."),
    out: Path = typer.Option(..., "--out", dir_okay=False, help="Output COG."),
    as_json: bool = _JSON,
) -> None:
    """Fuzzy memberships and fuzzy overlay (AND/OR/product/sum/gamma) or index overlay into a COG."""
    from critmin.prospectivity.files import fuzzy_to_file

    _choice(overlay_op, ["and", "or", "product", "sum", "gamma", "index"], "--overlay")
    specs = [_fuzzy_spec(s) for s in layer]
    w = _floats(weights, "--weights") if weights else None
    path, rec = fuzzy_to_file(specs, out, how=overlay_op, gamma=gamma, weights=w)
    doc = {"output": str(path), "overlay": overlay_op, "provenance": rec.to_dict()}
    if as_json:
        print_json(doc)
    else:
        console.print(f"wrote {path}")


@app.command("ahp")
@handle_errors
def ahp_cmd(
    matrix: Path = typer.Option(..., "--matrix", exists=True, dir_okay=False,
                                help="CSV pairwise matrix with criterion names as header and first column."),
    as_json: bool = _JSON,
) -> None:
    """AHP weights and Saaty's consistency ratio from a pairwise-comparison matrix."""
    import pandas as pd

    from critmin.errors import InputError
    from critmin.prospectivity.ahp import ahp_weights

    frame = pd.read_csv(matrix, index_col=0)
    try:
        values = frame.apply(pd.to_numeric).to_numpy(float)
    except (ValueError, TypeError):
        raise InputError("pairwise matrix holds non-numbers; write fractions as decimals (0.333)", file=matrix) \
            from None
    res = ahp_weights(values, [str(c) for c in frame.columns])
    if as_json:
        print_json(res.to_dict())
        return
    for name, w in res.to_dict()["weights"].items():
        console.print(f"{name:>20}  {w:.4f}")
    console.print(f"CR = {res.consistency_ratio:.3f} ({'acceptable' if res.acceptable else 'NOT acceptable'}, "
                  f"λmax {res.lambda_max:.3f})")


@app.command("train")
@handle_errors
def train_cmd(
    evidence: list[Path] = typer.Option(..., "--evidence", exists=True, dir_okay=False,
                                        help="Evidence raster (repeat; all on one grid)."),
    deposits: Path = _DEPOSITS,
    model_kind: str = typer.Option("random-forest", "--model", help="logistic, random-forest or gradient-boosting."),
    out: Path = typer.Option(..., "--out", dir_okay=False, help="Model file (.joblib)."),
    negatives: int = typer.Option(1000, "--negatives", min=10, help="Random negative/unlabelled cells."),
    exclusion_m: float = typer.Option(0.0, "--exclusion-m", min=0.0, help="No negatives within this distance."),
    pu: bool = typer.Option(False, "--pu", help="Positive-unlabelled bagging."),
    calibrate: str = typer.Option("sigmoid", "--calibrate", help="none, sigmoid or isotonic."),
    block_m: float = typer.Option(5000.0, "--block-m", help="Spatial CV block size (m)."),
    buffer_m: float | None = typer.Option(None, "--buffer-m", help="Buffered leave-one-out radius (m)."),
    trees: int = typer.Option(200, "--trees", min=1, help="Trees (random forest)."),
    max_depth: int = typer.Option(12, "--max-depth", min=1, help="Tree depth."),
    count: str = typer.Option("pixels", "--count", help="points or pixels."),
    seed: int = typer.Option(0, "--seed", help="Random seed."),
    as_json: bool = _JSON,
) -> None:
    """Train a scikit-learn model with spatial block CV (and buffered LOO), calibration and feature importance."""
    from critmin.prospectivity.files import train_from_files
    from critmin.prospectivity.ml import save_model

    _choice(model_kind, ["logistic", "random-forest", "gradient-boosting"], "--model")
    _choice(calibrate, ["none", "sigmoid", "isotonic"], "--calibrate")
    _choice(count, COUNTS, "--count")
    with _report_warnings():
        m = train_from_files(evidence, deposits, kind=model_kind, seed=seed, n_negatives=negatives,
                             exclusion_m=exclusion_m, pu_bagging=pu, calibrate=calibrate, block_m=block_m,
                             buffer_m=buffer_m, n_estimators=trees, max_depth=max_depth,
                             count=count)  # type: ignore[arg-type]
    save_model(m, out)
    doc = m.to_dict()
    doc["model_file"] = str(out)
    if as_json:
        print_json(doc)
        return
    s = m.scores
    console.print(f"{model_kind}: spatial-block CV AUC {s['spatial_block']['auc_pooled']:.3f}, random k-fold AUC "
                  f"{s['random']['auc_pooled']:.3f}" + (f", buffered LOO AUC {s['buffered_loo_auc']:.3f}"
                                                       if "buffered_loo_auc" in s else ""))
    for k, v in sorted(m.importance.items(), key=lambda kv: -kv[1]):
        console.print(f"  importance {k}: {v:.4f}")
    console.print(f"wrote {out}")


@app.command("predict")
@handle_errors
def predict_cmd(
    model: Path = typer.Option(..., "--model", exists=True, dir_okay=False, help="Model from `prospect train`."),
    evidence: list[Path] = typer.Option(..., "--evidence", exists=True, dir_okay=False,
                                        help="Evidence rasters in the model's order."),
    out: Path = typer.Option(..., "--out", dir_okay=False, help="Output probability COG."),
    chunk: int = _CHUNK,
    as_json: bool = _JSON,
) -> None:
    """Predict a trained model over the evidence rasters, chunk by chunk, into a COG."""
    from critmin.prospectivity.files import predict_to_file

    path, rec = predict_to_file(model, evidence, out, chunks=chunk)
    if as_json:
        print_json({"output": str(path), "provenance": rec.to_dict()})
    else:
        console.print(f"wrote {path}")
