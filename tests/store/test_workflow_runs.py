"""Workflow runs in the store (both backends): execute, record, visibility, failure leaves nothing partial."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from critmin.errors import NotFoundError
from critmin.store.ingest import load_demo
from critmin.store.workflow_runs import create_rerun, create_run, execute_run, get_run, kb_inputs, run_detail

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "india_carbonatite_ree" / "workflow.toml"


def _doc(**changes: dict) -> dict:  # type: ignore[type-arg]
    doc = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    doc["resource"]["trials"] = 2000
    doc["project"]["montecarlo_draws"] = 1000
    doc["workflow"]["draws"] = 500
    for sec, values in changes.items():
        doc[sec].update(values)
    return doc


def _run(db, tmp_path: Path, doc: dict, org: str = "gsi", visibility: str = "private") -> int:  # type: ignore[no-untyped-def,type-arg]
    with db.transaction() as s:
        run_id = create_run(s, document=doc, base_dir=EXAMPLE.parent, source="test", organisation=org,
                            visibility=visibility).id
    execute_run(db, run_id, artefact_root=tmp_path / "artefacts")
    return run_id


def test_execute_stores_the_result_record_and_archive(db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    load_demo(db)
    sites, _ = kb_inputs(db, "gsi")
    assert {"Amba Dongar carbonatite", "Siriwasan carbonatite"} <= set(sites["name"])
    run_id = _run(db, tmp_path, _doc())
    with db.session() as s:
        d = run_detail(get_run(s, run_id))
    assert d["status"] == "done" and d["progress"] == 1.0
    assert set(d["steps"]) == {"tract", "resource", "economic_filter", "project", "supply"}
    assert d["result"]["tract"]["known_deposits"] == 2
    assert d["provenance"]["result_sha256"] == d["result_sha256"]
    run_dir = tmp_path / "artefacts" / "runs" / str(run_id)
    assert (run_dir / "record.json").is_file() and (run_dir / "inputs" / "resource.gt").is_dir()
    with db.session() as s:  # private: another organisation cannot see it
        with pytest.raises(NotFoundError):
            get_run(s, run_id, viewer="usgs")
    with db.transaction() as s:
        again = create_rerun(s, get_run(s, run_id), organisation="gsi").id
    execute_run(db, again, artefact_root=tmp_path / "artefacts", use_cache=False)
    with db.session() as s:
        r2 = get_run(s, again)
        assert r2.rerun_of == run_id and r2.result_sha256 == d["result_sha256"]
        assert all(not st["cached"] for st in r2.steps.values())


def test_a_failing_step_leaves_a_failed_run_and_no_artefacts(db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run_id = _run(db, tmp_path, _doc(economic_filter={"prices_usd_per_t": {"TREO": 1.0}}))
    with db.session() as s:
        r = get_run(s, run_id)
        assert r.status == "failed" and r.result is None and r.provenance is None and r.artefact_dir is None
        assert "step 4 (project)" in (r.message or "")
    assert not (tmp_path / "artefacts" / "runs" / str(run_id)).exists()


def test_kb_inputs_limit_sites_to_the_tract_bounds_but_not_the_gt_inventories(db) -> None:  # type: ignore[no-untyped-def]
    load_demo(db)
    sites, inv = kb_inputs(db, "gsi", bbox=(73.75, 21.75, 74.35, 22.35), inventory=True)
    assert sorted(sites["name"]) == ["Amba Dongar carbonatite", "Siriwasan carbonatite"]
    ngualla = inv[inv["name"] == "Ngualla"]
    assert len(ngualla) and set(ngualla["deposit_type"]) == {"Carbonatite REE"}
    _, none = kb_inputs(db, "gsi", bbox=(73.75, 21.75, 74.35, 22.35), inventory=False)
    assert none.empty
