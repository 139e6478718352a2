"""A small Python facade over the store for notebooks and scripts.

>>> from critmin.store import KnowledgeBase
>>> kb = KnowledgeBase()                                 # CRITMIN_DATABASE_URL or the embedded file
>>> kb.import_files(["Site.csv", "Resources.csv"], "usmin", source="usmin-lithium")
>>> gdf = kb.sites(commodity="Li", bbox=(-125, 30, -100, 45))
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from critmin.deposits.readers.base import Format
from critmin.progress import Progress, no_progress
from critmin.store.db import Database, open_database
from critmin.store.export import ExportFormat, export_sites, sites_frame
from critmin.store.filters import SiteFilter, split_list
from critmin.store.ingest import import_files, load_demo
from critmin.store.links import canonical_site, link_database, record_decision
from critmin.store.sites import ADMIN, get_site, list_datasets, site_detail


def _tuple(v: str | Sequence[str] | None) -> tuple[str, ...]:
    if v is None:
        return ()
    return split_list(v) if isinstance(v, str) else tuple(v)


class KnowledgeBase:
    """The deposit knowledge base of one store (embedded SQLite or PostGIS).

    Parameters
    ----------
    url
        SQLAlchemy URL; default ``CRITMIN_DATABASE_URL`` or the embedded SQLite file.
    upgrade
        Create or migrate the schema on opening.
    """

    def __init__(self, url: str | None = None, *, upgrade: bool = True) -> None:
        self.db: Database = open_database(url)
        if upgrade:
            self.db.upgrade()

    def __repr__(self) -> str:
        return f"KnowledgeBase({self.db.safe_url!r})"

    def import_files(self, paths: Sequence[str | Path], format: Format, *, source: str | None = None,
                     mapping: Mapping[str, Any] | None = None, organisation: str = "demo",
                     visibility: str = "public", progress: Progress = no_progress) -> dict[str, Any]:
        """Import files in one transaction (see :func:`critmin.store.ingest.import_files`)."""
        summary, warnings = import_files(self.db, paths, format, source=source, mapping=mapping,
                                         organisation=organisation, visibility=visibility, progress=progress)
        return {**summary.to_dict(), "warnings": warnings}

    def load_demo(self) -> dict[str, Any]:
        """Load the bundled demo deposits."""
        return load_demo(self.db).to_dict()

    @staticmethod
    def _filter(commodity: str | Sequence[str] | None = None, deposit_type: str | Sequence[str] | None = None,
                status: str | Sequence[str] | None = None, country: str | Sequence[str] | None = None,
                source: str | Sequence[str] | None = None, bbox: tuple[float, float, float, float] | None = None,
                q: str | None = None) -> SiteFilter:
        return SiteFilter(commodity=_tuple(commodity), deposit_type=_tuple(deposit_type), status=_tuple(status),
                          country=_tuple(country), source=_tuple(source), bbox=bbox, q=q)

    def sites(self, *, viewer: str | None = ADMIN, **filters: Any) -> gpd.GeoDataFrame:
        """Matching sites as a GeoDataFrame (EPSG:4326); filters as in :class:`SiteFilter`."""
        gdf, _ = sites_frame(self.db, self._filter(**filters), viewer=viewer, inventory=False)
        return gdf

    def inventory(self, *, viewer: str | None = ADMIN, **filters: Any) -> pd.DataFrame:
        """Inventory lines of the matching sites."""
        _, inv = sites_frame(self.db, self._filter(**filters), viewer=viewer)
        return inv

    def site(self, site_id: int) -> dict[str, Any]:
        """One site with inventory, provenance and links."""
        with self.db.session() as s:
            return site_detail(s, get_site(s, site_id))

    def datasets(self) -> pd.DataFrame:
        """Imported datasets."""
        with self.db.session() as s:
            return pd.DataFrame(list_datasets(s))

    def link(self, *, threshold: float | None = None, output: str | Path | None = None) -> dict[str, Any]:
        """Score and cluster all sites (see :func:`critmin.store.links.link_database`)."""
        return link_database(self.db, threshold=threshold, output=output)

    def decide(self, a: tuple[str, str], b: tuple[str, str], *, same: bool, curator: str,
               note: str | None = None) -> dict[str, Any]:
        """Record a curator decision on the pair of ``(source, record_id)`` records ``a`` and ``b``."""
        return record_decision(self.db, a[0], a[1], b[0], b[1], same=same, curator=curator, note=note)

    def canonical(self, site_id: int) -> dict[str, Any]:
        """The canonical site of ``site_id``'s cluster."""
        return canonical_site(self.db, site_id)

    def export(self, path: str | Path, format: ExportFormat | None = None, **filters: Any) -> int:
        """Export matching sites; returns the number written."""
        return export_sites(self.db, path, format, flt=self._filter(**filters))

    def close(self) -> None:
        """Release database connections."""
        self.db.dispose()
