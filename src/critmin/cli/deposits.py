"""``critmin deposits``: import, query, export and link the deposit knowledge base."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from critmin.cli.common import console, handle_errors, print_json, rich_progress
from critmin.errors import InputError
from critmin.store.db import open_database
from critmin.store.filters import SORT_KEYS, SiteFilter, parse_bbox, split_list

app = typer.Typer(help="Deposit knowledge base: import, query, export, link.", no_args_is_help=True)

FORMATS = ["mrds", "usmin", "minmod", "csv", "xlsx", "geojson", "gpkg", "critmin"]


def _mapping(path: Path | None) -> dict[str, Any] | None:
    if path is None:
        return None
    if not path.exists():
        raise InputError("mapping file does not exist", file=path)
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"invalid TOML ({exc}); see docs/formats.md for the mapping layout", file=path) from exc


def _filter(commodity: str | None, deposit_type: str | None, status: str | None, country: str | None,
            source: str | None, bbox: str | None, q: str | None) -> SiteFilter:
    return SiteFilter(commodity=split_list(commodity), deposit_type=split_list(deposit_type),
                      status=split_list(status), country=split_list(country), source=split_list(source),
                      bbox=parse_bbox(bbox), q=q)


@app.command("import")
@handle_errors
def import_(
    paths: list[Path] = typer.Argument(..., help="Files to import (several files of one format)."),
    format: str = typer.Option(..., "--format", "-f", help="One of: " + ", ".join(FORMATS)),
    source: str | None = typer.Option(None, "--source", help="Dataset source id (default: MinMod source_id, "
                                      "else the file stem)."),
    mapping: Path | None = typer.Option(None, "--mapping", help="Column-mapping TOML file (docs/formats.md)."),
    organisation: str | None = typer.Option(None, "--organisation", help="Owner organisation code."),
    visibility: str | None = typer.Option(None, "--visibility", help="private, partners or public."),
    distinct_records: bool = typer.Option(False, "--distinct-records", help="The source is a curated list of "
                                          "distinct sites: never link two of its records automatically."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Import deposit records in one transaction: a bad file writes nothing."""
    from critmin.config import get_settings
    from critmin.store.ingest import import_files

    if format not in FORMATS:
        raise typer.BadParameter(f"{format!r} is not one of {', '.join(FORMATS)}", param_hint="--format")
    s = get_settings()
    db = open_database()
    with rich_progress("import", enabled=not json_out) as progress:
        summary, warnings = import_files(db, paths, format, source=source, mapping=_mapping(mapping),  # type: ignore[arg-type]
                                         organisation=organisation or s.organisation,
                                         visibility=visibility or s.default_visibility,
                                         records_distinct=distinct_records or None, progress=progress)
    if json_out:
        print_json({**summary.to_dict(), "warnings": warnings})
        return
    for d in summary.datasets:
        console.print(f"{d['source']}: {d['action']} ({d['sites']} sites)")
    for w in warnings[:20]:
        console.print(f"[yellow]warning:[/] {w}")


@app.command("list")
@handle_errors
def list_(
    commodity: str | None = typer.Option(None, help="Comma list of commodities (symbols, names or MRDS codes)."),
    deposit_type: str | None = typer.Option(None, "--deposit-type", help="CMMI type, group, environment or "
                                            "Cox & Singer code."),
    status: str | None = typer.Option(None, help="Comma list of statuses."),
    country: str | None = typer.Option(None, help="Comma list of countries."),
    source: str | None = typer.Option(None, help="Comma list of dataset source ids."),
    bbox: str | None = typer.Option(None, help="minx,miny,maxx,maxy in degrees (CRS84)."),
    q: str | None = typer.Option(None, "--q", "--name", help="Name or alias contains."),
    sort: str = typer.Option("name", help="One of " + ", ".join(SORT_KEYS)),
    limit: int = typer.Option(50, min=1, max=100000),
    offset: int = typer.Option(0, min=0),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Query sites with filters, sorting and pagination."""
    from critmin.store.sites import query_sites, site_summary

    if sort not in SORT_KEYS:
        raise typer.BadParameter(f"{sort!r} is not one of {', '.join(SORT_KEYS)}", param_hint="--sort")
    db = open_database()
    db.check_migrated()
    with db.session() as s:
        total, rows = query_sites(s, _filter(commodity, deposit_type, status, country, source, bbox, q),
                                  sort=sort, limit=limit, offset=offset)  # type: ignore[arg-type]
        items = [site_summary(r) for r in rows]
    if json_out:
        print_json({"total": total, "limit": limit, "offset": offset, "items": items})
        return
    t = Table(title=f"{total} sites (showing {len(items)})")
    for col in ("id", "name", "source", "country", "status", "commodities", "lon", "lat"):
        t.add_column(col)
    for it in items:
        t.add_row(str(it["id"]), it["name"] or "", it["source"], it["country"] or "", it["status"],
                  ",".join(it["commodities"]), f"{it['lon']:.4f}" if it["lon"] is not None else "",
                  f"{it['lat']:.4f}" if it["lat"] is not None else "")
    console.print(t)


@app.command("show")
@handle_errors
def show(site_id: int = typer.Argument(..., help="Site id."),
         json_out: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Show one site with inventory, provenance and links."""
    from critmin.store.sites import get_site, site_detail

    db = open_database()
    db.check_migrated()
    with db.session() as s:
        d = site_detail(s, get_site(s, site_id))
    if json_out:
        print_json(d)
    else:
        console.print(d)


@app.command("datasets")
@handle_errors
def datasets(json_out: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """List imported datasets with organisation, visibility and content hash."""
    from critmin.store.sites import list_datasets

    db = open_database()
    db.check_migrated()
    with db.session() as s:
        rows = list_datasets(s)
    if json_out:
        print_json(rows)
        return
    t = Table(title="datasets")
    for col in ("id", "source", "organisation", "visibility", "format", "record_count", "imported_at"):
        t.add_column(col)
    for r in rows:
        t.add_row(*(str(r[c]) for c in ("id", "source", "organisation", "visibility", "format", "record_count",
                                          "imported_at")))
    console.print(t)


@app.command("export")
@handle_errors
def export(
    output: Path = typer.Argument(..., help="Output file (.gpkg, .parquet, .geojson, .csv, .xlsx)."),
    format: str | None = typer.Option(None, "--format", help="gpkg, geoparquet, geojson, csv or xlsx "
                                      "(default: from the file extension)."),
    commodity: str | None = typer.Option(None), deposit_type: str | None = typer.Option(None, "--deposit-type"),
    status: str | None = typer.Option(None), country: str | None = typer.Option(None),
    source: str | None = typer.Option(None), bbox: str | None = typer.Option(None),
    q: str | None = typer.Option(None, "--q", "--name"),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Export sites (same filters as `list`)."""
    from critmin.store.export import export_sites

    db = open_database()
    db.check_migrated()
    n = export_sites(db, output, format,  # type: ignore[arg-type]
                     flt=_filter(commodity, deposit_type, status, country, source, bbox, q))
    if json_out:
        print_json({"output": str(output), "sites": n})
    else:
        console.print(f"wrote {n} sites to {output}")


@app.command("link")
@handle_errors
def link(
    output: Path | None = typer.Option(None, "--output", "-o", help="Write scored candidate pairs to this CSV."),
    threshold: float | None = typer.Option(None, "--threshold", min=0.0, max=1.0,
                                           help="Link probability threshold (default: the model's "
                                           "cross-validated threshold)."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Score every candidate pair of sites, cluster linked sites into canonical sites and store them."""
    from critmin.store.links import link_database

    db = open_database()
    db.check_migrated()
    with rich_progress("link", enabled=not json_out) as progress:
        result = link_database(db, threshold=threshold, output=output, progress=progress)
    if json_out:
        print_json(result)
    else:
        console.print(result)


@app.command("decide")
@handle_errors
def decide(
    source_a: str = typer.Argument(...), record_id_a: str = typer.Argument(...),
    source_b: str = typer.Argument(...), record_id_b: str = typer.Argument(...),
    same: bool = typer.Option(..., "--same/--different", help="Confirm (--same) or reject (--different)."),
    curator: str = typer.Option(..., "--curator", help="Who decides."),
    note: str | None = typer.Option(None, "--note"),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Record a curator's decision on a pair; it overrides the model and survives re-linking."""
    from critmin.store.links import record_decision

    db = open_database()
    db.check_migrated()
    d = record_decision(db, source_a, record_id_a, source_b, record_id_b, same=same, curator=curator, note=note)
    if json_out:
        print_json(d)
    else:
        console.print(d)


@app.command("canonical")
@handle_errors
def canonical(site_id: int = typer.Argument(..., help="Any site id of the cluster."),
              json_out: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Show the merged canonical site of a site's cluster, keeping every source record."""
    from critmin.store.links import canonical_site

    db = open_database()
    db.check_migrated()
    d = canonical_site(db, site_id)
    if json_out:
        print_json(d)
    else:
        console.print(d)
