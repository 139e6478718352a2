"""Reading and validating expert estimates (MapMark4 `nDepEst` CSV: Name, Weight, N90, N50, N10).

Reference: ExampleDepEst1 as printed in the MapMark4 user's guide (Ellefsen 2017, USGS TM 7-C14; from Zientek
et al. 2014, SIR 2010-5090-T, Table H1): person1 weight 0.5 (3, 10, 25), person6 weight 3 (3, 10, 20),
person10 weight 0.01 (10, 20, 60).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from critmin.assessment.estimates import DepositEstimates, read_estimates
from critmin.errors import InputError

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "assessment" / "mapmark4"
EST1 = DATA / "ExampleDepEst1_southern_carbonate_ecaille_tract.csv"


def test_read_user_guide_table() -> None:
    if not EST1.exists():
        pytest.skip("shared data not found")
    est = read_estimates(EST1)
    assert len(est) == 10
    assert est.names[0] == "person1" and est.weights[0] == 0.5
    assert (int(est.n90[5]), int(est.n50[5]), int(est.n10[5])) == (3, 10, 20) and est.weights[5] == 3.0
    assert est.weights[9] == 0.01 and int(est.n10[9]) == 60
    assert len(est.sha256) == 64
    frame = est.to_frame()
    assert list(frame.columns) == ["Name", "Weight", "N90", "N50", "N10"]
    m = est.weighted_means()
    assert m["N90"] == pytest.approx((0.5 * 3 + 2 + 5 + 2 + 1 + 9 + 5 + 3 + 1 + 0.1) / 10.51)


def _write(tmp_path: Path, body: str) -> Path:
    f = tmp_path / "est.csv"
    f.write_text("Name,Weight,N90,N50,N10\n" + body)
    return f


@pytest.mark.parametrize(
    ("body", "match"),
    [
        ("a,1,1,2,3\nb,1,5,2,8\n", r"row 2, column 'N90': .*N90 > N50"),
        ("a,1,1,2,3\nb,1,1,9,8\n", r"row 2, column 'N50': .*N50 > N10"),
        ("a,1,1,2,3\nb,0,1,2,3\n", r"row 2, column 'Weight': .*weight 0"),
        ("a,-1,1,2,3\n", r"row 1, column 'Weight'"),
        ("a,1,1.5,2,3\n", r"row 1, column 'N90': .*whole numbers"),
        ("a,1,1,2,\n", r"row 1, column 'N10': N10 is missing"),
        ("a,1,1,two,3\n", r"row 1, column 'N50': N50 must be a number"),
        ("a,1,-1,2,3\n", r"row 1, column 'N90'"),
    ],
)
def test_bad_rows_are_named(tmp_path: Path, body: str, match: str) -> None:
    with pytest.raises(InputError, match=match):
        read_estimates(_write(tmp_path, body))


def test_zero_weights_can_be_dropped_like_mapmark4(tmp_path: Path) -> None:
    f = _write(tmp_path, "a,1,1,2,3\nb,0,1,2,3\nc,2,5,1,8\n")
    with pytest.raises(InputError, match=r"row 3"):  # row numbers stay those of the file after dropping
        read_estimates(f, zero_weights="drop")
    g = _write(tmp_path, "a,1,1,2,3\nb,0,1,2,3\nc,2,2,4,8\n")
    est = read_estimates(g, zero_weights="drop")
    assert est.names == ("a", "c")


def test_columns_are_checked(tmp_path: Path) -> None:
    f = tmp_path / "x.csv"
    f.write_text("Name,Weight,N90,N10\na,1,1,3\n")
    with pytest.raises(InputError, match=r"missing column.*N50"):
        read_estimates(f)
    g = tmp_path / "y.csv"
    g.write_text(' name , weight ,n90,n50,n10\na,1,1,2,3\n')
    assert read_estimates(g).names == ("a",)
    with pytest.raises(InputError, match=r"not found"):
        read_estimates(tmp_path / "missing.csv")


def test_from_rows() -> None:
    est = DepositEstimates.from_rows([("x", 1, 0, 1, 2)])
    assert est.to_dict()["rows"] == [["x", 1.0, 0, 1, 2]]
    with pytest.raises(InputError, match=r"no expert estimates"):
        DepositEstimates.from_rows([])
