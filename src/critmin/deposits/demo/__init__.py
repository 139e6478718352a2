"""Bundled demo data: a curated table of real critical-mineral deposits.

``demo_sites.csv`` holds about 150 deposits that matter to the GSI-USGS partnership (Indian monazite
beach sands and carbonatites, US rare-earth, lithium, cobalt and graphite projects, the South
American lithium triangle, African rare-earth and battery-mineral deposits, and major world
sources). The rows were typed from public facts and carry one citation each; coordinates are
indicative, with an honest ``location_accuracy_m``. ``SOURCES.md`` beside the CSV lists the sources
and the column meanings. The compilation is part of critmin (Apache-2.0).

Columns (in order): ``record_id, name, aliases, lat, lon, location_accuracy_m, country, state,
status, commodities_main, commodities_byproduct, deposit_type, deposit_group, deposit_environment,
cox_singer_code, inventory_category, classification, inventory_date, ore_mt, grades, contained,
citation, notes``. Lists inside a cell are separated by ``|`` (aliases) or ``;`` (commodities,
grades); coordinates are WGS84 decimal degrees; ``country`` is ISO 3166-1 alpha-3.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["DEMO_SITES_COLUMNS", "demo_sites_path", "demo_sources_path"]

DEMO_SITES_COLUMNS: tuple[str, ...] = (
    "record_id", "name", "aliases", "lat", "lon", "location_accuracy_m", "country", "state", "status",
    "commodities_main", "commodities_byproduct", "deposit_type", "deposit_group", "deposit_environment",
    "cox_singer_code", "inventory_category", "classification", "inventory_date", "ore_mt", "grades",
    "contained", "citation", "notes",
)
"""The header of ``demo_sites.csv``, in file order."""


def _resource(name: str) -> Path:
    ref = resources.files(__name__).joinpath(name)
    # The package is installed as files (no zip import), so the traversable is a real path.
    return Path(str(ref))


def demo_sites_path() -> Path:
    """Path of the bundled ``demo_sites.csv`` (UTF-8, comma-separated, one header row).

    Returns
    -------
    pathlib.Path
        The CSV inside the installed ``critmin.deposits.demo`` package.
    """
    return _resource("demo_sites.csv")


def demo_sources_path() -> Path:
    """Path of ``SOURCES.md``, the list of sources and licence note for the demo table."""
    return _resource("SOURCES.md")
