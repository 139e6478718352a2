"""Assay QA/QC: certified reference materials, duplicates, blanks, per batch.

Rows of an :class:`~critmin.geochem.assays.AssayTable` are classified by their sample id
(:func:`classify_samples`): certified reference materials (names in the bundled table
``crm_certified_values`` or a user table), in-house standards (ids repeated at least
``min_standard_repeats`` times), lab replicates (``"<id> rpt"``), field duplicates (``"<id>QA"``), blanks
and ordinary samples. A batch is the value of a column (lab job / batch id; datetimes are grouped by
calendar date) or a run of ``run_length`` consecutive rows.

* CRMs (accuracy): with a certificate SD, a Shewhart control chart per CRM and element on the certified
  value (±2SD warning, ±3SD failure, Westgard run rules); with a certified value but no SD, accuracy
  against ±``tolerance_pct`` (default 10 %) of it; bias % = 100·(mean − certified)/certified. Materials
  or elements without a certified value (in-house standards) are reported as "no certificate" with a
  stability chart on their own mean and SD, never as failures.
* Duplicates (precision): RPD, HARD = 100·|a − b|/(a + b), CV per pair = √2·|a − b|/(a + b), the RMS
  CV_avg, and Thompson–Howarth precision σ(c) = 1.0484·(a₀ + b₀·c).
* Blanks (contamination): a blank above k·DL (k = 5) fails; the preceding row is reported for carry-over.

References
----------
Westgard, J.O., Barry, P.L., Hunt, M.R., Groth, T., 1981. A multi-rule Shewhart chart for quality control
in clinical chemistry. Clinical Chemistry 27, 493–501, doi:10.1093/clinchem/27.3.493.

Thompson, M., Howarth, R.J., 1976. Duplicate analysis in geochemical practice. Part I. Theoretical
approach and estimation of analytical reproducibility. Analyst 101, 690–698, doi:10.1039/AN9760100690.

Thompson, M., Howarth, R.J., 1978. A new approach to the estimation of analytical precision. Journal of
Geochemical Exploration 9, 23–30, doi:10.1016/0375-6742(78)90035-3.

Stanley, C.R., Lawie, D., 2007. Average relative error in geochemical determinations: clarification,
calculation, and a plea for consistency. Exploration and Mining Geology 16, 267–275,
doi:10.2113/gsemg.16.3-4.267.

Abzalov, M., 2008. Quality control of assay data: a review of procedures for measuring and monitoring
precision and accuracy. Exploration and Mining Geology 17, 131–144, doi:10.2113/gsemg.17.3-4.131.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from critmin.errors import InputError
from critmin.geochem.duplicates import (
    TH_MEDIAN_TO_SIGMA,
    _dup_summary,
    _pairs,
    duplicates_report,
    precision_at,
    thompson_howarth,
)
from critmin.geochem.qc_samples import (
    BLANK_PATTERN,
    FIELD_DUPLICATE_PATTERN,
    REPLICATE_PATTERN,
    _element_columns,
    _id_series,
    _key,
    _unit_factor,
    batches,
    certified_values,
    classify_samples,
)
from critmin.provenance import RunRecord

__all__ = [
    "BLANK_PATTERN",
    "FIELD_DUPLICATE_PATTERN",
    "REPLICATE_PATTERN",
    "TH_MEDIAN_TO_SIGMA",
    "QaqcReport",
    "batches",
    "blanks_report",
    "certified_values",
    "classify_samples",
    "control_chart",
    "crm_report",
    "duplicates_report",
    "precision_at",
    "qaqc_report",
    "thompson_howarth",
]

# ----------------------------------------------------------------------------------------- CRMs


def control_chart(values: Any, center: float, sd: float) -> pd.DataFrame:
    """Shewhart chart with Westgard multi-rules for one material and element, in run order.

    Parameters
    ----------
    values
        Results in insertion order (NaN = not reported/censored; skipped by the run rules).
    center, sd
        Centre line and standard deviation of the chart.

    Returns
    -------
    pandas.DataFrame
        Per point: ``value``, ``z`` = (value − centre)/SD, ``beyond_2sd``, ``beyond_3sd`` and the rules
        ``rule_1_3s`` (one point beyond ±3SD), ``rule_2_2s`` (two consecutive beyond 2SD on one side),
        ``rule_r_4s`` (consecutive points beyond +2SD and −2SD), ``rule_4_1s`` (four consecutive beyond
        1SD on one side), ``rule_10_x`` (ten consecutive on one side of the centre), each flagged on the
        point that completes it; ``status`` is "fail" if any rule fires, "warning" beyond 2SD, else "ok".

    References
    ----------
    Westgard, J.O., Barry, P.L., Hunt, M.R., Groth, T., 1981. Clinical Chemistry 27, 493–501,
    doi:10.1093/clinchem/27.3.493.
    """
    v = np.asarray(values, dtype=float)
    arrays = _chart_arrays(v, center, sd)
    out = pd.DataFrame(arrays)
    return out


def _chart_arrays(v: np.ndarray, center: float, sd: float) -> dict[str, np.ndarray]:
    n = v.size
    z = (v - center) / sd if sd > 0 else np.full(n, np.nan)
    ok = np.isfinite(z)
    zz = z[ok]
    m = zz.size

    def run(cond: np.ndarray, k: int) -> np.ndarray:
        if m < k:
            return np.zeros(m, dtype=bool)
        window = np.convolve(cond.astype(int), np.ones(k, dtype=int), mode="full")[:m]
        res = window >= k
        res[: k - 1] = False
        return res

    prev = np.concatenate([[np.nan], zz[:-1]])
    rules = {
        "rule_1_3s": np.abs(zz) > 3,
        "rule_2_2s": run(zz > 2, 2) | run(zz < -2, 2),
        "rule_r_4s": ((zz > 2) & (prev < -2)) | ((zz < -2) & (prev > 2)),
        "rule_4_1s": run(zz > 1, 4) | run(zz < -1, 4),
        "rule_10_x": run(zz > 0, 10) | run(zz < 0, 10),
    }
    out: dict[str, np.ndarray] = {"value": v, "z": z, "beyond_2sd": np.abs(z) > 2, "beyond_3sd": np.abs(z) > 3}
    any_rule = np.zeros(n, dtype=bool)
    for name, arr in rules.items():
        col = np.zeros(n, dtype=bool)
        col[ok] = arr
        out[name] = col
        any_rule |= col
    out["status"] = np.where(any_rule, "fail", np.where(out["beyond_2sd"], "warning", "ok"))
    return out


NO_CERTIFICATE = "no certificate"


def _crm_tables(
    table: Any, classes: pd.DataFrame, batch: pd.Series, cert: pd.DataFrame, columns: list[str],
    tolerance_pct: float = 10.0,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    cert_idx: dict[tuple[str, str], tuple[float, float, str]] = {
        (_key(c), str(e)): (float(v), float(u), str(ut))
        for c, e, v, u, ut in zip(cert["crm"], cert["element"], cert["value"], cert["uncertainty"],
                                  cert["uncertainty_type"], strict=True)
    }
    mats = classes[classes["sample_class"].isin(["crm", "standard"])]
    parts: dict[str, list[Any]] = {}
    data = table.data[columns].to_numpy(dtype=float)
    codes = table.censored[columns].to_numpy()
    batch_arr = batch.to_numpy()
    tol = float(tolerance_pct) / 100.0
    for material, rows in mats.groupby("material", sort=True):
        pos = classes.index.get_indexer(rows.index)
        kind = str(rows["sample_class"].iloc[0])
        for j, col in enumerate(columns):
            element = str(table.analytes.get(col, col))
            vals = data[pos, j]
            cens = np.isin(codes[pos, j], ["<", ">"])
            used = np.where(cens, np.nan, vals)
            n_used = int(np.isfinite(used).sum())
            if n_used == 0 and not cens.any():
                continue
            factor = _unit_factor(table, col)
            rec = cert_idx.get((_key(material), element))
            certified = rec[0] / factor if rec is not None else np.nan
            cert_sd = np.nan
            if rec is not None and np.isfinite(rec[1]):
                if rec[2] == "1sd":
                    cert_sd = rec[1] / factor
                elif rec[2] == "2sd":
                    cert_sd = rec[1] / 2 / factor
            obs_sd = float(np.nanstd(used, ddof=1)) if n_used > 1 else np.nan
            if np.isfinite(certified) and np.isfinite(cert_sd):
                center, sd, basis = certified, cert_sd, "certified value, certificate SD"
            elif np.isfinite(certified):
                # no certificate SD: accuracy against a relative tolerance of the certified value; the
                # tolerance is the action (3 SD-equivalent) limit, 2/3 of it the warning limit
                center, sd = certified, tol * certified / 3.0
                basis = f"certified value ± {tolerance_pct:g} % tolerance"
            else:
                center = float(np.nanmean(used)) if n_used else np.nan
                sd, basis = obs_sd, "laboratory mean and SD (no certificate)"
            chart = _chart_arrays(used, center, sd if np.isfinite(sd) else 0.0)
            if basis.endswith("tolerance"):
                # tolerance limits are not a statistical SD: only the limits themselves count, no run rules
                for r in _RULES:
                    chart[r] = np.zeros(pos.size, dtype=bool)
                chart["rule_1_3s"] = np.asarray(chart["beyond_3sd"], dtype=bool).copy()
                chart["status"] = np.where(chart["beyond_3sd"], "fail",
                                           np.where(chart["beyond_2sd"], "warning", "ok"))
            k = pos.size
            cols_const = {"material": material, "element": element, "column": col, "kind": kind,
                          "unit": table.units.get(col, "ppm"), "certified": certified, "certified_sd": cert_sd,
                          "center": center, "sd": sd, "limits_basis": basis}
            for key, val in cols_const.items():
                parts.setdefault(key, []).append(np.full(k, val, dtype=object if isinstance(val, str) else float))
            parts.setdefault("batch", []).append(batch_arr[pos])
            parts.setdefault("row", []).append(pos + 1)
            parts.setdefault("censored", []).append(cens)
            for key, arr in chart.items():
                parts.setdefault(key, []).append(arr)
    if not parts:
        return pd.DataFrame(), pd.DataFrame()
    order = ["material", "element", "column", "batch", "row", "value", "censored", "z", "beyond_2sd", "beyond_3sd",
             *_RULES, "status", "center", "sd", "kind", "unit", "certified", "certified_sd", "limits_basis"]
    pts = pd.DataFrame({k: np.concatenate(parts[k]) for k in order})
    return _crm_summary(pts, tolerance_pct), pts


_RULES = ("rule_1_3s", "rule_2_2s", "rule_r_4s", "rule_4_1s", "rule_10_x")


def _crm_summary(pts: pd.DataFrame, tolerance_pct: float = 10.0) -> pd.DataFrame:
    keys = ["material", "element", "column", "batch"]
    g = pts.groupby(keys, sort=False)
    first = g[["kind", "unit", "certified", "certified_sd", "center", "sd", "limits_basis"]].first()
    agg = g.agg(n=("value", "count"), n_censored=("censored", "sum"), mean=("value", "mean"),
                median=("value", "median"), sd_=("value", "std"), n_beyond_2sd=("beyond_2sd", "sum"),
                n_beyond_3sd=("beyond_3sd", "sum"), **{r: (r, "any") for r in _RULES})
    out = first.join(agg).reset_index().rename(columns={"sd": "control_sd"})
    out = out.rename(columns={"sd_": "sd"})
    out["rsd_pct"] = 100 * out["sd"] / out["mean"]
    out["bias_pct"] = 100 * (out["mean"] - out["certified"]) / out["certified"]
    out["bias_class"] = [_bias_class(b) for b in out["bias_pct"]]
    rules = out[list(_RULES)]
    out["rules_violated"] = [",".join(r.removeprefix("rule_") for r, hit in zip(_RULES, row, strict=True) if hit)
                             for row in rules.to_numpy()]
    has_cert = out["certified"].notna().to_numpy()
    by_tol = out["limits_basis"].str.endswith("tolerance").to_numpy()
    out["rules_violated"] = np.where(by_tol, np.where(out["n_beyond_3sd"] > 0, "outside_tolerance", ""),
                                     out["rules_violated"])
    bias_fail = np.abs(out["bias_pct"].to_numpy(dtype=float)) > tolerance_pct
    status = np.where(rules.any(axis=1), "fail", np.where(out["n_beyond_2sd"] > 0, "warning", "pass"))
    # tolerance basis: the material fails if its mean is off by more than the tolerance; a single result
    # beyond the tolerance is a warning (that result fails; see the points)
    status = np.where(by_tol, np.where(bias_fail, "fail", np.where(out["n_beyond_3sd"] > 0, "warning", "pass")),
                      status)
    status = np.where(has_cert, status, NO_CERTIFICATE)
    out["status"] = np.where(out["n"] == 0, "no data", status)
    out["tolerance_pct"] = np.where(by_tol, float(tolerance_pct), np.nan)
    cols = ["material", "kind", "element", "column", "unit", "batch", "n", "n_censored", "mean", "median", "sd",
            "rsd_pct", "certified", "certified_sd", "center", "control_sd", "limits_basis", "tolerance_pct",
            "bias_pct", "bias_class", "n_beyond_2sd", "n_beyond_3sd", "rules_violated", "status"]
    out = out[cols]
    out["n_censored"] = out["n_censored"].astype(int)
    out["n_beyond_2sd"] = out["n_beyond_2sd"].astype(int)
    out["n_beyond_3sd"] = out["n_beyond_3sd"].astype(int)
    return out


def _bias_class(bias: float) -> str:
    if not np.isfinite(bias):
        return ""
    a = abs(bias)
    return "good" if a < 5 else ("questionable" if a <= 10 else "unacceptable")


def crm_report(
    table: Any,
    *,
    id_column: str | None = None,
    certified: pd.DataFrame | None = None,
    batch_column: str | None = None,
    run_length: int | None = None,
    columns: list[str] | None = None,
    min_standard_repeats: int = 5,
    tolerance_pct: float = 10.0,
) -> pd.DataFrame:
    """Accuracy of reference materials per material, element and batch.

    Returns one row per (material, element, batch): n, n_censored, mean, median, sd, rsd_pct, certified
    (in the column's unit), center/control_sd of the chart and their basis, tolerance_pct, bias_pct =
    100·(mean − certified)/certified, bias_class (good < 5 % ≤ questionable ≤ 10 % < unacceptable; a
    convention to verify per project), points beyond 2SD/3SD, Westgard rules violated and status.
    Censored results are excluded from the statistics and counted. See :func:`control_chart` for the
    per-point chart.

    Limits depend on what the certified-value table holds (``limits_basis``):

    * certified value **and** certificate SD: Shewhart chart on the certified value ± 2/3 certificate SD
      with the Westgard rules; ``status`` fail if a rule fires, warning beyond 2SD, else pass;
    * certified value without SD (the bundled TILL values): a laboratory's own SD is far smaller than the
      between-laboratory spread of a certificate, so limits from it flag any small, acceptable bias on
      every result. Accuracy is judged against ±``tolerance_pct`` % of the certified value instead
      (GA's QA/QC script plots ±10 %; USGS method 19 accepts ±15 % recovery): the chart's action limit is
      the tolerance (SD-equivalent = tolerance/3, no run rules); ``status`` fail if the mean bias exceeds
      the tolerance, warning if a single result does, else pass;
    * no certified value (in-house standards such as WG-1, or an element the certificate does not
      give): ``status`` "no certificate" — not a failure; the chart is centred on the laboratory mean
      with the laboratory SD (stability only) and bias is not defined.

    References
    ----------
    Westgard, J.O., et al., 1981. Clinical Chemistry 27, 493–501, doi:10.1093/clinchem/27.3.493.

    Abzalov, M., 2008. Exploration and Mining Geology 17, 131–144, doi:10.2113/gsemg.17.3-4.131.
    """
    cert = certified_values() if certified is None else certified
    classes = classify_samples(_id_series(table, id_column), certified=cert, min_standard_repeats=min_standard_repeats)
    batch = batches(table, batch_column=batch_column, run_length=run_length)
    if not (np.isfinite(tolerance_pct) and tolerance_pct > 0):
        raise InputError(f"tolerance_pct {tolerance_pct!r} is not a positive percentage; expected e.g. 10")
    summary, _ = _crm_tables(table, classes, batch, cert, _element_columns(table, columns), tolerance_pct)
    return summary


# ----------------------------------------------------------------------------------------- blanks


def _blanks(table: Any, classes: pd.DataFrame, batch: pd.Series, columns: list[str], k: float) -> pd.DataFrame:
    bl = classes.index[classes["sample_class"].eq("blank")]
    if len(bl) == 0:
        return pd.DataFrame()
    pos = {ix: p for p, ix in enumerate(classes.index)}
    col_dl = table.detection_limit[columns].min()
    rows: list[dict[str, Any]] = []
    for ix in bl:
        p = pos[ix]
        prev = classes.index[p - 1] if p > 0 else None
        for col in columns:
            code = table.censored.at[ix, col]
            if code == "missing":
                continue
            dl = table.detection_limit.at[ix, col]
            dl = dl if np.isfinite(dl) else col_dl[col]
            val = float(table.data.at[ix, col]) if code != "<" else np.nan
            exceeds = bool(np.isfinite(val) and np.isfinite(dl) and val > k * dl)
            rows.append({
                "id": classes.at[ix, "id"], "row": p + 1, "batch": batch.loc[ix],
                "element": str(table.analytes.get(col, col)), "column": col, "value": val,
                "censored": code == "<", "detection_limit": dl, "limit": k * dl if np.isfinite(dl) else np.nan,
                "exceeds": exceeds,
                "previous_id": classes.at[prev, "id"] if prev is not None else "",
                "previous_value": float(table.data.at[prev, col]) if prev is not None else np.nan,
                "status": "fail" if exceeds else ("pass" if np.isfinite(dl) else "no detection limit"),
            })
    return pd.DataFrame(rows)


def blanks_report(table: Any, *, id_column: str | None = None, columns: list[str] | None = None, k: float = 5.0
                  ) -> pd.DataFrame:
    """Contamination check of blanks: a blank result above ``k``·DL fails (k = 5 typical, 3–10 used).

    One row per blank and element: value (NaN if "<DL"), detection_limit (the cell's, else the column's
    lowest), limit = k·DL, exceeds, and the preceding row's id and value to judge carry-over.
    """
    classes = classify_samples(_id_series(table, id_column))
    return _blanks(table, classes, batches(table), _element_columns(table, columns), k)


# ----------------------------------------------------------------------------------------- report


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    if df is None or df.empty:
        return []
    obj = df.astype(object).where(df.notna(), None)
    recs = obj.to_dict(orient="records")
    clean: list[dict[str, Any]] = []
    for r in recs:
        c: dict[str, Any] = {}
        for k, v in r.items():
            if isinstance(v, np.generic):
                v = v.item()
            if isinstance(v, float) and not np.isfinite(v):
                v = None
            c[str(k)] = v
        clean.append(c)
    return clean


@dataclass
class QaqcReport:
    """QA/QC of one assay table: per-batch summary and the CRM, duplicate and blank tables.

    Attributes
    ----------
    batches
        One row per batch: row counts by class, CRM checks failed/warned, duplicate pairs within the
        HARD limit, blanks exceeding k·DL, and ``status`` (fail | warning | pass).
    crm, crm_points
        :func:`crm_report` summary and the control-chart points.
    duplicates, duplicate_pairs
        :func:`duplicates_report` summary and pairs.
    blanks
        :func:`blanks_report` rows.
    classes
        Row classification (:func:`classify_samples`) with the batch label.
    metadata
        Parameters and conventions; ``run`` is the provenance record.
    """

    batches: pd.DataFrame
    crm: pd.DataFrame
    crm_points: pd.DataFrame
    duplicates: pd.DataFrame
    duplicate_pairs: pd.DataFrame
    blanks: pd.DataFrame
    classes: pd.DataFrame
    metadata: dict[str, Any] = field(default_factory=dict)
    run: RunRecord | None = None

    def to_frames(self) -> dict[str, pd.DataFrame]:
        """The tables by name (for CSV/Excel export)."""
        return {"batches": self.batches, "crm": self.crm, "crm_points": self.crm_points,
                "duplicates": self.duplicates, "duplicate_pairs": self.duplicate_pairs,
                "blanks": self.blanks, "classes": self.classes}

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary (tables as lists of records; NaN → None)."""
        d: dict[str, Any] = {k: _records(v) for k, v in self.to_frames().items() if k != "crm_points"}
        d["crm_points"] = _records(self.crm_points)
        d["metadata"] = dict(self.metadata)
        d["run"] = self.run.to_dict() if self.run is not None else None
        return d


def _table_hash(table: Any) -> str:
    h = hashlib.sha256()
    h.update(pd.util.hash_pandas_object(table.data, index=False).to_numpy().tobytes())
    h.update(pd.util.hash_pandas_object(table.censored, index=False).to_numpy().tobytes())
    h.update(str(getattr(table, "source", "")).encode())
    return h.hexdigest()


def qaqc_report(
    table: Any,
    *,
    batch_column: str | None = None,
    run_length: int | None = None,
    id_column: str | None = None,
    certified: pd.DataFrame | None = None,
    columns: list[str] | None = None,
    min_standard_repeats: int = 5,
    min_dl_multiple: float = 0.0,
    hard_limit_pct: float = 10.0,
    blank_k: float = 5.0,
    group_size: int = 11,
    tolerance_pct: float = 10.0,
) -> QaqcReport:
    """Full QA/QC of an assay table, per batch (a column's value or runs of ``run_length`` rows).

    Parameters are those of :func:`crm_report`, :func:`duplicates_report` and :func:`blanks_report`.
    A batch fails if a certified check fails (see :func:`crm_report`) or a blank exceeds k·DL in it; it is
    a warning if a certified check warns or fewer than 90 % of its duplicate pairs are within the HARD
    limit. Reference materials without certified values ("no certificate") never fail a batch.

    References
    ----------
    Abzalov, M., 2008. Exploration and Mining Geology 17, 131–144, doi:10.2113/gsemg.17.3-4.131.
    """
    cert = certified_values() if certified is None else certified
    cols = _element_columns(table, columns)
    classes = classify_samples(_id_series(table, id_column), certified=cert, min_standard_repeats=min_standard_repeats)
    batch = batches(table, batch_column=batch_column, run_length=run_length)
    if not (np.isfinite(tolerance_pct) and tolerance_pct > 0):
        raise InputError(f"tolerance_pct {tolerance_pct!r} is not a positive percentage; expected e.g. 10")
    crm, pts = _crm_tables(table, classes, batch, cert, cols, tolerance_pct)
    pairs = _pairs(table, classes, batch, cols, min_dl_multiple)
    dsum = _dup_summary(pairs, hard_limit_pct, group_size)
    blanks = _blanks(table, classes, batch, cols, blank_k)
    cl = classes.assign(batch=batch)
    rows: list[dict[str, Any]] = []
    for b in pd.unique(batch):
        c = cl[cl["batch"] == b]["sample_class"].value_counts()
        cb = crm[crm["batch"] == b] if not crm.empty else crm
        pb = pairs[(pairs["batch"] == b) & pairs["used"]] if not pairs.empty else pairs
        bb = blanks[blanks["batch"] == b] if not blanks.empty else blanks
        n_fail = int((cb["status"] == "fail").sum()) if not cb.empty else 0
        n_warn = int((cb["status"] == "warning").sum()) if not cb.empty else 0
        n_nocert = int((cb["status"] == NO_CERTIFICATE).sum()) if not cb.empty else 0
        within = float(100 * (pb["hard_pct"] <= hard_limit_pct).mean()) if not pb.empty else np.nan
        n_blank_fail = int(bb["exceeds"].sum()) if not bb.empty else 0
        status = "fail" if (n_fail or n_blank_fail) else (
            "warning" if (n_warn or (np.isfinite(within) and within < 90)) else "pass")
        rows.append({
            "batch": b, "n_rows": int(c.sum()),
            **{f"n_{k}": int(c.get(k, 0)) for k in ("sample", "crm", "standard", "replicate", "field_duplicate",
                                                     "blank")},
            "crm_checks": len(cb), "crm_fail": n_fail, "crm_warning": n_warn, "crm_no_certificate": n_nocert,
            "duplicate_checks": len(pb), "duplicate_pct_within_hard_limit": within,
            "blanks_exceeding": n_blank_fail, "status": status,
        })
    params = {"batch_column": batch_column, "run_length": run_length, "id_column": id_column,
              "min_standard_repeats": min_standard_repeats, "min_dl_multiple": min_dl_multiple,
              "hard_limit_pct": hard_limit_pct, "blank_k": blank_k, "group_size": group_size,
              "tolerance_pct": tolerance_pct,
              "certified": "bundled crm_certified_values" if certified is None else "user table"}
    meta = {**params, "th_median_to_sigma": TH_MEDIAN_TO_SIGMA,
            "control_limits": ("certified value with certificate SD: ±2SD warning, ±3SD and Westgard 2-2s, R-4s, "
                               "4-1s, 10-x rules fail; certified value without SD: ±tolerance_pct % of it is the "
                               "action limit (drawn as ±3 SD-equivalents), a mean bias beyond it fails; no "
                               "certified value: 'no certificate' (chart on the laboratory mean ± its SD, "
                               "never a failure)"),
            "bias_classes": "good < 5 % <= questionable <= 10 % < unacceptable",
            "materials_without_certified_values": sorted(
                set(classes.loc[classes["sample_class"] == "standard", "material"]))}
    run = RunRecord.create("geochem.qaqc_report", inputs_sha256=_table_hash(table), parameters=params)
    return QaqcReport(pd.DataFrame(rows), crm, pts, dsum, pairs, blanks, cl, meta, run)
