"""Dask runs of the simulation equal the local run bit for bit (same seed → same per-trial totals).

Uses a real ``dask.distributed`` LocalCluster (2 worker processes, 1 thread each) and Dask's threaded scheduler.
GT data: MapMark4 ``ExampleGatm`` (71 synthetic Cu–Au deposits) and ``ExampleTm`` (53 synthetic U deposits), from
USGS-R/MapMark4 (Ellefsen 2017, USGS TM 7-C14); pmfs: Poisson and MapMark4's NB fit to ``ExampleDepEst1``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from critmin.assessment.distributed import Tract, simulate_distributed, simulate_tracts
from critmin.assessment.estimates import read_estimates
from critmin.assessment.gt_data import read_gt
from critmin.assessment.gt_model import GTModel
from critmin.assessment.pmf import fit_negative_binomial, poisson_pmf
from critmin.assessment.simulate import STREAM_BLOCK_TRIALS, simulate
from critmin.errors import InputError

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "assessment" / "mapmark4"
TRIALS = 4 * STREAM_BLOCK_TRIALS + 1_234  # not a whole number of blocks: the last block is short


@pytest.fixture(scope="module")
def models():
    gt = read_gt(DATA / "ExampleGatm_synthetic_CuAu_71_deposits.csv")
    tm = read_gt(DATA / "ExampleTm_synthetic_U_53_deposits.csv")
    return {"normal": GTModel.fit(gt), "kde": GTModel.fit(gt, tonnage_pdf="kde", grade_pdf="kde"),
            "joint_trunc": GTModel.fit(gt, joint=True, truncate=True), "tonnage_model": GTModel.fit(tm)}


@pytest.fixture(scope="module")
def nb_pmf():
    return fit_negative_binomial(read_estimates(DATA / "ExampleDepEst1_southern_carbonate_ecaille_tract.csv"))


@pytest.fixture(scope="module")
def client():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as c:
        yield c


def _assert_identical(a, b):
    assert list(a.totals.columns) == list(b.totals.columns)
    for col in a.totals.columns:
        np.testing.assert_array_equal(a.totals[col].to_numpy(), b.totals[col].to_numpy(), err_msg=col)
    assert a.totals.equals(b.totals)


def test_local_cluster_equals_local_run_bit_for_bit(client, models, nb_pmf):
    model = models["kde"]
    local = simulate(nb_pmf, model, trials=TRIALS, seed=2024, per_deposit=True)
    # chunks of 2 blocks (7,000 → rounded up to 10,000 trials) → 3 tasks over 2 worker processes
    dist = simulate_distributed(nb_pmf, model, trials=TRIALS, seed=2024, client=client, chunk_trials=7_000,
                                per_deposit=True)
    _assert_identical(dist, local)
    assert dist.deposits is not None and local.deposits is not None
    assert dist.deposits.equals(local.deposits)
    assert list(dist.totals.columns) == ["trial", "n_deposits", "ore", "Cu", "Au"]
    assert dist.totals["trial"].tolist() == list(range(1, TRIALS + 1))
    assert int(dist.totals["n_deposits"].sum()) == len(dist.deposits)
    assert dist.provenance.seed == 2024
    assert dist.provenance.parameters["backend"].startswith("dask.distributed (2 workers")
    assert dist.provenance.inputs_sha256 == local.provenance.inputs_sha256
    assert dist.statistics() == local.statistics()


def test_many_tracts_on_local_cluster(client, models, nb_pmf):
    tracts = [Tract("A-normal-nb", nb_pmf, models["normal"], 7),
              Tract("B-kde-poisson", poisson_pmf(20.0), models["kde"], 8),
              Tract("C-joint-truncated", poisson_pmf(5.0), models["joint_trunc"], 9),
              Tract("D-uranium-tonnage-model", nb_pmf, models["tonnage_model"], 10)]
    seen: list[tuple[int, int]] = []
    out = simulate_tracts(tracts, trials=TRIALS, client=client, chunk_trials=STREAM_BLOCK_TRIALS,
                          max_in_flight=3, progress=lambda d, t: seen.append((d, t)))
    assert list(out) == [t.name for t in tracts]
    for t in tracts:
        _assert_identical(out[t.name], simulate(t.pmf, t.model, trials=TRIALS, seed=t.seed))
        assert out[t.name].provenance.parameters["tract"] == t.name
    assert list(out["D-uranium-tonnage-model"].totals.columns) == ["trial", "n_deposits", "U"]  # ExampleTm: U t
    # progress: one call per chunk (5 blocks × 4 tracts), monotone, ending at all trials of all tracts
    assert len(seen) == 5 * len(tracts)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert seen[-1] == (TRIALS * len(tracts), TRIALS * len(tracts))


@pytest.mark.parametrize("scheduler", ["threads", "sync"])
def test_local_schedulers_equal_local_run(models, nb_pmf, scheduler):
    local = simulate(nb_pmf, models["normal"], trials=TRIALS, seed=99)
    dist = simulate_distributed(nb_pmf, models["normal"], trials=TRIALS, seed=99, scheduler=scheduler,
                                chunk_trials=1, max_in_flight=2)  # 1 trial → one block per task, waves of 2
    _assert_identical(dist, local)
    assert dist.provenance.parameters["backend"] == f"dask local scheduler ({scheduler})"


def test_result_depends_on_seed_not_on_chunking(models):
    pmf, model = poisson_pmf(10.0), models["normal"]
    a = simulate_distributed(pmf, model, trials=TRIALS, seed=1, chunk_trials=STREAM_BLOCK_TRIALS)
    b = simulate_distributed(pmf, model, trials=TRIALS, seed=1, chunk_trials=10 * STREAM_BLOCK_TRIALS)
    c = simulate_distributed(pmf, model, trials=TRIALS, seed=2, chunk_trials=STREAM_BLOCK_TRIALS)
    _assert_identical(a, b)
    assert not np.array_equal(a.totals["ore"].to_numpy(), c.totals["ore"].to_numpy())
    # mean number of deposits is the Poisson mean within Monte Carlo error (s.e. √(10/TRIALS) ≈ 0.02)
    assert abs(a.totals["n_deposits"].mean() - 10.0) < 0.1


def test_bad_arguments_are_refused(models):
    pmf, model = poisson_pmf(3.0), models["normal"]
    with pytest.raises(InputError, match="unique"):
        simulate_tracts([Tract("x", pmf, model, 1), Tract("x", pmf, model, 2)], trials=10)
    with pytest.raises(InputError, match="scheduler"):
        simulate_distributed(pmf, model, trials=10, seed=1, scheduler="gpu")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="Client"):
        simulate_distributed(pmf, model, trials=10, seed=1, client=object())
    with pytest.raises(InputError, match="trials"):
        simulate_distributed(pmf, model, trials=0, seed=1)
    assert simulate_tracts([], trials=10) == {}
