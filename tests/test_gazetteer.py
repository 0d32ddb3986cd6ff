"""The offline gazetteer index and its geopy face."""

from __future__ import annotations

from pathlib import Path

import pytest
from geopy.geocoders.base import Geocoder

from mapper.geo.gazetteer import Gazetteer, OfflineGeocoder, build_index, normalize_name


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.open()


def test_names_are_matched_without_case_or_accents() -> None:
    assert normalize_name("Bogotá") == normalize_name("BOGOTA") == "bogota"
    assert normalize_name("Côte d’Ivoire") == "cote d'ivoire"


def test_countries_demonyms_and_short_forms(gazetteer: Gazetteer) -> None:
    assert gazetteer.lookup("Colombia")[0].kind == "country"
    (colombian,) = gazetteer.matches("Colombian")
    assert colombian.demonym and colombian.place.id == "cc:CO"
    assert gazetteer.lookup("U.S.")[0].id == "cc:US"
    assert gazetteer.lookup("UK")[0].id == "cc:GB"


def test_towns_carry_their_country(gazetteer: Gazetteer) -> None:
    caracas = gazetteer.lookup("Caracas")[0]
    assert (caracas.kind, caracas.country, caracas.country_code) == ("city", "Venezuela", "VE")
    assert caracas.population > 1_000_000
    assert gazetteer.get(caracas.id) == caracas


def test_unknown_names_have_no_candidates(gazetteer: Gazetteer) -> None:
    assert gazetteer.lookup("Qwxzzy") == []
    assert not gazetteer.has_name("Qwxzzy")


def test_offline_geocoder_is_a_geopy_geocoder(gazetteer: Gazetteer) -> None:
    geocoder = OfflineGeocoder(gazetteer)
    assert isinstance(geocoder, Geocoder)
    colombia = geocoder.geocode("Colombia")
    assert colombia is not None and colombia.raw["id"] == "cc:CO"  # not the Cuban town
    everything = geocoder.geocode("Colombia", exactly_one=False)
    assert isinstance(everything, list) and len(everything) > 1
    assert geocoder.geocode("Qwxzzy") is None


def test_index_is_built_atomically(tmp_path: Path) -> None:
    target = tmp_path / "index.sqlite"
    build_index(target)
    assert target.exists()
    assert not list(tmp_path.glob("*.partial"))
    assert Gazetteer.open(target).place_count() > 200_000
