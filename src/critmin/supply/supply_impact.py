"""Supply impact of new production, vectorised over Monte Carlo draws and years.

:func:`add_supply` answers the question for one schedule; a workflow that carries uncertainty needs the same
quantities for thousands of draws × years at once. This module holds the closed forms:

- the stage's producers (:func:`stage_base`: quantities per country of the latest table year ≤ ``year``, the
  unattributed "other" quantity and each producer's governance score, as in :func:`add_supply`);
- concentration after adding ``added`` tonnes in one country (:func:`concentration_after`): with base quantities
  ``q_c``, total ``T`` (listed countries + other) and addition ``A`` in country ``x``,
  ``HHI = (Σ_{c≠x} q_c² + (q_x + A)²) / (T + A)²`` on the 0–10,000 scale, the governance-weighted HHI
  ``Σ s_c² g_c`` (Gemechu et al. 2016 style, g = normalised WGI, 1 = worst), the leading share and the project's
  share; "other" is not a single producer and contributes to the total only (as in :func:`add_supply`);
- the partner's net import reliance, ``NIR = max(0, D − P − S) / D`` for demand ``D``, domestic production ``P``
  and secured new supply ``S`` (the USGS definition, apparent consumption replaced by the stated demand), and the
  shortfall of a disruption, ``imports × restricted import share × withheld fraction`` (the direct shortfall of
  :func:`critmin.supply.scenarios.run_scenario`, now with imports reduced by the new supply);
- the partner's GeoPolRisk (:func:`partner_geopolrisk`, the formula of
  :mod:`critmin.supply.criticality.geopolrisk`): ``HHI × Σ g_i f_i / (p + F)`` with the production HHI after the
  addition, domestic production ``p`` (plus the project's output when it is in the partner country), imports
  ``F = max(0, D − p)`` split by the partner's import shares — an offtake from a project abroad is an import from
  the project's country and displaces the other imports pro rata.

References
----------
Gemechu, E.D., Helbig, C., Sonnemann, G., Thorenz, A., and Tuma, A., 2016, Import-based indicator for the
geopolitical supply risk of raw materials in life cycle sustainability assessments: Journal of Industrial
Ecology 20(1), 154-165, doi:10.1111/jiec.12279.
U.S. Geological Survey, 2024, Mineral commodity summaries 2024, doi:10.3133/mcs2024 (net import reliance).
Nassar, N.T., and others, 2024, USGS Open-File Report 2024-1057, doi:10.3133/ofr20241057 (disruption shortfall).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from critmin.errors import InputError
from critmin.supply.diversification import _base
from critmin.supply.governance import governance_scores

__all__ = ["UNATTRIBUTED_GOVERNANCE", "StageBase", "concentration_after", "disruption_shortfall", "import_reliance",
           "partner_geopolrisk", "stage_base"]

UNATTRIBUTED_GOVERNANCE = 0.5
"""Normalised governance of imports whose origin the import shares leave unattributed (the value geopolrisk-py
uses for a partner without a WGI score; flagged in the result)."""


@dataclass(frozen=True)
class StageBase:
    """The producers of one commodity stage that new supply is added to."""

    commodity: str
    stage: str
    year: int
    unit: str
    source: str
    quantities: dict[str, float]
    other: float
    governance: dict[str, float]
    notes: list[str] = field(default_factory=list)

    @property
    def total(self) -> float:
        """Listed countries plus the unattributed remainder."""
        return float(sum(self.quantities.values())) + self.other

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary (quantities in the table unit)."""
        return {"commodity": self.commodity, "stage": self.stage, "base_year": self.year, "unit": self.unit,
                "source": self.source, "total": self.total, "quantities": dict(self.quantities),
                "other": self.other, "governance": dict(self.governance), "notes": list(self.notes)}


def stage_base(commodity: str, stage: str, year: int, *, extra_countries: tuple[str, ...] = (),
               governance: pd.DataFrame | None = None) -> StageBase:
    """Producers of ``commodity`` (symbol, e.g. ``REE``) at ``stage`` from the latest table year ≤ ``year``.

    ``extra_countries`` (ISO3) get a governance score too (a country that will produce but does not yet).
    """
    base, notes = _base(commodity, stage, year)
    rows = base.rows[(base.rows.row_kind == "country") & base.rows.quantity.notna()]
    q = rows.groupby("iso3")["quantity"].sum()
    other = float(base.rows[base.rows.row_kind == "other"].quantity.fillna(0).sum())
    codes = sorted({*(str(c) for c in q.index), *extra_countries})
    g, _ = governance_scores(codes, year, table=governance)
    return StageBase(commodity=base.commodity, stage=base.stage, year=base.year, unit=base.unit, source=base.label,
                     quantities={str(k): float(v) for k, v in q.items()}, other=other, governance=g,
                     notes=list(notes))


def concentration_after(base: StageBase, country: str, added: np.ndarray | float) -> dict[str, np.ndarray]:
    """HHI, governance-weighted HHI (0–10,000), leading share and project share after adding ``added``.

    ``added`` (any shape, table unit, ≥ 0) is added to ``country``'s production; the outputs have its shape.
    """
    a = np.asarray(added, dtype=float)
    if np.any(~np.isfinite(a)) or np.any(a < 0):
        raise InputError("added supply must be finite and >= 0 (table unit)", column="quantity")
    if country not in base.governance:
        raise InputError(f"no governance score for {country}; pass it in extra_countries", column="country")
    q = dict(base.quantities)
    qx = q.pop(country, 0.0)
    rest = np.array(list(q.values()), dtype=float)
    g_rest = np.array([base.governance[c] for c in q], dtype=float)
    total = base.total + a
    share_x = (qx + a) / total
    sq_rest = float(np.sum(rest**2))
    sqg_rest = float(np.sum(rest**2 * g_rest))
    hhi = (sq_rest + (qx + a) ** 2) / total**2
    hhi_wgi = (sqg_rest + (qx + a) ** 2 * base.governance[country]) / total**2
    top_rest = float(rest.max()) if rest.size else 0.0
    top1 = np.maximum(top_rest, qx + a) / total
    return {"hhi": 10_000 * hhi, "hhi_wgi": 10_000 * hhi_wgi, "top1_share": top1, "project_share": a / total,
            "country_share": share_x}


def import_reliance(demand_t: float, domestic_t: float, supplied_t: np.ndarray | float) -> np.ndarray:
    """Net import reliance ``max(0, D − P − S) / D`` (0–1) for demand D, domestic production P, new supply S."""
    if not demand_t > 0:
        raise InputError(f"partner demand {demand_t!r}; expected > 0 t per year", column="demand_t")
    s = np.asarray(supplied_t, dtype=float)
    return np.maximum(0.0, demand_t - domestic_t - s) / demand_t


def disruption_shortfall(demand_t: float, domestic_t: float, supplied_t: np.ndarray | float,
                         restricted_import_share: float, withheld_fraction: float) -> np.ndarray:
    """Annual shortfall (t) of a disruption: ``imports × restricted import share × withheld fraction``."""
    for name, v in (("restricted_import_share", restricted_import_share), ("withheld_fraction", withheld_fraction)):
        if not 0 <= v <= 1:
            raise InputError(f"{name} = {v}; expected a fraction in [0, 1]", column=name)
    imports = import_reliance(demand_t, domestic_t, supplied_t) * demand_t
    return imports * restricted_import_share * withheld_fraction


def partner_geopolrisk(base: StageBase, country: str, added: np.ndarray | float, *, partner: str, demand_t: float,
                       domestic_t: float, offtake_t: np.ndarray | float, import_shares: dict[str, float],
                       concentration: dict[str, np.ndarray] | None = None) -> dict[str, np.ndarray]:
    """The partner's GeoPolRisk after ``added`` (table unit) of new production in ``country``.

    Parameters
    ----------
    base, country, added
        As for :func:`concentration_after`.
    partner, demand_t, domestic_t
        The importer, its demand and its own production (t of the schedule's basis).
    offtake_t
        New supply secured by the partner (t of the basis): the project's whole output when ``country`` is the
        partner (then domestic), else its offtake (an import from ``country``).
    import_shares
        ISO3 → fraction of the partner's imports (sum ≤ 1; the remainder is unattributed, governance
        :data:`UNATTRIBUTED_GOVERNANCE`).
    concentration
        :func:`concentration_after` of the same ``base``, ``country`` and ``added`` when the caller has it
        (not computed again).

    Returns
    -------
    dict
        ``hhi`` (0–1), ``import_risk`` (Σ g_i f_i / (p + F)) and ``geopolrisk`` (their product), shaped as ``added``.

    References
    ----------
    Gemechu, E.D., and others, 2016, doi:10.1111/jiec.12279.
    """
    total = sum(import_shares.values())
    if total > 1 + 1e-9 or any(v < 0 for v in import_shares.values()):
        raise InputError(f"import shares sum to {total:.3f}; expected fractions summing to at most 1",
                         column="import_shares")
    g = {c: base.governance[c] if c in base.governance else _governance(c, base.year) for c in import_shares}
    g_mix = sum(import_shares[c] * g[c] for c in import_shares) + (1 - total) * UNATTRIBUTED_GOVERNANCE
    conc = concentration if concentration is not None else concentration_after(base, country, added)
    o = np.asarray(offtake_t, dtype=float)
    if country == partner:
        dom = domestic_t + o
        imports = np.maximum(0.0, demand_t - dom)
        numerator = imports * g_mix
    else:
        dom = np.full(o.shape, float(domestic_t))
        imports = np.maximum(0.0, demand_t - dom)
        from_project = np.minimum(o, imports)
        g_c = base.governance[country] if country in base.governance else _governance(country, base.year)
        numerator = from_project * g_c + (imports - from_project) * g_mix
    denom = dom + imports
    risk = np.divide(numerator, denom, out=np.zeros_like(numerator, dtype=float), where=denom > 0)
    h = conc["hhi"] / 10_000
    return {"hhi": h, "import_risk": risk, "geopolrisk": h * risk}


def _governance(code: str, year: int) -> float:
    scores, _ = governance_scores([code], year)
    return scores[code]
