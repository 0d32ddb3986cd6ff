"""Report pages rendered offscreen (ui.snapshot): PNG at 1× and 2×, one-page PDFs, the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from mapper.atlas import Atlas
from mapper.export.common import ReportOptions
from mapper.export.html import build_report_page
from mapper.filters import OPEN
from ui import snapshot
from ui.qt import QtCore, QtGui

ROOT = Path(__file__).parent.parent
LAND = (0xF4, 0xF1, 0xEA)  # resources/map/dateline.css: path.dl-land fill
SEA = (0xC9, 0xE3, 0xF0)  # resources/map/dateline.css: .leaflet-container background
TITLE = "Caracas under pressure"
WIDTH, HEIGHT = 900, 600


def _umask() -> int:
    """The process's umask (files are written with 0666 less it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@pytest.fixture(scope="module")
def seed_atlas() -> tuple[Atlas, list[tuple[str, str]]]:
    """The seed article analysed without a model, and the default event types."""
    from mapper.pipeline import Pipeline
    from mapper.sources import read_article, seed_paths

    pipeline = Pipeline.blank()
    atlas = Atlas([pipeline.analyze(read_article(path)) for path in seed_paths()])
    return atlas, [(t.name, t.color) for t in pipeline.taxonomy.types]


@pytest.fixture
def report_page(tmp_path: Path, seed_atlas) -> Path:
    atlas, event_types = seed_atlas
    options = ReportOptions(
        title=TITLE, subtitle="Places named in the seed article", width=WIDTH, height=HEIGHT
    )
    page = tmp_path / "report.html"
    page.write_text(build_report_page(atlas, OPEN, event_types, options), encoding="utf-8")
    return page


def pixels(image: QtGui.QImage) -> np.ndarray:
    """An image as an (height, width, 3) array of RGB bytes."""
    image = image.convertToFormat(QtGui.QImage.Format.Format_RGB888)
    width, height, stride = image.width(), image.height(), image.bytesPerLine()
    data = np.frombuffer(image.constBits(), dtype=np.uint8, count=stride * height)
    return data.reshape(height, stride)[:, : width * 3].reshape(height, width, 3).copy()


def share_of(array: np.ndarray, color: tuple[int, int, int], tolerance: int = 6) -> float:
    """The share of pixels within ``tolerance`` of ``color`` on every channel."""
    close = np.all(np.abs(array.astype(int) - np.array(color)) <= tolerance, axis=2)
    return float(close.mean())


def distinct_colors(array: np.ndarray) -> int:
    return len(np.unique(array.reshape(-1, 3), axis=0))


def pdf_document(path: Path):
    from PySide6 import QtPdf

    document = QtPdf.QPdfDocument()
    assert document.load(str(path)) == QtPdf.QPdfDocument.Error.None_
    return document


# -- PNG ----------------------------------------------------------------------------------


def test_png_shows_the_composed_map(qapp, report_page, tmp_path):
    out = tmp_path / "map.png"
    snapshot.render(report_page, out, width=WIDTH, height=HEIGHT)

    image = QtGui.QImage(str(out))
    assert image.size() == QtCore.QSize(WIDTH, HEIGHT)
    array = pixels(image)
    assert distinct_colors(array) > 500, "the image is (nearly) blank"
    assert share_of(array, LAND) > 0.15, "no land drawn"
    assert share_of(array, SEA) > 0.15, "no sea drawn"
    # The title is dark text on the white header, at the top left.
    header = array[:40, :400]
    assert (header.max(axis=2) < 100).mean() > 0.01, "no title in the header"


def test_png_at_2x_is_twice_as_large_and_sharper(qapp, report_page, tmp_path):
    one, two = tmp_path / "1x.png", tmp_path / "2x.png"
    snapshot.render(report_page, one, width=WIDTH, height=HEIGHT, scale=1)
    snapshot.render(report_page, two, width=WIDTH, height=HEIGHT, scale=2)

    image1, image2 = QtGui.QImage(str(one)), QtGui.QImage(str(two))
    assert image2.size() == QtCore.QSize(2 * WIDTH, 2 * HEIGHT)
    # The same composition: halved, the 2× image is the 1× image, give or take antialiasing.
    halved = image2.scaled(
        image1.size(),
        QtCore.Qt.AspectRatioMode.IgnoreAspectRatio,
        QtCore.Qt.TransformationMode.SmoothTransformation,
    )
    difference = np.abs(pixels(halved).astype(int) - pixels(image1).astype(int))
    assert difference.mean() < 6, difference.mean()
    # And not an enlargement: drawn at 2×, its edges are sharper than 1× pixels doubled.
    doubled = image1.scaled(
        image2.size(),
        QtCore.Qt.AspectRatioMode.IgnoreAspectRatio,
        QtCore.Qt.TransformationMode.SmoothTransformation,
    )
    sharp, blurred = pixels(image2).astype(int), pixels(doubled).astype(int)
    gradient = lambda a: np.abs(np.diff(a, axis=1)).mean()  # noqa: E731
    assert gradient(sharp) > 1.2 * gradient(blurred)


def test_render_leaves_no_window_behind(qapp, report_page, tmp_path):
    from ui.qt import QtWidgets

    before = {w for w in QtWidgets.QApplication.topLevelWidgets() if w.isVisible()}
    result = snapshot.render_request(snapshot.SnapshotRequest(report_page, None, WIDTH, HEIGHT))
    assert result.image is not None and result.image.size() == QtCore.QSize(WIDTH, HEIGHT)
    # The map's place in the composition: full width, between header and footer.
    assert result.map_rect is not None
    assert result.map_rect.width() == WIDTH
    assert result.map_rect.top() > 0 and result.map_rect.bottom() < HEIGHT - 1
    # The offscreen view is gone once the render is done.
    QtCore.QCoreApplication.sendPostedEvents(None, QtCore.QEvent.Type.DeferredDelete)
    after = {w for w in QtWidgets.QApplication.topLevelWidgets() if w.isVisible()}
    assert after <= before


# -- PDF ----------------------------------------------------------------------------------


def test_pdf_is_one_page_of_the_composition_with_selectable_text(qapp, report_page, tmp_path):
    out = tmp_path / "map.pdf"
    snapshot.render(report_page, out, width=WIDTH, height=HEIGHT)

    data = out.read_bytes()
    assert data.startswith(b"%PDF-")
    document = pdf_document(out)
    assert document.pageCount() == 1
    size = document.pagePointSize(0)
    assert abs(size.width() - WIDTH * 0.75) < 2 and abs(size.height() - HEIGHT * 0.75) < 2
    text = document.getAllText(0).text()
    assert TITLE in text
    assert "Natural Earth" in text and "GeoNames" in text
    assert "Legend" in text
    # Drawn, not blank: the whole map, not only what a default A4 page would show.
    page = pixels(document.render(0, QtCore.QSize(WIDTH, HEIGHT)))
    assert share_of(page, LAND) > 0.15 and share_of(page, SEA) > 0.15
    assert share_of(page[HEIGHT // 2 :, WIDTH // 2 :], SEA) > 0.1
    # Files get the usual permissions (Chromium writes its PDFs for their owner only).
    assert out.stat().st_mode & 0o777 == 0o666 & ~_umask()


@pytest.mark.parametrize(
    ("paper", "orientation", "points"),
    [("a4", "landscape", (841.9, 595.3)), ("letter", "portrait", (612, 792))],
)
def test_pdf_on_paper_is_one_page_of_that_paper(
    qapp, report_page, tmp_path, paper, orientation, points
):
    width, height = snapshot.paper_size_px(paper, orientation)
    out = tmp_path / f"{paper}.pdf"
    snapshot.render(
        report_page, out, width=WIDTH, height=HEIGHT, paper=paper, orientation=orientation
    )

    document = pdf_document(out)
    assert document.pageCount() == 1
    size = document.pagePointSize(0)
    assert abs(size.width() - points[0]) < 2 and abs(size.height() - points[1]) < 2
    assert TITLE in document.getAllText(0).text()
    # The composition fills the page across (zoomed to fit the paper).
    page = pixels(document.render(0, QtCore.QSize(width, height)))
    assert share_of(page[:, -width // 8 :], SEA) + share_of(page[:, -width // 8 :], LAND) > 0.3


@pytest.mark.parametrize("composition", [(1123, 794), (1600, 900)])
def test_pdf_lists_many_sources_on_a_second_page(qapp, seed_atlas, tmp_path, composition):
    # 120 sources would squeeze an A4 map into a strip: the map keeps the first page (the
    # composition zoomed to the paper or not) and the sources start the second.
    from atlas_factory import Said, article, place

    caracas = place("gn:3646738", "Caracas", "city", 10.49, -66.88, "Venezuela", "VE")
    copies = [
        article(f"a{i}", f"Dispatch {i:03d}", [Said("Crowds gathered in Caracas.", [caracas])])
        for i in range(120)
    ]
    _, event_types = seed_atlas
    width, height = composition
    options = ReportOptions(title=TITLE, width=width, height=height, all_sources=True)
    page = tmp_path / "report.html"
    page.write_text(build_report_page(Atlas(copies), OPEN, event_types, options), encoding="utf-8")
    out = tmp_path / "sources.pdf"
    snapshot.render(page, out, width=width, height=height, paper="a4", orientation="landscape")

    document = pdf_document(out)
    assert document.pageCount() == 2
    # Zoomed text comes out a glyph a line: compare without white space.
    first, second = ("".join(document.getAllText(i).text().split()) for i in (0, 1))
    title = "".join(TITLE.split())
    assert title in first and "120articles,listedonthenextpage" in first
    assert "Dispatch" not in first
    assert "Sources(120)" in second and title not in second
    assert "Dispatch000" in second and "Dispatch119" in second
    # The map fills the first page between header and footer: land and sea low down too.
    paper_w, paper_h = snapshot.paper_size_px("a4", "landscape")
    drawn = pixels(document.render(0, QtCore.QSize(paper_w, paper_h)))
    lower = drawn[int(paper_h * 0.55) : int(paper_h * 0.8)]
    assert share_of(lower, SEA) + share_of(lower, LAND) > 0.5


def test_paper_sizes_in_css_pixels():
    assert snapshot.paper_size_px("a4", "landscape") == (1122, 793)
    assert snapshot.paper_size_px("a4", "portrait") == (793, 1122)
    assert snapshot.paper_size_px("letter", "landscape") == (1056, 816)
    with pytest.raises(snapshot.SnapshotError):
        snapshot.paper_size_px("a3")


# -- failures -----------------------------------------------------------------------------


def test_a_page_that_never_gets_ready_times_out(qapp, tmp_path):
    page = tmp_path / "never.html"
    page.write_text("<!doctype html><title>never</title><p>not a report</p>", encoding="utf-8")
    out = tmp_path / "never.png"
    with pytest.raises(snapshot.SnapshotError, match="not ready within 1 s"):
        snapshot.render(page, out, width=300, height=200, timeout_s=1)
    assert not out.exists()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            [
                "--page",
                "{tmp}/missing.html",
                "--out",
                "{tmp}/x.png",
                "--width",
                "400",
                "--height",
                "300",
            ],
            "No such page",
        ),
        (
            ["--page", "{page}", "--out", "{tmp}/x.gif", "--width", "400", "--height", "300"],
            ".png or .pdf",
        ),
        (["--page", "{page}", "--out", "{tmp}/x.png", "--width", "400"], "--height"),
        (
            [
                "--page",
                "{page}",
                "--out",
                "{tmp}/x.png",
                "--width",
                "400",
                "--height",
                "300",
                "--scale",
                "3",
            ],
            "scale must be 1 or 2",
        ),
        (
            [
                "--page",
                "{page}",
                "--out",
                "{tmp}/no/such/folder/x.png",
                "--width",
                "400",
                "--height",
                "300",
            ],
            "does not exist",
        ),
    ],
)
def test_cli_failures_exit_non_zero_with_one_line(
    qapp, report_page, tmp_path, capsys, arguments, message
):
    argv = [a.format(tmp=tmp_path, page=report_page) for a in arguments]
    code = snapshot.main(argv)
    captured = capsys.readouterr()
    assert code != 0
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("snapshot: ") and message in lines[0]
    assert not (tmp_path / "x.png").exists()


def test_cli_renders_in_a_process_of_its_own(report_page, tmp_path):
    """The command line ``mapper export`` runs: a fresh process, no display, quiet stderr."""
    out = tmp_path / "cli.png"
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")
    }
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "ui.snapshot",
            "--page",
            str(report_page),
            "--out",
            str(out),
            "--width",
            str(WIDTH),
            "--height",
            str(HEIGHT),
            "--scale",
            "2",
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stderr == ""
    assert QtGui.QImage(str(out)).size() == QtCore.QSize(2 * WIDTH, 2 * HEIGHT)

    failed = subprocess.run(
        [
            sys.executable,
            "-m",
            "ui.snapshot",
            "--page",
            str(tmp_path / "nope.html"),
            "--out",
            str(out),
            "--width",
            "10",
            "--height",
            "10",
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert failed.returncode != 0
    assert len(failed.stderr.splitlines()) == 1


def test_python_asks_the_page_through_the_dateline_api_only():
    """Every script run in a page is a js_call of window.Dateline (MapPage.call)."""
    import re

    from mapper.page.mapview import JS_API, page_script

    for path in sorted((ROOT / "ui").glob("*.py")):
        runs = re.findall(r"\brunJavaScript\(\s*(\w+)", path.read_text(encoding="utf-8"))
        if path.name == "mapwidget.py":
            assert runs == ["script", "script"], runs  # MapPage.call: js_call(...)
        else:
            assert runs == [], f"{path.name} runs its own JavaScript"
    script = page_script()
    for name in ("snapshotState", "prepareForPaper"):
        assert name in JS_API and f"{name}: {name}" in script
