"""Typed records of the deposit knowledge base.

The model follows the MinMod (DARPA CriticalMAAS) mineral-site schema, which already combines
MRDS, USMIN and the CMMI deposit classification, flattened into dataclasses:

``SiteRecord`` (one record of one source dataset) → ``Commodity`` (normalised element/commodity
symbol, main or by-product) · ``DepositTypeCandidate`` (CMMI environment → group → type, Cox &
Singer model number, confidence) · ``InventoryRecord`` (ore tonnage, grade, contained metal,
CRIRSCO category, UNFC code, date, cut-off; normalised values next to the original ones).

Every record carries its provenance: the source dataset identifier, the source record id, the
file and the 1-based row (or JSON record index) it came from. The store adds the import time.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

CommodityRole = Literal["main", "byproduct", "unknown"]
DevelopmentStatus = Literal["occurrence", "prospect", "deposit", "producer", "past_producer", "plant", "unknown"]
ResourceCategory = Literal[
    "measured", "indicated", "inferred", "proven", "probable",
    "measured+indicated", "indicated+inferred", "measured+indicated+inferred", "proven+probable",
    "original_resource", "extracted", "cumulative_extracted",
    "historic", "unclassified",
]
ClassificationMethod = Literal[
    "JORC", "CIM", "SAMREC", "PERC", "S-K 1300", "IMIC", "UNFC", "historic", "USGS", "unknown",
]

DEVELOPMENT_STATUSES: tuple[str, ...] = DevelopmentStatus.__args__  # type: ignore[attr-defined]
RESOURCE_CATEGORIES: tuple[str, ...] = ResourceCategory.__args__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class SourceFile:
    """Where a record came from: the file and its 1-based data row (or JSON array index + 1)."""

    file: str
    row: int


@dataclass(frozen=True)
class Commodity:
    """A commodity of a site, normalised to an element symbol or a commodity code.

    ``symbol`` is the element symbol for elements (``Li``, ``Nd``, ``REE`` for the rare-earth group,
    ``Graphite`` style names for industrial minerals, see :mod:`critmin.deposits.vocab`);
    ``observed`` keeps the text of the source.
    """

    symbol: str
    role: CommodityRole = "unknown"
    observed: str = ""


@dataclass(frozen=True)
class DepositTypeCandidate:
    """A deposit-type assignment (CMMI classification, Hofstra et al. 2021) with its confidence."""

    name: str
    environment: str | None = None
    group: str | None = None
    cox_singer_code: str | None = None
    confidence: float | None = None
    source: str | None = None
    observed: str = ""


@dataclass(frozen=True)
class InventoryRecord:
    """One line of mineral inventory (a resource, a reserve, production or an endowment).

    Normalised values are in explicit units (``ore_t`` tonnes, ``grade_pct`` weight percent,
    ``contained_t`` tonnes of the commodity); the original value/unit pairs are kept beside them.
    Partial inventories (a grade without a tonnage …) are allowed.
    """

    commodity: str
    category: str = "unclassified"
    classification_method: str = "unknown"
    unfc_code: str | None = None
    ore_t: float | None = None
    grade_pct: float | None = None
    grade_mg_per_l: float | None = None
    contained_t: float | None = None
    cutoff: str | None = None
    date: str | None = None
    material_form: str | None = None
    zone: str | None = None
    ore_value: float | None = None
    ore_unit: str | None = None
    grade_value: float | None = None
    grade_unit: str | None = None
    contained_value: float | None = None
    contained_unit: str | None = None
    reference: str | None = None


@dataclass
class SiteRecord:
    """One mineral-site record of one source dataset.

    Attributes
    ----------
    source
        The dataset's source identifier (MinMod ``source_id``; otherwise ``--source`` or the file stem).
    record_id
        The record's id as written in the source file (``dep_id``, ``Site_ID``, ``record_id`` …).
    name, aliases
        Primary name and other names (any script: Devanagari and transliterations are aliases).
    lon, lat
        WGS 84 / CRS84 decimal degrees after transformation (``None`` when the source has no location).
    crs
        The CRS the coordinates were given in (e.g. ``EPSG:4267``), kept for provenance.
    location_accuracy_m
        Approximate location uncertainty in metres, where the source states or implies one.
    location_quality
        Source's own location-quality statement (MRDS score A–E, USMIN ``Loc_Scale`` …).
    status
        Development status (see :data:`DEVELOPMENT_STATUSES`).
    attributes
        Other source fields worth keeping (JSON-serialisable), e.g. MRDS ``ore``, ``gangue``, ``model``.
    """

    source: str
    record_id: str
    name: str | None = None
    aliases: list[str] = field(default_factory=list)
    lon: float | None = None
    lat: float | None = None
    crs: str = "EPSG:4326"
    geometry_wkt: str | None = None
    location_accuracy_m: float | None = None
    location_quality: str | None = None
    country: str | None = None
    state: str | None = None
    commodities: list[Commodity] = field(default_factory=list)
    deposit_types: list[DepositTypeCandidate] = field(default_factory=list)
    status: str = "unknown"
    inventory: list[InventoryRecord] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    attributes: dict[str, Any] = field(default_factory=dict)
    origin: SourceFile | None = None

    @property
    def commodity_symbols(self) -> list[str]:
        """Unique commodity symbols in source order."""
        seen: dict[str, None] = {}
        for c in self.commodities:
            seen.setdefault(c.symbol, None)
        return list(seen)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary."""
        return asdict(self)


@dataclass(frozen=True)
class DatasetInfo:
    """What a reader knows about the dataset it read (the store adds organisation and visibility)."""

    source: str
    format: str
    files: tuple[str, ...]
    content_sha256: str
    title: str | None = None
    records_distinct: bool = False
