"""The export formats, once: the CLI's ``--to``, the export dialog and the renderer take
them from :data:`FORMATS`.

A format is rendered from the report page (PNG, PDF: by ``ui.snapshot``, with Qt) or
written by its writer module here (HTML, GeoJSON, CSV, KML); :func:`write_data` is the one
dispatch to the writers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from mapper.atlas import Atlas
from mapper.export.common import EventTypes, ReportOptions
from mapper.export.csv_rows import write_csv
from mapper.export.geojson import write_geojson
from mapper.export.html import write_html
from mapper.export.kml import write_kml
from mapper.filters import Filter

__all__ = ["FORMATS", "RENDERED", "ExportFormat", "format_of", "write_data"]

#: A writer: (path, atlas, filter, event types, options, excel_bom) → the path written.
#: The options' title titles a KML document; the HTML map takes all of them.
Writer = Callable[[Path, Atlas, Filter, EventTypes, ReportOptions, bool], Path]


@dataclass(frozen=True)
class ExportFormat:
    """A file format: ``key`` (also its usual suffix, without the dot), ``label`` for the
    user, ``suffixes`` a file of it may end in (the usual one first), the filter of a
    file dialog, and ``writer`` (``None`` when the format is rendered from the report
    page, see :data:`RENDERED`)."""

    key: str
    label: str
    suffixes: tuple[str, ...]
    file_filter: str
    writer: Writer | None = None

    @property
    def suffix(self) -> str:
        """The usual suffix, with its dot."""
        return self.suffixes[0]

    @property
    def rendered(self) -> bool:
        """Whether the format is rendered from the report page (by ``ui.snapshot``)."""
        return self.writer is None


def _html(
    path: Path, atlas: Atlas, where: Filter, types: EventTypes, options: ReportOptions, _: bool
) -> Path:
    return write_html(path, atlas, where, types, options)


def _geojson(
    path: Path, atlas: Atlas, where: Filter, types: EventTypes, _options: ReportOptions, _: bool
) -> Path:
    return write_geojson(path, atlas, where, types)


def _csv(
    path: Path, atlas: Atlas, where: Filter, _types: EventTypes, _: ReportOptions, bom: bool
) -> Path:
    return write_csv(path, atlas, where, excel_bom=bom)


def _kml(
    path: Path, atlas: Atlas, where: Filter, types: EventTypes, options: ReportOptions, _: bool
) -> Path:
    return write_kml(path, atlas, where, types, title=options.title)


#: Every export format by key, in the order the export dialog lists them.
FORMATS: dict[str, ExportFormat] = {
    f.key: f
    for f in (
        ExportFormat("png", "PNG image", (".png",), "PNG image (*.png)"),
        ExportFormat("pdf", "PDF document", (".pdf",), "PDF document (*.pdf)"),
        ExportFormat(
            "html", "Interactive HTML map", (".html", ".htm"), "HTML page (*.html *.htm)", _html
        ),
        ExportFormat(
            "geojson", "GeoJSON", (".geojson", ".json"), "GeoJSON (*.geojson *.json)", _geojson
        ),
        ExportFormat("csv", "CSV (one row per mention)", (".csv",), "CSV (*.csv)", _csv),
        ExportFormat("kml", "KML (Google Earth)", (".kml",), "KML (*.kml)", _kml),
    )
}
#: The keys of the formats rendered from the report page.
RENDERED = frozenset(key for key, f in FORMATS.items() if f.rendered)


def format_of(path: Path) -> ExportFormat | None:
    """The format a file name's suffix (any case) says, or None."""
    suffix = path.suffix.lower()
    return next((f for f in FORMATS.values() if suffix in f.suffixes), None)


def write_data(
    key: str,
    path: Path,
    atlas: Atlas,
    where: Filter,
    event_types: EventTypes,
    options: ReportOptions,
    *,
    excel_bom: bool = False,
) -> Path:
    """Write a data format (html, geojson, csv, kml); raises ExportError for the user."""
    found = FORMATS.get(key)
    if found is None or found.writer is None:
        raise ValueError(f"not a data format: {key!r}")
    return found.writer(path, atlas, where, event_types, options, excel_bom)
