"""Helpers shared by the readers: text decoding, null markers, cached vocabulary look-ups,
dataset provenance and grade/contained strings such as ``"REO:3.5%;Nb2O5:0.3%"``."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

import pandas as pd

from critmin.deposits import vocab
from critmin.deposits.schema import Commodity, DatasetInfo, DepositTypeCandidate
from critmin.errors import InputError, UnitError
from critmin.limits import check_row_count, check_text_bytes, refuse_formula_cells, refuse_formula_rows
from critmin.provenance import sha256_file, sha256_files
from critmin.units import grade_to_pct, grade_unit, to_tonnes

NULLS = frozenset({"", "<null>", "null", "nan", "none", "n/a", "na"})


def is_null(v: object) -> bool:
    """True for None, NaN and the usual null markers (``<Null>``, empty, "NA" …)."""
    if v is None:
        return True
    if isinstance(v, float):
        return v != v
    return str(v).strip().lower() in NULLS


def text_or_none(v: object) -> str | None:
    """Trimmed text, or None for null markers."""
    return None if is_null(v) else str(v).strip()


def decode(path: Path) -> str:
    """Decode a text file as UTF-8 (with or without BOM), falling back to cp1252 (USMIN, Excel).

    Binary data and UTF-16 text are refused (:func:`critmin.limits.check_text_bytes`).
    """
    raw = path.read_bytes()
    check_text_bytes(raw, path)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _may_hold_formulas(text: str) -> bool:
    """Cheap pre-check over the whole text: could any cell start with a formula?"""
    return _FORMULA_ANYWHERE.search(text) is not None


_FORMULA_ANYWHERE = re.compile(r"(?:^|[,;\t])\"?\s*(?:=|[+\-@][^\n]*[(|!])", re.MULTILINE)


def read_csv_text(path: Path) -> pd.DataFrame:
    """Read a CSV file as strings (no NaN: blanks are ``""``), any of UTF-8/cp1252.

    Refuses repeated column names, more rows than the import limit and cells holding spreadsheet formulas.
    """
    text = decode(path)
    try:
        header = next(csv.reader(io.StringIO(text, newline="")), [])
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error) as exc:
        raise InputError(f"cannot parse as CSV: {exc}; check the delimiter and quoting", file=path) from exc
    names = [h.strip() for h in header]
    repeated = sorted({h for h in names if names.count(h) > 1})
    if repeated:
        raise InputError(f"column name(s) {', '.join(map(repr, repeated))} appear more than once; expected unique "
                         "column names", file=path, row=0)
    check_row_count(len(frame), path)
    if _may_hold_formulas(text):
        refuse_formula_cells(frame, path)
    return frame


def read_csv_rows(path: Path, *, lower: bool = True) -> tuple[list[str], list[list[str]]]:
    """Read a CSV file with the :mod:`csv` module: (header, rows of strings).

    Header names are stripped (and lower-cased unless ``lower=False``); blank lines are skipped.
    Faster than pandas for wide all-text tables that are turned into Python objects anyway.
    """
    text = decode(path)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise InputError("the file is empty; expected a header row and data rows", file=path) from None
    except csv.Error as exc:
        raise InputError(f"cannot parse as CSV: {exc}", file=path, row=0) from exc
    header = [h.strip().lower() if lower else h.strip() for h in header]
    try:
        rows = [r for r in reader if r]
    except csv.Error as exc:
        raise InputError(f"cannot parse as CSV: {exc}; check the quoting", file=path,
                         row=reader.line_num - 1) from exc
    check_row_count(len(rows), path)
    if _may_hold_formulas(text):
        refuse_formula_rows(header, rows, path)
    return header, rows


def require_columns(
    columns: pd.DataFrame | Sequence[str], required: Iterable[str], *, file: Path, layout: str
) -> None:
    """Raise :class:`InputError` listing every required column missing from ``columns``."""
    present = list(columns.columns) if isinstance(columns, pd.DataFrame) else list(columns)
    missing = [c for c in required if c not in present]
    if missing:
        raise InputError(
            f"missing required column(s) {', '.join(missing)} for the {layout} layout; columns found: "
            f"{', '.join(map(str, present))}",
            file=file,
        )


def dataset_info(source: str, fmt: str, paths: Sequence[Path], title: str | None = None) -> DatasetInfo:
    """Provenance of a dataset: its files and the SHA-256 of their content."""
    digest = sha256_file(paths[0]) if len(paths) == 1 else sha256_files(paths)
    return DatasetInfo(source=source, format=fmt, files=tuple(str(p) for p in paths),
                       content_sha256=digest, title=title)


@lru_cache(maxsize=65536)
def commodities_of(cell: str, role: str) -> tuple[Commodity, ...]:
    """Commodities of a multi-valued cell with one role; unknown items keep their text as symbol."""
    out: list[Commodity] = []
    for observed, sym in vocab.normalise_commodities(cell):
        out.append(Commodity(symbol=sym or observed, role=role, observed=observed))  # type: ignore[arg-type]
    return tuple(out)


@lru_cache(maxsize=65536)
def status_of(cell: str) -> str:
    """Cached :func:`critmin.deposits.vocab.normalise_status`."""
    return vocab.normalise_status(cell)


@lru_cache(maxsize=65536)
def deposit_type_of(cell: str, source: str | None = None) -> DepositTypeCandidate | None:
    """A deposit-type candidate for a cell; unknown text is kept with no group/environment."""
    text = text_or_none(cell)
    if text is None:
        return None
    info = vocab.deposit_type(text)
    if info is None:
        return DepositTypeCandidate(name=text, source=source, observed=text)
    return DepositTypeCandidate(
        name=info.type, environment=info.environment, group=info.group,
        cox_singer_code=info.cox_singer_code, confidence=1.0, source=source, observed=text,
    )


def split_names(cell: object, seps: str = ";|") -> list[str]:
    """Split an alias cell on any of ``seps``; blanks and duplicates are dropped."""
    text = text_or_none(cell)
    if text is None:
        return []
    parts = re.split("[" + re.escape(seps) + "]", text)
    seen: dict[str, None] = {}
    for p in parts:
        p = p.strip()
        if p and not is_null(p):
            seen.setdefault(p, None)
    return list(seen)


_MEASURE = re.compile(r"^\s*([-+]?\d[\d,]*(?:\.\d+)?(?:[eE][-+]?\d+)?)\s*(.*?)\s*$")


def parse_measure(text: str) -> tuple[float, str]:
    """Split ``"3.5%"``, ``"1.2 Mt"``, ``"250 g/t"`` into (value, unit)."""
    m = _MEASURE.match(text)
    if not m:
        raise ValueError(f"not a number with a unit: {text!r}")
    return float(m.group(1).replace(",", "")), m.group(2)


def parse_keyed_measures(cell: str) -> list[tuple[str, float, str]]:
    """Parse ``"REO:3.5%;Nb2O5:0.3%"`` into ``[("REO", 3.5, "%"), ("Nb2O5", 0.3, "%")]``."""
    out = []
    for part in cell.split(";"):
        part = part.strip()
        if not part:
            continue
        if ":" not in part:
            raise ValueError(f"expected FORM:VALUE UNIT (e.g. 'Li2O:1.4%'), got {part!r}")
        form, rest = part.split(":", 1)
        value, unit = parse_measure(rest)
        out.append((form.strip(), value, unit.strip()))
    return out


def grade_fields(value: float, unit: str) -> dict[str, float | str | None]:
    """InventoryRecord grade fields for a value/unit (mass fraction → %, brine → mg/L)."""
    key, kind = grade_unit(unit)
    if kind == "concentration":
        factor = 1000.0 if key == "g/l" else 1.0
        return {"grade_mg_per_l": value * factor, "grade_value": value, "grade_unit": unit}
    return {"grade_pct": grade_to_pct(value, unit), "grade_value": value, "grade_unit": unit}


def tonnes(value: float, unit: str) -> float:
    """:func:`critmin.units.to_tonnes` that raises :class:`UnitError` for unknown units."""
    return to_tonnes(value, unit)


__all__ = [
    "NULLS", "UnitError", "commodities_of", "dataset_info", "decode", "deposit_type_of",
    "grade_fields", "is_null", "parse_keyed_measures", "parse_measure", "read_csv_text",
    "require_columns", "split_names", "status_of", "text_or_none", "tonnes",
]
