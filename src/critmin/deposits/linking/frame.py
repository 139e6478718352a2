"""The site table record linking works on, built from :class:`~critmin.deposits.schema.SiteRecord` lists."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from critmin.deposits.schema import SiteRecord

#: columns :func:`critmin.deposits.linking.link` expects
SITE_COLUMNS: tuple[str, ...] = (
    "site_key", "source", "record_id", "name", "aliases", "lon", "lat", "country", "state",
    "commodities", "deposit_types", "location_accuracy_m",
)


def sites_frame(sites: Iterable[SiteRecord]) -> pd.DataFrame:
    """One row per site with the :data:`SITE_COLUMNS` (``site_key`` = position).

    ``deposit_types`` holds the candidate names ordered by confidence (highest first).
    """
    rows = []
    for k, s in enumerate(sites):
        rows.append({
            "site_key": k, "source": s.source, "record_id": s.record_id, "name": s.name,
            "aliases": list(s.aliases), "lon": s.lon, "lat": s.lat, "country": s.country, "state": s.state,
            "commodities": s.commodity_symbols,
            "deposit_types": [d.name for d in sorted(s.deposit_types, key=lambda d: -(d.confidence or 0.0))],
            "location_accuracy_m": s.location_accuracy_m,
        })
    return pd.DataFrame(rows, columns=list(SITE_COLUMNS))


def check_frame(df: pd.DataFrame) -> None:
    """Raise ``InputError`` when a required column is missing or ``site_key`` is not unique."""
    from critmin.errors import InputError

    missing = [c for c in SITE_COLUMNS if c not in df.columns]
    if missing:
        raise InputError(f"site table lacks columns {missing}; expected {list(SITE_COLUMNS)}")
    if df["site_key"].duplicated().any():
        dup = df.loc[df["site_key"].duplicated(), "site_key"].iloc[0]
        raise InputError(f"site_key {dup!r} occurs more than once; site_key must be unique", column="site_key")
