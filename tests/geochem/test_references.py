"""Named reference compositions: names, citations, units (ppm whatever the published unit).

Values checked here are typed from the publications (see SOURCES.toml [geochem_references]):
Palme & O'Neill (2014) CI, McDonough & Sun (1995) CI (REE in ppb), O'Neill (2016), Rudnick & Gao (2003).
"""

from __future__ import annotations

import pytest

from critmin.errors import InputError
from critmin.geochem.elements import REE
from critmin.geochem.references import get_reference, list_references, reference_info

NAMES = ["chondrite-palme-oneill-2014", "chondrite-mcdonough-sun-1995", "chondrite-sun-mcdonough-1989",
         "chondrite-oneill-2016", "primitive-mantle-mcdonough-sun-1995", "ucc-rudnick-gao-2003",
         "ucc-taylor-mclennan-1985", "paas-taylor-mclennan-1985"]


def test_names_and_metadata() -> None:
    infos = list_references()
    assert [i.name for i in infos] == NAMES
    assert infos[0].name == "chondrite-palme-oneill-2014"  # the default comes first
    for i in infos:
        assert i.citation and i.kind and i.units
        assert i.doi or "Blackwell" in i.citation  # Taylor & McLennan 1985 is a book without DOI
    assert reference_info("chondrite-oneill-2016").doi == "10.1093/petrology/egw047"


@pytest.mark.parametrize("name", NAMES)
def test_every_reference_has_all_ree_in_ppm(name: str) -> None:
    ref = get_reference(name)
    assert all(e in ref.index for e in REE)
    # chondrite La ~ 0.24 ppm, mantle ~ 0.65 ppm, crust/shale tens of ppm: no ppb table leaks through
    assert 0.1 < ref["La"] < 50
    if name != "chondrite-oneill-2016":
        assert "Y" in ref.index


def test_ppb_tables_converted_at_load() -> None:
    ms95 = get_reference("chondrite-mcdonough-sun-1995")
    assert ms95["La"] == pytest.approx(0.237)  # published as 237 ppb
    assert ms95["Y"] == pytest.approx(1.57)  # published in ppm
    pm = get_reference("primitive-mantle-mcdonough-sun-1995")
    assert pm["Lu"] == pytest.approx(0.0675) and pm["Th"] == pytest.approx(0.0795)
    assert get_reference("chondrite-palme-oneill-2014")["Mg"] == pytest.approx(95400)  # 9.54 wt%
    assert get_reference("ucc-rudnick-gao-2003")["Yb"] == 1.96


def test_aliases_and_unknown_names() -> None:
    assert get_reference("Chondrite_PON").name == "chondrite-palme-oneill-2014"
    assert get_reference("Chondrite_MS95")["La"] == pytest.approx(0.237)
    with pytest.raises(InputError, match="chondrite-mcdonough-sun-1995"):
        get_reference("Chondrite_McDonough1995")
    a = get_reference()
    a["La"] = -1
    assert get_reference()["La"] == 0.2414  # callers get copies
