"""The deposit store on both backends (SQLite + R*Tree and PostGIS): imports, queries, visibility."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from critmin.errors import InputError, NotFoundError
from critmin.store.filters import SiteFilter, parse_bbox
from critmin.store.sites import facets, get_site, import_sites, list_datasets, query_sites, site_detail
from critmin.store.tables import Inventory, Site, SiteCommodity
from tests.store.factories import result, site, world


def _load(db, res=None, **kw):
    with db.transaction() as s:
        return import_sites(s, res or world(), organisation=kw.pop("organisation", "gsi"), **kw)


def _names(db, flt=SiteFilter(), **kw):
    with db.session() as s:
        total, rows = query_sites(s, flt, **kw)
        return total, [r.name for r in rows]


def test_import_and_count(db) -> None:
    summary = _load(db)
    assert summary.datasets[0]["action"] == "created" and summary.sites_written == 8
    with db.session() as s:
        assert s.execute(select(func.count()).select_from(Site)).scalar_one() == 8
        assert s.execute(select(func.count()).select_from(SiteCommodity)).scalar_one() == 11
        assert s.execute(select(func.count()).select_from(Inventory)).scalar_one() == 8


def test_filters(db) -> None:
    _load(db)
    assert _names(db, SiteFilter(commodity=("Li",)), sort="name") == (3, ["Nowhere", "Salal-Haimana", "Thacker Pass"])
    # names and MRDS codes normalise to the same symbol
    assert _names(db, SiteFilter(commodity=("lithium",)))[0] == 3
    assert _names(db, SiteFilter(commodity=("REE",), country=("USA",)))[1] == ["Mountain Pass"]
    assert _names(db, SiteFilter(status=("producer",)), sort="name")[1] == ["Chavara", "Mountain Pass"]
    assert _names(db, SiteFilter(q="DONGAR"))[1] == ["Amba Dongar"]
    assert _names(db, SiteFilter(q="अम्बा"))[1] == ["Amba Dongar"]  # Devanagari alias
    assert _names(db, SiteFilter(deposit_type=("carbonatite ree",)))[1] == ["Amba Dongar"]


def test_bbox(db) -> None:
    _load(db)
    india = parse_bbox("68,6,98,37")
    assert _names(db, SiteFilter(bbox=india), sort="name")[1] == ["Amba Dongar", "Chavara", "Salal-Haimana"]
    assert _names(db, SiteFilter(bbox=india, commodity=("REE",)), sort="name")[1] == ["Amba Dongar", "Chavara"]
    # a bbox crossing the antimeridian (minx > maxx)
    assert _names(db, SiteFilter(bbox=parse_bbox("170,-20,-170,-10")))[1] == ["Antimeridian East"]
    # boundary is inclusive
    assert _names(db, SiteFilter(bbox=(74.05, 22.0, 74.05, 22.0)))[1] == ["Amba Dongar"]


def test_bad_bbox() -> None:
    with pytest.raises(InputError, match="latitudes"):
        parse_bbox("0,0,10,95")
    with pytest.raises(InputError, match="4 numbers"):
        parse_bbox("1,2,3")
    with pytest.raises(InputError, match="number"):
        parse_bbox("a,b,c,d")


def test_sort_and_paginate(db) -> None:
    _load(db)
    _, asc = _names(db, sort="name", limit=None)
    _, desc = _names(db, sort="-name", limit=None)
    assert asc == sorted(asc) and desc == list(reversed(asc))
    pages = [_names(db, sort="name", limit=3, offset=o)[1] for o in (0, 3, 6)]
    assert [n for page in pages for n in page] == asc


def test_detail_has_provenance(db) -> None:
    _load(db)
    with db.session() as s:
        _, rows = query_sites(s, SiteFilter(q="chavara"))
        d = site_detail(s, rows[0])
    assert d["provenance"]["source"] == "gsi" and d["provenance"]["file"] == "gsi.csv" and d["provenance"]["row"] == 2
    assert d["provenance"]["organisation"] == "gsi" and d["provenance"]["imported_at"]
    assert d["inventory"][0]["ore_t"] == 1.5e6 and d["inventory"][0]["ore_unit"] == "Mt"
    assert [c["symbol"] for c in d["commodities"]] == ["Ti", "Zr", "REE"]


def test_reimport_same_content_is_idempotent(db) -> None:
    _load(db)
    with db.session() as s:
        ids = dict(s.execute(select(Site.record_id, Site.id)).all())
    again = _load(db)
    assert again.datasets[0]["action"] == "unchanged"
    changed = world()
    changed.datasets["gsi"] = changed.datasets["gsi"].__class__(source="gsi", format="csv", files=("gsi.csv",),
                                                                  content_sha256="b" * 64)
    changed.sites[0].name = "Amba Dongar carbonatite"
    assert _load(db, changed).datasets[0]["action"] == "replaced"
    with db.session() as s:
        assert dict(s.execute(select(Site.record_id, Site.id)).all()) == ids  # ids kept
        assert s.execute(select(func.count()).select_from(Site)).scalar_one() == 8


def test_failed_import_writes_nothing(db) -> None:
    _load(db)
    bad = result("usgs", [site("usgs", "A", "a", 1, 1, ["Cu"]), site("usgs", "A", "dup", 2, 2, ["Cu"], row=2)])
    with pytest.raises(InputError, match="appears twice") as ei:
        _load(db, bad)
    assert ei.value.row == 2 and ei.value.column == "record_id"
    with db.session() as s:
        assert s.execute(select(func.count()).select_from(Site)).scalar_one() == 8
        assert [d["source"] for d in list_datasets(s)] == ["gsi"]


def test_error_mid_transaction_rolls_back(db) -> None:
    class Boom(Exception):
        pass

    def explode(done: int, total: int | None, message: str = "") -> None:
        if done >= 8:
            raise Boom

    with pytest.raises(Boom):
        _load(db, progress=explode)
    with db.session() as s:
        assert s.execute(select(func.count()).select_from(Site)).scalar_one() == 0


def test_visibility(db) -> None:
    _load(db)
    private = result("gsi-private", [site("gsi-private", "P1", "Embargoed block", 80.0, 20.0, ["Li"])], sha="c" * 64)
    _load(db, private, visibility="private")
    partners = result("usgs-shared", [site("usgs-shared", "S1", "Shared prospect", 81.0, 21.0, ["Li"])], sha="d" * 64)
    _load(db, partners, organisation="usgs", visibility="partners")
    assert _names(db, SiteFilter(commodity=("Li",)), viewer=None)[0] == 3  # anonymous: public only
    assert _names(db, SiteFilter(commodity=("Li",)), viewer="gsi")[0] == 5  # own private + partners' shared
    assert _names(db, SiteFilter(commodity=("Li",)), viewer="mines-ministry")[0] == 4  # partners' shared only
    with db.session() as s:
        _, rows = query_sites(s, SiteFilter(q="embargoed"))
        with pytest.raises(NotFoundError):
            get_site(s, rows[0].id, viewer=None)
        assert facets(s, viewer=None)["sources"] == [{"value": "gsi", "count": 8}]


def test_facets(db) -> None:
    _load(db)
    with db.session() as s:
        f = facets(s)
    coms = {c["value"]: c["count"] for c in f["commodities"]}
    assert coms["REE"] == 4 and coms["Li"] == 3
    assert {c["value"]: c["count"] for c in f["statuses"]}["producer"] == 2


def test_group_filter_finds_members(db) -> None:
    """USGS REE compilation records list lanthanides (La, Ce …) but never 'REE': a REE filter must find them."""
    _load(db)
    lanth = result("ree-db", [site("ree-db", "R1", "Lanthanide-only occurrence", 10.0, 10.0, ["La", "Ce", "Nd"])],
                   sha="e" * 64)
    _load(db, lanth)
    assert "Lanthanide-only occurrence" in _names(db, SiteFilter(commodity=("REE",)), limit=None)[1]
    assert _names(db, SiteFilter(commodity=("Nd",)))[1] == ["Lanthanide-only occurrence"]


def test_country_filter_accepts_names_and_codes(db) -> None:
    _load(db)
    assert _names(db, SiteFilter(country=("United States",)), sort="name")[1] == ["Mountain Pass", "Thacker Pass"]
    assert _names(db, SiteFilter(country=("India",)))[0] == 3


def test_rtree_trigger_survives_a_failed_bulk_import(db) -> None:
    """SQLite bulk imports suspend the R*Tree insert trigger inside the transaction; a failure restores it."""
    from sqlalchemy import text

    class Boom(Exception):
        pass

    def explode(done: int, total: int | None, message: str = "") -> None:
        if done >= 8:
            raise Boom

    with pytest.raises(Boom):
        _load(db, progress=explode)
    if db.backend == "sqlite":
        with db.session() as s:
            names = set(s.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars())
        assert "site_rtree_insert" in names
    _load(db)  # a later import is indexed: bbox queries find it
    assert _names(db, SiteFilter(bbox=parse_bbox("68,6,98,37")), sort="name")[0] == 3
    # rows written one by one (outside bulk imports) are indexed by the trigger
    with db.transaction() as s:
        s.execute(text("UPDATE site SET lon = 0.5, lat = 0.5 WHERE record_id = 'XX-1'"))
    assert _names(db, SiteFilter(bbox=(0, 0, 1, 1)))[1] == ["Nowhere"] or db.backend == "postgresql"
