"""Reading assay files (CSV/XLSX) into an :class:`AssayTable` with per-cell censoring and detection limits.

Columns are recognised as analytes when their name (trimmed) is an element symbol or a simple oxide,
optionally followed by a unit: ``La``, ``La_ppm``, ``La ppm``, ``La (ppm)``, ``CeO2_pct``, ``Au_ppb``,
``Li2O_%``. Units come, in this order of precedence, from ``units={column: unit}``, a column suffix, a
units row (the first row under the header, when its analyte cells are units), or ``units="ppm"`` for every
analyte column still without one. A file whose units cannot be determined is refused, naming the columns.

Cell values:

======================  ===========  ================================  ===========================
written                 code         ``data``                          ``detection_limit``
======================  ===========  ================================  ===========================
``12.3``                ``""``       12.3                              NaN
``<0.05``, ``< 0.05``   ``"<"``      NaN (value unknown)               0.05
``-0.05`` (default)     ``"<"``      NaN                               0.05 (USGS NGDB convention)
``<DL``, ``BDL``, ``ND`` ``"<"``     NaN                               NaN (limit not given)
``>10000``              ``">"``      10000 (a lower bound)             10000
``n.a.``, ``-``, blank  ``"missing"`` NaN                              NaN
======================  ===========  ================================  ===========================

Qualifier columns (``La_Q``, ``La_ppm_Q``, ``La_qual``) hold codes per cell: ``L``/``N``/``<`` (below the
limit given as the value), ``G``/``>`` (above), ``B`` (not analysed) and ``H`` (interference) → missing.
Any other text in an analyte cell is an error naming file, row and column. Unknown columns pass through
unchanged (``passthrough``).

Speed: in a CSV, analyte columns are parsed by pandas' C reader as numbers; only a column that holds text
comes back as strings, and of it only the cells that are not plain numbers go through the censoring parser
(10⁶ rows × 15 analytes: ≈ 3 s instead of ≈ 19 s when every cell was parsed as text).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal

import numpy as np
import pandas as pd

from critmin.errors import InputError
from critmin.geochem.elements import is_element
from critmin.geochem.oxides import cation, species_to_element_factor
from critmin.geochem.units import TO_PPM, maybe_unit
from critmin.limits import check_row_count, check_text_bytes, check_zip_container, refuse_xlsx_formulas

__all__ = ["CENSOR_CODES", "AssayTable", "read_assays"]

CENSOR_CODES: Final = ["", "<", ">", "missing"]
_CENSOR_DTYPE: Final = pd.CategoricalDtype(CENSOR_CODES)
BelowMethod = Literal["half", "sqrt2", "0.65", "dl", "zero", "nan"]
_BELOW_FACTOR: Final[dict[str, float]] = {"half": 0.5, "sqrt2": 1 / np.sqrt(2), "0.65": 0.65, "dl": 1.0,
                                          "zero": 0.0, "nan": np.nan}
_MISSING_TOKENS: Final = {"", "n.a.", "n.a", "na", "n/a", "-", "--", "---", "nan", "none", "null", "is", "ns", "lnr",
                          "not analysed", "not analyzed", "x", "#n/a", "nr"}
_BELOW_TOKENS: Final = {"<dl", "< dl", "bdl", "<lod", "< lod", "nd", "n.d.", "bd", "<d.l.", "<ld", "below dl"}
_QUAL_SUFFIX = re.compile(r"^(?P<base>.+?)[\s_\-.]*(?:q|qual|qualifier|qualif)$", re.IGNORECASE)
_NAME = re.compile(
    r"^(?P<analyte>[A-Za-z][A-Za-z0-9]*?)(?:[\s_\-.]*[(\[]?(?P<unit>ppm|ppb|pct|%|wt%|wt\.%|wt_pct|wtpct|g/t|gpt|"
    r"mg/kg|ug/g|µg/g|ng/g|percent)[)\]]?)?$", re.IGNORECASE)
_LT = re.compile(r"^<\s*=?\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)$")
_GT = re.compile(r"^>\s*=?\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)$")


@dataclass
class AssayTable:
    """Assays as read: values in each column's own unit, with censoring codes and limits per cell.

    Attributes
    ----------
    data
        Analyte columns (names trimmed), float, in the column's unit; NaN for missing and "<" cells, the
        reported limit for ">" cells.
    censored
        Codes per cell: ``""`` (uncensored), ``"<"``, ``">"``, ``"missing"`` (categorical of str).
    detection_limit
        Lower (``"<"``) or upper (``">"``) limit per cell; NaN if none.
    units
        Column → canonical unit (``ppm``, ``ppb``, ``pct``, ``g/t``).
    analytes
        Column → element or oxide symbol (``"La_ppm"`` → ``"La"``, ``"CeO2_pct"`` → ``"CeO2"``).
    passthrough
        Id and unknown columns, unchanged.
    source
        File read.
    warnings
        Notes such as columns whose values are all censored.
    """

    data: pd.DataFrame
    censored: pd.DataFrame
    detection_limit: pd.DataFrame
    units: dict[str, str]
    analytes: dict[str, str]
    passthrough: pd.DataFrame
    source: str = ""
    warnings: list[str] = field(default_factory=list)

    @property
    def all_censored(self) -> list[str]:
        """Analyte columns in which every reported value is censored."""
        out = []
        for c in self.data.columns:
            codes = self.censored[c].astype(str)
            reported = codes != "missing"
            if reported.any() and codes[reported].isin(["<", ">"]).all():
                out.append(c)
        return out

    def _element_columns(self) -> dict[str, tuple[str, float]]:
        """column → (element, factor to element ppm)."""
        out: dict[str, tuple[str, float]] = {}
        seen: dict[str, str] = {}
        for c in self.data.columns:
            el, f = species_to_element_factor(self.analytes[c])
            if el in seen:
                raise InputError(
                    f"columns {seen[el]!r} and {c!r} both give {el}; keep one (e.g. drop the less precise "
                    "method's column) before converting to element ppm", file=self.source, column=c)
            seen[el] = c
            out[c] = (el, f * TO_PPM[self.units[c]])
        return out

    def to_ppm(self, *, below: BelowMethod = "half", above: Literal["limit", "nan"] = "limit") -> pd.DataFrame:
        """Element concentrations in ppm, columns by element symbol (oxides converted with pinned masses).

        Parameters
        ----------
        below
            Value for "<" cells as a fraction of the limit: ``half`` (DL/2), ``sqrt2`` (DL/√2), ``0.65``,
            ``dl``, ``zero`` or ``nan``. A "<" cell without a stated limit stays NaN. For ROS or log-ratio
            EM use :mod:`critmin.geochem.censored`. The censoring codes stay available
            (:meth:`censored_by_element`) so metrics can be flagged.
        above
            ``limit`` keeps the reported upper limit (a lower bound of the true value), ``nan`` drops it.
        """
        if below not in _BELOW_FACTOR:
            raise InputError(f"below={below!r}; expected one of {list(_BELOW_FACTOR)}")
        cols = self._element_columns()
        factors = np.array([cols[c][1] for c in self.data.columns])
        values = self.data.to_numpy(dtype=float, copy=True)
        codes = self.censor_codes()
        lt = codes == 1
        if lt.any():
            dl = self.detection_limit.to_numpy(dtype=float)
            values[lt] = dl[lt] * _BELOW_FACTOR[below]
        if above == "nan":
            values[codes == 2] = np.nan
        values *= factors
        return pd.DataFrame(values, index=self.data.index, columns=[cols[c][0] for c in self.data.columns],
                            copy=False)

    def censor_codes(self) -> np.ndarray:
        """Censoring codes as an int8 matrix aligned with ``data``: 0 ``""``, 1 ``"<"``, 2 ``">"``, 3 missing."""
        out = np.empty(self.data.shape, dtype=np.int8)
        for j, c in enumerate(self.data.columns):
            col = self.censored[c]
            if isinstance(col.dtype, pd.CategoricalDtype) and list(col.dtype.categories) == CENSOR_CODES:
                out[:, j] = col.cat.codes.to_numpy()
            else:
                out[:, j] = pd.Categorical(col.astype(str), categories=CENSOR_CODES).codes
        return out

    def censored_by_element(self) -> pd.DataFrame:
        """Censoring codes with columns renamed to element symbols (aligned with :meth:`to_ppm`)."""
        cols = self._element_columns()
        return self.censored.set_axis([cols[c][0] for c in self.censored.columns], axis=1)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe summary (not the values)."""
        counts = {c: {k: int((self.censored[c].astype(str) == k).sum()) for k in CENSOR_CODES}
                  for c in self.data.columns}
        return {"source": self.source, "rows": len(self.data), "units": dict(self.units),
                "analytes": dict(self.analytes), "passthrough": [str(c) for c in self.passthrough.columns],
                "censoring": counts, "all_censored": self.all_censored, "warnings": list(self.warnings)}


def _analyte(name: str) -> tuple[str, str | None] | None:
    m = _NAME.match(name)
    if not m:
        return None
    sym = m.group("analyte")
    unit = maybe_unit(m.group("unit")) if m.group("unit") else None
    for cand in (sym, sym.capitalize() if sym.isupper() and len(sym) <= 2 else None):
        if cand is None:
            continue
        if is_element(cand):
            return cand, unit
        try:
            el, _ = cation(cand)
        except InputError:
            continue
        if el != "O" and cand != el and "O" in cand:
            return cand, unit
    return None


def _is_text_file(path: Path) -> bool:
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm", ".xls"}:
        return False
    if suffix not in {".csv", ".txt", ".tsv"}:
        raise InputError(f"unsupported assay file type {suffix!r}; expected .csv, .tsv, .txt or .xlsx", file=path)
    return True


def _csv_head(path: Path) -> tuple[str, list[str], list[str]]:
    """Delimiter, header and first data row (for units-row detection) of a delimited text file."""
    with path.open("rb") as fb:
        head = fb.read(65536)
    check_text_bytes(head, path)
    if not head.strip():
        raise InputError("the file is empty; expected a header row and sample rows", file=path)
    try:
        sample = head.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut at the end of the sample
            raise InputError(f"not UTF-8 text ({exc.reason} at byte {exc.start}); save the file as 'CSV UTF-8'",
                             file=path) from None
        sample = head[:exc.start].decode("utf-8-sig")
    delim = "\t" if path.suffix.lower() == ".tsv" or sample.count("\t") > sample.count(",") else ","
    rows = csv.reader(sample.splitlines(), delimiter=delim)
    header = next(rows, [])
    first = next(rows, [])
    return delim, header, first


def _read_csv_body(path: Path, delim: str, n_columns: int, skip: int, numeric: set[int]) -> pd.DataFrame:
    """Body of a delimited file: analyte columns (``numeric``) parsed as numbers by the C parser where every
    cell is a plain number or blank (blank → NaN); a column holding any text ("<0.05", "n.a.") comes back as
    strings and only its non-numeric cells go through the censoring parser. Other columns stay text."""
    text_dtypes: dict[Any, Any] = {j: str for j in range(n_columns) if j not in numeric}
    blank_is_na: dict[Any, Any] = {j: [""] for j in numeric}
    try:
        body = pd.read_csv(path, sep=delim, header=None, skiprows=skip, encoding="utf-8-sig", names=range(n_columns),
                           dtype=text_dtypes, keep_default_na=False, na_values=blank_is_na, low_memory=False)
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(f"cannot read as delimited UTF-8 text: {exc}", file=path) from None
    check_row_count(len(body), path)
    return body


def _read_excel(path: Path, sheet: str | int | None) -> tuple[list[str], pd.DataFrame]:
    check_zip_container(path)
    refuse_xlsx_formulas(path, sheet if sheet is not None else 0)
    try:
        raw = pd.read_excel(path, sheet_name=sheet if sheet is not None else 0, header=None, dtype=object)
    except (ValueError, OSError, KeyError, EOFError) as exc:
        raise InputError(f"cannot read the workbook: {exc}", file=path) from None
    check_row_count(len(raw), path)
    header = ["" if pd.isna(h) else str(h) for h in raw.iloc[0]]
    body = raw.iloc[1:].reset_index(drop=True)
    body.columns = pd.RangeIndex(body.shape[1])
    return header, body


def _units_row(cells: list[Any]) -> list[str | None] | None:
    """Units per analyte cell if these cells (the first row under the header) are a units row, else None."""
    as_units = [maybe_unit(c) if isinstance(c, str) else None for c in cells]
    nonblank = [c for c in cells if not (c is None or (isinstance(c, float) and np.isnan(c)) or not str(c).strip())]
    if nonblank and sum(u is not None for u in as_units) >= max(1, len(nonblank) // 2):
        return as_units
    return None


def _parse_column(col: pd.Series, *, name: str, file: str, first_row: int, negative_as_censored: bool
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """values, codes (0 '', 1 '<', 2 '>', 3 missing), limits."""
    n = len(col)
    codes = np.zeros(n, dtype=np.int8)
    limits = np.full(n, np.nan)
    if col.dtype.kind == "b":  # "True"/"False" read as booleans: text, not a concentration
        col = col.astype(object).map(str)
    if col.dtype.kind in "fiu":  # parsed as numbers by the reader: NaN = blank cell
        num = col.to_numpy(dtype=float, copy=True)
        codes[np.isnan(num)] = 3
        nan = np.zeros(n, dtype=bool)
    else:
        num = pd.to_numeric(col, errors="coerce").to_numpy(dtype=float, copy=True)
        nan = np.isnan(num)
    if nan.any():
        idx = np.flatnonzero(nan)
        text = col.iloc[idx].map(lambda v: "" if v is None or (isinstance(v, float) and np.isnan(v))
                                 else str(v)).str.strip()
        low = text.str.lower()
        miss = low.isin(_MISSING_TOKENS).to_numpy()
        below_tok = low.isin(_BELOW_TOKENS).to_numpy()
        lt = text.str.extract(_LT)[0].astype(float).to_numpy()
        gt = text.str.extract(_GT)[0].astype(float).to_numpy()
        codes[idx[miss]] = 3
        codes[idx[below_tok]] = 1
        is_lt, is_gt = ~np.isnan(lt), ~np.isnan(gt)
        codes[idx[is_lt]] = 1
        limits[idx[is_lt]] = lt[is_lt]
        codes[idx[is_gt]] = 2
        limits[idx[is_gt]] = gt[is_gt]
        num[idx[is_gt]] = gt[is_gt]
        bad = ~(miss | below_tok | is_lt | is_gt)
        if bad.any():
            k = int(np.flatnonzero(bad)[0])
            raise InputError(
                f"text {text.iloc[k]!r} in a numeric column; expected a number, '<DL' form such as '<0.05', "
                "'>10000', or a missing marker (blank, '-', 'n.a.')", file=file, row=int(idx[k]) + first_row,
                column=name)
    neg = num < 0
    if neg.any():
        if not negative_as_censored:
            k = int(np.flatnonzero(neg)[0])
            raise InputError(f"negative value {num[k]} is not a concentration; if negative values mean "
                             "'< |value|' (USGS convention) use negative_as_censored=True",
                             file=file, row=k + first_row, column=name)
        codes[neg] = 1
        limits[neg] = -num[neg]
        num[neg] = np.nan
    return num, codes, limits


def _apply_qualifier(qual: pd.Series, num: np.ndarray, codes: np.ndarray, limits: np.ndarray, *, name: str,
                     file: str, first_row: int) -> None:
    qs = qual.map(lambda v: "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)).str.strip()
    q = qs.str.upper().to_numpy(dtype=str)
    known = np.isin(q, ["", "L", "N", "<", "G", ">", "B", "H"])
    if not known.all():
        k = int(np.flatnonzero(~known)[0])
        raise InputError(f"unknown qualifier {str(q[k])!r}; expected L/N/< (below limit), G/> (above), "
                         "B (not analysed), H (interference) or blank", file=file, row=k + first_row, column=name)
    lt = np.isin(q, ["L", "N", "<"])
    limits[lt] = np.where(np.isnan(limits[lt]), np.abs(num[lt]), limits[lt])
    num[lt] = np.nan
    codes[lt] = 1
    gt = np.isin(q, ["G", ">"])
    limits[gt] = num[gt]
    codes[gt] = 2
    gone = np.isin(q, ["B", "H"])
    num[gone] = np.nan
    codes[gone] = 3


def read_assays(
    path: str | Path,
    *,
    units: str | dict[str, str] | None = None,
    sheet: str | int | None = None,
    id_columns: list[str] | None = None,
    negative_as_censored: bool = True,
) -> AssayTable:
    """Read a CSV/XLSX assay file; see the module docstring for the conventions.

    Parameters
    ----------
    path
        ``.csv``/``.tsv``/``.txt`` or ``.xlsx`` file, one sample per row, header in the first row.
    units
        A unit for every analyte column without one (``"ppm"``), or ``{column: unit}`` overriding all.
    sheet
        Sheet name or index of a workbook (default the first).
    id_columns
        Columns kept as passthrough even if their names look like analytes.
    negative_as_censored
        Read negative values as "< |value|" (USGS NGDB convention); if False they are an error.

    Raises
    ------
    InputError
        Unreadable file, duplicated column names, undeterminable units (columns listed), text in numeric
        cells, negative values (unless ``negative_as_censored``), unknown units or qualifier codes.
    """
    p = Path(path)
    file = str(p)
    if not p.exists():
        raise InputError("file not found", file=file)
    text_file = _is_text_file(p)
    if text_file:
        delim, header, first_cells = _csv_head(p)
        body = pd.DataFrame()
    else:
        header, body = _read_excel(p, sheet)
    names = [h.strip() for h in header]
    dups = sorted({h for h in names if h and names.count(h) > 1})
    if dups:
        raise InputError(f"duplicated column names {dups} (after trimming spaces); rename or drop the duplicates",
                         file=file)
    ids = set(id_columns or [])
    unknown_ids = ids - set(names)
    if unknown_ids:
        raise InputError(f"id_columns {sorted(unknown_ids)} are not in the file; columns are {names}", file=file)
    # analyte and qualifier columns
    analyte_cols: dict[int, tuple[str, str | None]] = {}
    qualifiers: dict[str, int] = {}
    for j, h in enumerate(names):
        if h in ids or not h:
            continue
        parsed = _analyte(h)
        if parsed is not None:
            analyte_cols[j] = parsed
            continue
        m = _QUAL_SUFFIX.match(h)
        if m and _analyte(m.group("base").strip()) is not None:
            qualifiers[m.group("base").strip()] = j
    # units row
    first_row = 1
    if text_file:
        cells: list[Any] = [first_cells[j] if j < len(first_cells) else "" for j in analyte_cols]
    else:
        cells = [body.iat[0, j] for j in analyte_cols] if len(body) else []
    as_units = _units_row(cells) if cells else None
    if as_units is not None:
        for j, u in zip(analyte_cols, as_units, strict=True):
            if u is not None and analyte_cols[j][1] is None:
                analyte_cols[j] = (analyte_cols[j][0], u)
        first_row = 2
        if not text_file:
            body = body.iloc[1:].reset_index(drop=True)
    if text_file:
        body = _read_csv_body(p, delim, len(header), first_row, set(analyte_cols))
    # units precedence: dict > suffix/units row > str
    col_units: dict[str, str] = {}
    undetermined = []
    for j, (_sym, unit) in analyte_cols.items():
        h = names[j]
        if isinstance(units, dict) and h in units:
            u = maybe_unit(units[h])
            if u is None:
                raise InputError(f"unknown unit {units[h]!r} for column {h!r}; expected ppm, ppb, pct or g/t",
                                 file=file, column=h)
            col_units[h] = u
        elif unit is not None:
            col_units[h] = unit
        elif isinstance(units, str):
            u = maybe_unit(units)
            if u is None:
                raise InputError(f"unknown unit {units!r}; expected ppm, ppb, pct (wt%) or g/t", file=file)
            col_units[h] = u
        else:
            undetermined.append(h)
    if undetermined:
        raise InputError(
            f"units cannot be determined for columns {undetermined}: no unit suffix (e.g. 'La_ppm'), no units row "
            "and no units given; pass units='ppm' (or a dict per column) or rename the columns", file=file)
    n_rows, n_an = len(body), len(analyte_cols)
    data2d = np.empty((n_rows, n_an), dtype=float, order="F")
    limits2d = np.empty((n_rows, n_an), dtype=float, order="F")
    codes_all: dict[str, np.ndarray] = {}
    warnings: list[str] = []
    for k, (j, (sym, _unit)) in enumerate(analyte_cols.items()):
        h = names[j]
        num, codes, limits = _parse_column(body[j], name=h, file=file, first_row=first_row,
                                           negative_as_censored=negative_as_censored)
        base = h
        qj = qualifiers.get(base, qualifiers.get(sym))
        if qj is not None:
            _apply_qualifier(body[qj], num, codes, limits, name=names[qj], file=file, first_row=first_row)
        data2d[:, k], limits2d[:, k], codes_all[h] = num, limits, codes
        reported = codes != 3
        if reported.any() and (codes[reported] != 0).all():
            warnings.append(f"column {h!r}: all {int(reported.sum())} reported values are censored; metrics using "
                            f"{sym} are flagged 'censored'")
        elif not reported.any() and len(codes):
            warnings.append(f"column {h!r}: no values (all missing)")
    used = set(analyte_cols) | set(qualifiers.values())
    keep = [j for j in range(len(names)) if j not in used]
    passthrough = body[keep].copy()
    passthrough.columns = pd.Index([names[j] or f"column_{j + 1}" for j in keep])
    index = pd.RangeIndex(len(body))
    cols = [names[j] for j in analyte_cols]
    censored = pd.DataFrame({c: pd.Categorical.from_codes(codes_all[c], dtype=_CENSOR_DTYPE) for c in cols},
                            index=index)
    return AssayTable(
        data=pd.DataFrame(data2d, index=index, columns=cols, copy=False),
        censored=censored,
        detection_limit=pd.DataFrame(limits2d, index=index, columns=cols, copy=False),
        units=col_units,
        analytes={names[j]: s for j, (s, _u) in analyte_cols.items()},
        passthrough=passthrough,
        source=file,
        warnings=warnings,
    )
