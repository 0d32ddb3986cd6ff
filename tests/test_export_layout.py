"""The export formats' one list and the layout of a report (no Qt)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mapper.atlas import Atlas
from mapper.export import layout
from mapper.export.common import ReportOptions
from mapper.export.layout import MapState, ReportSettings
from mapper.export.registry import FORMATS, RENDERED, format_of, write_data
from mapper.filters import OPEN


def test_paper_sizes_in_css_pixels() -> None:
    assert layout.paper_size_px("a4", "landscape") == (1122, 793)
    assert layout.paper_size_px("a4", "portrait") == (793, 1122)
    assert layout.paper_size_px("letter", "landscape") == (1056, 816)
    assert layout.paper_size_px("letter", "portrait") == (816, 1056)
    # The command line rounds (its PDFs are 1123 × 794 on A4).
    assert tuple(round(side) for side in layout.paper_size_css("a4")) == (1123, 794)
    with pytest.raises(ValueError, match="Unknown paper"):
        layout.paper_size_px("a3")
    with pytest.raises(ValueError, match="Unknown orientation"):
        layout.paper_size_px("a4", "sideways")


def test_the_view_state_of_the_page_is_read_with_care() -> None:
    assert layout.parse_view_state('{"lat": 1, "lon": 2, "zoom": 3}') == (1.0, 2.0, 3.0)
    assert layout.parse_view_state({"lat": 1, "lon": 2, "zoom": 3}) == (1.0, 2.0, 3.0)
    for bad in ("", "[]", '{"lat": 91, "lon": 0, "zoom": 1}', '{"lat": "NaN", "lon": 0}', None):
        assert layout.parse_view_state(bad) is None


def test_a_view_fitted_to_a_smaller_region_zooms_out_in_quarter_steps() -> None:
    assert layout.fitted_view((10.0, 20.0, 5.0), (800, 600), (800, 600)) == (10.0, 20.0, 5.0)
    assert layout.fitted_view((10.0, 20.0, 5.0), (800, 600), (400, 600)) == (10.0, 20.0, 4.0)
    assert layout.fitted_view((0.0, 0.0, 5.0), (800, 600), (1000, 600))[2] == 5.0


def test_report_options_of_the_current_view_paper_and_sizes() -> None:
    state = MapState(Atlas([]), OPEN, (), (900, 500), view=(1.0, 2.0, 6.0))
    current = layout.report_options(state, ReportSettings(), frame=60)
    assert (current.width, current.height, current.view) == (900, 560, (1.0, 2.0, 6.0))
    paper = layout.report_options(state, ReportSettings(paper="a4"), frame=60)
    assert (paper.width, paper.height) == (1122, 793)
    sized = layout.report_options(state, ReportSettings(size=(450, 310)), frame=60)
    assert (sized.width, sized.height, sized.view) == (450, 310, (1.0, 2.0, 5.0))


def test_file_stems_and_summaries() -> None:
    assert layout.file_stem("Protests in Lima, 2024!") == "protests-in-lima-2024"
    assert layout.file_stem("  ") == "dateline-map"
    state = MapState(Atlas([]), OPEN, (), (900, 500))
    assert layout.summary_text(state) == "0 places · 0 mentions · 0 articles."


def test_one_list_of_formats_with_one_dispatch(tmp_path: Path) -> None:
    assert list(FORMATS) == ["png", "pdf", "html", "geojson", "csv", "kml"]
    assert frozenset({"png", "pdf"}) == RENDERED
    assert format_of(Path("a.HTM")) is FORMATS["html"]
    assert format_of(Path("a.json")) is FORMATS["geojson"]
    assert format_of(Path("a.docx")) is None
    assert FORMATS["csv"].file_filter == "CSV (*.csv)"
    with pytest.raises(ValueError, match="not a data format"):
        write_data("png", tmp_path / "a.png", Atlas([]), OPEN, (), ReportOptions())
