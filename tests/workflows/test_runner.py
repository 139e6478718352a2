"""The runner: progress per step, a cache keyed by inputs, resume after a failure, bit-identical reruns."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from critmin.errors import InputError
from critmin.workflows import STEPS, run_workflow
from critmin.workflows import rock_to_supply as impl
from critmin.workflows.archive import load_run, rerun_spec, save_run
from critmin.workflows.runner import without_times
from tests.workflows.conftest import small


def test_progress_reports_every_step(example, demo_sites) -> None:  # type: ignore[no-untyped-def]
    seen: list[tuple[str, float]] = []
    run_workflow(small(example), sites=demo_sites, progress=lambda s, f, m: seen.append((s, f)))
    assert [s for s, f in seen if f == 0.0] == list(STEPS)
    assert seen[-1] == ("supply", 1.0)


def test_same_inputs_same_numbers_and_a_second_run_comes_from_the_cache(example, demo_sites, tmp_path) -> None:  # type: ignore[no-untyped-def]
    spec = small(example)
    a = run_workflow(spec, sites=demo_sites, cache_dir=tmp_path / "cache")
    b = run_workflow(spec, sites=demo_sites, cache_dir=tmp_path / "cache")
    c = run_workflow(spec, sites=demo_sites)  # no cache at all
    assert not any(s.cached for s in a.steps.values())
    assert all(s.cached for s in b.steps.values())
    assert a.result_sha256 == b.result_sha256 == c.result_sha256
    for name in STEPS:  # equal but for the creation times inside provenance records
        assert json.dumps(without_times(a.steps[name].data), sort_keys=True) == \
            json.dumps(without_times(c.steps[name].data), sort_keys=True)
    other = run_workflow(small(example, workflow={"seed": 7}), sites=demo_sites)
    assert other.result_sha256 != a.result_sha256


def test_a_changed_input_reruns_that_step_and_everything_after(example, demo_sites, tmp_path) -> None:  # type: ignore[no-untyped-def]
    spec = small(example)
    run_workflow(spec, sites=demo_sites, cache_dir=tmp_path)
    cheaper = small(example, economic_filter={"prices_usd_per_t": {"TREO": 8000.0}})
    r = run_workflow(cheaper, sites=demo_sites, cache_dir=tmp_path)
    assert {n: s.cached for n, s in r.steps.items()} == {"tract": True, "resource": True, "economic_filter": False,
                                                         "project": False, "supply": False}
    moved = demo_sites.copy()
    moved.loc[moved["name"] == "Siriwasan carbonatite", "lon"] = 80.0  # the knowledge base changed
    r2 = run_workflow(spec, sites=moved, cache_dir=tmp_path)
    assert not r2.steps["tract"].cached and r2.steps["tract"].data["known_deposits"] == 1


def test_a_failed_run_resumes_from_the_last_finished_step(example, demo_sites, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    spec = small(example)
    real = impl.project_step

    def boom(*a, **k):  # type: ignore[no-untyped-def]
        raise InputError("simulated failure in the project step")

    monkeypatch.setattr(impl, "project_step", boom)
    with pytest.raises(InputError, match=r"step 4 \(project\): simulated failure"):
        run_workflow(spec, sites=demo_sites, cache_dir=tmp_path)
    monkeypatch.setattr(impl, "project_step", real)
    r = run_workflow(spec, sites=demo_sites, cache_dir=tmp_path)
    assert [n for n, s in r.steps.items() if s.cached] == ["tract", "resource", "economic_filter"]
    assert r.result_sha256 == run_workflow(spec, sites=demo_sites).result_sha256


def test_a_damaged_cache_entry_is_recomputed(example, demo_sites, tmp_path) -> None:  # type: ignore[no-untyped-def]
    spec = small(example)
    a = run_workflow(spec, sites=demo_sites, cache_dir=tmp_path)
    (tmp_path / f"{a.steps['supply'].key}.npz").write_bytes(b"not an npz")
    b = run_workflow(spec, sites=demo_sites, cache_dir=tmp_path)
    assert not b.steps["supply"].cached and b.result_sha256 == a.result_sha256


def test_archive_rerun_is_bit_identical_and_detects_tampering(example, demo_sites, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    spec = small(example)
    res = run_workflow(spec, sites=demo_sites)
    d = save_run(res, tmp_path / "run", 42)
    stored = load_run(d)
    assert stored.record["run_id"] == 42 and stored.record["result_sha256"] == res.result_sha256
    assert stored.record["inputs"]["resource.gt"]["sha256"] == spec.input_hashes["resource.gt"]
    assert [s["step"] for s in stored.record["steps"]] == list(STEPS)
    assert stored.record["steps"][2]["parents"] == [stored.record["steps"][1]["key"]]
    again = run_workflow(rerun_spec(stored), sites=demo_sites)
    assert again.result_sha256 == res.result_sha256
    for name in STEPS:
        for k, v in res.steps[name].arrays.items():
            assert again.steps[name].arrays[k].tobytes() == v.tobytes()
    gt = d / stored.record["input_copies"]["resource.gt"]
    gt.write_text(gt.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="does not match its recorded SHA-256"):
        rerun_spec(load_run(d))
