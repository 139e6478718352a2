"""Reader for the USGS USMIN Mineral Deposit Database tables (CSV export).

The per-commodity USMIN releases share one relational schema keyed by ``Site_ID``: ``Site`` (one
row per site) and child tables ``Loc_Pt``, ``Dep_Model``, ``History``, ``Resources``,
``Production``, ``GeolMinOcc``, ``Descr_Sum`` and ``References`` (``Ref_ID`` → citation).

Quirks handled: cp1252 or UTF-8 text, literal ``<Null>``, thousands separators ("114,000"),
ESRI header suffixes (``"Site_ID *"``), multi-valued cells joined with ``"; "``, and
``Ftr_ID = -1111`` for rows that apply to the whole site. USMIN writes some amounts with a minus
sign (its meaning is defined in the release's FGDC metadata, which is not part of the CSV export);
normalised tonnages use the magnitude and the signed original stays in ``ore_value``.

References
----------
Karl, N.A., Mauk, J.L., Reyes, T.A., and Scott, P.C., 2019, Lithium deposits in the United
States: U.S. Geological Survey data release, doi:10.5066/P9ZKRWQF.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

from critmin.deposits import vocab
from critmin.deposits.readers.base import ReadResult
from critmin.deposits.readers.common import (
    commodities_of,
    dataset_info,
    deposit_type_of,
    grade_fields,
    read_csv_rows,
    require_columns,
    split_names,
    text_or_none,
)
from critmin.deposits.readers.coords import parse_dms
from critmin.deposits.schema import Commodity, InventoryRecord, SiteRecord, SourceFile
from critmin.errors import InputError, UnitError
from critmin.progress import Progress, no_progress
from critmin.units import parse_number, to_tonnes

TABLES: Final[tuple[str, ...]] = (
    "Site", "Loc_Pt", "Loc_Poly", "Loc_Poly_Sw", "Dep_Model", "History", "Resources", "Production", "References",
    "GeolMinOcc", "Descr_Sum",
)
#: tables without a Site_ID column (References: Ref_ID -> citation; Loc_Poly_Sw: surface workings)
_UNKEYED: Final = frozenset({"References", "Loc_Poly_Sw"})
_GEOLOGY_FIELDS: Final = ("Ftr_Name", "Value_Mat", "Assoc_Mat", "Min_Style", "Min_Age", "Host_Age",
                          "Host_Name", "Host_Litho", "Alteration")

Row = dict[str, str | None]


def _find_tables(paths: Sequence[Path]) -> dict[str, Path]:
    known = {t.lower(): t for t in TABLES}
    files: list[Path] = []
    for p in paths:
        if p.is_dir():  # a directory: its USMIN tables (other CSV files are not ours)
            files.extend(f for f in sorted(p.glob("*.csv")) if f.stem.lower() in known)
        else:
            files.append(p)
    out: dict[str, Path] = {}
    for f in files:
        key = known.get(f.stem.lower())
        if key is None:
            raise InputError(
                f"unknown USMIN table {f.stem!r}; expected files named {', '.join(t + '.csv' for t in TABLES)}",
                file=f,
            )
        out[key] = f
    if "Site" not in out:
        raise InputError(
            "the USMIN import needs Site.csv (one row per site); pass it or the directory holding it; "
            f"given: {', '.join(str(f) for f in files)}"
        )
    return out


def _read_table(path: Path) -> list[tuple[int, Row]]:
    """(1-based row, {column: value or None}) with ESRI header suffixes removed."""
    header, rows = read_csv_rows(path, lower=False)
    header = [re.sub(r"\s*\*$", "", h) for h in header]
    out = []
    for i, r in enumerate(rows):
        if len(r) != len(header):
            raise InputError(f"row has {len(r)} fields, the header has {len(header)}; check quoting",
                             file=path, row=i + 1)
        out.append((i + 1, {h: text_or_none(v) for h, v in zip(header, r, strict=True)}))
    return out


def _number(v: str | None, *, file: Path, row: int, column: str) -> float | None:
    try:
        return parse_number(v)
    except ValueError as exc:
        raise InputError(f"{v!r} is not a number; expected e.g. 114,000 or 3.5", file=file, row=row,
                         column=column) from exc


def _coordinate(v: str | None, *, file: Path, row: int, column: str, limit: float) -> float | None:
    if v is None:
        return None
    try:
        x = parse_dms(v)
    except ValueError as exc:
        raise InputError(f"{v!r} is not a coordinate in decimal degrees", file=file, row=row,
                         column=column) from exc
    if abs(x) > limit:
        raise InputError(f"{x} is outside [-{limit:g}, {limit:g}]", file=file, row=row, column=column)
    return x


def _material(text: str | None) -> tuple[str, str | None]:
    """USMIN Material "lithium oxide (Li2O)" → (commodity symbol or text, material form or None)."""
    if text is None:
        return "unknown", None
    m = re.match(r"^(.*?)\s*\(([^()]*)\)\s*$", text)
    form = m.group(2).strip() if m else None
    sym = vocab.normalise_commodity(text) or vocab.normalise_commodity(m.group(1) if m else text)
    if form is not None and (form == sym or (vocab.commodity_info(form) is not None and form == sym)):
        form = None  # "lithium (Li)": the element itself
    return sym or text, form


def _inventory(
    row: Row, *, file: Path, rownum: int, production: bool, warnings: list[str], references: dict[str, str]
) -> InventoryRecord:
    def num(col: str) -> float | None:
        return _number(row.get(col), file=file, row=rownum, column=col)

    commodity, form = _material(row.get("Material"))
    amount, amount_unit = num("Mat_Amnt"), row.get("Mat_Units")
    contained, contained_unit = num("Contained"), row.get("Cont_Units")
    grade, g_unit = num("Grade"), row.get("Grade_Unit")
    fields: dict[str, Any] = {}

    def mass(value: float | None, unit: str | None, col: str) -> float | None:
        if value is None or unit is None:
            return None
        try:
            return to_tonnes(abs(value), unit)
        except UnitError:
            warnings.append(f"{file}: {col} unit {unit!r} is not a mass; value and unit kept, no tonnage")
            return None

    mat_type = (row.get("Mat_Type") or "").lower()
    ore_t = None if mat_type == "commodity" else mass(amount, amount_unit, "Mat_Units")
    contained_t = mass(contained, contained_unit, "Cont_Units")
    if mat_type == "commodity" and contained_t is None:
        contained_t = mass(amount, amount_unit, "Mat_Units")
    if grade is not None and g_unit is not None:
        try:
            fields.update(grade_fields(grade, g_unit))
        except UnitError:
            warnings.append(f"{file}: grade unit {g_unit!r} not recognised; value and unit kept")
            fields.update(grade_value=grade, grade_unit=g_unit)
    elif grade is not None:
        fields.update(grade_value=grade)
    cutoff = " ".join(x for x in (row.get("CutOffGrad"), row.get("CutOffUnit")) if x) or None
    if production:
        y0, y1 = row.get("Year_From"), row.get("Year_To")
        category = "cumulative_extracted" if (y0 and y1 and y0 != y1) else "extracted"
        date = "-".join(x for x in (y0, y1) if x) or None
        method = "unknown"
    else:
        category = vocab.normalise_category(row.get("Rsrc_Class"))
        date = row.get("Rsrc_Date")
        method = vocab.normalise_classification(row.get("Rsrc_Code"))
    ref_id = row.get("Ref_ID")
    ref = references.get(ref_id, ref_id) if ref_id else None
    if ref and row.get("Ref_Detail"):
        ref = f"{ref} ({row['Ref_Detail']})"
    return InventoryRecord(
        commodity=commodity, category=category, classification_method=method, ore_t=ore_t,
        contained_t=contained_t, cutoff=cutoff, date=date, material_form=form,
        zone=row.get("Ftr_Name"), ore_value=amount, ore_unit=amount_unit, contained_value=contained,
        contained_unit=contained_unit, reference=ref, **fields,
    )


def _latest_status(rows: list[Row]) -> str | None:
    """The History status with the latest year (Year_To, else Year_From); later rows win ties."""
    best: tuple[int, int] | None = None
    status = None
    for k, r in enumerate(rows):
        year_text = r.get("Year_To") or r.get("Year_From")
        try:
            year = int(float(year_text)) if year_text else -1
        except ValueError:
            year = -1
        if best is None or (year, k) >= best:
            best, status = (year, k), r.get("Status")
    return status


def read_usmin(
    paths: Sequence[str | Path],
    *,
    source: str | None = None,
    mapping: Mapping[str, Any] | None = None,
    progress: Progress = no_progress,
) -> ReadResult:
    """Read USMIN CSV tables (files or a directory holding them).

    Parameters
    ----------
    paths
        Any subset of ``Site.csv``, ``Loc_Pt.csv``, ``Dep_Model.csv``, ``History.csv``,
        ``Resources.csv``, ``Production.csv``, ``References.csv``, ``GeolMinOcc.csv``,
        ``Descr_Sum.csv``, ``Loc_Poly.csv`` (``Site.csv`` is required), or a directory.
    source
        Dataset source identifier (default ``"usmin"``).
    mapping
        Unused (accepted for the common reader signature).
    progress
        Called every 1,000 sites.

    Returns
    -------
    ReadResult
        One :class:`SiteRecord` per ``Site_ID``: location from ``Approx_Lon/Approx_Lat`` (else the
        first ``Loc_Pt`` point), aliases from ``Other_Name``, commodities from ``Site.Commodity`` (the
        first listed is the main one), status from the latest ``History`` row, deposit types from
        ``Dep_Model.DpMd_NoNm``, inventory from ``Resources`` and ``Production``.

    Raises
    ------
    InputError
        Missing ``Site.csv`` or key columns, unknown table names, bad numbers or coordinates
        (file, row, column), duplicate or unknown ``Site_ID``.
    """
    src = source or "usmin"
    tables = _find_tables([Path(p) for p in paths])
    data = {name: _read_table(path) for name, path in tables.items()}
    for name, rows in data.items():
        if name not in _UNKEYED and rows:
            require_columns(list(rows[0][1]), ["Site_ID"], file=tables[name], layout=f"USMIN {name}")
    require_columns(list(data["Site"][0][1]) if data["Site"] else [],
                    ["Site_ID", "Site_Name"], file=tables["Site"], layout="USMIN Site")
    references = {ref_id: text for _, r in data.get("References", [])
                  if (ref_id := r.get("Ref_ID")) and (text := r.get("Reference"))}
    site_ids: dict[str, int] = {}
    for rownum, r in data["Site"]:
        sid = r.get("Site_ID")
        if not sid:
            raise InputError("Site_ID is empty", file=tables["Site"], row=rownum, column="Site_ID")
        if sid in site_ids:
            raise InputError(f"Site_ID {sid!r} repeats row {site_ids[sid]}; Site_ID must be unique",
                             file=tables["Site"], row=rownum, column="Site_ID")
        site_ids[sid] = rownum
    children: dict[str, dict[str, list[tuple[int, Row]]]] = {}
    for name, rows in data.items():
        if name == "Site" or name in _UNKEYED:
            continue
        by_site: dict[str, list[tuple[int, Row]]] = defaultdict(list)
        for rownum, r in rows:
            sid = r.get("Site_ID")
            if sid not in site_ids:
                raise InputError(f"Site_ID {sid!r} is not in Site.csv; pass the matching Site table",
                                 file=tables[name], row=rownum, column="Site_ID")
            by_site[sid].append((rownum, r))
        children[name] = by_site
    warnings: list[str] = []
    sites: list[SiteRecord] = []
    for k, (rownum, r) in enumerate(data["Site"]):
        sid = r["Site_ID"] or ""
        kids = {name: by_site.get(sid, []) for name, by_site in children.items()}
        sites.append(_site(sid, rownum, r, kids, tables, src, references, warnings))
        if (k + 1) % 1000 == 0:
            progress(k + 1, len(data["Site"]), "USMIN sites")
    progress(len(sites), len(sites), "USMIN read")
    counts: dict[str, int] = {}
    for w in warnings:
        counts[w] = counts.get(w, 0) + 1
    warnings = [f"{w} ({n} rows)" if n > 1 else w for w, n in counts.items()]
    files = [tables[t] for t in TABLES if t in tables]
    return ReadResult(datasets={src: dataset_info(src, "usmin", files)}, sites=sites, warnings=warnings)


def _site(
    sid: str,
    rownum: int,
    r: Row,
    kids: dict[str, list[tuple[int, Row]]],
    tables: dict[str, Path],
    src: str,
    references: dict[str, str],
    warnings: list[str],
) -> SiteRecord:
    site_file = tables["Site"]
    lon = _coordinate(r.get("Approx_Lon"), file=site_file, row=rownum, column="Approx_Lon", limit=180)
    lat = _coordinate(r.get("Approx_Lat"), file=site_file, row=rownum, column="Approx_Lat", limit=90)
    quality = "USMIN Site approximate location" if lon is not None and lat is not None else None
    points = kids.get("Loc_Pt", [])
    state = next((p.get("State") for _, p in points if p.get("State")), None)
    if (lon is None or lat is None) and points:
        pn, p = next(((n, q) for n, q in points if (q.get("Ftr_ID") or "").startswith("Mo")), points[0])
        lon = _coordinate(p.get("Long_WGS84"), file=tables["Loc_Pt"], row=pn, column="Long_WGS84", limit=180)
        lat = _coordinate(p.get("Lat_WGS84"), file=tables["Loc_Pt"], row=pn, column="Lat_WGS84", limit=90)
        quality = p.get("Loc_Scale") or p.get("Pt_Def")
    if state is None and re.match(r"^[A-Z]{2}\d", sid):
        state = sid[:2]
    commodities: list[Commodity] = []
    for j, c in enumerate(commodities_of(r.get("Commodity") or "", "unknown")):
        commodities.append(Commodity(symbol=c.symbol, role="main" if j == 0 else "unknown", observed=c.observed))
    deposit_types = []
    seen_models: set[str] = set()
    for _, d in kids.get("Dep_Model", []):
        model = d.get("DpMd_NoNm")
        if model and model not in seen_models:
            seen_models.add(model)
            cand = deposit_type_of(model, "USMIN Dep_Model")
            if cand is not None:
                deposit_types.append(cand)
    history = [h for _, h in kids.get("History", [])]
    status_text = _latest_status(history) if history else None
    inventory = [
        _inventory(row, file=tables["Resources"], rownum=n, production=False, warnings=warnings,
                   references=references)
        for n, row in kids.get("Resources", [])
    ] + [
        _inventory(row, file=tables["Production"], rownum=n, production=True, warnings=warnings,
                   references=references)
        for n, row in kids.get("Production", [])
    ]
    ref_ids: dict[str, None] = {}
    for table in ("Loc_Pt", "Dep_Model", "History", "Resources", "Production", "GeolMinOcc", "Descr_Sum"):
        for _, child in kids.get(table, []):
            for key in ("Ref_ID", "DpMd_RefID"):
                if child.get(key):
                    ref_ids.setdefault(child[key] or "", None)
    attributes: dict[str, Any] = {
        k: r[k] for k in ("Last_Updt", "MinReg_ID", "Remarks") if r.get(k)
    }
    attributes["features"] = len(points)
    if status_text:
        attributes["status_observed"] = status_text
    geology = [{k: g[k] for k in _GEOLOGY_FIELDS if g.get(k)} for _, g in kids.get("GeolMinOcc", [])]
    if geology:
        attributes["geology"] = geology
    name = r.get("Site_Name")
    return SiteRecord(
        source=src,
        record_id=sid,
        name=name,
        aliases=[a for a in split_names(r.get("Other_Name"), seps=";") if a != name],
        lon=lon if lat is not None else None,
        lat=lat if lon is not None else None,
        crs="EPSG:4326",
        location_quality=quality,
        country="United States",
        state=state,
        commodities=commodities,
        deposit_types=deposit_types,
        status=vocab.normalise_status(status_text),
        inventory=inventory,
        references=[references.get(i, i) for i in ref_ids],
        attributes=attributes,
        origin=SourceFile(str(site_file), rownum),
    )
