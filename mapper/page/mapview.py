"""The map page: a folium/Leaflet page that works with no network, and the pins it shows.

The page is built once by folium with every asset local (Leaflet and Leaflet.markercluster
from their XStatic packages, our own script, joined from the parts in ``resources/map/js/``
(:data:`PAGE_SCRIPTS`), and ``resources/map/dateline.css``, the Natural Earth basemap in
``resources/basemap/countries.js`` when present; exports add the frame of
``resources/map/frame.html`` and ``frame.css``). Pins are not folium objects: they travel as
one GeoJSON FeatureCollection (:func:`pins_feature_collection`) and the page's script draws
them, so changing what is shown never rebuilds or reloads the page.
The payload carries every excerpt with its actors and event types, and the page filters
them itself (``Dateline.setFilter``, the rule of :mod:`mapper.filters`), colours pins by
their dominant event type and shows a legend of the taxonomy.

Article text is untrusted. It only ever reaches the page as JSON: embedded in a
``<script type="application/json">`` block with ``<``, ``>`` and ``&`` escaped, or passed to
``window.Dateline.setPins`` by :func:`js_call`; the page puts it in the DOM with
``textContent`` only. A Content-Security-Policy allows local scripts (by sha256 hash for the
inline ones), local styles and images, and nothing from the network.

No Qt here: the window (``ui``) loads the file written by :func:`write_page`.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import math
import re
import string
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import folium
import xstatic.pkg.leaflet
import xstatic.pkg.leaflet_markercluster
from branca.element import Element, Figure, MacroElement
from jinja2 import Template

from mapper.atlas import Atlas, Excerpt
from mapper.filters import Filter
from mapper.page import regions
from mapper.page.regions import admin1_code, country_shape_id
from mapper.resources import resource_path, resources_dir
from mapper.store.gc_pause import collector_paused
from mapper.types import Place

__all__ = [
    "ATTRIBUTION",
    "JS_API",
    "NO_EVENT_COLOR",
    "PAGE_SCRIPTS",
    "EncodedJson",
    "Frame",
    "PinsEncoder",
    "build_page",
    "event_type_colors",
    "js_call",
    "page_script",
    "pins_feature_collection",
    "resource_path",
    "resources_dir",
    "write_page",
]

#: Credit line shown in the map's attribution control (plain text).
ATTRIBUTION = "Natural Earth \u00b7 GeoNames"

#: Functions of ``window.Dateline`` that Python may call (see :func:`js_call`).
JS_API = frozenset(
    {
        "setPins",
        "setFilter",
        "setMapView",
        "setFadeByAge",
        "pinOpacities",
        "setView",
        "filterState",
        "flyTo",
        "clickPin",
        "contextPin",
        "pinIds",
        "isReady",
        "describeDate",
        "dayOrdinal",
        "popupText",
        "fitPins",
        "viewState",
        "snapshotState",
        "prepareForPaper",
        "labelState",
        "iconBoxes",
    }
)

MIN_ZOOM = 1
MAX_ZOOM = 10
_PINS_ELEMENT_ID = "dateline-pins"
_BASEMAP_ASSET = "basemap/countries.js"
_QWEBCHANNEL_JS = "qrc:///qtwebchannel/qwebchannel.js"
_CSP_PLACEHOLDER = "__DATELINE_CONTENT_SECURITY_POLICY__"


# -- assets -------------------------------------------------------------------------


def _xstatic_file(package: Any, name: str) -> Path:
    return Path(str(package.BASE_DIR)) / name


def _leaflet_js() -> Path:
    return _xstatic_file(xstatic.pkg.leaflet, "leaflet.js")


def _leaflet_css() -> Path:
    return _xstatic_file(xstatic.pkg.leaflet, "leaflet.css")


def _markercluster_js() -> Path:
    return _xstatic_file(xstatic.pkg.leaflet_markercluster, "leaflet.markercluster.js")


def _markercluster_css() -> Path:
    return _xstatic_file(xstatic.pkg.leaflet_markercluster, "MarkerCluster.css")


def _basemap_file() -> Path | None:
    """The basemap script, or None when it has not been generated (the page then has no land)."""
    path = resource_path(_BASEMAP_ASSET)
    return path if path.is_file() else None


#: The parts of the page's own script, in ``resources/map/js/``, in the order
#: :func:`page_script` joins them. The one place this order is written: a part may use as it
#: loads only what the parts before it declare (``00-core.js``: constants, shared state and
#: helpers; ``legend.js`` defines its Leaflet control as it loads); ``api.js``, last, puts
#: ``window.Dateline`` together. Functions may call any part's functions.
PAGE_SCRIPTS = (
    "00-core.js",
    "dates.js",
    "payload.js",
    "filter.js",
    "markers.js",
    "popup.js",
    "legend.js",
    "datefilter.js",
    "basemap.js",
    "view.js",
    "choropleth.js",
    "context.js",
    "init.js",
    "api.js",
)
#: The name errors and the browser's developer tools give the joined script.
_PAGE_SCRIPT_URL = "dateline-page.js"


def page_script() -> str:
    """The page's own script: the parts of :data:`PAGE_SCRIPTS` joined in one strict-mode
    function, so they share its scope and make no global but ``window.Dateline`` (and
    ``window.datelineReady``). The page carries it as one inline script (allowed by its
    hash) whether the other assets are inline or linked."""
    parts = ["(function () {\n'use strict';\n"]
    for name in PAGE_SCRIPTS:
        text = resource_path(f"map/js/{name}").read_text(encoding="utf-8")
        parts.append(f"\n// ---- resources/map/js/{name} ----\n\n{text.rstrip()}\n")
    parts.append(f"}})();\n//# sourceURL={_PAGE_SCRIPT_URL}\n")
    return "".join(parts)


def _scripts() -> list[tuple[str, Path]]:
    """Leaflet's scripts, the basemap and the heat layer, which the page's own script
    follows (the states and provinces come apart: see :func:`_admin1_file`)."""
    scripts = [("leaflet", _leaflet_js()), ("leaflet_markercluster", _markercluster_js())]
    basemap = _basemap_file()
    if basemap is not None:
        scripts.append(("dateline_basemap", basemap))
    # The heat layer (resources/map/js/choropleth.js).
    scripts.append(("leaflet_heat", resource_path("map/vendor/leaflet-heat/leaflet-heat.js")))
    return scripts


def _admin1_file() -> Path | None:
    """The states and provinces (``scripts/make_admin1_shapes.py``), or None when not
    generated or when there is no basemap (they would float in nothing). 2.4 MB that only
    a zoomed-in map needs: the window's page loads them when first wanted
    (``config.admin1Src``); a standalone page carries its pins' countries' only
    (:func:`mapper.page.regions.admin1_script`)."""
    path = resource_path("basemap/admin1.js")
    return path if path.is_file() and _basemap_file() is not None else None


def _stylesheets(*, frame: bool = False) -> list[tuple[str, Path]]:
    sheets = [
        ("leaflet_css", _leaflet_css()),
        ("leaflet_markercluster_css", _markercluster_css()),
        ("dateline_css", resource_path("map/dateline.css")),
    ]
    if frame:
        sheets.append(("dateline_frame_css", resource_path("map/frame.css")))
    return sheets


_CSS_URL = re.compile(r"url\(\s*(['\"]?)([^'\")]+)\1\s*\)")
_IMAGE_TYPES = {".png": "image/png", ".svg": "image/svg+xml", ".gif": "image/gif"}


def _inline_css(path: Path) -> str:
    """A stylesheet's text with its relative image URLs turned into data: URIs."""

    def to_data_uri(match: re.Match[str]) -> str:
        target = match.group(2)
        image = path.parent / target
        mime = _IMAGE_TYPES.get(image.suffix.lower())
        if mime is None or ":" in target or not image.is_file():
            return match.group(0)  # e.g. url(#default#VML), an old-IE behaviour
        data = base64.b64encode(image.read_bytes()).decode("ascii")
        return f'url("data:{mime};base64,{data}")'

    return _CSS_URL.sub(to_data_uri, path.read_text(encoding="utf-8"))


def _safe_in_element(text: str, tag: str) -> str:
    """Make text safe as the raw content of a <script>/<style> element.

    The only sequences that could end the element early or switch the HTML parser into
    an escaped state are "</tag" and "<!--"; inside JavaScript strings and regular
    expressions (the only places they can occur in our assets) "<\\/" and "<\\!--" mean
    the same thing.
    """
    text = re.sub(rf"</(?={tag})", r"<\\/", text, flags=re.IGNORECASE)
    return text.replace("<!--", "<\\!--")


# -- pins ---------------------------------------------------------------------------

#: Colour of pins (and the legend entry) for excerpts that describe no event of the taxonomy.
NO_EVENT_COLOR = "#bcc0c6"
_HEX_COLOR = re.compile(r"#[0-9a-fA-F]{6}")


def point_feature(place: Place, properties: dict[str, Any]) -> dict[str, Any]:
    """An RFC 7946 Point feature for a place: [lon, lat] to 6 decimals (~0.1 m)."""
    return {
        "type": "Feature",
        "id": place.id,
        "geometry": {
            "type": "Point",
            "coordinates": [round(place.lon, 6), round(place.lat, 6)],
        },
        "properties": properties,
    }


def pins_feature_collection(
    atlas: Atlas,
    article_ids: Iterable[str] | None = None,
    excerpts_per_pin: int | None = None,
    *,
    event_types: Sequence[tuple[str, str]] = (),
) -> dict[str, Any]:
    """The places of the given articles (all when None) as an RFC 7946 FeatureCollection.

    One Point feature per place, most mentioned first, coordinates ``[lon, lat]``. Properties:
    ``id``, ``name``, ``kind``, ``country``, ``count`` (mentions in those articles),
    ``excerpts`` (the sentences mentioning the place, all of them unless ``excerpts_per_pin``
    limits them, in article then text order) and ``more`` (how many were left out by that
    limit); ``cid`` and ``a1`` (only when known) name the place's country and state/province
    shapes for the choropleth (:mod:`mapper.page.regions`). Each excerpt is
    ``{"id", "article", "title", "text", "highlights": [[start, end],
    ...], "n", "actors", "events"}``: highlights are offsets relative to ``text`` for this place
    only, ``n`` the number of mentions of this place in the sentence, ``actors`` the actor ids
    it names and ``events`` its event type names, best first; ``"ev": 1`` (only when true)
    when an event of the sentence happened at this place. The page filters on these
    (``Dateline.setFilter``) without a new payload.

    ``event_types`` is the taxonomy as ``(name, "#rrggbb")`` pairs in display order. It goes,
    with the colour of excerpts of no type and the names of the actors the excerpts name, into
    a foreign member ``"dateline": {"eventTypes": [{"name", "color"}, ...], "noEventColor",
    "actors": {id: name}}``. Without a taxonomy the page does not colour pins by event type.
    Places with non-finite coordinates are left out (they cannot be drawn or serialised).
    """
    if excerpts_per_pin is not None and excerpts_per_pin < 0:
        raise ValueError("excerpts_per_pin must be >= 0")
    taxonomy = event_type_colors(event_types)
    with collector_paused():  # tens of thousands of small dicts for a big atlas
        wanted = None if article_ids is None else list(article_ids)
        actor_names: dict[str, str] = {}
        features: list[dict[str, Any]] = []
        for place, properties, shown in _pins(atlas, wanted, excerpts_per_pin):
            items = []
            for excerpt in shown:
                _name_actors(atlas, excerpt, actor_names)
                items.append(_excerpt_entry(excerpt, place.id))
            features.append(point_feature(place, {**properties, "excerpts": items}))
    return {
        "type": "FeatureCollection",
        "features": features,
        # A foreign member (RFC 7946 section 6.1): GeoJSON readers ignore it.
        "dateline": _pins_meta(taxonomy, actor_names),
    }


@dataclass(frozen=True)
class EncodedJson:
    """JSON text already inert inside HTML (see :func:`_json_for_html`): :func:`js_call`
    passes it as it is instead of encoding it again."""

    text: str


class PinsEncoder:
    """The whole pins payload as JSON text, encoding only the excerpts that changed.

    While articles arrive the window sends every pin again every few seconds; all but
    the newest excerpts are the same as last time, and encoding them again was most of
    the cost of a refresh. Entries are kept per (place, excerpt) and reused while the
    excerpt is equal (a merge of actors across articles changes old excerpts too).
    The text decodes to :func:`pins_feature_collection` ``(atlas, event_types=...)``.
    """

    _OPEN_END = '"excerpts":null}}'

    def __init__(self) -> None:
        self._entries: dict[tuple[str, str], tuple[Excerpt, str]] = {}

    def encode(self, atlas: Atlas, *, event_types: Sequence[tuple[str, str]] = ()) -> EncodedJson:
        """Every pin of the atlas, as :func:`js_call` sends it to ``Dateline.setPins``."""
        taxonomy = event_type_colors(event_types)
        kept: dict[tuple[str, str], tuple[Excerpt, str]] = {}
        actor_names: dict[str, str] = {}
        features: list[str] = []
        with collector_paused():
            for place, properties, shown in _pins(atlas, None, None):
                entries: list[str] = []
                for excerpt in shown:
                    _name_actors(atlas, excerpt, actor_names)
                    key = (place.id, excerpt.id)
                    known = self._entries.get(key)
                    if known is None or (known[0] is not excerpt and known[0] != excerpt):
                        known = (excerpt, _json_for_html(_excerpt_entry(excerpt, place.id)))
                    kept[key] = known
                    entries.append(known[1])
                # "excerpts" is the last member of the last member: its null is replaced.
                head = _json_for_html(point_feature(place, {**properties, "excerpts": None}))
                assert head.endswith(self._OPEN_END)
                features.append(
                    f'{head[: -len(self._OPEN_END)]}"excerpts":[{",".join(entries)}]}}}}'
                )
        self._entries = kept  # entries of excerpts gone from the atlas are dropped
        meta = _json_for_html(_pins_meta(taxonomy, actor_names))
        return EncodedJson(
            f'{{"type":"FeatureCollection","features":[{",".join(features)}],"dateline":{meta}}}'
        )


def event_type_colors(event_types: Sequence[tuple[str, str]]) -> dict[str, str]:
    """Event type name -> "#rrggbb" (lower case), in legend order; the first colour of a
    name repeated wins, and a colour that is not #rrggbb is a ValueError."""
    taxonomy: dict[str, str] = {}
    for name, color in event_types:
        if not _HEX_COLOR.fullmatch(color):
            raise ValueError(f"event type {name!r}: colour {color!r} is not #rrggbb")
        taxonomy.setdefault(name, color.lower())
    return taxonomy


def _pins(
    atlas: Atlas, wanted: list[str] | None, excerpts_per_pin: int | None
) -> Iterator[tuple[Place, dict[str, Any], list[Excerpt]]]:
    """Each drawable place, most mentioned first: its properties but the excerpts, and
    the excerpts to show."""
    counts = atlas.mention_counts(wanted)
    for place in atlas.places(wanted):
        if not (math.isfinite(place.lat) and math.isfinite(place.lon)):
            continue
        excerpts = atlas.excerpts_for_place(place.id, wanted)
        shown = excerpts if excerpts_per_pin is None else excerpts[:excerpts_per_pin]
        properties = {
            "id": place.id,
            "name": place.name,
            "kind": place.kind,
            "country": place.country,
            "count": counts.get(place.id, 0),
            "more": len(excerpts) - len(shown),
        }
        # The choropleth's shapes, when known: country (ISO 3166-1 numeric) and
        # state/province (ISO 3166-2); see mapper.page.regions.
        shapes = {"cid": country_shape_id(place.country_code), "a1": admin1_code(place)}
        properties.update((key, value) for key, value in shapes.items() if value)
        yield place, properties, shown


def _excerpt_entry(excerpt: Excerpt, place_id: str) -> dict[str, Any]:
    highlights = [[h.start, h.end] for h in excerpt.highlights if h.place_id == place_id]
    entry: dict[str, Any] = {
        "id": excerpt.id,
        "article": excerpt.article_id,
        # "" when the article has no title of its own (a text file's first sentence).
        "title": excerpt.article_title if excerpt.has_headline else "",
        "text": excerpt.text,
        "highlights": highlights,
        "n": len(highlights),
        "actors": list(excerpt.actor_ids),
        "events": list(excerpt.event_types),
    }
    if place_id in excerpt.event_place_ids:
        entry["ev"] = 1  # an event of the sentence happened here (only sent when true)
    if excerpt.first_day:
        # When, compactly (a big import sends tens of thousands of these): the date, its
        # first day as an ordinal (what the date filter compares), its last when later,
        # and "own" when the sentence gives its own date (else it is the article's).
        entry["date"] = excerpt.date
        entry["d0"] = excerpt.first_day
        if excerpt.last_day != excerpt.first_day:
            entry["d1"] = excerpt.last_day
        if excerpt.date_from == "sentence":
            entry["own"] = 1
    return entry


def _name_actors(atlas: Atlas, excerpt: Excerpt, actor_names: dict[str, str]) -> None:
    for actor_id in excerpt.actor_ids:
        if actor_id not in actor_names:
            actor_names[actor_id] = _actor_name(atlas, actor_id)


def _pins_meta(taxonomy: dict[str, str], actor_names: dict[str, str]) -> dict[str, Any]:
    return {
        "eventTypes": [{"name": name, "color": color} for name, color in taxonomy.items()],
        "noEventColor": NO_EVENT_COLOR,
        "actors": actor_names,
    }


def _actor_name(atlas: Atlas, actor_id: str) -> str:
    try:
        return atlas.actor(actor_id).name
    except KeyError:  # an excerpt naming an actor the analysis did not describe
        return actor_id


def _json_for_html(value: Any) -> str:
    """JSON that is inert inside an HTML element: no '<', '>' or '&' survives."""
    text = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def js_call(function: str, *args: Any) -> str:
    """JavaScript source calling ``window.Dateline.<function>(args...)``, for runJavaScript.

    Arguments are serialised as JSON (escaped as in the page; an :class:`EncodedJson` was
    already), so article text passed this way cannot become code. ``function`` must be one
    of :data:`JS_API`.
    """
    if function not in JS_API:
        raise ValueError(f"unknown Dateline function: {function!r}")
    encoded = (a.text if isinstance(a, EncodedJson) else _json_for_html(a) for a in args)
    return f"window.Dateline.{function}({','.join(encoded)})"


# -- the page -----------------------------------------------------------------------


class _Raw(Element):
    """Literal HTML, not run through Jinja (assets and data may contain '{{')."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._text = text

    def render(self, **kwargs: Any) -> str:
        return self._text


class _DatelineInit(MacroElement):
    """Hands the folium map to the page's script (``Dateline.init``) once Leaflet has
    created it."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            window.Dateline.init({{ this._parent.get_name() }}, {{ this.config|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # branca leaves it unannotated
        self._name = "DatelineInit"
        self.config = config


_INLINE_SCRIPT = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.DOTALL)


def _content_security_policy(page: str, *, inline_assets: bool, bridge: bool) -> str:
    """A policy allowing exactly the page's own scripts and local styles/images."""
    hashes: list[str] = []
    for match in _INLINE_SCRIPT.finditer(page):
        attrs = match.group("attrs")
        if "src=" in attrs or "application/json" in attrs:
            continue
        digest = hashlib.sha256(match.group("body").encode("utf-8")).digest()
        hashes.append(f"'sha256-{base64.b64encode(digest).decode('ascii')}'")
    local = [] if inline_assets else ["file:"]
    scripts = [*local, *(["qrc:"] if bridge else []), *dict.fromkeys(hashes)]
    directives = [
        "default-src 'none'",
        f"script-src {' '.join(scripts)}",
        # folium writes its layout as inline <style> blocks.
        "style-src " + " ".join([*local, "'unsafe-inline'"]),
        f"img-src {' '.join([*local, 'data:'])}",
        "connect-src 'none'",
        "font-src 'none'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
    ]
    return "; ".join(directives)


@dataclass(frozen=True)
class Frame:
    """What a report shows around the map, and the size of the whole composition.

    Every field is plain text, escaped here: article titles may hold anything. The
    header (``title``, ``subtitle``, and under them ``dates``: the days the map shows)
    is left out when all are empty. The footer holds what the map is narrowed to in
    words (``note``), the source articles (``sources``, then "and N more" for
    ``more_sources``; or, when ``register`` is given, every source one a line in
    ``register_columns`` columns of ``register_font`` CSS pixels, under the map or, with
    ``register_on_next_page``, on the printed pages after it while the footer counts
    them), the ``credits`` and the ``date``.
    ``width`` × ``height`` is the size of the whole page in CSS pixels, and its printed
    page size; ``None`` lets the page fill the browser window.
    """

    title: str = ""
    subtitle: str = ""
    note: str = ""
    sources: tuple[str, ...] = ()
    more_sources: int = 0
    dates: str = ""
    register: tuple[str, ...] = ()
    register_columns: int = 1
    register_font: float = 11.0
    register_on_next_page: bool = False
    credits: tuple[str, ...] = ()
    date: str = ""
    width: int | None = None
    height: int | None = None


def _text(value: str) -> str:
    return html.escape(value, quote=True)


_FRAME_PART = re.compile(r"^<!-- part: (\w+)(?: \(.*\))? -->\n", re.MULTILINE)
_FRAME_SEPARATOR = " \u00b7 "


def _frame_parts() -> dict[str, string.Template]:
    """The parts of ``resources/map/frame.html`` by name, each a template of one line
    (but the style) whose ``$names`` :func:`_frame_html` fills."""
    pieces = _FRAME_PART.split(resource_path("map/frame.html").read_text(encoding="utf-8"))
    # pieces[0] is the comment before the first part, then (name, text) pairs.
    return {
        name: string.Template(text.rstrip("\n"))
        for name, text in zip(pieces[1::2], pieces[2::2], strict=True)
    }


def _frame_html(frame: Frame) -> tuple[str, str, str, str]:
    """The frame's style (the page's size), header, footer and appendix (the sources on
    the pages after the map), from ``frame.html``.

    Every value from the frame is escaped here (:func:`_text`) before it goes into a part;
    the header is "" without a title or subtitle, the appendix "" but for a register on
    the next page.
    """
    parts = _frame_parts()

    def fill(name: str, **values: object) -> str:
        return parts[name].substitute(values)

    def text(name: str, value: str) -> str:
        return fill(name, text=_text(value)) if value else ""

    width = "100%" if frame.width is None else f"{int(frame.width)}px"
    height = "100%" if frame.height is None else f"{int(frame.height)}px"
    fixed = frame.width is not None and frame.height is not None
    style = fill(
        "size",
        width=width,
        height=height,
        print=fill("print", width=width, height=height) if fixed else "",
    )
    header = ""
    if frame.title or frame.subtitle or frame.dates:
        header = fill(
            "header",
            title=text("title", frame.title),
            subtitle=text("subtitle", frame.subtitle),
            dates=text("dates", frame.dates),
        )
    sources = appendix = ""
    if frame.register:
        count = len(frame.register)
        columns = max(1, int(frame.register_columns))
        font = float(frame.register_font)
        font = font if math.isfinite(font) and font > 0 else 11.0
        register = fill(
            "register",
            label=f"Sources ({count})" if count > 1 else "Source",
            style=f"column-count: {columns}; font-size: {font:.2f}px",
            items="".join(text("entry", entry) for entry in frame.register),
        )
        if frame.register_on_next_page and fixed:
            appendix = fill("appendix", register=register, top=height, width=width)
            sources = fill(
                "sources",
                label="Sources",
                items=text("source", f"{count} articles, listed on the next page"),
            )
        else:
            sources = register
    elif frame.sources or frame.more_sources:
        items = [text("source", title) for title in frame.sources]
        if frame.more_sources:
            items.append(fill("more", count=int(frame.more_sources)))
        count = len(frame.sources) + frame.more_sources
        sources = fill(
            "sources",
            label="Source" if count == 1 else "Sources",
            items=_FRAME_SEPARATOR.join(items),
        )
    credits = ""
    if frame.credits:
        credits = fill("credits", items=_FRAME_SEPARATOR.join(map(_text, frame.credits)))
    footer = fill(
        "footer",
        note=text("note", frame.note),
        sources=sources,
        credits=credits,
        date=text("date", frame.date),
    )
    return style, header, footer, appendix


def _initial_view(view: tuple[float, float, float] | None) -> list[float] | None:
    if view is None:
        return None
    lat, lon, zoom = (float(v) for v in view)
    if not all(math.isfinite(v) for v in (lat, lon, zoom)) or abs(lat) > 90:
        raise ValueError(f"not a map view (lat, lon, zoom): {view!r}")
    return [round(lat, 6), round(lon, 6), min(float(MAX_ZOOM), max(float(MIN_ZOOM), zoom))]


def build_page(
    pins: dict[str, Any] | None = None,
    *,
    bridge: bool = True,
    inline_assets: bool = False,
    title: str = "Dateline",
    view: tuple[float, float, float] | None = None,
    where: Filter | None = None,
    static: bool = False,
    legend: bool = True,
    scale_bar: bool = True,
    frame: Frame | None = None,
    date_control: bool = False,
    map_view: str = "pins",
) -> str:
    """The whole map page as HTML.

    ``pins`` (a FeatureCollection from :func:`pins_feature_collection`) is embedded and
    shown on load; without it the page opens on the world. With ``inline_assets=False``
    Leaflet's scripts, the basemap and the stylesheets are ``file://`` links to the
    installed copies (the page must then be loaded from a file, see :func:`write_page`);
    with ``inline_assets=True`` every asset is inside the page, which then works alone,
    offline (standalone HTML export). The page's own script (:func:`page_script`) is
    inside it either way.
    ``bridge=True`` connects to the Qt WebChannel object ``bridge`` (pageReady,
    placeClicked, excerptClicked); leave it off for pages viewed outside the app.

    For exports: ``view`` ``(lat, lon, zoom)`` is where the map starts (else it fits the
    pins shown); ``where`` is a filter applied at load, as ``Dateline.setFilter`` would;
    ``legend`` and ``scale_bar`` show or leave out those controls; ``frame`` puts a
    header and footer around the map (see :class:`Frame`; its credits then replace the
    map's attribution control). ``static=True`` is the report mode, for snapshots: no
    animations, no zoom buttons, the legend open, and ``window.datelineReady`` set only
    once the map, basemap, pins and filter are drawn and framed. ``date_control`` (the
    standalone HTML export; not with ``static``) adds "From" / "Until" day fields and an
    "Undated" box, bottom left, that narrow the pins by date and keep ``where``'s other
    facets (shown only when the pins have dates).
    """
    initial_view = _initial_view(view)
    credits_in_frame = frame is not None and bool(frame.credits)
    options: dict[str, Any] = {}
    if static:
        # A snapshot grabs one frame: nothing may be half-way through a transition.
        options.update(
            zoom_animation=False,
            fade_animation=False,
            marker_zoom_animation=False,
            inertia=False,
        )
    if credits_in_frame:
        options["attribution_control"] = False
    fmap = folium.Map(
        location=[20.0, 0.0],
        zoom_start=2,
        tiles=None,
        min_zoom=MIN_ZOOM,
        max_zoom=MAX_ZOOM,
        zoom_control=not static,
        prefer_canvas=False,
        zoom_snap=0.25,
        zoom_delta=1,
        world_copy_jump=False,
        **options,
    )
    fmap._id = "dateline"  # a stable element id: the same input gives the same page
    # Per-instance lists, left empty (the assets are added below): folium's class-level
    # ones point at CDNs and are shared by every map in the process.
    fmap.default_js = []
    fmap.default_css = []
    figure = fmap.get_root()
    if not isinstance(figure, Figure):  # folium.Map always makes its own Figure
        raise TypeError("folium.Map is not inside a Figure")
    figure.title = html.escape(frame.title if frame is not None and frame.title else title)
    # Figure() already holds the charset <meta>; the policy must precede every script.
    figure.header.add_child(
        _Raw(f'<meta http-equiv="Content-Security-Policy" content="{_CSP_PLACEHOLDER}">'),
        name="dateline_csp",
    )

    # Stylesheets, then Leaflet's scripts, then ours: inside the page, or linked to the
    # installed files. Our script is inline either way (it is joined from its parts here).
    for name, path in _stylesheets(frame=frame is not None):
        if inline_assets:
            css = _safe_in_element(_inline_css(path), "style")
            sheet = f"<style>{css}</style>"
        else:
            sheet = f'<link rel="stylesheet" href="{html.escape(path.as_uri())}"/>'
        figure.header.add_child(_Raw(sheet), name=name)
    admin1_file = _admin1_file()
    for name, path in _scripts():
        if inline_assets:
            js = _safe_in_element(path.read_text(encoding="utf-8"), "script")
            script = f"<script>{js}</script>"
        else:
            script = f'<script src="{html.escape(path.as_uri())}"></script>'
        figure.header.add_child(_Raw(script), name=name)
    # A standalone page carries the states and provinces of its pins' countries (their
    # borders zoomed in, resources/map/js/context.js, and the choropleth's states), not the
    # world's 2.4 MB; a linked page loads the whole file when needed (config.admin1Src).
    countries = regions.pin_countries(pins) if inline_assets else set()
    if admin1_file is not None and countries:
        js = _safe_in_element(regions.admin1_script(admin1_file, countries), "script")
        figure.header.add_child(_Raw(f"<script>{js}</script>"), name="dateline_admin1")
    figure.header.add_child(
        _Raw(f"<script>{_safe_in_element(page_script(), 'script')}</script>"), name="dateline"
    )
    if bridge:
        figure.header.add_child(
            _Raw(f'<script src="{_QWEBCHANNEL_JS}"></script>'), name="qwebchannel"
        )
    if frame is not None:
        style, header, footer, appendix = _frame_html(frame)
        figure.header.add_child(_Raw(style), name="dateline_frame_style")
        figure.html.add_child(_Raw(header), name="dateline_frame_header")
        figure.html.add_child(_Raw(footer), name="dateline_frame_footer")
        if appendix:
            figure.html.add_child(_Raw(appendix), name="dateline_frame_appendix")

    if pins is not None:
        figure.html.add_child(
            _Raw(
                f'<script type="application/json" id="{_PINS_ELEMENT_ID}">'
                f"{_json_for_html(pins)}</script>"
            ),
            name="dateline_pins",
        )
    config: dict[str, Any] = {
        "bridge": bridge,
        "pinsElement": _PINS_ELEMENT_ID,
        "attribution": None if credits_in_frame else ATTRIBUTION,
        "minZoom": MIN_ZOOM,
        "maxZoom": MAX_ZOOM,
    }
    # Only what differs from the window's page, so that page stays byte for byte the same.
    if static:
        config["static"] = True
    if not legend:
        config["legend"] = False
    if not scale_bar:
        config["scaleBar"] = False
    if date_control and not static:
        config["dateControl"] = True
    if initial_view is not None:
        config["view"] = initial_view
    if map_view != "pins":  # "choropleth" or "heat" (resources/map/js/choropleth.js)
        config["mapView"] = map_view
    if admin1_file is not None and not inline_assets:
        config["admin1Src"] = admin1_file.as_uri()
    if where is not None and not where.is_open:
        config["filter"] = where.to_json()
    fmap.add_child(_DatelineInit(config))

    page: str = figure.render()
    policy = _content_security_policy(page, inline_assets=inline_assets, bridge=bridge)
    return page.replace(_CSP_PLACEHOLDER, html.escape(policy, quote=True), 1)


def write_page(directory: Path, pins: dict[str, Any] | None = None, *, bridge: bool = True) -> Path:
    """Write the page (assets linked, see :func:`build_page`) to ``directory/index.html``.

    Returns the file's path; load it with ``QUrl.fromLocalFile`` (``setHtml`` fails above
    2 MB and gives the page an origin that cannot load local scripts).
    """
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / "index.html"
    partial = directory / "index.html.part"
    partial.write_text(build_page(pins, bridge=bridge), encoding="utf-8")
    partial.replace(target)  # atomic: a view reloading the page never sees half a file
    return target
