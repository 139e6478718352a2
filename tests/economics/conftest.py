"""Shared fixtures of the economics tests: a minimal project as a dict and the bundled example files."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROJECTS = ROOT / "src" / "critmin" / "reference" / "projects"
BUSCH = ROOT / ".." / "shared" / "data" / "economics" / "busch-lithium-deposits"
EXAMPLE = ROOT / ".." / "shared" / "checks" / "example_project.toml"

BASE: dict[str, Any] = {
    "project": {"name": "toy", "currency": "USD", "product": "t LCE"},
    "production": {"annual_output": 100.0, "life_years": 3},
    "price": {"flat": 10.0},
    "costs": {"capex": 1000.0, "construction_years": 1, "capex_phasing": [1.0], "opex_per_unit": 4.0},
    "fiscal": {"royalty_rate": 0.0, "royalty_base": "gross_revenue", "income_tax_rate": 0.0,
               "depreciation_years": 3},
    "valuation": {"discount_rate": 0.1, "real_or_nominal": "real", "discounting": "end_year"},
}


@pytest.fixture
def base() -> dict[str, Any]:
    """A deep copy of a tiny project: 1 construction year, 3 production years of 100 t at 10 USD/t."""
    return copy.deepcopy(BASE)
