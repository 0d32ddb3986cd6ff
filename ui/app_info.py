"""Who the app is to Qt and where it keeps its settings (imported by every ``ui`` module
that needs them, so no module imports the window for two names)."""

from __future__ import annotations

from ui.qt import QtCore

#: QSettings names: where window geometry, dock layout, folders and choices are remembered.
ORGANIZATION = "Dateline"
APPLICATION = "Dateline"


def settings() -> QtCore.QSettings:
    """The app's settings (the platform's usual place; tests point it elsewhere)."""
    return QtCore.QSettings(ORGANIZATION, APPLICATION)


def settings_list(value: object) -> list[str]:
    """A QSettings list value (None, a single string, or a list)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value else []
    return [str(v) for v in value] if isinstance(value, list | tuple) else []


def settings_bool(value: object) -> bool:
    """A QSettings value as a bool (INI files give strings back)."""
    return value is True or str(value).lower() in ("true", "1")
