"""Aggregation of several tracts' simulated totals: independent or with a rank-correlation matrix.

Each tract contributes one row per trial (its totals: ``ore``, contained metal per element, or the number of
deposits). Aggregation pairs the tracts' trials and adds them:

* ``independent``: each tract's trials are randomly permuted (seeded) before adding — the tracts are independent.
* ``correlated``: the Iman–Conover (1982) method re-orders each tract's trials so that the rank correlation
  between tracts (of a chosen ``rank_by`` quantity) matches a user matrix, while keeping every tract's marginal
  distribution — and each trial's joint values (ore with its metal) — unchanged. Whole trials are moved, never
  single quantities. A correlation of 1 between all tracts gives the comonotone sum (sorted totals added).
  Matrices that are not positive semi-definite are replaced by the nearest one obtained by clipping negative
  eigenvalues (the USGS ATA script instead adds a small eigenvalue shift; the clip keeps correlations of 1 exact).

References
----------
Iman, R.L., and Conover, W.J., 1982, A distribution-free approach to inducing rank correlation among input
variables: Communications in Statistics — Simulation and Computation, 11(3), 311–334,
doi:10.1080/03610918208812265.
Schuenemeyer, J.H., Zientek, M.L., and Box, S.E., 2011, Aggregation of estimated numbers of undiscovered
deposits — an R-script with an example from the Chu Sarysu Basin, Kazakhstan: U.S. Geological Survey Scientific
Investigations Report 2010-5090-B, doi:10.3133/sir20105090B.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import stats

from critmin.errors import InputError
from critmin.provenance import RunRecord, sha256_json

if TYPE_CHECKING:
    from critmin.assessment.pmf import DepositPmf

__all__ = [
    "AggregationResult",
    "aggregate_pmfs",
    "aggregate_totals",
    "iman_conover_order",
    "read_correlation_matrix",
    "score_correlation",
]

_NON_QUANTITIES = {"trial"}


@dataclass(frozen=True)
class AggregationResult:
    """Aggregated per-trial totals of several tracts.

    Attributes
    ----------
    totals
        One row per aggregated trial: ``trial`` and the summed quantities (``n_deposits``, ``ore``, elements…).
    tracts
        Tract names in order.
    method
        ``"independent"`` or ``"correlated"``.
    target_correlation
        The (PSD-adjusted) rank-correlation matrix used, or ``None`` for independent aggregation.
    achieved_rank_correlation
        Spearman correlation between the tracts' re-ordered ``rank_by`` values.
    rank_by
        Quantity whose ranks were correlated.
    provenance
        Inputs hash, parameters, seed, version.
    """

    totals: pd.DataFrame
    tracts: list[str]
    method: str
    target_correlation: np.ndarray | None
    achieved_rank_correlation: np.ndarray
    rank_by: str
    provenance: RunRecord

    @property
    def quantities(self) -> list[str]:
        return [c for c in self.totals.columns if c not in _NON_QUANTITIES]

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe result with USGS-style statistics of each summed quantity."""
        from critmin.assessment.statistics import statistics

        return {
            "method": self.method,
            "tracts": list(self.tracts),
            "trials": len(self.totals),
            "rank_by": self.rank_by,
            "target_correlation": None if self.target_correlation is None else self.target_correlation.tolist(),
            "achieved_rank_correlation": [[None if np.isnan(v) else float(v) for v in row]
                                          for row in self.achieved_rank_correlation],
            "statistics": statistics(self.totals, self.quantities),
            "provenance": self.provenance.to_dict(),
        }


def read_correlation_matrix(path: str | Path, tracts: Sequence[str] | None = None) -> tuple[list[str], np.ndarray]:
    """Read a tract correlation matrix CSV (ATA layout: header of tract names, rows ``name, r1, r2…``).

    The lower triangle is enough (blank upper cells are filled symmetrically); the first header cell is ignored.

    Parameters
    ----------
    path
        CSV file.
    tracts
        If given, the matrix is re-ordered to these tract names (all must be present).

    Returns
    -------
    names, matrix
    """
    p = Path(path)
    if not p.exists():
        raise InputError("correlation file does not exist", file=p)
    with p.open(newline="", encoding="utf-8-sig") as fh:
        rows = [r for r in csv.reader(fh) if any(c.strip() for c in r)]
    if len(rows) < 2:
        raise InputError("expected a header of tract names and one row per tract", file=p)
    names = [c.strip() for c in rows[0][1:]]
    k = len(names)
    if len(rows) - 1 != k:
        raise InputError(f"{len(rows) - 1} data rows for {k} tract columns; the matrix must be square", file=p)
    m = np.full((k, k), np.nan)
    for i, r in enumerate(rows[1:]):
        if r[0].strip() != names[i]:
            raise InputError(f"row name {r[0]!r} differs from column name {names[i]!r}", file=p, row=i + 1)
        for j, cell in enumerate(r[1:k + 1]):
            if cell.strip() == "":
                continue
            try:
                m[i, j] = float(cell)
            except ValueError:
                raise InputError(f"{cell!r} is not a number", file=p, row=i + 1, column=names[j]) from None
    m = np.where(np.isnan(m), m.T, m)
    if np.isnan(m).any():
        i, j = map(int, np.argwhere(np.isnan(m))[0])
        raise InputError(f"no correlation for tracts {names[i]} and {names[j]}", file=p, row=i + 1, column=names[j])
    try:
        _validate_correlation(m, names)
    except InputError as exc:
        raise exc.located(file=p) from None
    if tracts is not None:
        missing = [t for t in tracts if t not in names]
        if missing:
            raise InputError(f"tracts {', '.join(missing)} are not in the matrix (it has {', '.join(names)})", file=p)
        idx = [names.index(t) for t in tracts]
        return list(tracts), m[np.ix_(idx, idx)]
    return names, m


def _validate_correlation(m: np.ndarray, names: Sequence[str]) -> None:
    if m.ndim != 2 or m.shape[0] != m.shape[1]:
        raise InputError(f"correlation matrix has shape {m.shape}; expected square")
    if not np.allclose(np.diag(m), 1.0):
        raise InputError("correlation matrix diagonal must be 1")
    if not np.allclose(m, m.T):
        raise InputError("correlation matrix must be symmetric")
    if (np.abs(m) > 1 + 1e-12).any():
        i, j = map(int, np.argwhere(np.abs(m) > 1 + 1e-12)[0])
        raise InputError(f"correlation {m[i, j]} between {names[i]} and {names[j]} is outside [-1, 1]")


def _rank_correlation(x: np.ndarray) -> np.ndarray:
    """Spearman correlation between columns (average ranks for ties); NaN where a column is constant."""
    r = stats.rankdata(x, axis=0)
    r = r - r.mean(axis=0)
    sd = np.sqrt((r**2).sum(axis=0))
    with np.errstate(invalid="ignore", divide="ignore"):
        c = (r.T @ r) / np.outer(sd, sd)
    np.fill_diagonal(c, 1.0)
    return c


def _psd_factor(c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``P`` with ``P Pᵀ`` = the PSD-clipped, unit-diagonal version of ``c``; returns (P, adjusted matrix)."""
    w, v = np.linalg.eigh(c)
    w = np.where(w > 1e-12 * max(1.0, float(w.max())), w, 0.0)
    p = v * np.sqrt(w)
    adj = p @ p.T
    d = np.sqrt(np.diag(adj))
    p = p / d[:, None]
    return p, p @ p.T


def score_correlation(rank_correlation: np.ndarray) -> np.ndarray:
    """Pearson correlation of normal scores giving a Spearman rank correlation: 2·sin(π·ρ_s/6).

    For a bivariate normal, ρ_s = (6/π)·arcsin(ρ/2); inverting it makes the induced *rank* correlation match the
    user's matrix rather than the scores' Pearson correlation (0.75 would otherwise give ≈ 0.734).
    """
    r = 2.0 * np.sin(np.pi * np.asarray(rank_correlation, dtype=float) / 6.0)
    np.fill_diagonal(r, 1.0)
    return r


def iman_conover_order(n: int, correlation: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Rank positions (n × k, values 0…n−1) whose columns have rank correlation ≈ ``correlation``.

    Van der Waerden scores Φ⁻¹(i/(n+1)) are permuted independently per column, de-correlated with the Cholesky
    factor of their sample correlation and re-correlated with a factor of the target (Iman & Conover 1982); the
    target is first converted to the scores' Pearson scale (:func:`score_correlation`).
    """
    k = correlation.shape[0]
    base = stats.norm.ppf(np.arange(1, n + 1) / (n + 1))
    s = np.column_stack([rng.permutation(base) for _ in range(k)])
    if k == 1:
        return np.argsort(np.argsort(s, axis=0, kind="stable"), axis=0, kind="stable")
    e = np.corrcoef(s, rowvar=False)
    f = np.linalg.cholesky(e)
    p, _ = _psd_factor(score_correlation(correlation))
    t = s @ np.linalg.inv(f).T @ p.T
    return np.argsort(np.argsort(t, axis=0, kind="stable"), axis=0, kind="stable")


def aggregate_totals(tracts: Mapping[str, pd.DataFrame], *, seed: int, correlation: np.ndarray | None = None,
                     rank_by: str | None = None, trials: int | None = None) -> AggregationResult:
    """Add several tracts' per-trial totals, independently or with a rank-correlation matrix.

    Parameters
    ----------
    tracts
        Tract name → per-trial totals (``trial`` plus numeric quantities). Quantities missing from a tract count
        as 0 for it.
    seed
        Seed for the pairing (and the bootstrap when ``trials`` is given).
    correlation
        k × k rank-correlation matrix between tracts (tract order of ``tracts``); ``None`` = independent.
    rank_by
        Quantity whose ranks are correlated (default ``ore`` if present, else the first quantity).
    trials
        Resample every tract with replacement to this many trials (needed when tracts have different numbers
        of trials; default: all tracts must have the same number and are used as they are).

    Returns
    -------
    AggregationResult
    """
    names = list(tracts)
    if len(names) < 1:
        raise InputError("no tracts to aggregate")
    rng = np.random.default_rng(seed)
    frames = {t: f.drop(columns=[c for c in f.columns if c in _NON_QUANTITIES]) for t, f in tracts.items()}
    quantities = list(dict.fromkeys(c for f in frames.values() for c in f.columns))
    if not quantities:
        raise InputError("the tract tables have no quantities to add (only a trial column)")
    rank_by = rank_by or ("ore" if "ore" in quantities else quantities[0])
    if rank_by not in quantities:
        raise InputError(f"rank_by {rank_by!r} is not a quantity; expected one of {', '.join(quantities)}")
    arrays: dict[str, np.ndarray] = {}
    for t, f in frames.items():
        a = f.reindex(columns=quantities, fill_value=0.0).apply(pd.to_numeric, errors="coerce").fillna(0.0)
        arrays[t] = a.to_numpy(float)
    if trials is not None:
        arrays = {t: a[rng.integers(0, len(a), size=trials)] for t, a in arrays.items()}
    sizes = {t: len(a) for t, a in arrays.items()}
    if len(set(sizes.values())) != 1:
        raise InputError(f"tracts have different numbers of trials ({sizes}); run them with the same number or "
                         "give trials= (CLI --trials) to resample")
    n = next(iter(sizes.values()))
    if n < 2:
        raise InputError(f"{n} trials; expected at least 2")
    q = quantities.index(rank_by)
    if correlation is None:
        method = "independent"
        target = None
        ordered = [a[rng.permutation(n)] for a in arrays.values()]
    else:
        c = np.asarray(correlation, dtype=float)
        if c.shape != (len(names), len(names)):
            raise InputError(f"correlation matrix is {c.shape[0]}×{c.shape[1]} for {len(names)} tracts")
        _validate_correlation(c, names)
        method = "correlated"
        _, target = _psd_factor(c)
        ranks = iman_conover_order(n, c, rng)
        ordered = []
        for j, a in enumerate(arrays.values()):
            # a random tie-break, then a stable sort by the rank_by quantity
            shuffled = a[rng.permutation(n)]
            by_value = shuffled[np.argsort(shuffled[:, q], kind="stable")]
            ordered.append(by_value[ranks[:, j]])
    total = np.sum(ordered, axis=0)
    key = np.column_stack([o[:, q] for o in ordered])
    achieved = _rank_correlation(key)
    totals = pd.DataFrame(total, columns=quantities)
    for col in ("n_deposits", "n_economic"):
        if col in totals:
            totals[col] = totals[col].round().astype(int)
    totals.insert(0, "trial", np.arange(1, n + 1))
    params = {"tracts": names, "method": method, "rank_by": rank_by, "trials": n,
              "correlation": None if correlation is None else np.asarray(correlation).tolist()}
    inputs = sha256_json([pd.util.hash_pandas_object(f, index=False).to_list() for f in tracts.values()])
    rec = RunRecord.create("assessment.aggregate", inputs_sha256=inputs, parameters=params, seed=seed)
    return AggregationResult(totals=totals, tracts=names, method=method, target_correlation=target,
                             achieved_rank_correlation=np.asarray(achieved, dtype=float), rank_by=rank_by,
                             provenance=rec)


def aggregate_pmfs(pmfs: Mapping[str, DepositPmf], *, trials: int, seed: int,
                   correlation: np.ndarray | None = None) -> AggregationResult:
    """Aggregate numbers of undiscovered deposits of several tracts (the USGS ATA tool).

    Each tract's pmf is sampled ``trials`` times (one seeded stream), then the samples are added independently
    or with the rank-correlation matrix (:func:`aggregate_totals` with ``rank_by="n_deposits"``).
    """
    if trials < 2:
        raise InputError(f"trials = {trials}; expected at least 2")
    rng = np.random.default_rng(seed)
    frames = {n: pd.DataFrame({"n_deposits": p.sample(rng, trials)}) for n, p in pmfs.items()}
    child_seed = int(rng.integers(0, 2**63 - 1))
    res = aggregate_totals(frames, seed=child_seed, correlation=correlation, rank_by="n_deposits")
    params = {**res.provenance.parameters, "pmfs": {n: p.to_dict() for n, p in pmfs.items()}}
    rec = RunRecord.create("assessment.aggregate_pmfs", inputs_sha256=sha256_json(params), parameters=params,
                           seed=seed)
    return AggregationResult(totals=res.totals, tracts=res.tracts, method=res.method,
                             target_correlation=res.target_correlation,
                             achieved_rank_correlation=res.achieved_rank_correlation, rank_by="n_deposits",
                             provenance=rec)
