"""Exports of what the map shows: GeoJSON, CSV, KML, a standalone HTML map, and the
report page that PNG and PDF snapshots are rendered from.

Every export takes the :class:`~mapper.atlas.Atlas` and the :class:`~mapper.filters.Filter`
the user narrowed it to (the one filter rule of the window, the page and the CLI): only
excerpts that pass are written, and a place is written while one of its excerpts passes.
Attribution (``common.credits``) and the list of source articles (``common.source_list``)
travel with every export that has room for them: the GeoJSON foreign member
``"dateline"``, the KML document's description and ExtendedData, and the footer of the
HTML and report pages.

One module a format (``geojson``, ``csv_rows``, ``kml``, ``html``), what they share in
``common`` (escaping, the atomic write, :class:`~mapper.export.common.ExportError`), the
one list of formats in ``registry``, and the layout of a report (paper sizes, the
composition of what the window shows) in ``layout``. No Qt here: PNG and PDF are
rendered by ``ui.snapshot`` from ``html.build_report_page``.
"""
