"""Full-text search over the atlas's excerpts (the sentences that mention places).

An in-memory SQLite FTS5 index, one row an excerpt, kept in step with the atlas one
article at a time (:meth:`SearchIndex.sync`): adding ten articles to a thousand indexes
ten. Matching is case- and accent-insensitive (``unicode61 remove_diacritics 2``).

What the user types (:func:`fts_query`):

- ``tear gas`` — sentences with every word, anywhere;
- ``"tear gas"`` — the words together, in that order (a phrase; an unclosed quote runs
  to the end);
- ``protest*`` — words starting so (protest, protests, protesters);
- ``police OR army`` — either (``OR`` in capitals, between two terms).

Nothing else is syntax: FTS5 operators the user types (``AND``, ``NEAR(``, ``^``,
column filters) are searched as words, so user text never reaches FTS5 as a query
language, and if SQLite still rejects the query it is searched as one quoted phrase, and
then as nothing — a search never raises.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace

from mapper.atlas import Atlas, Excerpt
from mapper.filters import Filter

#: Longest query read (characters): a pasted page is cut here rather than searched.
MAX_QUERY_CHARS = 1_000
#: Most terms of one query (words and phrases); later ones are left out.
MAX_TERMS = 32

# Markers highlight() puts around matches; they never occur in indexed text (see _clean).
_OPEN, _CLOSE = "\ue000", "\ue001"
# Characters that cannot go into SQLite (lone surrogates) or would pass for a marker: each
# is replaced by one character, so offsets into the indexed text are offsets into the excerpt.
_UNSAFE = re.compile("[\ud800-\udfff\ue000\ue001\x00]")
# A quoted phrase (its closing quote optional) or a bare word (no spaces, no quotes).
_TERM = re.compile(r'"([^"]*)"?|([^\s"]+)')


@dataclass(frozen=True)
class SearchResult:
    """The excerpts a query matched, each with the spans to highlight.

    ``matches`` maps an excerpt id to its ``(start, end)`` character offsets into
    :attr:`Excerpt.text` (in text order). The offsets are worked out when asked for, one
    excerpt at a time: a common word matches thousands of sentences, the filter needs only
    their ids and a panel shows a few hundred.
    """

    text: str
    ids: frozenset[str] = frozenset()
    matches: Mapping[str, tuple[tuple[int, int], ...]] = field(default_factory=dict)

    def spans(self, excerpt_id: str) -> tuple[tuple[int, int], ...]:
        """Where the query matched in one excerpt (empty if it did not)."""
        return self.matches.get(excerpt_id, ())


class _Spans(Mapping[str, tuple[tuple[int, int], ...]]):
    """Highlight offsets of a result's excerpts, asked of the index when first read (an
    excerpt re-indexed or dropped since has none)."""

    def __init__(self, index: SearchIndex, query: str, ids: frozenset[str]) -> None:
        self._index = index
        self._query = query
        self._ids = ids
        self._known: dict[str, tuple[tuple[int, int], ...]] = {}

    def __getitem__(self, excerpt_id: str) -> tuple[tuple[int, int], ...]:
        if excerpt_id not in self._ids:
            raise KeyError(excerpt_id)
        spans = self._known.get(excerpt_id)
        if spans is None:
            spans = self._known[excerpt_id] = self._index.highlights(excerpt_id, self._query)
        return spans

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)


def normalized(text: str) -> str:
    """The query as kept in a filter: cut to :data:`MAX_QUERY_CHARS`, characters SQLite
    cannot take (lone surrogates, NUL) as spaces, white space runs as one space."""
    return " ".join(_clean(text[:MAX_QUERY_CHARS]).split())


def fts_query(text: str) -> str:
    """The FTS5 query for what the user typed ("" when it has nothing to search for).

    Every term is quoted, so FTS5 sees only strings, ``*`` after a word and ``OR``.
    """
    parts: list[str] = []
    pending_or = False
    for match in _TERM.finditer(normalized(text)):
        phrase, word = match.group(1), match.group(2)
        if len(parts) >= MAX_TERMS:
            break
        if word == "OR" and parts and not pending_or:
            pending_or = True
            continue
        # Quoted, so FTS5 reads the user's text as strings only; "*" after a bare word.
        stem = phrase if phrase is not None else word.rstrip("*")
        if not _searchable(stem):
            continue
        term = f'"{stem}"*' if phrase is None and stem != word else f'"{stem}"'
        if pending_or:
            parts.append("OR")
            pending_or = False
        parts.append(term)
    return " ".join(parts)


def has_terms(text: str) -> bool:
    """Whether the text has anything to search for (a lone quote or star has not: it
    filters nothing, rather than hiding everything while a phrase is being typed)."""
    return bool(fts_query(text))


def _searchable(text: str) -> bool:
    """Whether the tokenizer finds a word in it (letters or digits)."""
    return any(char.isalnum() for char in text)


def _clean(text: str) -> str:
    return _UNSAFE.sub(" ", text)


def _spans(marked: str) -> tuple[tuple[int, int], ...]:
    """Offsets of the highlight() markers' contents in the unmarked text."""
    spans: list[tuple[int, int]] = []
    shift = 0  # markers passed so far
    opened = marked.find(_OPEN)
    while opened >= 0:
        closed = marked.find(_CLOSE, opened + 1)
        if closed < 0:
            break
        spans.append((opened - shift, closed - shift - 1))
        shift += 2
        opened = marked.find(_OPEN, closed + 1)
    return tuple(spans)


class SearchIndex:
    """An FTS5 index of excerpts, in memory, for one thread (the one that made it)."""

    def __init__(self) -> None:
        self._db = sqlite3.connect(":memory:")
        self._db.execute(
            "CREATE VIRTUAL TABLE excerpt USING fts5("
            "text, tokenize = 'unicode61 remove_diacritics 2')"
        )
        self._next_row = 1
        self._excerpt_of_row: dict[int, str] = {}
        self._row_of_excerpt: dict[str, int] = {}
        # Per article: the excerpts indexed (compared by identity) and their rows.
        self._indexed: dict[str, tuple[Excerpt, ...]] = {}
        self._rows: dict[str, list[int]] = {}
        # The last search, kept while nothing was indexed since (the window asks twice).
        self._last: SearchResult | None = None

    def __len__(self) -> int:
        return len(self._excerpt_of_row)

    def sync(self, atlas: Atlas) -> None:
        """Index the atlas's excerpts as they are now: articles added, changed or removed
        since the last call are indexed again or dropped; the others are left as they are."""
        current = {article.id for article in atlas.articles}
        with self._db:
            for article_id in [a for a in self._indexed if a not in current]:
                self._drop(article_id)
            for article_id in current:
                excerpts = atlas.article_excerpts(article_id)
                if self._indexed.get(article_id) is not excerpts:
                    self._drop(article_id)
                    self._add(article_id, excerpts)

    def add(self, article_id: str, excerpts: Iterable[Excerpt]) -> None:
        """Index one article's excerpts (replacing any indexed before for it)."""
        excerpts = tuple(excerpts)
        with self._db:
            self._drop(article_id)
            self._add(article_id, excerpts)

    def _add(self, article_id: str, excerpts: tuple[Excerpt, ...]) -> None:
        rows = list(range(self._next_row, self._next_row + len(excerpts)))
        self._next_row += len(excerpts)
        self._last = None
        self._db.executemany(
            "INSERT INTO excerpt(rowid, text) VALUES (?, ?)",
            [(row, _clean(excerpt.text)) for row, excerpt in zip(rows, excerpts, strict=True)],
        )
        for row, excerpt in zip(rows, excerpts, strict=True):
            self._excerpt_of_row[row] = excerpt.id
            self._row_of_excerpt[excerpt.id] = row
        self._indexed[article_id] = excerpts
        self._rows[article_id] = rows

    def _drop(self, article_id: str) -> None:
        self._last = None
        rows = self._rows.pop(article_id, [])
        self._indexed.pop(article_id, None)
        if rows:
            self._db.executemany("DELETE FROM excerpt WHERE rowid = ?", [(r,) for r in rows])
            for row in rows:
                excerpt_id = self._excerpt_of_row.pop(row, None)
                if excerpt_id is not None and self._row_of_excerpt.get(excerpt_id) == row:
                    del self._row_of_excerpt[excerpt_id]

    def search(self, text: str) -> SearchResult:
        """The excerpts matching what the user typed, with their highlight spans.

        Never raises on the query: one SQLite rejects is searched as a quoted phrase, and
        if that fails too it matches nothing.
        """
        text = normalized(text)
        if self._last is not None and self._last.text == text:
            return self._last
        self._last = self._search(text)
        return self._last

    def _search(self, text: str) -> SearchResult:
        query = fts_query(text)
        if not query:
            return SearchResult(text)
        for attempt in (query, '"' + text.replace('"', " ") + '"'):
            try:
                rows = self._db.execute(
                    "SELECT rowid FROM excerpt WHERE excerpt MATCH ?", (attempt,)
                ).fetchall()
            except sqlite3.Error:
                continue
            of_row = self._excerpt_of_row
            ids = frozenset(of_row[row] for (row,) in rows if row in of_row)
            return SearchResult(text, ids, _Spans(self, attempt, ids))
        return SearchResult(text)

    def highlights(self, excerpt_id: str, query: str) -> tuple[tuple[int, int], ...]:
        """Where an FTS5 query (as :func:`fts_query` makes) matches one excerpt's text:
        character offsets, in text order (empty if it does not, or on a bad query)."""
        row = self._row_of_excerpt.get(excerpt_id)
        if row is None:
            return ()
        try:
            found = self._db.execute(
                "SELECT highlight(excerpt, 0, ?, ?) FROM excerpt "
                "WHERE excerpt MATCH ? AND rowid = ?",
                (_OPEN, _CLOSE, query, row),
            ).fetchone()
        except sqlite3.Error:
            return ()
        return _spans(found[0]) if found else ()


def searched(where: Filter, index: SearchIndex, atlas: Atlas) -> Filter:
    """The filter with its search text resolved to the excerpts that match it now (the
    index brought up to date first); a filter without search terms has no excerpt facet."""
    if not has_terms(where.search):
        return replace(where, excerpts=None)
    index.sync(atlas)
    return replace(where, excerpts=index.search(where.search).ids)
