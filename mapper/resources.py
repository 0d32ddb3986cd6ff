"""The one loader for files under ``resources/`` (assets we own and users may edit)."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

_ROOT = Path(__file__).resolve().parent.parent / "resources"
_SEEDS = _ROOT.parent / "seeds"


def resources_root() -> Path:
    """The ``resources/`` folder shipped with the app."""
    return _ROOT


def resource_path(name: str) -> Path:
    """Path of a resource by its relative name; absolute or ``..`` names are refused."""
    relative = PurePosixPath(name)
    if relative.is_absolute() or ".." in relative.parts or not relative.parts:
        raise ValueError(f"Not a resource name: {name!r}")
    return _ROOT.joinpath(*relative.parts)


def seeds_dir() -> Path:
    """The ``seeds/`` folder with the built-in sample articles."""
    return _SEEDS
