"""Dateline: ``python main.py [FILES…]`` opens the window (no files: the sample article)."""

from __future__ import annotations

import os
import sys


def _prepare_environment() -> None:
    """Environment Qt WebEngine needs before it starts."""
    # Chromium refuses to run as root with its sandbox on ("Running as root without
    # --no-sandbox is not supported") and the map would never appear. Only root gets
    # the sandbox turned off; every other user keeps it.
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")


if __name__ == "__main__":
    import multiprocessing

    # A packaged (frozen) app re-runs this file in spaCy's worker processes.
    multiprocessing.freeze_support()
    _prepare_environment()
    if sys.argv[1:2] == ["--snapshot"]:
        # The export command renders PNG/PDF in a subprocess (mapper/__main__.py); a
        # packaged app has no "python -m ui.snapshot", so it runs itself with --snapshot.
        from ui.snapshot import main as render

        sys.exit(render(sys.argv[2:]))
    from ui.app import main

    sys.exit(main(sys.argv))
