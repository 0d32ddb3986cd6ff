"""The Atlas: all analysed articles and the indexes between places and excerpts.

The Atlas is what the window shows and what exports write. It is built from
:class:`~mapper.types.ArticleAnalysis` records; each excerpt is one sentence
of one article that mentions at least one place.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from mapper.types import Article, ArticleAnalysis, Place, ResolvedMention, Sentence


@dataclass(frozen=True)
class Highlight:
    """A mention inside an excerpt, with offsets relative to the excerpt text."""

    start: int
    end: int
    place_id: str


@dataclass(frozen=True)
class Excerpt:
    """One sentence of one article that mentions one or more places."""

    id: str  # "<article_id>:<sentence start>"
    article_id: str
    article_title: str
    start: int  # offsets into the article text
    end: int
    text: str  # article.text[start:end]
    highlights: tuple[Highlight, ...]  # every place mention inside the sentence

    @property
    def place_ids(self) -> tuple[str, ...]:
        """Ids of the places this excerpt mentions, in text order, without repeats."""
        return tuple(dict.fromkeys(h.place_id for h in self.highlights))


class Atlas:
    """Articles, places and excerpts with lookups both ways.

    Adding an analysis of an article already present (same id) replaces it.
    """

    def __init__(self, analyses: Iterable[ArticleAnalysis] = ()) -> None:
        self._analyses: dict[str, ArticleAnalysis] = {}
        self._excerpts: dict[str, Excerpt] = {}
        self._places: dict[str, Place] = {}
        self._place_excerpts: dict[str, list[str]] = defaultdict(list)
        for analysis in analyses:
            self.add(analysis)

    # -- building -----------------------------------------------------------------
    def add(self, analysis: ArticleAnalysis) -> None:
        """Add (or replace) one article's analysis and re-index."""
        self._analyses[analysis.article.id] = analysis
        self._reindex()

    def remove(self, article_id: str) -> None:
        """Forget one article."""
        self._analyses.pop(article_id, None)
        self._reindex()

    def _reindex(self) -> None:
        self._excerpts.clear()
        self._places.clear()
        self._place_excerpts.clear()
        for analysis in self._analyses.values():
            for excerpt in _excerpts_of(analysis):
                self._excerpts[excerpt.id] = excerpt
                for place_id in excerpt.place_ids:
                    self._place_excerpts[place_id].append(excerpt.id)
            for rm in analysis.places:
                self._places.setdefault(rm.place.id, rm.place)

    # -- reading ------------------------------------------------------------------
    @property
    def articles(self) -> list[Article]:
        """Articles in the order they were added."""
        return [a.article for a in self._analyses.values()]

    @property
    def analyses(self) -> list[ArticleAnalysis]:
        """Per-article analyses in the order they were added."""
        return list(self._analyses.values())

    def article(self, article_id: str) -> Article:
        """The article with this id (KeyError if unknown)."""
        return self._analyses[article_id].article

    def places(self, article_ids: Iterable[str] | None = None) -> list[Place]:
        """Places mentioned in the given articles (all when None), most mentioned first."""
        counts = self.mention_counts(article_ids)
        return sorted(
            (self._places[pid] for pid in counts),
            key=lambda p: (-counts[p.id], p.name),
        )

    def place(self, place_id: str) -> Place:
        """The place with this id (KeyError if unknown)."""
        return self._places[place_id]

    def has_place(self, place_id: str) -> bool:
        """Whether this id names a place in the atlas (ids from the page are checked here)."""
        return place_id in self._places

    def mentions(self, article_ids: Iterable[str] | None = None) -> Iterator[ResolvedMention]:
        """Every resolved mention of the given articles (all when None)."""
        wanted = None if article_ids is None else set(article_ids)
        for article_id, analysis in self._analyses.items():
            if wanted is None or article_id in wanted:
                yield from analysis.places

    def mention_counts(self, article_ids: Iterable[str] | None = None) -> dict[str, int]:
        """Number of mentions per place id."""
        counts: dict[str, int] = defaultdict(int)
        for rm in self.mentions(article_ids):
            counts[rm.place.id] += 1
        return dict(counts)

    def surfaces_for_place(self, place_id: str) -> list[str]:
        """How the articles write this place ("U.S.", "United States"…), most frequent first."""
        counts: dict[str, int] = defaultdict(int)
        for rm in self.mentions():
            if rm.place.id == place_id:
                counts[rm.mention.surface] += 1
        return sorted(counts, key=lambda s: (-counts[s], s))

    def excerpts_for_place(
        self, place_id: str, article_ids: Iterable[str] | None = None
    ) -> list[Excerpt]:
        """Sentences mentioning the place, in article then text order."""
        wanted = None if article_ids is None else set(article_ids)
        return [
            self._excerpts[eid]
            for eid in self._place_excerpts.get(place_id, [])
            if wanted is None or self._excerpts[eid].article_id in wanted
        ]

    def excerpt(self, excerpt_id: str) -> Excerpt:
        """The excerpt with this id (KeyError if unknown)."""
        return self._excerpts[excerpt_id]

    def has_excerpt(self, excerpt_id: str) -> bool:
        """Whether this id names an excerpt in the atlas."""
        return excerpt_id in self._excerpts

    def __len__(self) -> int:
        return len(self._analyses)


def _excerpts_of(analysis: ArticleAnalysis) -> Iterator[Excerpt]:
    """Group an article's resolved mentions by sentence."""
    article = analysis.article
    by_sentence: dict[Sentence, list[ResolvedMention]] = defaultdict(list)
    for rm in analysis.places:
        by_sentence[rm.sentence].append(rm)
    for sentence in sorted(by_sentence, key=lambda s: s.start):
        mentions = sorted(by_sentence[sentence], key=lambda r: r.mention.start)
        yield Excerpt(
            id=f"{article.id}:{sentence.start}",
            article_id=article.id,
            article_title=article.title,
            start=sentence.start,
            end=sentence.end,
            text=article.text[sentence.start : sentence.end],
            highlights=tuple(
                Highlight(
                    rm.mention.start - sentence.start,
                    rm.mention.end - sentence.start,
                    rm.place.id,
                )
                for rm in mentions
            ),
        )
