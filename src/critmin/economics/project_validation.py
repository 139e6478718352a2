"""Validation of a parsed project file into a typed :class:`~critmin.economics.project.Project`.

One method per section; every error is an :class:`~critmin.errors.InputError` naming the file and the key
(``costs.capex_phasing``), what was given, what was expected and how to fix it. Unknown keys are rejected.
Called by :func:`critmin.economics.project.parse_project`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, Literal, cast

from critmin.economics.project import (
    ROYALTY_BASES,
    SECTIONS,
    Byproduct,
    Costs,
    Discounting,
    Financing,
    Fiscal,
    Offtake,
    Ownership,
    Price,
    Production,
    Project,
    RiskSpec,
    RoyaltyBase,
    Valuation,
)
from critmin.errors import InputError

__all__ = ["build_project"]


def build_project(data: Mapping[str, Any], source: str) -> Project:
    """Validate the sections of a parsed project file (``source`` names it in errors)."""
    return _Builder(data, source).build()


class _Builder:
    def __init__(self, data: Mapping[str, Any], source: str) -> None:
        self.data = data
        self.source = source

    # -- primitives
    def err(self, key: str, message: str) -> InputError:
        return InputError(f"{key}: {message}", file=self.source, column=key)

    def section(self, name: str, allowed: Sequence[str], *, required: bool = True) -> dict[str, Any]:
        sec = self.data.get(name)
        if sec is None:
            if required:
                raise self.err(name, f"missing section [{name}]; see docs/economics.md for its keys")
            return {}
        if not isinstance(sec, Mapping):
            raise self.err(name, f"expected a table [{name}], got {type(sec).__name__}")
        unknown = sorted(set(sec) - set(allowed))
        if unknown:
            raise self.err(f"{name}.{unknown[0]}", f"unknown key; allowed keys in [{name}] are {', '.join(allowed)}")
        return dict(sec)

    def num(self, sec: Mapping[str, Any], name: str, key: str, *, default: float | None = None,
            lo: float | None = None, hi: float | None = None, lo_open: bool = False) -> float:
        full = f"{name}.{key}"
        if key not in sec or sec[key] is None:
            if default is None:
                raise self.err(full, "missing; it is required (see docs/economics.md)")
            return default
        v = sec[key]
        if isinstance(v, bool) or not isinstance(v, int | float):
            raise self.err(full, f"expected a number, got {v!r}")
        x = float(v)
        if not math.isfinite(x):
            raise self.err(full, f"expected a finite number, got {v!r} (NaN and infinity are not allowed)")
        if lo is not None and (x < lo or (lo_open and x == lo)):
            raise self.err(full, f"got {x:g}; expected {'>' if lo_open else '>='} {lo:g}")
        if hi is not None and x > hi:
            raise self.err(full, f"got {x:g}; expected <= {hi:g}")
        return x

    def opt_num(self, sec: Mapping[str, Any], name: str, key: str, **kw: Any) -> float | None:
        if key not in sec or sec[key] is None:
            return None
        return self.num(sec, name, key, **kw)

    def integer(self, sec: Mapping[str, Any], name: str, key: str, *, default: int | None = None,
                lo: int = 0) -> int:
        x = self.num(sec, name, key, default=None if default is None else float(default), lo=float(lo))
        if x != int(x):
            raise self.err(f"{name}.{key}", f"got {x:g}; expected a whole number of years")
        return int(x)

    def numbers(self, sec: Mapping[str, Any], name: str, key: str, *, lo: float | None = None,
                hi: float | None = None) -> tuple[float, ...]:
        full = f"{name}.{key}"
        v = sec.get(key, [])
        if not isinstance(v, list | tuple):
            raise self.err(full, f"expected a list of numbers, got {v!r}")
        out = []
        for i, item in enumerate(v):
            if isinstance(item, bool) or not isinstance(item, int | float) or not math.isfinite(float(item)):
                raise self.err(full, f"item {i + 1} is {item!r}; expected a finite number")
            x = float(item)
            if (lo is not None and x < lo) or (hi is not None and x > hi):
                raise self.err(full, f"item {i + 1} is {x:g}; expected a value in [{lo}, {hi}]")
            out.append(x)
        return tuple(out)

    def text(self, sec: Mapping[str, Any], name: str, key: str, *, default: str | None = None) -> str:
        full = f"{name}.{key}"
        if key not in sec:
            if default is None:
                raise self.err(full, "missing; it is required")
            return default
        v = sec[key]
        if not isinstance(v, str):
            raise self.err(full, f"expected text, got {v!r}")
        return v

    def choice(self, sec: Mapping[str, Any], name: str, key: str, allowed: Sequence[str], *,
               default: str | None = None) -> str:
        v = self.text(sec, name, key, default=default)
        if v not in allowed:
            raise self.err(f"{name}.{key}", f"got {v!r}; expected one of {', '.join(allowed)}")
        return v

    # -- sections
    def build(self) -> Project:
        from critmin.economics.regimes import regime_terms

        unknown = sorted(set(self.data) - set(SECTIONS))
        if unknown:
            raise self.err(unknown[0], f"unknown section; expected sections {', '.join(SECTIONS)}")

        prj = self.section("project", ["name", "currency", "product", "country", "first_year", "commodity",
                                       "stage", "basis", "study"])
        name = self.text(prj, "project", "name")
        currency = self.text(prj, "project", "currency")
        product = self.text(prj, "project", "product")
        country = self.text(prj, "project", "country", default="")
        if country and (len(country) != 3 or not country.isalpha() or not country.isupper()):
            raise self.err("project.country", f"got {country!r}; expected an ISO3 code such as ARG or MWI")
        first_year = None
        if "first_year" in prj:
            first_year = self.integer(prj, "project", "first_year", lo=1900)
        production = self._production()
        costs = self._costs()
        price = self._price(production.life_years, first_year, costs.construction_years)
        fiscal = self._fiscal(regime_terms)
        valuation = self._valuation()
        ownership, offtake, financing = self._ownership(fiscal), self._offtake(), self._financing()
        if ownership.equity_share > 1.0 - fiscal.state_free_carry + 1e-12:
            raise self.err("ownership.equity_share",
                           f"got {ownership.equity_share:g}; with a state free carry of {fiscal.state_free_carry:g} "
                           f"the co-investor can hold at most {1 - fiscal.state_free_carry:g}")
        return Project(name=name, currency=currency, product=product, production=production, price=price,
                       costs=costs, fiscal=fiscal, valuation=valuation, ownership=ownership, offtake=offtake,
                       financing=financing, risk=self._risk(), country=country, first_year=first_year,
                       commodity=self.text(prj, "project", "commodity", default=""),
                       stage=self.text(prj, "project", "stage", default=""),
                       basis=self.text(prj, "project", "basis", default=""),
                       study=self.text(prj, "project", "study", default=""),
                       source_file=self.source, raw=_plain(self.data))

    def _production(self) -> Production:
        n = "production"
        sec = self.section(n, ["annual_output", "life_years", "ramp_up", "payability", "byproducts",
                               "ore_t_per_year", "grade_fraction", "recovery", "conversion"])
        if "life_years" in sec and isinstance(sec["life_years"], int | float) and not isinstance(
                sec["life_years"], bool) and sec["life_years"] < 0:
            raise self.err("production.life_years", f"got {sec['life_years']}; a life cannot be negative")
        life = self.integer(sec, n, "life_years", lo=1)
        ore = self.opt_num(sec, n, "ore_t_per_year", lo=0.0)
        if ore is not None:
            grade = self.num(sec, n, "grade_fraction", lo=0.0, hi=1.0)
            rec = self.num(sec, n, "recovery", lo=0.0, hi=1.0)
            conv = self.num(sec, n, "conversion", default=1.0, lo=0.0, lo_open=True)
            derived = ore * grade * rec * conv
            if "annual_output" in sec:
                raise self.err("production.annual_output",
                               "give either annual_output or ore_t_per_year × grade_fraction × recovery, not both")
            annual = derived
        else:
            grade = rec = conv = None  # type: ignore[assignment]
            annual = self.num(sec, n, "annual_output", lo=0.0, lo_open=True)
        ramp = self.numbers(sec, n, "ramp_up", lo=0.0, hi=1.5)
        if len(ramp) > life:
            raise self.err("production.ramp_up", f"{len(ramp)} ramp-up years but a life of {life} years")
        byps = []
        raw_byps = sec.get("byproducts", [])
        if not isinstance(raw_byps, list):
            raise self.err("production.byproducts", "expected a list of tables [[production.byproducts]]")
        for i, b in enumerate(raw_byps):
            key = f"production.byproducts[{i + 1}]"
            if not isinstance(b, Mapping):
                raise self.err(key, "expected a table with name, annual_output, price_per_unit")
            unknown = set(b) - {"name", "annual_output", "price_per_unit"}
            if unknown:
                raise self.err(f"{key}.{sorted(unknown)[0]}", "unknown key; allowed: name, annual_output, "
                                                              "price_per_unit")
            byps.append(Byproduct(self.text(b, key, "name"), self.num(b, key, "annual_output", lo=0.0),
                                  self.num(b, key, "price_per_unit", lo=0.0)))
        return Production(annual_output=annual, life_years=life, ramp_up=ramp,
                          payability=self.num(sec, n, "payability", default=1.0, lo=0.0, hi=1.0),
                          byproducts=tuple(byps), ore_t_per_year=ore, grade_fraction=grade, recovery=rec,
                          conversion=conv)

    def _price(self, life: int, first_year: int | None, construction_years: int) -> Price:
        n = "price"
        sec = self.section(n, ["flat", "deck", "escalation_rate", "source", "deck_extend"])
        esc = self.num(sec, n, "escalation_rate", default=0.0, lo=-0.5, hi=1.0)
        source = self.text(sec, n, "source", default="")
        deck = sec.get("deck")
        if deck is None:
            flat = self.num(sec, n, "flat", lo=0.0, lo_open=True)
            base = [flat] * life
        else:
            if not isinstance(deck, Mapping) or not deck:
                raise self.err("price.deck", "expected a table of YEAR = PRICE entries")
            values: dict[int, float] = {}
            deck = {str(k): v for k, v in deck.items()}
            for k in deck:
                try:
                    year = int(str(k))
                except ValueError:
                    raise self.err(f"price.deck.{k}", "keys must be years (calendar years when project.first_year "
                                                      "is set, otherwise production years 1, 2, …)") from None
                values[year] = self.num(deck, "price.deck", k, lo=0.0, lo_open=True)
            if first_year is not None:
                years = [first_year + construction_years + i for i in range(life)]
                label = "calendar"
            else:
                years = list(range(1, life + 1))
                label = "production"
            extend = self.choice(sec, n, "deck_extend", ["none", "last"], default="none")
            missing = [y for y in years if y not in values]
            if missing and extend == "last":
                last_known = max(values)
                missing = [y for y in missing if y < last_known]
            if missing:
                shown = ", ".join(map(str, missing[:8])) + (" …" if len(missing) > 8 else "")
                raise self.err("price.deck", f"missing prices for {label} years {shown}; the deck must cover "
                                             f"{years[0]}–{years[-1]} (or set price.deck_extend = \"last\")")
            base = []
            for y in years:
                base.append(values[y] if y in values else values[max(values)])
        per_year = tuple(b * (1 + esc) ** (construction_years + i) for i, b in enumerate(base))
        return Price(per_year=per_year, source=source)

    def _costs(self) -> Costs:
        n = "costs"
        sec = self.section(n, ["capex", "construction_years", "capex_phasing", "opex_per_unit",
                               "sustaining_capex_per_year", "closure_cost", "working_capital_pct_revenue",
                               "receivable_days", "inventory_days", "payable_days", "fixed_opex_per_year",
                               "freight_per_unit", "tc_rc_per_unit", "escalation_rate", "vat_rate_on_capex",
                               "vat_refund_lag_years"])
        cy = self.integer(sec, n, "construction_years", lo=1)
        phasing = self.numbers(sec, n, "capex_phasing", lo=0.0, hi=1.0) if "capex_phasing" in sec else \
            tuple([1.0 / cy] * cy)
        if len(phasing) != cy:
            raise self.err("costs.capex_phasing", f"{len(phasing)} entries for {cy} construction years; give one "
                                                  "fraction per construction year")
        if abs(sum(phasing) - 1.0) > 1e-6:
            raise self.err("costs.capex_phasing", f"sums to {sum(phasing):.6g}; the fractions must sum to 1")
        wc = self.num(sec, n, "working_capital_pct_revenue", default=0.0, lo=0.0, hi=100.0)
        if 0.0 < wc < 1.0:
            raise self.err("costs.working_capital_pct_revenue",
                           f"got {wc:g}; this key is a PERCENT of revenue (10 = 10 %), and values between 0 and 1 "
                           "are rejected as ambiguous: write e.g. 10 for 10 % (or 1 for 1 %)")
        days = [self.opt_num(sec, n, k, lo=0.0, hi=365.0) for k in ("receivable_days", "inventory_days",
                                                                   "payable_days")]
        if any(d is not None for d in days) and wc > 0:
            raise self.err("costs.working_capital_pct_revenue",
                           "give either working_capital_pct_revenue or receivable/inventory/payable days, not both")
        return Costs(capex=self.num(sec, n, "capex", lo=0.0), construction_years=cy, capex_phasing=phasing,
                     opex_per_unit=self.num(sec, n, "opex_per_unit", lo=0.0),
                     sustaining_capex_per_year=self.num(sec, n, "sustaining_capex_per_year", default=0.0, lo=0.0),
                     closure_cost=self.num(sec, n, "closure_cost", default=0.0, lo=0.0),
                     working_capital_pct_revenue=wc, receivable_days=days[0], inventory_days=days[1],
                     payable_days=days[2],
                     fixed_opex_per_year=self.num(sec, n, "fixed_opex_per_year", default=0.0, lo=0.0),
                     freight_per_unit=self.num(sec, n, "freight_per_unit", default=0.0, lo=0.0),
                     tc_rc_per_unit=self.num(sec, n, "tc_rc_per_unit", default=0.0, lo=0.0),
                     escalation_rate=self.num(sec, n, "escalation_rate", default=0.0, lo=-0.5, hi=1.0),
                     vat_rate_on_capex=self.num(sec, n, "vat_rate_on_capex", default=0.0, lo=0.0, hi=1.0),
                     vat_refund_lag_years=self.integer(sec, n, "vat_refund_lag_years", default=0))

    def _fiscal(self, regime_terms: Any) -> Fiscal:
        n = "fiscal"
        keys = ["regime", "royalty_rate", "royalty_base", "income_tax_rate", "depreciation_years", "royalty_bands",
                "pit_head_deductions_per_unit", "pit_head_deductions_opex_share", "export_duty_rate",
                "clearing_fee_rate", "resource_rent_tax_rate", "rrt_threshold_rate", "state_free_carry",
                "dividend_withholding_rate", "loss_carry_forward"]
        own = self.section(n, keys)
        merged: dict[str, Any] = {}
        sources: dict[str, str] = {}
        regime = own.get("regime")
        if regime is not None:
            if not isinstance(regime, str):
                raise self.err("fiscal.regime", f"expected a regime name, got {regime!r}")
            try:
                terms, srcs = regime_terms(regime)
            except InputError as exc:
                raise self.err("fiscal.regime", exc.detail) from None
            merged.update(terms)
            sources.update(srcs)
        for k, v in own.items():
            merged[k] = v
            if k != "regime":
                sources[k] = "project file"
        for k in ("royalty_rate", "royalty_base", "income_tax_rate"):
            if k not in merged:
                why = f" (regime {regime!r} does not define it with a citable source)" if regime else ""
                raise self.err(f"fiscal.{k}", f"missing{why}; set it in [fiscal]")
        rate = lambda k, d=0.0: self.num(merged, n, k, default=d, lo=0.0, hi=1.0)  # noqa: E731
        bands_raw = merged.get("royalty_bands", [])
        bands: list[tuple[float, float, float]] = []
        if not isinstance(bands_raw, list | tuple):
            raise self.err("fiscal.royalty_bands", "expected a list of [lower_price, upper_price, marginal_rate]")
        for i, b in enumerate(bands_raw):
            if (not isinstance(b, list | tuple) or len(b) != 3
                    or any(isinstance(x, bool) or not isinstance(x, int | float) or not math.isfinite(x) for x in b)):
                raise self.err("fiscal.royalty_bands", f"band {i + 1} is {b!r}; expected [lower, upper, rate] "
                                                       "(upper may be 1e30 for the open top band)")
            lo_, hi_, r = (float(x) for x in b)
            if hi_ <= lo_ or not 0 <= r <= 1:
                raise self.err("fiscal.royalty_bands", f"band {i + 1} {b!r}: need lower < upper and 0 <= rate <= 1")
            bands.append((lo_, hi_, r))
        rrt = rate("resource_rent_tax_rate")
        thr = self.opt_num(merged, n, "rrt_threshold_rate", lo=0.0, hi=1.0)
        if rrt > 0 and thr is None:
            raise self.err("fiscal.rrt_threshold_rate",
                           "missing; a resource rent tax needs the threshold rate at which negative cash flows "
                           "accumulate (e.g. 0.2); no citable default is shipped")
        lcf = merged.get("loss_carry_forward", True)
        if not isinstance(lcf, bool):
            raise self.err("fiscal.loss_carry_forward", f"expected true or false, got {lcf!r}")
        itr = self.num(merged, n, "income_tax_rate", lo=0.0)
        if itr > 1:
            raise self.err("fiscal.income_tax_rate", f"got {itr:g}; expected a fraction <= 1 (0.3 for 30 %)")
        if "depreciation_years" not in merged:
            raise self.err("fiscal.depreciation_years", "missing; set the straight-line depreciation period in years")
        return Fiscal(royalty_rate=rate("royalty_rate"),
                      royalty_base=cast(RoyaltyBase, self.choice(merged, n, "royalty_base", ROYALTY_BASES)),
                      income_tax_rate=itr, depreciation_years=self.integer(merged, n, "depreciation_years", lo=1),
                      regime=regime, royalty_bands=tuple(bands),
                      pit_head_deductions_per_unit=self.num(merged, n, "pit_head_deductions_per_unit", default=0.0,
                                                            lo=0.0),
                      pit_head_deductions_opex_share=rate("pit_head_deductions_opex_share"),
                      export_duty_rate=rate("export_duty_rate"), clearing_fee_rate=rate("clearing_fee_rate"),
                      resource_rent_tax_rate=rrt, rrt_threshold_rate=thr,
                      state_free_carry=rate("state_free_carry"),
                      dividend_withholding_rate=rate("dividend_withholding_rate"), loss_carry_forward=lcf,
                      sources=sources)

    def _valuation(self) -> Valuation:
        n = "valuation"
        sec = self.section(n, ["discount_rate", "real_or_nominal", "discounting", "npv_rates"])
        rates = self.numbers(sec, n, "npv_rates", lo=0.0, hi=1.0) if "npv_rates" in sec else (0.05, 0.08, 0.10)
        return Valuation(discount_rate=self.num(sec, n, "discount_rate", lo=0.0, hi=1.0),
                         real_or_nominal=cast(Literal["real", "nominal"],
                                              self.choice(sec, n, "real_or_nominal", ["real", "nominal"])),
                         discounting=cast(Discounting, self.choice(sec, n, "discounting", ["end_year", "mid_year"],
                                                                   default="end_year")),
                         npv_rates=rates)

    def _ownership(self, fiscal: Fiscal) -> Ownership:
        n = "ownership"
        sec = self.section(n, ["equity_share", "investor"], required=False)
        return Ownership(equity_share=self.num(sec, n, "equity_share", default=1.0 - fiscal.state_free_carry,
                                               lo=0.0, hi=1.0),
                         investor=self.text(sec, n, "investor", default=""))

    def _offtake(self) -> Offtake:
        n = "offtake"
        sec = self.section(n, ["partner", "fraction", "years", "discount", "benefit_to_investor"], required=False)
        partner = self.text(sec, n, "partner", default="")
        if partner and (len(partner) != 3 or not partner.isalpha()):
            raise self.err("offtake.partner", f"got {partner!r}; expected an ISO3 country code")
        ben = sec.get("benefit_to_investor", False)
        if not isinstance(ben, bool):
            raise self.err("offtake.benefit_to_investor", f"expected true or false, got {ben!r}")
        return Offtake(partner=partner.upper(), fraction=self.num(sec, n, "fraction", default=0.0, lo=0.0, hi=1.0),
                       years=self.integer(sec, n, "years", default=0),
                       discount=self.num(sec, n, "discount", default=0.0, lo=0.0, hi=1.0), benefit_to_investor=ben)

    def _financing(self) -> Financing:
        n = "financing"
        sec = self.section(n, ["debt_share_of_capex", "interest_rate", "tenor_years"], required=False)
        share = self.num(sec, n, "debt_share_of_capex", default=0.0, lo=0.0, hi=1.0)
        tenor = self.integer(sec, n, "tenor_years", default=0)
        if share > 0 and tenor < 1:
            raise self.err("financing.tenor_years", "missing or 0; debt needs a repayment tenor of >= 1 year")
        return Financing(debt_share_of_capex=share, interest_rate=self.num(sec, n, "interest_rate", default=0.0,
                                                                           lo=0.0, hi=1.0), tenor_years=tenor)

    def _risk(self) -> RiskSpec:
        n = "risk"
        sec = self.section(n, ["price_sigma", "price_model", "price_reversion", "opex_range", "capex_range",
                               "output_range", "delay_probabilities",
                               "correlation", "sensitivity_range"], required=False)
        d = RiskSpec()

        def tri(key: str, default: tuple[float, float, float]) -> tuple[float, float, float]:
            if key not in sec:
                return default
            v = self.numbers(sec, n, key, lo=0.0)
            if len(v) != 3 or not v[0] <= v[1] <= v[2] or v[0] == v[2]:
                raise self.err(f"risk.{key}", f"got {list(v)}; expected [low, mode, high] multipliers with "
                                              "low <= mode <= high and low < high")
            return (v[0], v[1], v[2])

        delay = self.numbers(sec, n, "delay_probabilities", lo=0.0, hi=1.0) if "delay_probabilities" in sec \
            else d.delay_probabilities
        if not delay or abs(sum(delay) - 1) > 1e-6:
            raise self.err("risk.delay_probabilities", f"sums to {sum(delay):.6g}; expected probabilities of a "
                                                       "0, 1, 2… year delay summing to 1")
        corr = d.correlation
        if "correlation" in sec:
            raw = sec["correlation"]
            if not isinstance(raw, list) or len(raw) != 5:
                raise self.err("risk.correlation", "expected a 5×5 matrix (price, opex, capex, output, delay)")
            corr = tuple(self.numbers({"row": r}, "risk.correlation", "row", lo=-1.0, hi=1.0) for r in raw)
            if any(len(r) != 5 for r in corr):
                raise self.err("risk.correlation", "expected a 5×5 matrix (price, opex, capex, output, delay)")
        return RiskSpec(price_sigma=self.num(sec, n, "price_sigma", default=d.price_sigma, lo=0.0, hi=3.0),
                        price_model=cast(Literal["multiplier", "mean_reverting"],
                                         self.choice(sec, n, "price_model", ["multiplier", "mean_reverting"],
                                                     default=d.price_model)),
                        price_reversion=self.num(sec, n, "price_reversion", default=d.price_reversion, lo=0.0,
                                                 hi=10.0, lo_open=True),
                        opex_range=tri("opex_range", d.opex_range), capex_range=tri("capex_range", d.capex_range),
                        output_range=tri("output_range", d.output_range), delay_probabilities=delay,
                        correlation=corr,
                        sensitivity_range=self.num(sec, n, "sensitivity_range", default=d.sensitivity_range,
                                                   lo=0.0, hi=0.9, lo_open=True))


def _plain(obj: Any) -> Any:
    """A JSON-safe copy of the parsed file (for hashing and storage)."""
    if isinstance(obj, Mapping):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_plain(v) for v in obj]
    if isinstance(obj, float) and not math.isfinite(obj):
        return str(obj)
    if hasattr(obj, "isoformat"):
        return obj.isoformat()
    return obj
