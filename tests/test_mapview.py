"""The map page and its pins, without Qt: what the page contains, what it may load."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from atlas_factory import ROSA, Said, article, place

from mapper.atlas import Atlas
from mapper.page import mapview
from mapper.types import Actor, ActorMention, ArticleAnalysis, EventTag

CARACAS = place("gn:3646738", "Caracas", "city", 10.488, -66.879, "Venezuela")
VENEZUELA = place("cc:VE", "Venezuela", "country", 8.0, -66.0, "Venezuela")
CUBA = place("cc:CU", "Cuba", "country", 22.0, -79.5, "Cuba")

HOSTILE = "</script><script>alert(1)</script>"
HOSTILE_IMG = "<img src=x onerror=alert(1)>"
CDN_NAMES = ("cdn.jsdelivr", "cdnjs", "unpkg", "code.jquery", "bootstrapcdn", "fontawesome")


def analysis(article_id: str, title: str, sentences: list[str]) -> ArticleAnalysis:
    """An analysed article whose place mentions are every occurrence of a known place name."""
    known = (CARACAS, VENEZUELA, CUBA)
    return article(article_id, title, [Said(sentence, known) for sentence in sentences])


@pytest.fixture
def atlas() -> Atlas:
    first = analysis(
        "a1",
        "Crisis in Venezuela",
        [
            "Protests in Caracas.",
            "Venezuela and Cuba traded accusations over Caracas.",
            "Crowds returned to Caracas on Friday.",
            "Caracas stayed calm overnight.",
            "Nobody else was mentioned here.",
        ],
    )
    second = analysis("a2", "Havana reacts", ["Cuba said Caracas must decide."])
    return Atlas([first, second])


@pytest.fixture
def hostile_atlas() -> Atlas:
    return Atlas(
        [analysis("evil", f"Title {HOSTILE}", [f"Caracas {HOSTILE} {HOSTILE_IMG} <!-- & more."])]
    )


def feature(collection: dict[str, object], place_id: str) -> dict[str, object]:
    features = collection["features"]
    assert isinstance(features, list)
    return next(f for f in features if f["properties"]["id"] == place_id)


class _Assets(HTMLParser):
    """Every URL the page loads: script src, stylesheet href, image src."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.csp: list[str] = []
        self.json_blocks = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "script" and a.get("src"):
            self.urls.append(a["src"] or "")
        elif tag == "link" and a.get("href"):
            self.urls.append(a["href"] or "")
        elif tag == "img" and a.get("src"):
            self.urls.append(a["src"] or "")
        elif tag == "meta" and (a.get("http-equiv") or "").lower() == "content-security-policy":
            self.csp.append(a.get("content") or "")
        if tag == "script" and a.get("type") == "application/json":
            self.json_blocks += 1


def assets(page: str) -> _Assets:
    parser = _Assets()
    parser.feed(page)
    parser.close()
    return parser


# -- pins ---------------------------------------------------------------------------


def test_pins_are_geojson_points_in_lon_lat_order(atlas: Atlas) -> None:
    pins = mapview.pins_feature_collection(atlas)
    assert pins["type"] == "FeatureCollection"
    caracas = feature(pins, CARACAS.id)
    assert caracas["type"] == "Feature"
    assert caracas["geometry"] == {"type": "Point", "coordinates": [-66.879, 10.488]}
    props = caracas["properties"]
    assert isinstance(props, dict)
    assert (props["name"], props["kind"], props["country"]) == ("Caracas", "city", "Venezuela")
    # Round-trips through strict JSON (no NaN), as the page and the GeoJSON export need.
    assert json.loads(json.dumps(pins, allow_nan=False)) == pins


def test_pins_count_mentions_and_order_most_mentioned_first(atlas: Atlas) -> None:
    pins = mapview.pins_feature_collection(atlas)
    counts = {f["properties"]["id"]: f["properties"]["count"] for f in pins["features"]}
    assert counts == {CARACAS.id: 5, CUBA.id: 2, VENEZUELA.id: 1}
    assert pins["features"][0]["properties"]["id"] == CARACAS.id


def test_every_excerpt_is_in_the_payload_with_its_place_highlighted(atlas: Atlas) -> None:
    props = feature(mapview.pins_feature_collection(atlas), CARACAS.id)["properties"]
    excerpts = props["excerpts"]
    assert len(excerpts) == 5 and props["more"] == 0  # five sentences mention Caracas
    assert excerpts[0] == {
        "id": "a1:0",
        "article": "a1",
        "title": "Crisis in Venezuela",
        "text": "Protests in Caracas.",
        "highlights": [[12, 19]],
        "n": 1,
        "actors": [],
        "events": [],
    }
    # "Venezuela and Cuba traded accusations over Caracas.": only Caracas is highlighted.
    second = excerpts[1]
    assert [second["text"][s:e] for s, e in second["highlights"]] == ["Caracas"]
    assert [e["article"] for e in excerpts] == ["a1", "a1", "a1", "a1", "a2"]
    assert sum(e["n"] for e in excerpts) == props["count"]


def test_excerpts_can_still_be_limited(atlas: Atlas) -> None:
    props = feature(mapview.pins_feature_collection(atlas, excerpts_per_pin=2), CARACAS.id)[
        "properties"
    ]
    assert [e["id"] for e in props["excerpts"]] == ["a1:0", "a1:21"]
    assert props["more"] == 3
    assert props["count"] == 5  # the count is of every mention, shown or not


def test_pins_follow_the_chosen_articles(atlas: Atlas) -> None:
    pins = mapview.pins_feature_collection(atlas, iter(["a2"]))
    counts = {f["properties"]["id"]: f["properties"]["count"] for f in pins["features"]}
    assert counts == {CUBA.id: 1, CARACAS.id: 1}
    excerpt = feature(pins, CUBA.id)["properties"]["excerpts"][0]
    assert excerpt["title"] == "Havana reacts"
    assert excerpt["text"][slice(*excerpt["highlights"][0])] == "Cuba"


def test_zero_excerpts_still_counts_them_as_more(atlas: Atlas) -> None:
    props = feature(mapview.pins_feature_collection(atlas, excerpts_per_pin=0), CARACAS.id)[
        "properties"
    ]
    assert props["excerpts"] == []
    assert props["more"] == 5
    with pytest.raises(ValueError):
        mapview.pins_feature_collection(atlas, excerpts_per_pin=-1)


def test_an_empty_atlas_gives_an_empty_collection() -> None:
    assert mapview.pins_feature_collection(Atlas()) == {
        "type": "FeatureCollection",
        "features": [],
        "dateline": {"eventTypes": [], "noEventColor": mapview.NO_EVENT_COLOR, "actors": {}},
    }


EVENT_TYPES = [("Protests", "#E07B39"), ("Battles", "#7b3294"), ("Protests", "#000000")]
MADURO = Actor("person:nicolas-maduro", "Nicolas Maduro", "person", ("Maduro",))
GUAIDO = Actor("person:juan-guaido", "Juan Guaido", "person")


@pytest.fixture
def tagged_atlas() -> Atlas:
    """Caracas in a protest sentence naming Maduro (by surname) and Guaido, then untyped."""
    base = analysis(
        "t1",
        "Tagged",
        ["Maduro faced Guaido's rally in Caracas and Caracas again.", "Cuba watched."],
    )
    text = base.article.text
    first = base.sentences[0]
    mentions = (
        ActorMention(MADURO.id, 0, 6, "Maduro"),
        ActorMention(GUAIDO.id, 13, 19, "Guaido"),
    )
    assert [text[m.start : m.end] for m in mentions] == ["Maduro", "Guaido"]
    events = (
        EventTag("Protests", 0.9, "rally", 22, 27, first),
        EventTag("Diplomacy & statements", 0.4, "faced", 7, 12, first),
    )
    return Atlas([replace(base, actors=(MADURO, GUAIDO), actor_mentions=mentions, events=events)])


def test_excerpts_carry_their_actors_and_event_types(tagged_atlas: Atlas) -> None:
    pins = mapview.pins_feature_collection(tagged_atlas, event_types=EVENT_TYPES)
    caracas = feature(pins, CARACAS.id)["properties"]
    (excerpt,) = caracas["excerpts"]
    assert excerpt["n"] == 2 and caracas["count"] == 2
    assert len(excerpt["highlights"]) == 2
    assert excerpt["actors"] == [MADURO.id, GUAIDO.id]
    assert excerpt["events"] == ["Protests", "Diplomacy & statements"]  # best first
    (cuba_excerpt,) = feature(pins, CUBA.id)["properties"]["excerpts"]
    assert (cuba_excerpt["actors"], cuba_excerpt["events"]) == ([], [])


def test_the_foreign_member_carries_taxonomy_and_actor_names(tagged_atlas: Atlas) -> None:
    pins = mapview.pins_feature_collection(tagged_atlas, event_types=EVENT_TYPES)
    assert set(pins) == {"type", "features", "dateline"}
    meta = pins["dateline"]
    # In display order, colours lower-cased, a repeated name kept once (the first).
    assert meta["eventTypes"] == [
        {"name": "Protests", "color": "#e07b39"},
        {"name": "Battles", "color": "#7b3294"},
    ]
    assert re.fullmatch(r"#[0-9a-f]{6}", meta["noEventColor"])
    assert meta["actors"] == {MADURO.id: "Nicolas Maduro", GUAIDO.id: "Juan Guaido"}
    with pytest.raises(ValueError, match="colour"):
        mapview.pins_feature_collection(tagged_atlas, event_types=[("Riots", "red")])


def test_the_payload_of_many_mentions_stays_compact() -> None:
    """Each mention costs its sentence and title plus a small, fixed overhead."""
    sentences = [f"Crowds number {i} gathered in Caracas." for i in range(400)]
    pins = mapview.pins_feature_collection(
        Atlas([analysis("c1", "Caracas daily", sentences)]), event_types=EVENT_TYPES
    )
    page = mapview.build_page(pins)
    block = re.search(r'id="dateline-pins">(.*?)</script>', page, re.DOTALL)
    assert block is not None
    data = block.group(1)
    assert "\n" not in data and '": ' not in data and '", "' not in data  # no spaces
    (caracas,) = pins["features"]
    excerpts = caracas["properties"]["excerpts"]
    assert len(excerpts) == 400
    strings = sum(len(e["text"]) + len(e["title"]) + len(e["id"]) for e in excerpts)
    # What the pin costs without its excerpts (its own properties, the taxonomy) is not theirs.
    alone = {**caracas, "properties": {**caracas["properties"], "excerpts": []}}
    fixed = len(mapview._json_for_html({**pins, "features": [alone]}))
    assert (len(data) - fixed - strings) / len(excerpts) < 100


# -- the page -----------------------------------------------------------------------


@pytest.mark.parametrize("inline_assets", [False, True])
@pytest.mark.parametrize("bridge", [False, True])
def test_page_loads_nothing_from_the_network(
    atlas: Atlas, inline_assets: bool, bridge: bool
) -> None:
    page = mapview.build_page(
        mapview.pins_feature_collection(atlas), bridge=bridge, inline_assets=inline_assets
    )
    found = assets(page)
    for url in found.urls:
        assert not url.lower().startswith(("http:", "https:", "//")), url
    for name in CDN_NAMES:
        assert name not in page.lower()
    for forbidden in ("jquery", "bootstrap", "awesome-markers", "font-awesome"):
        assert forbidden not in " ".join(found.urls).lower()
    assert ("qrc:///qtwebchannel/qwebchannel.js" in found.urls) == bridge
    if inline_assets:
        assert "file:" not in page
        assert found.urls == (["qrc:///qtwebchannel/qwebchannel.js"] if bridge else [])
    else:
        assert all(url.startswith(("file:///", "qrc:///")) for url in found.urls)


def test_page_has_leaflet_markercluster_and_our_assets(atlas: Atlas) -> None:
    names = [Path(urlparse(u).path).name for u in assets(mapview.build_page()).urls]
    for expected in (
        "leaflet.js",
        "leaflet.markercluster.js",
        "leaflet.css",
        "MarkerCluster.css",
        "dateline.css",
    ):
        assert expected in names
    # Our script, joined from its parts, is inside the page whether the rest is linked or not.
    assert "window.Dateline = {" in mapview.build_page()
    inline = mapview.build_page(inline_assets=True)
    assert "L.markerClusterGroup" in inline and "window.Dateline" in inline
    # Leaflet's own images (layer control, default marker) come along as data: URIs.
    assert "url(images/" not in inline and "data:image/png;base64," in inline


def test_basemap_is_included_when_present(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    basemap = tmp_path / "countries.js"
    basemap.write_text(
        'window.DATELINE_BASEMAP = {"type": "FeatureCollection", "features": []};\n'
        "window.DATELINE_COUNTRY_LABELS = [];\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(mapview, "_basemap_file", lambda: basemap)
    assert basemap.as_uri() in assets(mapview.build_page()).urls
    assert "window.DATELINE_BASEMAP" in mapview.build_page(inline_assets=True)

    monkeypatch.setattr(mapview, "_basemap_file", lambda: None)
    page = mapview.build_page()
    assert not any("basemap" in url for url in assets(page).urls)
    assert "window.Dateline.init(" in page


def test_content_security_policy_allows_only_local_content(atlas: Atlas) -> None:
    for inline_assets in (False, True):
        page = mapview.build_page(
            mapview.pins_feature_collection(atlas), inline_assets=inline_assets
        )
        (policy,) = assets(page).csp
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
        assert directives["default-src"] == "'none'"
        assert directives["connect-src"] == "'none'"
        assert "'unsafe-inline'" not in directives["script-src"]
        assert "'unsafe-eval'" not in directives["script-src"]
        for sources in directives.values():
            assert "http" not in sources and "*" not in sources
        # Every inline script is allowed by its hash, nothing else inline runs.
        inline_scripts = re.findall(r"<script>(.*?)</script>", page, re.DOTALL)
        assert inline_scripts
        assert directives["script-src"].count("'sha256-") == len(set(inline_scripts))
        # The policy precedes every script and stylesheet.
        assert page.index("Content-Security-Policy") < page.index("<script")
        assert page.index("Content-Security-Policy") < page.index("<style")


def test_hostile_article_text_cannot_escape_the_data_block(hostile_atlas: Atlas) -> None:
    pins = mapview.pins_feature_collection(
        hostile_atlas, event_types=[(HOSTILE, "#123456"), (HOSTILE_IMG, "#654321")]
    )
    pins["dateline"]["actors"]["x"] = HOSTILE  # actor names are article text too
    for inline_assets in (False, True):
        page = mapview.build_page(pins, inline_assets=inline_assets)
        assert HOSTILE not in page
        assert HOSTILE_IMG not in page
        assert "alert(1)</script>" not in page
        assert "<img" not in page
        assert "<!-- &" not in page
        found = assets(page)
        assert found.urls == [u for u in found.urls if u != "x"]  # no <img src=x>
        assert found.json_blocks == 1
        # The data block decodes back to exactly the pins (the text is intact, just inert).
        block = re.search(
            r'<script type="application/json" id="dateline-pins">(.*?)</script>', page, re.DOTALL
        )
        assert block is not None
        assert json.loads(block.group(1)) == pins


def test_js_call_serialises_arguments_as_inert_json(hostile_atlas: Atlas) -> None:
    pins = mapview.pins_feature_collection(hostile_atlas)
    script = mapview.js_call("setPins", pins)
    assert script.startswith("window.Dateline.setPins(") and script.endswith(")")
    assert HOSTILE not in script and "<" not in script
    assert json.loads(script[len("window.Dateline.setPins(") : -1]) == pins
    assert mapview.js_call("flyTo", "gn:3646738") == 'window.Dateline.flyTo("gn:3646738")'
    with pytest.raises(ValueError):
        mapview.js_call("eval", "alert(1)")


def _decoded_call(script: str, function: str) -> object:
    prefix = f"window.Dateline.{function}("
    assert script.startswith(prefix) and script.endswith(")")
    return json.loads(script[len(prefix) : -1])


def test_the_encoded_pins_of_a_growing_atlas_are_always_the_whole_payload() -> None:
    """The window's payload, re-encoding only what changed, decodes to the pins of the atlas
    as it is now: new places, new counts, and old excerpts whose actor a later article
    merged ("Maduro" becomes "Nicolas Maduro"), removed articles gone."""
    maduro = Actor("person:maduro", "Maduro", "person")
    nicolas_maduro = Actor("person:nicolas-maduro", "Nicolas Maduro", "person")
    analyses = [
        article(
            "a1",
            "Rally",
            [
                Said("Maduro spoke in Caracas.", [CARACAS], [maduro], ["Protests"]),
                Said(f"Rosa Quispe {HOSTILE} in Venezuela.", [VENEZUELA], [ROSA]),
            ],
        ),
        article("a2", "Visit", [Said("Nicolas Maduro flew to Cuba.", [CUBA], [nicolas_maduro])]),
        article("a3", "Again", [Said("Caracas and Cuba & more.", [CARACAS, CUBA], [], ["Riots"])]),
    ]
    encoder = mapview.PinsEncoder()
    atlas = Atlas()
    for analysis in analyses:
        atlas.add(analysis)
        encoded = encoder.encode(atlas, event_types=EVENT_TYPES)
        assert not set("<>&") & set(encoded.text)  # inert inside the page, like js_call's
        expected = mapview.pins_feature_collection(atlas, event_types=EVENT_TYPES)
        assert json.loads(encoded.text) == expected
        assert _decoded_call(mapview.js_call("setPins", encoded), "setPins") == expected
    said_in_caracas = feature(json.loads(encoded.text), CARACAS.id)["properties"]["excerpts"]
    assert said_in_caracas[0]["actors"] == [nicolas_maduro.id]
    atlas.remove("a3")
    assert json.loads(encoder.encode(atlas, event_types=EVENT_TYPES).text) == (
        mapview.pins_feature_collection(atlas, event_types=EVENT_TYPES)
    )
    assert json.loads(encoder.encode(Atlas()).text) == mapview.pins_feature_collection(Atlas())


def test_title_is_escaped() -> None:
    page = mapview.build_page(title="<b>Venezuela</b> & co")
    assert "<title>&lt;b&gt;Venezuela&lt;/b&gt; &amp; co</title>" in page


def test_the_same_input_gives_the_same_page(atlas: Atlas) -> None:
    pins = mapview.pins_feature_collection(atlas)
    assert mapview.build_page(pins) == mapview.build_page(pins)


def test_folium_class_level_cdn_lists_are_left_alone() -> None:
    import folium

    before = (list(folium.Map.default_js), list(folium.Map.default_css))
    mapview.build_page()
    mapview.build_page(inline_assets=True)
    assert (folium.Map.default_js, folium.Map.default_css) == before


def test_write_page_references_existing_local_files(atlas: Atlas, tmp_path: Path) -> None:
    target = tmp_path / "page"
    path = mapview.write_page(target, mapview.pins_feature_collection(atlas))
    assert path == target / "index.html"
    page = path.read_text(encoding="utf-8")
    assert page == mapview.build_page(mapview.pins_feature_collection(atlas))
    local = [u for u in assets(page).urls if u.startswith("file:")]
    assert len(local) >= 6
    for url in local:
        assert Path(unquote(urlparse(url).path)).is_file(), url
    assert sorted(p.name for p in target.iterdir()) == ["index.html"]


def test_resources_are_found_next_to_the_package() -> None:
    for name in mapview.PAGE_SCRIPTS:
        assert (mapview.resources_dir() / "map" / "js" / name).is_file()
    assert mapview.resource_path("map/dateline.css").is_file()
    for bad in ("/etc/passwd", "../pyproject.toml", "map/../../pyproject.toml", "", "map\\x"):
        with pytest.raises(ValueError):
            mapview.resource_path(bad)


def test_page_script_exposes_the_api_the_window_calls() -> None:
    script = mapview.page_script()
    for name in sorted(mapview.JS_API):
        assert re.search(rf"\b{name}: {name}\b", script), name
    for bridge_call in ("pageReady", "placeClicked", "excerptClicked", "placeContextMenu"):
        assert f"'{bridge_call}'" in script
    # Article strings reach the DOM through textContent only.
    code = re.sub(r"/\*.*?\*/|//[^\n]*", "", script, flags=re.DOTALL)
    assert "innerHTML" not in code and "insertAdjacentHTML" not in code
    # One strict-mode function around every part; block-scoped declarations only.
    assert code.startswith("(function () {\n'use strict';")
    assert not re.search(r"\bvar\b", code)


def test_mapview_does_not_import_qt() -> None:
    code = (
        "import sys, mapper.page.mapview; "
        "sys.exit(any(m.split('.')[0] in ('PySide6', 'shiboken6') for m in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


# -- pages for exports -------------------------------------------------------------------


def page_config(page: str) -> dict[str, object]:
    """The config the page hands to Dateline.init."""
    match = re.search(r"window\.Dateline\.init\(\w+, (\{.*?\})\);", page, re.DOTALL)
    assert match is not None
    config = json.loads(match.group(1))
    assert isinstance(config, dict)
    return config


def test_the_window_page_has_no_export_options() -> None:
    config = page_config(mapview.build_page())
    assert not {"static", "view", "filter", "legend", "scaleBar", "dateControl"} & set(config)
    assert config["attribution"] == mapview.ATTRIBUTION


def test_an_export_page_carries_its_view_filter_and_mode(atlas: Atlas) -> None:
    from mapper.filters import Filter

    where = Filter.of(actors=["state:VE"], event_types=["Protests", ""])
    page = mapview.build_page(
        mapview.pins_feature_collection(atlas),
        bridge=False,
        inline_assets=True,
        view=(10.5, -66.9, 99),
        where=where,
        static=True,
        legend=False,
        scale_bar=False,
    )
    config = page_config(page)
    assert config["view"] == [10.5, -66.9, mapview.MAX_ZOOM]  # zoom clamped
    assert config["filter"] == where.to_json()
    assert (config["static"], config["legend"], config["scaleBar"]) == (True, False, False)
    # Nothing animates in a snapshot, and there are no zoom buttons to photograph.
    init = re.search(r"L\.map\(.*?\);", page, re.DOTALL)
    assert init is not None
    for option in (
        '"zoomAnimation": false',
        '"fadeAnimation": false',
        '"markerZoomAnimation": false',
        '"zoomControl": false',
    ):
        assert option in init.group(0), option
    # An open filter is no filter.
    assert "filter" not in page_config(mapview.build_page(where=Filter()))


@pytest.mark.parametrize("view", [(91.0, 0.0, 3.0), (float("nan"), 0.0, 3.0), (0, 0, float("inf"))])
def test_a_bad_view_is_refused(view: tuple[float, float, float]) -> None:
    with pytest.raises(ValueError):
        mapview.build_page(view=view)


def test_a_frame_puts_escaped_text_around_the_map() -> None:
    frame = mapview.Frame(
        title=f"Report {HOSTILE}",
        subtitle=HOSTILE_IMG,
        note="Event type: Protests",
        sources=(f"A {HOSTILE}", "B & C"),
        more_sources=3,
        credits=("Basemap: Natural Earth", "GeoNames (CC BY 4.0)"),
        date="2024-05-01",
        width=1000,
        height=700,
    )
    page = mapview.build_page(bridge=False, inline_assets=True, frame=frame)
    assert HOSTILE not in page and HOSTILE_IMG not in page and "<img" not in page
    assert "<title>Report &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;</title>" in page
    assert '<h1 class="dl-frame-title">Report &lt;/script&gt;' in page
    assert "B &amp; C" in page and "and 3 more" in page and "2024-05-01" in page
    assert "Basemap: Natural Earth \u00b7 GeoNames (CC BY 4.0)" in page
    # The composition is exactly the frame's size, and prints on one page of that size.
    assert "html, body { width: 1000px; height: 700px;" in page
    assert "@page { size: 1000px 700px; margin: 0; }" in page
    # The credits are in the footer, so the map's own attribution control goes.
    assert page_config(page)["attribution"] is None
    assert '"attributionControl": false' in page
    # The header goes when there is no title.
    bare = mapview.build_page(frame=mapview.Frame(credits=("x",)))
    assert "dl-frame-header" not in bare.split("</head>")[1]
    assert "dl-frame-footer" in bare.split("</head>")[1]
    assert "@page" not in bare  # a page filling the window has no fixed size


def test_an_export_page_keeps_the_policy_strict(atlas: Atlas) -> None:
    page = mapview.build_page(
        mapview.pins_feature_collection(atlas),
        bridge=False,
        inline_assets=True,
        static=True,
        frame=mapview.Frame(title="T", credits=("c",), width=800, height=600),
    )
    (policy,) = assets(page).csp
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'none'" and directives["connect-src"] == "'none'"
    assert "file:" not in policy and "qrc:" not in policy and "http" not in policy
    inline_scripts = re.findall(r"<script>(.*?)</script>", page, re.DOTALL)
    assert directives["script-src"].count("'sha256-") == len(set(inline_scripts))
    assert assets(page).urls == []
