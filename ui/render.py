"""Rich text for the side panels, built only from escaped article text.

An article is untrusted input: every piece of its text goes through
:func:`html.escape` before it becomes part of a rich-text string, and the only
markup in the result is the fixed markup defined here. No Qt in this module,
so it is easy to test on its own.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from mapper.atlas import Excerpt
from mapper.time.display import describe_date

#: The note after a date an excerpt takes from its article (its sentence names none).
ARTICLE_DATE_NOTE = "article date"

#: Markup around a highlighted place name (Qt rich text has no <mark>).
HIGHLIGHT_OPEN = '<span style="background-color:#ffd54f; color:#000000; font-weight:600;">'
HIGHLIGHT_CLOSE = "</span>"
#: Markup around words a search matched (underlined, so a matched place name shows both).
MATCH_OPEN = (
    '<span style="background-color:#b3e5fc; color:#000000; font-weight:600;'
    ' text-decoration:underline;">'
)
#: Markup around a place name the search matched too.
BOTH_OPEN = (
    '<span style="background-color:#ffd54f; color:#000000; font-weight:600;'
    ' text-decoration:underline;">'
)


def highlighted(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """``text`` escaped for rich text, with the ``(start, end)`` spans highlighted.

    Overlapping or out-of-range spans are clipped, never trusted.
    """
    parts: list[str] = []
    position = 0
    for start, end in sorted(spans):
        start, end = max(start, position), min(end, len(text))
        if start >= end:
            continue
        parts.append(html.escape(text[position:start]))
        parts.append(HIGHLIGHT_OPEN + html.escape(text[start:end]) + HIGHLIGHT_CLOSE)
        position = end
    parts.append(html.escape(text[position:]))
    return "".join(parts)


def excerpt_spans(excerpt: Excerpt, place_id: str | None) -> list[tuple[int, int]]:
    """Offsets (in the excerpt text) of the mentions of one place, or of every place."""
    return [
        (h.start, h.end) for h in excerpt.highlights if place_id is None or h.place_id == place_id
    ]


def excerpt_html(
    excerpt: Excerpt, place_id: str | None, matches: Iterable[tuple[int, int]] = ()
) -> str:
    """An excerpt's sentence as rich text, the mentions of ``place_id`` (or all) highlighted,
    and the ``matches`` of a search (offsets into ``excerpt.text``) marked."""
    matches = list(matches)
    if not matches:
        return highlighted(excerpt.text.strip(), _strip_shift(excerpt, place_id))
    return marked(excerpt.text.strip(), _strip_shift(excerpt, place_id), _shifted(excerpt, matches))


def marked(text: str, places: Iterable[tuple[int, int]], matches: Iterable[tuple[int, int]]) -> str:
    """``text`` escaped for rich text with place spans highlighted and search matches
    marked (a character in both gets both); spans are clipped to the text, never trusted."""
    # One style per character (0 plain, 1 place, 2 match, 3 both), then runs of a style.
    styles = [0] * len(text)
    for flag, spans in ((1, places), (2, matches)):
        for start, end in spans:
            for index in range(max(start, 0), min(end, len(text))):
                styles[index] |= flag
    opening = {1: HIGHLIGHT_OPEN, 2: MATCH_OPEN, 3: BOTH_OPEN}
    parts: list[str] = []
    run_start = 0
    for index in range(1, len(text) + 1):
        if index == len(text) or styles[index] != styles[run_start]:
            piece = html.escape(text[run_start:index])
            style = styles[run_start]
            parts.append(opening[style] + piece + HIGHLIGHT_CLOSE if style else piece)
            run_start = index
    return "".join(parts)


def _shifted(excerpt: Excerpt, spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans into ``excerpt.text`` moved to match ``excerpt.text.strip()``."""
    shift = len(excerpt.text) - len(excerpt.text.lstrip())
    return [(start - shift, end - shift) for start, end in spans]


def excerpt_plain(excerpt: Excerpt) -> str:
    """The same excerpt as plain text (accessibility, copying, tests)."""
    return f"{excerpt.article_title}\n{excerpt.text.strip()}"


def excerpt_date(excerpt: Excerpt) -> tuple[str, str]:
    """An excerpt's date in words and its note: ("Wed 1 May 2019", "") for the sentence's
    own date, ("Thu 2 May 2019", "article date") for its article's, ("no date", "")."""
    if not excerpt.date:
        return "no date", ""
    note = ARTICLE_DATE_NOTE if excerpt.date_from == "article" else ""
    return describe_date(excerpt.date), note


def excerpt_date_tooltip(excerpt: Excerpt) -> str:
    """Rich text (escaped) saying what an excerpt's date is and where it came from."""
    date, _note = excerpt_date(excerpt)
    if not excerpt.date:
        why = "Neither the sentence nor its article gives a date."
    elif excerpt.date_from == "article":
        why = "The sentence names no date: this is its article's publication date."
    else:
        why = f"The date the sentence names ({excerpt.date})."
    return f"<p><b>{html.escape(date)}</b></p><p>{html.escape(why)}</p>"


def utf16_offset(text: str, index: int) -> int:
    """Convert a Python (code point) index into ``text`` to a Qt (UTF-16) position."""
    prefix = text[:index]
    return index + sum(1 for char in prefix if ord(char) > 0xFFFF)


def _strip_shift(excerpt: Excerpt, place_id: str | None) -> list[tuple[int, int]]:
    """Highlight spans moved to match ``excerpt.text.strip()``."""
    shift = len(excerpt.text) - len(excerpt.text.lstrip())
    return [(start - shift, end - shift) for start, end in excerpt_spans(excerpt, place_id)]
