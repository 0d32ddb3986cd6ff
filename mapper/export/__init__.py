"""Exports of a map: HTML report, GeoJSON, CSV, KML (:mod:`mapper.export.formats`)."""
