"""REST API of supply (``/api/supply``): concentration, criticality, scenarios, the NdFeB chain, diversification.

Thin adapters over :mod:`critmin.supply`; shapes are documented in ``docs/supply.md``. Bad input → 400 problem
responses naming the field (via :class:`critmin.errors.InputError`).
"""

from __future__ import annotations

import io
import tomllib
from typing import Annotated, Any, Literal

import pandas as pd
from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from critmin.errors import InputError
from critmin.jsonsafe import json_safe
from critmin.supply.records import records

router = APIRouter(prefix="/api/supply", tags=["supply"])

MAX_DRAWS = 100_000
"""Largest Monte Carlo draw count accepted through the API."""


def _csv(text: str, what: str) -> pd.DataFrame:
    try:
        return pd.read_csv(io.StringIO(text))
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(f"{what}: not a CSV ({exc})", column=what) from None


@router.get("/commodities", summary="Commodities with aliases and the stages and years available")
def commodities() -> list[dict[str, Any]]:
    from critmin.supply.commodities import commodities as all_commodities
    from critmin.supply.production import availability

    av = availability()
    return [json_safe({"symbol": s, "name": c.name, "aliases": list(c.aliases), "basis": c.unit_basis,
                   "stages": [{"stage": r.stage, "years": list(r.years), "editions": list(r.editions)}
                              for r in records(av[av.commodity == s])]})
            for s, c in all_commodities().items()]


@router.get("/concentration", summary="Shares, HHI, governance-weighted HHI and top-3 share")
def concentration(commodity: Annotated[str, Query(min_length=1)], year: int,
                  stage: str = "mine") -> dict[str, Any]:
    from critmin.reference import load_table
    from critmin.supply.concentration import concentration as conc

    c = conc(commodity, stage, year)
    numeric = dict(zip(*(load_table("countries")[k] for k in ("iso3", "numeric")), strict=True))
    d = c.to_dict()
    d["iso_numeric"] = {name: numeric.get(code, "") for name, code in c.iso3.items()}
    return dict(json_safe(d))


@router.get("/series", summary="Concentration over the years with data")
def series(commodity: Annotated[str, Query(min_length=1)], stage: str = "mine") -> list[dict[str, Any]]:
    from critmin.supply.concentration import concentration_series

    return list(json_safe(concentration_series(commodity, stage).to_dict("records")))


@router.get("/profile", summary="Concentration at every stage and the worst stage")
def profile(commodity: Annotated[str, Query(min_length=1)], year: int = 2023) -> dict[str, Any]:
    from critmin.supply.concentration import stage_profile

    rows, worst = stage_profile(commodity, year)
    return dict(json_safe({"worst_stage": worst, "stages": [
        {"stage": c.stage, "year": c.year, "hhi": c.hhi, "hhi_wgi": c.hhi_wgi, "top1_country": c.top1_country,
         "top1_share": c.top1_share, "top3_share": c.top3_share, "source": c.source} for c in rows]}))


@router.get("/lists", summary="Critical-mineral lists (India 2023, US 2022, US 2025, EU 2023)")
def lists() -> dict[str, list[str]]:
    from critmin.supply.criticality.base import critical_lists

    return critical_lists()


@router.get("/events", summary="Export-control events, oldest first")
def events(commodity: str | None = None) -> list[dict[str, Any]]:
    from critmin.supply.events import export_controls

    return [{str(k): v for k, v in r.items()} for r in export_controls(commodity).to_dict("records")]


@router.get("/byproducts", summary="By-product dependence and US secondary (recycled) production (MCS 2024 T5)")
def byproducts(commodity: str | None = None) -> dict[str, Any]:
    from critmin.supply.events import byproducts as bp
    from critmin.supply.events import secondary_supply_us

    return {"byproducts": [{str(k): v for k, v in r.items()} for r in bp(commodity).to_dict("records")],
            "us_secondary_2023": [{str(k): v for k, v in r.items()} for r in secondary_supply_us().to_dict("records")]}


class CriticalityRequest(BaseModel):
    """Inputs of one criticality method as CSV texts (layouts in docs/supply.md)."""

    method: Literal["eu", "usgs2022", "geopolrisk", "india"]
    inputs_csv: str | None = None
    end_uses_csv: str | None = None
    imports_csv: str | None = None
    domestic_production: dict[str, float] = Field(default_factory=dict)
    importer: str = ""
    year: int = 2023
    years: list[int] = Field(default_factory=lambda: [2021, 2022, 2023])
    threshold_sr: float | None = None
    threshold_ei: float | None = None


@router.post("/criticality", summary="Run a criticality method; the common result table")
def criticality(req: CriticalityRequest) -> dict[str, Any]:
    from critmin.supply.commodities import resolve_commodity
    from critmin.supply.criticality.base import get_method

    kw: dict[str, Any] = {"year": req.year}
    if req.method in ("eu", "india", "usgs2022"):
        if not req.inputs_csv:
            raise InputError(f"{req.method} needs inputs_csv", column="inputs_csv")
        kw["inputs"] = _csv(req.inputs_csv, "inputs_csv")
    if req.method in ("eu", "india"):
        if not req.end_uses_csv:
            raise InputError(f"{req.method} needs end_uses_csv", column="end_uses_csv")
        kw["end_uses"] = _csv(req.end_uses_csv, "end_uses_csv")
    if req.method == "india":
        kw.update(threshold_sr=req.threshold_sr, threshold_ei=req.threshold_ei)
    if req.method == "usgs2022":
        kw["years"] = req.years
    if req.method == "geopolrisk":
        import tempfile
        from pathlib import Path

        from critmin.supply.criticality.geopolrisk import read_imports

        if not req.imports_csv:
            raise InputError("geopolrisk needs imports_csv", column="imports_csv")
        with tempfile.TemporaryDirectory() as tmp:
            p = Path(tmp) / "imports.csv"
            p.write_text(req.imports_csv, encoding="utf-8")
            kw["imports"] = read_imports(p, req.year)
        kw.update(domestic_production={resolve_commodity(k): v for k, v in req.domestic_production.items()},
                  importer=req.importer)
    return dict(json_safe(get_method(req.method)(**kw).to_dict()))


class ScenarioRequest(BaseModel):
    """A scenario as TOML text (the layout of ``critmin supply scenario``)."""

    toml: str


@router.post("/scenario", summary="Run an export-restriction scenario (TOML text)")
def scenario(req: ScenarioRequest) -> dict[str, Any]:
    from critmin.supply.scenarios import run_scenario

    try:
        doc = tomllib.loads(req.toml)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"scenario is not valid TOML ({exc})", column="toml") from None
    mc = doc.get("monte_carlo")
    if isinstance(mc, dict) and float(mc.get("draws", 0)) > MAX_DRAWS:
        raise InputError(f"monte_carlo.draws {mc['draws']} exceeds {MAX_DRAWS} (use the CLI for more)",
                         column="monte_carlo.draws")
    doc["_path"] = "<request>"
    return dict(json_safe(run_scenario(doc).to_dict()))


@router.get("/ndfeb", summary="NdFeB chain: flows (Sankey), stage shares, bottleneck, new capacity")
def ndfeb(ev_motors: Annotated[float, Query(ge=0, le=1e9)] = 1000.0,
          wind_turbines: Annotated[float, Query(ge=0, le=1e9)] = 1000.0,
          electronics: Annotated[float, Query(ge=0, le=1e9)] = 1000.0,
          capacity_stage: str | None = None, capacity_country: str = "new producer",
          capacity_t: Annotated[float, Query(ge=0, le=1e9)] = 0.0) -> dict[str, Any]:
    """Magnet demand per end use and an optional new capacity, in tonnes a year (at most 10⁹ t each)."""
    from critmin.supply.ndfeb import run

    caps = ([{"stage": capacity_stage, "country": capacity_country, "capacity_t": capacity_t}]
            if capacity_stage else [])
    r = run({"ev_motors": ev_motors, "wind_turbines": wind_turbines, "electronics": electronics}, None, caps)
    return dict(json_safe(r.to_dict()))


class DiversifyRequest(BaseModel):
    """A production schedule (interface rows) and the partner's demand per commodity symbol."""

    schedule: list[dict[str, Any]]
    partner_demand_t: dict[str, float] = Field(default_factory=dict)


@router.post("/diversify", summary="Add a production schedule; concentration and partner risk per year")
def diversify(req: DiversifyRequest) -> dict[str, Any]:
    from critmin.supply.diversification import add_supply

    frame = pd.DataFrame(req.schedule)
    return dict(json_safe(add_supply(frame, partner_demand_t=req.partner_demand_t or None).to_dict()))
