"""Country normalisation to ISO 3166-1 alpha-3 (reference table: ISO 3166-1 via iso-codes)."""

from __future__ import annotations

import pytest

from critmin.deposits.countries import country_name, normalise_country
from critmin.deposits.readers.base import normalise_countries
from critmin.deposits.schema import SiteRecord


@pytest.mark.parametrize(("text", "iso3"), [
    ("United States", "USA"), ("USA", "USA"), ("US", "USA"), ("U.S.A.", "USA"), ("India", "IND"), ("ind", "IND"),
    ("भारत", "IND"), ("Malawi", "MWI"), ("Tanzania", "TZA"), ("United Republic of Tanzania", "TZA"),
    ("Congo (Kinshasa)", "COD"), ("DRC", "COD"), ("Côte d’Ivoire", "CIV"), ("Bolivia", "BOL"),
    ("Russian Federation", "RUS"), ("Greenland", "GRL"), ("Viet Nam", "VNM"),
])
def test_known_names(text: str, iso3: str) -> None:
    assert normalise_country(text) == iso3


def test_unknown_is_none() -> None:
    assert normalise_country("Atlantis") is None and normalise_country("") is None and normalise_country(None) is None
    assert country_name("IND") == "India"


def test_reader_results_store_iso3_and_keep_the_original() -> None:
    sites = [SiteRecord("s", "1", country="United States"), SiteRecord("s", "2", country="Atlantis"),
             SiteRecord("s", "3", country="IND")]
    normalise_countries(sites)
    assert [s.country for s in sites] == ["USA", "Atlantis", "IND"]
    assert sites[0].attributes["country_observed"] == "United States" and "country_observed" not in sites[2].attributes
