"""The one base of every error the ``mapper`` library raises on purpose.

Callers (the window, the command line) can catch :class:`DatelineError` for "a problem
we know how to report"; each subclass says which (an unreadable source, a damaged
project, a bad taxonomy…). Some also derive from the built-in error they refine
(:class:`ValueError`, :class:`RuntimeError`), so older ``except`` clauses still hold.
"""

from __future__ import annotations


class DatelineError(Exception):
    """Base class of the errors of the ``mapper`` library (a message meant for the user)."""
