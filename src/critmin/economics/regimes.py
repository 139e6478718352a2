"""Fiscal-regime library: named sets of cited fiscal terms a project file can refer to and override.

The terms are reference data (``critmin.reference`` tables ``econ_fiscal_regimes``, ``econ_fiscal_terms`` and
``econ_royalty_bands``), each value with its source. Only terms that could be cited are shipped; a regime that
lacks, for example, a corporate income tax rate makes the project name it (``fiscal.income_tax_rate``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from critmin.errors import InputError
from critmin.reference import load_table

__all__ = ["Regime", "list_regimes", "regime_terms"]

_TEXT_TERMS = {"royalty_base"}


@dataclass(frozen=True)
class Regime:
    """A named fiscal regime with its cited terms."""

    regime: str
    jurisdiction: str
    iso3: str
    description: str
    status: str
    terms: dict[str, Any]
    sources: dict[str, str]
    notes: dict[str, str]

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary."""
        return {"regime": self.regime, "jurisdiction": self.jurisdiction, "iso3": self.iso3,
                "description": self.description, "status": self.status, "terms": dict(self.terms),
                "sources": dict(self.sources), "notes": dict(self.notes)}


@cache
def _regimes() -> dict[str, Regime]:
    head = load_table("econ_fiscal_regimes")
    terms = load_table("econ_fiscal_terms")
    bands = load_table("econ_royalty_bands")
    out: dict[str, Regime] = {}
    for r in head.itertuples(index=False):
        rid = str(r.regime)
        t: dict[str, Any] = {}
        s: dict[str, str] = {}
        notes: dict[str, str] = {}
        for row in terms[terms["regime"] == rid].itertuples(index=False):
            term = str(row.term)
            t[term] = str(row.value) if term in _TEXT_TERMS else float(str(row.value))
            s[term] = str(row.source)
            if row.note:
                notes[term] = str(row.note)
        b = bands[bands["regime"] == rid]
        if len(b):
            t["royalty_bands"] = [[float(str(x.lower_usd_per_t)),
                                   float(str(x.upper_usd_per_t)) if str(x.upper_usd_per_t) else 1e30,
                                   float(str(x.marginal_rate))] for x in b.itertuples(index=False)]
            s["royalty_bands"] = str(b.iloc[0]["source"])
        out[rid] = Regime(rid, str(r.jurisdiction), str(r.iso3), str(r.description), str(r.status), t, s, notes)
    return out


def list_regimes() -> list[Regime]:
    """All regimes of the library, in table order."""
    return list(_regimes().values())


def regime_terms(name: str) -> tuple[dict[str, Any], dict[str, str]]:
    """The terms of regime ``name`` (``fiscal.*`` keys → value) and the source of each.

    Raises
    ------
    InputError
        If the regime is unknown (the message lists the known ones).
    """
    reg = _regimes().get(name.strip().lower())
    if reg is None:
        raise InputError(f"unknown fiscal regime {name!r}; expected one of {', '.join(_regimes())}")
    terms = {k: (list(v) if isinstance(v, list) else v) for k, v in reg.terms.items()}
    return terms, {k: f"regime {reg.regime}: {v}" for k, v in reg.sources.items()}
