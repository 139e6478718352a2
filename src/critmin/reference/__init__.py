"""Reference tables shipped with critmin (vocabularies, classifications, cross-walks).

Each table is a CSV file in this package, listed with its source, edition, units and licence in
``SOURCES.toml`` (or a per-domain ``SOURCES.<domain>.toml``).
Tables are read with :func:`load_table` (cached; returns a copy) or, as typed
rows of strings, with :func:`table_rows`, and described by :func:`sources`.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import pandas as pd

from critmin.errors import InputError

__all__ = ["TableRow", "load_table", "sources", "table_names", "table_rows"]


@lru_cache(maxsize=1)
def _sources() -> dict[str, dict[str, Any]]:
    """``SOURCES.toml`` merged with the per-domain ``SOURCES.<domain>.toml`` files (a table name may appear once)."""
    root = resources.files(__name__)
    merged: dict[str, dict[str, Any]] = {}
    extra = sorted(p.name for p in root.iterdir()
                   if p.name.startswith("SOURCES.") and p.name.endswith(".toml") and p.name != "SOURCES.toml")
    names = ["SOURCES.toml", *extra]
    for name in names:
        for table, entry in tomllib.loads(root.joinpath(name).read_text(encoding="utf-8")).items():
            if table in merged:
                raise InputError(f"reference table {table!r} is listed twice ({name} and an earlier SOURCES file); "
                                 "expected each table once; remove one entry")
            merged[table] = entry
    return merged


def sources() -> dict[str, dict[str, Any]]:
    """Return the ``SOURCES.toml`` entries: table name → {file, title, columns, source, edition, units, licence}."""
    return {k: dict(v) for k, v in _sources().items()}


def table_names() -> list[str]:
    """Names of the shipped reference tables."""
    return sorted(_sources())


@cache
def _load(name: str) -> pd.DataFrame:
    entry = _sources().get(name)
    if entry is None:
        raise InputError(
            f"unknown reference table {name!r}; expected one of {', '.join(table_names())}"
        )
    with resources.files(__name__).joinpath(entry["file"]).open("rb") as fh:
        return pd.read_csv(fh, encoding="utf-8", dtype=str, keep_default_na=False)


def load_table(name: str) -> pd.DataFrame:
    """Load a reference table by name (see :func:`table_names`), all columns as strings.

    Empty cells are empty strings, not NaN. The returned frame is a copy and may be modified.

    Raises
    ------
    InputError
        If ``name`` is not a listed table.
    """
    return _load(name).copy()


class TableRow:
    """One row of a reference table: every cell is a string (``""`` for a blank cell).

    Cells are read as attributes (``row.symbol``) or by column name (``row["symbol"]``).
    """

    __slots__ = ("_cells",)

    def __init__(self, cells: Mapping[str, str]) -> None:
        self._cells = dict(cells)

    def __getattr__(self, column: str) -> str:
        try:
            return self._cells[column]
        except KeyError:
            raise AttributeError(f"reference table row has no column {column!r}") from None

    def __getitem__(self, column: str) -> str:
        return self._cells[column]

    def __repr__(self) -> str:
        return f"TableRow({self._cells!r})"


def table_rows(name: str) -> list[TableRow]:
    """Rows of a reference table (see :func:`table_names`) as :class:`TableRow` objects of strings.

    Raises
    ------
    InputError
        If ``name`` is not a listed table.
    """
    frame = _load(name)
    columns = [str(c) for c in frame.columns]
    return [TableRow(dict(zip(columns, map(str, values), strict=True)))
            for values in frame.itertuples(index=False, name=None)]
