"""Reference tables shipped with critmin (vocabularies, classifications, cross-walks).

Each table is a CSV file in this package, listed with its source, edition, units and licence in
``SOURCES.toml``. Tables are read with :func:`load_table` (cached; returns a copy) and described
by :func:`sources`.
"""

from __future__ import annotations

import tomllib
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import pandas as pd

from critmin.errors import InputError

__all__ = ["load_table", "sources", "table_names"]


@lru_cache(maxsize=1)
def _sources() -> dict[str, dict[str, Any]]:
    text = resources.files(__name__).joinpath("SOURCES.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


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
    with resources.files(__name__).joinpath(entry["file"]).open("r", encoding="utf-8", newline="") as fh:
        return pd.read_csv(fh, dtype=str, keep_default_na=False)


def load_table(name: str) -> pd.DataFrame:
    """Load a reference table by name (see :func:`table_names`), all columns as strings.

    Empty cells are empty strings, not NaN. The returned frame is a copy and may be modified.

    Raises
    ------
    InputError
        If ``name`` is not a listed table.
    """
    return _load(name).copy()
