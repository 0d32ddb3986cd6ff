"""Report pages to PNG and PDF, rendered offscreen by the same engine as the map.

A report page (``mapper.export.html.build_report_page``) is a standalone HTML composition
of a fixed size in CSS pixels that sets ``window.datelineReady = true`` once it is fully
drawn. :class:`Snapshotter` loads such a page in a web view that is never shown on
screen (an off-the-record profile behind the map's offline request interceptor), waits
for it, and then

- PNG: grabs the view. At scale 2 the view is twice as large with a page zoom of 2, so
  the page lays out at the same CSS size and the image has twice the pixels, crisp;
- PDF: prints it (``printToPdf``) on one page the size of the composition (0.75 pt per
  CSS pixel, no margins), or on A4/Letter when a paper is given (the composition
  zoomed to fit when it was not made at the paper's size).

The window uses :class:`Snapshotter` asynchronously (signals); :func:`render` blocks until
done (tests, benchmarks); ``python -m ui.snapshot`` is the command line the ``mapper
export`` CLI runs as a subprocess::

    python -m ui.snapshot --page PAGE.html --out OUT.png --width W --height H --scale S \
        [--paper a4|letter --orientation landscape|portrait]

It exits 0 on success, or non-zero with one line on stderr.

Files are written whole or not at all (:func:`mapper.export.common.write_export`): the image
is encoded and the PDF printed in memory, then written to a temporary file beside the
target and renamed over it. When the write fails (a full disk, a file too large, no
permission) nothing is left behind, a file already there is left as it was, and the
message says why ("Cannot write out.png: No space left on device.").
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

from mapper.export.common import ExportError, write_export
from mapper.export.layout import ORIENTATIONS, PAPERS, paper_size_css
from mapper.export.layout import paper_size_px as _paper_size_px
from mapper.export.registry import format_of
from ui.environment import prepare_qt_environment, quiet_qt_messages
from ui.mapwidget import MapPage, OfflineInterceptor
from ui.qt import QtCore, QtGui, QtWebEngineCore, QtWebEngineWidgets, QtWidgets, isValid

log = logging.getLogger(__name__)

SCALES = (1.0, 2.0)
#: CSS pixels per PDF point (96 px and 72 pt to the inch).
PX_PER_PT = 4.0 / 3.0
DEFAULT_TIMEOUT_S = 60.0
#: The largest composition side we render, in CSS pixels (Chromium's surface limits).
MAX_SIDE_PX = 8000

_POLL_MS = 25


class SnapshotError(Exception):
    """A page could not be rendered; ``str()`` is the message for the user."""


@dataclass(frozen=True)
class SnapshotResult:
    """A rendered page: the image (PNG and previews) or the PDF written, and the map's
    place in the composition (CSS pixels; ``None`` when the page has no Leaflet map)."""

    image: QtGui.QImage | None
    path: Path | None
    map_rect: QtCore.QRect | None


def paper_size_px(paper: str, orientation: str = "landscape") -> tuple[int, int]:
    """The size of a sheet of paper in whole CSS pixels (rounded down, so a page fits);
    :class:`SnapshotError` for a paper or orientation not known."""
    try:
        return _paper_size_px(paper, orientation)
    except ValueError as error:
        raise SnapshotError(str(error)) from None


@dataclass(frozen=True)
class SnapshotRequest:
    """What to render: a report page file, its size in CSS pixels, and where to.

    ``out`` ending in ``.pdf`` prints a PDF; any other ``out`` saves a PNG; ``out=None``
    renders an image only (previews). ``scale`` applies to images, ``paper`` and
    ``orientation`` to PDFs.
    """

    page: Path
    out: Path | None
    width: int
    height: int
    scale: float = 1.0
    paper: str | None = None
    orientation: str = "landscape"
    timeout_s: float = DEFAULT_TIMEOUT_S

    @property
    def is_pdf(self) -> bool:
        return self.out is not None and self.out.suffix.lower() == ".pdf"

    @property
    def view_size(self) -> QtCore.QSize:
        """The web view's size in device pixels (the composition times the scale)."""
        scale = 1.0 if self.is_pdf else self.scale
        return QtCore.QSize(round(self.width * scale), round(self.height * scale))

    def check(self) -> None:
        """Raise :class:`SnapshotError` if the request cannot be rendered."""
        if not self.page.is_file():
            raise SnapshotError(f"No such page: {self.page}")
        if self.out is not None and not self.out.resolve().parent.is_dir():
            raise SnapshotError(
                f"Cannot write {self.out}: the folder {self.out.resolve().parent} does not exist."
            )
        if not (0 < self.width <= MAX_SIDE_PX and 0 < self.height <= MAX_SIDE_PX):
            raise SnapshotError(
                f"The size must be between 1 and {MAX_SIDE_PX} pixels a side "
                f"(got {self.width}×{self.height})."
            )
        if self.scale not in SCALES:
            raise SnapshotError(f"The scale must be 1 or 2 (got {self.scale:g}).")
        if self.paper is not None:
            paper_size_px(self.paper, self.orientation)  # raises when unknown
        if self.timeout_s <= 0:
            raise SnapshotError("The timeout must be positive.")
        side = max(self.view_size.width(), self.view_size.height())
        if side > MAX_SIDE_PX * 2:
            raise SnapshotError("The image would be too large; choose a smaller size.")


class Snapshotter(QtCore.QObject):
    """Renders report pages in one offscreen web view, one request at a time.

    The view is made on first use and reused; :meth:`close` frees it (QtWebEngine
    wants pages deleted before their profile, and views before the application).
    Starting a request while one runs drops the running one without a signal (the
    newest preview wins).

    Files are written beside their target and renamed over it, so a failure never
    leaves half a file, nor touches the file it would have replaced.

    Signals:
        finished(object, object): a request is done: the :class:`SnapshotRequest` and
            its :class:`SnapshotResult`.
        failed(object, str): a request failed: the request and the message for the user.
    """

    finished = QtCore.Signal(object, object)
    failed = QtCore.Signal(object, str)

    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self._view: QtWebEngineWidgets.QWebEngineView | None = None
        self._page: MapPage | None = None
        self._profile: QtWebEngineCore.QWebEngineProfile | None = None
        self.interceptor: OfflineInterceptor | None = None
        self._request: SnapshotRequest | None = None
        self._generation = 0
        self._map_rect: QtCore.QRect | None = None
        self._appendix = False  # the page prints its sources on the pages after the map
        self._url = QtCore.QUrl()
        self._poll = QtCore.QTimer(self)
        self._poll.setInterval(_POLL_MS)
        self._poll.setSingleShot(True)
        self._poll.timeout.connect(self._on_poll)
        self._timeout = QtCore.QTimer(self)
        self._timeout.setSingleShot(True)
        self._timeout.timeout.connect(self._on_timeout)
        self._closed = False

    @property
    def busy(self) -> bool:
        """Whether a request is being rendered."""
        return self._request is not None

    def start(self, request: SnapshotRequest) -> None:
        """Render ``request`` in the background; ``finished`` or ``failed`` follows."""
        if self._closed:
            raise SnapshotError("The renderer is closed.")
        self._stop_current()
        self._generation += 1
        self._request = request
        try:
            request.check()
        except SnapshotError as error:
            self._fail(str(error))
            return
        view, page = self._ensure_view()
        # Lay out at the composition's CSS size; at scale 2 every CSS pixel is 2×2 pixels.
        zoom = 1.0 if request.is_pdf else request.scale
        view.resize(request.view_size)
        page.setZoomFactor(zoom)
        url = QtCore.QUrl.fromLocalFile(str(request.page.resolve()))
        page.home = url
        # Each request loads its own URL (the query is ignored for files), so that news
        # of a load it replaced (stopped, or finished late) is not taken for its own.
        url.setQuery(f"request={self._generation}")
        self._url = url
        log.debug(
            "Rendering %s at %s×%s, scale %g",
            url.toString(),
            request.width,
            request.height,
            request.scale,
        )
        self._timeout.start(max(1, int(request.timeout_s * 1000)))
        view.load(url)

    def cancel(self) -> None:
        """Drop the running request, if any, without a signal."""
        self._stop_current()
        self._generation += 1

    def close(self) -> None:
        """Stop and free the web view, its page and profile (idempotent)."""
        if self._closed:
            return
        self.cancel()
        self._closed = True
        view, page = self._view, self._page
        self._view = self._page = self._profile = None
        if view is not None and isValid(view):
            view.stop()
            view.hide()
            view.deleteLater()
        if page is not None and isValid(page):
            page.deleteLater()  # and its profile with it

    # -- the web view ----------------------------------------------------------------
    def _ensure_view(self) -> tuple[QtWebEngineWidgets.QWebEngineView, MapPage]:
        if self._view is not None and self._page is not None:
            return self._view, self._page
        # No storage name: off the record, nothing of the articles reaches the disk.
        profile = QtWebEngineCore.QWebEngineProfile()
        self.interceptor = OfflineInterceptor(profile)
        profile.setUrlRequestInterceptor(self.interceptor)
        page = MapPage(profile, self)
        # The page owns its profile: a profile must outlive its pages, and a QObject's
        # children go after it, whenever and however the page is deleted.
        profile.setParent(page)
        settings = page.settings()
        attribute = QtWebEngineCore.QWebEngineSettings.WebAttribute
        settings.setAttribute(attribute.LocalContentCanAccessRemoteUrls, False)
        settings.setAttribute(attribute.JavascriptCanOpenWindows, False)
        settings.setAttribute(attribute.ShowScrollBars, False)
        settings.setAttribute(attribute.PrintElementBackgrounds, True)
        # A top-level widget that is "shown" for Chromium (so it draws frames) but never
        # mapped on any screen.
        view = QtWebEngineWidgets.QWebEngineView()
        view.setAttribute(QtCore.Qt.WidgetAttribute.WA_DontShowOnScreen, True)
        view.setAttribute(QtCore.Qt.WidgetAttribute.WA_ShowWithoutActivating, True)
        view.setContextMenuPolicy(QtCore.Qt.ContextMenuPolicy.NoContextMenu)
        view.setPage(page)
        page.loadingChanged.connect(self._on_loading_changed)
        page.renderProcessTerminated.connect(self._on_render_process_terminated)
        view.show()
        self._view, self._page, self._profile = view, page, profile
        return view, page

    # -- the steps -------------------------------------------------------------------
    def _on_loading_changed(self, info: QtWebEngineCore.QWebEngineLoadingInfo) -> None:
        request = self._request
        log.debug("Loading %s: %s", info.url().toString(), info.status().name)
        if request is None or info.url() != self._url:
            return
        status = QtWebEngineCore.QWebEngineLoadingInfo.LoadStatus
        if info.status() == status.LoadSucceededStatus:
            self._poll.start()
        elif info.status() in (status.LoadFailedStatus, status.LoadStoppedStatus):
            self._fail(f"The report page could not be loaded: {request.page}")

    @QtCore.Slot()
    def _on_poll(self) -> None:
        if self._request is None or self._page is None:
            return
        generation = self._generation

        def on_result(result: object) -> None:
            if generation != self._generation or self._request is None:
                return
            try:
                answer = json.loads(str(result))
            except ValueError:
                answer = {}
            log.debug("Page state: %s", answer)
            if not isinstance(answer, dict) or answer.get("state") != "ready":
                self._poll.start()
                return
            self._map_rect = _rect(answer.get("map"))
            self._appendix = answer.get("appendix") is True
            try:
                self._on_ready()
            except Exception as error:  # a Qt callback: say so rather than time out
                log.exception("Snapshot failed")
                self._fail(f"The page could not be rendered: {error}")

        # Ready, then two animation frames (the frame that shows the final drawing has
        # been produced by Chromium, not only scheduled, before the view is grabbed),
        # and where the map is in the composition (CSS px), so a caller can check that
        # the map has the size it asked for.
        self._page.call("snapshotState", callback=on_result)

    def _on_ready(self) -> None:
        request, page = self._request, self._page
        assert request is not None and page is not None
        if request.is_pdf:
            self._print_pdf(request, page)
        else:
            self._grab(request)

    def _grab(self, request: SnapshotRequest) -> None:
        assert self._view is not None
        image = self._view.grab().toImage()
        expected = request.view_size
        if image.isNull() or image.size() != expected:
            self._fail(
                f"The page was drawn at {image.width()}×{image.height()} pixels, "
                f"not {expected.width()}×{expected.height()}."
            )
            return
        image = image.convertToFormat(QtGui.QImage.Format.Format_RGB32)
        if request.out is not None:
            # Encoded in memory, then written whole (or not at all, and said why).
            buffer = QtCore.QBuffer()
            buffer.open(QtCore.QIODevice.OpenModeFlag.WriteOnly)
            writer = QtGui.QImageWriter(buffer, b"png")
            if not writer.write(image):
                self._fail(f"Could not encode {request.out}: {writer.errorString()}.")
                return
            try:
                write_export(request.out, bytes(buffer.data().data()))
            except ExportError as error:
                self._fail(str(error))
                return
        self._succeed(SnapshotResult(image, request.out, self._map_rect))

    def _print_pdf(self, request: SnapshotRequest, page: MapPage) -> None:
        width, height = float(request.width), float(request.height)
        if request.paper is not None:
            paper_w, paper_h = paper_size_px(request.paper, request.orientation)
            # The composition fills the paper one way (and all of it when it was made at
            # the paper's size, see paper_size_px): zoomed, it is laid out again, still
            # vector, and never spills onto a second page. The page's own @page size
            # (the composition's) gives way to the paper's.
            fit = min(paper_w / width, paper_h / height)
            sheet_height = paper_size_css(request.paper, request.orientation)[1]
            page.call(
                "prepareForPaper", round(fit, 5) if abs(fit - 1) > 0.002 else None, sheet_height
            )
            width, height = paper_w, paper_h
        # A page size is defined upright; the layout turns it (QPageLayout transposes a
        # landscape page whatever the size says).
        short, long_ = sorted((width / PX_PER_PT, height / PX_PER_PT))
        size = QtGui.QPageSize(
            QtCore.QSizeF(short, long_),
            QtGui.QPageSize.Unit.Point,
            "",
            QtGui.QPageSize.SizeMatchPolicy.ExactMatch,
        )
        orientation = (
            QtGui.QPageLayout.Orientation.Landscape
            if width > height
            else QtGui.QPageLayout.Orientation.Portrait
        )
        layout = QtGui.QPageLayout(size, orientation, QtCore.QMarginsF(0, 0, 0, 0))
        layout.setMode(QtGui.QPageLayout.Mode.FullPageMode)
        # One page only (but for a list of sources on the pages after it), printed in
        # memory: Chromium writes nothing (a file it failed to write would be left behind,
        # with no word of why); the bytes are written here.
        ranges = QtGui.QPageRanges()
        if not self._appendix:
            ranges.addPage(1)
        generation = self._generation

        def on_printed(data: QtCore.QByteArray) -> None:
            if generation == self._generation and self._request is request:
                self._on_pdf_printed(request, bytes(data.data()))

        page.printToPdf(on_printed, layout, ranges)

    def _on_pdf_printed(self, request: SnapshotRequest, data: bytes) -> None:
        assert request.out is not None
        if not data:
            self._fail(f"The PDF {request.out} could not be printed.")
            return
        try:
            write_export(request.out, data)
        except ExportError as error:
            self._fail(str(error))
            return
        self._succeed(SnapshotResult(None, request.out, self._map_rect))

    @QtCore.Slot()
    def _on_timeout(self) -> None:
        request = self._request
        if request is not None:
            self._fail(f"The report page was not ready within {request.timeout_s:g} s.")

    def _on_render_process_terminated(
        self, status: QtWebEngineCore.QWebEnginePage.RenderProcessTerminationStatus, code: int
    ) -> None:
        if self._request is not None:
            self._fail(f"The page renderer stopped ({status.name}, exit code {code}).")

    # -- ending a request --------------------------------------------------------------
    def _stop_current(self) -> None:
        self._poll.stop()
        self._timeout.stop()
        self._map_rect = None
        self._appendix = False
        # The view is not stopped: Chromium stops asynchronously and would cancel the
        # next request's load as well. A dropped load runs on, and its news is ignored.
        self._request = None

    def _succeed(self, result: SnapshotResult) -> None:
        request = self._request
        self._stop_current()
        self.finished.emit(request, result)

    def _fail(self, message: str) -> None:
        request = self._request
        self._stop_current()
        log.info("Snapshot failed: %s", message)
        self.failed.emit(request, message)


def _rect(value: object) -> QtCore.QRect | None:
    """A [left, top, width, height] list from the page as a QRect (rounded), or None."""
    if not (isinstance(value, list) and len(value) == 4):
        return None
    try:
        left, top, width, height = (round(float(v)) for v in value)
    except (TypeError, ValueError):
        return None
    return QtCore.QRect(left, top, width, height)


def application() -> QtWidgets.QApplication:
    """The running QApplication, or a new one (kept for the life of the process)."""
    app = QtCore.QCoreApplication.instance()
    if app is None:
        app = QtWidgets.QApplication(["dateline-snapshot", "--log-level=3"])
        _KEEP.append(app)
    if not isinstance(app, QtWidgets.QApplication):
        raise SnapshotError("Rendering needs a QApplication (widgets), not a core application.")
    return app


_KEEP: list[QtCore.QCoreApplication] = []


def render_request(request: SnapshotRequest) -> SnapshotResult:
    """Render a request and wait for it.

    Works with or without a running event loop (it runs its own until the request is
    done). Raises :class:`SnapshotError` with a message for the user on failure.
    """
    request.check()
    application()
    loop = QtCore.QEventLoop()
    outcome: dict[str, object] = {}
    snapshotter = Snapshotter()

    def on_finished(_request: object, result: SnapshotResult) -> None:
        outcome["result"] = result
        loop.quit()

    def on_failed(_request: object, message: str) -> None:
        outcome["error"] = message
        loop.quit()

    snapshotter.finished.connect(on_finished)
    snapshotter.failed.connect(on_failed)
    # A last resort besides the snapshotter's own timeout: this loop always ends.
    guard = QtCore.QTimer()
    guard.setSingleShot(True)
    guard.timeout.connect(loop.quit)
    guard.start(int((request.timeout_s + 5) * 1000))
    try:
        snapshotter.start(request)
        if not outcome:
            loop.exec()
    finally:
        guard.stop()
        snapshotter.close()
        snapshotter.deleteLater()
        QtCore.QCoreApplication.sendPostedEvents(None, QtCore.QEvent.Type.DeferredDelete)
    if "error" in outcome:
        raise SnapshotError(str(outcome["error"]))
    result = outcome.get("result")
    if not isinstance(result, SnapshotResult):
        raise SnapshotError(f"The report page was not ready within {request.timeout_s:g} s.")
    return result


def render(
    page: Path,
    out: Path,
    *,
    width: int,
    height: int,
    scale: float = 1.0,
    paper: str | None = None,
    orientation: str = "landscape",
    timeout_s: float = DEFAULT_TIMEOUT_S,
) -> None:
    """Render the report page file ``page`` to ``out`` (``.png``, or ``.pdf``), and wait.

    ``width`` × ``height`` is the composition's size in CSS pixels; a PNG has
    ``scale`` times as many pixels each way (1 or 2). A PDF has one page: the
    composition's size, or ``paper`` ("a4", "letter") in ``orientation``.
    Raises :class:`SnapshotError` (message for the user) on failure or timeout.
    """
    render_request(
        SnapshotRequest(
            page=Path(page),
            out=Path(out),
            width=width,
            height=height,
            scale=scale,
            paper=paper,
            orientation=orientation,
            timeout_s=timeout_s,
        )
    )


# -- the command line --------------------------------------------------------------------


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _UsageError(message)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m ui.snapshot",
        description="Render a Dateline report page (HTML) to PNG or PDF, offscreen.",
    )
    parser.add_argument("--page", type=Path, required=True, help="the report page (.html)")
    parser.add_argument("--out", type=Path, required=True, help="the file to write (.png, .pdf)")
    parser.add_argument("--width", type=int, required=True, help="composition width, CSS px")
    parser.add_argument("--height", type=int, required=True, help="composition height, CSS px")
    parser.add_argument("--scale", type=float, default=1.0, help="pixel density of a PNG: 1 or 2")
    parser.add_argument(
        "--paper", choices=list(PAPERS), help="PDF on this paper (default: the size)"
    )
    parser.add_argument("--orientation", choices=list(ORIENTATIONS), default="landscape")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S, help="seconds")
    return parser


def main(argv: list[str] | None = None) -> int:
    """``python -m ui.snapshot``: 0 on success, else 1 (2 for usage) and one stderr line."""
    args_list = sys.argv[1:] if argv is None else argv
    try:
        args = _parser().parse_args(args_list)
    except _UsageError as error:
        print(f"snapshot: {error}", file=sys.stderr)
        return 2
    rendered = format_of(args.out)
    if rendered is None or not rendered.rendered:
        print(f"snapshot: the output must end in .png or .pdf: {args.out}", file=sys.stderr)
        return 2
    request = SnapshotRequest(
        page=args.page,
        out=args.out,
        width=args.width,
        height=args.height,
        scale=args.scale,
        paper=args.paper,
        orientation=args.orientation,
        timeout_s=args.timeout,
    )
    try:
        request.check()
        if QtCore.QCoreApplication.instance() is None:
            # An export never shows a window; Qt's start-up chatter (no GPU, no Vulkan
            # offscreen) and Chromium's would break the one-line stderr contract.
            prepare_qt_environment(headless=True)
            quiet_qt_messages(log)
            # Python's last-resort handler would print warnings (a page's console
            # errors, say) to stderr.
            if not logging.getLogger().handlers:
                logging.getLogger().addHandler(logging.NullHandler())
        render_request(request)
    except SnapshotError as error:
        print(f"snapshot: {error}", file=sys.stderr)
        return 1
    except Exception as error:  # one line, never a traceback, for the CLI that runs us
        print(f"snapshot: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
