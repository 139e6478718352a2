"""Normalisation to named references (Palme & O'Neill 2014 values: La 0.2414 ppm, Yb 0.1687 ppm)."""

from __future__ import annotations

import pandas as pd
import pytest

from critmin.errors import InputError
from critmin.geochem.normalise import normalise


def test_divides_by_reference_ppm() -> None:
    df = pd.DataFrame({"id": ["a", "b"], "La": [45.0, 2.414], "Yb": [4.2, 0.1687], "Pm": [1.0, 1.0]})
    out = normalise(df)
    assert list(out.columns) == ["La", "Yb"]
    assert out.loc[0, "La"] == pytest.approx(45 / 0.2414, rel=1e-15)
    assert out.loc[1, "La"] == pytest.approx(10.0) and out.loc[1, "Yb"] == pytest.approx(1.0)
    assert out.attrs["critmin"]["reference"] == "chondrite-palme-oneill-2014"


def test_ppb_reference_cannot_be_misused() -> None:
    df = pd.DataFrame({"La": [0.237]})
    assert normalise(df, "chondrite-mcdonough-sun-1995").iloc[0, 0] == pytest.approx(1.0)


def test_missing_reference_elements() -> None:
    df = pd.DataFrame({"La": [1.0], "Y": [20.0]})
    out = normalise(df, "chondrite-oneill-2016")  # O'Neill (2016) gives no Y
    assert list(out.columns) == ["La"] and out.attrs["critmin"]["not_in_reference"] == ["Y"]
    with pytest.raises(InputError, match="no value for Y"):
        normalise(df, "chondrite-oneill-2016", strict=True)
    with pytest.raises(InputError, match="no element column"):
        normalise(pd.DataFrame({"id": ["x"]}))
