"""Geochemical characterisation of REE and critical-metal samples (pure domain package).

Public API (imported lazily: ``import critmin.geochem`` is cheap; names load on first use)::

    # reading assays  (critmin.geochem.assays)
    read_assays(path, *, units=None, sheet=None, id_columns=None, negative_as_censored=True) -> AssayTable
    AssayTable(data, censored, detection_limit, units, analytes, passthrough, source, warnings)
        .to_ppm(*, below="half", above="limit") -> DataFrame   element columns by symbol, ppm
        .censored_by_element() -> DataFrame                     censoring codes renamed to element symbols
        .censor_codes() -> ndarray[int8]                        0 "", 1 "<", 2 ">", 3 missing (aligned with data)
        .to_dict()
    # elements, units, oxides
    REE, REY, IONIC_RADII_VIII, atomic_mass(symbol), formula_mass(formula)      (critmin.geochem.elements)
    canonical_unit(text), TO_PPM                                                 (critmin.geochem.units)
    oxide_factor(source, target), oxide_set(name), element_to_oxide(ppm, name)   (critmin.geochem.oxides)
    # reference compositions and normalisation
    list_references() -> list[ReferenceInfo]; get_reference(name) -> Series (ppm)  (critmin.geochem.references)
    normalise(ppm, reference="chondrite-palme-oneill-2014")                      (critmin.geochem.normalise)
    # metrics
    ree_metrics(ppm, *, normaliser=..., oxide_set="industry", split="industry", eu_definition="geometric",
                ce_definition="geometric", prices=None, censored=None) -> DataFrame    (critmin.geochem.ree)
    PriceTable(usd_per_kg, date, basis, source="")                              (critmin.geochem.ree)
    lambdas(ppm, *, exclude=("Eu",), exclude_ce=False, min_elements=7) -> DataFrame  (critmin.geochem.lambdas)
    tetrad_effect(normalised) -> DataFrame                                      (critmin.geochem.tetrad)
    characterise(table, *, normalise_to=..., prices=None, oxide_set="industry", below="half") -> DataFrame
                                                                                (critmin.geochem.characterise)
    # pandas accessor (registered by importing critmin.geochem.accessor, or any of normalise/ree/lambdas)
    df.geochem.normalise(ref); df.geochem.ree_metrics(...); df.geochem.lambdas(...); df.geochem.to_oxides(...)

Units: concentrations are ppm unless a name says otherwise (``treo_pct``). Conventions (normaliser, oxide
set, splits, anomaly definitions, prices) are recorded in ``result.attrs["critmin"]``.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS: dict[str, str] = {
    "AssayTable": "assays", "read_assays": "assays",
    "REE": "elements", "REY": "elements", "IONIC_RADII_VIII": "elements", "atomic_mass": "elements",
    "formula_mass": "elements",
    "canonical_unit": "units", "TO_PPM": "units",
    "oxide_factor": "oxides", "oxide_set": "oxides", "element_to_oxide": "oxides",
    "ReferenceInfo": "references", "list_references": "references", "get_reference": "references",
    "DEFAULT_REFERENCE": "references",
    "normalise": "normalise",
    "ree_metrics": "ree", "PriceTable": "ree",
    "lambdas": "lambdas",
    "tetrad_effect": "tetrad",
    "characterise": "characterise",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'critmin.geochem' has no attribute {name!r}")
    value = getattr(import_module(f"critmin.geochem.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
