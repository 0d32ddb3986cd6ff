"""The map: the Leaflet page from :mod:`mapper.page.mapview` in a QWebEngineView, kept offline."""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mapper.filters import Filter
from ui.bridge import Bridge
from ui.qt import (
    QtCore,
    QtGui,
    QtWebChannel,
    QtWebEngineCore,
    QtWebEngineWidgets,
    QtWidgets,
    isValid,
)

if TYPE_CHECKING:  # mapper.page.mapview imports folium: loaded when the page is built
    from mapper.page.mapview import EncodedJson

log = logging.getLogger(__name__)

#: Schemes the map page may load from: its own files, Qt's resources, inline data.
LOCAL_SCHEMES = frozenset({"file", "qrc", "data", "blob", "about"})

_JS_LEVEL_NAMES = {
    QtWebEngineCore.QWebEnginePage.JavaScriptConsoleMessageLevel.InfoMessageLevel: "info",
    QtWebEngineCore.QWebEnginePage.JavaScriptConsoleMessageLevel.WarningMessageLevel: "warning",
    QtWebEngineCore.QWebEnginePage.JavaScriptConsoleMessageLevel.ErrorMessageLevel: "error",
}


_DRAG_EVENTS = frozenset(
    {QtCore.QEvent.Type.DragEnter, QtCore.QEvent.Type.DragMove, QtCore.QEvent.Type.Drop}
)


def local_files(mime: QtCore.QMimeData | None) -> list[Path]:
    """The local files in a drag, if any."""
    if mime is None or not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]


class OfflineInterceptor(QtWebEngineCore.QWebEngineUrlRequestInterceptor):
    """Blocks every request that would leave the machine, and remembers it.

    Dateline works with no network; the page is built from local files only, so
    a request for an http(s) URL is a bug (a CDN link left in, a web tile layer
    switched on by default) and must not reach the network.
    """

    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.blocked: list[str] = []

    def interceptRequest(self, info: QtWebEngineCore.QWebEngineUrlRequestInfo) -> None:
        url = info.requestUrl()
        if url.scheme().lower() not in LOCAL_SCHEMES:
            info.block(True)
            self.blocked.append(url.toString())
            log.warning("Blocked a network request from the map page: %s", url.toString())


class MapPage(QtWebEngineCore.QWebEnginePage):
    """The map page: it may show its own document and nothing else.

    Navigation away from the page (a link in an article, a file dropped on the
    map) is refused; JavaScript console errors are logged and kept for tests.
    """

    def __init__(
        self, profile: QtWebEngineCore.QWebEngineProfile, parent: QtCore.QObject | None = None
    ) -> None:
        super().__init__(profile, parent)
        self.home = QtCore.QUrl()
        self.console_errors: list[str] = []

    def acceptNavigationRequest(
        self,
        url: QtCore.QUrl | str,
        type: QtWebEngineCore.QWebEnginePage.NavigationType,  # Qt's name
        isMainFrame: bool,  # noqa: N803 -- Qt's name
    ) -> bool:
        url = QtCore.QUrl(url)
        if isMainFrame:
            allowed = url.isLocalFile() and url.toLocalFile() == self.home.toLocalFile()
        else:  # popups may use inline frames with about:srcdoc or data: documents
            allowed = url.scheme() in ("about", "data")
        if not allowed:
            log.info("Refused to navigate the map page to %s", url.toString())
        return allowed

    def javaScriptConsoleMessage(
        self,
        level: QtWebEngineCore.QWebEnginePage.JavaScriptConsoleMessageLevel,
        message: str,
        lineNumber: int,  # noqa: N803 -- Qt's name
        sourceID: str,  # noqa: N803 -- Qt's name
    ) -> None:
        where = f"{QtCore.QUrl(sourceID).fileName()}:{lineNumber}"
        name = _JS_LEVEL_NAMES.get(level, "info")
        if name == "error":
            self.console_errors.append(f"{where}: {message}")
            log.warning("Map page error at %s: %s", where, message)
        else:
            log.debug("Map page %s at %s: %s", name, where, message)

    def call(
        self, function: str, *args: object, callback: Callable[[object], None] | None = None
    ) -> None:
        """Run ``Dateline.<function>(args…)`` in the page now (:func:`mapper.page.mapview.js_call`:
        the arguments go as escaped JSON); ``callback`` gets its result (``None`` when the
        page has no such function yet). The one way Python asks anything of the page."""
        from mapper.page.mapview import js_call

        script = js_call(function, *args)
        if callback is None:
            self.runJavaScript(script, 0)
        else:
            self.runJavaScript(script, 0, callback)


class MapView(QtWebEngineWidgets.QWebEngineView):
    """The map page in a web view, with its bridge, in an offline, off-the-record profile.

    The page is written to a temporary folder owned by this view and loaded
    from there (``setHtml`` fails on pages above 2 MB). Each view has its own
    off-the-record profile, so no article data is cached on disk and the
    request interceptor applies to this page only.

    Signals:
        ready: the page is loaded and its bridge connected; pins can be sent.
        pins_shown(int): the page now shows this many pins.
        place_clicked(str): the user clicked the pin of this (known) place id.
        excerpt_clicked(str): the user clicked this (known) excerpt id in a popup.
        place_menu_requested(str): the user right-clicked the pin of this (known) place id.
        files_dropped(list): local files (``Path``) were dropped on the map.
    """

    ready = QtCore.Signal()
    pins_shown = QtCore.Signal(int)
    place_clicked = QtCore.Signal(str)
    excerpt_clicked = QtCore.Signal(str)
    place_menu_requested = QtCore.Signal(str)
    files_dropped = QtCore.Signal(list)
    map_view_chosen = QtCore.Signal(str)  # the user switched view on the map itself

    def __init__(
        self,
        has_place: Callable[[str], bool],
        has_excerpt: Callable[[str], bool],
        parent: QtWidgets.QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.is_ready = False
        self.load_ok: bool | None = None
        self.pin_count = 0
        self._pins_pending = 0
        self._pins_sent_at = 0.0
        self.last_pins_seconds = 0.0  # from sending the last pins to the page having drawn them
        self._pins: dict[str, Any] | EncodedJson | None = None
        self._filter: dict[str, Any] | None = None
        self.map_view_name = "pins"  # "pins", "choropleth" or "heat"
        self._closed = False
        self._folder = Path(tempfile.mkdtemp(prefix="dateline-map-"))

        # A profile with no storage name is off the record: nothing goes to disk.
        self._profile = QtWebEngineCore.QWebEngineProfile(self)
        self.interceptor = OfflineInterceptor(self._profile)
        self._profile.setUrlRequestInterceptor(self.interceptor)
        self._page = MapPage(self._profile, self)
        settings = self._page.settings()
        attribute = QtWebEngineCore.QWebEngineSettings.WebAttribute
        # Already Qt's default; stated so a change of default cannot put the map online.
        settings.setAttribute(attribute.LocalContentCanAccessRemoteUrls, False)
        settings.setAttribute(attribute.JavascriptCanOpenWindows, False)

        self.bridge = Bridge(has_place, has_excerpt, self)
        self.bridge.page_loaded.connect(self._on_page_loaded)
        self.bridge.place_selected.connect(self.place_clicked)
        self.bridge.excerpt_selected.connect(self.excerpt_clicked)
        self.bridge.place_menu_requested.connect(self.place_menu_requested)
        self.bridge.map_view_chosen.connect(self._on_map_view_chosen)
        # Right-click belongs to the pins (corrections); Chromium's page menu (Back,
        # Reload, View Source) means nothing in a map.
        self.setContextMenuPolicy(QtCore.Qt.ContextMenuPolicy.NoContextMenu)
        self._channel = QtWebChannel.QWebChannel(self._page)
        self._channel.registerObject("bridge", self.bridge)
        self._page.setWebChannel(self._channel)
        self.setPage(self._page)
        self.loadStarted.connect(self._on_load_started)
        self.loadFinished.connect(self._on_load_finished)
        self._page.renderProcessTerminated.connect(self._on_render_process_terminated)
        # Files dropped on the map are articles to open, not pages to show: the drag
        # events are taken from Chromium's render widget (a child) before it sees them.
        for child in self.findChildren(QtWidgets.QWidget):
            child.installEventFilter(self)

    @property
    def pins_settled(self) -> bool:
        """Whether the page is ready and shows the latest pins sent."""
        return self.is_ready and self._pins is not None and self._pins_pending == 0

    @property
    def console_errors(self) -> list[str]:
        """JavaScript errors the page reported."""
        return self._page.console_errors

    def load_map(self) -> None:
        """Write the map page (no pins yet) and load it."""
        from mapper.page import mapview

        index = mapview.write_page(self._folder, bridge=True)
        url = QtCore.QUrl.fromLocalFile(str(index))
        self._page.home = url
        self.load(url)

    def set_pins(self, pins: dict[str, Any] | EncodedJson) -> None:
        """Show these pins (a GeoJSON FeatureCollection, or its text from
        :class:`~mapper.page.mapview.PinsEncoder`); sent once the page is ready."""
        self._pins = pins
        if self.is_ready:
            self._send_pins()

    def set_filter(self, where: Filter) -> None:
        """Show only the pins with excerpts that pass (applied in the page, no reload)."""
        self._filter = where.to_json()
        if self.is_ready:
            self._send_filter()

    def _send_filter(self) -> None:
        self._pins_pending += 1
        self.call("setFilter", self._filter, callback=self._on_filter_set)

    def _on_filter_set(self, result: object) -> None:
        self._pins_pending -= 1
        try:
            self.pin_count = int(json.loads(str(result))["pins"])
        except (ValueError, KeyError, TypeError):
            log.warning("Unexpected answer from setFilter: %.80r", result)
            return
        self.pins_shown.emit(self.pin_count)

    def set_map_view(self, view: str) -> None:
        """Show the pins, the choropleth or the heat map ("pins", "choropleth", "heat")."""
        if view not in ("pins", "choropleth", "heat"):
            raise ValueError(f"unknown map view {view!r}")
        changed = view != self.map_view_name
        self.map_view_name = view
        if self.is_ready:
            self.call("setMapView", view)
        if changed:  # the View menu follows (a project opened on the choropleth)
            self.map_view_chosen.emit(view)

    def _on_map_view_chosen(self, view: str) -> None:
        self.map_view_name = view
        self.map_view_chosen.emit(view)

    def fly_to(self, place_id: str) -> None:
        """Fly to a place's pin and open its popup."""
        self.call("flyTo", place_id)

    def fit_pins(self) -> None:
        """Zoom the map so that every pin shown is in view."""
        self.call("fitPins")

    def call(
        self, function: str, *args: object, callback: Callable[[object], None] | None = None
    ) -> None:
        """Call ``Dateline.<function>(args…)`` in the page (:meth:`MapPage.call`) once it
        is ready; dropped before, and after :meth:`shutdown`."""
        if not self.is_ready or self._closed:
            log.debug("Map page not ready; dropped Dateline.%s", function)
            return
        self._page.call(
            function, *args, callback=None if callback is None else self._guarded(callback)
        )

    def shutdown(self) -> None:
        """Stop the page and free it before its profile (QtWebEngine requires that order)."""
        if self._closed:
            return
        self._closed = True
        self.stop()
        page, profile = self._page, self._profile
        if isValid(page):
            page.setWebChannel(None)  # type: ignore[arg-type]
            page.deleteLater()
        if isValid(profile):
            profile.deleteLater()
        shutil.rmtree(self._folder, ignore_errors=True)

    def childEvent(self, event: QtCore.QChildEvent) -> None:
        super().childEvent(event)
        child = event.child()
        if event.added() and child.isWidgetType():
            child.installEventFilter(self)

    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:
        kind = event.type()
        if isinstance(event, QtGui.QDropEvent) and kind in _DRAG_EVENTS:
            paths = local_files(event.mimeData())
            if paths:
                event.acceptProposedAction()
                if kind == QtCore.QEvent.Type.Drop:
                    self.files_dropped.emit(paths)
                return True
        return super().eventFilter(watched, event)

    def _send_pins(self) -> None:
        self._pins_pending += 1
        self._pins_sent_at = time.perf_counter()
        self.call("setPins", self._pins, callback=self._on_pins_set)

    def _guarded(self, callback: Callable[[object], None]) -> Callable[[object], None]:
        """A JS result callback that is dropped once this view is gone."""

        def run(result: object) -> None:
            if not self._closed and isValid(self):
                callback(result)

        return run

    def _on_pins_set(self, count: object) -> None:
        self._pins_pending -= 1
        self.last_pins_seconds = time.perf_counter() - self._pins_sent_at
        self.pin_count = int(count) if isinstance(count, int | float) else 0
        self.pins_shown.emit(self.pin_count)

    @QtCore.Slot()
    def _on_load_started(self) -> None:
        self.is_ready = False  # until the (re)loaded page reports in over the bridge
        self._pins_pending = 0

    def _on_render_process_terminated(
        self, status: QtWebEngineCore.QWebEnginePage.RenderProcessTerminationStatus, code: int
    ) -> None:
        if self._closed:
            return
        # A crashed or killed renderer leaves a blank map: load the page again; the
        # pins go back when it reports ready.
        log.error("The map's renderer stopped (%s, exit code %d); reloading", status.name, code)
        QtCore.QTimer.singleShot(500, self._reload_after_crash)

    def _reload_after_crash(self) -> None:
        if not self._closed:
            self.load(self._page.home)

    @QtCore.Slot(bool)
    def _on_load_finished(self, ok: bool) -> None:
        self.load_ok = ok
        if not ok:
            log.error("The map page did not load: %s", self._page.home.toString())

    @QtCore.Slot()
    def _on_page_loaded(self) -> None:
        self.is_ready = True
        self.ready.emit()
        if self._pins is not None:
            self._send_pins()
        if self._filter is not None:  # a reloaded page starts unfiltered
            self._send_filter()
        if self.map_view_name != "pins":  # and with pins
            self.call("setMapView", self.map_view_name)
