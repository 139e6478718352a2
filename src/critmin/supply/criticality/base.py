"""The common result table of the criticality methods and the method registry.

Every method returns a :class:`CriticalityResult` whose ``table`` has the columns of :data:`RESULT_COLUMNS`:
one row per commodity (and year), with the method's supply-risk axis, its importance/vulnerability axis where it
has one, the thresholds, the verdict, membership of the published lists and the components as a dictionary.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from critmin.errors import InputError
from critmin.provenance import RunRecord
from critmin.reference import load_table

RESULT_COLUMNS = ("method", "commodity", "year", "stage", "supply_risk", "importance", "score",
                  "threshold_supply_risk", "threshold_importance", "critical", "lists", "components", "source")


@dataclass(frozen=True)
class CriticalityResult:
    """Result of one criticality method: the common table, notes and provenance."""

    method: str
    table: pd.DataFrame
    notes: list[str]
    record: RunRecord

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (rows as records)."""
        return {"method": self.method, "results": self.table.to_dict("records"), "notes": self.notes,
                "provenance": self.record.to_dict()}


def list_membership(symbol: str) -> list[str]:
    """Published lists (``india_2023``, ``us_2022``, ``us_2025``, ``eu_2023``) that contain the commodity."""
    t = load_table("supply_critical_lists")
    return sorted(set(t[t.symbol == symbol].list))


def critical_lists() -> dict[str, list[str]]:
    """Each shipped critical-mineral list as published (mineral names in list order)."""
    t = load_table("supply_critical_lists")
    return {str(k): [str(m) for m in g["mineral"]] for k, g in t.groupby("list", sort=False)}


def read_inputs(path: str | Path) -> pd.DataFrame:
    """Read a criticality inputs CSV (one row per commodity; columns per method, see ``docs/supply.md``)."""
    p = Path(path)
    try:
        return pd.read_csv(p)
    except (OSError, pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise InputError(f"cannot read the criticality inputs ({exc}); expected a CSV", file=p) from None


def require(frame: pd.DataFrame, columns: list[str], method: str, *, what: str = "inputs") -> None:
    """Raise :class:`InputError` naming every missing column a method needs."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(f"the {method} method needs the {what} column(s) {', '.join(missing)}, which we cannot "
                         f"ship; add them (docs/supply.md, 'criticality inputs')", column=missing[0])
    for c in columns:
        bad = frame[c].isna()
        if bad.any():
            row = int(bad.to_numpy().nonzero()[0][0]) + 1
            raise InputError(f"{method}: empty value in column {c!r}", row=row, column=c)


def bounded(frame: pd.DataFrame, column: str, lo: float, hi: float) -> None:
    """Raise when a column has values outside [lo, hi]."""
    v = pd.to_numeric(frame[column], errors="coerce")
    bad = v.isna() | (v < lo) | (v > hi)
    if bad.any():
        row = int(bad.to_numpy().nonzero()[0][0]) + 1
        raise InputError(f"{column} = {frame[column].iloc[row - 1]!r}; expected a number in [{lo}, {hi}]",
                         row=row, column=column)


def get_method(name: str) -> Callable[..., CriticalityResult]:
    """The ``run`` function of a method by name (``eu``, ``usgs2022``, ``geopolrisk``, ``india``)."""
    from critmin.supply.criticality import eu, geopolrisk, india, usgs2022

    methods: dict[str, Callable[..., CriticalityResult]] = {
        "eu": eu.run, "usgs2022": usgs2022.run, "geopolrisk": geopolrisk.run, "india": india.run}
    if name not in methods:
        raise InputError(f"unknown criticality method {name!r}; expected one of {', '.join(methods)}")
    return methods[name]
