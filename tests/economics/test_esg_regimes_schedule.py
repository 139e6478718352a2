"""ESG screen scoring, the fiscal-regime library's citations, and the supply-schedule export (interface with
critmin.supply.diversification.add_supply)."""

from __future__ import annotations

import pytest

from critmin.economics.esg import checklist, screen
from critmin.economics.evaluate import evaluate
from critmin.economics.project import load_project, parse_project
from critmin.economics.regimes import list_regimes
from critmin.economics.supply_schedule import COLUMNS, production_schedule
from critmin.errors import InputError
from tests.economics.conftest import EXAMPLE, PROJECTS


def test_checklist_covers_frameworks() -> None:
    ids = {r["item_id"] for r in checklist()}
    assert {f"IFC-PS{i}" for i in range(1, 9)} <= ids
    assert {"IRMA-1", "IRMA-4", "GISTM", "OECD-RF-ABUSE"} <= ids
    assert sum(r["red_flag"] for r in checklist()) == 6


def test_screen_scoring_and_red_flag_escalation() -> None:
    s = screen({"reviewer": "A. Analyst", "reviewed": "2026-11-26",
                "items": {"IFC-PS1": {"status": "green", "evidence": "ESHIA 2022 to IFC PS"},
                          "IFC-PS5": {"status": "amber", "evidence": "RAP in preparation"}}})
    assert s.score == pytest.approx(3 / 4) and s.rating == "green" and s.assessed == 2
    s = screen({"reviewer": "A", "items": {"IFC-PS1": {"status": "green", "evidence": "x"},
                                           "OECD-RF-TAXES": {"status": "red", "evidence": "EITI gap"}}})
    assert s.rating == "red" and s.red_flags == ["OECD-RF-TAXES"]
    assert screen({}).rating == "not_assessed"


def test_screen_bad_input() -> None:
    with pytest.raises(InputError, match=r"esg\.items\.NOPE"):
        screen({"items": {"NOPE": {"status": "green"}}})
    with pytest.raises(InputError, match="evidence"):
        screen({"reviewer": "A", "items": {"IFC-PS1": {"status": "green"}}})
    with pytest.raises(InputError, match=r"esg\.reviewer"):
        screen({"items": {"IFC-PS1": {"status": "green", "evidence": "x"}}})
    with pytest.raises(InputError, match="status"):
        screen({"reviewer": "A", "items": {"IFC-PS1": {"status": "purple", "evidence": "x"}}})


def test_every_regime_term_is_cited() -> None:
    regs = {r.regime: r for r in list_regimes()}
    for name in ("argentina", "argentina_rigi", "chile_corfo", "malawi", "tanzania", "angola", "mozambique",
                 "uganda", "india_lithium", "india_ree", "usa"):
        assert name in regs
    for r in regs.values():
        for term in r.terms:
            assert r.sources[term].strip(), (r.regime, term)
    m = regs["malawi"].terms
    assert (m["royalty_rate"], m["resource_rent_tax_rate"], m["state_free_carry"]) == (0.05, 0.15, 0.10)
    assert regs["argentina"].terms["royalty_base"] == "pit_head" and regs["argentina"].terms["royalty_rate"] == 0.03
    assert regs["tanzania"].terms["clearing_fee_rate"] == 0.01 and regs["tanzania"].terms["state_free_carry"] == 0.16


def test_schedule_columns_and_offtake_rows() -> None:
    res = evaluate(load_project(PROJECTS / "kangankunde_fs_2024.toml"))
    df = production_schedule(res)
    assert tuple(df.columns) == COLUMNS
    total = df[df["offtake_partner"] == ""]
    assert len(total) == 45 and total["year"].iloc[0] == 2027 and (total["offtake_fraction"] == 1.0).all()
    assert total["quantity"].iloc[0] == pytest.approx(4200) and total["quantity"].iloc[1] == pytest.approx(8400)
    off = df[df["offtake_partner"] == "USA"]
    assert len(off) == 10 and (off["offtake_fraction"] == 0.4).all()
    assert set(df["country"]) == {"MWI"} and set(df["unit"]) == {"t"}


def test_schedule_is_accepted_by_the_supply_module() -> None:
    from critmin.supply.diversification import add_supply

    for name in ("kangankunde_fs_2024.toml", "arizaro_pea_2023.toml"):
        df = production_schedule(evaluate(load_project(PROJECTS / name)))
        add_supply(df)  # raises InputError naming the column if the interface is not met


def test_schedule_needs_country_and_year() -> None:
    with pytest.raises(InputError, match=r"project\.country"):
        production_schedule(evaluate(load_project(EXAMPLE)))
    import tomllib

    d = tomllib.loads(EXAMPLE.read_text())
    d["project"].update(country="ARG", first_year=2030, commodity="lithium", stage="refinery", basis="LCE",
                        product="kg LCE")
    with pytest.raises(InputError, match="tonnes"):
        production_schedule(evaluate(parse_project(d)))
