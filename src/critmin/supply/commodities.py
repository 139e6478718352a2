"""Commodity names, symbols and aliases of the supply domain, and the supply stages.

A commodity is given by name or symbol, case-insensitively: ``gallium``, ``Ga``, ``rare earths``, ``REE``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Literal, get_args

from critmin.errors import InputError
from critmin.reference import table_rows

Stage = Literal["mine", "refinery", "separation", "metal", "alloy", "magnet", "anode"]
STAGES: tuple[str, ...] = get_args(Stage)
"""Supply stages in chain order (``anode`` is the graphite battery-anode stage)."""


@dataclass(frozen=True)
class Commodity:
    """A commodity of the supply tables: canonical symbol, display name, aliases and MCS file code."""

    symbol: str
    name: str
    aliases: tuple[str, ...]
    mcs_code: str
    unit_basis: str


@cache
def commodities() -> dict[str, Commodity]:
    """Shipped commodities keyed by symbol (table ``supply_commodities``)."""
    out = {}
    for r in table_rows("supply_commodities"):
        out[r.symbol] = Commodity(r.symbol, r.name, tuple(a for a in r.aliases.split("|") if a), r.mcs_code,
                                  r.unit_basis)
    return out


def resolve_commodity(text: str, extra: tuple[str, ...] = ()) -> str:
    """Canonical symbol of a commodity given by name, symbol or alias (case-insensitive).

    Parameters
    ----------
    text
        ``"gallium"``, ``"Ga"``, ``"rare earths"``, ``"REE"`` ...
    extra
        Further symbols accepted verbatim (commodities loaded from a user table).

    Raises
    ------
    InputError
        If the name is not known; the message lists the known commodities.
    """
    key = " ".join(str(text).strip().lower().split())
    for sym, c in commodities().items():
        if key == sym.lower() or key == c.name.lower() or key in c.aliases:
            return sym
    for sym in extra:
        if key == sym.lower():
            return sym
    known = ", ".join(f"{c.name} ({s})" for s, c in commodities().items())
    raise InputError(f"unknown commodity {text!r}; expected a name or symbol of one of: {known}"
                     + (f", {', '.join(extra)}" if extra else ""), column="commodity")


def check_stage(stage: str) -> str:
    """Validate a stage name (lower-cased)."""
    s = str(stage).strip().lower()
    if s not in STAGES:
        raise InputError(f"unknown stage {stage!r}; expected one of {', '.join(STAGES)}", column="stage")
    return s
