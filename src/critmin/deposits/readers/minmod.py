"""Reader for DARPA CriticalMAAS MinMod mineral-site files (JSON arrays of ``MineralSite`` records).

Each record's dataset is its ``source_id`` (kept verbatim, e.g. ``https://mrdata.usgs.gov/mrds``)
and its id is ``record_id`` as written in the file. Several extraction teams (``created_by``)
often publish copies of one source record; copies sharing ``(source_id, record_id)`` are merged
into **one** :class:`~critmin.deposits.schema.SiteRecord`:

* copies are ranked as MinMod's own fusion does (``SiteScore``): expert copies (``created_by``
  under ``/users/u/``) before system copies (``/users/s/``), newer ``modified_at`` first, then
  file order;
* the first non-empty name, location, country, state, status and rank win; names of the other
  copies that differ become aliases;
* aliases, commodities, deposit-type candidates, inventory lines and references are the union.

MinMod vocabulary ids (``https://minmod.isi.edu/resource/Q…``) are translated through
``critmin/reference/minmod_crosswalk.csv``; free text falls back to :mod:`critmin.deposits.vocab`.

References
----------
MinMod knowledge graph (USC ISI, DARPA CriticalMAAS), data model in
https://github.com/DARPA-CRITICALMAAS/ta2-minmod-kg (MIT).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from critmin.deposits.readers.base import ReadResult
from critmin.deposits.schema import (
    RESOURCE_CATEGORIES,
    Commodity,
    DatasetInfo,
    DepositTypeCandidate,
    InventoryRecord,
    SiteRecord,
    SourceFile,
)
from critmin.errors import InputError, UnitError
from critmin.progress import Progress, no_progress
from critmin.provenance import sha256_files
from critmin.units import grade_to_pct, grade_unit, to_tonnes

_PREFIX = re.compile(r"^(database|mining-report|article)::")
_STATUS = {
    "pastproducer": "past_producer", "past producer": "past_producer", "producer": "producer",
    "prospect": "prospect", "occurrence": "occurrence", "deposit": "deposit", "plant": "plant",
    "notspecified": "unknown", "": "unknown",
}
_CATEGORY = {"originalresource": "original_resource", "cumulativeextracted": "cumulative_extracted"}
_DEG_M = 111_320.0


@dataclass
class _Copy:
    record: dict[str, Any]
    file: Path
    index: int  # 0-based position in the file

    @property
    def is_expert(self) -> bool:
        return "/users/u/" in str(self.record.get("created_by", ""))

    @property
    def rank(self) -> tuple[int, str]:
        return (0 if self.is_expert else 1, _neg(str(self.record.get("modified_at") or "")))


def _neg(s: str) -> str:
    """Sort key turning a later ISO timestamp into a smaller string."""
    return "".join(chr(0x10FFFF - ord(c)) for c in s)


@dataclass
class _Group:
    source: str
    record_id: str
    copies: list[_Copy] = field(default_factory=list)


def read_minmod(
    paths: Sequence[str | Path],
    *,
    source: str | None = None,
    mapping: Mapping[str, Any] | None = None,
    progress: Progress = no_progress,
) -> ReadResult:
    """Read MinMod mineral-site JSON files and merge the teams' copies of each source record.

    Parameters
    ----------
    paths
        JSON files, each an array of MinMod ``MineralSite`` objects.
    source
        Ignored for the source identifier, which is always the record's ``source_id`` (a warning
        says so when given).
    mapping
        Not used by this format (accepted for the common reader signature).
    progress
        Called once per file read.

    Returns
    -------
    ReadResult
        One dataset per distinct ``source_id`` and one site per ``(source_id, record_id)``.

    Raises
    ------
    InputError
        Malformed JSON (file named), a file that is not a JSON array, or a record without
        ``source_id``/``record_id`` (file and 1-based record index named).
    """
    vocab = load_vocabulary()
    warnings: list[str] = []
    if source:
        warnings.append(f"--source {source!r} ignored: MinMod records carry their own source_id")
    groups: dict[tuple[str, str], _Group] = {}
    files_of: dict[str, list[Path]] = {}
    ps = [Path(p) for p in paths]
    for i, path in enumerate(ps):
        for index, rec in enumerate(_load_array(path)):
            sid, rid = _key_of(rec, path, index)
            g = groups.setdefault((sid, rid), _Group(sid, rid))
            g.copies.append(_Copy(rec, path, index))
            fl = files_of.setdefault(sid, [])
            if path not in fl:
                fl.append(path)
        progress(i + 1, len(ps), path.name)
    sites = [_merge(g, vocab, warnings) for g in groups.values()]
    warnings = list(dict.fromkeys(warnings))  # one line per distinct problem
    datasets = {
        sid: DatasetInfo(
            source=sid, format="minmod", files=tuple(str(f) for f in fl),
            content_sha256=sha256_files(fl), title=vocab.source_title(sid),
        )
        for sid, fl in files_of.items()
    }
    return ReadResult(datasets=datasets, sites=sites, warnings=warnings)


def _load_array(path: Path) -> list[Any]:
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}; expected a JSON array of "
            "MinMod MineralSite objects", file=path,
        ) from None
    except UnicodeDecodeError:
        raise InputError("file is not UTF-8 text; MinMod site files are UTF-8 JSON", file=path) from None
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise InputError(f"expected a JSON array of MineralSite objects, got {type(data).__name__}", file=path)
    return data


def _key_of(rec: Any, path: Path, index: int) -> tuple[str, str]:
    if not isinstance(rec, dict):
        raise InputError(f"record is a {type(rec).__name__}, expected a JSON object", file=path, row=index + 1)
    for col in ("source_id", "record_id"):
        v = rec.get(col)
        if v is None or str(v).strip() == "":
            raise InputError(
                f"record has no {col}; every MinMod MineralSite needs source_id and record_id",
                file=path, row=index + 1, column=col,
            )
    return _PREFIX.sub("", str(rec["source_id"]).strip()), str(rec["record_id"]).strip()


def _merge(g: _Group, vocab: MinModVocabulary, warnings: list[str]) -> SiteRecord:
    copies = sorted(g.copies, key=lambda c: c.rank)
    recs = [c.record for c in copies]
    names = [str(r["name"]).strip() for r in recs if r.get("name") and str(r["name"]).strip()]
    name = names[0] if names else None
    aliases: list[str] = []
    for a in names[1:] + [str(x).strip() for r in recs for x in (r.get("aliases") or [])]:
        if a and a != name and a not in aliases:
            aliases.append(a)
    site = SiteRecord(source=g.source, record_id=g.record_id, name=name, aliases=aliases)
    first = copies[0]
    site.origin = SourceFile(str(first.file), first.index + 1)
    _location(site, copies, vocab, warnings)
    for r in recs:
        st = r.get("site_type")
        if st and site.status == "unknown":
            site.status = vocab.status(str(st)) or _STATUS.get(str(st).strip().lower(), "unknown")
        if r.get("site_rank") and site.location_quality is None:
            site.location_quality = f"site_rank {r['site_rank']}"
    seen_c: set[str] = set()
    seen_d: set[tuple[str, str | None]] = set()
    unmatched: list[str] = []
    for c in copies:
        for m in c.record.get("mineral_inventory") or []:
            if not isinstance(m, dict):
                continue
            syms, observed = vocab.commodity(m.get("commodity"))
            if not syms:
                if observed and observed not in unmatched:
                    unmatched.append(observed)
                continue
            for sym in syms:
                if sym not in seen_c:
                    seen_c.add(sym)
                    site.commodities.append(Commodity(symbol=sym, role="unknown", observed=observed))
            inv = _inventory(m, syms[0], vocab, c, warnings)
            if inv is not None and inv not in site.inventory:
                site.inventory.append(inv)
        for d in c.record.get("deposit_type_candidate") or []:
            cand = vocab.deposit_type(d) if isinstance(d, dict) else None
            if cand is not None and (cand.name, cand.source) not in seen_d:
                seen_d.add((cand.name, cand.source))
                site.deposit_types.append(cand)
        for ref in c.record.get("reference") or []:
            doc = (ref or {}).get("document") or {}
            for k in ("doi", "uri"):
                if doc.get(k) and doc[k] not in site.references:
                    site.references.append(str(doc[k]))
    site.deposit_types.sort(key=lambda d: -(d.confidence or 0.0))
    attrs: dict[str, Any] = {
        "created_by": [str(c.record.get("created_by", "")) for c in copies],
        "modified_at": max(str(r.get("modified_at") or "") for r in recs) or None,
    }
    for k in ("discovered_year", "mineral_form"):
        v = next((r[k] for r in recs if r.get(k)), None)
        if v is not None:
            attrs[k] = v
    if unmatched:
        attrs["unmatched_commodities"] = unmatched
    site.attributes = attrs
    return site


def _location(site: SiteRecord, copies: list[_Copy], vocab: MinModVocabulary, warnings: list[str]) -> None:
    for c in copies:
        li = c.record.get("location_info") or {}
        wkt = li.get("location")
        if wkt and site.geometry_wkt is None:
            crs = vocab.crs(li.get("crs")) or "EPSG:4326"
            try:
                lon, lat, acc = _point(str(wkt), crs)
            except (ValueError, TypeError) as exc:
                raise InputError(
                    f"cannot parse location WKT {str(wkt)[:60]!r} ({exc}); expected e.g. 'POINT (lon lat)'",
                    file=c.file, row=c.index + 1, column="location_info.location",
                ) from None
            if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                warnings.append(f"{c.file} record {c.index + 1}: location {wkt!r} outside lon/lat range, dropped")
            else:
                site.geometry_wkt, site.crs, site.lon, site.lat = str(wkt), crs, lon, lat
                site.location_accuracy_m = acc
        if site.country is None:
            site.country = vocab.country(li.get("country"))
        if site.state is None:
            site.state = vocab.state(li.get("state_or_province"), site.country)


def _point(wkt: str, crs: str) -> tuple[float, float, float]:
    """Representative lon/lat (WGS 84) of a WKT geometry and an accuracy implied by its digits.

    The accuracy is half the last written decimal place of the coordinates, in metres (a point
    written to 0.1° is good to about ±5.6 km), or half the geometry's extent when larger.
    """
    from shapely import wkt as shp_wkt
    from shapely.geometry import Point

    geom = shp_wkt.loads(wkt)
    if geom.is_empty:
        raise ValueError("empty geometry")
    pt = geom if isinstance(geom, Point) else geom.representative_point()
    x, y = float(pt.x), float(pt.y)
    decimals = [len(d.rstrip("0")) for d in re.findall(r"-?\d+(?:\.(\d+))?", wkt)]
    places = min(decimals) if decimals else 0
    acc = 0.5 * 10.0 ** (-places) * _DEG_M
    if geom.geom_type != "Point":
        minx, miny, maxx, maxy = geom.bounds
        acc = max(acc, 0.5 * max(maxx - minx, maxy - miny) * _DEG_M)
    if crs.upper() not in ("EPSG:4326", "OGC:CRS84"):
        from pyproj import Transformer

        x, y = Transformer.from_crs(crs, "EPSG:4326", always_xy=True).transform(x, y)
    return x, y, max(acc, 1.0)


def _inventory(
    m: dict[str, Any], sym: str, vocab: MinModVocabulary, c: _Copy, warnings: list[str]
) -> InventoryRecord | None:
    ore, grade, cut = m.get("ore") or {}, m.get("grade") or {}, m.get("cutoff_grade") or {}
    cats = m.get("category") or []
    if not (ore or grade or cut or cats):
        return None
    where = f"{c.file} record {c.index + 1}"
    ore_v, ore_u = _measure(ore, vocab)
    grade_v, grade_u = _measure(grade, vocab)
    ore_t = grade_pct = grade_mgl = None
    if ore_v is not None and ore_u:
        try:
            ore_t = to_tonnes(ore_v, ore_u)
        except UnitError:
            warnings.append(f"{where}: ore unit {ore_u!r} not convertible to tonnes; original kept")
    if grade_v is not None and grade_u:
        try:
            key, kind = grade_unit(grade_u)
            if kind == "mass_fraction":
                grade_pct = grade_to_pct(grade_v, grade_u)
            else:
                grade_mgl = grade_v * {"mg/l": 1.0, "g/l": 1000.0}.get(key, 1.0)
        except UnitError:
            warnings.append(f"{where}: grade unit {grade_u!r} not recognised; original kept")
    cut_v, cut_u = _measure(cut, vocab)
    form = m.get("material_form") or {}
    ref = ((m.get("reference") or {}).get("document") or {})
    return InventoryRecord(
        commodity=sym,
        category=_category(cats),
        classification_method="unknown",
        ore_t=ore_t,
        grade_pct=grade_pct,
        grade_mg_per_l=grade_mgl,
        contained_t=ore_t * grade_pct / 100.0 if ore_t is not None and grade_pct is not None else None,
        cutoff=f"{cut_v:g} {cut_u or ''}".strip() if cut_v is not None else None,
        date=str(m["date"]) if m.get("date") else None,
        material_form=(form.get("observed_name") or vocab.term(form.get("normalized_uri"))) or None,
        zone=str(m["zone"]) if m.get("zone") else None,
        ore_value=ore_v, ore_unit=ore_u, grade_value=grade_v, grade_unit=grade_u,
        reference=ref.get("title") or ref.get("uri") or ref.get("doi"),
    )


def _measure(meas: dict[str, Any], vocab: MinModVocabulary) -> tuple[float | None, str | None]:
    v = meas.get("value") if isinstance(meas, dict) else None
    try:
        value = float(v) if v is not None and v != "" else None
    except (TypeError, ValueError):
        value = None
    unit = (meas.get("unit") or {}) if isinstance(meas, dict) else {}
    observed = str(unit.get("observed_name") or "").strip()
    normal = vocab.term(unit.get("normalized_uri"))
    # MinMod sometimes normalises wrongly (observed "ppm" -> Q218 "gram per cubic metre"):
    # a recognisable observed unit wins.
    u = observed if observed and _known_unit(observed) else (normal or observed or None)
    return value, u


def _known_unit(u: str) -> bool:
    try:
        to_tonnes(1.0, u)
        return True
    except UnitError:
        pass
    try:
        grade_unit(u)
        return True
    except UnitError:
        return False


def _category(cats: list[Any]) -> str:
    keys = []
    for c in cats:
        if not isinstance(c, dict):
            continue
        raw = str(c.get("normalized_uri") or c.get("observed_name") or "").rsplit("/", 1)[-1].strip().lower()
        raw = _CATEGORY.get(raw, raw)
        if raw and raw not in keys:
            keys.append(raw)
    if not keys:
        return "unclassified"
    order = {k: i for i, k in enumerate(RESOURCE_CATEGORIES)}
    joined = "+".join(sorted(keys, key=lambda k: order.get(k, 99)))
    return joined if joined in RESOURCE_CATEGORIES else (keys[0] if len(keys) == 1 and keys[0] in order
                                                         else "unclassified")


_Q = re.compile(r"/(Q\d+)$")
_US_ABBR = re.compile(r"^[A-Z]{2}$")


class MinModVocabulary:
    """MinMod vocabulary ids and free text → critmin terms (``minmod_crosswalk`` reference table)."""

    def __init__(self) -> None:
        from critmin.reference import load_table

        t = load_table("minmod_crosswalk")
        self._term = dict(zip(t.minmod_id, t.term, strict=True))
        self._detail = dict(zip(t.minmod_id, t.detail, strict=True))
        self._label = dict(zip(t.minmod_id, t.label, strict=True))
        self._kind = dict(zip(t.minmod_id, t.kind, strict=True))
        st = t[t.kind == "state"]
        self._state_code = {d: n for d, n in zip(st.detail, st.term, strict=True)}
        self._sources = {u: (lab, n) for u, lab, n, k in zip(t.minmod_id, t.label, t.term, t.kind, strict=True)
                         if k == "data_source"}
        self._dtype_by_name = {lab.lower(): q for q, lab, k in zip(t.minmod_id, t.label, t.kind, strict=True)
                               if k == "deposit_type"}
        try:
            from critmin.deposits import vocab as v  # written by another module; optional here

            self._vocab: Any = v
        except ImportError:
            self._vocab = None

    @staticmethod
    def qid(uri: object) -> str | None:
        m = _Q.search(str(uri or ""))
        return m.group(1) if m else None

    def term(self, uri: object) -> str | None:
        q = self.qid(uri)
        return (self._term.get(q) or None) if q else None

    def source_title(self, source_id: str) -> str | None:
        hit = self._sources.get(source_id)
        return hit[0] if hit else None

    def commodity(self, cand: object) -> tuple[list[str], str]:
        """``(symbols, observed text)`` of a commodity CandidateEntity ("Zirconium and Hafnium" gives two)."""
        if not isinstance(cand, dict):
            return [], ""
        observed = str(cand.get("observed_name") or "").strip()
        q = self.qid(cand.get("normalized_uri"))
        sym = self._term.get(q) if q and self._kind.get(q) == "commodity" else None
        syms = [sym] if sym else []
        if not syms and observed and self._vocab is not None:
            syms = [x for _, x in self._vocab.normalise_commodities(observed) if x]
        if not syms and observed:
            syms = [x for x in [_fallback_commodity(observed)] if x]
        return list(dict.fromkeys(syms)), observed or (self._label.get(q, "") if q else "")

    def deposit_type(self, cand: dict[str, Any]) -> DepositTypeCandidate | None:
        observed = str(cand.get("observed_name") or "").strip()
        q = self.qid(cand.get("normalized_uri"))
        if q is None and observed.lower() in self._dtype_by_name:
            q = self._dtype_by_name[observed.lower()]
        conf = cand.get("confidence")
        src = str(cand.get("source")) if cand.get("source") else None
        cs = re.match(r"^\s*(\d{1,2}[a-z]?(?:\.\d)?)\b", observed)
        if q and self._kind.get(q) == "deposit_type":
            env, _, grp = self._detail[q].partition(" > ")
            info = self._vocab.deposit_type(self._term[q]) if self._vocab is not None else None
            return DepositTypeCandidate(name=self._term[q], environment=env or None, group=grp or None,
                                        cox_singer_code=info.cox_singer_code if info is not None else None,
                                        confidence=float(conf) if conf is not None else None, source=src,
                                        observed=observed)
        if not observed:
            return None
        info = self._vocab.deposit_type(observed) if self._vocab is not None else None
        if info is not None:
            return DepositTypeCandidate(name=info.type, environment=info.environment, group=info.group,
                                        cox_singer_code=info.cox_singer_code,
                                        confidence=float(conf) if conf is not None else None, source=src,
                                        observed=observed)
        return DepositTypeCandidate(name=observed, cox_singer_code=cs.group(1) if cs else None,
                                    confidence=float(conf) if conf is not None else None, source=src,
                                    observed=observed)

    def crs(self, cand: object) -> str | None:
        if not isinstance(cand, dict):
            return None
        t = self.term(cand.get("normalized_uri"))
        obs = str(cand.get("observed_name") or "").strip()
        return t or (obs if obs.upper().startswith("EPSG:") else None)

    def country(self, cands: object) -> str | None:
        for c in cands if isinstance(cands, list) else []:
            if isinstance(c, dict):
                t = self.term(c.get("normalized_uri"))
                obs = str(c.get("observed_name") or "").strip()
                if t or obs:
                    return t or obs
        return None

    def state(self, cands: object, country: str | None) -> str | None:
        for c in cands if isinstance(cands, list) else []:
            if isinstance(c, dict):
                t = self.term(c.get("normalized_uri"))
                obs = str(c.get("observed_name") or "").strip()
                # a US postal code wins over MinMod's normalisation ("CA" is sometimes linked to Canelones)
                if obs and _US_ABBR.match(obs) and country in (None, "United States"):
                    return self._state_code.get(f"US-{obs}", obs)
                if t:
                    return t
                if obs:
                    return obs
        return None

    def status(self, text: str) -> str | None:
        if self._vocab is not None:
            try:
                st = self._vocab.normalise_status(text)
            except InputError:
                return None
            return None if st == "unknown" else str(st)
        return None


@lru_cache(maxsize=1)
def load_vocabulary() -> MinModVocabulary:
    """The (cached) MinMod crosswalk."""
    return MinModVocabulary()


@lru_cache(maxsize=1)
def _commodity_names() -> dict[str, str]:
    from critmin.reference import load_table

    t = load_table("commodities")
    out: dict[str, str] = {}
    for sym, name, aliases in zip(t.symbol, t.name, t.aliases, strict=True):
        for k in [sym, name, *aliases.split("|")]:
            if k:
                out.setdefault(k.strip().lower(), sym)
    return out


def _fallback_commodity(text: str) -> str | None:
    """Commodity symbol from free text when :mod:`critmin.deposits.vocab` is unavailable."""
    names = _commodity_names()
    t = re.sub(r"^[%\s]*(g/t|ppm|wt\.?%|%)\s*", "", text.strip())
    for k in (t, t.lower(), t.split(",")[0].strip().lower(), t.split("-")[0].strip().lower()):
        if k in names:
            return names[k]
    return None
