"""QA/QC sample classes and batches: which rows of an assay table are CRMs, in-house standards, lab
replicates, field duplicates, blanks or samples, and which batch each belongs to.

Shared by :mod:`critmin.geochem.qaqc` (accuracy, blanks, the report) and :mod:`critmin.geochem.duplicates`
(precision).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

from critmin.errors import InputError

REPLICATE_PATTERN = r"(?i)\s+(?:rpt|rep|repeat|dup|duplicate)\s*$"
FIELD_DUPLICATE_PATTERN = r"QA\s*$"
BLANK_PATTERN = r"(?i)\b(?:blank|blk)\b"
_ID_CANDIDATES = ("sampleno", "sample_no", "sample_id", "sampleid", "sample", "id")


def _key(name: object) -> str:
    """CRM name key: upper case, no spaces, hyphens or underscores ("Till-1" == "TILL 1" == "till_1")."""
    return re.sub(r"[\s\-_]", "", str(name)).upper()


def certified_values() -> pd.DataFrame:
    """The bundled table of CRM certified values (``critmin.reference`` table ``crm_certified_values``).

    Columns: crm, element, value (float), unit, uncertainty (float, NaN if not typed), uncertainty_type
    (1sd | 2sd | ci95 | none), value_type, verification, source. See ``reference/SOURCES.toml``.
    """
    from critmin.reference import load_table

    t = load_table("crm_certified_values")
    t["value"] = pd.to_numeric(t["value"])
    t["uncertainty"] = pd.to_numeric(t["uncertainty"].replace("", np.nan))
    return t


# ------------------------------------------------------------------------------------ classification


def _id_series(table: Any, id_column: str | None) -> pd.Series:
    pt = table.passthrough
    if id_column is None:
        by_key = {re.sub(r"\s", "", str(c)).lower(): c for c in pt.columns}
        found = next((by_key[k] for k in _ID_CANDIDATES if k in by_key), None)
        if found is None:
            if pt.shape[1] == 0:
                raise InputError("the table has no id column to tell CRMs, duplicates and blanks apart")
            found = pt.columns[0]
        id_column = found
    if id_column not in pt.columns:
        raise InputError(f"id column {id_column!r} not found; passthrough columns are {list(pt.columns)}")
    ids = pt[id_column]
    return ids.astype(object).where(ids.notna(), "").astype(str).str.strip().rename("id")


def classify_samples(
    ids: pd.Series,
    *,
    certified: pd.DataFrame | None = None,
    min_standard_repeats: int = 5,
    replicate_pattern: str = REPLICATE_PATTERN,
    field_duplicate_pattern: str = FIELD_DUPLICATE_PATTERN,
    blank_pattern: str = BLANK_PATTERN,
) -> pd.DataFrame:
    """Classify rows by sample id.

    Parameters
    ----------
    ids
        Sample ids in row order.
    certified
        CRM table (default :func:`certified_values`); ids matching a ``crm`` name (ignoring case, spaces,
        hyphens) are class ``"crm"``.
    min_standard_repeats
        Other ids occurring at least this often are in-house ``"standard"`` s (as in GA's QA/QC script).
    replicate_pattern, field_duplicate_pattern, blank_pattern
        Regular expressions; a replicate/field duplicate's parent id is the id with the match removed.

    Returns
    -------
    pandas.DataFrame
        Same index as ``ids``: ``id``, ``sample_class`` (sample | crm | standard | replicate |
        field_duplicate | blank), ``material`` (CRM/standard name), ``parent`` (original id of a
        duplicate, "" otherwise), ``parent_found`` (bool).
    """
    cert = certified_values() if certified is None else certified
    crm_names = {_key(n): str(n) for n in cert["crm"].unique()}
    s = ids.astype(str).str.strip()
    keys = s.map(_key)
    out = pd.DataFrame({"id": s, "sample_class": "sample", "material": "", "parent": ""}, index=ids.index)
    counts = keys.value_counts()
    known = set(s)
    is_blank = s.str.contains(blank_pattern, regex=True)
    out.loc[is_blank, "sample_class"] = "blank"
    rep = s.str.contains(replicate_pattern, regex=True) & ~is_blank
    out.loc[rep, "sample_class"] = "replicate"
    out.loc[rep, "parent"] = s[rep].str.replace(replicate_pattern, "", regex=True).str.strip()
    fd = s.str.contains(field_duplicate_pattern, regex=True) & ~is_blank & ~rep
    fd_parent = s[fd].str.replace(field_duplicate_pattern, "", regex=True).str.strip()
    fd_ok = fd_parent.isin(known)
    out.loc[fd_parent.index[fd_ok], "sample_class"] = "field_duplicate"
    out.loc[fd_parent.index[fd_ok], "parent"] = fd_parent[fd_ok]
    free = out["sample_class"].eq("sample") & s.ne("")
    is_crm = free & keys.isin(crm_names.keys())
    out.loc[is_crm, "sample_class"] = "crm"
    out.loc[is_crm, "material"] = keys[is_crm].map(crm_names)
    is_std = free & ~is_crm & keys.map(counts).ge(min_standard_repeats)
    if is_std.any():
        spelling = s[is_std].groupby(keys[is_std]).agg(lambda v: v.value_counts().index[0])
        out.loc[is_std, "sample_class"] = "standard"
        out.loc[is_std, "material"] = keys[is_std].map(spelling)
    out["parent_found"] = out["parent"].isin(known) & out["parent"].ne("")
    return out


def batches(table: Any, *, batch_column: str | None = None, run_length: int | None = None) -> pd.Series:
    """Batch label of every row: a column's value (datetimes → calendar date) or runs of consecutive rows.

    With neither option every row is in batch ``"all"``. Rows without a batch value are ``"unassigned"``.
    """
    index = table.data.index
    if batch_column is not None and run_length is not None:
        raise InputError("give batch_column or run_length, not both")
    if batch_column is not None:
        if batch_column in table.passthrough.columns:
            col = table.passthrough[batch_column]
        elif batch_column in table.data.columns:
            col = table.data[batch_column]
        else:
            raise InputError(f"batch column {batch_column!r} not found; columns are {list(table.passthrough.columns)}")
        if pd.api.types.is_datetime64_any_dtype(col) or (
                col.notna().any() and col.dropna().map(lambda v: isinstance(v, (datetime, date))).all()):
            lab = pd.to_datetime(col).dt.strftime("%Y-%m-%d")
        else:
            lab = col.astype(object).where(col.notna(), None).map(lambda v: None if v is None else str(v).strip())
        return lab.fillna("unassigned").astype(str).rename("batch")
    if run_length is not None:
        if run_length < 1:
            raise InputError(f"run_length must be >= 1, got {run_length}")
        pos = np.arange(len(index)) // run_length
        n = len(index)
        labels = [f"rows {p * run_length + 1}-{min((p + 1) * run_length, n)}" for p in pos]
        return pd.Series(labels, index=index, name="batch")
    return pd.Series("all", index=index, name="batch")


def _element_columns(table: Any, columns: list[str] | None) -> list[str]:
    cols = list(table.data.columns) if columns is None else columns
    missing = [c for c in cols if c not in table.data.columns]
    if missing:
        raise InputError(f"columns {missing} are not value columns of the table")
    return cols


def _unit_factor(table: Any, col: str) -> float:
    from critmin.geochem.units import to_ppm_factor

    unit = table.units.get(col, "ppm")
    return to_ppm_factor(unit)
