"""World production by country and supply stage: the shipped MCS tables, cited extra stages and user tables.

The shipped table ``supply_production`` is parsed once from the USGS Mineral Commodity Summaries 2023 and 2024
data releases (``benchmarks/supply/build_mcs_tables.py``); every edition's vintage is kept. A production year is
answered from the latest edition that reports it. Stages the MCS does not tabulate come from
``supply_stage_shares_cited`` (each row with its citation). Users add commodities from a CSV with the columns of
:data:`USER_COLUMNS` (see ``docs/supply.md``).

References
----------
U.S. Geological Survey, 2023, Mineral commodity summaries 2023 data release, doi:10.5066/P9WCYUI6.
U.S. Geological Survey, 2024, Mineral commodity summaries 2024 data release, doi:10.5066/P144BA54.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from critmin.errors import InputError
from critmin.reference import load_table
from critmin.supply.commodities import STAGES, check_stage, resolve_commodity
from critmin.supply.records import records

USER_COLUMNS = ("commodity", "stage", "country", "iso3", "year", "quantity", "unit")
"""Required columns of a user production CSV (optional: ``source``, ``edition``, ``row_kind``)."""

ROW_KINDS = ("country", "other", "world_total")
_EDITION_ORDER = {"MCS2023": 2023, "MCS2024": 2024}


@dataclass(frozen=True)
class StageProduction:
    """Production of one commodity at one stage in one year, from one edition.

    ``rows`` has columns country, iso3, row_kind (country | other), quantity (NaN where withheld or not
    available), flag (``W``/``NA``/empty), share (fraction of the listed total, or the cited share).
    """

    commodity: str
    stage: str
    year: int
    unit: str
    edition: str
    table: str
    source: str
    rows: pd.DataFrame
    world_total_reported: float | None
    estimated: bool

    @property
    def label(self) -> str:
        """``"MCS2024, mcs2024-raree_world.csv"``: the edition and table the figures come from."""
        return f"{self.edition}, {self.table}"


@cache
def _shipped() -> pd.DataFrame:
    t = load_table("supply_production")
    t["year"] = t["year"].astype(int)
    t["quantity"] = pd.to_numeric(t["quantity"].replace("", np.nan))
    t["edition_year"] = t["edition"].map(_EDITION_ORDER).astype(int)
    return t


@cache
def _cited() -> pd.DataFrame:
    t = load_table("supply_stage_shares_cited")
    t["year"] = t["year"].astype(int)
    for c in ("share", "quantity"):
        t[c] = pd.to_numeric(t[c].replace("", np.nan))
    return t


def production_table() -> pd.DataFrame:
    """The shipped MCS production table (all editions, all rows, W/NA as flags with NaN quantity)."""
    return _shipped().drop(columns=["edition_year"]).copy()


def availability() -> pd.DataFrame:
    """Commodity × stage × years available (MCS and cited tables), with editions.

    Columns: commodity, stage, years (sorted list), editions (list), source_kind (``mcs`` | ``cited``).
    """
    return _availability().copy()


@cache
def _availability() -> pd.DataFrame:
    rows = []
    mcs = _shipped()
    for (c, s), g in mcs.groupby(["commodity", "stage"]):
        have = g[(g.row_kind == "country") & g.quantity.notna()]
        if have.empty:
            continue
        rows.append({"commodity": c, "stage": s, "years": sorted(set(have.year.tolist())),
                     "editions": sorted(set(g.edition)), "source_kind": "mcs"})
    for (c, s), g in _cited().groupby(["commodity", "stage"]):
        rows.append({"commodity": c, "stage": s, "years": sorted(set(g.year.tolist())),
                     "editions": ["cited"], "source_kind": "cited"})
    out = pd.DataFrame(rows)
    out["order"] = out["stage"].map({s: i for i, s in enumerate(STAGES)})
    return out.sort_values(["commodity", "order"]).drop(columns="order").reset_index(drop=True)


def _shares(rows: pd.DataFrame) -> pd.DataFrame:
    total = rows["quantity"].sum(skipna=True)
    rows = rows.copy()
    rows["share"] = rows["quantity"] / total if total > 0 else np.nan
    return rows


def stage_production(commodity: str, stage: str, year: int, *, edition: str | None = None,
                     user: pd.DataFrame | None = None) -> StageProduction:
    """Production of ``commodity`` at ``stage`` in ``year``, from the latest edition that reports it.

    Parameters
    ----------
    commodity
        Name or symbol (``"rare earths"``, ``"REE"``).
    stage
        One of :data:`critmin.supply.commodities.STAGES`.
    year
        Production year.
    edition
        Force one edition (``"MCS2023"``, ``"MCS2024"``, ``"cited"``, or a user table's edition).
    user
        A user production table (:func:`read_user_production`), consulted first.

    Raises
    ------
    InputError
        For an unknown commodity or stage, or when no edition reports the year (the message lists the
        years available), or when every country value is withheld.
    """
    stage = check_stage(stage)
    extra = tuple(sorted(set(user["commodity"]))) if user is not None else ()
    sym = resolve_commodity(commodity, extra)
    if user is not None:
        u = user[(user.commodity == sym) & (user.stage == stage) & (user.year == int(year))]
        if edition is not None:
            u = u[u.edition == edition]
        if len(u):
            ed = str(u.edition.iloc[0])
            u = u[u.edition == ed]
            rows = _shares(u[u.row_kind != "world_total"][["country", "iso3", "row_kind", "quantity"]]
                           .assign(flag=""))
            return StageProduction(sym, stage, int(year), str(u.unit.iloc[0]), ed, "user table",
                                   str(u.source.iloc[0]), rows.reset_index(drop=True), None, False)
    t = _shipped()
    g = t[(t.commodity == sym) & (t.stage == stage) & (t.year == int(year))]
    if edition is not None and edition != "cited":
        g = g[g.edition == edition]
    usable = g[(g.row_kind == "country") & g.quantity.notna() & (g.quantity > 0)]
    if len(usable) and edition != "cited":
        ed = usable.sort_values("edition_year").edition.iloc[-1]
        g = g[g.edition == ed]
        world = g[g.row_kind == "world_total"].quantity
        rows = _shares(g[g.row_kind != "world_total"][["country", "iso3", "row_kind", "quantity", "flag"]])
        return StageProduction(sym, stage, int(year), str(g.unit.iloc[0]), str(ed), str(g.table.iloc[0]),
                               str(g.source.iloc[0]), rows.reset_index(drop=True),
                               float(world.iloc[0]) if len(world) and pd.notna(world.iloc[0]) else None,
                               bool(int(g.estimated.iloc[0])))
    c = _cited()
    cg = c[(c.commodity == sym) & (c.stage == stage) & (c.year == int(year))]
    if len(cg):
        rows = cg[["country", "iso3", "quantity", "share"]].copy()
        rows["row_kind"] = np.where(rows.country == "Other countries", "other", "country")
        rows["flag"] = ""
        if rows["share"].isna().all():
            rows = _shares(rows.drop(columns="share"))
        return StageProduction(sym, stage, int(year), str(cg.unit.iloc[0]) or "share", "cited",
                               "supply_stage_shares_cited", "; ".join(sorted(set(cg.source))),
                               rows.reset_index(drop=True), None, False)
    if len(g) and not len(usable):
        flags = sorted(set(g.flag) - {""})
        raise InputError(f"{sym} {stage} {year}: the MCS withholds or does not report the country figures "
                         f"({'/'.join(flags)}); supply them in a user production table (docs/supply.md)")
    av = availability()
    here = av[(av.commodity == sym) & (av.stage == stage)]
    if here.empty:
        stages = ", ".join(av[av.commodity == sym].stage)
        raise InputError(f"no {stage} production for {sym}; stages available: {stages or 'none'}", column="stage")
    years = sorted({y for ys in here.years for y in ys})
    raise InputError(f"no {sym} {stage} production for {year}; years available: {', '.join(map(str, years))}",
                     column="year")


def read_user_production(path: str | Path) -> pd.DataFrame:
    """Read a user production CSV (columns :data:`USER_COLUMNS`; see ``docs/supply.md``).

    ``commodity`` may be a shipped name/symbol or a new symbol; ``row_kind`` defaults to ``country`` (use
    ``other`` for an aggregate of unnamed producers, ``world_total`` for a reported total, never summed).

    Raises
    ------
    InputError
        Naming file, row and column for a missing column, a negative or non-numeric quantity, an unknown
        stage or ISO3 code.
    """
    from critmin.supply.governance import known_iso3

    p = Path(path)
    try:
        df = pd.read_csv(p, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the production table ({exc}); expected a UTF-8 CSV", file=p) from None
    missing = [c for c in USER_COLUMNS if c not in df.columns]
    if missing:
        raise InputError(f"missing column(s) {', '.join(missing)}; expected {', '.join(USER_COLUMNS)}", file=p)
    for c, default in (("source", f"user table {p.name}"), ("edition", "user"), ("row_kind", "country")):
        if c not in df.columns:
            df[c] = default
    iso = known_iso3()
    out = []
    for i, r in enumerate(records(df), start=1):
        try:
            sym = resolve_commodity(r.commodity, (r.commodity.strip(),))
        except InputError as exc:
            raise exc.located(file=p, row=i) from None
        stage = r.stage.strip().lower()
        if stage not in STAGES:
            raise InputError(f"unknown stage {r.stage!r}; expected one of {', '.join(STAGES)}", file=p, row=i,
                             column="stage")
        kind = (r.row_kind or "country").strip()
        if kind not in ROW_KINDS:
            raise InputError(f"row_kind {kind!r}; expected one of {', '.join(ROW_KINDS)}", file=p, row=i,
                             column="row_kind")
        code = r.iso3.strip().upper()
        if kind == "country" and code not in iso:
            raise InputError(f"unknown ISO3 code {r.iso3!r}; expected a code of critmin's countries table",
                             file=p, row=i, column="iso3")
        try:
            q = float(r.quantity) if r.quantity.strip() not in ("", "W", "NA") else np.nan
            y = int(r.year)
        except ValueError:
            raise InputError(f"quantity {r.quantity!r} / year {r.year!r} is not a number", file=p, row=i,
                             column="quantity") from None
        if q < 0:
            raise InputError(f"negative production {q}; expected a quantity >= 0", file=p, row=i, column="quantity")
        out.append({"commodity": sym, "stage": stage, "country": r.country.strip(), "iso3": code, "year": y,
                    "quantity": q, "unit": r.unit.strip(), "row_kind": kind, "source": r.source,
                    "edition": r.edition})
    if not out:
        raise InputError("the production table has no rows", file=p)
    return pd.DataFrame(out)
