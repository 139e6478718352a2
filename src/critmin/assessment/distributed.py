"""Large simulations on Dask: many tracts and/or millions of trials split into chunks over a scheduler.

The work unit is a **chunk**: a run of consecutive stream blocks of :func:`critmin.assessment.simulate.simulate`
(:data:`~critmin.assessment.simulate.STREAM_BLOCK_TRIALS` trials each). Block ``b`` of a tract draws from
``np.random.default_rng(SeedSequence(seed).spawn(n_blocks)[b])`` — the very streams the local
:func:`~critmin.assessment.simulate.simulate` uses, computed by the same kernel — so the per-trial totals are
**bit-identical to the local run for the same seed**, whatever the chunk size, the scheduler or the number of
workers.

The same code runs on

* Dask's local schedulers (``scheduler="threads"``, ``"sync"`` or ``"processes"``; no cluster needed),
* a ``dask.distributed`` client of a ``LocalCluster`` (several processes on one machine), or
* a client of a remote cluster (``Client("tcp://scheduler:8786")``): the pmf and GT model are sent to the
  workers once per tract (``Client.scatter``) and chunk results are gathered as they finish, so the
  client holds only the per-trial totals (memory O(trials), never O(trials × deposits)).

Dask is an optional dependency (``pip install critmin[dask]``); it is imported only when these functions run.

References
----------
Ellefsen, K.J., 2017, MapMark4 user's guide: USGS TM 7-C14, doi:10.3133/tm7C14.
Rocklin, M., 2015, Dask: parallel computation with blocked algorithms and task scheduling: Proceedings of the
14th Python in Science Conference, p. 126–132, doi:10.25080/Majora-7b98e3ed-013.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from critmin.assessment.gt_model import GTModel
from critmin.assessment.simulate import (
    STREAM_BLOCK_TRIALS,
    PmfLike,
    SimulationResult,
    _deposit_frame,
    _run_block,
    pmf_content,
)
from critmin.errors import CritminError, InputError
from critmin.provenance import RunRecord, sha256_json

__all__ = ["DEFAULT_CHUNK_TRIALS", "LocalScheduler", "Tract", "simulate_distributed", "simulate_tracts"]

DEFAULT_CHUNK_TRIALS = 500_000
"""Trials per Dask task (rounded up to whole stream blocks); does not change the result."""

LocalScheduler = Literal["threads", "sync", "processes"]
"""Dask's local schedulers, used when no ``dask.distributed`` client is given."""


@dataclass(frozen=True)
class Tract:
    """One permissive tract to simulate: a name, its deposit-number pmf, its GT model and its seed."""

    name: str
    pmf: PmfLike
    model: GTModel
    seed: int


@dataclass(frozen=True)
class _Chunk:
    """Results of one chunk: first trial (1-based), N per trial, totals (quantities × trials), deposits."""

    tract: int
    first_trial: int
    n_deposits: np.ndarray
    totals: np.ndarray
    ore_t: np.ndarray | None
    grades_pct: np.ndarray | None


def _run_chunk(tract: int, pmf: PmfLike, model: GTModel, seqs: Sequence[np.random.SeedSequence], first_block: int,
               trials: int, per_deposit: bool) -> _Chunk:
    """Run stream blocks ``first_block …`` (their ``SeedSequence``s in ``seqs``) of a ``trials``-trial run."""
    ns, tots, ores, grades = [], [], [], []
    for i, seq in enumerate(seqs):
        first = (first_block + i) * STREAM_BLOCK_TRIALS
        blk = _run_block(pmf, model, seq, first + 1, min(STREAM_BLOCK_TRIALS, trials - first), per_deposit)
        ns.append(blk.n_deposits)
        tots.append(blk.totals)
        if per_deposit and blk.ore_t is not None and blk.grades_pct is not None:
            ores.append(blk.ore_t)
            grades.append(blk.grades_pct)
    return _Chunk(tract, first_block * STREAM_BLOCK_TRIALS + 1, np.concatenate(ns),
                  np.ascontiguousarray(np.concatenate(tots).T),
                  np.concatenate(ores) if per_deposit else None,
                  np.concatenate(grades) if per_deposit else None)


@dataclass
class _Assembly:
    """Preallocated outputs of one tract, filled chunk by chunk as results arrive."""

    tract: Tract
    trials: int
    per_deposit: bool

    def __post_init__(self) -> None:
        k = len(self.tract.model.elements)
        self.n_dep = np.empty(self.trials, dtype=np.int64)
        self.tot = np.empty((1 + k, self.trials))
        self.ores: dict[int, np.ndarray] = {}
        self.grades: dict[int, np.ndarray] = {}

    def add(self, c: _Chunk) -> None:
        i0 = c.first_trial - 1
        m = c.n_deposits.size
        self.n_dep[i0:i0 + m] = c.n_deposits
        self.tot[:, i0:i0 + m] = c.totals
        if self.per_deposit and c.ore_t is not None and c.grades_pct is not None:
            self.ores[i0] = c.ore_t
            self.grades[i0] = c.grades_pct

    def result(self, backend: str, chunk_trials: int) -> SimulationResult:
        t, model = self.tract, self.tract.model
        k = len(model.elements)
        cols: dict[str, np.ndarray] = {"trial": np.arange(1, self.trials + 1, dtype=np.int64),
                                       "n_deposits": self.n_dep}
        for j, q in enumerate(model.quantities):
            cols[q] = self.tot[j]
        totals = pd.DataFrame(cols, copy=False)
        deposits = None
        if self.per_deposit:
            keys = sorted(self.ores)
            ore = np.concatenate([self.ores[i] for i in keys]) if keys else np.empty(0)
            gr = np.concatenate([self.grades[i] for i in keys]) if keys else np.empty((0, k))
            deposits = _deposit_frame(self.n_dep, ore, gr, model)
        prov = RunRecord.create(
            "assessment.simulate",
            inputs_sha256=sha256_json({"pmf": pmf_content(t.pmf), "model": model.to_dict()}),
            parameters={"trials": self.trials, "per_deposit": self.per_deposit,
                        "stream_block_trials": STREAM_BLOCK_TRIALS,
                        "pmf_method": getattr(t.pmf, "method", None), "model": model.to_dict(),
                        "tract": t.name, "backend": backend, "chunk_trials": chunk_trials},
            seed=t.seed,
        )
        return SimulationResult(totals, deposits, model.quantities, list(model.elements), model.tonnage_name,
                                self.trials, t.seed, prov)


def _is_client(obj: Any) -> bool:
    return hasattr(obj, "submit") and hasattr(obj, "scatter") and hasattr(obj, "gather")


def _import_dask() -> Any:
    try:
        import dask
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise CritminError("Dask is not installed; it is optional: pip install 'critmin[dask]' "
                           "(dask[distributed]), or run critmin.assessment.simulate.simulate locally") from exc
    return dask


def simulate_tracts(tracts: Sequence[Tract], *, trials: int, client: Any | None = None,
                    scheduler: LocalScheduler = "threads", chunk_trials: int = DEFAULT_CHUNK_TRIALS,
                    per_deposit: bool = False, max_in_flight: int | None = None,
                    progress: Callable[[int, int], None] | None = None) -> dict[str, SimulationResult]:
    """Simulate several tracts (``trials`` each) on Dask; one result per tract name, equal to the local run.

    Parameters
    ----------
    tracts
        The tracts (unique names); each has its own pmf, GT model and seed.
    trials
        Trials per tract.
    client
        A ``dask.distributed.Client`` (local or remote cluster). None: Dask's local ``scheduler``.
    scheduler
        Local scheduler used without a client: ``"threads"`` (default), ``"sync"`` or ``"processes"``.
    chunk_trials
        Trials per task, rounded up to whole stream blocks of ``STREAM_BLOCK_TRIALS``. Does not change results.
    per_deposit
        Also return every simulated deposit (memory grows with trials × mean N).
    max_in_flight
        Tasks submitted but not yet collected (bounds the client's memory). Default: 2 × the workers' threads
        (client) or 2 × CPUs (local scheduler).
    progress
        Called as ``progress(done_trials, total_trials)`` (over all tracts) after each chunk.

    Returns
    -------
    dict
        Tract name → :class:`~critmin.assessment.simulate.SimulationResult` whose ``totals`` equal
        ``simulate(tract.pmf, tract.model, trials=trials, seed=tract.seed).totals`` bit for bit.
    """
    if trials < 1:
        raise InputError(f"trials = {trials}; expected a positive number of trials (MapMark4 default 20,000)")
    if chunk_trials < 1:
        raise InputError(f"chunk_trials = {chunk_trials}; expected ≥ 1")
    names = [t.name for t in tracts]
    if len(set(names)) != len(names):
        dup = sorted({n for n in names if names.count(n) > 1})
        raise InputError(f"tract names must be unique; repeated: {dup}")
    if not tracts:
        return {}
    dask = _import_dask()
    blocks_per_chunk = -(-chunk_trials // STREAM_BLOCK_TRIALS)
    n_blocks = -(-trials // STREAM_BLOCK_TRIALS)
    # (tract index, first block, that chunk's SeedSequences) — the local run's streams, chunked
    work: list[tuple[int, int, list[np.random.SeedSequence]]] = []
    for ti, t in enumerate(tracts):
        seqs = np.random.SeedSequence(t.seed).spawn(n_blocks)
        for b0 in range(0, n_blocks, blocks_per_chunk):
            work.append((ti, b0, seqs[b0:b0 + blocks_per_chunk]))
    out = [_Assembly(t, trials, per_deposit) for t in tracts]
    total_trials = trials * len(tracts)
    done = 0

    def collect(c: _Chunk) -> None:
        nonlocal done
        out[c.tract].add(c)
        done += c.n_deposits.size
        if progress is not None:
            progress(done, total_trials)

    if client is not None:
        if not _is_client(client):
            raise InputError(f"client must be a dask.distributed.Client; got {type(client).__name__}")
        from distributed import as_completed

        nthreads = sum(client.nthreads().values()) or 1
        limit = max_in_flight or 2 * nthreads
        # send each tract's pmf and model to the cluster once, not with every task
        remote = [(client.scatter(t.pmf), client.scatter(t.model)) for t in tracts]
        backend = f"dask.distributed ({len(client.nthreads())} workers, {nthreads} threads)"
        pending = iter(work)

        def submit(item: tuple[int, int, list[np.random.SeedSequence]]) -> Any:
            ti, b0, seqs = item
            return client.submit(_run_chunk, ti, remote[ti][0], remote[ti][1], seqs, b0, trials, per_deposit,
                                 pure=False)

        ac = as_completed([submit(w) for _, w in zip(range(limit), pending, strict=False)])
        for fut in ac:
            collect(fut.result())
            fut.release()
            nxt = next(pending, None)
            if nxt is not None:
                ac.add(submit(nxt))
        for pm, md in remote:
            pm.release()
            md.release()
    else:
        if scheduler not in ("threads", "sync", "processes"):
            raise InputError(f"scheduler = {scheduler!r}; expected 'threads', 'sync' or 'processes' "
                             "(or pass a dask.distributed Client as client=)")
        limit = max_in_flight or 2 * (os.cpu_count() or 1)
        backend = f"dask local scheduler ({scheduler})"
        task = dask.delayed(_run_chunk, pure=False)
        for i in range(0, len(work), limit):  # waves bound the memory of uncollected chunk results
            wave = [task(ti, tracts[ti].pmf, tracts[ti].model, seqs, b0, trials, per_deposit)
                    for ti, b0, seqs in work[i:i + limit]]
            for c in dask.compute(*wave, scheduler=scheduler):
                collect(c)
    return {t.name: a.result(backend, blocks_per_chunk * STREAM_BLOCK_TRIALS) for t, a in zip(tracts, out,
                                                                                             strict=True)}


def simulate_distributed(pmf: PmfLike, model: GTModel, *, trials: int, seed: int, client: Any | None = None,
                         scheduler: LocalScheduler = "threads", chunk_trials: int = DEFAULT_CHUNK_TRIALS,
                         per_deposit: bool = False, max_in_flight: int | None = None,
                         progress: Callable[[int, int], None] | None = None) -> SimulationResult:
    """One tract's simulation split into chunks over Dask; totals equal :func:`simulate` for the same seed.

    See :func:`simulate_tracts` for the parameters.
    """
    res = simulate_tracts([Tract("tract", pmf, model, seed)], trials=trials, client=client, scheduler=scheduler,
                          chunk_trials=chunk_trials, per_deposit=per_deposit, max_in_flight=max_in_flight,
                          progress=progress)
    return res["tract"]
