"""Named reference compositions (chondrites, primitive mantle, crust, shale) for normalisation.

Values are typed from the publications into ``critmin/reference/geochem_references.csv`` in the unit of
the published table (McDonough & Sun 1995 give the REE in ppb). :func:`get_reference` always returns ppm:
the unit conversion happens once, at load, so a ppb table can never be divided into ppm data by mistake
(pyrolite's ``Chondrite_MS95`` trap).

Names (``critmin geochem references`` lists them):

=====================================  ==========================================================
``chondrite-palme-oneill-2014``        CI chondrite, Palme & O'Neill (2014) — the default
``chondrite-mcdonough-sun-1995``       CI chondrite, McDonough & Sun (1995) (REE published in ppb)
``chondrite-sun-mcdonough-1989``       CI chondrite, Sun & McDonough (1989)
``chondrite-oneill-2016``              CI chondrite REE, O'Neill (2016) (no Y; used for lambdas)
``primitive-mantle-mcdonough-sun-1995`` pyrolite / primitive mantle, McDonough & Sun (1995) (ppb)
``ucc-rudnick-gao-2003``               upper continental crust, Rudnick & Gao (2003)
``ucc-taylor-mclennan-1985``           upper continental crust, Taylor & McLennan (1985)
``paas-taylor-mclennan-1985``          Post-Archaean Australian Shale, Taylor & McLennan (1985)
=====================================  ==========================================================

pyrolite keys (``Chondrite_PON``, ``Chondrite_MS95`` …) are accepted as aliases.
"""

from __future__ import annotations

import csv
import difflib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Final

import pandas as pd

from critmin.errors import InputError
from critmin.geochem.units import TO_PPM, canonical_unit

__all__ = ["DEFAULT_REFERENCE", "ReferenceInfo", "get_reference", "list_references", "reference_info",
           "resolve_reference_name"]

DEFAULT_REFERENCE: Final = "chondrite-palme-oneill-2014"


@dataclass(frozen=True)
class ReferenceInfo:
    """Description of a reference composition.

    ``units`` names the unit(s) of the published table; values from :func:`get_reference` are ppm.
    """

    name: str
    citation: str
    doi: str
    kind: str
    units: str
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "citation": self.citation, "doi": self.doi, "kind": self.kind,
                "units": self.units, "note": self.note}


_INFO: Final[dict[str, ReferenceInfo]] = {
    i.name: i for i in (
        ReferenceInfo(
            "chondrite-palme-oneill-2014",
            "Palme, H., O'Neill, H.St.C. (2014). Cosmochemical estimates of mantle composition. In: Holland, "
            "H.D., Turekian, K.K. (eds.), Treatise on Geochemistry, 2nd ed., vol. 3, 1-39. Elsevier.",
            "10.1016/B978-0-08-095975-7.00201-1", "chondrite", "ppm; Mg, Al, Si, Ca, Fe, Ni in wt%",
            "CI chondrite (Table 'CI chondrites')."),
        ReferenceInfo(
            "chondrite-mcdonough-sun-1995",
            "McDonough, W.F., Sun, S.-s. (1995). The composition of the Earth. Chemical Geology 120, 223-253.",
            "10.1016/0009-2541(94)00140-4", "chondrite", "REE and heavy trace elements in ppb; others ppm; "
            "Mg, Al, Si, Ca, Fe in wt%", "CI chondrite (Table 1). Converted to ppm at load."),
        ReferenceInfo(
            "chondrite-sun-mcdonough-1989",
            "Sun, S.-s., McDonough, W.F. (1989). Chemical and isotopic systematics of oceanic basalts: "
            "implications for mantle composition and processes. In: Saunders, A.D., Norry, M.J. (eds.), "
            "Magmatism in the Ocean Basins. Geological Society, London, Special Publications 42, 313-345.",
            "10.1144/GSL.SP.1989.042.01.19", "chondrite", "ppm", "CI chondrite (Table 1)."),
        ReferenceInfo(
            "chondrite-oneill-2016",
            "O'Neill, H.St.C. (2016). The smoothness and shapes of chondrite-normalized rare earth element "
            "patterns in basalts. Journal of Petrology 57(8), 1463-1508.",
            "10.1093/petrology/egw047", "chondrite", "ppm",
            "CI chondrite REE only (no Y); the normaliser of the lambda method."),
        ReferenceInfo(
            "primitive-mantle-mcdonough-sun-1995",
            "McDonough, W.F., Sun, S.-s. (1995). The composition of the Earth. Chemical Geology 120, 223-253.",
            "10.1016/0009-2541(94)00140-4", "primitive mantle",
            "REE and heavy trace elements in ppb; others ppm; Mg, Al, Si, Ca, Fe in wt%",
            "Pyrolite (primitive mantle / bulk silicate Earth) model (Table 5). Converted to ppm at load."),
        ReferenceInfo(
            "ucc-rudnick-gao-2003",
            "Rudnick, R.L., Gao, S. (2003). Composition of the continental crust. In: Holland, H.D., "
            "Turekian, K.K. (eds.), Treatise on Geochemistry, vol. 3, 1-64. Elsevier-Pergamon, Oxford.",
            "10.1016/B0-08-043751-6/03016-4", "upper continental crust", "ppm",
            "Recommended upper continental crust."),
        ReferenceInfo(
            "ucc-taylor-mclennan-1985",
            "Taylor, S.R., McLennan, S.M. (1985). The Continental Crust: its Composition and Evolution. "
            "Blackwell Scientific, Oxford, 312 p.",
            "", "upper continental crust", "ppm",
            "Book (no DOI). Upper continental crust; the normaliser of Seredin & Dai (2012) enrichment types."),
        ReferenceInfo(
            "paas-taylor-mclennan-1985",
            "Taylor, S.R., McLennan, S.M. (1985). The Continental Crust: its Composition and Evolution. "
            "Blackwell Scientific, Oxford, 312 p.",
            "", "shale", "ppm", "Book (no DOI). Post-Archaean Australian Shale (PAAS)."),
    )
}

_ALIASES: Final[dict[str, str]] = {
    "chondrite_pon": "chondrite-palme-oneill-2014",
    "chondrite_ms95": "chondrite-mcdonough-sun-1995",
    "chondrite_sm89": "chondrite-sun-mcdonough-1989",
    "chondriteree_on": "chondrite-oneill-2016",
    "pyrolite_ms95": "primitive-mantle-mcdonough-sun-1995",
    "ucc_rg2003": "ucc-rudnick-gao-2003",
    "paas_tm1985": "paas-taylor-mclennan-1985",
    "chondrite": "chondrite-palme-oneill-2014",
    "ci": "chondrite-palme-oneill-2014",
    "pm": "primitive-mantle-mcdonough-sun-1995",
    "ucc": "ucc-rudnick-gao-2003",
    "paas": "paas-taylor-mclennan-1985",
}


def resolve_reference_name(name: str) -> str:
    """Canonical reference name for a name or alias.

    Raises
    ------
    InputError
        For an unknown name, listing the valid names and the closest match.
    """
    key = name.strip()
    if key in _INFO:
        return key
    low = key.lower().replace(" ", "")
    if low in _INFO:
        return low
    if low in _ALIASES:
        return _ALIASES[low]
    close = difflib.get_close_matches(low, list(_INFO), n=1, cutoff=0.5)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    raise InputError(f"unknown reference composition {name!r}; expected one of {', '.join(_INFO)}.{hint}")


def list_references() -> list[ReferenceInfo]:
    """All bundled reference compositions, default first."""
    return list(_INFO.values())


def reference_info(name: str) -> ReferenceInfo:
    """Description (citation, DOI, kind, published units) of a reference composition."""
    return _INFO[resolve_reference_name(name)]


@cache
def _table() -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    ref = resources.files("critmin.reference").joinpath("geochem_references.csv")
    with ref.open("r", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            value_ppm = float(row["value"]) * TO_PPM[canonical_unit(row["unit"])]
            out.setdefault(row["reference"], {})[row["element"]] = value_ppm
    return out


def get_reference(name: str = DEFAULT_REFERENCE) -> pd.Series:
    """Reference composition in ppm, indexed by element symbol (float; a fresh copy on each call).

    ``series.attrs["critmin"]`` holds the :class:`ReferenceInfo` as a dict.
    """
    canonical = resolve_reference_name(name)
    values = _table()[canonical]
    series = pd.Series(values, name=canonical, dtype=float)
    series.index.name = "element"
    series.attrs["critmin"] = {**_INFO[canonical].to_dict(), "units_returned": "ppm"}
    return series
