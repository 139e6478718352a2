"""Repository of mineral sites: transactional imports, filtered queries, details, facets.

Visibility: ``viewer`` is the organisation code of whoever asks (``None`` = anonymous). A dataset is
visible when it is public, when the viewer owns it, or when it is shared with partners and the viewer
is a known organisation. ``viewer="*"`` (local administration: the CLI) sees everything.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

import numpy as np
import shapely
from sqlalchemy import (
    Column,
    Float,
    Integer,
    MetaData,
    Select,
    Table,
    and_,
    delete,
    func,
    insert,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Session, defer

from critmin.deposits.readers.base import ReadResult
from critmin.deposits.schema import SiteRecord
from critmin.errors import InputError, NotFoundError
from critmin.progress import Progress, no_progress
from critmin.provenance import utcnow
from critmin.store.filters import SiteFilter, SortKey
from critmin.store.tables import (
    Dataset,
    Inventory,
    Organisation,
    Site,
    SiteCommodity,
    SiteDepositType,
    SiteLink,
)
from critmin.store.visibility import ADMIN, Right, visibility_clause

_rtree_md = MetaData()
site_rtree = Table(
    "site_rtree", _rtree_md,
    Column("id", Integer), Column("minx", Float), Column("maxx", Float), Column("miny", Float), Column("maxy", Float),
)

BATCH = 5000


@dataclass
class ImportSummary:
    """What an import did, per dataset."""

    datasets: list[dict[str, Any]] = field(default_factory=list)

    @property
    def sites_written(self) -> int:
        return sum(d["sites"] for d in self.datasets if d["action"] != "unchanged")

    def to_dict(self) -> dict[str, Any]:
        return {"datasets": self.datasets, "sites_written": self.sites_written}


def get_or_create_organisation(session: Session, code: str, name: str | None = None) -> Organisation:
    """The organisation with ``code``, created if missing."""
    org = session.execute(select(Organisation).where(Organisation.code == code)).scalar_one_or_none()
    if org is None:
        org = Organisation(code=code, name=name or code)
        session.add(org)
        session.flush()
    return org


def _visible(viewer: str | None, right: Right = "view") -> Any:
    return visibility_clause(Dataset.visibility, viewer, right)


def _norm(s: str | None) -> str | None:
    return s.strip().lower() if s else None


def _site_row(rec: SiteRecord, dataset_id: int, now: datetime) -> dict[str, Any]:
    dts = rec.deposit_types
    top = max(dts, key=lambda d: (d.confidence if d.confidence is not None else 1.0)) if dts else None
    names = [rec.name or "", *rec.aliases]
    return {
        "dataset_id": dataset_id,
        "record_id": str(rec.record_id),
        "name": rec.name,
        "name_norm": (_norm(rec.name) or "")[:512] or None,
        "search_text": " | ".join(n.lower() for n in names if n),
        "aliases": list(rec.aliases),
        "lon": rec.lon,
        "lat": rec.lat,
        "geom": shapely.Point(rec.lon, rec.lat) if rec.lon is not None and rec.lat is not None else None,
        "footprint_wkt": rec.geometry_wkt if rec.geometry_wkt and not rec.geometry_wkt.startswith("POINT") else None,
        "crs": rec.crs,
        "location_accuracy_m": rec.location_accuracy_m,
        "location_quality": rec.location_quality,
        "country": rec.country,
        "state": rec.state,
        "status": rec.status or "unknown",
        "commodities": ";".join(rec.commodity_symbols),
        "deposit_type": top.name if top else None,
        "deposit_group": top.group if top else None,
        "deposit_environment": top.environment if top else None,
        "cox_singer_code": top.cox_singer_code if top else None,
        "references": list(rec.references),
        "attributes": dict(rec.attributes),
        "source_file": rec.origin.file if rec.origin else None,
        "source_row": rec.origin.row if rec.origin else None,
        "imported_at": now,
        "canonical_id": None,
    }


def _reserve_ids(session: Session, n: int) -> list[int]:
    if n == 0:
        return []
    if session.get_bind().dialect.name == "postgresql":
        return list(session.execute(text("SELECT nextval('site_id_seq') FROM generate_series(1, :n)"), {"n": n})
                    .scalars())
    start = session.execute(select(func.coalesce(func.max(Site.id), 0))).scalar_one() + 1
    return list(range(start, start + n))


def _check_records(result: ReadResult) -> None:
    seen: dict[tuple[str, str], SiteRecord] = {}
    for rec in result.sites:
        key = (rec.source, str(rec.record_id))
        if key in seen:
            o, first = rec.origin, seen[key].origin
            raise InputError(
                f"record id {rec.record_id!r} appears twice in source {rec.source!r} "
                f"(first at row {first.row if first else '?'}); record ids must be unique "
                "within a dataset",
                file=o.file if o else None, row=o.row if o else None, column="record_id",
            )
        seen[key] = rec
        if rec.source not in result.datasets:
            raise InputError(f"record {rec.record_id!r} names source {rec.source!r}, which the reader did not declare")


def import_sites(
    session: Session,
    result: ReadResult,
    *,
    organisation: str,
    visibility: str = "public",
    records_distinct: bool | None = None,
    progress: Progress = no_progress,
) -> ImportSummary:
    """Write a reader's result in the caller's transaction (all or nothing).

    A dataset whose files have the same content hash as the stored one is left unchanged (re-importing
    the same file is idempotent). A changed dataset is replaced; sites keep their ids where the
    record id is unchanged, so curator decisions and links stay attached. ``records_distinct`` declares
    the dataset a curated compilation whose records are never auto-linked with each other (default: what
    the reader says).
    """
    if visibility not in ("private", "partners", "public"):
        raise InputError(f"visibility {visibility!r}: expected private, partners or public")
    _check_records(result)
    org = get_or_create_organisation(session, organisation)
    now = utcnow()
    summary = ImportSummary()
    by_source: dict[str, list[SiteRecord]] = {s: [] for s in result.datasets}
    for rec in result.sites:
        by_source[rec.source].append(rec)
    total = len(result.sites)
    done = 0
    dialect = session.get_bind().dialect.name
    rtree_trigger: str | None = None
    written: list[int] = []
    for source, info in result.datasets.items():
        recs = by_source[source]
        ds = session.execute(
            select(Dataset).where(Dataset.organisation_id == org.id, Dataset.source == source)
        ).scalar_one_or_none()
        distinct = info.records_distinct if records_distinct is None else records_distinct
        if ds is not None and ds.content_sha256 == info.content_sha256 and ds.record_count == len(recs):
            ds.records_distinct = distinct
            summary.datasets.append({"source": source, "action": "unchanged", "sites": len(recs), "id": ds.id})
            done += len(recs)
            progress(done, total, f"{source}: unchanged")
            continue
        old_ids: dict[str, int] = {}
        action = "created"
        if ds is None:
            ds = Dataset(source=source, organisation_id=org.id, visibility=visibility, format=info.format,
                         title=info.title, files=list(info.files), content_sha256=info.content_sha256,
                         imported_at=now, record_count=len(recs), records_distinct=distinct)
            session.add(ds)
            session.flush()
        else:
            action = "replaced"
            old_ids = dict(session.execute(select(Site.record_id, Site.id).where(Site.dataset_id == ds.id)).all())
            ids_sq = select(Site.id).where(Site.dataset_id == ds.id)
            for tbl in (SiteCommodity, SiteDepositType, Inventory):
                session.execute(delete(tbl).where(tbl.site_id.in_(ids_sq)))
            session.execute(delete(SiteLink).where(or_(SiteLink.site_a_id.in_(ids_sq), SiteLink.site_b_id.in_(ids_sq))))
            session.execute(delete(Site).where(Site.dataset_id == ds.id))
            ds.visibility = visibility
            ds.format = info.format
            ds.title = info.title
            ds.files = list(info.files)
            ds.content_sha256 = info.content_sha256
            ds.imported_at = now
            ds.record_count = len(recs)
            ds.records_distinct = distinct
        new_n = sum(1 for r in recs if str(r.record_id) not in old_ids)
        fresh = iter(_reserve_ids(session, new_n))
        if rtree_trigger is None and dialect == "sqlite":
            rtree_trigger = _suspend_rtree_trigger(session)
        for start in range(0, len(recs), BATCH):
            chunk = recs[start:start + BATCH]
            site_rows, com_rows, dt_rows, inv_rows = [], [], [], []
            for rec in chunk:
                sid = old_ids.get(str(rec.record_id)) or next(fresh)
                row = _site_row(rec, ds.id, now)
                row["id"] = sid
                site_rows.append(row)
                seen_sym: set[str] = set()
                for c in rec.commodities:
                    if c.symbol in seen_sym:
                        continue
                    seen_sym.add(c.symbol)
                    com_rows.append({"site_id": sid, "symbol": c.symbol, "role": c.role, "observed": c.observed,
                                     "dataset_id": ds.id, "lon": row["lon"], "lat": row["lat"]})
                for rank, d in enumerate(rec.deposit_types):
                    dt_rows.append({"site_id": sid, "rank": rank, "name": d.name, "group_name": d.group,
                                    "environment": d.environment, "cox_singer_code": d.cox_singer_code,
                                    "confidence": d.confidence, "source": d.source, "observed": d.observed})
                for inv in rec.inventory:
                    inv_rows.append({"site_id": sid, **inv.__dict__})
            _encode_points(site_rows, dialect)
            # Core inserts: one executemany per table (the ORM bulk path splits rows by their None pattern)
            session.execute(insert(_table(Site)), site_rows)
            if com_rows:
                session.execute(insert(_table(SiteCommodity)), com_rows)
            if dt_rows:
                session.execute(insert(_table(SiteDepositType)), dt_rows)
            if inv_rows:
                session.execute(insert(_table(Inventory)), inv_rows)
            done += len(chunk)
            progress(done, total, source)
        written.append(ds.id)
        summary.datasets.append({"source": source, "action": action, "sites": len(recs), "id": ds.id})
    if rtree_trigger is not None:
        _resume_rtree_trigger(session, rtree_trigger, written)
    if dialect == "postgresql":
        session.execute(text("SELECT setval('site_id_seq', GREATEST((SELECT max(id) FROM site), 1))"))
    return summary


def _table(model: Any) -> Table:
    """The Core table of an ORM class (for executemany inserts without the ORM's per-row bookkeeping)."""
    return cast(Table, model.__table__)


def _encode_points(rows: list[dict[str, Any]], dialect: str) -> None:
    """Fill ``geom`` of site rows with encoded points, vectorised (WKB; hex EWKB with SRID on PostGIS)."""
    xy = np.array([(r["lon"], r["lat"]) if r["lon"] is not None and r["lat"] is not None else (np.nan, np.nan)
                   for r in rows], dtype=float).reshape(-1, 2)
    ok = ~np.isnan(xy).any(axis=1)
    if not ok.any():
        return
    pts = shapely.points(xy[ok])
    if dialect == "postgresql":
        enc = shapely.to_wkb(shapely.set_srid(pts, 4326), hex=True, include_srid=True)
    else:
        enc = shapely.to_wkb(pts)
    for i, e in zip(np.flatnonzero(ok), enc, strict=True):
        rows[int(i)]["geom"] = e


def _suspend_rtree_trigger(session: Session) -> str | None:
    """Drop SQLite's per-row R*Tree insert trigger for a bulk import; returns its SQL to re-create it.

    Called after the import's first write, so the DROP runs inside the import's transaction (SQLite DDL is
    transactional): a failed import rolls the trigger back with everything else.
    """
    sql = session.execute(text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'site_rtree_insert'")
                          ).scalar_one_or_none()
    if sql is not None:
        session.execute(text("DROP TRIGGER site_rtree_insert"))
    return sql


def _resume_rtree_trigger(session: Session, sql: str, dataset_ids: list[int]) -> None:
    """Index the imported sites in the R*Tree in one statement and re-create the insert trigger."""
    for ds_id in dataset_ids:
        session.execute(text("INSERT INTO site_rtree SELECT id, lon, lon, lat, lat FROM site "
                             "WHERE dataset_id = :ds AND lon IS NOT NULL AND lat IS NOT NULL"), {"ds": ds_id})
    session.execute(text(sql))


def _boxes(bbox: tuple[float, float, float, float]) -> list[tuple[float, float, float, float]]:
    minx, miny, maxx, maxy = bbox
    return [(minx, miny, maxx, maxy)] if minx <= maxx else [(minx, miny, 180.0, maxy), (-180.0, miny, maxx, maxy)]


def _commodity_subquery(flt: SiteFilter, dataset_ids: list[int] | None) -> Select[Any]:
    """Site ids with any of the filter's commodities (groups expanded), inside its bbox and datasets:
    one range scan of ``ix_site_commodity_symbol_xy``."""
    from critmin.deposits.vocab import commodity_group

    syms = sorted({m for c in flt.commodity for m in commodity_group(c)})
    sub = select(SiteCommodity.site_id).where(SiteCommodity.symbol.in_(syms))
    if flt.bbox is not None:
        conds = [and_(SiteCommodity.lon >= a, SiteCommodity.lon <= c, SiteCommodity.lat >= b, SiteCommodity.lat <= d)
                 for a, b, c, d in _boxes(flt.bbox)]
        sub = sub.where(or_(*conds) if len(conds) > 1 else conds[0])
    if dataset_ids is not None:
        sub = sub.where(SiteCommodity.dataset_id.in_(dataset_ids))
    return sub


def _source_ids(session: Session, flt: SiteFilter, visible: list[int] | None) -> list[int] | None:
    """Dataset ids allowed by visibility and the ``source`` filter (None = no restriction)."""
    if not flt.source:
        return visible
    ids = list(session.execute(select(Dataset.id).where(Dataset.source.in_(flt.source))).scalars())
    return ids if visible is None else [i for i in ids if i in set(visible)]


def _apply_filter(stmt: Select[Any], flt: SiteFilter, dialect: str, dataset_ids: list[int] | None = None
                  ) -> Select[Any]:
    """Add the filter's conditions to a ``select(Site)``; ``dataset_ids`` restricts to visible datasets."""
    from critmin.deposits.countries import normalise_country

    if dataset_ids is not None:
        stmt = stmt.where(Site.dataset_id.in_(dataset_ids))
    if flt.commodity:
        stmt = stmt.where(Site.id.in_(_commodity_subquery(flt, dataset_ids)))
    if flt.status:
        stmt = stmt.where(Site.status.in_([s.lower().replace(" ", "_") for s in flt.status]))
    if flt.country:
        wanted = {c.lower() for c in flt.country} | {(normalise_country(c) or c).lower() for c in flt.country}
        stmt = stmt.where(func.lower(Site.country).in_(sorted(wanted)))
    if flt.deposit_type:
        dts = [d.lower() for d in flt.deposit_type]
        stmt = stmt.where(or_(func.lower(Site.deposit_type).in_(dts), func.lower(Site.deposit_group).in_(dts),
                              func.lower(Site.deposit_environment).in_(dts), func.lower(Site.cox_singer_code).in_(dts)))
    if flt.q:
        like = f"%{flt.q.strip().lower()}%"
        stmt = stmt.where(Site.search_text.like(like))
    if flt.ids:
        stmt = stmt.where(Site.id.in_(flt.ids))
    if flt.bbox is not None and not flt.commodity:  # with a commodity the subquery already applied the bbox
        boxes = _boxes(flt.bbox)
        if dialect == "postgresql":
            conds = [Site.geom.op("&&")(func.ST_MakeEnvelope(a, b, c, d, 4326)) for a, b, c, d in boxes]
        else:
            conds = [Site.id.in_(select(site_rtree.c.id).where(and_(
                site_rtree.c.minx <= c, site_rtree.c.maxx >= a, site_rtree.c.miny <= d, site_rtree.c.maxy >= b)))
                for a, b, c, d in boxes]
        stmt = stmt.where(or_(*conds) if len(conds) > 1 else conds[0])
    return stmt


def visible_dataset_ids(session: Session, viewer: str | None, right: Right = "view") -> list[int] | None:
    """Ids of the datasets ``viewer`` may see (or download, with ``right="download"``), None when every one."""
    vis = _visible(viewer, right)
    if vis is None:
        return None
    ids = list(session.execute(select(Dataset.id).join(Organisation).where(vis)).scalars())
    total = session.execute(select(func.count()).select_from(Dataset)).scalar_one()
    return None if len(ids) == total else ids


def _base(session: Session, viewer: str | None, flt: SiteFilter = SiteFilter()) -> Select[Any]:
    """``select(Site)`` restricted to what ``viewer`` may see, with ``flt`` applied."""
    ids = _source_ids(session, flt, visible_dataset_ids(session, viewer))
    return _apply_filter(select(Site), flt, session.get_bind().dialect.name, ids)


_DEFERRED = (Site.attributes, Site.references, Site.search_text, Site.geom, Site.footprint_wkt)


_SORT = {
    "name": (Site.name_norm.is_(None), Site.name_norm, Site.id),
    "country": (Site.country.is_(None), Site.country, Site.name_norm, Site.id),
    "status": (Site.status, Site.name_norm, Site.id),
    "id": (Site.id,),
}


def query_sites(
    session: Session,
    flt: SiteFilter = SiteFilter(),
    *,
    viewer: str | None = ADMIN,
    sort: SortKey = "id",
    limit: int | None = 100,
    offset: int = 0,
    count: bool = True,
    right: Right = "view",
) -> tuple[int | None, list[Site]]:
    """Filtered, sorted, paginated sites and (optionally) the total number matched.

    ``right="download"`` keeps only sites of datasets the viewer may download (exports).

    A commodity (+ bbox, source, visibility) filter is answered from the commodity index alone
    (count, and the page of ids when sorted by id); other filters go through the site table.
    """
    ids = _source_ids(session, flt, visible_dataset_ids(session, viewer, right))
    stmt = _apply_filter(select(Site), flt, session.get_bind().dialect.name, ids)
    index_only = bool(flt.commodity) and not (flt.status or flt.country or flt.deposit_type or flt.q or flt.ids)
    total = None
    if count:
        if index_only:
            sub = _commodity_subquery(flt, ids).distinct().subquery()
            counted = select(func.count()).select_from(sub)
        else:
            counted = select(func.count()).select_from(stmt.with_only_columns(Site.id).subquery())
        total = session.execute(counted).scalar_one()
    if index_only and sort in ("id", "-id"):
        sid = SiteCommodity.site_id
        page = _commodity_subquery(flt, ids).with_only_columns(sid).distinct().order_by(
            sid.desc() if sort == "-id" else sid).offset(offset)
        if limit is not None:
            page = page.limit(limit)
        page_ids = list(session.execute(page).scalars())
        if not page_ids:
            return total, []
        rows = {r.id: r for r in session.execute(select(Site).where(Site.id.in_(page_ids))
                                                 .options(*(defer(c) for c in _DEFERRED))).scalars()}
        return total, [rows[i] for i in page_ids]
    key = sort.lstrip("-")
    if key not in _SORT:
        raise InputError(f"sort={sort!r}: expected one of name, -name, country, -country, status, -status, id, -id")
    cols = _SORT[key]
    order = [c.desc() for c in cols] if sort.startswith("-") else list(cols)
    stmt = stmt.options(*(defer(c) for c in _DEFERRED)).order_by(*order).offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    return total, list(session.execute(stmt).scalars())


def iter_sites(session: Session, flt: SiteFilter = SiteFilter(), *, viewer: str | None = ADMIN,
               sort: SortKey = "id", batch: int = 5000, right: Right = "view") -> Iterator[list[Site]]:
    """Stream matching sites in batches (for exports)."""
    offset = 0
    while True:
        _, rows = query_sites(session, flt, viewer=viewer, sort=sort, limit=batch, offset=offset, count=False,
                              right=right)
        if not rows:
            return
        yield rows
        offset += len(rows)


def get_site(session: Session, site_id: int, *, viewer: str | None = ADMIN) -> Site:
    """One visible site by id (:class:`NotFoundError` otherwise, whether absent or hidden)."""
    stmt = _base(session, viewer).where(Site.id == site_id)
    site = session.execute(stmt).scalar_one_or_none()
    if site is None:
        raise NotFoundError(f"no mineral site with id {site_id}")
    return site


def site_summary(site: Site) -> dict[str, Any]:
    """Short JSON view of a site (lists, map features)."""
    return {
        "id": site.id, "source": site.dataset.source, "record_id": site.record_id, "name": site.name,
        "lon": site.lon, "lat": site.lat, "country": site.country, "state": site.state, "status": site.status,
        "commodities": [c for c in site.commodities.split(";") if c], "deposit_type": site.deposit_type,
        "canonical_id": site.canonical_id,
    }


def site_detail(session: Session, site: Site, *, viewer: str | None = ADMIN) -> dict[str, Any]:
    """Full JSON view: commodities, deposit types, inventory, provenance and links."""
    coms = session.execute(select(SiteCommodity).where(SiteCommodity.site_id == site.id)
                           .order_by(SiteCommodity.id)).scalars()
    dts = session.execute(select(SiteDepositType).where(SiteDepositType.site_id == site.id)
                          .order_by(SiteDepositType.rank)).scalars()
    inv = session.execute(select(Inventory).where(Inventory.site_id == site.id).order_by(Inventory.id)).scalars()
    ds = site.dataset
    out = site_summary(site)
    out.update({
        "aliases": list(site.aliases or []), "crs": site.crs, "location_accuracy_m": site.location_accuracy_m,
        "location_quality": site.location_quality, "footprint_wkt": site.footprint_wkt,
        "deposit_group": site.deposit_group, "deposit_environment": site.deposit_environment,
        "cox_singer_code": site.cox_singer_code,
        "commodities": [{"symbol": c.symbol, "role": c.role, "observed": c.observed} for c in coms],
        "deposit_types": [{"name": d.name, "group": d.group, "environment": d.environment,
                           "cox_singer_code": d.cox_singer_code, "confidence": d.confidence, "source": d.source}
                          for d in dts],
        "inventory": [{k: getattr(i, k) for k in (
            "commodity", "category", "classification_method", "unfc_code", "ore_t", "grade_pct", "grade_mg_per_l",
            "contained_t", "cutoff", "date", "material_form", "zone", "ore_value", "ore_unit", "grade_value",
            "grade_unit", "contained_value", "contained_unit", "reference")} for i in inv],
        "references": list(site.references or []),
        "attributes": dict(site.attributes or {}),
        "provenance": {
            "dataset": ds.id, "source": ds.source, "organisation": ds.organisation.code,
            "visibility": ds.visibility, "format": ds.format, "file": site.source_file, "row": site.source_row,
            "imported_at": site.imported_at.isoformat() if site.imported_at else None,
            "content_sha256": ds.content_sha256,
        },
        "links": site_links(session, site.id, viewer=viewer),
    })
    return out


def site_links(session: Session, site_id: int, *, viewer: str | None = ADMIN) -> list[dict[str, Any]]:
    """Scored links of a site to visible sites (highest probability first)."""
    rows = session.execute(select(SiteLink).where(or_(SiteLink.site_a_id == site_id, SiteLink.site_b_id == site_id))
                           .order_by(SiteLink.probability.desc())).scalars().all()
    out = []
    for ln in rows:
        other_id = ln.site_b_id if ln.site_a_id == site_id else ln.site_a_id
        try:
            other = get_site(session, other_id, viewer=viewer)
        except NotFoundError:
            continue
        out.append({"id": other.id, "source": other.dataset.source, "record_id": other.record_id,
                    "name": other.name, "probability": ln.probability, "same": ln.same, "decided_by": ln.decided_by})
    return out


def facets(session: Session, *, viewer: str | None = ADMIN, flt: SiteFilter = SiteFilter()) -> dict[str, Any]:
    """Counts of commodities, statuses, countries, deposit types and sources among visible sites."""
    base = _base(session, viewer, flt).with_only_columns(Site.id).subquery()

    def count_by(col: Any, extra_join: Any = None) -> list[dict[str, Any]]:
        stmt = select(col, func.count()).select_from(Site).join(base, base.c.id == Site.id)
        if extra_join is not None:
            stmt = extra_join(stmt)
        stmt = stmt.where(col.is_not(None)).group_by(col).order_by(func.count().desc(), col)
        return [{"value": v, "count": n} for v, n in session.execute(stmt).all()]

    return {
        "commodities": count_by(SiteCommodity.symbol,
                                lambda s: s.join(SiteCommodity, SiteCommodity.site_id == Site.id)),
        "statuses": count_by(Site.status),
        "countries": count_by(Site.country),
        "deposit_types": count_by(Site.deposit_type),
        "sources": count_by(Dataset.source, lambda s: s.join(Dataset, Dataset.id == Site.dataset_id)),
    }


def list_datasets(session: Session, *, viewer: str | None = ADMIN) -> list[dict[str, Any]]:
    """Visible datasets with their organisation, visibility, files and hash."""
    stmt = select(Dataset).join(Organisation).order_by(Dataset.id)
    vis = _visible(viewer)
    if vis is not None:
        stmt = stmt.where(vis)
    return [{"id": d.id, "source": d.source, "title": d.title, "organisation": d.organisation.code,
             "visibility": d.visibility, "format": d.format, "files": d.files, "content_sha256": d.content_sha256,
             "imported_at": d.imported_at.isoformat(), "record_count": d.record_count,
             "records_distinct": d.records_distinct}
            for d in session.execute(stmt).scalars()]


def delete_dataset(session: Session, source: str, organisation: str) -> int:
    """Delete a dataset and its sites; returns the number of sites removed."""
    ds = session.execute(select(Dataset).join(Organisation).where(
        Dataset.source == source, Organisation.code == organisation)).scalar_one_or_none()
    if ds is None:
        raise NotFoundError(f"no dataset {source!r} of organisation {organisation!r}")
    n = session.execute(select(func.count()).where(Site.dataset_id == ds.id)).scalar_one()
    session.delete(ds)
    return int(n)


__all__: Sequence[str] = [
    "ADMIN", "ImportSummary", "delete_dataset", "facets", "get_or_create_organisation", "get_site", "import_sites",
    "iter_sites", "list_datasets", "query_sites", "site_detail", "site_links", "site_summary",
]
