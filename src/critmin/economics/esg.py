"""Responsible-sourcing screen: a scored checklist (IRMA, IFC PS1–8, GISTM, OECD Annex II red flags).

Each checklist item (reference table ``econ_esg_checklist``) is rated ``green`` (2 points), ``amber`` (1),
``red`` (0) or ``not_assessed`` (excluded from the score), with the evidence seen and the reviewer. The score is
the share of available points over the assessed items; a ``red`` OECD Annex II red flag makes the overall rating
``red`` regardless of the score (escalation as the OECD guidance requires). The screen is a structured record of
an analyst's judgement, not a certification.

References
----------
OECD, 2016, OECD Due Diligence Guidance for Responsible Supply Chains of Minerals from Conflict-Affected and
High-Risk Areas, 3rd ed., doi:10.1787/9789264252479-en.
IFC, 2012, Performance Standards on Environmental and Social Sustainability.
IRMA, 2018, IRMA Standard for Responsible Mining IRMA-STD-001.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from critmin.errors import InputError
from critmin.provenance import RunRecord, sha256_json
from critmin.reference import load_table

__all__ = ["RATINGS", "EsgScreen", "checklist", "screen"]

RATINGS: dict[str, int | None] = {"green": 2, "amber": 1, "red": 0, "not_assessed": None}


def checklist() -> list[dict[str, Any]]:
    """The checklist items (item_id, framework, topic, question, red_flag)."""
    t = load_table("econ_esg_checklist")
    return [{**{str(k): v for k, v in r.items()}, "red_flag": r["red_flag"] == "yes"}
            for r in t.to_dict(orient="records")]


@dataclass(frozen=True)
class EsgScreen:
    """A scored screen."""

    items: list[dict[str, Any]]
    score: float | None
    rating: str
    assessed: int
    red_flags: list[str]
    reviewer: str
    reviewed: str
    provenance: RunRecord

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary."""
        return {"score": self.score, "rating": self.rating, "assessed": self.assessed, "total": len(self.items),
                "red_flags": self.red_flags, "reviewer": self.reviewer, "reviewed": self.reviewed,
                "items": self.items, "provenance": self.provenance.to_dict()}


def screen(esg: Mapping[str, Any], *, source: str = "[esg]") -> EsgScreen:
    """Score an ``[esg]`` record: ``reviewer``, ``reviewed`` (date) and ``items`` = {item_id: {status, evidence}}.

    Raises
    ------
    InputError
        For an unknown item id, an unknown status, or a rated item without evidence or without a reviewer.
    """
    items_in = esg.get("items", {})
    if not isinstance(items_in, Mapping):
        raise InputError("esg.items: expected a table of ITEM_ID = {status = ..., evidence = ...}", file=source,
                         column="esg.items")
    reviewer = str(esg.get("reviewer", "")).strip()
    reviewed = str(esg.get("reviewed", "")).strip()
    known = {r["item_id"]: r for r in checklist()}
    unknown = sorted(set(items_in) - set(known))
    if unknown:
        raise InputError(f"esg.items.{unknown[0]}: unknown checklist item; expected one of {', '.join(known)}",
                         file=source, column=f"esg.items.{unknown[0]}")
    out: list[dict[str, Any]] = []
    points = available = assessed = 0
    flags: list[str] = []
    for item_id, ref in known.items():
        given = items_in.get(item_id, {})
        if not isinstance(given, Mapping):
            raise InputError(f"esg.items.{item_id}: expected a table with status and evidence", file=source,
                             column=f"esg.items.{item_id}")
        status = str(given.get("status", "not_assessed"))
        if status not in RATINGS:
            raise InputError(f"esg.items.{item_id}.status: got {status!r}; expected one of {', '.join(RATINGS)}",
                             file=source, column=f"esg.items.{item_id}.status")
        evidence = str(given.get("evidence", "")).strip()
        pts = RATINGS[status]
        if pts is not None:
            if not evidence:
                raise InputError(f"esg.items.{item_id}.evidence: a rated item needs the evidence seen (document, "
                                 "date, page)", file=source, column=f"esg.items.{item_id}.evidence")
            if not reviewer:
                raise InputError("esg.reviewer: rated items need the reviewer's name", file=source,
                                 column="esg.reviewer")
            assessed += 1
            points += pts
            available += 2
            if ref["red_flag"] and status == "red":
                flags.append(item_id)
        out.append({**ref, "status": status, "evidence": evidence, "points": pts})
    score = points / available if available else None
    if flags:
        rating = "red"
    elif score is None:
        rating = "not_assessed"
    else:
        rating = "green" if score >= 0.75 else "amber" if score >= 0.5 else "red"
    rec = RunRecord.create("economics.esg_screen", inputs_sha256=sha256_json(dict(esg)),
                           parameters={"reviewer": reviewer})
    return EsgScreen(items=out, score=score, rating=rating, assessed=assessed, red_flags=flags, reviewer=reviewer,
                     reviewed=reviewed, provenance=rec)
