"""An article's dates: its temporal expressions, normalised against its publication day."""

from __future__ import annotations

from collections.abc import Sequence

from mapper.time.finder import find_timexes
from mapper.time.published import parse_day
from mapper.time.timex import Timex
from mapper.types import Article, Sentence


def article_dates(article: Article, sentences: Sequence[Sentence] = ()) -> list[Timex]:
    """The temporal expressions of an article, normalised against its publication day.

    The pipeline reads them once (``ArticleAnalysis.dates``, with the day they were read
    against); the atlas reads them again only when the article's day has changed since
    (the user set it), so that every relative expression follows the new day.
    """
    anchor = parse_day(article.published) if article.published else None
    spans = [(s.start, s.end) for s in sentences] or None
    return find_timexes(article.text, anchor, sentences=spans)
