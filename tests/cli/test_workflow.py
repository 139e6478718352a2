"""``critmin run`` / ``provenance`` / ``rerun`` / ``workflow …`` on the bundled India example (embedded store)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from critmin.config import get_settings
from critmin.provenance import sha256_file
from tests.cli.conftest import as_json

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "india_carbonatite_ree" / "workflow.toml"


@pytest.fixture
def wf_cli(migrated, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CRITMIN_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    migrated("demo", "load")
    return migrated


def _small(tmp_path: Path) -> Path:
    """A copy of the example with fewer trials (same inputs)."""
    text = EXAMPLE.read_text(encoding="utf-8").replace("trials = 10000", "trials = 2000")
    text = text.replace("montecarlo_draws = 5000", "montecarlo_draws = 1000")
    d = tmp_path / "wf"
    d.mkdir()
    for f in ("carbonatite_ree_gt.csv", "project_template.toml"):
        (d / f).write_bytes((EXAMPLE.parent / f).read_bytes())
    (d / "workflow.toml").write_text(text, encoding="utf-8")
    return d / "workflow.toml"


def test_run_the_example_end_to_end(wf_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    res = wf_cli("run", EXAMPLE, "--json", "--out", tmp_path / "out", "--report", tmp_path / "report.pdf")
    doc = as_json(res)
    assert doc["run_id"] == 1 and len(doc["result_sha256"]) == 64
    steps = doc["steps"]
    assert set(steps) == {"tract", "resource", "economic_filter", "project", "supply"}
    assert steps["tract"]["known_deposits"] == 2
    assert steps["supply"]["stages"]["mine"]["before"]["hhi"] == pytest.approx(4909, abs=1)
    rec = doc["provenance"]
    assert rec["inputs"]["resource.gt"]["sha256"] == sha256_file(EXAMPLE.parent / "carbonatite_ree_gt.csv")
    assert rec["seed"] == 20261126 and rec["version"]
    saved = json.loads((tmp_path / "out" / "result.json").read_text(encoding="utf-8"))
    assert saved["run_id"] == 1 and saved["result_sha256"] == doc["result_sha256"]
    assert (tmp_path / "report.pdf").read_bytes()[:5] == b"%PDF-"
    text = wf_cli("run", EXAMPLE).stdout  # second run: steps from the cache, same numbers
    assert doc["result_sha256"] in text and "5 supply, separation" in text


def test_provenance_and_rerun(wf_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    wf = _small(tmp_path)
    first = as_json(wf_cli("run", wf, "--json", "--out", tmp_path / "out"))
    prov = as_json(wf_cli("provenance", "1", "--json"))
    assert prov["result_sha256"] == first["result_sha256"]
    assert [s["step"] for s in prov["record"]["steps"]] == ["tract", "resource", "economic_filter", "project",
                                                            "supply"]
    by_file = as_json(wf_cli("provenance", tmp_path / "out" / "result.json", "--json"))
    assert by_file["run_id"] == 1
    assert "step supply" in wf_cli("provenance", "workflow:1").stdout
    (wf.parent / "carbonatite_ree_gt.csv").unlink()  # the rerun uses the archived copy
    again = as_json(wf_cli("rerun", "1", "--json"))
    assert again == {"run_id": 2, "rerun_of": 1, "result_sha256": first["result_sha256"],
                     "original_result_sha256": first["result_sha256"], "identical": True}
    assert as_json(wf_cli("provenance", "2", "--json"))["identical_to_original"] is True
    listed = as_json(wf_cli("workflow", "list", "--json"))
    assert [i["origin"] for i in listed["items"]] == ["rerun", "cli"]


def test_bad_workflow_names_the_key_and_stores_nothing(wf_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    wf = _small(tmp_path)
    wf.write_text(wf.read_text(encoding="utf-8").replace('partner = "IND"', 'partner = "India"'), encoding="utf-8")
    res = wf_cli("run", wf, ok=False)
    assert res.exit_code == 1 and "supply.partner" in res.output and "workflow.toml" in res.output
    assert as_json(wf_cli("workflow", "list", "--json"))["total"] == 0


def test_a_failing_step_is_reported_and_kept_as_failed(wf_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    wf = _small(tmp_path)
    wf.write_text(wf.read_text(encoding="utf-8").replace("TREO = 10000.0", "TREO = 1.0"), encoding="utf-8")
    res = wf_cli("run", wf, ok=False)
    assert res.exit_code == 1 and "step 4 (project)" in res.output and "no simulated deposit is economic" in res.output
    items = as_json(wf_cli("workflow", "list", "--json"))["items"]
    assert [i["status"] for i in items] == ["failed"]
    assert not (Path(get_settings().data_dir) / "artefacts" / "workflows" / "runs" / "1").exists()


def test_unknown_runs_and_unmigrated_stores_are_explained(cli, wf_cli) -> None:  # type: ignore[no-untyped-def]
    res = wf_cli("provenance", "99", ok=False)
    assert res.exit_code == 1 and "does not exist" in res.output
    res = wf_cli("provenance", "nonsense", ok=False)
    assert res.exit_code == 1 and "neither a result file nor a run id" in res.output


def test_examples_are_listed_and_copied(wf_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    doc = as_json(wf_cli("workflow", "examples", "--copy-to", tmp_path / "ex", "--json"))
    assert doc["examples"] == ["india_carbonatite_ree"]
    assert (tmp_path / "ex" / "india_carbonatite_ree" / "carbonatite_ree_gt.csv").is_file()
