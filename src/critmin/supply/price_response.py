"""Partial-equilibrium price response to a supply disruption (constant elasticities, capped spare capacity).

World demand Q₀ at price P₀ is met by restricted producers (S_r) and the rest (S_n). A restriction removes a
fraction x of S_r from the market. With p = ln(P/P₀), the market clears where::

    S_r·(1 − x) + S_n + min(S_n·(e^{ε_s·p} − 1), spare) = Q₀·e^{ε_d·p}

(ε_s > 0 supply and ε_d < 0 demand elasticities; ``spare`` the spare capacity of unrestricted producers that can
come on stream, in the production unit). The left side rises and the right side falls with p, so the root is unique;
it is found by bisection, vectorised over Monte Carlo draws. This is the "minimal reimplementation" of the market
step of the USGS disruption model (no input-output / GDP step).

References
----------
Nassar, N.T., Shojaeddini, E., Alonso, E., Jaskula, B., and Tolcin, A., 2024, Quantifying potential effects of
China's gallium and germanium export restrictions on the U.S. economy: USGS Open-File Report 2024-1057,
doi:10.3133/ofr20241057.
Nassar, N.T., and others, 2025, Methodology and technical input for the 2025 U.S. List of Critical Minerals: USGS
Open-File Report 2025-1047, doi:10.3133/ofr20251047.
"""

from __future__ import annotations

import numpy as np

from critmin.errors import InputError

MAX_LOG_PRICE = float(np.log(1e4))
"""Upper bracket of the solver: a 10,000-fold price rise (results at the bracket are flagged as unbounded)."""
ITERATIONS = 80


def clear_market(restricted_t: float, others_t: float, fraction: float, supply_elasticity: np.ndarray | float,
                 demand_elasticity: np.ndarray | float, spare_t: float = 0.0
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Relative price change, new quantity and an "unbounded" mask for each elasticity pair.

    Parameters
    ----------
    restricted_t, others_t
        Pre-disruption supply of the restricting producers and of the rest (same unit).
    fraction
        Share x of the restricted supply removed (0–1).
    supply_elasticity, demand_elasticity
        ε_s ≥ 0 and ε_d < 0 (scalars or arrays of draws).
    spare_t
        Spare capacity of the unrestricted producers (≥ 0).

    Returns
    -------
    price_change, quantity, unbounded
        (P/P₀ − 1), the cleared quantity, and True where even a 10,000-fold price does not clear the market.
    """
    es = np.atleast_1d(np.asarray(supply_elasticity, float))
    ed = np.atleast_1d(np.asarray(demand_elasticity, float))
    if (es < 0).any():
        raise InputError("supply elasticity must be >= 0", column="supply_elasticity")
    if (ed >= 0).any():
        raise InputError("demand elasticity must be < 0", column="demand_elasticity")
    if not 0 <= fraction <= 1:
        raise InputError(f"restriction fraction {fraction}; expected 0-1", column="fraction")
    if restricted_t < 0 or others_t < 0 or spare_t < 0:
        raise InputError("supplies and spare capacity must be >= 0")
    es, ed = np.broadcast_arrays(es, ed)
    q0 = restricted_t + others_t

    def excess(p: np.ndarray) -> np.ndarray:
        response = np.minimum(others_t * np.expm1(es * p), spare_t)
        return restricted_t * (1 - fraction) + others_t + response - q0 * np.exp(ed * p)

    lo = np.zeros(es.shape)
    hi = np.full(es.shape, MAX_LOG_PRICE)
    unbounded = excess(hi) < 0
    for _ in range(ITERATIONS):
        mid = 0.5 * (lo + hi)
        neg = excess(mid) < 0
        lo = np.where(neg, mid, lo)
        hi = np.where(neg, hi, mid)
    p = 0.5 * (lo + hi)
    return np.expm1(p), q0 * np.exp(ed * p), unbounded
