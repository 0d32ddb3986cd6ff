"""Exports, read back: GeoJSON, CSV, KML and HTML parsed as their readers would, and the
HTML export and report page loaded in a real, offline web view."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import json
import os
import re
import stat
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from atlas_factory import EVENT_TYPES, ROSA, UNION, Said, article, place
from conftest import PAGE_TIMEOUT_MS

from mapper.atlas import Atlas
from mapper.export import common, csv_rows, geojson, html, kml
from mapper.filters import NO_EVENT, OPEN, Filter
from mapper.page import mapview

KML = "{http://www.opengis.net/kml/2.2}"
HOSTILE_SCRIPT = "</script><script>window.__pwned=1</script>"
HOSTILE_IMG = "<img src=x onerror=window.__pwned=2>"
HOSTILE_KML = "<script>alert(1)</script>"

LIMA = place("gn:3936456", "Lima", "city", -12.04318, -77.02824, "Peru")
PERU = place("cc:PE", "Peru", "country", -10.0, -76.0, "Peru")
KYIV = place("gn:703448", "Kyiv", "city", 50.45466, 30.5238, "Ukraine")
CAIRO = place("gn:360630", "Cairo", "city", 30.06263, 31.24967, "Egypt")
BEIJING = place("gn:1816670", "Beijing", "city", 39.9075, 116.39723, "China")

TRICKY_TITLE = 'Says "no", then, ‘maybe’ — القاهرة 北京 🚩'
TRICKY_SENTENCE = 'In Cairo, crowds chanted "leave, now!",\nand ‘wait’ — القاهرة تحتج 🚩.'


@pytest.fixture
def atlas() -> Atlas:
    """Lima: protests (twice) naming Rosa Quispe; Kyiv: a battle; Peru: diplomacy;
    Cairo and Beijing: no event type, in an article with tricky text."""
    return Atlas(
        [
            article(
                "a1",
                "Unrest in Peru",
                [
                    Said("Rosa Quispe led thousands through Lima.", [LIMA], [ROSA], ["Protests"]),
                    Said("Lima, again, marched.", [LIMA], (), ["Protests", "Riots"]),
                    Said(
                        "Peru protested to Ukraine over Kyiv.",
                        [PERU, KYIV],
                        (),
                        ["Diplomacy & statements"],
                    ),
                    Said(
                        "Fighting near Kyiv went on, the Miners Union said.",
                        [KYIV],
                        [UNION],
                        ["Battles"],
                    ),
                ],
                source="/articles/peru.txt",
            ),
            article(
                "a2",
                TRICKY_TITLE,
                [Said(TRICKY_SENTENCE, [CAIRO]), Said("Beijing watched, 北京.", [BEIJING])],
            ),
        ]
    )


@pytest.fixture
def hostile_atlas() -> Atlas:
    title = f"Title {HOSTILE_SCRIPT} {HOSTILE_IMG}"
    return Atlas(
        [
            article(
                "evil",
                title,
                [
                    Said(
                        f"Lima {HOSTILE_SCRIPT} {HOSTILE_IMG} {HOSTILE_KML} & more.",
                        [LIMA],
                        (),
                        ["Protests"],
                    )
                ],
                source=f"/tmp/{HOSTILE_IMG}.txt",
            )
        ]
    )


def geojson_of(tmp_path: Path, atlas: Atlas, where: Filter = OPEN) -> dict[str, object]:
    path = geojson.write_geojson(tmp_path / "out.geojson", atlas, where, EVENT_TYPES)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def features_by_id(data: dict[str, object]) -> dict[str, dict[str, object]]:
    features = data["features"]
    assert isinstance(features, list)
    return {f["id"]: f for f in features}


# -- GeoJSON -----------------------------------------------------------------------------


PROPERTIES = {
    "id",
    "name",
    "kind",
    "country",
    "country_code",
    "admin1",
    "mentions",
    "actors",
    "event_types",
    "dominant_event_type",
    "role",
    "excerpts",
    "marker-color",
}
EXCERPT_KEYS = {
    "article_id",
    "article_title",
    "start",
    "end",
    "text",
    "highlights",
    "actor_ids",
    "event_types",
    "date",
    "date_from",
    "article_published",
    "outlet",
}


def test_geojson_is_an_rfc7946_feature_collection_in_lon_lat_order(
    atlas: Atlas, tmp_path: Path
) -> None:
    data = geojson_of(tmp_path, atlas)
    assert data["type"] == "FeatureCollection"
    assert "crs" not in data  # RFC 7946: WGS 84 always, no crs member
    features = features_by_id(data)
    assert set(features) == {LIMA.id, PERU.id, KYIV.id, CAIRO.id, BEIJING.id}
    for expected in (LIMA, PERU, KYIV, CAIRO, BEIJING):
        feature = features[expected.id]
        assert feature["type"] == "Feature"
        geometry = feature["geometry"]
        assert geometry["type"] == "Point"
        lon, lat = geometry["coordinates"]
        assert (lon, lat) == (round(expected.lon, 6), round(expected.lat, 6))
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        props = feature["properties"]
        assert set(props) == PROPERTIES
        assert (props["name"], props["kind"], props["country"]) == (
            expected.name,
            expected.kind,
            expected.country,
        )
        for excerpt in props["excerpts"]:
            assert set(excerpt) == EXCERPT_KEYS
    # Most mentioned first (Kyiv and Lima: 2 each, by name), then the rest.
    assert [f["id"] for f in data["features"]][:2] == [KYIV.id, LIMA.id]


def test_geojson_properties_describe_the_place(atlas: Atlas, tmp_path: Path) -> None:
    features = features_by_id(geojson_of(tmp_path, atlas))
    lima = features[LIMA.id]["properties"]
    assert lima["mentions"] == 2
    assert lima["actors"] == [{"id": ROSA.id, "name": "Rosa Quispe", "kind": "person"}]
    assert lima["event_types"] == ["Protests", "Riots"]  # most excerpts first
    assert lima["dominant_event_type"] == "Protests"
    assert lima["marker-color"] == "#e07b39"
    texts = {a.article.id: a.article.text for a in atlas.analyses}
    for feature in features.values():
        props = feature["properties"]
        for excerpt in props["excerpts"]:
            text = texts[excerpt["article_id"]]
            # Offsets index the article; highlights index the excerpt, for this place.
            assert text[excerpt["start"] : excerpt["end"]] == excerpt["text"]
            for start, end in excerpt["highlights"]:
                assert excerpt["text"][start:end] == props["name"]
    cairo = features[CAIRO.id]["properties"]
    assert cairo["event_types"] == [] and cairo["dominant_event_type"] is None
    assert cairo["marker-color"] == mapview.NO_EVENT_COLOR
    assert cairo["excerpts"][0]["article_title"] == TRICKY_TITLE
    assert cairo["excerpts"][0]["text"] == TRICKY_SENTENCE


def test_geojson_follows_the_filter(atlas: Atlas, tmp_path: Path) -> None:
    protests = features_by_id(geojson_of(tmp_path, atlas, Filter.of(event_types=["Protests"])))
    assert set(protests) == {LIMA.id}
    battles_or_none = features_by_id(
        geojson_of(tmp_path, atlas, Filter.of(event_types=["Battles", NO_EVENT]))
    )
    assert set(battles_or_none) == {KYIV.id, CAIRO.id, BEIJING.id}
    kyiv = battles_or_none[KYIV.id]["properties"]
    assert kyiv["mentions"] == 1  # the diplomacy sentence no longer counts
    assert [e["event_types"] for e in kyiv["excerpts"]] == [["Battles"]]
    union = features_by_id(geojson_of(tmp_path, atlas, Filter.of(actors=[UNION.id])))
    assert set(union) == {KYIV.id}
    nothing = geojson_of(tmp_path, atlas, Filter.of(actors=[]))
    assert nothing["features"] == []
    assert nothing["dateline"]["sources"] == []


def test_geojson_carries_credits_sources_and_filter(atlas: Atlas, tmp_path: Path) -> None:
    where = Filter.of(event_types=["Protests"])
    meta = geojson_of(tmp_path, atlas, where)["dateline"]
    assert meta["attribution"] == common.credits()
    credits = " ".join(meta["attribution"])
    assert "Natural Earth" in credits and "GeoNames (CC BY 4.0)" in credits
    assert "OpenStreetMap" not in credits
    assert meta["sources"] == [
        {
            "id": "a1",
            "title": "Unrest in Peru",
            "source": "/articles/peru.txt",
            "outlet": "",
            "published": None,
        }
    ]
    assert meta["filter"] == where.to_json()
    generated = dt.datetime.fromisoformat(meta["generated"])
    assert generated.tzinfo is not None
    assert abs((dt.datetime.now(dt.UTC) - generated).total_seconds()) < 60
    assert meta["event_types"][0] == {"name": "Protests", "color": "#e07b39"}


def test_credits_name_openstreetmap_only_with_web_tiles() -> None:
    assert not any("OpenStreetMap" in line for line in common.credits())
    assert any("OpenStreetMap" in line for line in common.credits(web_tiles=True))


def test_geojson_leaves_out_places_without_coordinates(tmp_path: Path) -> None:
    nowhere = place("gn:1", "Nowhere", "city", float("nan"), 0.0, "Peru")
    atlas = Atlas([article("n", "N", [Said("Nowhere and Lima.", [nowhere, LIMA])])])
    data = geojson_of(tmp_path, atlas)
    assert set(features_by_id(data)) == {LIMA.id}
    assert "NaN" not in (tmp_path / "out.geojson").read_text(encoding="utf-8")


# -- CSV ---------------------------------------------------------------------------------


def read_csv(path: Path, encoding: str = "utf-8") -> list[dict[str, str]]:
    with path.open(encoding=encoding, newline="") as handle:
        reader = csv.DictReader(handle)
        assert tuple(reader.fieldnames or ()) == csv_rows.CSV_COLUMNS
        return list(reader)


def test_csv_has_the_columns_and_one_row_per_passing_mention(atlas: Atlas, tmp_path: Path) -> None:
    path = csv_rows.write_csv(tmp_path / "out.csv", atlas)
    assert path.read_text(encoding="utf-8").splitlines()[0] == ",".join(csv_rows.CSV_COLUMNS)
    rows = read_csv(path)
    mentions = sum(len(a.places) for a in atlas.analyses)
    assert len(rows) == mentions == 7
    texts = {a.article.title: a.article.text for a in atlas.analyses}
    for row in rows:
        text = texts[row["article_title"]]
        assert text[int(row["mention_start"]) : int(row["mention_end"])] == row["mention_text"]
        assert row["mention_text"] in row["sentence"]
    lima = [r for r in rows if r["place_id"] == LIMA.id]
    assert len(lima) == 2
    assert (float(lima[0]["lat"]), float(lima[0]["lon"])) == (LIMA.lat, LIMA.lon)
    assert lima[0]["actors"] == "Rosa Quispe"
    assert lima[1]["event_types"] == "Protests; Riots"
    assert lima[0]["article_source"] == "/articles/peru.txt"
    assert lima[0]["country"] == "Peru" and lima[0]["kind"] == "city"
    # The sentence naming Peru and Kyiv gives one row for each.
    both = [r for r in rows if r["sentence"].startswith("Peru protested")]
    assert [r["place"] for r in both] == ["Peru", "Kyiv"]

    filtered = read_csv(csv_rows.write_csv(tmp_path / "f.csv", atlas, Filter.of(actors=[ROSA.id])))
    assert [r["place"] for r in filtered] == ["Lima"]


def test_csv_round_trips_quotes_commas_newlines_and_any_script(
    atlas: Atlas, tmp_path: Path
) -> None:
    rows = read_csv(csv_rows.write_csv(tmp_path / "out.csv", atlas))
    cairo = next(r for r in rows if r["place_id"] == CAIRO.id)
    assert cairo["article_title"] == TRICKY_TITLE
    assert cairo["sentence"] == TRICKY_SENTENCE
    assert cairo["actors"] == "" and cairo["event_types"] == ""
    beijing = next(r for r in rows if r["place_id"] == BEIJING.id)
    assert beijing["sentence"] == "Beijing watched, 北京."
    raw = (tmp_path / "out.csv").read_bytes()
    assert raw.startswith(b"article_title,") and b"\r\n" in raw  # RFC 4180 line ends


def test_csv_byte_order_mark_for_excel(atlas: Atlas, tmp_path: Path) -> None:
    plain = csv_rows.write_csv(tmp_path / "plain.csv", atlas)
    excel = csv_rows.write_csv(tmp_path / "excel.csv", atlas, excel_bom=True)
    assert not plain.read_bytes().startswith(codecs.BOM_UTF8)
    assert excel.read_bytes() == codecs.BOM_UTF8 + plain.read_bytes()
    assert read_csv(excel, encoding="utf-8-sig") == read_csv(plain)


def test_csv_cells_never_become_formulas(tmp_path: Path) -> None:
    title = '=HYPERLINK("http://evil.example","click")'
    atlas = Atlas([article("f", title, [Said("@SUM(1) Lima rose.", [LIMA])])])
    (row,) = read_csv(csv_rows.write_csv(tmp_path / "out.csv", atlas))
    assert row["article_title"] == "'" + title
    assert row["sentence"] == "'@SUM(1) Lima rose."
    assert row["lon"] == str(LIMA.lon)  # numbers stay numbers, minus sign and all


# -- KML ---------------------------------------------------------------------------------


def kml_of(path: Path) -> ET.Element:
    root = ET.parse(path).getroot()
    assert root.tag == f"{KML}kml"
    return root


def extended(element: ET.Element) -> dict[str, str]:
    data = element.find(f"{KML}ExtendedData")
    assert data is not None
    return {
        d.get("name", ""): d.findtext(f"{KML}value", default="") for d in data.findall(f"{KML}Data")
    }


def test_kml_parses_with_one_placemark_per_place(atlas: Atlas, tmp_path: Path) -> None:
    root = kml_of(kml.write_kml(tmp_path / "out.kml", atlas, Filter(), EVENT_TYPES))
    document = root.find(f"{KML}Document")
    assert document is not None
    assert document.findtext(f"{KML}name") == "Dateline: 5 places from 2 articles"
    placemarks = document.findall(f"{KML}Placemark")
    by_name = {p.findtext(f"{KML}name"): p for p in placemarks}
    assert set(by_name) == {"Lima", "Peru", "Kyiv", "Cairo", "Beijing"}
    lima = by_name["Lima"]
    assert lima.findtext(f"{KML}Point/{KML}coordinates") == f"{LIMA.lon},{LIMA.lat},0"
    assert extended(lima) == {
        "place_id": LIMA.id,
        "kind": "city",
        "country": "Peru",
        "country_code": "PE",
        "mentions": "2",
        "event_types": "Protests; Riots",
        "actors": "Rosa Quispe",
        "dates": "",
    }
    for placemark in placemarks:  # every placemark lon,lat,0, within range
        coordinates = placemark.findtext(f"{KML}Point/{KML}coordinates", "")
        lon, lat, height = map(float, coordinates.split(","))
        assert -180 <= lon <= 180 and -90 <= lat <= 90 and height == 0


def test_kml_colours_are_aabbggrr(atlas: Atlas, tmp_path: Path) -> None:
    assert kml.kml_color("#e07b39") == "ff397be0"
    assert kml.kml_color("#2C7FB8") == "ffb87f2c"
    with pytest.raises(ValueError):
        kml.kml_color("red")
    root = kml_of(kml.write_kml(tmp_path / "out.kml", atlas, Filter(), EVENT_TYPES))
    styles = {
        s.get("id"): s.findtext(f"{KML}IconStyle/{KML}color") for s in root.iter(f"{KML}Style")
    }
    assert styles["dl-event-1"] == "ff397be0"  # Protests
    assert len(styles) == len(EVENT_TYPES) + 1  # and one for "no event type"
    urls = {
        p.findtext(f"{KML}name"): p.findtext(f"{KML}styleUrl") for p in root.iter(f"{KML}Placemark")
    }
    assert urls["Lima"] == "#dl-event-1"
    assert urls["Cairo"] == "#dl-no-event"
    assert all(u and u[1:] in styles for u in urls.values())


def test_kml_escapes_article_text_twice(hostile_atlas: Atlas, tmp_path: Path) -> None:
    path = kml.write_kml(tmp_path / "out.kml", hostile_atlas, Filter(), EVENT_TYPES)
    raw = path.read_text(encoding="utf-8")
    for markup in (HOSTILE_KML, "<script", "<img"):
        assert markup not in raw
    (placemark,) = kml_of(path).iter(f"{KML}Placemark")
    description = placemark.findtext(f"{KML}description") or ""
    # Google Earth renders a description as HTML: once parsed as XML, the article's
    # markup must still be escaped HTML (shown as text), never tags.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in description
    assert "<script" not in description and "<img" not in description
    assert "&amp; more" in description
    assert "<b>Lima</b>" in description  # our own markup survives


def test_kml_document_carries_credits_and_sources(atlas: Atlas, tmp_path: Path) -> None:
    where = Filter.of(event_types=["Protests"])
    root = kml_of(kml.write_kml(tmp_path / "out.kml", atlas, where, EVENT_TYPES, title="T & U"))
    document = root.find(f"{KML}Document")
    assert document is not None
    assert document.findtext(f"{KML}name") == "T & U"
    description = document.findtext(f"{KML}description") or ""
    assert "Natural Earth" in description and "GeoNames (CC BY 4.0)" in description
    assert "Unrest in Peru" in description and "Event type: Protests" in description
    meta = extended(document)
    assert json.loads(meta["sources"]) == common.source_list(atlas, where)
    assert json.loads(meta["filter"]) == where.to_json()
    assert "GeoNames" in meta["attribution"]
    assert [p.findtext(f"{KML}name") for p in root.iter(f"{KML}Placemark")] == ["Lima"]


# -- HTML --------------------------------------------------------------------------------


class _Urls(HTMLParser):
    """Every URL-valued attribute of every element."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("src", "href", "srcset", "action", "data", "poster") and value:
                self.urls.append(value)


def urls_in(page: str) -> list[str]:
    parser = _Urls()
    parser.feed(page)
    parser.close()
    return parser.urls


def test_html_export_is_one_file_that_reaches_nothing(atlas: Atlas, tmp_path: Path) -> None:
    path = html.write_html(tmp_path / "map.html", atlas, Filter(), EVENT_TYPES)
    page = path.read_text(encoding="utf-8")
    assert urls_in(page) == []  # every script, style and image is inline
    styles = "".join(re.findall(r"<style>(.*?)</style>", page, re.DOTALL))
    targets = re.findall(r"url\(\s*['\"]?([^'\")]+)", styles)
    assert targets and all(t.startswith(("data:", "#default#VML")) for t in targets)
    assert "@import" not in styles
    assert "file://" not in page
    assert "qrc:" not in page  # no bridge
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map.html"]  # no temp file left
    assert "L.markerClusterGroup" in page and "window.DATELINE_BASEMAP" in page


def test_html_export_escapes_hostile_articles(hostile_atlas: Atlas, tmp_path: Path) -> None:
    for path in (
        html.write_html(tmp_path / "map.html", hostile_atlas, Filter(), EVENT_TYPES),
        html.write_report_page(tmp_path / "report.html", hostile_atlas, Filter(), EVENT_TYPES),
    ):
        page = path.read_text(encoding="utf-8")
        for markup in (HOSTILE_SCRIPT, HOSTILE_IMG, "__pwned=1</script>", "<img"):
            assert markup not in page
        assert urls_in(page) == []
        # The title is in the footer, as text.
        assert "Title &lt;/script&gt;&lt;script&gt;window.__pwned=1&lt;/script&gt;" in page


def test_report_page_composes_title_credits_sources_and_date(atlas: Atlas, tmp_path: Path) -> None:
    options = common.ReportOptions(
        title="Peru & <Ukraine>", subtitle="Week 12", date="2024-03-22", width=1000, height=700
    )
    where = Filter.of(event_types=["Protests"])
    page = html.build_report_page(atlas, where, EVENT_TYPES, options)
    assert "Peru &amp; &lt;Ukraine&gt;" in page and "<Ukraine>" not in page
    assert "Week 12" in page and "2024-03-22" in page
    assert "Natural Earth (public domain)" in page and "GeoNames (CC BY 4.0)" in page
    assert "OpenStreetMap" not in page
    assert "Unrest in Peru" in page  # the one source article that passes
    assert "Event type: Protests" in page
    assert "width: 1000px; height: 700px" in page and "@page { size: 1000px 700px" in page
    assert urls_in(page) == []
    today = html.build_report_page(atlas, options=common.ReportOptions())
    assert dt.date.today().isoformat() in today
    osm = html.build_report_page(atlas, options=common.ReportOptions(web_tiles=True))
    assert "OpenStreetMap" in osm


def test_many_sources_are_shortened(tmp_path: Path) -> None:
    analyses = [
        article(
            f"n{i}",
            f"Dispatch number {i} from a long running series about Lima",
            [Said(f"Lima report {i}.", [LIMA])],
        )
        for i in range(30)
    ]
    page = html.build_report_page(Atlas(analyses), options=common.ReportOptions(width=800))
    shown = re.findall(r'class="dl-frame-source">([^<]*)<', page)
    more = re.search(r"and (\d+) more", page)
    assert shown and more is not None
    assert len(shown) + int(more.group(1)) == 30
    assert len(shown) < 10


def test_report_options_refuse_an_empty_size() -> None:
    with pytest.raises(ValueError):
        common.ReportOptions(width=0)


# -- writing -----------------------------------------------------------------------------


def test_writers_report_failures_and_leave_no_half_file(atlas: Atlas, tmp_path: Path) -> None:
    with pytest.raises(common.ExportError, match="does not exist"):
        geojson.write_geojson(tmp_path / "missing" / "out.geojson", atlas)
    with pytest.raises(common.ExportError, match="is a folder"):
        csv_rows.write_csv(tmp_path, atlas)
    target = tmp_path / "out.kml"
    target.write_text("old", encoding="utf-8")
    if hasattr(os, "geteuid") and os.geteuid() != 0:  # root may write anywhere
        tmp_path.chmod(0o500)
        try:
            with pytest.raises(common.ExportError, match="Cannot write"):
                kml.write_kml(target, atlas)
        finally:
            tmp_path.chmod(0o700)
        assert target.read_text(encoding="utf-8") == "old"
    kml.write_kml(target, atlas)
    assert target.read_text(encoding="utf-8").startswith("<?xml")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.kml"]


def test_exports_get_the_usual_file_permissions(atlas: Atlas, tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        path = geojson.write_geojson(tmp_path / "out.geojson", atlas)
    finally:
        os.umask(previous)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_source_list_and_filter_description(atlas: Atlas) -> None:
    assert [s["id"] for s in common.source_list(atlas)] == ["a1", "a2"]
    assert common.source_list(atlas, Filter.of(event_types=[NO_EVENT])) == [
        {"id": "a2", "title": TRICKY_TITLE, "source": "", "outlet": "", "published": None}
    ]
    assert common.describe_filter(atlas, Filter()) == ""
    assert (
        common.describe_filter(
            atlas, Filter.of(actors=[ROSA.id], event_types=[NO_EVENT, "Riots"], articles=["a1"])
        )
        == "Event types: no event type, Riots \u00b7 Actor: Rosa Quispe \u00b7 Articles: 1 of 2"
    )


# -- in a web view, offline --------------------------------------------------------------


def test_html_export_shows_its_pins_offline_and_runs_no_article_script(
    open_offscreen, atlas: Atlas, hostile_atlas: Atlas, tmp_path: Path
) -> None:
    both = Atlas([*atlas.analyses, *hostile_atlas.analyses])
    where = Filter.of(event_types=["Protests", "Battles"])
    path = html.write_html(
        tmp_path / "map.html", both, where, EVENT_TYPES, common.ReportOptions(title=HOSTILE_SCRIPT)
    )
    view = open_offscreen(path, (1100, 750))
    assert set(view.json("Dateline.pinIds()")) == {LIMA.id, KYIV.id}  # the filter, as it was
    assert view.json("Dateline.filterState()") == where.to_json()
    assert view.js("typeof window.__pwned") == "undefined"
    assert view.interceptor.blocked == []
    # The popup shows the hostile sentence as text, and still runs nothing.
    assert view.js(f"Dateline.clickPin({json.dumps(LIMA.id)})") is True
    view.qtbot.waitUntil(
        lambda: view.json("Dateline.popupText()") is not None, timeout=PAGE_TIMEOUT_MS
    )
    popup = view.json("Dateline.popupText()")
    assert isinstance(popup, str) and HOSTILE_KML in popup
    inside = "document.querySelectorAll('.leaflet-popup script, .leaflet-popup img').length"
    assert view.js(inside) == 0
    assert view.js("typeof window.__pwned") == "undefined"
    # The header shows the title as text too.
    assert view.js("document.querySelector('.dl-frame-title').textContent") == HOSTILE_SCRIPT


def test_report_page_is_drawn_at_its_size_with_the_filter_and_view(
    open_offscreen, atlas: Atlas, tmp_path: Path
) -> None:
    options = common.ReportOptions(
        title="Report", subtitle="Sub", width=900, height=600, view=(20.0, -40.0, 2.5)
    )
    where = Filter.of(event_types=["Protests", "Battles"])
    path = html.write_report_page(tmp_path / "report.html", atlas, where, EVENT_TYPES, options)
    view = open_offscreen(path, (900, 600))
    assert set(view.json("Dateline.pinIds()")) == {LIMA.id, KYIV.id}
    state = view.json("Dateline.viewState()")
    assert isinstance(state, dict) and state["zoom"] == 2.5
    # Leaflet puts the centre on a whole pixel: within a pixel (0.14 degrees at zoom 2.5).
    assert (state["lat"], state["lon"]) == (pytest.approx(20, abs=0.2), pytest.approx(-40, abs=0.2))
    layout = view.json(
        "JSON.stringify(['.dl-frame-header', '#map_dateline', '.dl-frame-footer', 'body']"
        ".map(function (s) { var r = document.querySelector(s).getBoundingClientRect();"
        " return [r.top, r.height, r.width]; }))"
    )
    (header, body_map, footer, body) = layout
    assert body == [0, 600, 900]
    assert header[0] == 0 and body_map[0] == header[1]
    assert footer[0] == pytest.approx(body_map[0] + body_map[1]) and footer[0] + footer[1] == 600
    assert body_map[1] > 400  # the map fills the middle
    # Report mode: no zoom buttons, no animation, the legend lists the colours shown.
    assert view.js("document.querySelectorAll('.leaflet-control-zoom').length") == 0
    legend = view.json(
        "JSON.stringify(Array.from(document.querySelectorAll('.dl-legend-item'))"
        ".filter(function (e) { return e.offsetParent !== null; })"
        ".map(function (e) { return e.querySelector('.dl-legend-label').textContent; }))"
    )
    assert legend == ["Protests", "Battles"]
    assert view.js("document.querySelectorAll('.leaflet-control-scale').length") == 1
    labels = view.json(
        "JSON.stringify(Array.from(document.querySelectorAll('.dl-pin-label'))"
        ".map(function (e) { return e.textContent; }))"
    )
    assert set(labels) <= {"Lima", "Kyiv"} and labels


def test_report_page_fits_the_pins_without_a_view(
    open_offscreen, atlas: Atlas, tmp_path: Path
) -> None:
    options = common.ReportOptions(width=800, height=560, legend=False, scale_bar=False)
    path = html.write_report_page(
        tmp_path / "report.html", atlas, Filter.of(event_types=["Protests"]), EVENT_TYPES, options
    )
    view = open_offscreen(path, (800, 560))
    assert view.json("Dateline.pinIds()") == [LIMA.id]
    state = view.json("Dateline.viewState()")
    assert isinstance(state, dict)
    # One pin: framed at the page's closest fitting zoom, centred on it.
    assert state["zoom"] == 6
    assert state["lat"] == pytest.approx(LIMA.lat, abs=0.5)
    assert state["lon"] == pytest.approx(LIMA.lon, abs=0.5)
    assert view.js("document.querySelectorAll('.dl-legend, .leaflet-control-scale').length") == 0
    assert view.js("document.querySelector('.dl-frame-header') === null") is True
