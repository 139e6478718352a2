"""Export-control events (dated timeline), by-product dependence and US secondary (recycled) supply tables.

References
----------
MOFCOM/GAC announcements as listed in ``SOURCES.supply.toml`` (``supply_export_controls``).
"""

from __future__ import annotations

import pandas as pd

from critmin.reference import load_table
from critmin.supply.commodities import resolve_commodity


def export_controls(commodity: str | None = None) -> pd.DataFrame:
    """Events, oldest first; only those touching ``commodity`` (name or symbol) when given."""
    t = load_table("supply_export_controls").sort_values("effective").reset_index(drop=True)
    if commodity:
        sym = resolve_commodity(commodity)
        t = t[t.commodities.str.split("|").apply(lambda xs: sym in xs)].reset_index(drop=True)
    return t


def byproducts(commodity: str | None = None) -> pd.DataFrame:
    """By-product dependence (qualitative; table ``supply_byproducts``), optionally for one commodity."""
    t = load_table("supply_byproducts")
    if commodity:
        t = t[t.commodity == resolve_commodity(commodity)].reset_index(drop=True)
    return t


def secondary_supply_us() -> pd.DataFrame:
    """US primary and secondary (recycled) production, 2023e, from MCS 2024 Table 5 (as printed)."""
    t = load_table("supply_mcs2024_t5")
    return t[["critical_mineral", "commodity", "year", "us_primary_prod", "us_secondary_prod", "us_prod_notes",
              "edition", "table"]]
