"""Map page figures: 2,000 places and 20,000 mentions in the real page, offscreen.

- ``page_ready_20k_s``: from ``view.load()`` of the page (pins embedded) until the page says
  it is ready and markers are in the document;
- ``filter_20k_ms``: the median time ``Dateline.setFilter`` reports for a set of different
  filters (measured in the page with ``performance.now()``); ``filter_20k_roundtrip_ms`` is
  the same seen from Python (``runJavaScript`` there and back), ``filter_20k_to_frame_ms``
  from the call until the next animation frame has been drawn, and
  ``filter_20k_rebuild_ms`` the page's figure for the other way of updating markers (empty
  the cluster group, add every shown marker again);
- ``payload_20k_mb``: the pins' JSON as embedded in the page;
- ``choropleth_20k_ms``: switching the same pins (spread over real countries and states)
  from pins to the choropleth (``Dateline.setMapView``), from the call until the next
  animation frame has been drawn (median; ``choropleth_20k_page_ms``: the time
  ``setMapView`` reports itself);
- ``folium_markers_2k_page_ready_s``: the stock folium way, for comparison: 2,000
  ``folium.Marker`` objects (each with a tooltip) in a ``MarkerCluster``, every asset local,
  from the start of the Python that builds the page until markers are in the document.

Run alone with ``python -c "from bench import page; print(page.run())"``.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mapper.atlas import Atlas
from mapper.page import mapview
from mapper.types import (
    Actor,
    ActorMention,
    Article,
    ArticleAnalysis,
    EventTag,
    Place,
    PlaceKind,
    PlaceMention,
    ResolvedMention,
    Sentence,
)

PLACES = 2_000
MENTIONS = 20_000
ACTORS = 30
#: The default taxonomy (DESIGN.md), with colours for the bench only.
EVENT_TYPES: tuple[tuple[str, str], ...] = (
    ("Protests", "#f28e2b"),
    ("Riots", "#e15759"),
    ("Battles", "#8c2d04"),
    ("Explosions/Remote violence", "#b07aa1"),
    ("Violence against civilians", "#9c1d5b"),
    ("Strategic developments", "#4e79a7"),
    ("Diplomacy & statements", "#59a14f"),
    ("Humanitarian & economy", "#edc948"),
)
TIMEOUT_S = 120.0
RUNS = 3

_SYLLABLES = (
    "ka",
    "ra",
    "to",
    "mi",
    "sa",
    "lo",
    "ve",
    "na",
    "du",
    "bel",
    "gor",
    "an",
    "ri",
    "tes",
    "qu",
    "zan",
    "ol",
    "me",
    "ha",
    "vik",
    "po",
    "lin",
    "dor",
    "as",
)
_OPENINGS = (
    "{actor} said that crowds in {place} {verb} {when}.",
    "Reports from {place} say {actor} {verb} {when}, with more expected.",
    "{when_cap}, {actor} {verb} near {place}, officials said.",
    "In {place}, residents described how {actor} {verb} {when}.",
    "Witnesses in {place} said little changed after {actor} {verb} {when}.",
)
_VERBS = {
    "Protests": "marched against the decree",
    "Riots": "hurled rocks at the police",
    "Battles": "fought for control of the bridge",
    "Explosions/Remote violence": "came under shelling",
    "Violence against civilians": "abducted two teachers",
    "Strategic developments": "deployed troops",
    "Diplomacy & statements": "warned of sanctions",
    "Humanitarian & economy": "reported fuel shortages",
    "": "met quietly",
}
_WHEN = (
    "on Monday",
    "late on Tuesday",
    "overnight",
    "this week",
    "on Friday morning",
    "at dawn",
    "during the weekend",
    "for a third day",
)


# -- the synthetic atlas ------------------------------------------------------------------


def _name(rng: random.Random, used: set[str]) -> str:
    while True:
        name = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()
        if name not in used:
            used.add(name)
            return name


def synthetic_atlas(
    places: int = PLACES, mentions: int = MENTIONS, seed: int = 1
) -> tuple[Atlas, list[str]]:
    """An atlas of ``places`` places and exactly ``mentions`` mentions, made from records.

    Sentences name one to three places (a few places are named far more than the rest, as
    in the news), up to two of ``ACTORS`` actors and up to two event types (a quarter none).
    Returns the atlas and its actor ids.
    """
    rng = random.Random(seed)
    used: set[str] = set()
    kinds: tuple[PlaceKind, ...] = ("city",) * 8 + ("admin1", "country")
    all_places = [
        Place(
            id=f"gn:{900_000 + i}",
            name=_name(rng, used),
            kind=rng.choice(kinds),
            lat=rng.uniform(-50, 68),
            lon=rng.uniform(-170, 178),
            country="Bench",
            country_code="BX",
        )
        for i in range(places)
    ]
    actors = [
        Actor(f"person:bench-{i}", f"{_name(rng, used)} {_name(rng, used)}", "person")
        for i in range(ACTORS)
    ]
    # Every place once, then the rest by a Zipf-like weight.
    weights = [1 / (rank + 1) ** 0.9 for rank in range(places)]
    queue = list(all_places) + rng.choices(all_places, weights, k=mentions - places)
    rng.shuffle(queue)
    analyses: list[ArticleAnalysis] = []
    sentences_per_article = 40
    while queue:
        analyses.append(_article(rng, len(analyses), queue, actors, sentences_per_article))
    return Atlas(analyses), [a.id for a in actors]


def _article(
    rng: random.Random, number: int, queue: list[Place], actors: list[Actor], sentences: int
) -> ArticleAnalysis:
    text = ""
    spans: list[Sentence] = []
    mentions: list[ResolvedMention] = []
    actor_mentions: list[ActorMention] = []
    events: list[EventTag] = []
    cast: dict[str, Actor] = {}
    for _ in range(sentences):
        if not queue:
            break
        named = [queue.pop() for _ in range(min(len(queue), rng.choice((1, 1, 1, 2, 2, 3))))]
        types = rng.sample([t for t, _ in EVENT_TYPES], rng.choice((0, 1, 1, 1, 2)))
        who = rng.sample(actors, rng.choice((0, 1, 1, 2)))
        place_text = " and ".join(p.name for p in named)
        actor_text = " with ".join(a.name for a in who) or "the authorities"
        sentence = rng.choice(_OPENINGS).format(
            actor=actor_text,
            place=place_text,
            verb=_VERBS[types[0] if types else ""],
            when=(when := rng.choice(_WHEN)),
            when_cap=when[0].upper() + when[1:],
        )
        sentence = sentence[0].upper() + sentence[1:]
        start = len(text) + (1 if text else 0)
        text = f"{text} {sentence}" if text else sentence
        span = Sentence(start, start + len(sentence))
        spans.append(span)
        at = start + sentence.index(place_text)
        for place in named:
            mention = PlaceMention(at, at + len(place.name), place.name, "gazetteer")
            mentions.append(ResolvedMention(mention, place, 0.9, span))
            at += len(place.name) + len(" and ")
        if who:
            at = start + sentence.index(actor_text)
            for actor in who:
                actor_mentions.append(ActorMention(actor.id, at, at + len(actor.name), actor.name))
                cast[actor.id] = actor
                at += len(actor.name) + len(" with ")
        for rank, event_type in enumerate(types):
            events.append(EventTag(event_type, 0.9 - rank / 5, "bench", start, start + 1, span))
    article_id = f"bench{number:04d}"
    return ArticleAnalysis(
        Article(article_id, f"Dispatch {number}: {_WHEN[number % len(_WHEN)]}", text, ""),
        tuple(spans),
        tuple(mentions),
        tuple(cast.values()),
        tuple(actor_mentions),
        tuple(events),
    )


# -- Qt (application and spin_until serve bench.export too) ------------------------------


def application() -> Any:
    """The running QApplication, or a new offscreen one (sandbox off as root)."""
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6 import (
        QtWebEngineWidgets,  # noqa: F401 -- before the QApplication (Qt's rule)
        QtWidgets,
    )

    app = QtWidgets.QApplication.instance()
    if app is None:
        app = QtWidgets.QApplication([sys.argv[0] if sys.argv else "bench", "--disable-gpu"])
    return app


def spin_until(
    done: Callable[[], bool],
    timeout_s: float = TIMEOUT_S,
    failure: str = "the page did not answer in time",
) -> None:
    """Run Qt's events until ``done()``; TimeoutError(``failure``) after ``timeout_s``."""
    from PySide6 import QtCore

    deadline = time.perf_counter() + timeout_s
    while not done():
        if time.perf_counter() > deadline:
            raise TimeoutError(failure)
        QtCore.QCoreApplication.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 5)
        time.sleep(0.0002)


class _View:
    """An offscreen web view with its own off-the-record profile."""

    def __init__(self) -> None:
        from PySide6 import QtWebEngineCore, QtWebEngineWidgets

        self.view = QtWebEngineWidgets.QWebEngineView()
        self.profile = QtWebEngineCore.QWebEngineProfile(self.view)
        self.page = QtWebEngineCore.QWebEnginePage(self.profile, self.view)
        self.view.setPage(self.page)
        self.view.resize(1400, 900)
        self.view.show()
        self.loaded: list[bool] = []
        self.view.loadFinished.connect(self.loaded.append)

    def js(self, script: str) -> object:
        box: list[object] = []
        self.page.runJavaScript(script, 0, box.append)
        spin_until(lambda: bool(box))
        return box[0]

    def load_until(self, path: Path, ready: str) -> float:
        """Seconds from load() until ``ready`` (a JS expression) is true."""
        from PySide6 import QtCore

        url = QtCore.QUrl.fromLocalFile(str(path))
        started = time.perf_counter()
        self.view.load(url)
        spin_until(lambda: bool(self.loaded))
        if self.loaded != [True]:
            raise RuntimeError(f"{path} did not load")
        spin_until(lambda: self.js(f"Boolean({ready})") is True)
        return time.perf_counter() - started

    def close(self) -> None:
        from PySide6 import QtCore

        self.view.stop()
        self.view.close()
        self.page.deleteLater()
        self.profile.deleteLater()
        self.view.deleteLater()
        QtCore.QCoreApplication.sendPostedEvents(None, QtCore.QEvent.Type.DeferredDelete)


# -- figures ---------------------------------------------------------------------------------


def _filters(atlas: Atlas, actor_ids: list[str]) -> list[dict[str, Any]]:
    articles = [a.id for a in atlas.articles]
    open_ = {"actors": None, "eventTypes": None, "articles": None}
    return [
        {**open_, "eventTypes": ["Protests"]},
        {**open_, "eventTypes": ["Battles", "Riots"]},
        {**open_, "actors": actor_ids[:3]},
        {**open_, "eventTypes": [""]},
        {**open_, "articles": articles[: len(articles) // 4]},
        {**open_, "actors": actor_ids[5:6], "eventTypes": ["Diplomacy & statements"]},
        {**open_, "eventTypes": [t for t, _ in EVENT_TYPES[:5]], "articles": articles[::2]},
        open_,
    ]


def _time_filters(
    view: _View, filters: list[dict[str, Any]], strategy: str
) -> tuple[list[float], list[float], list[float]]:
    page_ms: list[float] = []
    roundtrip_ms: list[float] = []
    frame_ms: list[float] = []
    options = json.dumps({"strategy": strategy})
    for _ in range(2):
        for where in filters:
            script = (
                "(function () { var t0 = performance.now(); window.__benchFrame = null;"
                f" var r = Dateline.setFilter({json.dumps(where)}, {options});"
                " requestAnimationFrame(function () { setTimeout(function () {"
                " window.__benchFrame = performance.now() - t0; }, 0); });"
                " return r; })()"
            )
            started = time.perf_counter()
            result = view.js(script)
            roundtrip_ms.append((time.perf_counter() - started) * 1000)
            if not isinstance(result, str):
                raise RuntimeError(f"setFilter gave {result!r}")
            page_ms.append(float(json.loads(result)["ms"]))
            spin_until(lambda: view.js("window.__benchFrame !== null") is True)
            frame = view.js("window.__benchFrame")
            frame_ms.append(float(frame) if isinstance(frame, int | float) else float("nan"))
    return page_ms, roundtrip_ms, frame_ms


def _spread_over_regions(pins: dict[str, Any], seed: int = 2) -> dict[str, Any]:
    """The pins with real country and state shapes ("cid", "a1"): the synthetic places are
    all in one made-up country, which the choropleth has no shape for."""
    from mapper.page import regions

    rng = random.Random(seed)
    states: dict[str, list[str]] = {}
    for (country, _), code in regions._admin1_names().items():
        states.setdefault(country, [])
        if code not in states[country]:
            states[country].append(code)
    countries = sorted(c for c in states if regions.country_shape_id(c))
    features = []
    for feature in pins["features"]:
        props = dict(feature["properties"])
        country = rng.choice(countries)
        props["cid"] = regions.country_shape_id(country)
        props["a1"] = "" if props["kind"] == "country" else rng.choice(states[country])
        features.append({**feature, "properties": props})
    return {**pins, "features": features}


def _time_choropleth(folder: Path, pins: dict[str, Any]) -> tuple[list[float], list[float]]:
    """(to the next frame, in the page) ms of switching from pins to the choropleth."""
    index = mapview.write_page(folder / "choropleth", _spread_over_regions(pins), bridge=False)
    view = _View()
    frame_ms: list[float] = []
    page_ms: list[float] = []
    try:
        view.load_until(index, "window.datelineReady === true")
        for _ in range(5):
            view.js(mapview.js_call("setMapView", "pins"))
            script = (
                "(function () { var t0 = performance.now(); window.__benchFrame = null;"
                " var r = Dateline.setMapView('choropleth');"
                " requestAnimationFrame(function () { setTimeout(function () {"
                " window.__benchFrame = performance.now() - t0; }, 0); });"
                " return r; })()"
            )
            result = view.js(script)
            if not isinstance(result, str) or not json.loads(result)["countries"]:
                raise RuntimeError(f"setMapView gave {result!r}")
            page_ms.append(float(json.loads(result)["ms"]))
            spin_until(lambda: view.js("window.__benchFrame !== null") is True)
            frame = view.js("window.__benchFrame")
            frame_ms.append(float(frame) if isinstance(frame, int | float) else float("nan"))
    finally:
        view.close()
    return frame_ms, page_ms


def _dateline_figures(folder: Path) -> dict[str, Any]:
    started = time.perf_counter()
    atlas, actor_ids = synthetic_atlas()
    atlas_s = time.perf_counter() - started
    started = time.perf_counter()
    pins = mapview.pins_feature_collection(atlas, event_types=EVENT_TYPES)
    payload_s = time.perf_counter() - started
    mentions = sum(f["properties"]["count"] for f in pins["features"])
    if (len(pins["features"]), mentions) != (PLACES, MENTIONS):
        raise RuntimeError(f"synthetic atlas: {len(pins['features'])} places, {mentions} mentions")
    started = time.perf_counter()
    index = mapview.write_page(folder / "dateline", pins, bridge=False)
    write_s = time.perf_counter() - started
    payload_mb = len(mapview._json_for_html(pins).encode("utf-8")) / 1e6

    ready = "window.datelineReady === true && document.querySelector('.dl-pin, .dl-cluster')"
    ready_s: list[float] = []
    filters = _filters(atlas, actor_ids)
    for run in range(RUNS):
        view = _View()
        try:
            ready_s.append(view.load_until(index, ready))
            if run == RUNS - 1:  # filters on the last page loaded
                rebuild_ms, _, _ = _time_filters(view, filters, "rebuild")
                page_ms, roundtrip_ms, frame_ms = _time_filters(view, filters, "diff")
                shown = view.js(mapview.js_call("setFilter", filters[0]))
        finally:
            view.close()
    excerpts = len(
        {e for f in pins["features"] for e in (x["id"] for x in f["properties"]["excerpts"])}
    )
    choropleth_ms, choropleth_page_ms = _time_choropleth(folder, pins)
    return {
        "choropleth_20k_ms": round(statistics.median(choropleth_ms), 1),
        "choropleth_20k_page_ms": round(statistics.median(choropleth_page_ms), 1),
        "page_ready_20k_s": round(statistics.median(ready_s), 3),
        "page_ready_20k_runs_s": [round(s, 3) for s in ready_s],
        "filter_20k_ms": round(statistics.median(page_ms), 1),
        "filter_20k_max_ms": round(max(page_ms), 1),
        "filter_20k_roundtrip_ms": round(statistics.median(roundtrip_ms), 1),
        "filter_20k_to_frame_ms": round(statistics.median(frame_ms), 1),
        "filter_20k_rebuild_ms": round(statistics.median(rebuild_ms), 1),
        "filter_20k_protests_only": json.loads(str(shown)),
        "payload_20k_mb": round(payload_mb, 2),
        "payload_20k_excerpts": excerpts,
        "payload_20k_build_s": round(payload_s, 3),
        "page_20k_write_s": round(write_s, 3),
        "synthetic_atlas_s": round(atlas_s, 3),
    }


def _folium_page(path: Path, places: list[Place], counts: dict[str, int]) -> None:
    """The stock folium way: one folium.Marker (with a tooltip) per place, clustered."""
    import folium
    from folium import plugins

    fmap = folium.Map(location=[20.0, 0.0], zoom_start=2, tiles=None)
    # With no tile layer, folium drops max_zoom; markercluster needs the map to have one.
    fmap.options["max_zoom"] = mapview.MAX_ZOOM
    # Per-instance lists (the class-level ones point at CDNs): Leaflet and markercluster
    # from the same local files as Dateline's page; nothing else is needed for plain markers.
    fmap.default_js = [("leaflet", mapview._leaflet_js().as_uri())]
    fmap.default_css = [("leaflet_css", mapview._leaflet_css().as_uri())]
    cluster = plugins.MarkerCluster()  # type: ignore[no-untyped-call]  # folium: unannotated
    markercluster = mapview._markercluster_js().parent
    cluster.default_js = [("markerclusterjs", mapview._markercluster_js().as_uri())]
    cluster.default_css = [
        ("markerclustercss", (markercluster / "MarkerCluster.css").as_uri()),
        ("markerclusterdefaultcss", (markercluster / "MarkerCluster.Default.css").as_uri()),
    ]
    cluster.add_to(fmap)
    for place in places:
        # Tooltips, not popups: folium's popups need jQuery, which has no local copy here.
        folium.Marker(
            [place.lat, place.lon], tooltip=f"{place.name}: {counts[place.id]} mentions"
        ).add_to(cluster)
    fmap.save(str(path))


def _folium_figures(folder: Path) -> dict[str, Any]:
    atlas, _ = synthetic_atlas(mentions=MENTIONS)
    places = atlas.places()
    counts = atlas.mention_counts()
    ready = "document.querySelectorAll('.leaflet-marker-icon, .marker-cluster').length > 0"
    totals: list[float] = []
    generate: list[float] = []
    for run in range(RUNS):
        path = folder / f"folium{run}.html"
        started = time.perf_counter()
        _folium_page(path, places, counts)
        generated = time.perf_counter() - started
        view = _View()
        try:
            loaded = view.load_until(path, ready)
        finally:
            view.close()
        generate.append(generated)
        totals.append(generated + loaded)
    html = (folder / "folium0.html").read_text(encoding="utf-8")
    if "https://" in html.split("<body>")[0]:
        raise RuntimeError("the folium baseline page links a CDN")
    return {
        "folium_markers_2k_page_ready_s": round(statistics.median(totals), 3),
        "folium_markers_2k_python_s": round(statistics.median(generate), 3),
        "folium_markers_2k_page_mb": round(len(html.encode("utf-8")) / 1e6, 2),
    }


def _warm_up(folder: Path) -> None:
    """Start Chromium's processes once, so that neither page pays for it."""
    index = mapview.write_page(folder / "warm", None, bridge=False)
    view = _View()
    try:
        view.load_until(index, "window.datelineReady === true")
    finally:
        view.close()


def run() -> dict[str, Any]:
    """Measure the map page with 20,000 mentions, and the stock folium way for comparison."""
    application()
    with tempfile.TemporaryDirectory(prefix="dateline-bench-") as tmp:
        folder = Path(tmp)
        _warm_up(folder)
        results = _dateline_figures(folder)
        results.update(_folium_figures(folder))
    return results


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
