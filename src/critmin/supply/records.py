"""Rows of a DataFrame as attribute-access records whose cells are typed ``Any`` (for readable, typed loops)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pandas as pd


class Record(dict[str, Any]):
    """One row: ``rec.column`` or ``rec["column"]``."""

    def __getattr__(self, column: str) -> Any:
        try:
            return self[column]
        except KeyError:
            raise AttributeError(column) from None


def records(frame: pd.DataFrame) -> Iterator[Record]:
    """Iterate over the rows of ``frame`` as :class:`Record` objects (column names as strings)."""
    columns = [str(c) for c in frame.columns]
    for values in frame.itertuples(index=False, name=None):
        yield Record(zip(columns, values, strict=True))
