"""Reader for critmin's own site layout (the bundled demo data and curated survey lists).

One CSV file, one row per site (or per site and inventory line: rows that repeat a ``record_id``
add inventory to the first row's site), with exactly the columns of :data:`NATIVE_COLUMNS`:

* ``aliases`` separated by ``|``; ``commodities_main`` / ``commodities_byproduct`` separated by
  ``;`` (element symbols or names, normalised with :mod:`critmin.deposits.vocab`);
* ``lat``/``lon`` WGS 84 decimal degrees; ``location_accuracy_m`` metres;
* ``ore_mt`` million tonnes; ``grades`` like ``"REO:3.5%;Nb2O5:0.3%"``; ``contained`` like
  ``"REO:1.2Mt"``; ``inventory_category`` (CRIRSCO term or UNFC code), ``classification``
  (JORC, CIM, IMIC, UNFC …), ``inventory_date``;
* ``citation`` becomes the site's reference. See ``docs/formats.md``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

from critmin.deposits import vocab
from critmin.deposits.readers.base import ReadResult
from critmin.deposits.readers.common import (
    commodities_of,
    dataset_info,
    grade_fields,
    parse_keyed_measures,
    read_csv_rows,
    require_columns,
    split_names,
    text_or_none,
)
from critmin.deposits.schema import DepositTypeCandidate, InventoryRecord, SiteRecord, SourceFile
from critmin.errors import InputError, UnitError
from critmin.progress import Progress, no_progress
from critmin.units import parse_number, to_tonnes

NATIVE_COLUMNS: Final[tuple[str, ...]] = (
    "record_id", "name", "aliases", "lat", "lon", "location_accuracy_m", "country", "state", "status",
    "commodities_main", "commodities_byproduct", "deposit_type", "deposit_group", "deposit_environment",
    "cox_singer_code", "inventory_category", "classification", "inventory_date", "ore_mt", "grades",
    "contained", "citation", "notes",
)


def _num(text: str | None, *, file: Path, row: int, column: str) -> float | None:
    try:
        v = parse_number(text)
    except ValueError as exc:
        raise InputError(f"{text!r} is not a number", file=file, row=row, column=column) from exc
    if v is not None and not math.isfinite(v):
        raise InputError(f"{text!r} is not a finite number", file=file, row=row, column=column)
    return v


def _inventory(r: dict[str, str | None], *, file: Path, row: int) -> list[InventoryRecord]:
    """Inventory lines of one row: one per commodity named in ``grades`` or ``contained``."""
    ore_mt = _num(r["ore_mt"], file=file, row=row, column="ore_mt")
    grades_text, contained_text = r["grades"], r["contained"]
    if ore_mt is None and grades_text is None and contained_text is None:
        return []
    try:
        grades = parse_keyed_measures(grades_text) if grades_text else []
    except ValueError as exc:
        raise InputError(f"{exc}; write grades like 'REO:3.5%;Nb2O5:0.3%'", file=file, row=row,
                         column="grades") from exc
    try:
        contained = parse_keyed_measures(contained_text) if contained_text else []
    except ValueError as exc:
        raise InputError(f"{exc}; write contained metal like 'REO:1.2Mt'", file=file, row=row,
                         column="contained") from exc
    cat_text = r["inventory_category"]
    category = vocab.normalise_category(cat_text)
    unfc = cat_text.strip() if cat_text and vocab.unfc_to_crirsco(cat_text) and any(
        ch.isdigit() for ch in cat_text) else None
    common: dict[str, Any] = dict(
        category=category,
        classification_method=vocab.normalise_classification(r["classification"]),
        unfc_code=unfc,
        ore_t=ore_mt * 1e6 if ore_mt is not None else None,
        ore_value=ore_mt,
        ore_unit="Mt" if ore_mt is not None else None,
        date=r["inventory_date"],
        reference=r["citation"],
    )
    forms: dict[str, dict[str, Any]] = {}
    for form, value, unit in grades:
        try:
            forms.setdefault(form, {}).update(grade_fields(value, unit))
        except UnitError as exc:
            raise InputError(f"{exc}", file=file, row=row, column="grades") from exc
    for form, value, unit in contained:
        try:
            t = to_tonnes(value, unit)
        except UnitError as exc:
            raise InputError(f"{exc}", file=file, row=row, column="contained") from exc
        forms.setdefault(form, {}).update(contained_t=t, contained_value=value, contained_unit=unit)
    if not forms:
        main = vocab.split_commodities(r["commodities_main"], separators=";")
        forms[main[0] if main else "unknown"] = {}
    out = []
    for form, fields in forms.items():
        sym = vocab.normalise_commodity(form) or form
        out.append(InventoryRecord(commodity=sym, material_form=form if form != sym else None,
                                   **common, **fields))
    return out


def read_native(
    paths: Sequence[str | Path],
    *,
    source: str | None = None,
    mapping: Mapping[str, Any] | None = None,
    progress: Progress = no_progress,
) -> ReadResult:
    """Read critmin-layout CSV files (see :data:`NATIVE_COLUMNS` and ``docs/formats.md``).

    Parameters
    ----------
    paths
        One or more CSV files in the layout.
    source
        Dataset source identifier (default ``"critmin-demo"``).
    mapping
        Unused.
    progress
        Called every 1,000 rows.

    Raises
    ------
    InputError
        Missing columns, bad numbers, coordinates, grades or units (file, row, column).
    """
    src = source or "critmin-demo"
    ps = [Path(p) for p in paths]
    sites: dict[str, SiteRecord] = {}
    done = 0
    for p in ps:
        header, rows = read_csv_rows(p)
        require_columns(header, NATIVE_COLUMNS, file=p, layout="critmin")
        for i, raw in enumerate(rows):
            row = i + 1
            if len(raw) != len(header):
                raise InputError(f"row has {len(raw)} fields, the header has {len(header)}; check quoting",
                                 file=p, row=row)
            r = {h: text_or_none(v) for h, v in zip(header, raw, strict=True)}
            rid = r["record_id"]
            if rid is None:
                raise InputError("record_id is empty", file=p, row=row, column="record_id")
            inventory = _inventory(r, file=p, row=row)
            if rid in sites:  # continuation row: more inventory for the same site
                sites[rid].inventory.extend(inventory)
                continue
            lat = _num(r["lat"], file=p, row=row, column="lat")
            lon = _num(r["lon"], file=p, row=row, column="lon")
            if lat is not None and abs(lat) > 90:
                raise InputError(f"latitude {lat} is outside [-90, 90]", file=p, row=row, column="lat")
            if lon is not None and abs(lon) > 180:
                raise InputError(f"longitude {lon} is outside [-180, 180]", file=p, row=row, column="lon")
            commodities = [*commodities_of(r["commodities_main"] or "", "main"),
                           *commodities_of(r["commodities_byproduct"] or "", "byproduct")]
            dts = []
            if r["deposit_type"] or r["cox_singer_code"]:
                info = vocab.deposit_type(r["deposit_type"]) if r["deposit_type"] else None
                dts.append(DepositTypeCandidate(
                    name=info.type if info else (r["deposit_type"] or r["cox_singer_code"] or ""),
                    environment=r["deposit_environment"] or (info.environment if info else None),
                    group=r["deposit_group"] or (info.group if info else None),
                    cox_singer_code=r["cox_singer_code"] or (info.cox_singer_code if info else None),
                    confidence=1.0, source=src, observed=r["deposit_type"] or "",
                ))
            attributes: dict[str, Any] = {}
            if r["notes"]:
                attributes["notes"] = r["notes"]
            if r["status"]:
                attributes["status_observed"] = r["status"]
            sites[rid] = SiteRecord(
                source=src, record_id=rid, name=r["name"],
                aliases=[a for a in split_names(r["aliases"], seps="|") if a != r["name"]],
                lon=lon if lat is not None else None, lat=lat if lon is not None else None,
                location_accuracy_m=_num(r["location_accuracy_m"], file=p, row=row,
                                         column="location_accuracy_m"),
                country=r["country"], state=r["state"], commodities=commodities, deposit_types=dts,
                status=vocab.normalise_status(r["status"]), inventory=inventory,
                references=[r["citation"]] if r["citation"] else [], attributes=attributes,
                origin=SourceFile(str(p), row),
            )
            done += 1
            if done % 1000 == 0:
                progress(done, None, "critmin sites")
    progress(len(sites), len(sites), "critmin read")
    return ReadResult(datasets={src: dataset_info(src, "critmin", ps)}, sites=list(sites.values()))
