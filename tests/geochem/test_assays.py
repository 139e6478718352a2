"""Reading assay files: units, censoring codes, detection limits, bad input. Real data: the Geoscience
Australia QAQC example Dataset.xlsx (Apache-2.0; eCat 147731, doi:10.26186/147731) in ../shared/data/geochem."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from critmin.errors import InputError
from critmin.geochem.assays import read_assays
from critmin.geochem.oxides import oxide_factor


def write(tmp_path: Path, text: str, name: str = "a.csv") -> Path:
    p = tmp_path / name
    p.write_text(text)
    return p


def test_suffix_units_and_censoring(tmp_path: Path) -> None:
    p = write(tmp_path, "Sample,La_ppm,CeO2_pct,Au (ppb),Lith\n"
                        "S1,<0.05,1.5,>10000,granite\n"
                        "S2,-0.5,n.a.,12,\n"
                        "S3,12.5,-,< 2,basalt\n"
                        "S4,,0.01,ND,x\n")
    t = read_assays(p)
    assert t.units == {"La_ppm": "ppm", "CeO2_pct": "pct", "Au (ppb)": "ppb"}
    assert t.analytes == {"La_ppm": "La", "CeO2_pct": "CeO2", "Au (ppb)": "Au"}
    assert list(t.passthrough.columns) == ["Sample", "Lith"]
    assert list(t.censored["La_ppm"].astype(str)) == ["<", "<", "", "missing"]
    assert t.detection_limit["La_ppm"].tolist()[:2] == [0.05, 0.5]
    assert np.isnan(t.data.loc[0, "La_ppm"]) and t.data.loc[2, "La_ppm"] == 12.5
    assert list(t.censored["Au (ppb)"].astype(str)) == [">", "", "<", "<"]
    assert t.data.loc[0, "Au (ppb)"] == 10000 and t.detection_limit.loc[2, "Au (ppb)"] == 2
    ppm = t.to_ppm()
    assert list(ppm.columns) == ["La", "Ce", "Au"]
    assert ppm.loc[0, "La"] == pytest.approx(0.025)  # DL/2
    assert ppm.loc[0, "Ce"] == pytest.approx(1.5e4 * oxide_factor("CeO2", "Ce"))
    assert ppm.loc[1, "Au"] == pytest.approx(0.012)
    assert t.to_ppm(below="sqrt2").loc[0, "La"] == pytest.approx(0.05 / np.sqrt(2))
    assert np.isnan(t.to_ppm().loc[3, "Au"])  # "ND": below an unstated limit stays NaN (and flagged '<')
    assert t.to_dict()["censoring"]["La_ppm"] == {"": 1, "<": 2, ">": 0, "missing": 1}


def test_units_row_and_units_argument(tmp_path: Path) -> None:
    p = write(tmp_path, "id,La,Nd,SiO2\n,ppm,ppb,%\nA,10,2000,70.1\n")
    t = read_assays(p)
    assert t.units == {"La": "ppm", "Nd": "ppb", "SiO2": "pct"} and len(t.data) == 1
    assert t.to_ppm().loc[0, "Nd"] == pytest.approx(2.0)
    q = write(tmp_path, "id,La,Nd\nA,10,20\n", "b.csv")
    with pytest.raises(InputError, match=r"units cannot be determined for columns \['La', 'Nd'\]"):
        read_assays(q)
    assert read_assays(q, units="ppm").units == {"La": "ppm", "Nd": "ppm"}
    assert read_assays(q, units={"La": "ppb", "Nd": "ppm"}).units == {"La": "ppb", "Nd": "ppm"}
    with pytest.raises(InputError, match="unknown unit"):
        read_assays(q, units="furlongs")


def test_qualifier_columns(tmp_path: Path) -> None:
    p = write(tmp_path, "id,La_ppm,La_ppm_Q,Ce_ppm,Ce_Q\nA,0.5,L,30,\nB,12,,9000,G\nC,3,B,4,H\n")
    t = read_assays(p)
    assert list(t.data.columns) == ["La_ppm", "Ce_ppm"] and list(t.passthrough.columns) == ["id"]
    assert list(t.censored["La_ppm"].astype(str)) == ["<", "", "missing"]
    assert t.detection_limit.loc[0, "La_ppm"] == 0.5 and np.isnan(t.data.loc[0, "La_ppm"])
    assert list(t.censored["Ce_ppm"].astype(str)) == ["", ">", "missing"]
    bad = write(tmp_path, "id,La_ppm,La_ppm_Q\nA,1,Z\n", "q.csv")
    with pytest.raises(InputError, match="unknown qualifier 'Z'"):
        read_assays(bad)


@pytest.mark.parametrize(("text", "kwargs", "match", "row", "column"), [
    ("id,La_ppm\nA,1\nB,abc\n", {}, "text 'abc'", 2, "La_ppm"),
    ("id,La_ppm\nA,1\nB,-3\n", {"negative_as_censored": False}, "negative value", 2, "La_ppm"),
    ("id,La_ppm,La_ppm \nA,1,2\n", {}, "duplicated column names", None, None),
])
def test_bad_input(tmp_path: Path, text: str, kwargs: dict, match: str, row: int | None, column: str | None) -> None:
    with pytest.raises(InputError, match=match) as exc:
        read_assays(write(tmp_path, text), **kwargs)
    assert exc.value.row == row and exc.value.column == column and exc.value.file is not None


def test_same_element_twice_refused_at_conversion(tmp_path: Path) -> None:
    t = read_assays(write(tmp_path, "id,La_ppm,La2O3_pct\nA,1,0.1\n"))
    with pytest.raises(InputError, match="both give La"):
        t.to_ppm()


def test_all_censored_column_is_flagged(tmp_path: Path) -> None:
    t = read_assays(write(tmp_path, "id,Lu_ppm,La_ppm\nA,<1,3\nB,<1,4\n"))
    assert t.all_censored == ["Lu_ppm"] and any("Lu_ppm" in w for w in t.warnings)


def test_ga_dataset(data_dir: Path) -> None:
    path = data_dir / "geochem" / "ga-qaqc" / "Dataset.xlsx"
    with pytest.raises(InputError, match="units cannot be determined") as exc:
        read_assays(path)
    assert "'La'" in str(exc.value) and "'Ce'" in str(exc.value)
    t = read_assays(path, units="ppm")
    # 1,576 rows x 43 elements; trailing spaces in 'Co ', 'Cs ', 'Ce ' trimmed
    assert t.data.shape == (1576, 43) and "Ce" in t.data.columns and "Co" in t.data.columns
    assert list(t.passthrough.columns) == ["Time", "SampleNo", "SampleID"]
    lu = t.censored["Lu"].astype(str)
    assert (lu == "<").sum() == 1574 and (lu == "").sum() == 2 and set(t.detection_limit["Lu"].dropna()) == {1.0}
    assert (t.censored["Be"].astype(str) == "<").sum() == 1379
    assert t.data.loc[0, "La"] == 14.9 and t.passthrough.loc[0, "SampleNo"] == "WG-1"  # first row: WG-1 CRM
    assert (t.passthrough["SampleNo"] == "Till-1").sum() == 182


def test_csv_fast_path_matches_text_parsing(tmp_path: Path) -> None:
    """Plain-number columns are parsed by pandas' C reader, text-holding columns cell by cell: the result is
    the same as parsing every cell as text (ids keep leading zeros; blanks are missing, not zero)."""
    f = tmp_path / "mixed.csv"
    f.write_text("sample_id,La_ppm,Ce_ppm,Lu_ppm\n"
                 "007,1.5,<0.05,0.12\n"
                 "008,,2.25,n.a.\n"
                 "009,3,>10000,0.125\n", encoding="utf-8")
    t = read_assays(f)
    assert t.passthrough["sample_id"].tolist() == ["007", "008", "009"]
    assert t.data["La_ppm"].tolist()[0] == 1.5 and np.isnan(t.data["La_ppm"].iloc[1])
    assert t.censored["La_ppm"].astype(str).tolist() == ["", "missing", ""]
    assert t.censored["Ce_ppm"].astype(str).tolist() == ["<", "", ">"]
    assert t.detection_limit["Ce_ppm"].iloc[0] == 0.05 and t.data["Ce_ppm"].iloc[2] == 10000.0
    assert t.censored["Lu_ppm"].astype(str).tolist() == ["", "missing", ""] and t.data["Lu_ppm"].iloc[2] == 0.125
    assert t.censor_codes().tolist() == [[0, 1, 0], [3, 0, 3], [0, 2, 0]]
    ppm = t.to_ppm()
    assert ppm["Ce"].iloc[0] == 0.025  # DL/2
