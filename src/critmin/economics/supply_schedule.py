"""Export an evaluated project's production and offtake schedule for the supply module.

The frame has the columns agreed with the supply-chain issue (``commodity, stage, country, year, quantity, unit,
basis, offtake_partner, offtake_fraction``): one row per production year with the project's total output
(``offtake_partner`` empty, ``offtake_fraction`` 1.0) plus, for the offtake years, one row with the partner's
ISO3 code and its fraction. ``critmin.supply.diversification.add_supply`` converts the basis and recomputes
concentration and the partner's supply risk.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from critmin.errors import InputError

if TYPE_CHECKING:
    from critmin.economics.evaluate import EconResult

__all__ = ["COLUMNS", "production_schedule"]

COLUMNS: tuple[str, ...] = ("commodity", "stage", "country", "year", "quantity", "unit", "basis",
                            "offtake_partner", "offtake_fraction")
_TONNE_UNITS = {"t", "tonne", "tonnes", "metric tonnes"}


def production_schedule(result: EconResult) -> pd.DataFrame:
    """The production/offtake schedule of an evaluated project (see the module docstring).

    Quantities are tonnes of ``project.basis``; the product unit must be tonnes (``product`` "t …" or "t").

    Raises
    ------
    InputError
        If ``project.country``, ``project.first_year``, ``project.commodity``, ``project.stage`` or
        ``project.basis`` is missing, or the product is not counted in tonnes.
    """
    p = result.project
    for key, val in (("country", p.country), ("first_year", p.first_year), ("commodity", p.commodity),
                     ("stage", p.stage), ("basis", p.basis)):
        if val in ("", None):
            raise InputError(f"project.{key}: missing; the supply schedule needs [project] country (ISO3), "
                             "first_year, commodity, stage and basis", file=p.source_file or None,
                             column=f"project.{key}")
    unit_word = p.product.strip().split(" ")[0].lower()
    if unit_word not in _TONNE_UNITS:
        raise InputError(f"project.product: {p.product!r} is not counted in tonnes; the schedule unit is 't' "
                         "(write the product as 't LCE', 't TREO', …)", file=p.source_file or None,
                         column="project.product")
    c, life = result.flows.construction_years, result.flows.life_years
    q = result.flows["production"][0, c:c + life]
    assert p.first_year is not None
    years = p.first_year + c + np.arange(life)
    base = pd.DataFrame({"commodity": p.commodity, "stage": p.stage, "country": p.country, "year": years.astype(int),
                         "quantity": q.astype(float), "unit": "t", "basis": p.basis, "offtake_partner": "",
                         "offtake_fraction": 1.0})
    frames = [base]
    o = p.offtake
    if o.partner and o.fraction > 0 and o.years > 0:
        off = base.iloc[: min(o.years, life)].copy()
        off["offtake_partner"] = o.partner
        off["offtake_fraction"] = o.fraction
        frames.append(off)
    out = pd.concat(frames, ignore_index=True)
    return out.loc[:, list(COLUMNS)]
