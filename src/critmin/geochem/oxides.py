"""Element ↔ oxide conversion with factors computed from pinned atomic masses, and named oxide sets.

A factor converts a mass fraction of one species into the mass fraction of another species of the same
cation: ``factor(La → La2O3) = M(La2O3) / (2·M(La)) = 1.1728``. Nothing is hard-coded: factors come from
:mod:`critmin.geochem.elements` (IUPAC 2021 atomic weights), evaluated in the same floating-point order
as pyrolite's ``oxide_conversion`` so the two agree exactly.

Named oxide sets (``critmin/reference/oxide_sets.csv``):

``industry``
    La2O3, CeO2, Pr6O11, Nd2O3, Sm2O3, Eu2O3, Gd2O3, Tb4O7, Dy2O3 … Lu2O3, Y2O3 (+ Sc2O3, reported apart
    from TREO). The convention of most company reports (mixed-valence oxides for Ce, Pr and Tb).
``sesquioxide``
    R2O3 for every REE, Y and Sc.
``common``
    Conventional reporting oxides of other critical metals (Li2O, Nb2O5, Ta2O5, ThO2, U3O8, …).
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources
from typing import Literal

import numpy as np
import pandas as pd

from critmin.errors import InputError
from critmin.geochem.elements import formula_mass, is_element, parse_formula

__all__ = [
    "OxideSetName",
    "cation",
    "element_to_oxide",
    "oxide_factor",
    "oxide_set",
    "oxide_set_names",
    "species_to_element_factor",
]

OxideSetName = Literal["industry", "sesquioxide", "common"]


def cation(species: str) -> tuple[str, int]:
    """The one non-oxygen element of an element or simple oxide and its count: ``"Pr6O11"`` → ``("Pr", 6)``.

    Raises
    ------
    InputError
        If the species has no cation or more than one (``"FeTiO3"``), or is not a formula.
    """
    atoms = [(el, n) for el, n in parse_formula(species) if el != "O"]
    if species == "O":
        return ("O", 1)
    if len(atoms) != 1:
        raise InputError(
            f"{species!r} is not an element or a simple oxide of one element; expected e.g. 'Ce' or 'CeO2'"
        )
    return atoms[0]


@cache
def oxide_factor(source: str, target: str) -> float:
    """Mass-fraction factor from ``source`` to ``target`` species of the same element.

    ``oxide_factor("La", "La2O3")`` = 1.1728; ``oxide_factor("CeO2", "Ce")`` = 0.8141;
    ``oxide_factor("CeO2", "Ce2O3")`` converts between oxides.

    Raises
    ------
    InputError
        If the two species do not share their one cation.
    """
    el_in, n_in = cation(source)
    el_out, n_out = cation(target)
    if el_in != el_out:
        raise InputError(f"cannot convert {source!r} to {target!r}: different elements ({el_in} vs {el_out})")
    cation_coefficient = n_in / n_out
    return float(cation_coefficient * formula_mass(target) / formula_mass(source))


def species_to_element_factor(species: str) -> tuple[str, float]:
    """``(element, factor)`` such that ``value[species] * factor`` = mass fraction of the element."""
    el, _ = cation(species)
    return el, (1.0 if species == el else oxide_factor(species, el))


@cache
def _sets() -> dict[str, dict[str, str]]:
    ref = resources.files("critmin.reference").joinpath("oxide_sets.csv")
    out: dict[str, dict[str, str]] = {}
    with ref.open("r", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            out.setdefault(row["set"], {})[row["element"]] = row["oxide"]
    return out


def oxide_set_names() -> list[str]:
    """Names of the shipped oxide sets."""
    return sorted(_sets())


def oxide_set(name: str = "industry") -> dict[str, str]:
    """Element → oxide formula of a named oxide set (a copy).

    Raises
    ------
    InputError
        For an unknown set name.
    """
    try:
        return dict(_sets()[name])
    except KeyError:
        raise InputError(f"unknown oxide set {name!r}; expected one of {', '.join(oxide_set_names())}") from None


def element_to_oxide(ppm: pd.DataFrame, oxide_set_name: str = "industry") -> pd.DataFrame:
    """Convert element columns (ppm) to oxide columns (ppm) of a named oxide set.

    Columns that are not elements of the set are left out; the result's columns are oxide formulae
    (e.g. ``CeO2``) in the input's column order.
    """
    mapping = oxide_set(oxide_set_name)
    cols = [c for c in ppm.columns if isinstance(c, str) and is_element(c) and c in mapping]
    if not cols:
        return pd.DataFrame(index=ppm.index)
    factors = np.array([oxide_factor(c, mapping[c]) for c in cols])
    values = ppm[cols].to_numpy(dtype=float) * factors
    return pd.DataFrame(values, index=ppm.index, columns=[mapping[c] for c in cols])
