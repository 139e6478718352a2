"""The workflow file: every key validated before a step runs; errors name the file and the key."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
import yaml

from critmin.errors import InputError
from critmin.workflows import load_workflow, parse_workflow
from tests.workflows.conftest import EXAMPLE


def _doc() -> dict:  # type: ignore[type-arg]
    return tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))


def _fails(doc: dict, key: str, text: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(InputError) as ei:
        parse_workflow(doc, source="wf.toml", base_dir=EXAMPLE.parent)
    assert ei.value.column == key, str(ei.value)
    assert text in str(ei.value) and "wf.toml" in str(ei.value)


def test_the_example_is_valid_and_hashes_its_inputs(example) -> None:
    assert example.seed == 20261126
    assert set(example.input_files) == {"resource.gt", "project.template"}
    assert all(len(h) == 64 for h in example.input_hashes.values())


@pytest.mark.parametrize("edit, key, text", [
    (lambda d: d["workflow"].pop("seed"), "workflow.seed", "missing"),
    (lambda d: d["workflow"].update(seed=1.5), "workflow.seed", "whole number"),
    (lambda d: d["tract"].update(raster="x.tif", threshold=0.5), "tract", "either polygon"),
    (lambda d: d["tract"].update(polygon=[[74.0, 22.0], [74.1, 22.0]]), "tract.polygon", "at least 3"),
    (lambda d: d["tract"].update(polygon=[[74.0, 22.0], [74.1, 95.0], [74.2, 22.1]]), "tract.polygon", "vertex 2"),
    (lambda d: d["resource"].update(gt="missing.csv"), "resource.gt", "not found"),
    (lambda d: d["resource"]["deposit_number"].update(method="guess"), "resource.deposit_number.method",
     "not one of"),
    (lambda d: d["resource"]["deposit_number"].update(method="mark3"), "resource.deposit_number.estimates",
     "N90/N50/N10"),
    (lambda d: d["resource"].update(ndpr_fraction=1.5), "resource.ndpr_fraction", "outside"),
    (lambda d: d["project"].update(file="p.toml"), "project", "either file"),
    (lambda d: d["supply"].update(partner="India"), "supply.partner", "ISO3"),
    (lambda d: d["supply"].update(demand_t=-5), "supply.demand_t", "outside"),
    (lambda d: d["supply"].pop("demand_source"), "supply.demand_source", "missing"),
    (lambda d: d["supply"]["disruption"].update(import_share=2), "supply.disruption.import_share", "outside"),
    (lambda d: d.pop("supply"), "supply", "missing section"),
    (lambda d: d["supply"].update(import_shares={"CHN": 0.9, "AUS": 0.2}), "supply.import_shares", "sum to more"),
    (lambda d: d["supply"].pop("import_shares_source"), "supply.import_shares_source", "missing"),
])
def test_bad_keys_are_named(edit, key, text) -> None:  # type: ignore[no-untyped-def]
    doc = _doc()
    edit(doc)
    _fails(doc, key, text)


def test_yaml_and_json_files_give_the_same_workflow(tmp_path: Path, example) -> None:
    doc = _doc()
    for name, text in (("wf.yaml", yaml.safe_dump(doc)), ("wf.json", json.dumps(doc))):
        p = tmp_path / name
        p.write_text(text, encoding="utf-8")
        for f in ("carbonatite_ree_gt.csv", "project_template.toml"):
            (tmp_path / f).write_bytes((EXAMPLE.parent / f).read_bytes())
        assert load_workflow(p).sha256 == example.sha256


def test_unreadable_files_are_refused_with_the_file_named(tmp_path: Path) -> None:
    p = tmp_path / "wf.toml"
    p.write_text("[workflow\nseed = 1", encoding="utf-8")
    with pytest.raises(InputError, match="not a valid TOML") as ei:
        load_workflow(p)
    assert ei.value.file is not None and "wf.toml" in str(ei.value.file)


def test_overrides_merge_per_key_and_a_polygon_replaces_a_raster(example) -> None:
    spec = example.with_overrides({"resource": {"trials": 500}})
    assert spec.section("resource")["trials"] == 500 and spec.section("resource")["grade"] == "TREO"
    from critmin.workflows.spec import merge_overrides

    doc = merge_overrides({"tract": {"raster": "p.tif", "threshold": 0.3}}, {"tract": {"polygon": [[0, 0]]}})
    assert doc["tract"] == {"polygon": [[0, 0]]}
