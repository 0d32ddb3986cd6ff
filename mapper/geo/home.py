"""An article's home region: where it is written from, so "Paris" in a Tennessee paper is
Paris, Tennessee.

Local news names its own towns without saying where they are ("Athens police said …").
An article's home region biases such names towards it (:mod:`mapper.geo.resolve`). It is,
in order of trust:

1. **the user's** word: "Articles from this folder / this outlet / this article are local
   to Athens, Georgia" (:class:`HomeSettings`; saved in projects and, for folders, in the
   user's settings). The user may also say "no home region", which turns the others off;
2. **the dateline**: "ATHENS, Ga. —", "PARIS, Tenn. (AP) —", "CARACAS, Venezuela (AP) —",
   "LONDON (Reuters) -" (:mod:`mapper.geo.dateline`, whose pattern also gives the
   article's main place to :mod:`mapper.geo.event_places`);
3. **the outlet**: a local paper's name or web address in ``resources/gazetteer/outlets.toml``
   ("Athens Banner-Herald", onlineathens.com). News agencies are not there: an AP story is
   local to its dateline, not to the AP.

A home region is a :class:`~mapper.types.Place` of kind city, admin1 or country. Nothing
here is stored with an analysis: the pipeline derives it again when needed, and the
analysis cache keys an analysis by the home region it was made with.
"""

from __future__ import annotations

import logging
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any, Literal
from urllib.parse import urlsplit

from mapper.errors import DatelineError
from mapper.geo.dateline import Dateline, find_datelines
from mapper.geo.gazetteer import Gazetteer, NameMatch, normalize_name
from mapper.resources import resource_path
from mapper.types import Article, Place

log = logging.getLogger(__name__)

HomeSource = Literal["dateline", "outlet", "user"]
#: What a user's setting covers: the articles of a folder, of an outlet, or one article.
HomeScope = Literal["folder", "outlet", "article"]

#: The kinds of place a home region may be.
HOME_KINDS = frozenset({"city", "admin1", "country"})
#: A user's setting of "no home region" (neither the dateline nor the outlet then apply).
NO_HOME = ""

#: Two-letter US postal codes, for searches such as "Athens, GA" (the gazetteer knows the
#: AP's "Ga.", "Tenn.", "Calif." and the full names already).
US_STATE_CODES: dict[str, str] = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan",
    "MN": "Minnesota", "MS": "Mississippi", "MO": "Missouri", "MT": "Montana",
    "NE": "Nebraska", "NV": "Nevada", "NH": "New Hampshire", "NJ": "New Jersey",
    "NM": "New Mexico", "NY": "New York", "NC": "North Carolina", "ND": "North Dakota",
    "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon", "PA": "Pennsylvania",
    "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota", "TN": "Tennessee",
    "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia", "WA": "Washington",
    "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
}  # fmt: skip

#: Most entries of one kind in a user's settings (folders, outlets or articles).
MAX_HOME_SETTINGS = 100_000

# How prominent a place is when a name alone is searched (as resolve weighs a bare name).
_KIND_PROMINENCE = {"country": 5.0, "admin1": 3.0, "city": 1.0}
_ASSUMED_ADMIN1_POPULATION = 300_000
_BIG_CITY = 100_000
_CITY_OVER_PROVINCE = 3.0


@dataclass(frozen=True)
class HomeRegion:
    """Where an article is local to, and how that is known."""

    place: Place  # of kind city, admin1 or country
    source: HomeSource
    #: What it was read from: the dateline's words ("ATHENS, Ga."), the outlet's name or
    #: web address ("" for the user's setting).
    detail: str = ""

    @property
    def key(self) -> str:
        """What an analysis made with this home region is kept under (with the pipeline's
        fingerprint): the place and where it came from."""
        return f"{self.source}:{self.place.id}"


def dateline_place(text: str, gazetteer: Gazetteer) -> tuple[Place, Dateline] | None:
    """The place the article's dateline names, and the dateline; None without one.

    A name in capitals ("LONDON —", "BEIRUT (AP) —") stands alone; a name in mixed case
    must come with a container the gazetteer knows ("Kabul, Afghanistan —"), so that a
    headline such as "Trump: the year" is no dateline. A container narrows the name
    ("ATHENS, Ga." is Athens, Georgia); else the most prominent town of that name is meant,
    as agencies name only well-known towns alone ("ATLANTA (AP)", "PARIS (AP)").
    """
    for dateline in find_datelines(text):
        shouting = dateline.name.isupper()
        containers = [_containers(gazetteer, name) for name in dateline.within]
        if not shouting and (not containers or not all(containers)):
            continue
        candidates = [
            m for m in gazetteer.matches(dateline.name) if not m.demonym and _is_home_kind(m)
        ]
        for within in containers:
            if within:  # an unknown container ("ATHENS, Staff —") narrows nothing
                candidates = [m for m in candidates if any(_inside(m.place, c) for c in within)]
        if candidates:
            # Datelines name towns: a town first ("NEW YORK" is the city, "WASHINGTON" the
            # capital), then the capital, the main name, the biggest.
            best = max(
                candidates,
                key=lambda m: (m.place.kind == "city", m.capital, m.primary, m.place.population),
            )
            return best.place, dateline
    return None


# -- outlets --------------------------------------------------------------------------------


class OutletsError(DatelineError):
    """The outlets table could not be read (``str(error)`` says why)."""


@dataclass(frozen=True)
class OutletTable:
    """Local outlets and the region each covers, by name and by web address."""

    #: :func:`outlet_key` of a name -> (the region as written, the outlet's first name)
    names: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    #: host ("onlineathens.com") -> (the region as written, the outlet's name)
    hosts: Mapping[str, tuple[str, str]] = field(default_factory=dict)

    def region_for(self, outlet: str, url: str = "") -> tuple[str, str] | None:
        """(The region as written, the outlet as written) of an article's outlet or web
        address; None when neither is a local outlet we know."""
        found = self.names.get(outlet_key(outlet)) if outlet else None
        if found is not None:
            return found
        host = _host(url)
        while host:
            found = self.hosts.get(host)
            if found is not None:
                return found
            _, _, host = host.partition(".")  # news.onlineathens.com -> onlineathens.com
            if "." not in host:
                break
        return None


def outlet_key(name: str) -> str:
    """How an outlet's name is matched: case, accents, spacing and a leading "The" aside."""
    key = normalize_name(name)
    return key.removeprefix("the ").strip()


def _host(url: str) -> str:
    try:
        host = urlsplit(url.strip()).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def load_outlets(path: Path | None = None) -> OutletTable:
    """The outlets table (``resources/gazetteer/outlets.toml`` by default); raises
    :class:`OutletsError` when it cannot be read or is not laid out as documented there."""
    path = path or resource_path("gazetteer/outlets.toml")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise OutletsError(f"{path.name}: cannot be read ({error})") from None
    outlets = data.get("outlet", [])
    if not isinstance(outlets, list):
        raise OutletsError(f"{path.name}: [[outlet]] entries expected")
    names: dict[str, tuple[str, str]] = {}
    hosts: dict[str, tuple[str, str]] = {}
    for number, entry in enumerate(outlets, start=1):
        region, outlet_names, outlet_hosts = _outlet_entry(entry)
        if region is None:
            raise OutletsError(
                f"{path.name}: outlet {number} needs a region and names or hosts (strings)"
            )
        shown = outlet_names[0] if outlet_names else outlet_hosts[0]
        for name in outlet_names:
            names[outlet_key(name)] = (region, shown)  # shown by its first name
        for host in outlet_hosts:
            hosts[host.casefold().removeprefix("www.")] = (region, shown)
    return OutletTable(names, hosts)


def _outlet_entry(entry: Any) -> tuple[str | None, list[str], list[str]]:
    if not isinstance(entry, dict):
        return None, [], []
    region = entry.get("region")
    names = entry.get("names", [])
    hosts = entry.get("hosts", [])
    if (
        not isinstance(region, str)
        or not region.strip()
        or not isinstance(names, list)
        or not isinstance(hosts, list)
        or not all(isinstance(n, str) and n.strip() for n in [*names, *hosts])
        or not (names or hosts)
    ):
        return None, [], []
    return region, names, hosts


def load_outlets_or_empty(path: Path | None = None) -> tuple[OutletTable, str | None]:
    """The outlets table, or an empty one and why (a broken table must not stop the app)."""
    try:
        return load_outlets(path), None
    except OutletsError as error:
        log.warning("outlets not used: %s", error)
        return OutletTable(), str(error)


# -- the user's settings ---------------------------------------------------------------------


@dataclass(frozen=True)
class HomeSettings:
    """The user's home regions: by folder, by outlet and by article (place ids;
    :data:`NO_HOME` says "none"), and one for every article (the command line's ``--home``).

    An article's own setting wins over its outlet's, which wins over its folder's (the
    deepest folder that holds it). Immutable: the ``with_``/``without`` methods give new
    settings.
    """

    folders: Mapping[str, str] = field(default_factory=dict)
    outlets: Mapping[str, str] = field(default_factory=dict)  # by outlet_key()
    articles: Mapping[str, str] = field(default_factory=dict)  # by article id
    every: str | None = None

    def __bool__(self) -> bool:
        return bool(self.folders or self.outlets or self.articles or self.every is not None)

    def _table(self, scope: HomeScope) -> Mapping[str, str]:
        return {"folder": self.folders, "outlet": self.outlets, "article": self.articles}[scope]

    def covering(self, article: Article) -> tuple[HomeScope, str] | None:
        """Which setting applies to an article: (scope, key), or None."""
        if article.id in self.articles:
            return "article", article.id
        if article.outlet and outlet_key(article.outlet) in self.outlets:
            return "outlet", outlet_key(article.outlet)
        folder = self.folder_of(article)
        return ("folder", folder) if folder is not None else None

    def folder_of(self, article: Article) -> str | None:
        """The deepest folder with a setting that holds the article's file, if any."""
        if not article.source or not self.folders:
            return None
        for parent in PurePath(article.source).parents:
            if str(parent) in self.folders:
                return str(parent)
        return None

    def setting_for(self, article: Article) -> str | None:
        """The user's home region for an article: a place id, :data:`NO_HOME`, or None
        (no setting: the dateline and the outlet decide)."""
        covering = self.covering(article)
        if covering is not None:
            return self._table(covering[0])[covering[1]]
        return self.every

    def get(self, scope: HomeScope, key: str) -> str | None:
        """The setting of one folder, outlet (any spelling) or article; None: none."""
        return self._table(scope).get(_key_of(scope, key))

    def with_setting(self, scope: HomeScope, key: str, place_id: str | None) -> HomeSettings:
        """These settings with one changed: ``place_id`` (or :data:`NO_HOME`), or None to
        remove it."""
        table = dict(self._table(scope))
        key = _key_of(scope, key)
        if place_id is None:
            table.pop(key, None)
        else:
            table[key] = place_id
        return HomeSettings(
            folders=table if scope == "folder" else self.folders,
            outlets=table if scope == "outlet" else self.outlets,
            articles=table if scope == "article" else self.articles,
            every=self.every,
        )

    def merged(self, other: HomeSettings) -> HomeSettings:
        """These settings with ``other``'s over them."""
        return HomeSettings(
            folders={**self.folders, **other.folders},
            outlets={**self.outlets, **other.outlets},
            articles={**self.articles, **other.articles},
            every=other.every if other.every is not None else self.every,
        )

    def to_json(self) -> dict[str, dict[str, str]]:
        """As saved in a project: ``{"folders": {…}, "outlets": {…}, "articles": {…}}``."""
        return {
            "folders": dict(self.folders),
            "outlets": dict(self.outlets),
            "articles": dict(self.articles),
        }


def _key_of(scope: HomeScope, key: str) -> str:
    return outlet_key(key) if scope == "outlet" else key


def scopes_for(
    article: Article, settings: HomeSettings | None = None
) -> list[tuple[HomeScope, str]]:
    """What a user may set an article's home region for: its folder (the folder with a
    setting that holds it, else the one its file is in), its outlet (when known), and the
    article itself."""
    found: list[tuple[HomeScope, str]] = []
    if article.source:
        folder = settings.folder_of(article) if settings is not None else None
        found.append(("folder", folder or str(PurePath(article.source).parent)))
    if article.outlet:
        found.append(("outlet", article.outlet))
    found.append(("article", article.id))
    return found


# -- the home region of an article -------------------------------------------------------------


def home_region(
    article: Article,
    gazetteer: Gazetteer,
    user_setting: str | None = None,
    *,
    outlets: OutletTable | None = None,
) -> HomeRegion | None:
    """An article's home region: the user's setting (a place id; :data:`NO_HOME`: none) wins;
    else its dateline's place; else its outlet's region (``outlets``: by default the
    packaged table; the outlet is the article's, its web address's, or the masthead on its
    first line: "The Lima News"); else None.

    A local paper writes its own town bare in its datelines ("LIMA —" in The Lima News is
    Lima, Ohio, not Peru): a dateline without a state or country that names the outlet's
    own town is that town.
    """
    if user_setting is not None:
        if user_setting == NO_HOME:
            return None
        place = gazetteer.get(user_setting)
        if place is not None:
            return HomeRegion(place, "user")
        log.info("home region %s is not in the gazetteer: ignored", user_setting)
    table = outlets if outlets is not None else default_outlets()
    outlet = _outlet_region(article, gazetteer, table)
    found = dateline_place(article.text, gazetteer)
    if found is not None:
        place, dateline = found
        if (
            outlet is not None
            and not dateline.within
            and normalize_name(outlet.place.name) == normalize_name(dateline.name)
        ):
            place = outlet.place
        written = ", ".join((dateline.name, *dateline.within))
        return HomeRegion(place, "dateline", written)
    return outlet


def _outlet_region(article: Article, gazetteer: Gazetteer, table: OutletTable) -> HomeRegion | None:
    """The region of the article's outlet, if it is a local outlet we know."""
    region = table.region_for(article.outlet, article.url) or table.region_for(
        _masthead(article.text)
    )
    if region is None:
        return None
    label, outlet = region
    places = find_regions(gazetteer, label, limit=1)
    if not places:
        log.info("outlet region %r is not in the gazetteer: ignored", label)
        return None
    return HomeRegion(places[0], "outlet", outlet)


def _masthead(text: str) -> str:
    """The article's first line when it may be a paper's name (short, one line)."""
    first = text.lstrip()[:120].partition("\n")[0].strip()
    return first if 0 < len(first) <= 80 else ""


_DEFAULT_OUTLETS: OutletTable | None = None


def default_outlets() -> OutletTable:
    """The packaged outlets table, read once (an empty one if it is broken, logged)."""
    global _DEFAULT_OUTLETS
    if _DEFAULT_OUTLETS is None:
        _DEFAULT_OUTLETS = load_outlets_or_empty()[0]
    return _DEFAULT_OUTLETS


# -- finding regions by name -------------------------------------------------------------------


def find_regions(gazetteer: Gazetteer, query: str, limit: int = 20) -> list[Place]:
    """Places a user may mean by ``query``, most prominent first: "Athens" (every Athens),
    "Athens, Georgia", "Athens, GA", "Athens, Georgia, United States" (each part after a
    comma narrows: a province or state, a country), "Tennessee", "Greece".

    Only cities, provinces or states and countries (what a home region may be).
    """
    parts = [part.strip() for part in query.split(",") if part.strip()]
    if not parts:
        return []
    name, qualifiers = parts[0], parts[1:]
    candidates = {
        m.place.id: m for m in gazetteer.matches(name) if not m.demonym and _is_home_kind(m)
    }
    # Another name of a small town ("Athens" for Oshkosh) is noise in a list of Athenses;
    # a big city's ("New York" for New York City) is not.
    matches = [
        m
        for m in candidates.values()
        if m.primary or m.place.population >= _BIG_CITY or m.place.kind != "city"
    ]
    for qualifier in qualifiers:
        within = _containers(gazetteer, qualifier)
        matches = [m for m in matches if any(_inside(m.place, c) for c in within)]
    # A big city and its province share a name ("Manchester"): the city is meant.
    big_cities = {
        m.place.country_code
        for m in matches
        if m.place.kind == "city" and m.place.population >= _BIG_CITY
    }
    matches.sort(
        key=lambda m: (
            _prominence(m)
            - (
                _CITY_OVER_PROVINCE
                if m.place.kind == "admin1" and m.place.country_code in big_cities
                else 0.0
            )
        ),
        reverse=True,
    )
    return [m.place for m in matches[:limit]]


def region_label(place: Place) -> str:
    """A place as a user reads it: "Athens, Georgia, United States"; "Tennessee, United
    States"; "Paris, France"; "Greece"."""
    parts = [place.name]
    for part in (place.admin1, place.country):
        if part and part not in parts:
            parts.append(part)
    return ", ".join(parts)


def describe_home(home: HomeRegion | None) -> str:
    """One line for the panels: "Athens, Georgia, United States (from the dateline
    “ATHENS, Ga.”)"; "none"."""
    if home is None:
        return "none"
    label = region_label(home.place)
    if home.source == "dateline":
        return f"{label} (from the dateline “{home.detail}”)"
    if home.source == "outlet":
        return f"{label} (from the outlet {home.detail})"
    return f"{label} (set by you)"


def _is_home_kind(match: NameMatch) -> bool:
    return match.place.kind in HOME_KINDS


def _prominence(match: NameMatch) -> float:
    """How likely a bare name means this place (kind, population, main name, capital)."""
    place = match.place
    population = place.population or (_ASSUMED_ADMIN1_POPULATION if place.kind == "admin1" else 0)
    score = _KIND_PROMINENCE.get(place.kind, 1.0) + 0.45 * math.log10(population + 1)
    return score + (1.0 if match.primary else 0.0) + (2.0 if match.capital else 0.0)


def _containers(gazetteer: Gazetteer, name: str) -> list[Place]:
    """The provinces, states and countries a name may be ("Ga.", "GA", "Venezuela")."""
    spelled = US_STATE_CODES.get(name.strip().upper(), name) if len(name.strip()) == 2 else name
    return [
        m.place
        for m in gazetteer.matches(spelled)
        if not m.demonym and m.place.kind in ("admin1", "country")
    ]


def _inside(place: Place, container: Place) -> bool:
    """Whether ``place`` lies in ``container`` (a province, state or country).

    Provinces are compared by name; a town whose province is unknown (the gazetteer knows
    only some countries' provinces) is taken to be in any province of its country.
    """
    if place.id == container.id or place.country_code != container.country_code:
        return False
    if container.kind == "country":
        return True
    province = container.admin1 or container.name
    return place.kind != "admin1" and place.admin1 in (province, "")
