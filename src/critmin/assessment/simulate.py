"""Monte Carlo simulation of undiscovered resources (MapMark4 ``Simulation`` + ``TotalTonnagePdf``).

For each trial: draw the number of deposits N from the pmf, draw N deposits (tonnage, grades) from
the GT model, and sum ore tonnage and contained metal (``ore_t × grade_pct / 100``) over them.

Vectorised and streamed: trials are processed in **blocks** of :data:`STREAM_BLOCK_TRIALS`; block b
draws everything from its own generator ``np.random.default_rng(SeedSequence(seed).spawn(n_blocks)[b])``.
Only per-trial totals are kept (memory O(trials), not O(trials × deposits)); the per-deposit table
is built only on request. Because the random streams are tied to the fixed block size, the result
is **bit-identical for a given seed, independent of** ``chunk_trials`` **and of** ``workers`` (chunks
only group blocks for progress reporting). Blocks run on a thread pool (NumPy releases the GIL in
its bulk random and array kernels).

References
----------
Ellefsen, K.J., 2017, MapMark4 user's guide: USGS TM 7-C14, doi:10.3133/tm7C14.
Singer, D.A., and Menzie, W.D., 2010, Quantitative mineral resource assessments: an integrated
approach: Oxford University Press, doi:10.1093/oso/9780195399592.001.0001.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import pandas as pd

from critmin.assessment.gt_model import GTModel
from critmin.errors import InputError
from critmin.provenance import RunRecord, sha256_json, utcnow

STREAM_BLOCK_TRIALS = 5_000
"""Trials per independent random stream (fixed: results do not depend on chunking)."""


class PmfLike(Protocol):
    """What the simulation needs from :class:`critmin.assessment.pmf.DepositPmf`."""

    @property
    def mean(self) -> float: ...
    @property
    def variance(self) -> float: ...
    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray: ...
    def to_dict(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class Block:
    """Results of one stream block: trial numbers (1-based), N per trial, totals (trials × quantities)
    and optionally the deposits (ore t, grades %)."""

    first_trial: int
    n_deposits: np.ndarray
    totals: np.ndarray
    ore_t: np.ndarray | None = None
    grades_pct: np.ndarray | None = None


def _run_block(pmf: PmfLike, model: GTModel, seq: np.random.SeedSequence, first: int, m: int,
               keep: bool) -> Block:
    rng = np.random.default_rng(seq)
    n = np.asarray(pmf.sample(rng, m), dtype=np.int64)
    total = int(n.sum())
    ore, grades = model.sample(rng, total)
    k = grades.shape[1]
    totals = np.zeros((m, 1 + k))
    nz = np.flatnonzero(n > 0)
    if nz.size:
        starts = (np.cumsum(n) - n)[nz]
        totals[nz, 0] = np.add.reduceat(ore, starts)
        for j in range(k):
            metal = ore * grades[:, j]
            metal /= 100.0
            totals[nz, 1 + j] = np.add.reduceat(metal, starts)
    return Block(first, n, totals, ore if keep else None, grades if keep else None)


def iter_blocks(pmf: PmfLike, model: GTModel, *, trials: int, seed: int, per_deposit: bool = False,
                workers: int | None = None) -> Iterator[Block]:
    """Yield the simulation's blocks in trial order (bounded number in flight → bounded memory)."""
    if trials < 1:
        raise InputError(f"trials = {trials}; expected a positive number of trials (MapMark4 default 20,000)")
    n_blocks = -(-trials // STREAM_BLOCK_TRIALS)
    seqs = np.random.SeedSequence(seed).spawn(n_blocks)
    workers = max(1, min(workers or (os.cpu_count() or 1), n_blocks))

    def sizes(b: int) -> tuple[int, int]:
        first = b * STREAM_BLOCK_TRIALS
        return first + 1, min(STREAM_BLOCK_TRIALS, trials - first)

    if workers == 1:
        for b in range(n_blocks):
            first, m = sizes(b)
            yield _run_block(pmf, model, seqs[b], first, m, per_deposit)
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:
        pending: deque[Future[Block]] = deque()
        nxt = 0
        while nxt < n_blocks or pending:
            while nxt < n_blocks and len(pending) < 2 * workers:
                first, m = sizes(nxt)
                pending.append(pool.submit(_run_block, pmf, model, seqs[nxt], first, m, per_deposit))
                nxt += 1
            yield pending.popleft().result()


@dataclass(frozen=True)
class SimulationResult:
    """Per-trial totals (and optionally per-deposit draws) of a simulation.

    Attributes
    ----------
    totals
        One row per trial: ``trial`` (1-based), ``n_deposits``, then the tonnage quantity (``ore``)
        and contained metal per element symbol, all in metric tons.
    deposits
        With ``per_deposit=True``: one row per simulated deposit — ``trial``, ``n_deposits``,
        ``deposit`` (1-based within the trial), ``ore_t``, ``<El>_pct`` grades, ``<El>_t`` contained.
    quantities
        Names of the total columns.
    provenance
        Inputs' hash (pmf + model), parameters, version, seed.
    """

    totals: pd.DataFrame
    deposits: pd.DataFrame | None
    quantities: list[str]
    elements: list[str]
    tonnage_name: str
    trials: int
    seed: int
    provenance: RunRecord

    def statistics(self) -> dict[str, Any]:
        """USGS-style statistics of the totals (see :func:`critmin.assessment.statistics.statistics`)."""
        from critmin.assessment.statistics import statistics

        return statistics(self.totals, self.quantities)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe summary: trials, seed, deposit counts, statistics and provenance (not the rows)."""
        n = self.totals["n_deposits"].to_numpy()
        return {"trials": self.trials, "seed": self.seed, "quantities": list(self.quantities),
                "n_deposits_simulated": int(n.sum()), "mean_n_deposits": float(n.mean()),
                "statistics": self.statistics(), "provenance": self.provenance.to_dict()}


def simulate(pmf: PmfLike, model: GTModel, *, trials: int, seed: int, per_deposit: bool = False,
             chunk_trials: int = 100_000, workers: int | None = None,
             progress: Callable[[int, int], None] | None = None) -> SimulationResult:
    """Simulate ``trials`` trials; seeded, vectorised, streamed.

    Parameters
    ----------
    pmf
        Deposit-number pmf (:class:`critmin.assessment.pmf.DepositPmf`).
    model
        Fitted :class:`~critmin.assessment.gt_model.GTModel`.
    trials, seed
        Number of trials (MapMark4 default 20,000) and the seed of ``SeedSequence``.
    per_deposit
        Also return every simulated deposit (memory grows with trials × mean N; for the economic
        filter and ``*_05_SIM_EF.csv``).
    chunk_trials
        Trials between ``progress(done, trials)`` calls. Does **not** change the result.
    workers
        Threads (default: CPU count). Does not change the result.
    """
    started = utcnow()
    if chunk_trials < 1:
        raise InputError(f"chunk_trials = {chunk_trials}; expected ≥ 1")
    k = len(model.elements)
    n_dep = np.empty(trials, dtype=np.int64)
    tot = np.empty((1 + k, trials))  # one contiguous row per quantity → zero-copy columns
    ores: list[np.ndarray] = []
    grades: list[np.ndarray] = []
    next_report = chunk_trials
    for blk in iter_blocks(pmf, model, trials=trials, seed=seed, per_deposit=per_deposit, workers=workers):
        i0 = blk.first_trial - 1
        m = blk.n_deposits.size
        n_dep[i0:i0 + m] = blk.n_deposits
        tot[:, i0:i0 + m] = blk.totals.T
        if per_deposit and blk.ore_t is not None and blk.grades_pct is not None:
            ores.append(blk.ore_t)
            grades.append(np.ascontiguousarray(blk.grades_pct))
        done = i0 + m
        if progress is not None and (done >= next_report or done == trials):
            progress(done, trials)
            next_report = (done // chunk_trials + 1) * chunk_trials
    quantities = model.quantities
    cols: dict[str, np.ndarray] = {"trial": np.arange(1, trials + 1, dtype=np.int64), "n_deposits": n_dep}
    for j, q in enumerate(quantities):
        cols[q] = tot[j]
    totals = pd.DataFrame(cols, copy=False)
    deposits = None
    if per_deposit:
        deposits = _deposit_frame(n_dep, np.concatenate(ores) if ores else np.empty(0),
                                  np.concatenate(grades) if grades else np.empty((0, k)), model)
    prov = RunRecord.create(
        "assessment.simulate",
        inputs_sha256=sha256_json({"pmf": pmf_content(pmf), "model": model.to_dict()}),
        parameters={"trials": trials, "per_deposit": per_deposit, "stream_block_trials": STREAM_BLOCK_TRIALS,
                    "pmf_method": getattr(pmf, "method", None), "model": model.to_dict()},
        seed=seed,
        started_at=started,
    )
    return SimulationResult(totals, deposits, quantities, list(model.elements), model.tonnage_name, trials, seed,
                            prov)


def _deposit_frame(n_dep: np.ndarray, ore: np.ndarray, grades: np.ndarray, model: GTModel) -> pd.DataFrame:
    trial = np.repeat(np.arange(1, n_dep.size + 1, dtype=np.int64), n_dep)
    starts = np.repeat(np.cumsum(n_dep) - n_dep, n_dep)
    cols: dict[str, np.ndarray] = {"trial": trial, "n_deposits": np.repeat(n_dep, n_dep),
                                   "deposit": np.arange(trial.size, dtype=np.int64) - starts + 1,
                                   f"{model.tonnage_name}_t" if model.tonnage_name != "ore" else "ore_t": ore}
    for j, el in enumerate(model.elements):
        cols[f"{el}_pct"] = grades[:, j]
    for j, el in enumerate(model.elements):
        cols[f"{el}_t"] = ore * grades[:, j] / 100.0
    return pd.DataFrame(cols)


def pmf_content(pmf: PmfLike) -> dict[str, Any]:
    """What defines a pmf for hashing: its dictionary without the provenance (which holds timestamps)."""
    return {k: v for k, v in pmf.to_dict().items() if k != "provenance"}
