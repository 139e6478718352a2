"""Column mappings for generic tables (CSV, XLSX, GeoJSON, GeoPackage).

A mapping says which column of a survey table holds which field of a
:class:`~critmin.deposits.schema.SiteRecord`. It is saved as TOML (layout in ``docs/formats.md``)::

    [columns]
    record_id = "ID"
    name = "Name"
    aliases = ["Other names"]          # one or more columns, split on aliases_separator
    aliases_separator = ";"
    aliases_from = ["name_hi", "name_translit"]   # whole cells kept as aliases (any script)
    lat = "Latitude"                   # or x/y with [coordinates] crs
    lon = "Longitude"
    country = "Country"
    state = "State"
    status = "Status"
    commodities = "Commodity"          # or commodities_main / commodities_byproduct
    deposit_type = "Type"

    [coordinates]
    crs = "EPSG:32643"
    format = "dms"                     # "decimal" | "dms" | "auto"

    [inventory]
    commodity = "Commodity"
    ore = "Tonnage"
    ore_unit = "Mt"                    # fixed unit, or ore_unit_column = "Unit"
    grade = "Grade"
    grade_unit = "%"
    category = "Category"
    classification = "Code"
    date = "Year"

Without a mapping, :func:`auto_mapping` recognises common column names.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from critmin.deposits.readers.coords import CoordinateFormat
from critmin.errors import InputError

SITE_FIELDS = ("record_id", "name", "lat", "lon", "x", "y", "country", "state", "status", "commodities",
               "commodities_main", "commodities_byproduct", "deposit_type", "location_accuracy_m",
               "reference")
INVENTORY_FIELDS = ("commodity", "ore", "ore_unit", "ore_unit_column", "grade", "grade_unit",
                    "grade_unit_column", "contained", "contained_unit", "contained_unit_column",
                    "category", "classification", "date", "cutoff")

#: lower-cased column names recognised without a mapping, most specific first
AUTO_NAMES: dict[str, tuple[str, ...]] = {
    "record_id": ("record_id", "site_id", "dep_id", "id", "fid", "objectid", "sl_no", "sl no", "s.no"),
    "name": ("name", "site_name", "deposit_name", "deposit", "site", "locality", "mine", "prospect"),
    "lat": ("latitude", "lat", "lat_wgs84", "latitude_dd", "lat_dd", "y_wgs84"),
    "lon": ("longitude", "lon", "long", "lng", "long_wgs84", "longitude_dd", "lon_dd", "x_wgs84"),
    "x": ("x", "easting"),
    "y": ("y", "northing"),
    "country": ("country",),
    "state": ("state", "state_or_province", "province"),
    "status": ("status", "dev_stat", "development_status", "site_type"),
    "commodities": ("commodities", "commodity", "commod", "commod1", "minerals", "mineral"),
    "deposit_type": ("deposit_type", "dep_type", "type", "model"),
    "aliases": ("aliases", "other_names", "other_name", "alias", "names"),
}


@dataclass
class TabularMapping:
    """A resolved column mapping (see the module docstring for the TOML layout)."""

    columns: dict[str, str] = field(default_factory=dict)
    aliases: list[str] = field(default_factory=list)
    aliases_separator: str = ";"
    aliases_from: list[str] = field(default_factory=list)
    crs: str | None = None
    coordinate_format: CoordinateFormat = "auto"
    inventory: dict[str, str] = field(default_factory=dict)
    layer: str | None = None
    sheet: str | int | None = None

    def used_columns(self) -> list[str]:
        """Every source column the mapping refers to."""
        inv = [v for k, v in self.inventory.items()
               if k in {"commodity", "ore", "grade", "contained", "category", "classification", "date",
                        "cutoff", "ore_unit_column", "grade_unit_column", "contained_unit_column"}]
        return [*self.columns.values(), *self.aliases, *self.aliases_from, *inv]


def _as_list(v: Any) -> list[str]:
    if v is None:
        return []
    if isinstance(v, str):
        return [v]
    return [str(x) for x in v]


def parse_mapping(data: Mapping[str, Any], *, file: str | Path | None = None) -> TabularMapping:
    """Build a :class:`TabularMapping` from a parsed TOML document (or an equivalent dict).

    Keys may be given in ``[columns]``/``[coordinates]``/``[inventory]`` tables or at the top level.

    Raises
    ------
    InputError
        For unknown keys or values of the wrong type.
    """
    cols_in = dict(data.get("columns", {}))
    coords = dict(data.get("coordinates", {}))
    inv = dict(data.get("inventory", {}))
    for k, v in data.items():
        if k in ("columns", "coordinates", "inventory"):
            continue
        if k in ("crs", "coordinate_format", "format_coordinates"):
            coords[k if k == "crs" else "format"] = v
        elif k in ("layer", "sheet", "source", "format"):
            continue
        else:
            cols_in[k] = v
    m = TabularMapping(layer=data.get("layer"), sheet=data.get("sheet"))
    for k, v in cols_in.items():
        if k == "aliases":
            m.aliases = _as_list(v)
        elif k == "aliases_separator":
            m.aliases_separator = str(v)
        elif k == "aliases_from":
            m.aliases_from = _as_list(v)
        elif k in SITE_FIELDS:
            if not isinstance(v, str):
                raise InputError(f"mapping key {k!r} must name one column (a string), got {v!r}", file=file)
            m.columns[k] = v
        else:
            raise InputError(
                f"unknown mapping key {k!r}; expected one of {', '.join(SITE_FIELDS)}, aliases, "
                "aliases_separator, aliases_from", file=file)
    m.crs = coords.get("crs")
    fmt = coords.get("format", "auto")
    if fmt not in ("decimal", "dms", "auto"):
        raise InputError(f"coordinate format {fmt!r} is not one of decimal, dms, auto", file=file)
    m.coordinate_format = fmt
    for k, v in inv.items():
        if k not in INVENTORY_FIELDS:
            raise InputError(f"unknown [inventory] key {k!r}; expected one of {', '.join(INVENTORY_FIELDS)}",
                             file=file)
        m.inventory[k] = str(v)
    return m


def load_mapping(path: str | Path) -> TabularMapping:
    """Read a mapping TOML file."""
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"cannot read the mapping file: {exc}", file=p) from exc
    return parse_mapping(data, file=p)


def auto_mapping(
    columns: Sequence[str], *, file: str | Path | None = None, has_geometry: bool = False
) -> TabularMapping:
    """Guess a mapping from common column names (case-insensitive).

    Raises
    ------
    InputError
        If neither an id/name nor a location can be found (a file with geometry needs no location
        columns); the message lists the columns found.
    """
    lower = {str(c).strip().lower(): str(c) for c in columns}
    m = TabularMapping()
    for fld, names in AUTO_NAMES.items():
        for n in names:
            if n in lower and lower[n] not in m.columns.values():
                if fld == "aliases":
                    m.aliases = [lower[n]]
                else:
                    m.columns[fld] = lower[n]
                break
    has_id = "record_id" in m.columns or "name" in m.columns
    has_loc = has_geometry or ("lat" in m.columns and "lon" in m.columns) or ("x" in m.columns and "y" in m.columns)
    if not has_id or not has_loc:
        raise InputError(
            "cannot tell which columns hold the site id/name and location; columns found: "
            f"{', '.join(map(str, columns))}. Write a mapping file (see docs/formats.md) and pass --mapping",
            file=file,
        )
    if "x" in m.columns and "lat" not in m.columns:
        m.coordinate_format = "decimal"
    return m
