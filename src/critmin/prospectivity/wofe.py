"""Weights of evidence: class weights, their variances, contrasts and generalisation.

Areas are counted in *unit cells* of an explicit size (km²), as in ArcSDM and Geoscience Australia's
MPM-WofE; EIS Toolkit's convention is the special case ``unit_cell_km2 = pixel area`` with ``count="pixels"``.
For a pattern with area ``A`` unit cells holding ``d`` of the ``n`` deposits, in a study area of ``T`` unit
cells (Bonham-Carter 1994, ch. 9):

* ``W+ = ln[(d/n) / ((A-d)/(T-n))]``, ``s²(W+) = 1/d + 1/(A-d)``
* ``W- = ln[((n-d)/n) / ((T-A-n+d)/(T-n))]``, ``s²(W-) = 1/(n-d) + 1/(T-A-n+d)``
* ``C = W+ - W-``, ``s(C) = sqrt(s²(W+) + s²(W-))``, studentised contrast ``C/s(C)``.

A class without deposits has no defined W+: it is listed with ``flag = "no_deposits"`` and null weights (never a
silent zero, which would give it the prior). A pattern holding every deposit has no W−
(``flag = "all_deposits"``). A pattern whose area in unit cells does not exceed its deposit count
(``A - d <= 0``, possible when the unit cell is larger than a pixel) or whose complement has no deposit-free area
is marked ``saturated`` and the undefined weight is null. (EIS Toolkit instead moves 0.99 of a cell between the
counts, or returns W+ = 0; critmin reports the case instead of inventing a number.) Rows with
``0 < d < MIN_DEPOSITS`` carry ``few_deposits``.

References
----------
Bonham-Carter, G.F., 1994, Geographic Information Systems for Geoscientists: Modelling with GIS. Pergamon,
doi:10.1016/C2013-0-03864-9 (ch. 9).
Bonham-Carter, G.F., Agterberg, F.P., and Wright, D.F., 1989, Weights of evidence modelling: a new approach to
mapping mineral potential. GSC Paper 89-9, 171-183, doi:10.4095/128059.
Geoscience Australia, 2023, MPM-WofE R scripts, https://github.com/GeoscienceAustralia/MPM-WofE (Apache-2.0).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from critmin.errors import InputError
from critmin.prospectivity.counting import class_counts
from critmin.prospectivity.deposits import DepositCells, sample
from critmin.prospectivity.raster import Layer
from critmin.provenance import RunRecord

__all__ = ["COLUMNS", "GENERALIZED_COLUMNS", "MIN_DEPOSITS", "Generalization",
           "WeightsTable", "WeightsType", "calculate_weights", "generalize", "pattern_weights"]

WeightsType = Literal["unique", "categorical", "ascending", "descending"]
Generalization = Literal["max-contrast", "max-studentized-contrast", "manual"]

COLUMNS = ["class", "area_km2", "area_units", "deposits", "w_plus", "s_w_plus", "w_minus", "s_w_minus", "contrast",
           "s_contrast", "studentized_contrast", "flag"]
GENERALIZED_COLUMNS = ["generalized_class", "generalized_weight", "generalized_s_weight"]
MIN_DEPOSITS = 3
"""Classes with fewer deposits than this (but more than none) are flagged ``few_deposits``."""
MERGED_CLASS = 99
"""Generalised class of the categorical classes merged for not reaching the studentised-contrast threshold
(EIS Toolkit's code)."""


def pattern_weights(area: np.ndarray, deposits: np.ndarray, total_area: float,
                    n: float) -> dict[str, np.ndarray]:
    """W+, W−, their standard deviations, contrast and studentised contrast of binary patterns.

    Parameters
    ----------
    area
        Pattern areas in unit cells.
    deposits
        Deposits inside each pattern.
    total_area
        Study area in unit cells (``T``).
    n
        Deposits in the study area.

    Returns
    -------
    dict
        Arrays ``w_plus, s_w_plus, w_minus, s_w_minus, contrast, s_contrast, studentized_contrast`` (NaN where
        undefined) and ``flag`` (object array of strings, ``""`` when regular).

    References
    ----------
    Bonham-Carter, G.F., 1994, Geographic Information Systems for Geoscientists, ch. 9,
    doi:10.1016/C2013-0-03864-9.
    """
    a = np.asarray(area, np.float64)
    d = np.asarray(deposits, np.float64)
    flags = np.array([""] * a.size, dtype=object)
    b = a - d  # pattern area without deposits (unit cells)
    c = n - d  # deposits outside the pattern
    dd = (total_area - a) - c  # area outside the pattern without deposits
    plus_ok = (d > 0) & (b > 0)
    minus_ok = (c > 0) & (dd > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        wp = np.where(plus_ok, np.log((d / n) / (b / (total_area - n))), np.nan)
        swp = np.where(plus_ok, np.sqrt(1.0 / d + 1.0 / b), np.nan)
        wm = np.where(minus_ok, np.log((c / n) / (dd / (total_area - n))), np.nan)
        swm = np.where(minus_ok, np.sqrt(1.0 / c + 1.0 / dd), np.nan)
    few = (d > 0) & (d < MIN_DEPOSITS)
    flags[few] = "few_deposits"
    flags[((d > 0) & (b <= 0)) | ((c > 0) & (dd <= 0))] = "saturated"
    flags[c <= 0] = "all_deposits"
    flags[d <= 0] = "no_deposits"
    contrast = wp - wm
    s_c = np.sqrt(swp**2 + swm**2)
    with np.errstate(divide="ignore", invalid="ignore"):
        stud = contrast / s_c
    return {"w_plus": wp, "s_w_plus": swp, "w_minus": wm, "s_w_minus": swm, "contrast": contrast,
            "s_contrast": s_c, "studentized_contrast": stud, "flag": flags}


@dataclass(frozen=True)
class WeightsTable:
    """Weights of one evidence layer.

    Attributes
    ----------
    layer
        Evidence layer name.
    weights_type
        ``unique``/``categorical`` (one row per class, pattern = the class) or ``ascending``/``descending``
        (cumulative: pattern = classes up to and including the row's class, in that order).
    frame
        One row per class with :data:`COLUMNS` (+ :data:`GENERALIZED_COLUMNS` where generalised).
    unit_cell_km2, pixel_area_km2
        Unit-cell and pixel areas.
    count
        Deposit counting convention (``points`` or ``pixels``).
    n_deposits
        Deposits counted in the study area.
    total_area_units
        Study area in unit cells.
    generalization
        Rule and chosen threshold (``None`` if not generalised).
    warnings
        Messages about the data (zero-deposit classes, few deposits, failed generalisation, …).
    provenance
        How the table was made.
    """

    layer: str
    weights_type: WeightsType
    frame: pd.DataFrame
    unit_cell_km2: float
    pixel_area_km2: float
    count: str
    n_deposits: int
    total_area_units: float
    generalization: dict[str, Any] | None = None
    warnings: tuple[str, ...] = ()
    provenance: RunRecord | None = field(default=None, compare=False)

    @property
    def prior(self) -> float:
        """Prior probability of a deposit per unit cell, ``n / T``."""
        return self.n_deposits / self.total_area_units

    def summary(self) -> dict[str, Any]:
        """JSON-safe summary."""
        return {"layer": self.layer, "weights_type": self.weights_type, "unit_cell_km2": self.unit_cell_km2,
                "pixel_area_km2": self.pixel_area_km2, "count": self.count, "n_deposits": self.n_deposits,
                "study_area_km2": self.total_area_units * self.unit_cell_km2,
                "study_area_units": self.total_area_units, "prior_probability": self.prior,
                "n_classes": len(self.frame), "generalization": self.generalization,
                "warnings": list(self.warnings)}

    def to_dict(self) -> dict[str, Any]:
        """``{"rows": [...], "summary": {...}, "provenance": {...}}`` with nulls for undefined values."""
        rows = []
        for rec in self.frame.to_dict(orient="records"):
            out: dict[str, Any] = {}
            for key, v in rec.items():
                k = str(key)
                if isinstance(v, float) and not math.isfinite(v):
                    out[k] = None
                elif isinstance(v, np.integer):
                    out[k] = int(v)
                elif isinstance(v, np.floating):
                    out[k] = float(v) if math.isfinite(float(v)) else None
                else:
                    out[k] = v
            out["flag"] = out.get("flag") or None
            rows.append(out)
        return {"rows": rows, "summary": self.summary(),
                "provenance": self.provenance.to_dict() if self.provenance else None}


def calculate_weights(layer: Layer, cells: DepositCells, *, weights_type: WeightsType = "unique",
                      unit_cell_km2: float = 1.0, valid: Any = None,
                      generalize_rule: Generalization | None = None, threshold: float | None = None,
                      inputs_sha256: str = "") -> WeightsTable:
    """Weights of evidence for every class of ``layer``.

    Parameters
    ----------
    layer
        Classified evidence raster (integer codes; nodata excluded from the study area).
    cells
        Deposits located on the layer's grid (:func:`critmin.prospectivity.deposits.deposit_cells`).
    weights_type
        ``unique``, ``categorical``, ``ascending`` or ``descending``.
    unit_cell_km2
        Unit-cell area in km² (areas are expressed in unit cells).
    valid
        Optional study-area mask (boolean array on the grid) combined with the layer's own nodata mask.
    generalize_rule, threshold
        Optional generalisation (see :func:`generalize`).
    inputs_sha256
        Hash of the inputs for the provenance record.

    Returns
    -------
    WeightsTable

    References
    ----------
    Bonham-Carter, G.F., 1994, Geographic Information Systems for Geoscientists, ch. 9,
    doi:10.1016/C2013-0-03864-9.
    """
    if weights_type not in ("unique", "categorical", "ascending", "descending"):
        raise InputError(f"weights type {weights_type!r} is not one of unique, categorical, ascending, descending")
    if not unit_cell_km2 > 0:
        raise InputError(f"unit cell {unit_cell_km2!r} km² must be positive")
    pix_km2 = layer.grid.pixel_area_km2
    classes, px = class_counts(layer.data.data, nodata=layer.nodata, valid=valid, layer=layer.name)
    if classes.size == 0:
        raise InputError(f"layer {layer.name!r} has no valid pixels in the study area")
    dep_vals = sample(layer.data.data, cells).astype(np.float64)
    dep_ok = dep_vals == dep_vals
    if layer.nodata is not None:
        dep_ok &= dep_vals != layer.nodata
    if valid is not None:
        dep_ok &= sample(valid, cells).astype(bool)
    warnings_: list[str] = []
    if (~dep_ok).any():
        warnings_.append(f"{int((~dep_ok).sum())} deposits lie on nodata pixels of layer {layer.name!r} and are not "
                         "counted")
    dep_vals = dep_vals[dep_ok]
    n = int(dep_vals.size)
    if n == 0:
        raise InputError(f"no deposit falls on a valid pixel of layer {layer.name!r}")
    idx = np.searchsorted(classes, dep_vals)
    dep = np.bincount(idx, minlength=classes.size).astype(np.float64)
    scale = pix_km2 / unit_cell_km2
    area = px * scale
    total = float(px.sum() * scale)
    if total <= n:
        raise InputError(f"layer {layer.name!r}: the study area ({total:g} unit cells of {unit_cell_km2:g} km²) "
                         f"is not larger than the number of deposits ({n}); use a smaller --unit-cell-km2")
    if weights_type in ("unique", "categorical"):
        a_pat, d_pat = area, dep
    else:
        order = slice(None) if weights_type == "ascending" else slice(None, None, -1)
        a_pat = np.cumsum(area[order])[order]
        d_pat = np.cumsum(dep[order])[order]
    w = pattern_weights(a_pat, d_pat, total, n)
    frame = pd.DataFrame({"class": classes, "area_km2": a_pat * unit_cell_km2, "area_units": a_pat,
                          "deposits": d_pat.astype(np.int64),
                          **{k: w[k] for k in COLUMNS[4:]}})
    if np.all(classes == np.round(classes)):
        frame["class"] = classes.astype(np.int64)
    zero = frame.loc[frame["flag"] == "no_deposits", "class"].tolist()
    if zero and weights_type in ("unique", "categorical"):
        warnings_.append(f"layer {layer.name!r}: classes without deposits get no weight (null, flag no_deposits): "
                         f"{', '.join(map(str, zero[:20]))}{'…' if len(zero) > 20 else ''}; generalise or merge "
                         "them before computing a response")
    few = frame.loc[frame["flag"] == "few_deposits", "class"].tolist()
    if few:
        warnings_.append(f"layer {layer.name!r}: classes with fewer than {MIN_DEPOSITS} deposits have unreliable "
                         f"weights: {', '.join(map(str, few[:20]))}{'…' if len(few) > 20 else ''}")
    table = WeightsTable(layer=layer.name, weights_type=weights_type, frame=frame, unit_cell_km2=unit_cell_km2,
                         pixel_area_km2=pix_km2, count=cells.mode, n_deposits=n, total_area_units=total,
                         warnings=tuple(warnings_))
    if generalize_rule is not None:
        table = generalize(table, generalize_rule, threshold)
    elif weights_type in ("unique", "categorical"):
        table = _identity_generalization(table)
    params = {"weights_type": weights_type, "unit_cell_km2": unit_cell_km2, "count": cells.mode,
              "generalize": generalize_rule, "threshold": threshold, "layer": layer.name}
    prov = RunRecord.create("prospectivity.weights", inputs_sha256=inputs_sha256, parameters=params)
    return _replace(table, provenance=prov)


def _replace(table: WeightsTable, **kw: Any) -> WeightsTable:
    from dataclasses import replace

    return replace(table, **kw)


def _identity_generalization(table: WeightsTable) -> WeightsTable:
    f = table.frame.copy()
    f["generalized_class"] = f["class"]
    f["generalized_weight"] = f["w_plus"]
    f["generalized_s_weight"] = f["s_w_plus"]
    return _replace(table, frame=f)


def generalize(table: WeightsTable, rule: Generalization, threshold: float | None = None) -> WeightsTable:
    """Generalise a weights table into the classes a response uses.

    Cumulative (``ascending``/``descending``) tables become binary: the pattern is the classes up to the chosen
    threshold class (generalised class 2, weight W+ of that row) and the rest is class 1 (weight W− of that
    row). The threshold row is the one with maximum contrast (``max-contrast``; if ``threshold`` is given, only
    rows whose studentised contrast reaches it are eligible), maximum studentised contrast
    (``max-studentized-contrast``), or the class value ``threshold`` (``manual``).

    Categorical and unique tables keep each class whose absolute studentised contrast reaches ``threshold`` (any
    rule; default 2.0) and merge the others (including classes without deposits) into class 99, whose weight is
    computed from the merged area and deposits (EIS Toolkit's convention).

    References
    ----------
    Bonham-Carter, G.F., 1994, Geographic Information Systems for Geoscientists, ch. 9 (choice of the
    threshold by maximum contrast), doi:10.1016/C2013-0-03864-9.
    """
    if rule not in ("max-contrast", "max-studentized-contrast", "manual"):
        raise InputError(f"generalisation rule {rule!r} is not one of max-contrast, max-studentized-contrast, manual")
    f = table.frame.copy()
    warnings_ = list(table.warnings)
    cls = f["class"].to_numpy(np.float64)
    if table.weights_type in ("ascending", "descending"):
        contrast = f["contrast"].to_numpy(np.float64)
        stud = f["studentized_contrast"].to_numpy(np.float64)
        if rule == "manual":
            if threshold is None:
                raise InputError("manual generalisation needs --threshold: the class value that ends the pattern")
            hits = np.flatnonzero(cls == threshold)
            if hits.size == 0:
                raise InputError(f"layer {table.layer!r}: threshold class {threshold:g} is not a class of the layer "
                                 f"(classes {cls.min():g}–{cls.max():g})")
            k = int(hits[0])
        else:
            score = contrast if rule == "max-contrast" else stud
            ok = np.isfinite(score) & np.isfinite(contrast)
            if rule == "max-contrast" and threshold is not None:
                ok &= stud >= threshold
            if not ok.any():
                raise InputError(f"layer {table.layer!r}: generalisation by {rule} failed: no cumulative class has a"
                                 " defined contrast" + (f" with studentised contrast ≥ {threshold:g}"
                                                        if threshold is not None else "")
                                 + "; try --generalize manual --threshold CLASS")
            k = int(np.flatnonzero(ok)[np.argmax(score[ok])])
        row = f.iloc[k]
        if not (math.isfinite(row["w_plus"]) and math.isfinite(row["w_minus"])):
            raise InputError(f"layer {table.layer!r}: the chosen threshold class {row['class']} has undefined "
                             f"weights (flag {row['flag']}); choose another threshold")
        pattern = (cls <= cls[k]) if table.weights_type == "ascending" else (cls >= cls[k])
        f["generalized_class"] = np.where(pattern, 2, 1)
        f["generalized_weight"] = np.where(pattern, row["w_plus"], row["w_minus"])
        f["generalized_s_weight"] = np.where(pattern, row["s_w_plus"], row["s_w_minus"])
        info: dict[str, Any] = {"rule": rule, "threshold_class": _num(row["class"]),
                                "contrast": float(row["contrast"]),
                                "studentized_contrast": float(row["studentized_contrast"])}
    else:
        thr = 2.0 if threshold is None else float(threshold)
        stud = f["studentized_contrast"].to_numpy(np.float64)
        keep = np.isfinite(stud) & (np.abs(stud) >= thr)
        f["generalized_class"] = np.where(keep, f["class"], MERGED_CLASS)
        f["generalized_weight"] = np.where(keep, f["w_plus"], np.nan)
        f["generalized_s_weight"] = np.where(keep, f["s_w_plus"], np.nan)
        if (~keep).any():
            a = float(f.loc[~keep, "area_units"].sum())
            d = float(f.loc[~keep, "deposits"].sum())
            w = pattern_weights(np.array([a]), np.array([d]), table.total_area_units, table.n_deposits)
            f.loc[~keep, "generalized_weight"] = float(w["w_plus"][0])
            f.loc[~keep, "generalized_s_weight"] = float(w["s_w_plus"][0])
            if d == 0:
                warnings_.append(f"layer {table.layer!r}: merged class {MERGED_CLASS} holds no deposit, so its weight "
                                 "is undefined (null)")
        info = {"rule": rule, "studentized_contrast_threshold": thr, "merged_class": MERGED_CLASS,
                "n_merged": int((~keep).sum())}
    return _replace(table, frame=f, generalization=info, warnings=tuple(warnings_))


def _num(v: Any) -> float | int:
    fv = float(v)
    return int(fv) if fv.is_integer() else fv
