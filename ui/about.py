"""Help ▸ About Dateline: the version and the credits the data licences ask for."""

from __future__ import annotations

import html
from importlib import metadata

from ui.qt import QtCore, QtWidgets


def app_version() -> str:
    """The installed version of Dateline."""
    try:
        return metadata.version("dateline")
    except metadata.PackageNotFoundError:
        return "(development)"


def about_html() -> str:
    """The About box text: version and credits (fixed text, no article data)."""
    versions = []
    for label, package in (
        ("PySide6", "PySide6"),
        ("folium", "folium"),
        ("spaCy", "spacy"),
        ("geopy", "geopy"),
    ):
        try:
            versions.append(f"{label} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            versions.append(label)
    return (
        f"<h3>Dateline {html.escape(app_version())}</h3>"
        "<p>Reads news articles, finds the places they mention and pins them on an offline map.</p>"
        "<p><b>Data</b><br>"
        "Place names and coordinates: GeoNames (CC BY 4.0), geonames.org<br>"
        "Basemap: Natural Earth (public domain), naturalearthdata.com</p>"
        "<p><b>Software</b><br>"
        "Map: Leaflet (BSD-2-Clause) and Leaflet.markercluster (MIT), "
        "built with folium (MIT)<br>"
        "Language: spaCy (MIT) and its English model (MIT)<br>"
        f"Geocoding interface: geopy (MIT)<br>Window: Qt and PySide6 (LGPL-3.0)<br>"
        f"<small>{html.escape(', '.join(versions))}</small></p>"
    )


def show_about(parent: QtWidgets.QWidget) -> QtWidgets.QMessageBox:
    """Open the About box (not blocking) and return it."""
    box = QtWidgets.QMessageBox(parent)
    box.setObjectName("aboutBox")
    box.setWindowTitle(box.tr("About Dateline"))
    icon = QtWidgets.QApplication.windowIcon()
    if not icon.isNull():
        box.setIconPixmap(icon.pixmap(64, 64))
    box.setTextFormat(QtCore.Qt.TextFormat.RichText)
    box.setText(about_html())
    box.setStandardButtons(QtWidgets.QMessageBox.StandardButton.Close)
    box.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box
