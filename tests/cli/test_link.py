"""``critmin deposits link / decide / canonical`` on real records: the MinMod expert-label sites
(../shared/data/deposits/minmod-labels) and the demo data beside the USMIN lithium release."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from tests.cli.conftest import Invoke, as_json, row_counts

PAIR_HEADER = ["source_a", "record_id_a", "source_b", "record_id_b", "probability", "same"]


def _pairs(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        r = csv.DictReader(fh)
        assert r.fieldnames == PAIR_HEADER
        return list(r)


def _sites(cli: Invoke) -> dict[tuple[str, str], dict]:
    items = as_json(cli("deposits", "list", "--json", "--limit", "100000"))["items"]
    return {(it["source"], it["record_id"]): it for it in items}


def _cluster(site: dict) -> int:
    return site["canonical_id"] if site["canonical_id"] is not None else site["id"]


def test_link_minmod_label_sites_writes_pairs_csv(migrated: Invoke, db_url: str, data_dir: Path,
                                                  tmp_path: Path) -> None:
    files = sorted((data_dir / "deposits" / "minmod-labels" / "label-sites").glob("*.json"))
    migrated("deposits", "import", *files, "--format", "minmod")
    n_sites = row_counts(db_url)["site"]
    out = tmp_path / "pairs.csv"
    summary = as_json(migrated("deposits", "link", "--output", out, "--json"))
    assert summary["sites"] == n_sites
    rows = _pairs(out)
    assert len(rows) == summary["candidate_pairs"] > 0
    sites = _sites(migrated)
    seen = set()
    for r in rows:
        a, b = (r["source_a"], r["record_id_a"]), (r["source_b"], r["record_id_b"])
        assert a < b, "canonical order: (source, record id) of side a sorts first"
        assert a in sites and b in sites
        assert (a, b) not in seen
        seen.add((a, b))
        assert 0.0 <= float(r["probability"]) <= 1.0
        assert r["same"] in ("0", "1")
    linked = [r for r in rows if r["same"] == "1"]
    assert len(linked) == summary["linked_pairs"] > 0
    assert all(float(r["probability"]) >= summary["threshold"] for r in linked)
    # linked pairs of located sites share a canonical site (a site without coordinates joins one
    # cluster at most, so it never bridges two: see critmin.deposits.linking.clusters)
    located = [r for r in linked if sites[(r["source_a"], r["record_id_a"])]["lon"] is not None
               and sites[(r["source_b"], r["record_id_b"])]["lon"] is not None]
    assert located
    for r in located:
        assert _cluster(sites[(r["source_a"], r["record_id_a"])]) == _cluster(sites[(r["source_b"], r["record_id_b"])])
    # a threshold of 1.0 links nothing but the same candidate pairs are scored
    out2 = tmp_path / "pairs_strict.csv"
    strict = as_json(migrated("deposits", "link", "--output", out2, "--threshold", "1.0", "--json"))
    assert strict["candidate_pairs"] == summary["candidate_pairs"] and strict["linked_pairs"] == 0


@pytest.fixture
def demo_and_usmin(migrated: Invoke, data_dir: Path, tmp_path: Path) -> tuple[Invoke, Path]:
    usmin = tmp_path / "usmin"
    shutil.copytree(data_dir / "deposits" / "usmin-lithium", usmin)
    migrated("demo", "load")
    migrated("deposits", "import", usmin, "--format", "usmin")
    return migrated, usmin


def test_decisions_override_and_survive_relink_and_reimport(demo_and_usmin: tuple[Invoke, Path],
                                                            tmp_path: Path) -> None:
    cli, usmin = demo_and_usmin
    out = tmp_path / "pairs.csv"
    cli("deposits", "link", "--output", out)
    rows = _pairs(out)
    cross = [r for r in rows if r["source_a"] != r["source_b"]]
    # reject the model's most confident cross-source link, confirm its most probable non-link
    reject = max((r for r in cross if r["same"] == "1"), key=lambda r: float(r["probability"]))
    confirm = max((r for r in cross if r["same"] == "0"), key=lambda r: float(r["probability"]))
    ra = (reject["source_a"], reject["record_id_a"])
    rb = (reject["source_b"], reject["record_id_b"])
    ca = (confirm["source_a"], confirm["record_id_a"])
    cb = (confirm["source_b"], confirm["record_id_b"])
    sites = _sites(cli)
    assert _cluster(sites[ra]) == _cluster(sites[rb])
    assert _cluster(sites[ca]) != _cluster(sites[cb])

    d = as_json(cli("deposits", "decide", *rb, *ra, "--different", "--curator", "gsi:qa", "--note", "two deposits",
                    "--json"))
    assert (d["source_a"], d["record_id_a"], d["source_b"], d["record_id_b"]) == (*ra, *rb)  # canonical order
    assert d["same"] is False and d["curator"] == "gsi:qa"
    cli("deposits", "decide", *ca, *cb, "--same", "--curator", "usgs:qa")

    def check(pairs_csv: Path) -> None:
        summary_rows = {((r["source_a"], r["record_id_a"]), (r["source_b"], r["record_id_b"])): r
                        for r in _pairs(pairs_csv)}
        assert summary_rows[(ra, rb)]["same"] == "0"
        assert summary_rows[(ca, cb)]["same"] == "1"
        s = _sites(cli)
        assert _cluster(s[ra]) != _cluster(s[rb])
        assert _cluster(s[ca]) == _cluster(s[cb])

    out2 = tmp_path / "pairs2.csv"
    summary = as_json(cli("deposits", "link", "--output", out2, "--json"))
    assert summary["decisions_applied"] == 2 and summary["decisions_ignored"] == 0
    check(out2)

    # re-import a changed USMIN release: the dataset is replaced, the decisions still hold
    site_csv = usmin / "Site.csv"
    text = site_csv.read_text(encoding="utf-8")
    site_csv.write_text(text.replace("Smackover-Lanxess,Lanxess Property", "Smackover-Lanxess,Lanxess Property; "
                                     "Lanxess South Plant", 1), encoding="utf-8")
    assert site_csv.read_text(encoding="utf-8") != text
    res = as_json(cli("deposits", "import", usmin, "--format", "usmin", "--json"))
    assert res["datasets"][0]["action"] == "replaced"
    out3 = tmp_path / "pairs3.csv"
    cli("deposits", "link", "--output", out3)
    check(out3)

    # deciding again replaces the earlier decision instead of adding one
    cli("deposits", "decide", *ra, *rb, "--same", "--curator", "gsi:qa2")
    out4 = tmp_path / "pairs4.csv"
    assert as_json(cli("deposits", "link", "--output", out4, "--json"))["decisions_applied"] == 2
    s = _sites(cli)
    assert _cluster(s[ra]) == _cluster(s[rb])


def test_decide_on_unknown_record_exits_1(demo_and_usmin: tuple[Invoke, Path]) -> None:
    cli, _ = demo_and_usmin
    res = cli("deposits", "decide", "usmin", "AR00002", "usmin", "ZZ99999", "--same", "--curator", "x", ok=False)
    assert res.exit_code == 1 and "ZZ99999" in res.stderr


def test_canonical_keeps_every_member(demo_and_usmin: tuple[Invoke, Path]) -> None:
    cli, _ = demo_and_usmin
    cli("deposits", "link")
    sites = _sites(cli)
    clusters: dict[int, set[tuple[str, str]]] = {}
    for key, it in sites.items():
        clusters.setdefault(_cluster(it), set()).add(key)
    multi = {c: m for c, m in clusters.items() if len(m) > 1}
    assert multi, "demo + USMIN must produce at least one multi-record canonical site"
    # Bessemer City (USMIN NC00003) is the demo's us-bessemer-city
    assert _cluster(sites[("usmin", "NC00003")]) == _cluster(sites[("critmin-demo", "us-bessemer-city")])
    for cid, members in multi.items():
        any_member = sites[sorted(members)[-1]]["id"]
        c = as_json(cli("deposits", "canonical", str(any_member), "--json"))
        assert c["canonical_id"] == cid
        assert {(m["source"], m["record_id"]) for m in c["members"]} == members
        assert c["n_records"] == len(members)
        assert c["name"] and c["commodities"]
    # a singleton is its own canonical site
    single = next(m for c, m in clusters.items() if len(m) == 1)
    (key,) = single
    c = as_json(cli("deposits", "canonical", str(sites[key]["id"]), "--json"))
    assert c["canonical_id"] == sites[key]["id"] and [(m["source"], m["record_id"]) for m in c["members"]] == [key]
