"""The menu bar: every menu, action, shortcut and status tip of the window, in one place.

:class:`MenuActions` builds the menus and holds their actions; what an action
does is wired by the window (``actions.open.triggered.connect(...)``), so this
module says what the user sees and presses, not what happens.
"""

from __future__ import annotations

from collections.abc import Sequence

from ui.qt import QtGui, QtWidgets


class MenuActions:
    """File, Edit, View, Settings and Help, built on ``window``'s menu bar.

    The View menu lists ``docks`` (show/hide each) before Reset Layout.
    """

    def __init__(
        self, window: QtWidgets.QMainWindow, docks: Sequence[QtWidgets.QDockWidget]
    ) -> None:
        key = QtGui.QKeySequence.StandardKey
        bar = window.menuBar()
        tr = window.tr

        file_menu = bar.addMenu(tr("&File"))
        self.open = file_menu.addAction(tr("&Open…"))
        self.open.setShortcut(QtGui.QKeySequence(key.Open))
        self.open.setStatusTip(tr("Open article files (.txt, .md, .html)"))
        self.import_folder = file_menu.addAction(tr("Import &Folder…"))
        self.import_folder.setShortcut(QtGui.QKeySequence("Ctrl+Shift+O"))
        self.import_folder.setStatusTip(tr("Open every article in a folder and its subfolders"))
        file_menu.addSeparator()
        self.open_project = file_menu.addAction(tr("Open &Project…"))
        self.open_project.setShortcut(QtGui.QKeySequence("Ctrl+Shift+P"))
        self.recent_menu = file_menu.addMenu(tr("Open &Recent Project"))
        self.recent_menu.setObjectName("recentMenu")
        self.save_project = file_menu.addAction(tr("&Save Project"))
        self.save_project.setShortcut(QtGui.QKeySequence(key.Save))
        self.save_project_as = file_menu.addAction(tr("Save Project &As…"))
        self.save_project_as.setShortcut(QtGui.QKeySequence(key.SaveAs))
        file_menu.addSeparator()
        self.export = file_menu.addAction(tr("E&xport…"))
        self.export.setShortcut(QtGui.QKeySequence("Ctrl+E"))
        self.export.setStatusTip(
            tr("Export the map as shown (PNG, PDF) or its data (HTML, GeoJSON, CSV, KML)")
        )
        file_menu.addSeparator()
        self.import_corrections = file_menu.addAction(tr("&Import Corrections…"))
        self.export_corrections = file_menu.addAction(tr("&Export Corrections…"))
        self.adopt_corrections = file_menu.addAction(tr("&Make Project's Corrections Mine"))
        self.adopt_corrections.setStatusTip(
            tr(
                "Keep the open project's corrections for every article (they apply to the "
                "project only until you do)"
            )
        )
        self.adopt_corrections.setEnabled(False)  # until a project brings corrections
        file_menu.addSeparator()
        self.quit = file_menu.addAction(tr("&Quit"))
        # StandardKey.Quit has no binding on Windows; Ctrl+Q everywhere is expected.
        self.quit.setShortcuts(
            QtGui.QKeySequence.keyBindings(key.Quit) or [QtGui.QKeySequence("Ctrl+Q")]
        )
        self.quit.setMenuRole(QtGui.QAction.MenuRole.QuitRole)

        edit_menu = bar.addMenu(tr("&Edit"))
        self.copy_map_image = edit_menu.addAction(tr("Copy Map &Image"))
        self.copy_map_image.setShortcut(QtGui.QKeySequence("Ctrl+Shift+C"))
        self.copy_map_image.setStatusTip(
            tr("Copy the map as shown, with its legend, scale bar and credits")
        )

        view_menu = bar.addMenu(tr("&View"))
        for dock in docks:
            view_menu.addAction(dock.toggleViewAction())
        self.reset_layout = view_menu.addAction(tr("&Reset Layout"))
        view_menu.addSeparator()
        self.fit = view_menu.addAction(tr("&Fit Map to Pins"))
        self.fit.setShortcut(QtGui.QKeySequence("Ctrl+0"))
        # Views of many places (resources/map/js/choropleth.js): one at a time.
        view_menu.addSeparator()
        self.map_views = QtGui.QActionGroup(window)
        self.map_views.setExclusive(True)
        self.map_view_actions: dict[str, QtGui.QAction] = {}
        for view_key, label, shortcut, tip in (
            ("pins", tr("&Pins"), "Ctrl+1", tr("Show each place as a pin")),
            (
                "choropleth",
                tr("&Choropleth"),
                "Ctrl+2",
                tr("Colour countries and states by the excerpts shown there"),
            ),
            ("heat", tr("&Heat Map"), "Ctrl+3", tr("Show where the excerpts shown gather")),
        ):
            action = view_menu.addAction(label)
            action.setCheckable(True)
            action.setData(view_key)
            action.setShortcut(QtGui.QKeySequence(shortcut))
            action.setStatusTip(tip)
            self.map_views.addAction(action)
            self.map_view_actions[view_key] = action
        self.map_view_actions["pins"].setChecked(True)

        places_menu = bar.addMenu(tr("&Places"))
        self.review_places = places_menu.addAction(tr("&Review Doubtful Places…"))
        self.review_places.setObjectName("reviewPlacesAction")
        self.review_places.setShortcut(QtGui.QKeySequence("Ctrl+R"))
        self.review_places.setStatusTip(
            tr("Check the places whose choice was doubtful; confirm or correct many at once")
        )

        settings_menu = bar.addMenu(tr("&Settings"))
        self.online = settings_menu.addAction(
            tr("Look Up Unknown Places &Online (OpenStreetMap Nominatim)")
        )
        self.online.setCheckable(True)
        self.online.setStatusTip(
            tr(
                "Ask Nominatim about place names the offline gazetteer does not know "
                "(sends those names over the network; at most one request a second)"
            )
        )
        settings_menu.addSeparator()
        self.event_types = settings_menu.addAction(tr("&Event Types…"))
        self.event_types.setStatusTip(tr("Where the event types are defined, and how to edit them"))

        help_menu = bar.addMenu(tr("&Help"))
        self.about = help_menu.addAction(tr("&About Dateline"))
        self.about.setMenuRole(QtGui.QAction.MenuRole.AboutRole)
