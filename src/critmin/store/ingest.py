"""Read files with a deposit reader and write them to the store in one transaction."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from critmin.deposits.readers.base import Format, read
from critmin.progress import Progress, no_progress
from critmin.store.db import Database
from critmin.store.sites import ImportSummary, import_sites


def import_files(
    db: Database,
    paths: Sequence[str | Path],
    format: Format,
    *,
    source: str | None = None,
    mapping: Mapping[str, Any] | None = None,
    organisation: str = "demo",
    visibility: str = "public",
    records_distinct: bool | None = None,
    progress: Progress = no_progress,
) -> tuple[ImportSummary, list[str]]:
    """Read ``paths`` and write every record in one transaction; a bad file writes nothing.

    Returns the import summary and the reader's warnings.
    """
    db.check_migrated()
    result = read(paths, format, source=source, mapping=mapping, progress=progress)
    with db.transaction() as session:
        summary = import_sites(session, result, organisation=organisation, visibility=visibility,
                               records_distinct=records_distinct, progress=progress)
    return summary, result.warnings


def load_demo(db: Database, *, progress: Progress = no_progress) -> ImportSummary:
    """Load the bundled demo deposits (public, organisation ``demo``; a curated list of distinct sites)."""
    from critmin.deposits.demo import demo_sites_path

    summary, _ = import_files(db, [demo_sites_path()], "critmin", source="critmin-demo", organisation="demo",
                              visibility="public", records_distinct=True, progress=progress)
    return summary
