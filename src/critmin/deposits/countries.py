"""Country names and codes normalised to ISO 3166-1 alpha-3.

Sources write countries as names ("United States"), codes ("USA", "US") or MinMod vocabulary terms;
the knowledge base stores ISO3 codes so that one filter finds every source's records.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from critmin.reference import table_rows

__all__ = ["country_name", "normalise_country"]


def _fold(text: str) -> str:
    t = unicodedata.normalize("NFKD", text.replace("\u2019", "'")).encode("ascii", "ignore").decode() or text
    return re.sub(r"[^a-z0-9]+", " ", t.lower()).strip()


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, str], dict[str, str]]:
    lookup: dict[str, str] = {}
    names: dict[str, str] = {}
    for r in table_rows("countries"):
        iso3 = r["iso3"]
        names[iso3] = r["name"]
        keys = [iso3, r["iso2"], r["name"], *[a for a in r["aliases"].split("|") if a and a != "nan"]]
        for k in keys:
            lookup.setdefault(_fold(k), iso3)
            lookup.setdefault(k.strip().lower(), iso3)
    return lookup, names


def normalise_country(text: str | None) -> str | None:
    """ISO 3166-1 alpha-3 code of a country name, alias or ISO2/ISO3 code; None when unknown.

    Examples
    --------
    >>> normalise_country("United States"), normalise_country("IND"), normalise_country("Côte d'Ivoire")
    ('USA', 'IND', 'CIV')
    """
    if text is None:
        return None
    t = str(text).strip()
    if not t:
        return None
    lookup, _ = _tables()
    return lookup.get(t.lower()) or lookup.get(_fold(t))


def country_name(iso3: str) -> str | None:
    """English short name of an ISO3 code."""
    return _tables()[1].get(iso3.upper())
