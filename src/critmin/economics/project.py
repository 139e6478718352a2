"""The project file: its typed :class:`Project` and reading it (TOML, JSON or YAML); validation is in
``project_validation``.

Every key, its unit and its timing convention is documented in ``docs/economics.md``. Validation errors are
:class:`~critmin.errors.InputError` naming the file and the key (``costs.capex_phasing``), what was given, what
was expected and how to fix it. Unknown keys are rejected so that a typo cannot silently fall back to a default.

Unit conventions: money is in ``project.currency`` units (not millions); production in product units per year
(``project.product``, e.g. t LCE); every *rate* is a fraction (0.03 = 3 %), except
``costs.working_capital_pct_revenue`` which is a **percent** (10 = 10 %; values in (0, 1) are rejected as
ambiguous).
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from critmin.errors import InputError
from critmin.provenance import sha256_json

__all__ = [
    "Byproduct",
    "Costs",
    "Financing",
    "Fiscal",
    "Offtake",
    "Ownership",
    "Price",
    "Production",
    "Project",
    "RiskSpec",
    "Valuation",
    "load_project",
    "parse_project",
]

RoyaltyBase = Literal["gross_revenue", "nsr", "pit_head"]
Discounting = Literal["end_year", "mid_year"]
ROYALTY_BASES: tuple[str, ...] = ("gross_revenue", "nsr", "pit_head")
SECTIONS: tuple[str, ...] = ("project", "production", "price", "costs", "fiscal", "valuation", "ownership", "offtake",
                             "financing", "risk", "published", "esg")
"""Top-level sections of a project file; ``published`` (study headline figures) and ``esg`` (responsible-sourcing
screen) are free-form records read by the reports and the ESG screen."""


@dataclass(frozen=True)
class Byproduct:
    """A by-product or basket component sold alongside the main product (credits revenue and C1)."""

    name: str
    annual_output: float
    price_per_unit: float


@dataclass(frozen=True)
class Production:
    """Nameplate output per year (product units), life in production years, ramp-up fractions."""

    annual_output: float
    life_years: int
    ramp_up: tuple[float, ...] = ()
    payability: float = 1.0
    byproducts: tuple[Byproduct, ...] = ()
    ore_t_per_year: float | None = None
    grade_fraction: float | None = None
    recovery: float | None = None
    conversion: float | None = None


@dataclass(frozen=True)
class Price:
    """Price per product unit for each production year (length ``life_years``) and its escalation."""

    per_year: tuple[float, ...]
    source: str = ""


@dataclass(frozen=True)
class Costs:
    """Capital and operating costs in currency units (per year or per product unit)."""

    capex: float
    construction_years: int
    capex_phasing: tuple[float, ...]
    opex_per_unit: float
    sustaining_capex_per_year: float = 0.0
    closure_cost: float = 0.0
    working_capital_pct_revenue: float = 0.0
    receivable_days: float | None = None
    inventory_days: float | None = None
    payable_days: float | None = None
    fixed_opex_per_year: float = 0.0
    freight_per_unit: float = 0.0
    tc_rc_per_unit: float = 0.0
    escalation_rate: float = 0.0
    vat_rate_on_capex: float = 0.0
    vat_refund_lag_years: int = 0


@dataclass(frozen=True)
class Fiscal:
    """Fiscal terms after merging the named regime with the project's overrides."""

    royalty_rate: float
    royalty_base: RoyaltyBase
    income_tax_rate: float
    depreciation_years: int
    regime: str | None = None
    royalty_bands: tuple[tuple[float, float, float], ...] = ()
    pit_head_deductions_per_unit: float = 0.0
    pit_head_deductions_opex_share: float = 0.0
    export_duty_rate: float = 0.0
    clearing_fee_rate: float = 0.0
    resource_rent_tax_rate: float = 0.0
    rrt_threshold_rate: float | None = None
    state_free_carry: float = 0.0
    dividend_withholding_rate: float = 0.0
    loss_carry_forward: bool = True
    sources: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Valuation:
    """Discounting conventions."""

    discount_rate: float
    real_or_nominal: Literal["real", "nominal"]
    discounting: Discounting = "end_year"
    npv_rates: tuple[float, ...] = (0.05, 0.08, 0.10)


@dataclass(frozen=True)
class Ownership:
    """The co-investor's position."""

    equity_share: float = 1.0
    investor: str = ""


@dataclass(frozen=True)
class Offtake:
    """Offtake: ``fraction`` of the main product sold at ``discount`` below the price for ``years`` years."""

    partner: str = ""
    fraction: float = 0.0
    years: int = 0
    discount: float = 0.0
    benefit_to_investor: bool = False


@dataclass(frozen=True)
class Financing:
    """Project debt: a share of initial capex, interest capitalised in construction, equal principal repayments."""

    debt_share_of_capex: float = 0.0
    interest_rate: float = 0.0
    tenor_years: int = 0


@dataclass(frozen=True)
class RiskSpec:
    """Monte Carlo distributions (documented defaults are modelling assumptions, override them per project)."""

    price_sigma: float = 0.25
    price_model: Literal["multiplier", "mean_reverting"] = "multiplier"
    price_reversion: float = 0.3
    opex_range: tuple[float, float, float] = (0.9, 1.0, 1.25)
    capex_range: tuple[float, float, float] = (0.9, 1.0, 1.4)
    output_range: tuple[float, float, float] = (0.85, 1.0, 1.05)
    delay_probabilities: tuple[float, ...] = (0.6, 0.25, 0.15)
    correlation: tuple[tuple[float, ...], ...] = (
        (1.0, 0.3, 0.2, 0.0, 0.0),
        (0.3, 1.0, 0.3, 0.0, 0.0),
        (0.2, 0.3, 1.0, 0.0, 0.3),
        (0.0, 0.0, 0.0, 1.0, 0.0),
        (0.0, 0.0, 0.3, 0.0, 1.0),
    )
    sensitivity_range: float = 0.2


@dataclass(frozen=True)
class Project:
    """A validated project (all money in ``currency`` units, rates as fractions)."""

    name: str
    currency: str
    product: str
    production: Production
    price: Price
    costs: Costs
    fiscal: Fiscal
    valuation: Valuation
    ownership: Ownership = Ownership()
    offtake: Offtake = Offtake()
    financing: Financing = Financing()
    risk: RiskSpec = RiskSpec()
    country: str = ""
    first_year: int | None = None
    commodity: str = ""
    stage: str = ""
    basis: str = ""
    study: str = ""
    source_file: str = ""
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def inputs_sha256(self) -> str:
        """SHA-256 of the project document in canonical form (sorted keys; every number as a float, so that
        ``1`` and ``1.0`` — which JSON round trips through JavaScript conflate — hash alike)."""
        return sha256_json(_canonical(self.raw))

    @property
    def production_years(self) -> int:
        """Number of production years."""
        return self.production.life_years


# ------------------------------------------------------------------------------------------ reading


def load_project(path: str | Path) -> Project:
    """Read and validate a project file (``.toml``, ``.json``, ``.yaml``/``.yml``).

    Raises
    ------
    InputError
        If the file cannot be read or parsed, or a key is missing or invalid (the message names the key).
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read the project file ({exc.strerror}); expected a readable TOML/JSON/YAML file",
                         file=p) from None
    return parse_project(text, fmt=_format_of(p), source=str(p))


def _format_of(p: Path) -> str:
    suffix = p.suffix.lower()
    if suffix in (".json",):
        return "json"
    if suffix in (".yaml", ".yml"):
        return "yaml"
    return "toml"


def parse_project(text: str | Mapping[str, Any], *, fmt: str = "toml", source: str = "<project>") -> Project:
    """Validate a project given as text (``fmt`` toml/json/yaml) or as an already parsed mapping."""
    if isinstance(text, Mapping):
        data: Any = dict(text)
    else:
        try:
            if fmt == "json":
                data = json.loads(text)
            elif fmt == "yaml":
                import yaml

                data = yaml.safe_load(text)
            else:
                data = tomllib.loads(text)
        except (ValueError, tomllib.TOMLDecodeError) as exc:
            raise InputError(f"not valid {fmt.upper()} ({exc}); fix the syntax", file=source) from None
        except Exception as exc:  # yaml.YAMLError
            raise InputError(f"not valid {fmt.upper()} ({exc}); fix the syntax", file=source) from None
    if not isinstance(data, Mapping):
        raise InputError("expected a table/object of sections ([project], [production], …) at the top level",
                         file=source)
    from critmin.economics.project_validation import build_project

    return build_project(data, source)


def _canonical(obj: Any) -> Any:
    if isinstance(obj, Mapping):
        return {str(k): _canonical(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_canonical(v) for v in obj]
    if isinstance(obj, int) and not isinstance(obj, bool):
        return float(obj)
    return obj
