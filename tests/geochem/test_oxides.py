"""Element ↔ oxide factors computed from pinned masses; values from ../shared/notes/geochem.md §3.1
(periodictable 2.1.0 / pyrolite oxide_conversion, IUPAC masses, O = 15.999)."""

from __future__ import annotations

import pandas as pd
import pytest

from critmin.errors import InputError
from critmin.geochem.oxides import element_to_oxide, oxide_factor, oxide_set, oxide_set_names

FACTORS = [
    ("La", "La2O3", 1.1728, 0.8527), ("Ce", "CeO2", 1.2284, 0.8141), ("Ce", "Ce2O3", 1.1713, 0.8538),
    ("Pr", "Pr6O11", 1.2082, 0.8277), ("Pr", "Pr2O3", 1.1703, 0.8545), ("Nd", "Nd2O3", 1.1664, 0.8574),
    ("Sm", "Sm2O3", 1.1596, 0.8624), ("Eu", "Eu2O3", 1.1579, 0.8636), ("Gd", "Gd2O3", 1.1526, 0.8676),
    ("Tb", "Tb4O7", 1.1762, 0.8502), ("Tb", "Tb2O3", 1.1510, 0.8688), ("Dy", "Dy2O3", 1.1477, 0.8713),
    ("Ho", "Ho2O3", 1.1455, 0.8730), ("Er", "Er2O3", 1.1435, 0.8745), ("Tm", "Tm2O3", 1.1421, 0.8756),
    ("Yb", "Yb2O3", 1.1387, 0.8782), ("Lu", "Lu2O3", 1.1372, 0.8794), ("Y", "Y2O3", 1.2699, 0.7874),
    ("Sc", "Sc2O3", 1.5338, 0.6520), ("Th", "ThO2", 1.1379, 0.8788), ("U", "U3O8", 1.1792, 0.8480),
    ("Nb", "Nb2O5", 1.4305, 0.6990), ("Ta", "Ta2O5", 1.2210, 0.8190), ("Li", "Li2O", 2.1527, 0.4645),
    ("Zr", "ZrO2", 1.3508, 0.7403), ("Hf", "HfO2", 1.1793, 0.8480), ("Ga", "Ga2O3", 1.3442, 0.7439),
    ("V", "V2O5", 1.7852, 0.5602), ("Co", "CoO", 1.2715, 0.7865), ("Ni", "NiO", 1.2726, 0.7858),
    ("W", "WO3", 1.2611, 0.7930), ("Sn", "SnO2", 1.2695, 0.7877), ("P", "P2O5", 2.2913, 0.4364),
    ("Be", "BeO", 2.7753, 0.3603),
]


@pytest.mark.parametrize(("el", "ox", "factor", "inverse"), FACTORS)
def test_factor_table(el: str, ox: str, factor: float, inverse: float) -> None:
    assert round(oxide_factor(el, ox), 4) == factor
    assert round(oxide_factor(ox, el), 4) == inverse


def test_factor_is_computed_not_hard_coded() -> None:
    # La -> La2O3 = M(La2O3) / (2 M(La)), IUPAC 2021 masses La 138.90547, O 15.999
    assert oxide_factor("La", "La2O3") == pytest.approx((2 * 138.90547 + 3 * 15.999) / (2 * 138.90547), rel=1e-15)
    # oxide -> oxide of the same cation
    assert oxide_factor("CeO2", "Ce2O3") == pytest.approx(oxide_factor("CeO2", "Ce") * oxide_factor("Ce", "Ce2O3"))
    with pytest.raises(InputError, match="different elements"):
        oxide_factor("La", "CeO2")


def test_named_sets() -> None:
    assert {"industry", "sesquioxide", "common"} <= set(oxide_set_names())
    ind, ses = oxide_set("industry"), oxide_set("sesquioxide")
    assert (ind["Ce"], ind["Pr"], ind["Tb"], ind["Y"], ind["Sc"]) == ("CeO2", "Pr6O11", "Tb4O7", "Y2O3", "Sc2O3")
    assert all(v.endswith("2O3") for v in ses.values())
    with pytest.raises(InputError, match="unknown oxide set"):
        oxide_set("chinese")
    ox = element_to_oxide(pd.DataFrame({"Ce": [21000.0], "id": ["x"]}), "industry")
    assert list(ox.columns) == ["CeO2"] and ox.iloc[0, 0] == pytest.approx(21000 * oxide_factor("Ce", "CeO2"))
