"""The whole pipeline in one object: article in, :class:`ArticleAnalysis` out.

Loading is the slow part (the spaCy model, opening the gazetteer), so a
:class:`Pipeline` is made once and reused for every article; the window makes
it on a worker thread, the CLI once per call.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from mapper.actors import ActorLexicon, find_actors
from mapper.corrections import Corrections, CorrectionsError, default_corrections_path
from mapper.events import EventTagger, Taxonomy, load_taxonomy_or_default
from mapper.gazetteer import Gazetteer
from mapper.nlp import blank_nlp, load_nlp, sentences_of
from mapper.online import OnlineGeocoder, OnlineSettings
from mapper.places import find_place_mentions
from mapper.resolve import resolve_mentions
from mapper.types import Article, ArticleAnalysis

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

log = logging.getLogger(__name__)

#: Changes whenever the pipeline's output for the same text may change.
PIPELINE_VERSION = "0.2"

ProgressCallback = Callable[[str], None]


def load_user_corrections() -> Corrections:
    """The user's saved corrections; an unreadable file is logged and ignored (not lost)."""
    try:
        return Corrections.load(default_corrections_path())
    except CorrectionsError as error:
        log.warning("corrections not applied: %s", error)
        return Corrections()


def online_geocoder(settings: OnlineSettings | None) -> OnlineGeocoder | None:
    """An online geocoder with its answer cache beside the gazetteer index, if enabled."""
    if settings is None or not settings.enabled:
        return None
    from mapper.gazetteer import default_index_path

    return OnlineGeocoder(settings, default_index_path().parent / "online-geocoder.sqlite")


class Pipeline:
    """A loaded language pipeline plus gazetteer."""

    def __init__(
        self,
        nlp: Language,
        gazetteer: Gazetteer,
        *,
        model_name: str,
        corrections: Corrections | None = None,
        online: OnlineGeocoder | None = None,
        taxonomy: Taxonomy | None = None,
    ) -> None:
        self.nlp = nlp
        self.gazetteer = gazetteer
        self.model_name = model_name
        self.corrections = corrections or Corrections()
        self.online = online
        self.lexicon = ActorLexicon.load()
        #: Why the user's event-type file was not used (None when it was, or there is none).
        self.taxonomy_warning: str | None = None
        if taxonomy is None:
            taxonomy, self.taxonomy_warning = load_taxonomy_or_default()
        self.tagger = EventTagger(taxonomy)

    @property
    def taxonomy(self) -> Taxonomy:
        """The event types sentences are tagged with."""
        return self.tagger.taxonomy

    @classmethod
    def load(
        cls,
        progress: ProgressCallback | None = None,
        *,
        model: str | None = None,
        corrections: Corrections | None = None,
        online: OnlineSettings | None = None,
    ) -> Pipeline:
        """The full pipeline with the trained English model (slow: run off the UI thread).

        ``corrections`` default to the user's saved ones; ``online`` geocoding is off
        unless settings that enable it are given.
        """
        report = progress or (lambda _message: None)
        report("Opening the gazetteer…")
        gazetteer = Gazetteer.open()
        report("Loading the language model…")
        nlp = load_nlp(model)
        meta = nlp.meta
        return cls(
            nlp,
            gazetteer,
            model_name=f"{meta.get('lang')}_{meta.get('name')}",
            corrections=corrections if corrections is not None else load_user_corrections(),
            online=online_geocoder(online),
        )

    @classmethod
    def blank(
        cls,
        progress: ProgressCallback | None = None,
        *,
        corrections: Corrections | None = None,
    ) -> Pipeline:
        """A pipeline without a model: places come from the gazetteer alone (fast; tests)."""
        report = progress or (lambda _message: None)
        report("Opening the gazetteer…")
        return cls(
            blank_nlp(),
            Gazetteer.open(),
            model_name="blank",
            corrections=corrections if corrections is not None else load_user_corrections(),
        )

    def analyze(self, article: Article) -> ArticleAnalysis:
        """Find, resolve and locate the places of one article."""
        return self._analysis(article, self.nlp(article.text))

    def analyze_many(self, articles: Iterable[Article]) -> Iterator[ArticleAnalysis]:
        """Analyse many articles, batching them through spaCy."""
        pairs = self.nlp.pipe(((a.text, a) for a in articles), as_tuples=True)
        for doc, article in pairs:
            yield self._analysis(article, doc)

    def _analysis(self, article: Article, doc: Doc) -> ArticleAnalysis:
        sentences = sentences_of(doc)
        online = self.online if self.online and self.online.settings.enabled else None
        mentions = find_place_mentions(doc, self.gazetteer, keep_unknown=online is not None)
        resolved = resolve_mentions(
            article.text, mentions, sentences, self.gazetteer, self.corrections, online
        )
        actors, actor_mentions = find_actors(doc, resolved, self.gazetteer, self.lexicon)
        events = self.tagger.tag(doc, sentences)
        return ArticleAnalysis(
            article=article,
            sentences=tuple(sentences),
            places=tuple(resolved),
            actors=actors,
            actor_mentions=actor_mentions,
            events=tuple(events),
            pipeline_version=f"{PIPELINE_VERSION}+{self.model_name}",
        )
