"""Input limits and safety checks shared by every importer (deposits, assays, project files, rasters).

Limits come from the settings (``CRITMIN_MAX_IMPORT_ROWS``, ``CRITMIN_MAX_GEOMETRY_VERTICES``,
``CRITMIN_MAX_UNCOMPRESSED_MB``) so a deployment can tighten them; every check raises
:class:`~critmin.errors.InputError` naming the file (and row and column where there is one), before anything
is written.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from critmin.config import get_settings
from critmin.errors import InputError

__all__ = ["check_row_count", "check_text_bytes", "check_vertices", "check_zip_container", "refuse_formula_cells",
           "refuse_formula_rows", "refuse_xlsx_formulas"]

#: a spreadsheet formula or a DDE payload: "=…", or a cell starting with +, - or @ that holds a call, a pipe or a
#: sheet reference ("@SUM(A1:A9)", "-2+3+cmd|' /C calc'!A0"); plain "+Plus deposit" or "-12.5" pass (exports
#: still neutralise their leading character)
FORMULA = re.compile(r"^\s*(=|[+\-@].*[(|!])")
#: a compressed container may inflate at most this many times (XLSX sheets are typically 5–20×)
MAX_COMPRESSION_RATIO = 100.0


def check_row_count(n: int, file: str | Path) -> None:
    """Refuse a file with more data rows than ``CRITMIN_MAX_IMPORT_ROWS``."""
    limit = get_settings().max_import_rows
    if n > limit:
        raise InputError(f"{n:,} rows exceed the import limit of {limit:,} rows (CRITMIN_MAX_IMPORT_ROWS); split "
                         "the file or raise the limit", file=file)


def check_text_bytes(raw: bytes, file: str | Path) -> None:
    """Refuse binary data and UTF-16/32 text where UTF-8 (or cp1252) text is expected."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError("the file is UTF-16 text; expected UTF-8 (or Windows-1252): save it as 'CSV UTF-8'",
                         file=file)
    if b"\x00" in raw:
        row = raw[: raw.index(b"\x00")].count(b"\n")
        raise InputError("the file contains NUL bytes (binary data or UTF-16 text); expected a UTF-8 CSV file",
                         file=file, row=row)


def check_zip_container(path: str | Path, *, what: str = "workbook") -> None:
    """Refuse a broken ZIP container (XLSX …), a zip bomb and members with unsafe paths."""
    p = Path(path)
    limit = get_settings().max_uncompressed_mb * 1e6
    try:
        with zipfile.ZipFile(p) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise InputError(f"not a readable {what} (a ZIP container is expected: {exc}); the file may be truncated "
                         "or not an .xlsx file", file=p) from None
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos)
    for i in infos:
        name = i.filename
        if name.startswith(("/", "\\")) or ".." in Path(name).parts or ":" in name:
            raise InputError(f"the {what} holds a member with an unsafe path {name!r}; refusing it", file=p)
        if i.compress_size and i.file_size / i.compress_size > MAX_COMPRESSION_RATIO and i.file_size > 1e6:
            raise InputError(f"member {name!r} inflates {i.file_size / i.compress_size:,.0f}× "
                             f"({i.file_size / 1e6:,.0f} MB from {i.compress_size / 1e3:,.0f} kB): a compression "
                             f"bomb is refused (limit {MAX_COMPRESSION_RATIO:g}×)", file=p)
    if total > limit:
        raise InputError(f"the {what} inflates to {total / 1e6:,.0f} MB (compressed {packed / 1e6:,.1f} MB), over "
                         f"the limit of {limit / 1e6:,.0f} MB (CRITMIN_MAX_UNCOMPRESSED_MB)", file=p)


def refuse_xlsx_formulas(path: str | Path, sheet: str | int | None = None) -> None:
    """Refuse a workbook whose sheet holds formula cells (their values are not stored as data)."""
    import openpyxl

    p = Path(path)
    try:
        wb = openpyxl.load_workbook(p, read_only=True, data_only=False)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, EOFError) as exc:
        raise InputError(f"not a readable workbook: {exc}", file=p) from None
    try:
        ws = wb.worksheets[sheet] if isinstance(sheet, int) else wb[sheet] if sheet else wb.worksheets[0]
    except (KeyError, IndexError):
        wb.close()
        return  # the reader reports the missing sheet
    try:
        for r, row in enumerate(ws.iter_rows(), start=0):
            for cell in row:
                if getattr(cell, "data_type", None) == "f":
                    where = getattr(cell, "coordinate", "?")
                    raise InputError(f"cell {where} holds the formula {str(cell.value)[:60]!r}; formulas are not "
                                     "imported: paste the values instead", file=p, row=r,
                                     column=str(getattr(cell, "column_letter", "")))
    finally:
        wb.close()


def refuse_formula_cells(frame: pd.DataFrame, file: str | Path, *, first_row: int = 1) -> None:
    """Refuse text cells that a spreadsheet would run as formulas (CSV/formula injection).

    ``first_row`` is the row number of the frame's first row in the file's data numbering.
    """
    for column in frame.columns:
        values = frame[column]
        if values.dtype != object and not pd.api.types.is_string_dtype(values):
            continue
        hits = values.astype(str).str.match(FORMULA)
        if bool(hits.any()):
            i = int(np.argmax(hits.to_numpy(dtype=bool)))
            raise InputError(f"cell {str(values.iloc[i])[:60]!r} is a spreadsheet formula; formulas are not "
                             "imported (they run when the data is opened in a spreadsheet): give the value instead",
                             file=file, row=first_row + i, column=str(column))


def refuse_formula_rows(header: Sequence[str], rows: Iterable[Sequence[str]], file: str | Path) -> None:
    """:func:`refuse_formula_cells` for rows of strings (row 1 = the first data row)."""
    for r, row in enumerate(rows, start=1):
        for c, cell in enumerate(row):
            if cell and cell[0] in "=+-@" and FORMULA.match(cell):
                raise InputError(f"cell {cell[:60]!r} is a spreadsheet formula; formulas are not imported (they "
                                 "run when the data is opened in a spreadsheet): give the value instead",
                                 file=file, row=r, column=header[c] if c < len(header) else str(c + 1))


def check_vertices(counts: np.ndarray, file: str | Path) -> None:
    """Refuse geometries with more vertices than ``CRITMIN_MAX_GEOMETRY_VERTICES`` (``counts`` per feature)."""
    limit = get_settings().max_geometry_vertices
    if len(counts) and int(counts.max()) > limit:
        i = int(np.argmax(counts))
        raise InputError(f"a geometry of {int(counts[i]):,} vertices exceeds the limit of {limit:,} vertices "
                         "(CRITMIN_MAX_GEOMETRY_VERTICES); simplify it first", file=file, row=i + 1,
                         column="geometry")
