"""Small hand-built reader results for store tests (no files needed)."""

from __future__ import annotations

from critmin.deposits.readers.base import ReadResult
from critmin.deposits.schema import (
    Commodity,
    DatasetInfo,
    DepositTypeCandidate,
    InventoryRecord,
    SiteRecord,
    SourceFile,
)


def site(source: str, rid: str, name: str, lon: float | None, lat: float | None, coms: list[str],
         status: str = "deposit", country: str = "IND", row: int = 1, aliases: list[str] | None = None,
         dtype: str | None = None) -> SiteRecord:
    return SiteRecord(
        source=source, record_id=rid, name=name, aliases=aliases or [], lon=lon, lat=lat, country=country,
        state=None, status=status, commodities=[Commodity(c, "main" if i == 0 else "byproduct", c)
                                                for i, c in enumerate(coms)],
        deposit_types=[DepositTypeCandidate(dtype, "Carbonatite", "Magmatic", "10", 0.9, "test")] if dtype else [],
        inventory=[InventoryRecord(commodity=coms[0], category="inferred", classification_method="JORC",
                                   ore_t=1.5e6, grade_pct=2.5, contained_t=37500.0, ore_value=1.5, ore_unit="Mt",
                                   grade_value=2.5, grade_unit="%")],
        references=["test reference"], origin=SourceFile(f"{source}.csv", row),
    )


def result(source: str, sites: list[SiteRecord], sha: str = "a" * 64) -> ReadResult:
    return ReadResult(datasets={source: DatasetInfo(source=source, format="csv", files=(f"{source}.csv",),
                                                    content_sha256=sha)}, sites=sites)


def world() -> ReadResult:
    """Eight sites in India, the USA, Malawi, Fiji (antimeridian) and one without location."""
    s = [
        site("gsi", "IN-1", "Amba Dongar", 74.05, 22.0, ["REE", "F"], dtype="Carbonatite REE",
             aliases=["अम्बा डोंगर"], row=1),
        site("gsi", "IN-2", "Chavara", 76.53, 8.99, ["Ti", "Zr", "REE"], status="producer", row=2),
        site("gsi", "IN-3", "Salal-Haimana", 74.87, 33.15, ["Li"], status="prospect", row=3),
        site("gsi", "US-1", "Mountain Pass", -115.53, 35.48, ["REE"], status="producer", country="USA", row=4),
        site("gsi", "US-2", "Thacker Pass", -118.08, 41.71, ["Li"], country="USA", row=5),
        site("gsi", "MW-1", "Songwe Hill", 35.15, -15.74, ["REE"], country="MWI", row=6),
        site("gsi", "FJ-1", "Antimeridian East", 179.5, -17.0, ["Au"], country="FJI", row=7),
        site("gsi", "XX-1", "Nowhere", None, None, ["Li"], country=None, row=8),  # type: ignore[arg-type]
    ]
    return result("gsi", s)
