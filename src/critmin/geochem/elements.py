"""Elements: pinned atomic masses, REE order and ionic radii, chemical formulae.

Atomic masses are the IUPAC standard atomic weights 2021 (Prohaska et al. 2022), pinned in
``critmin/reference/atomic_masses.csv``; every oxide factor in critmin is computed from them, so a
change of atomic-weight vintage is one reviewed edit of that table.

References
----------
Prohaska, T., Irrgeher, J., Benefield, J., et al. (2022). Standard atomic weights of the elements 2021
(IUPAC Technical Report). Pure and Applied Chemistry 94(5), 573-600. doi:10.1515/pac-2019-0603

Shannon, R.D. (1976). Revised effective ionic radii and systematic studies of interatomic distances in
halides and chalcogenides. Acta Crystallographica A32, 751-767. doi:10.1107/S0567739476001551
"""

from __future__ import annotations

import csv
import re
from functools import cache
from importlib import resources
from typing import Final

from critmin.errors import InputError

__all__ = [
    "IONIC_RADII_VIII",
    "REE",
    "REE_Z",
    "REY",
    "atomic_mass",
    "atomic_masses",
    "formula_mass",
    "is_element",
    "parse_formula",
]

#: the 14 naturally occurring lanthanides, in atomic-number order (Pm has no stable isotope)
REE: Final[tuple[str, ...]] = ("La", "Ce", "Pr", "Nd", "Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er", "Tm", "Yb", "Lu")
#: REE + Y (Y is listed last; on REY diagrams it is plotted between Dy and Ho)
REY: Final[tuple[str, ...]] = (*REE, "Y")
REE_Z: Final[dict[str, int]] = {
    "La": 57, "Ce": 58, "Pr": 59, "Nd": 60, "Sm": 62, "Eu": 63, "Gd": 64, "Tb": 65, "Dy": 66, "Ho": 67,
    "Er": 68, "Tm": 69, "Yb": 70, "Lu": 71,
}
#: Shannon (1976) effective ionic radii of REE3+ in eight-fold coordination, Angstrom (as used by O'Neill 2016)
IONIC_RADII_VIII: Final[dict[str, float]] = {
    "La": 1.160, "Ce": 1.143, "Pr": 1.126, "Nd": 1.109, "Sm": 1.079, "Eu": 1.066, "Gd": 1.053, "Tb": 1.040,
    "Dy": 1.027, "Ho": 1.015, "Er": 1.004, "Tm": 0.994, "Yb": 0.985, "Lu": 0.977,
}


@cache
def _masses() -> dict[str, float]:
    ref = resources.files("critmin.reference").joinpath("atomic_masses.csv")
    with ref.open("r", encoding="utf-8") as fh:
        return {row["symbol"]: float(row["atomic_weight"]) for row in csv.DictReader(fh)}


def atomic_masses() -> dict[str, float]:
    """Pinned atomic weights (g/mol) by element symbol (a copy)."""
    return dict(_masses())


def is_element(symbol: str) -> bool:
    """True if ``symbol`` is an element symbol with a pinned atomic weight (case-sensitive)."""
    return symbol in _masses()


def atomic_mass(symbol: str) -> float:
    """Pinned atomic weight of an element (IUPAC 2021).

    Raises
    ------
    InputError
        If the symbol is not an element with a standard atomic weight.
    """
    try:
        return _masses()[symbol]
    except KeyError:
        raise InputError(
            f"unknown element symbol {symbol!r}; expected a symbol such as 'La' or 'Nd' (case-sensitive) "
            "of an element with a standard atomic weight"
        ) from None


_TOKEN = re.compile(r"([A-Z][a-z]?)(\d*)")


@cache
def parse_formula(formula: str) -> tuple[tuple[str, int], ...]:
    """Parse a simple formula such as ``"Pr6O11"`` into ``(("Pr", 6), ("O", 11))`` (order kept).

    Only element symbols with integer counts are accepted (no brackets, hydrates or charges).

    Raises
    ------
    InputError
        If the text is not such a formula or names an unknown element.
    """
    if not formula or _TOKEN.sub("", formula) != "":
        raise InputError(f"{formula!r} is not a simple chemical formula such as 'La2O3' or 'Pr6O11'")
    counts: dict[str, int] = {}
    for symbol, n in _TOKEN.findall(formula):
        if symbol not in _masses():
            raise InputError(f"formula {formula!r} names an unknown element {symbol!r}")
        counts[symbol] = counts.get(symbol, 0) + (int(n) if n else 1)
    return tuple(counts.items())


def formula_mass(formula: str) -> float:
    """Molar mass (g/mol) of a formula from the pinned atomic weights.

    Summed in formula order as ``0.0 + M(el1)*n1 + M(el2)*n2 ...`` (the same floating-point order as
    the periodictable package, so factors agree bit for bit with tools built on it).
    """
    mass = 0.0
    for symbol, n in parse_formula(formula):
        mass += _masses()[symbol] * n
    return mass
