"""Dateline: ``python main.py [FILES…]`` opens the window (no files: the sample article)."""

from __future__ import annotations

import sys

if __name__ == "__main__":
    import multiprocessing

    # A packaged (frozen) app re-runs this file in spaCy's worker processes.
    multiprocessing.freeze_support()
    from ui.environment import prepare_qt_environment

    # First, before anything imports Qt (ui.app and ui.snapshot call it too, for the
    # entry points that do not come through here; a second call changes nothing).
    prepare_qt_environment(headless=False)
    if sys.argv[1:2] == ["--snapshot"]:
        # The export command renders PNG/PDF in a subprocess (mapper/cli/__init__.py); a
        # packaged app has no "python -m ui.snapshot", so it runs itself with --snapshot.
        from ui.snapshot import main as render

        sys.exit(render(sys.argv[2:]))
    from ui.app import main

    sys.exit(main(sys.argv))
