"""A place named in the mention's own sentence says where it is (issue 15).

Conflict reports name a village and the district or governorate it is in ("Hays district
in Hodeidah", "Arbin city in Rural Damascus"); read alone, such names go to a bigger
namesake abroad. Each rule has the sentence that showed the error and a sentence of the
same shape where the rule must not fire.
"""

from __future__ import annotations

import math

import pytest

from mapper.geo.gazetteer import Gazetteer
from mapper.geo.resolve import article_context, resolve_mentions
from mapper.types import Place, PlaceMention, Sentence


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.open()


def resolve(gazetteer: Gazetteer, text: str, *names: str) -> dict[str, Place]:
    """Surface → place, for the first occurrence of each name as a mention."""
    mentions = []
    for name in names:
        start = text.index(name)
        demonym = name[0].isupper() and name.endswith(("ese", "ian", "i"))
        mentions.append(PlaceMention(start, start + len(name), name, "ner", demonym=demonym))
    mentions.sort(key=lambda m: m.start)
    resolved = resolve_mentions(text, mentions, [Sentence(0, len(text))], gazetteer)
    return {r.mention.surface: r.place for r in resolved}


def km(a: Place, lat: float, lon: float) -> float:
    p1, p2 = math.radians(a.lat), math.radians(lat)
    dp, dl = p2 - p1, math.radians(lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


# -- "X district in Y": Y's country pulls X's candidates ---------------------------------


def test_a_district_in_a_governorate_is_the_one_there(gazetteer: Gazetteer) -> None:
    text = "Clashes were reported in Hays district in Hodeidah on Monday."
    places = resolve(gazetteer, text, "Hays", "Hodeidah")
    assert places["Hays"].country_code == "YE"  # not Hays, Kansas
    assert places["Hodeidah"].country_code == "YE"


def test_the_same_name_without_a_container_keeps_its_usual_reading(gazetteer: Gazetteer) -> None:
    places = resolve(gazetteer, "The storm hit Hays on Monday.", "Hays")
    assert places["Hays"].country_code == "US"


def test_a_town_in_a_countryside_is_the_one_there(gazetteer: Gazetteer) -> None:
    text = "HTS fighters withdrew from Ariha town in the Idleb countryside."
    places = resolve(gazetteer, text, "Ariha", "Idleb")
    assert places["Ariha"].country_code == "SY"  # not Jericho
    assert km(places["Ariha"], 35.81, 36.61) < 50


def test_a_town_south_of_a_city_is_near_it(gazetteer: Gazetteer) -> None:
    text = "A bomb went off in Hays, south of Hodeidah."
    assert resolve(gazetteer, text, "Hays", "Hodeidah")["Hays"].country_code == "YE"


def test_a_written_country_still_wins(gazetteer: Gazetteer) -> None:
    text = "She lived in Paris, France before moving near Paris in Texas."
    places = resolve(gazetteer, text, "Paris", "France")
    assert places["Paris"].country_code == "FR"


def test_a_town_in_a_state_is_the_one_there(gazetteer: Gazetteer) -> None:
    text = "The fair opened near Athens in Georgia."
    athens = resolve(gazetteer, text, "Athens", "Georgia")["Athens"]
    assert athens.country_code == "US"


def test_athens_alone_in_a_greek_story_stays_in_greece(gazetteer: Gazetteer) -> None:
    text = "Greek officials met in Athens on Monday."
    assert resolve(gazetteer, text, "Greek", "Athens")["Athens"].country_code == "GR"


# -- a town the gazetteer lacks is no pin abroad -----------------------------------------


def test_an_unknown_town_in_a_governorate_gets_no_pin_abroad(gazetteer: Gazetteer) -> None:
    # The gazetteer knows only Arbin in France; the Syrian town is not in it.
    text = "The Syrian army shelled Arbin city in the Damascus countryside."
    places = resolve(gazetteer, text, "Syrian", "Arbin", "Damascus")
    assert "Arbin" not in places
    assert places["Damascus"].country_code == "SY"


def test_a_town_named_alone_keeps_its_only_candidate(gazetteer: Gazetteer) -> None:
    places = resolve(gazetteer, "The cheese fair in Arbin drew crowds.", "Arbin")
    assert places["Arbin"].country_code == "FR"


def test_a_loose_link_does_not_drop_a_town(gazetteer: Gazetteer) -> None:
    # "in Iraq" says where the Marines are, not where Jacksonville is.
    text = "Marines from Jacksonville in Iraq came home."
    places = resolve(gazetteer, text, "Jacksonville", "Iraq")
    assert places["Jacksonville"].country_code == "US"


# -- a big city's province abroad does not take its name ---------------------------------


def test_homs_is_the_syrian_city_not_a_libyan_province(gazetteer: Gazetteer) -> None:
    text = "Regime forces shelled Ghanto town in northern Homs."
    homs = resolve(gazetteer, text, "Homs")["Homs"]
    assert homs.country_code == "SY"


def test_the_libyan_town_by_its_own_name_is_still_libyan(gazetteer: Gazetteer) -> None:
    text = "Fishermen in Al Khums protested on Monday."
    assert resolve(gazetteer, text, "Al Khums")["Al Khums"].country_code == "LY"


# -- demonyms are context ----------------------------------------------------------------


def test_a_demonym_counts_for_its_country(gazetteer: Gazetteer) -> None:
    # "The Lebanese army deployed."
    mention = PlaceMention(4, 12, "Lebanese", "ner", demonym=True)
    weights = article_context([mention], gazetteer).country_weights
    assert weights == {"LB": 1.0}


# -- country points lie in their country -------------------------------------------------


@pytest.mark.parametrize(
    ("code", "capital_lat", "capital_lon", "within_km"),
    [
        ("KW", 29.37, 47.98, 100),  # countryinfo's point was in Saudi Arabia, 215 km off
        ("SM", 43.94, 12.45, 20),  # ... and San Marino's in Italy
        ("FR", 48.86, 2.35, 400),  # a big country's point is its middle, not its capital
    ],
)
def test_a_country_point_lies_in_its_country(
    gazetteer: Gazetteer, code: str, capital_lat: float, capital_lon: float, within_km: float
) -> None:
    country = gazetteer.country(code)
    assert country is not None
    assert km(country, capital_lat, capital_lon) < within_km
