"""Record linking over the store (both backends) on the MinMod expert same-as labels.

Data: ../shared/data/deposits/minmod-labels (DARPA CriticalMAAS ta2-minmod-data @ 050de43, MIT):
the five curators' ``same_as.csv`` and the 154 site records they refer to (``label-sites/*.json``).
Scored the way the acceptance check scores ``critmin deposits link --output pairs.csv``: pair
precision and recall on the labelled pairs whose two sides are present, keyed by
``(slug(source_id), slug(record_id))``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func, select

from critmin.deposits.linking.evaluate import evaluate_link_pairs, load_same_as, site_keys
from critmin.errors import NotFoundError
from critmin.store.db import Database
from critmin.store.ingest import import_files
from critmin.store.links import canonical_site, link_database, record_decision, sites_table
from critmin.store.tables import LinkDecision, Site, SiteLink

PAIR_COLUMNS = ["source_a", "record_id_a", "source_b", "record_id_b", "probability", "same"]


@pytest.fixture
def labels_dir(data_dir: Path) -> Path:
    return data_dir / "deposits" / "minmod-labels"


@pytest.fixture
def labelled_db(db: Database, labels_dir: Path) -> Database:
    import_files(db, sorted((labels_dir / "label-sites").glob("*.json")), "minmod")
    return db


def _link(db: Database, tmp_path: Path, name: str = "pairs.csv") -> tuple[dict, pd.DataFrame]:
    out = tmp_path / name
    summary = link_database(db, output=out)
    pairs = pd.read_csv(out, dtype={"record_id_a": str, "record_id_b": str})
    assert list(pairs.columns) == PAIR_COLUMNS
    return summary, pairs


def _canon(db: Database) -> dict[tuple[str, str], int]:
    """(source, record id) → cluster id (canonical_id, or the site's own id when alone)."""
    df = sites_table(db)
    with db.session() as s:
        cid = dict(s.execute(select(Site.id, Site.canonical_id)).all())
    return {(src, rid): (cid[k] if cid[k] is not None else k)
            for k, src, rid in zip(df["site_key"], df["source"], df["record_id"], strict=True)}


def test_precision_recall_on_expert_labels(labelled_db: Database, labels_dir: Path, tmp_path: Path) -> None:
    summary, pairs = _link(labelled_db, tmp_path)
    labels = load_same_as(sorted(labels_dir.glob("*/same_as.csv")))
    df = sites_table(labelled_db)
    present = set(site_keys(df))
    sc = evaluate_link_pairs(pairs, labels, present)
    # the label set as documented in ../shared/data/deposits/minmod-labels/SOURCES: about 92 pairs, 81 same
    assert 85 <= sc.n_positive + sc.n_negative <= 100 and sc.n_positive >= 75
    assert sc.baseline_precision == pytest.approx(sc.n_positive / (sc.n_positive + sc.n_negative))
    assert sc.baseline_precision < 0.9
    assert sc.precision >= 0.95, sc
    assert sc.recall >= 0.95, sc
    assert sc.precision >= sc.baseline_precision + 0.05, "must beat the all-'same' baseline clearly"
    assert sc.f1 > sc.baseline_f1
    assert summary["sites"] == len(df) and summary["candidate_pairs"] == len(pairs)
    assert summary["linked_pairs"] == int(pairs["same"].sum())
    assert 0 < summary["threshold"] < 1


def test_pairs_are_canonical_and_stored(labelled_db: Database, tmp_path: Path) -> None:
    summary, pairs = _link(labelled_db, tmp_path)
    a = list(zip(pairs["source_a"], pairs["record_id_a"], strict=True))
    b = list(zip(pairs["source_b"], pairs["record_id_b"], strict=True))
    assert all(x < y for x, y in zip(a, b, strict=True))
    assert len(set(zip(a, b, strict=True))) == len(pairs)
    assert pairs["probability"].between(0, 1).all() and set(pairs["same"]) <= {0, 1}
    with labelled_db.session() as s:
        stored_same = s.execute(select(func.count()).select_from(SiteLink).where(SiteLink.same.is_(True))).scalar_one()
        n_multi = s.execute(select(func.count(func.distinct(Site.canonical_id)))).scalar_one()
    assert stored_same == summary["linked_pairs"]
    assert n_multi == summary["clusters_with_several_records"]
    # re-linking without changes gives the same answer
    again, pairs2 = _link(labelled_db, tmp_path, "pairs2.csv")
    pd.testing.assert_frame_equal(pairs, pairs2)
    assert {k: v for k, v in again.items() if k != "output"} == {k: v for k, v in summary.items() if k != "output"}


def test_canonical_site_keeps_every_member(labelled_db: Database, tmp_path: Path) -> None:
    _link(labelled_db, tmp_path)
    canon = _canon(labelled_db)
    clusters: dict[int, set[tuple[str, str]]] = {}
    for key, cid in canon.items():
        clusters.setdefault(cid, set()).add(key)
    biggest = max(clusters.values(), key=len)
    assert len(biggest) >= 2
    df = sites_table(labelled_db).set_index(["source", "record_id"])
    member_id = int(df.loc[sorted(biggest)[-1], "site_key"])
    view = canonical_site(labelled_db, member_id)
    assert {(m["source"], m["record_id"]) for m in view["members"]} == biggest
    assert view["n_records"] == len(biggest)
    with pytest.raises(NotFoundError):
        canonical_site(labelled_db, 10**9)


def test_decisions_override_and_survive_relinking_and_reimport(labelled_db: Database, labels_dir: Path,
                                                               tmp_path: Path) -> None:
    _, pairs = _link(labelled_db, tmp_path)
    df = sites_table(labelled_db)
    located = {(s, r) for s, r, lon in zip(df["source"], df["record_id"], df["lon"], strict=True) if pd.notna(lon)}
    key = lambda r: ((r.source_a, r.record_id_a), (r.source_b, r.record_id_b))  # noqa: E731
    linked = [key(r) for r in pairs.itertuples() if r.same == 1 and key(r)[0] in located and key(r)[1] in located]
    apart = [key(r) for r in pairs.sort_values("probability", ascending=False).itertuples()
             if r.same == 0 and key(r)[0] in located and key(r)[1] in located]
    rej, conf = linked[0], apart[0]
    canon = _canon(labelled_db)
    assert canon[rej[0]] == canon[rej[1]] and canon[conf[0]] != canon[conf[1]]

    d = record_decision(labelled_db, *rej[1], *rej[0], same=False, curator="usgs:curator", note="different mines")
    assert ((d["source_a"], d["record_id_a"]), (d["source_b"], d["record_id_b"])) == rej
    record_decision(labelled_db, *conf[0], *conf[1], same=True, curator="gsi:curator")
    with pytest.raises(NotFoundError):
        record_decision(labelled_db, "nope", "1", *conf[0], same=True, curator="x")

    def check(summary: dict, pairs_: pd.DataFrame) -> None:
        got = {key(r): r for r in pairs_.itertuples()}
        assert got[rej].same == 0 and got[conf].same == 1
        c = _canon(labelled_db)
        assert c[rej[0]] != c[rej[1]]
        assert c[conf[0]] == c[conf[1]]
        assert summary["decisions_applied"] == 2

    check(*_link(labelled_db, tmp_path, "after_decisions.csv"))
    check(*_link(labelled_db, tmp_path, "relinked.csv"))  # survives re-linking

    # re-import only part of the files: datasets that lose records are replaced; a decision whose
    # records are gone is kept but ignored, and applies again once they are back
    files = sorted((labels_dir / "label-sites").glob("*.json"))
    keep = [f for f in files if f.name != "sri.json"]
    summary_part, _ = import_files(labelled_db, keep, "minmod")
    assert any(d["action"] == "replaced" for d in summary_part.datasets)
    relinked = link_database(labelled_db, output=tmp_path / "partial.csv")
    assert relinked["decisions_applied"] + relinked["decisions_ignored"] == 2
    import_files(labelled_db, files, "minmod")
    check(*_link(labelled_db, tmp_path, "reimported.csv"))
    with labelled_db.session() as s:
        assert s.execute(select(func.count()).select_from(LinkDecision)).scalar_one() == 2

    # a new decision on the same pair replaces the old one
    record_decision(labelled_db, *rej[0], *rej[1], same=True, curator="usgs:curator")
    summary, pairs3 = _link(labelled_db, tmp_path, "flipped.csv")
    assert {key(r): r.same for r in pairs3.itertuples()}[rej] == 1
    c = _canon(labelled_db)
    assert c[rej[0]] == c[rej[1]] and summary["decisions_applied"] == 2
