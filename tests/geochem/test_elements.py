"""Pinned atomic masses (IUPAC standard atomic weights 2021, Prohaska et al. 2022, doi:10.1515/pac-2019-0603)."""

from __future__ import annotations

import pytest

from critmin.errors import InputError
from critmin.geochem.elements import IONIC_RADII_VIII, REE, atomic_mass, formula_mass, parse_formula


@pytest.mark.parametrize(("symbol", "mass"), [
    # Prohaska et al. (2022) Table 1 values (abridged/conventional for O and Li)
    ("La", 138.90547), ("Ce", 140.116), ("Pr", 140.90766), ("Nd", 144.242), ("Sm", 150.36), ("Eu", 151.964),
    ("Gd", 157.25), ("Tb", 158.925354), ("Dy", 162.5), ("Ho", 164.930329), ("Er", 167.259), ("Tm", 168.934219),
    ("Yb", 173.045), ("Lu", 174.9668), ("Y", 88.905838), ("Sc", 44.955907), ("O", 15.999), ("Li", 6.94),
    ("Th", 232.0377), ("U", 238.02891),
])
def test_pinned_masses(symbol: str, mass: float) -> None:
    assert atomic_mass(symbol) == mass


def test_formula_parsing_and_mass() -> None:
    assert parse_formula("Pr6O11") == (("Pr", 6), ("O", 11))
    assert formula_mass("La2O3") == pytest.approx(2 * 138.90547 + 3 * 15.999, rel=1e-15)
    for bad in ("la2o3", "Xx2O3", "Fe(OH)3", ""):
        with pytest.raises(InputError):
            parse_formula(bad)
    with pytest.raises(InputError, match="unknown element"):
        atomic_mass("Pm")


def test_ree_order_and_radii() -> None:
    assert REE[0] == "La" and REE[-1] == "Lu" and "Pm" not in REE and len(REE) == 14
    # Shannon (1976) VIII-fold REE3+ radii decrease monotonically (lanthanide contraction)
    radii = [IONIC_RADII_VIII[e] for e in REE]
    assert radii == sorted(radii, reverse=True)
    assert IONIC_RADII_VIII["La"] == 1.160 and IONIC_RADII_VIII["Lu"] == 0.977
