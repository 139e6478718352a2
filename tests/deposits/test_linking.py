"""Record linking, evaluated on MinMod's expert same-as labels (../shared/data/deposits/minmod-labels, MIT)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from critmin.deposits.linking import (
    PAIR_COLUMNS,
    LinkModel,
    candidate_pairs,
    cluster_pairs,
    link,
    normalise_name,
    sites_frame,
)
from critmin.deposits.linking.evaluate import (
    evaluate_link_pairs,
    load_same_as,
    site_keys,
    train_default_model,
    training_set,
)
from critmin.deposits.readers.minmod import read_minmod

LABELS = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "deposits" / "minmod-labels"
needs_data = pytest.mark.skipif(not LABELS.is_dir(), reason="shared MinMod label data not present")


@pytest.fixture(scope="module")
def label_sites() -> pd.DataFrame:
    return sites_frame(read_minmod(sorted((LABELS / "label-sites").glob("*.json"))).sites)


@pytest.fixture(scope="module")
def labels():
    return load_same_as(sorted(LABELS.glob("*/same_as.csv")))


def test_normalise_name_drops_generic_words():
    assert normalise_name("Searles Lake Mine") == "searles lake"
    assert normalise_name("Costerfield Operations") == "costerfield"
    assert normalise_name("Unnamed prospect") == ""
    assert normalise_name("Acme (Graphite Co.) mine") == "acme graphite"


@needs_data
def test_label_set_matches_readme(label_sites, labels):
    # label-sites/README.md: 92 distinct pairs with both sides present, 81 same / 11 different
    present = set(site_keys(label_sites))
    both = {k: v for k, v in labels.items() if all(x in present for x in k)}
    assert len(both) == 92 and sum(both.values()) == 81


@needs_data
def test_whole_pipeline_meets_acceptance(label_sites, labels):
    """Read label-site JSON -> site table -> link (bundled model) -> pair precision/recall."""
    res = link(label_sites)
    assert list(res.pairs.columns[: len(PAIR_COLUMNS)]) == list(PAIR_COLUMNS)
    # canonical order and one row per pair
    a = list(zip(res.pairs.source_a, res.pairs.record_id_a, strict=True))
    b = list(zip(res.pairs.source_b, res.pairs.record_id_b, strict=True))
    assert all(x < y for x, y in zip(a, b, strict=True))
    assert len(set(zip(a, b, strict=True))) == len(res.pairs)
    s = evaluate_link_pairs(res.pairs, labels, set(site_keys(label_sites)))
    assert s.n_positive == 81 and s.n_negative == 11
    assert s.baseline_precision == pytest.approx(81 / 92)  # the all-"same" baseline, 0.88
    assert s.precision >= 0.95 and s.recall >= 0.95
    assert s.f1 > s.baseline_f1 and s.precision > s.baseline_precision + 0.05


@needs_data
def test_every_labelled_positive_but_one_is_a_candidate(label_sites, labels):
    ts = training_set(label_sites, labels)
    # "Number One Mine" (name only) vs the SRI copy of MRDS 10135964 (commodities only) share no field
    assert ts.missed_positives == 1
    assert ts.n_positive == 81


@needs_data
def test_threshold_and_weights_come_from_grouped_cv(label_sites, labels):
    """The bundled coefficients/threshold are what train_default_model (grouped 5-fold CV) gives."""
    model, cv = train_default_model(label_sites, labels)
    assert cv.threshold == pytest.approx(LinkModel.default().threshold)
    for f, c in LinkModel.default().coefficients.items():
        assert model.coefficients[f] == pytest.approx(c, abs=1e-5)
    assert model.intercept == pytest.approx(LinkModel.default().intercept, abs=1e-5)
    # out-of-fold scores: no pair is scored by a model that saw its connected component
    assert cv.precision >= 0.95 and cv.recall >= 0.95


@needs_data
def test_curator_rejection_splits_cluster_and_confirmation_links(label_sites):
    res = link(label_sites)
    row = res.pairs[(res.pairs.same == 1) & (res.pairs.name_sim == 1.0) & (res.pairs.has_locs == 1)].iloc[0]
    ka, kb = row.site_key_a, row.site_key_b
    assert res.clusters[ka] == res.clusters[kb]
    rej = link(label_sites, decisions=[(row.source_a, row.record_id_a, row.source_b, row.record_id_b, False)])
    r = rej.pairs[(rej.pairs.site_key_a == ka) & (rej.pairs.site_key_b == kb)].iloc[0]
    assert r.same == 0 and r.decision == "rejected"
    assert rej.clusters[ka] != rej.clusters[kb]
    # confirm a pair that is not even a candidate (Number One Mine vs MRDS 10135964)
    df = label_sites
    one = df[df.name == "Number One Mine"].iloc[0]
    other = df[df.record_id == "10135964"].iloc[0]
    conf = link(df, decisions=[(one.source, one.record_id, other.source, other.record_id, True)])
    assert conf.clusters[one.site_key] == conf.clusters[other.site_key]
    canon = conf.canonical(df)
    members = canon.loc[canon.cluster == conf.clusters[one.site_key], "members"].iloc[0]
    assert (one.source, one.record_id) in members and (other.source, other.record_id) in members


def test_cluster_pairs_respects_cannot_link():
    # chain 0-1-2 with a curator rejection of (0, 2): the weaker link (1, 2) is left out
    lab = cluster_pairs(3, [(0, 1, 0.9), (1, 2, 0.6)], cannot_link=[(0, 2)])
    assert lab[0] == lab[1] != lab[2]
    lab = cluster_pairs(3, [(0, 1, 0.4), (1, 2, 0.6)], cannot_link=[(0, 2)])
    assert lab[1] == lab[2] != lab[0]


def test_spatial_blocking_uses_location_accuracy():
    df = pd.DataFrame({
        "site_key": [1, 2, 3], "source": ["a", "b", "c"], "record_id": ["1", "1", "1"],
        "name": [None, None, None], "aliases": [[], [], []],
        "lon": [144.79, 145.0, 144.79], "lat": [-36.87, -36.5, -36.87],
        "country": [None] * 3, "state": [None] * 3, "commodities": [[], [], []], "deposit_types": [[], [], []],
        "location_accuracy_m": [5.0, 55_660.0, 5.0],
    })
    pairs = set(map(tuple, candidate_pairs(df)[["a", "b"]].to_numpy()))
    assert (0, 2) in pairs  # same point
    assert (0, 1) in pairs  # ~45 km apart, but site 2 is written to whole degrees (±56 km)
    tight = df.assign(location_accuracy_m=[5.0, 5.0, 5.0])
    assert (0, 1) not in set(map(tuple, candidate_pairs(tight)[["a", "b"]].to_numpy()))


def test_link_is_fast_and_deterministic_on_4000_sites():
    """All UMN MinMod sites (4,012) link reproducibly (timing is not asserted)."""
    umn = LABELS.parent / "minmod" / "mineral-sites" / "umn"
    if not umn.is_dir():
        pytest.skip("shared MinMod data not present")
    df = sites_frame(read_minmod(sorted(umn.glob("*/*.json"))).sites)
    r1, r2 = link(df), link(df)
    pd.testing.assert_frame_equal(r1.pairs, r2.pairs)
    assert np.array_equal(r1.clusters.to_numpy(), r2.clusters.to_numpy())
    # Mountain Pass: MRDS California records 42704 and 30115 link to each other
    mp = df[(df.source == "https://doi.org/10.5066/P9HTERGK") & df.record_id.isin(["42704", "30115"])]
    keys = mp.site_key.tolist()
    assert r1.clusters[keys[0]] == r1.clusters[keys[1]]


def test_distinct_sources_never_link_their_own_records() -> None:
    """Curated compilations (e.g. the bundled demo) list distinct sites: no automatic link inside them,
    not even through a record of another source; a curator can still confirm one."""
    import pandas as pd

    from critmin.deposits.linking import link

    df = pd.DataFrame({
        "site_key": [0, 1, 2], "source": ["curated", "curated", "usgs"], "record_id": ["a", "b", "x"],
        "name": ["Clayton Valley South", "Clayton Valley North", "Clayton Valley"],
        "aliases": [[], [], []], "lon": [-117.60, -117.61, -117.605], "lat": [37.75, 37.76, 37.755],
        "country": ["USA"] * 3, "state": ["Nevada"] * 3, "commodities": [["Li"]] * 3,
        "deposit_types": [[]] * 3, "location_accuracy_m": [1000.0] * 3,
    })
    free = link(df)
    assert free.clusters.nunique() == 1  # without the declaration all three merge
    kept = link(df, distinct_sources={"curated"})
    assert kept.clusters[0] != kept.clusters[1]
    inside = kept.pairs[(kept.pairs.source_a == "curated") & (kept.pairs.source_b == "curated")]
    assert list(inside["same"]) == [0] and list(inside["decision"]) == ["distinct_source"]
    confirmed = link(df, distinct_sources={"curated"}, decisions=[("curated", "a", "curated", "b", True)])
    assert confirmed.clusters[0] == confirmed.clusters[1]
