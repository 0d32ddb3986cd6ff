"""The Settings menu: where the event types come from, and online lookups on or off."""

from __future__ import annotations

from collections.abc import Callable

from mapper.events.taxonomy import default_taxonomy_path, user_taxonomy_path
from ui import app_info
from ui.qt import QtCore, QtGui, QtWidgets

_ONLINE_KEY = "geocoding/online"


def online_lookups_enabled() -> bool:
    """Whether the user turned online lookups on (off unless they did)."""
    return app_info.settings_bool(app_info.settings().value(_ONLINE_KEY))


def remember_online_lookups(enabled: bool) -> None:
    """Keep the user's choice for the next start."""
    settings = app_info.settings()
    settings.setValue(_ONLINE_KEY, enabled)
    settings.sync()


def show_event_types(
    parent: QtWidgets.QWidget, reload: Callable[[], None]
) -> QtWidgets.QMessageBox:
    """Say where the event types come from; offer an editable copy, the folder, a reload.

    ``reload`` reads them again (the Reload button).
    """
    user_file = user_taxonomy_path()
    in_use = user_file if user_file.exists() else default_taxonomy_path()
    box = QtWidgets.QMessageBox(parent)
    box.setObjectName("eventTypesBox")
    box.setWindowTitle(box.tr("Event Types"))
    box.setTextFormat(QtCore.Qt.TextFormat.PlainText)
    box.setText(
        box.tr(
            "Event types are read from:\n{in_use}\n\nTo change them, edit your own "
            "copy:\n{user_file}\nthen choose Reload. If your copy has a mistake, "
            "Dateline says what is wrong and uses the default types."
        ).format(in_use=in_use, user_file=user_file)
    )
    copy_button = box.addButton(
        box.tr("Create Editable Copy"), QtWidgets.QMessageBox.ButtonRole.ActionRole
    )
    copy_button.setEnabled(not user_file.exists())
    folder_button = box.addButton(
        box.tr("Open Folder"), QtWidgets.QMessageBox.ButtonRole.ActionRole
    )
    reload_button = box.addButton(box.tr("Reload"), QtWidgets.QMessageBox.ButtonRole.ActionRole)
    box.addButton(QtWidgets.QMessageBox.StandardButton.Close)

    def on_clicked(button: QtWidgets.QAbstractButton) -> None:
        if button is copy_button:
            user_file.parent.mkdir(parents=True, exist_ok=True)
            user_file.write_bytes(default_taxonomy_path().read_bytes())
        elif button is folder_button:
            user_file.parent.mkdir(parents=True, exist_ok=True)
            QtGui.QDesktopServices.openUrl(QtCore.QUrl.fromLocalFile(str(user_file.parent)))
        elif button is reload_button:
            reload()

    box.buttonClicked.connect(on_clicked)
    box.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box
