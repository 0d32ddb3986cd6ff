"""The one loader for files under ``resources/`` (assets we own and users may edit)."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

_ROOT = Path(__file__).resolve().parent.parent / "resources"
_SEEDS = _ROOT.parent / "seeds"


def resources_dir() -> Path:
    """The ``resources/`` folder shipped with the app (next to the packages, also when bundled)."""
    return _ROOT


def resource_path(name: str) -> Path:
    """The file ``name`` (a relative POSIX path such as ``"map/dateline.js"``) in resources/.

    Absolute names, backslashes and names containing ``..`` are refused with
    ``ValueError``, so an asset name can never point outside the resources
    folder. The file need not exist.
    """
    pure = PurePosixPath(name)
    if not name or "\\" in name or pure.is_absolute() or ".." in pure.parts:
        raise ValueError(f"not a relative asset name: {name!r}")
    return _ROOT.joinpath(*pure.parts)


def seeds_dir() -> Path:
    """The ``seeds/`` folder with the built-in sample articles."""
    return _SEEDS
