"""Reader registry and the common result type."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import Any, Literal

from critmin.deposits.countries import normalise_country
from critmin.deposits.schema import DatasetInfo, SiteRecord
from critmin.errors import InputError
from critmin.progress import Progress, no_progress

Format = Literal["mrds", "usmin", "minmod", "csv", "xlsx", "geojson", "gpkg", "critmin"]
FORMATS: tuple[str, ...] = Format.__args__  # type: ignore[attr-defined]

#: format -> "module:function"
_READERS: dict[str, str] = {
    "mrds": "critmin.deposits.readers.mrds:read_mrds",
    "usmin": "critmin.deposits.readers.usmin:read_usmin",
    "minmod": "critmin.deposits.readers.minmod:read_minmod",
    "csv": "critmin.deposits.readers.tabular:read_tabular",
    "xlsx": "critmin.deposits.readers.tabular:read_tabular",
    "geojson": "critmin.deposits.readers.tabular:read_tabular",
    "gpkg": "critmin.deposits.readers.tabular:read_tabular",
    "critmin": "critmin.deposits.readers.native:read_native",
}


@dataclass
class ReadResult:
    """Sites read from one or more files, grouped by dataset (source identifier)."""

    datasets: dict[str, DatasetInfo]
    sites: list[SiteRecord] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def read(
    paths: Sequence[str | Path],
    format: Format,
    *,
    source: str | None = None,
    mapping: Mapping[str, Any] | None = None,
    progress: Progress = no_progress,
) -> ReadResult:
    """Read ``paths`` with the reader for ``format``.

    Raises
    ------
    InputError
        For an unknown format, a missing file or bad content (file, row and column named).
    """
    if format not in _READERS:
        raise InputError(f"unknown format {format!r}; expected one of {', '.join(FORMATS)}")
    if not paths:
        raise InputError("no input files given; pass one or more paths")
    ps = [Path(p) for p in paths]
    for p in ps:
        if not p.exists():
            raise InputError("file does not exist; check the path", file=p)
    mod, fn = _READERS[format].split(":")
    reader: Callable[..., ReadResult] = getattr(import_module(mod), fn)
    kwargs: dict[str, Any] = {"source": source, "mapping": mapping, "progress": progress}
    if _READERS[format].endswith("read_tabular"):
        kwargs["format"] = format
    result = reader(ps, **kwargs)
    normalise_countries(result.sites)
    return result


def normalise_countries(sites: list[SiteRecord]) -> None:
    """Store countries as ISO 3166-1 alpha-3 codes, keeping a changed original in ``attributes``.

    Unknown country texts are kept as given.
    """
    for rec in sites:
        if not rec.country:
            continue
        iso3 = normalise_country(rec.country)
        if iso3 is not None and iso3 != rec.country:
            rec.attributes.setdefault("country_observed", rec.country)
            rec.country = iso3
