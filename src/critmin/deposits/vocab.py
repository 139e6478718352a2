"""Controlled vocabularies of the deposit knowledge base: commodities, development status,
resource categories, reporting codes and deposit types.

Commodity convention
--------------------
A commodity is written as

* the **element symbol** where the commodity is an element or the ore of one element:
  ``Li`` (lithium, spodumene, Li2O, Li2CO3, LCE), ``Ti`` (ilmenite, rutile, heavy minerals), ``Zr``
  (zircon), ``F`` (fluorite, fluorspar), ``Ba`` (barite), ``K`` (potash), ``P`` (phosphate),
  ``Nd`` (neodymium, Nd2O3) …;
* ``REE`` for the rare-earth group (REE, REO, TREO, "rare earths", monazite, bastnäsite) and
  ``PGE`` for the platinum group; individual lanthanides keep their own symbols;
* otherwise a **capitalised commodity name**: ``Graphite``, ``Diamond``, ``Mica``, ``Clay``,
  ``Silica``, ``Gypsum``, ``Limestone`` … (table ``commodities`` in :mod:`critmin.reference`).

Unknown text gives ``None``; callers keep the observed text.

References
----------
Hofstra, A., and others, 2021, Deposit classification scheme for the Critical Minerals Mapping
Initiative Global Geochemical Database: USGS Open-File Report 2021-1049, doi:10.3133/ofr20211049.

Cox, D.P., and Singer, D.A., eds., 1986, Mineral deposit models: USGS Bulletin 1693,
doi:10.3133/b1693.

CRIRSCO, 2013, International Reporting Template (November 2013).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import cast

from critmin.deposits.schema import ClassificationMethod, DevelopmentStatus, ResourceCategory
from critmin.reference import table_rows

__all__ = [
    "CommodityInfo",
    "DepositTypeInfo",
    "commodity_group",
    "commodity_info",
    "commodity_symbols",
    "cox_singer_model",
    "deposit_type",
    "normalise_category",
    "normalise_classification",
    "normalise_commodities",
    "normalise_commodity",
    "normalise_status",
    "split_commodities",
    "unfc_to_crirsco",
]


# --------------------------------------------------------------------------------------------
# commodities
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CommodityInfo:
    """One row of the commodity table."""

    symbol: str
    name: str
    kind: str  # "element" | "element_group" | "commodity"
    parent: str | None
    mrds_code: str | None
    critical_us_2022: bool
    critical_india_2023: bool
    aliases: tuple[str, ...]


def _fold(text: str) -> str:
    """Case-fold and unify separators: 'Rare-Earth  Elements' -> 'rare earth elements'."""
    t = text.strip().casefold().replace("ä", "a")
    t = re.sub(r"[\s_\-]+", " ", t)
    return t.strip(" .")


@lru_cache(maxsize=1)
def _commodity_tables() -> tuple[dict[str, CommodityInfo], dict[str, str], dict[str, str], dict[str, str]]:
    """Return (info by symbol, exact-case keys, upper-case MRDS codes, folded names)."""
    info: dict[str, CommodityInfo] = {}
    exact: dict[str, str] = {}
    folded: dict[str, str] = {}
    for r in table_rows("commodities"):
        aliases = tuple(a for a in r.aliases.split("|") if a)
        info[r.symbol] = CommodityInfo(
            symbol=r.symbol,
            name=r.name,
            kind=r.kind,
            parent=r.parent or None,
            mrds_code=r.mrds_code or None,
            critical_us_2022=r.critical_us_2022 == "1",
            critical_india_2023=r.critical_india_2023 == "1",
            aliases=aliases,
        )
        exact[r.symbol] = r.symbol
        folded.setdefault(_fold(r.name), r.symbol)
        for a in aliases:
            # formulas and abbreviations (Li2O, REO, LCE) are case-sensitive; names are folded
            if re.fullmatch(r"[A-Z][A-Za-z0-9·.+()]*", a) and any(ch.isdigit() or ch.isupper() for ch in a[1:]):
                exact.setdefault(a, r.symbol)
            folded.setdefault(_fold(a), r.symbol)
    codes: dict[str, str] = {}
    for r in table_rows("mrds_commodity_codes"):
        if r.symbol:
            codes[r.mrds_code.upper()] = r.symbol
            folded.setdefault(_fold(r.mrds_name), r.symbol)
            # "Titanium > Heavy Minerals" also as "heavy minerals titanium"
            if ">" in r.mrds_name:
                parent, child = (p.strip() for p in r.mrds_name.split(">", 1))
                folded.setdefault(_fold(child + " " + parent), r.symbol)
    for sym, ci in info.items():
        if ci.mrds_code:
            codes.setdefault(ci.mrds_code.upper(), sym)
    return info, exact, codes, folded


_SUFFIXES = re.compile(
    r"\s+(ore|ores|concentrate|concentrates|metal|metals|mineral|minerals|deposit|deposits|"
    r"oxide|oxides|equivalent|content|grade|resource|resources|bearing)$"
)
_FORMULA = re.compile(r"^([A-Z][a-z]?)\d*(?:[A-Z][a-z]?\d*|[·.()]|\d)*$")
_FORMULA_COUNTER_IONS = {"O", "H", "C", "S", "N", "Cl"}


def _lookup_one(text: str) -> str | None:
    info, exact, codes, folded = _commodity_tables()
    s = text.strip().strip("\"'").strip()
    if not s:
        return None
    if s in exact:
        return exact[s]
    if s.upper() in codes and (len(s) <= 3 or s.isupper() or "_" in s):
        return codes[s.upper()]
    f = _fold(s)
    if f in folded:
        return folded[f]
    # plural / suffix forms: "rare earths", "tungsten concentrate", "lithium-bearing"
    for cand in (f.rstrip("s"), _SUFFIXES.sub("", f), _SUFFIXES.sub("", f).rstrip("s")):
        if cand in folded:
            return folded[cand]
    # generic formula: the first element of an oxide/carbonate/sulphate/chloride/hydroxide
    m = _FORMULA.match(s)
    if m:
        elements = re.findall(r"[A-Z][a-z]?", s)
        first = m.group(1)
        if first in info and info[first].kind == "element" and set(elements[1:]) <= _FORMULA_COUNTER_IONS:
            return first
    return None


def normalise_commodity(text: str | None) -> str | None:
    """Normalise a commodity written as an MRDS code, name, symbol, mineral or compound.

    Parameters
    ----------
    text
        E.g. ``"LI"``, ``"Lithium"``, ``"lithium (Li)"``, ``"Li2CO3"``, ``"TREO"``, ``"rare earths"``,
        ``"GRF"``, ``"Barium-Barite"``, ``"Titanium > Heavy Minerals"``.

    Returns
    -------
    str or None
        The canonical symbol (see the module docstring) or ``None`` when the text is not recognised.

    Examples
    --------
    >>> normalise_commodity("lithium (Li)"), normalise_commodity("Nb2O5"), normalise_commodity("GRF")
    ('Li', 'Nb', 'Graphite')
    """
    if text is None:
        return None
    s = str(text).strip()
    if not s:
        return None
    hit = _lookup_one(s)
    if hit is not None:
        return hit
    # "lithium (Li)" / "Li (lithium)" / "% Li2O" / "Nb2O5 %"
    m = re.match(r"^(.*?)\s*\((.*?)\)\s*$", s)
    if m:
        for part in m.groups():
            hit = _lookup_one(part)
            if hit is not None:
                return hit
    stripped = re.sub(r"^[%\s]+|[%\s]+$", "", s)
    if stripped != s:
        return _lookup_one(stripped)
    return None


def split_commodities(text: str | None, *, separators: str = ",;/|&") -> list[str]:
    """Split a multi-valued commodity cell into its items (observed text, whitespace trimmed).

    Separators default to ``,`` ``;`` ``/`` ``|`` ``&``, and the word "and" also splits; text inside
    parentheses is not split ("REE (La, Ce)" stays one item). Pass ``separators=",;"`` for MRDS
    cells, where "/" and "and" occur inside names ("Stone, Crushed/Broken", "Sand and Gravel").

    Examples
    --------
    >>> split_commodities("Uranium, Vanadium"), split_commodities("lithium; bromine")
    (['Uranium', 'Vanadium'], ['lithium', 'bromine'])
    """
    return [p for p, _ in _split_with_separators(text, separators)]


def _split_with_separators(text: str | None, separators: str) -> list[tuple[str, str]]:
    """Items with the separator that preceded each ('' for the first)."""
    if text is None:
        return []
    s = str(text).strip()
    if not s or s.casefold() in {"<null>", "nan", "none", "null"}:
        return []
    pieces: list[tuple[str, str]] = []
    depth, start, sep = 0, 0, ""
    for i, ch in enumerate(s):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif ch in separators and depth == 0:
            pieces.append((s[start:i], sep))
            start, sep = i + 1, ch
    pieces.append((s[start:], sep))
    split_and = "&" in separators
    out: list[tuple[str, str]] = []
    for piece, sep in pieces:
        parts = re.split(r"\s+and\s+", piece) if split_and and "(" not in piece else [piece]
        for j, q in enumerate(parts):
            q = q.strip()
            if q:
                out.append((q, sep if j == 0 else "and"))
    return out


def normalise_commodities(
    text: str | None, *, separators: str = ",;/|&", merge_qualifiers: bool = False
) -> list[tuple[str, str | None]]:
    """Split a cell and normalise each item: ``[(observed, symbol or None), …]`` in order.

    With ``merge_qualifiers=True`` an unrecognised item that follows a recognised one after a comma
    is a qualifier of it (MRDS "Stone, Crushed/Broken" → one item ``("Stone, Crushed/Broken",
    "Dimension stone")``).
    """
    out: list[tuple[str, str | None]] = []
    for item, sep in _split_with_separators(text, separators):
        sym = normalise_commodity(item)
        if merge_qualifiers and sym is None and sep == "," and out and out[-1][1] is not None:
            prev, prev_sym = out[-1]
            joined = normalise_commodity(f"{prev} > {item}")
            out[-1] = (f"{prev}, {item}", joined or prev_sym)
            continue
        out.append((item, sym))
    return out


def commodity_info(symbol: str) -> CommodityInfo | None:
    """Return the table row of a canonical commodity symbol (or of any text it normalises from)."""
    info = _commodity_tables()[0]
    if symbol in info:
        return info[symbol]
    sym = normalise_commodity(symbol)
    return info.get(sym) if sym else None


def commodity_group(symbol: str) -> list[str]:
    """The symbol itself plus, for a group (``REE``, ``PGE``), every member whose parent it is.

    A filter for ``REE`` must also find sites recorded with individual lanthanides (La, Ce … Y),
    as in the USGS REE compilation.
    """
    info = _commodity_tables()[0]
    sym = symbol if symbol in info else (normalise_commodity(symbol) or symbol)
    return [sym, *[s for s, i in info.items() if i.parent == sym and s != sym]]


def commodity_symbols() -> list[str]:
    """All canonical commodity symbols, in table order."""
    return list(_commodity_tables()[0])


# --------------------------------------------------------------------------------------------
# development status
# --------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _status_terms() -> dict[str, str]:
    return {_fold(r.term): r.status for r in table_rows("statuses")}


_STATUS_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"\bpast\b|\bformer\b|\bclosed\b|\babandon|\binactive\b|\bhistoric", "past_producer"),
    (r"\bplant\b|\bmill\b|\bsmelter\b|\brefiner", "plant"),
    (r"\bproduc|\boperating\b|\bactive\b|\bmine\b", "producer"),
    (r"\bdeposit\b|\bfeasibility\b|\bdevelop|\bevaluat", "deposit"),
    (r"\bprospect|\bexplor", "prospect"),
    (r"\boccurrence|\bshowing|\bdiscover", "occurrence"),
)


def normalise_status(text: str | None) -> DevelopmentStatus:
    """Map a development-status text to a :data:`~critmin.deposits.schema.DevelopmentStatus`.

    Accepts MRDS ``dev_stat`` (Producer, Past Producer, Prospect, Occurrence, Plant, Unknown), USMIN
    ``History.Status`` (Discovery, Exploration, Evaluation, Development, Active …), MinMod
    ``site_type`` (NotSpecified …) and free text ("operating mine", "developed deposit").
    Unrecognised or empty text gives ``"unknown"``.
    """
    if text is None:
        return "unknown"
    f = _fold(str(text))
    if not f:
        return "unknown"
    terms = _status_terms()
    if f in terms:
        return cast(DevelopmentStatus, terms[f])
    for pattern, status in _STATUS_PATTERNS:
        if re.search(pattern, f):
            return cast(DevelopmentStatus, status)
    return "unknown"


# --------------------------------------------------------------------------------------------
# resource categories, UNFC, reporting codes
# --------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _category_terms() -> dict[str, str]:
    return {_fold(r.term): r.category for r in table_rows("resource_categories")}


@lru_cache(maxsize=1)
def _unfc_codes() -> dict[str, str]:
    return {r.unfc_code: r.category for r in table_rows("unfc1997_codes")}


def unfc_to_crirsco(code: str | int | None) -> ResourceCategory | None:
    """Map a UNFC code to the corresponding CRIRSCO category.

    Accepts UNFC-1997 three-digit codes as used in India's National Mineral Inventory
    (``111``, ``"121"``, ``"UNFC 331"``) and UNFC-2009 class strings (``"E1F1G1"``, ``"E1.1 F2 G2"``),
    which are reduced to the first digit on each axis. ``334`` (reconnaissance) and other codes
    without a CRIRSCO equivalent give ``"unclassified"``; unparseable text gives ``None``.

    References
    ----------
    UNECE, 1997, UNFC for Reserves/Resources - Solid Fuels and Mineral Commodities;
    Mineral (Evidence of Mineral Contents) Rules 2015, Government of India.
    """
    if code is None:
        return None
    s = str(code).strip().upper()
    m = re.search(r"E\s*([1-3])(?:\.\d)*\s*F\s*([1-4])(?:\.\d)*\s*G\s*([1-4])", s)
    digits = "".join(m.groups()) if m else None
    if digits is None:
        m2 = re.search(r"(?<!\d)([1-3][1-4][1-4])(?!\d)", s)
        digits = m2.group(1) if m2 else None
    if digits is None:
        return None
    cat = _unfc_codes().get(digits)
    if cat is None:
        return "unclassified"
    return cast(ResourceCategory, cat)


_CAT_WORDS = {"measured": "measured", "indicated": "indicated", "inferred": "inferred",
              "proven": "proven", "proved": "proven", "probable": "probable"}


def normalise_category(text: str | None) -> ResourceCategory:
    """Map a resource/reserve category text to a :data:`~critmin.deposits.schema.ResourceCategory`.

    CRIRSCO categories (Measured, Indicated, Inferred, Proven/Proved, Probable), combinations
    ("Measured + Indicated" → ``measured+indicated``, "Indicated and Inferred" →
    ``indicated+inferred``, all three → ``measured+indicated+inferred``; other combinations that include
    Inferred → ``inferred``, the lowest confidence), MinMod categories (OriginalResource, Extracted,
    CumulativeExtracted), historic terms and UNFC codes (via :func:`unfc_to_crirsco`).
    Unrecognised or empty text gives ``"unclassified"``.
    """
    if text is None:
        return "unclassified"
    raw = str(text).strip()
    f = _fold(raw)
    if not f or f in {"<null>", "nan", "none", "null"}:
        return "unclassified"
    terms = _category_terms()
    if f in terms:
        return cast(ResourceCategory, terms[f])
    if re.search(r"\d{3}|E\s*\d", raw) and (u := unfc_to_crirsco(raw)) is not None:
        return u
    words = {_CAT_WORDS[w] for w in re.findall(r"[a-z]+", f) if w in _CAT_WORDS}
    if len(words) == 1:
        return cast(ResourceCategory, words.pop())
    if words == {"indicated", "inferred"}:
        return "indicated+inferred"
    if words == {"measured", "indicated", "inferred"}:
        return "measured+indicated+inferred"
    if "inferred" in words:
        return "inferred"
    if words == {"measured", "indicated"}:
        return "measured+indicated"
    if words == {"proven", "probable"}:
        return "proven+probable"
    if re.search(r"historic", f):
        return "historic"
    if re.search(r"cumulative|past production", f):
        return "cumulative_extracted"
    if re.search(r"production|extracted|mined", f):
        return "extracted"
    return "unclassified"


@lru_cache(maxsize=1)
def _method_terms() -> dict[str, str]:
    return {_fold(r.term): r.method for r in table_rows("classification_methods")}


def normalise_classification(text: str | None) -> ClassificationMethod:
    """Map a reporting-code text (JORC, CIM/NI 43-101, SAMREC, PERC, S-K 1300, IMIC, UNFC,
    historic, USGS) to a :data:`~critmin.deposits.schema.ClassificationMethod`; else ``"unknown"``."""
    if text is None:
        return "unknown"
    f = _fold(str(text))
    if not f or f in {"<null>", "nan", "none", "null"}:
        return "unknown"
    terms = _method_terms()
    if f in terms:
        return cast(ClassificationMethod, terms[f])
    for pattern, method in (
        (r"jorc", "JORC"), (r"43 ?101|\bcim\b", "CIM"), (r"samrec", "SAMREC"), (r"\bperc\b", "PERC"),
        (r"s ?k ?1300", "S-K 1300"), (r"imic", "IMIC"), (r"unfc|memc", "UNFC"),
        (r"guide 7|historic|non ?compliant", "historic"), (r"usgs|usbm|circular 831", "USGS"),
    ):
        if re.search(pattern, f):
            return cast(ClassificationMethod, method)
    return "unknown"


# --------------------------------------------------------------------------------------------
# deposit types (CMMI, Hofstra et al. 2021) and Cox & Singer (1986) models
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DepositTypeInfo:
    """A CMMI deposit type with its group and environment and the closest Cox & Singer model.

    For a Cox & Singer model without a CMMI equivalent, ``type`` is the model name and
    ``group``/``environment`` are ``None``.
    """

    type: str
    group: str | None
    environment: str | None
    cox_singer_code: str | None


@lru_cache(maxsize=1)
def _type_tables() -> tuple[dict[str, DepositTypeInfo], dict[str, DepositTypeInfo], list[tuple[str, str]]]:
    """Return (by folded name/alias, by Cox & Singer code, [(folded alias, type)] longest first)."""
    by_name: dict[str, DepositTypeInfo] = {}
    by_type: dict[str, DepositTypeInfo] = {}
    aliases: list[tuple[str, str]] = []
    for r in table_rows("deposit_types"):
        dt = DepositTypeInfo(r.type, r.group, r.environment, r.cox_singer_code or None)
        by_type[r.type] = dt
        by_name[_fold(r.type)] = dt
        for a in (a for a in r.aliases.split("|") if a):
            by_name.setdefault(_fold(a), dt)
            aliases.append((_fold(a), r.type))
    by_code: dict[str, DepositTypeInfo] = {}
    for r in table_rows("cox_singer_models"):
        if r.cmmi_type:
            base = by_type[r.cmmi_type]
            dt = DepositTypeInfo(base.type, base.group, base.environment, r.cox_singer_code)
        else:
            dt = DepositTypeInfo(r.model_name, None, None, r.cox_singer_code)
        by_code[r.cox_singer_code.casefold()] = dt
        by_name.setdefault(_fold(r.model_name), dt)
        by_name.setdefault(_fold(r.model_name + " deposits"), dt)
        aliases.append((_fold(r.model_name), dt.type))
    aliases.sort(key=lambda a: -len(a[0]))
    return by_name, by_code, aliases


_COX_CODE = re.compile(r"^(?:(?:usgs|cox\s*(?:&|and)\s*singer)?\s*(?:model)?\s*(?:no\.?)?\s*)?(\d{1,2}[a-h]?)\b",
                       re.IGNORECASE)


def cox_singer_model(code: str) -> DepositTypeInfo | None:
    """Look up a Cox & Singer (1986) model number (``"17"``, ``"39c"``, ``"Model 10"``)."""
    m = _COX_CODE.match(str(code).strip())
    if not m:
        return None
    return _type_tables()[1].get(m.group(1).casefold())


def deposit_type(name: str | None) -> DepositTypeInfo | None:
    """Resolve a deposit-type text to a CMMI type (Hofstra et al. 2021).

    Accepts CMMI type names ("Carbonatite REE"), common aliases ("LCT pegmatite", "beach sands",
    "salar"), Cox & Singer model numbers or names ("10", "39c", "14a - W skarn deposits",
    "Porphyry Cu"), and free text containing an alias ("lithium-enriched oilfield brine").
    Returns ``None`` when nothing matches.

    References
    ----------
    Hofstra, A., and others, 2021, USGS OFR 2021-1049, doi:10.3133/ofr20211049.
    Cox, D.P., and Singer, D.A., eds., 1986, USGS Bulletin 1693, doi:10.3133/b1693.
    """
    if name is None:
        return None
    s = str(name).strip()
    if not s or s.casefold() in {"<null>", "nan", "none", "null", "unclassified", "unknown"}:
        return None
    by_name, by_code, aliases = _type_tables()
    f = _fold(s)
    if f in by_name:
        return by_name[f]
    if (hit := cox_singer_model(s)) is not None:
        return hit
    # "lithium cesium tantalum (lct) pegmatite" -> drop parentheses
    f2 = _fold(re.sub(r"\(.*?\)", " ", s))
    if f2 in by_name:
        return by_name[f2]
    for alias, type_name in aliases:
        if len(alias) >= 4 and re.search(r"\b" + re.escape(alias) + r"\b", f):
            return by_name.get(_fold(type_name)) or next(
                (v for v in by_code.values() if v.type == type_name), None
            )
    return None
