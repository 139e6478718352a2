"""The other ways through the workflow: GT from the knowledge base, expert deposit estimates (negative binomial,
Mark3) or a pmf file, a real project in the tract with an offtake partner."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import critmin.reference
from critmin.assessment.estimates import read_estimates
from critmin.assessment.pmf import fit_negative_binomial, mark3_pmf
from critmin.errors import InputError
from critmin.workflows import parse_workflow, run_workflow
from tests.workflows.conftest import EXAMPLE, small

KANGANKUNDE = Path(critmin.reference.__file__).parent / "projects" / "kangankunde_fs_2024.toml"


def _inventory() -> pd.DataFrame:
    """Knowledge-base inventory lines as the store returns them (demo rare-earth carbonatites)."""
    return pd.DataFrame({
        "site_id": [74, 75, 76, 103], "commodity": ["REE"] * 4, "material_form": ["REO", "TREO", "REO", "REO"],
        "ore_t": [214.4e6, 261e6, 313e6, np.nan], "grade_pct": [2.15, 2.19, 1.43, 6.0],
        "name": ["Ngualla", "Kangankunde", "Longonjo", "Bayan Obo"],
        "deposit_type": ["Carbonatite REE", "Carbonatite REE", "Carbonatite laterite REE", "Carbonatite REE"]})


def test_gt_from_knowledge_base_inventories(example, demo_sites) -> None:  # type: ignore[no-untyped-def]
    spec = small(example, resource={"gt": "knowledge_base", "kb_commodity": "REE",
                                    "kb_material_forms": ["TREO", "REO"]},
                 tract={"deposit_types": ["Carbonatite REE", "Carbonatite laterite REE"]})
    res = run_workflow(spec, sites=demo_sites, inventory=_inventory())
    gt = res.steps["resource"].data["gt"]
    assert gt["n_deposits"] == 3  # Bayan Obo has no ore tonnage
    assert gt["median_ore_t"] == pytest.approx(261e6)
    assert any("only 3 deposits" in w for w in gt["warnings"])
    with pytest.raises(InputError, match="no inventory lines"):
        run_workflow(spec, sites=demo_sites, inventory=pd.DataFrame())


@pytest.mark.parametrize("method", ["negative_binomial", "mark3", "pmf"])
def test_expert_estimates_and_pmf_files(tmp_path: Path, demo_sites, example, method: str) -> None:  # type: ignore[no-untyped-def]
    est = tmp_path / "estimates.csv"
    est.write_text("Name,Weight,N90,N50,N10\nA,1,1,2,5\nB,1,0,2,4\nC,2,1,3,6\n", encoding="utf-8")
    pmf = tmp_path / "pmf.csv"
    pmf.write_text("n,probability\n0,0.2\n1,0.3\n2,0.3\n3,0.2\n", encoding="utf-8")
    doc = small(example).doc
    doc["resource"]["gt"] = str(EXAMPLE.parent / "carbonatite_ree_gt.csv")
    doc["project"]["template"] = str(EXAMPLE.parent / "project_template.toml")
    doc["resource"]["deposit_number"] = {"method": method, **({"pmf": str(pmf)} if method == "pmf"
                                                               else {"estimates": str(est)})}
    res = run_workflow(parse_workflow(doc, base_dir=tmp_path), sites=demo_sites)
    probs = res.steps["resource"].data["pmf"]["probabilities"]
    if method == "negative_binomial":
        want = fit_negative_binomial(read_estimates(est)).probabilities
    elif method == "mark3":  # weighted means 0.75, 2.5, 5.25 → rounded levels 1, 2, 5
        want = mark3_pmf([1, 2, 5]).probabilities
    else:
        want = np.array([0.2, 0.3, 0.3, 0.2])
    assert probs == pytest.approx(want.tolist(), abs=1e-15)


def test_a_real_project_with_an_offtake_partner(example, demo_sites) -> None:  # type: ignore[no-untyped-def]
    doc = small(example).doc
    doc["tract"] = {"name": "Chilwa alkaline province (illustrative)", "deposits": "knowledge_base",
                    "polygon": [[34.7, -15.9], [35.9, -15.9], [35.9, -14.9], [34.7, -14.9]],
                    "deposit_types": ["Carbonatite REE"]}
    doc["resource"]["gt"] = str(EXAMPLE.parent / "carbonatite_ree_gt.csv")
    doc["project"] = {"file": str(KANGANKUNDE), "montecarlo_draws": 1000}
    doc["supply"].update(partner="USA", stages=["mine"], demand_t=10000)
    res = run_workflow(parse_workflow(doc), sites=demo_sites)
    t = res.steps["tract"].data
    assert sorted(d["name"] for d in t["deposits"]) == ["Kangankunde", "Songwe Hill"]
    p = res.steps["project"].data
    assert p["kind"] == "real project in the tract" and p["scaling"] is None
    assert p["evaluation"]["npv"] == pytest.approx(558e6, rel=0.01)  # as in tests/economics (published 555 M)
    s = res.steps["supply"].data
    assert s["mode"].startswith("real project") and "40%" in s["partner_rule"]
    added = res.steps["supply"].arrays["added_t"]
    assert added.max() <= 8400 * 1.05 + 1e-9  # nameplate × the largest output multiplier
    mine = s["stages"]["mine"]
    assert mine["partner"]["domestic_t"] > 10000  # the USA mines more rare earths than this demand
    assert mine["partner"]["import_reliance_after"]["q50"] == [0.0] * len(s["years"])


def test_a_tract_without_undiscovered_deposits_is_explained(tmp_path: Path, demo_sites, example) -> None:  # type: ignore[no-untyped-def]
    pmf = tmp_path / "pmf.csv"
    pmf.write_text("n,probability\n0,1\n", encoding="utf-8")
    doc = small(example).doc
    doc["resource"]["gt"] = str(EXAMPLE.parent / "carbonatite_ree_gt.csv")
    doc["project"]["template"] = str(EXAMPLE.parent / "project_template.toml")
    doc["resource"]["deposit_number"] = {"method": "pmf", "pmf": str(pmf)}
    with pytest.raises(InputError, match=r"step 4 \(project\): the tract holds no undiscovered deposit") as ei:
        run_workflow(parse_workflow(doc, base_dir=tmp_path), sites=demo_sites)
    assert ei.value.column == "resource.deposit_number"
