"""Units of mass (tonnage, contained metal) and of grade, with explicit conversion factors.

Mass units normalise to metric tonnes (``t``); grade units to weight percent (``pct``).
Concentrations of brines (mg/L) have no mass-fraction equivalent without a density and are
kept in mg/L (``grade_mg_per_l``) rather than guessed.

Conversion factors are exact definitions: 1 lb = 0.45359237 kg (international avoirdupois pound,
1959), 1 troy oz = 31.1034768 g, 1 short ton = 2000 lb, 1 long ton = 2240 lb.
"""

from __future__ import annotations

import math
import re
from typing import Final, Literal

from critmin.errors import UnitError

LB_KG: Final = 0.45359237
TROY_OZ_G: Final = 31.1034768
SHORT_TON_T: Final = 2000 * LB_KG / 1000.0
LONG_TON_T: Final = 2240 * LB_KG / 1000.0

#: factor from the unit to metric tonnes
MASS_UNITS_T: Final[dict[str, float]] = {
    "t": 1.0,
    "kt": 1e3,
    "mt": 1e6,  # "Mt" after lower-casing; "metric ton" handled by aliases
    "gt": 1e9,
    "kg": 1e-3,
    "g": 1e-6,
    "lb": LB_KG / 1000.0,
    "klb": 1e3 * LB_KG / 1000.0,
    "mlb": 1e6 * LB_KG / 1000.0,
    "oz": TROY_OZ_G * 1e-6,
    "koz": 1e3 * TROY_OZ_G * 1e-6,
    "moz": 1e6 * TROY_OZ_G * 1e-6,
    "st": SHORT_TON_T,
    "lt": LONG_TON_T,
}

_MASS_ALIASES: Final[dict[str, str]] = {
    "tonne": "t", "tonnes": "t", "ton": "t", "tons": "t", "metric ton": "t", "metric tons": "t",
    "metric tonne": "t", "metric tonnes": "t", "mton": "t",
    "thousand tonnes": "kt", "thousand metric tons": "kt", "kilotonnes": "kt", "kilotonne": "kt",
    "million tonnes": "mt", "million metric tons": "mt", "million tonne": "mt", "megatonnes": "mt",
    "million tons": "mt", "mmt": "mt", "mtonnes": "mt",
    "billion tonnes": "gt",
    "kilogram": "kg", "kilograms": "kg", "gram": "g", "grams": "g",
    "pound": "lb", "pounds": "lb", "lbs": "lb",
    "thousand pounds": "klb", "million pounds": "mlb", "mlbs": "mlb",
    "troy ounce": "oz", "troy ounces": "oz", "ounce": "oz", "ounces": "oz", "ozt": "oz",
    "thousand ounces": "koz", "million ounces": "moz",
    "short ton": "st", "short tons": "st", "long ton": "lt", "long tons": "lt",
}

#: factor from the unit to weight percent
GRADE_UNITS_PCT: Final[dict[str, float]] = {
    "pct": 1.0,
    "ppm": 1e-4,
    "ppb": 1e-7,
    "g/t": 1e-4,
    "mg/kg": 1e-4,
    "kg/t": 0.1,
    "oz/st": TROY_OZ_G / (SHORT_TON_T * 1e6) * 100.0,
    "oz/t": TROY_OZ_G / 1e6 * 100.0,  # troy ounce per metric tonne
    "lb/st": LB_KG / (SHORT_TON_T * 1000.0) * 100.0,
}

_GRADE_ALIASES: Final[dict[str, str]] = {
    "%": "pct", "percent": "pct", "wt%": "pct", "wt %": "pct", "wt-pct": "pct", "wt.%": "pct",
    "weight percent": "pct", "pct": "pct", "%wt": "pct",
    "parts per million": "ppm", "parts per billion": "ppb",
    "g/tonne": "g/t", "grams per tonne": "g/t", "grams per metric ton": "g/t", "gpt": "g/t", "gm/t": "g/t",
    "grams per ton": "g/t",
    "troy ounces per short ton": "oz/st", "ounces per ton": "oz/st", "opt": "oz/st", "oz/ton": "oz/st",
    "pounds per short ton": "lb/st", "lb/ton": "lb/st",
    "kilograms per tonne": "kg/t",
}

CONCENTRATION_UNITS: Final[dict[str, float]] = {"mg/l": 1.0, "g/l": 1000.0, "ppm (brine)": 1.0}
_CONC_ALIASES: Final[dict[str, str]] = {
    "milligrams per liter": "mg/l", "milligrams per litre": "mg/l", "mg/liter": "mg/l",
    "grams per liter": "g/l",
}

GradeKind = Literal["mass_fraction", "concentration"]


def _key(unit: str) -> str:
    return re.sub(r"\s+", " ", unit.strip().lower())


def mass_unit(unit: str) -> str:
    """Return the canonical key of a mass unit (``t``, ``kt``, ``mt``, ``lb``, ``oz`` …).

    Raises
    ------
    UnitError
        If the unit is not a known mass unit.
    """
    k = _key(unit)
    if k in MASS_UNITS_T:
        return k
    if k in _MASS_ALIASES:
        return _MASS_ALIASES[k]
    # "Mt" vs "mt": both mean megatonne in mining usage
    raise UnitError(
        f"unknown mass unit {unit!r}; expected one of t, kt, Mt, kg, lb, klb, Mlb, oz, koz, Moz, short ton, "
        "long ton (or a spelled-out form such as 'million tonnes')"
    )


def to_tonnes(value: float, unit: str) -> float:
    """Convert a mass (ore tonnage or contained metal) to metric tonnes."""
    return float(value) * MASS_UNITS_T[mass_unit(unit)]


def grade_unit(unit: str) -> tuple[str, GradeKind]:
    """Return ``(canonical key, kind)`` of a grade unit.

    ``kind`` is ``"mass_fraction"`` for units convertible to weight percent and
    ``"concentration"`` for brine concentrations (mg/L, g/L).
    """
    k = _key(unit)
    # strip a trailing element symbol, as in "milligrams per liter Li" or "% Li2O"
    k2 = re.sub(r"\s+[a-z][a-z0-9]*$", "", k) if k not in GRADE_UNITS_PCT and k not in _GRADE_ALIASES else k
    for cand in (k, k2):
        if cand in GRADE_UNITS_PCT:
            return cand, "mass_fraction"
        if cand in _GRADE_ALIASES:
            return _GRADE_ALIASES[cand], "mass_fraction"
        if cand in CONCENTRATION_UNITS:
            return cand, "concentration"
        if cand in _CONC_ALIASES:
            return _CONC_ALIASES[cand], "concentration"
    raise UnitError(
        f"unknown grade unit {unit!r}; expected %, ppm, ppb, g/t, kg/t, oz/st (troy ounces per short ton), "
        "lb/st, or a brine concentration mg/L or g/L"
    )


def grade_to_pct(value: float, unit: str) -> float:
    """Convert a mass-fraction grade to weight percent.

    Raises
    ------
    UnitError
        For unknown units and for concentrations (mg/L), which need a brine density.
    """
    key, kind = grade_unit(unit)
    if kind != "mass_fraction":
        raise UnitError(f"grade unit {unit!r} is a concentration; it cannot become wt % without a density")
    return float(value) * GRADE_UNITS_PCT[key]


def parse_number(text: object) -> float | None:
    """Parse a number written as in survey tables: ``"114,000"``, ``" 3.5 "``, ``<Null>`` → None.

    Returns ``None`` for blanks and the usual null markers; raises ``ValueError`` for text.
    """
    if text is None:
        return None
    if isinstance(text, (int, float)):
        f = float(text)
        return None if math.isnan(f) else f
    s = str(text).strip()
    if s == "" or s.lower() in {"<null>", "null", "na", "n/a", "n.a.", "nan", "none", "-", "--"}:
        return None
    s = s.replace(",", "").replace("\u2009", "").replace(" ", "")
    return float(s)
