"""Concentration units of assays: canonical names and exact factors to ppm (mass fraction).

Canonical units are ``"ppm"`` (µg/g = mg/kg = g/t), ``"ppb"`` (ng/g), ``"pct"`` (weight percent) and
``"g/t"`` (kept as written, numerically equal to ppm). Factors are definitions: 1 wt% = 10 000 ppm,
1 ppb = 0.001 ppm.
"""

from __future__ import annotations

import re
from typing import Final, Literal

from critmin.errors import UnitError

__all__ = ["TO_PPM", "AssayUnit", "canonical_unit", "maybe_unit", "ppm_to_pct", "to_ppm_factor"]

AssayUnit = Literal["ppm", "ppb", "pct", "g/t"]

#: factor from each canonical unit to ppm
TO_PPM: Final[dict[str, float]] = {"ppm": 1.0, "ppb": 1e-3, "pct": 1e4, "g/t": 1.0}

_ALIASES: Final[dict[str, str]] = {
    "ppm": "ppm", "mg/kg": "ppm", "ug/g": "ppm", "µg/g": "ppm", "μg/g": "ppm", "mgkg": "ppm",
    "ppb": "ppb", "ng/g": "ppb", "ug/kg": "ppb", "µg/kg": "ppb", "μg/kg": "ppb",
    "pct": "pct", "%": "pct", "wt%": "pct", "wt.%": "pct", "wt_%": "pct", "wtpct": "pct", "wt_pct": "pct",
    "percent": "pct", "per_cent": "pct", "wt": "pct",
    "g/t": "g/t", "gpt": "g/t", "g/tonne": "g/t", "gt": "g/t",
}


def _key(text: str) -> str:
    return re.sub(r"[\s()\[\]]", "", text.strip().lower())


def maybe_unit(text: object) -> str | None:
    """Canonical unit for ``text`` or None if it is not a recognised concentration unit."""
    if not isinstance(text, str):
        return None
    return _ALIASES.get(_key(text))


def canonical_unit(text: str) -> str:
    """Canonical unit name (``ppm``, ``ppb``, ``pct``, ``g/t``) for a unit string.

    Raises
    ------
    UnitError
        If the unit is not a mass-fraction unit critmin knows.
    """
    unit = maybe_unit(text)
    if unit is None:
        raise UnitError(
            f"unknown concentration unit {text!r}; expected ppm (mg/kg, µg/g), ppb (ng/g), pct (%, wt%) or g/t"
        )
    return unit


def to_ppm_factor(unit: str) -> float:
    """Multiply a value in ``unit`` by this to get ppm."""
    return TO_PPM[canonical_unit(unit)]


def ppm_to_pct(value_ppm: float) -> float:
    """ppm → weight percent (divide by 10 000)."""
    return value_ppm / 1e4
