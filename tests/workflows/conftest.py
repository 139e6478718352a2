"""Workflow fixtures: the bundled India example and the demo deposits as the knowledge base's sites."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from critmin.workflows import WorkflowSpec, load_workflow

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "india_carbonatite_ree" / "workflow.toml"


@pytest.fixture(scope="session")
def example() -> WorkflowSpec:
    return load_workflow(EXAMPLE)


@pytest.fixture(scope="session")
def demo_sites() -> pd.DataFrame:
    d = pd.read_csv(REPO / "src" / "critmin" / "deposits" / "demo" / "demo_sites.csv")
    return pd.DataFrame({"site_id": range(1, len(d) + 1), "name": d["name"], "lon": d["lon"], "lat": d["lat"],
                         "deposit_type": d["deposit_type"].fillna("")})


def small(spec: WorkflowSpec, **sections: dict) -> WorkflowSpec:  # type: ignore[type-arg]
    """The example with fewer trials and draws (fast), plus any overrides."""
    base = {"resource": {"trials": 2000}, "project": {"montecarlo_draws": 1000}, "workflow": {"draws": 500}}
    for k, v in sections.items():
        base.setdefault(k, {}).update(v)
    return spec.with_overrides(base)
