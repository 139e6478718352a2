"""A store seeded for access tests: three organisations, users with tokens, records of every visibility.

Records owned by ``gsi`` exist in seven sharing states (``CASES``). Every record carries a unique marker in its
name (``Zq<case><kind>``), so a response that leaks it can be found by text search whatever its format.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import critmin.reference
from critmin.economics.project import parse_project
from critmin.geochem.assays import read_assays
from critmin.store.accounts import create_token, create_user
from critmin.store.db import Database
from critmin.store.economics_projects import save_project
from critmin.store.geochem_datasets import create_dataset
from critmin.store.prospectivity_runs import create_run
from critmin.store.sharing import set_embargo, share
from critmin.store.sites import import_sites
from critmin.store.tables import AssessmentRun, Dataset, GeochemDataset, Organisation
from critmin.store.workflow_runs import create_run as create_workflow_run
from critmin.workflows import load_workflow
from tests.store.factories import result, site

#: case → (visibility, rights shared with usgs by name, embargo)
CASES: dict[str, tuple[str, str | None, str | None]] = {
    "pub": ("public", None, None),
    "ptn": ("partners", None, None),
    "prv": ("private", None, None),
    "shv": ("private", "view", None),
    "shd": ("private", "download", None),
    "emp": ("private", None, "past"),
    "emf": ("private", None, "future"),
}
#: principal → (organisation, role); None = anonymous
PRINCIPALS: dict[str, tuple[str, str] | None] = {
    "anon": None,
    "gsi": ("gsi", "viewer"),
    "usgs": ("usgs", "analyst"),
    "mines": ("mines", "viewer"),
}


_WORKFLOW = load_workflow(Path(__file__).resolve().parents[2] / "examples" / "india_carbonatite_ree" / "workflow.toml")


def marker(case: str, kind: str) -> str:
    """The unique text in the name of the ``kind`` record of ``case``."""
    return f"Zq{case}{kind}"


def can_view(case: str, who: str) -> bool:
    """The visibility rule, written out independently of the store's implementation."""
    visibility, shared, embargo = CASES[case]
    org = PRINCIPALS[who][0] if PRINCIPALS[who] else None
    return (visibility == "public" or embargo == "past" or org == "gsi"
            or (visibility == "partners" and org is not None) or (shared is not None and org == "usgs"))


def can_download(case: str, who: str) -> bool:
    """Download: like view, except a view-only named share does not allow it."""
    _, shared, _ = CASES[case]
    if shared == "view" and who == "usgs":
        return False
    return can_view(case, who)


@dataclass
class AccessWorld:
    """Ids of the seeded records and the principals' bearer headers."""

    sites: dict[str, int] = field(default_factory=dict)
    datasets: dict[str, int] = field(default_factory=dict)
    runs: dict[str, int] = field(default_factory=dict)
    geochem: dict[str, int] = field(default_factory=dict)
    econ: dict[str, int] = field(default_factory=dict)
    prospect: dict[str, int] = field(default_factory=dict)
    workflow: dict[str, int] = field(default_factory=dict)
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    admin_headers: dict[str, str] = field(default_factory=dict)


_PROJECTS = Path(critmin.reference.__file__).parent / "projects"
_ASSAYS = "sample_id,La_ppm,Ce_ppm,Nd_ppm\nS1,120,250,105\nS2,130,260,110\n"


def seed_access_world(db: Database, artefacts: Path) -> AccessWorld:
    """Seed ``db`` (migrated, empty) and return the ids and headers."""
    w = AccessWorld()
    now = datetime.now(UTC)
    with db.transaction() as s:
        for org in ("gsi", "usgs", "mines"):
            s.add(Organisation(code=org, name=org.upper()))
        s.flush()
        for who, spec in PRINCIPALS.items():
            if spec is None:
                w.headers[who] = {}
                continue
            create_user(s, f"{who}-user", spec[0], role=spec[1])
            secret, _ = create_token(s, f"{who}-user", "tests")
            w.headers[who] = {"Authorization": f"Bearer {secret}"}
        for who, role in (("gsi-analyst", "analyst"), ("gsi-steward", "data_manager")):
            create_user(s, f"{who}-user", "gsi", role=role)
            secret, _ = create_token(s, f"{who}-user", "tests")
            w.headers[who] = {"Authorization": f"Bearer {secret}"}
        create_user(s, "root", "gsi", role="admin")
        secret, _ = create_token(s, "root", "admin-tests")
        w.admin_headers = {"Authorization": f"Bearer {secret}"}
    for i, (case, (visibility, _, _)) in enumerate(CASES.items()):
        src = f"src-{case}"
        with db.transaction() as s:
            import_sites(s, result(src, [site(src, f"R{case}", marker(case, "site"), 74.0 + i, 20.0 + i, ["Li"])],
                                   sha=f"{i:x}" * 64), organisation="gsi", visibility=visibility)
            ds = s.query(Dataset).filter(Dataset.source == src).one()
            w.datasets[case] = ds.id
            w.sites[case] = _site_id(s, src)
            s.add(AssessmentRun(name=marker(case, "run"), organisation_id=ds.organisation_id, visibility=visibility,
                                inputs={}, parameters={}, seed=1, trials=10, status="queued", progress=0.0,
                                message="queued", created_at=now))
            s.flush()
            w.runs[case] = s.query(AssessmentRun).filter(AssessmentRun.name == marker(case, "run")).one().id
            doc = tomllib.loads((_PROJECTS / "kangankunde_fs_2024.toml").read_text(encoding="utf-8"))
            doc["project"]["name"] = marker(case, "econ")
            w.econ[case] = save_project(s, parse_project(doc), organisation="gsi", visibility=visibility)
            w.prospect[case] = create_run(s, name=marker(case, "prospect"), organisation="gsi", layers=[],
                                          deposits={"type": "FeatureCollection", "features": []}, unit_cell_km2=1.0,
                                          count="points", visibility=visibility).id
            wf_doc = dict(_WORKFLOW.doc)
            wf_doc["workflow"] = {**wf_doc["workflow"], "name": marker(case, "workflow")}
            w.workflow[case] = create_workflow_run(s, document=wf_doc, base_dir=_WORKFLOW.base_dir,
                                                   source="access world", organisation="gsi",
                                                   visibility=visibility).id
        csv_path = artefacts.parent / f"{case}.csv"
        csv_path.write_text(_ASSAYS, encoding="utf-8")
        table = read_assays(csv_path)
        w.geochem[case] = create_dataset(db, table, name=marker(case, "geochem"), filename=f"{case}.csv",
                                         content_sha256=f"{i:x}" * 64, organisation="gsi",
                                         artefact_root=artefacts, visibility=visibility)
    with db.transaction() as s:
        for case, (_, shared, embargo) in CASES.items():
            for rtype, ids in (("dataset", w.datasets), ("assessment_run", w.runs), ("geochem_dataset", w.geochem),
                               ("economics_project", w.econ), ("prospectivity_run", w.prospect),
                               ("workflow_run", w.workflow)):
                if shared:
                    share(s, rtype, ids[case], "usgs", rights=shared, viewer="gsi")
                if embargo:
                    when = now - timedelta(days=1) if embargo == "past" else now + timedelta(days=365)
                    set_embargo(s, rtype, ids[case], when, viewer="gsi")
    assert GeochemDataset.__tablename__ == "geochem_dataset"
    return w


def _site_id(s, source: str) -> int:  # type: ignore[no-untyped-def]
    from critmin.store.tables import Site

    return int(s.query(Site.id).join(Dataset).filter(Dataset.source == source).scalar())
