"""The whole pipeline in one object: article in, :class:`ArticleAnalysis` out.

Loading is the slow part (the spaCy model, opening the gazetteer), so a
:class:`Pipeline` is made once and reused for every article; the window makes
it on a worker thread, the CLI once per call.
"""

from __future__ import annotations

import ast
import hashlib
import json
import logging
import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from mapper.events.tagger import EventTagger
from mapper.events.taxonomy import Taxonomy, load_taxonomy_or_default
from mapper.geo.corrections import Corrections, CorrectionsError, default_corrections_path
from mapper.geo.event_places import with_located_places
from mapper.geo.gazetteer import Gazetteer, default_index_path
from mapper.geo.home import HomeRegion, HomeSettings, home_region, load_outlets_or_empty
from mapper.geo.online import OnlineGeocoder, OnlineSettings
from mapper.geo.places import find_place_mentions
from mapper.geo.resolve import resolve_mentions
from mapper.resources import resource_path
from mapper.store.cache import AnalysisCache, fingerprint_for_home
from mapper.text.actors import ActorLexicon, find_actors
from mapper.text.nlp import blank_nlp, load_nlp, model_identity, sentences_of
from mapper.time.article import article_dates
from mapper.types import Article, ArticleAnalysis

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

log = logging.getLogger(__name__)

#: Changes whenever the pipeline's output for the same text may change.
PIPELINE_VERSION = "0.2"

ProgressCallback = Callable[[str], None]

#: Most place mentions mapped per article (bounds memory and the map for pathological input).
MAX_PLACE_MENTIONS = 5_000

#: Fewest articles to analyse for which a second spaCy process pays for its start-up.
PARALLEL_MIN_ARTICLES = 150


_CODE_DIGEST: str | None = None


def _code_digest() -> str:
    """:func:`code_digest` of this package's analysis modules, computed once per process
    (the code does not change under us)."""
    global _CODE_DIGEST
    if _CODE_DIGEST is None:
        package = sys.modules[__name__.partition(".")[0]]
        init = getattr(package, "__file__", None)
        _CODE_DIGEST = code_digest(Path(init).parent if init else None, __name__)
    return _CODE_DIGEST


def code_digest(package_dir: Path | None, root: str) -> str:
    """A digest of the source of the modules that make an analysis (:func:`analysis_modules`
    of ``root``): changing one of them must not reuse old cached results; changing an
    exporter, the map page or the window must not throw them away.

    (A packaged app may ship bytecode only: no source is found, and the version string
    then stands alone.)
    """
    hasher = hashlib.sha256()
    if package_dir is not None:
        for name, path in sorted(analysis_modules(package_dir, root).items()):
            try:
                source = path.read_bytes()
            except OSError:
                continue
            hasher.update(name.encode("utf-8") + b"\0" + source + b"\0")
    return hasher.hexdigest()[:16]


def analysis_modules(package_dir: Path, root: str) -> dict[str, Path]:
    """``root`` and every module of its package that it imports, transitively: name -> file.

    ``package_dir`` is the folder of ``root``'s top-level package. The modules are found by
    reading import statements (absolute and relative, at the top of a module or inside a
    function), not from a list to keep up to date as modules move or stages are added; a
    package's ``__init__.py`` counts (importing a module runs it). Imports under
    ``if TYPE_CHECKING:`` only name types and do not count, nor do modules of other
    packages, nor modules whose source is not there.
    """
    package = root.partition(".")[0]
    found: dict[str, Path] = {}
    pending = [root]
    while pending:
        name = pending.pop()
        if name in found:
            continue
        path = _module_file(package_dir, name)
        if path is None:
            continue
        found[name] = path
        try:
            tree = ast.parse(path.read_bytes(), filename=str(path))
        except (OSError, SyntaxError, ValueError):
            continue
        here = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for imported in _imports_of(tree, here):
            if imported != package and not imported.startswith(package + "."):
                continue
            parts = imported.split(".")
            # mapper.geo.resolve runs mapper/__init__.py and mapper/geo/__init__.py too.
            pending.extend(".".join(parts[:end]) for end in range(1, len(parts) + 1))
    return found


def _module_file(package_dir: Path, name: str) -> Path | None:
    """The source of module ``name`` (``package.sub.module``) under ``package_dir``."""
    parts = name.split(".")[1:]
    folder = package_dir.joinpath(*parts)
    candidates = [folder / "__init__.py"]
    if parts:
        candidates.insert(0, folder.with_name(f"{parts[-1]}.py"))
    return next((path for path in candidates if path.is_file()), None)


def _imports_of(tree: ast.Module, here: str) -> Iterator[str]:
    """The names of the modules a module imports, when it runs (``here``: its package).

    ``from a import b`` gives ``a`` and ``a.b`` (``b`` may be a module or a name in ``a``;
    names that are no module's are dropped when no file is found for them)."""
    nodes: list[ast.AST] = [tree]
    while nodes:
        node = nodes.pop()
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            nodes.extend(node.orelse)
            continue
        # Statements hold imports, expressions never do: they are not searched.
        nodes.extend(
            child
            for child in ast.iter_child_nodes(node)
            if isinstance(child, ast.stmt | ast.excepthandler | ast.match_case)
        )
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                kept = here.split(".")[: max(0, here.count(".") + 2 - node.level)]
                base = ".".join([*kept, node.module] if node.module else kept)
            else:
                base = node.module or ""
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names if alias.name != "*")


def _is_type_checking(test: ast.expr) -> bool:
    """``TYPE_CHECKING`` or ``typing.TYPE_CHECKING``."""
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _can_spawn() -> bool:
    """Whether worker processes start fresh ("spawn"/"forkserver"), not by fork.

    Forking a process that has started threads (BLAS pools, Qt, SQLite) can
    deadlock the children — seen here: spaCy's workers hung after a fork — so
    two-process batches need the entry point to choose "spawn" (the app, the
    CLI and the benchmarks do, with :func:`use_spawn`).
    """

    return multiprocessing.get_start_method(allow_none=True) in ("spawn", "forkserver")


def use_spawn() -> None:
    """Make new worker processes start fresh (call once, early, from an entry point)."""

    if multiprocessing.get_start_method(allow_none=True) is None:
        multiprocessing.set_start_method("spawn")


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

    return OnlineGeocoder(settings, default_index_path().parent / "online-geocoder.sqlite")


class Pipeline:
    """A loaded language pipeline plus gazetteer."""

    def __init__(
        self,
        nlp: Language | None,
        gazetteer: Gazetteer,
        *,
        model_name: str,
        model_version: str | None = None,
        load_model: Callable[[], Language] | None = None,
        corrections: Corrections | None = None,
        online: OnlineGeocoder | None = None,
        taxonomy: Taxonomy | None = None,
    ) -> None:
        """A pipeline with its language model, or with ``load_model`` to load it on first use.

        ``model_version`` defaults to the loaded model's; with ``load_model`` it must be given
        (it is part of the :meth:`fingerprint`, known before the model is loaded).
        """
        if nlp is None and (load_model is None or model_version is None):
            raise ValueError("a pipeline without its model needs load_model and model_version")
        self._nlp = nlp
        self._load_model = load_model
        self._model_lock = threading.Lock()
        self.gazetteer = gazetteer
        self.model_name = model_name
        self.model_version = (
            model_version
            if model_version is not None
            else str(nlp.meta.get("version", ""))
            if nlp is not None
            else ""
        )
        self.corrections = corrections or Corrections()
        self.online = online
        #: The user's home regions (by folder, outlet, article); replaced, never changed in
        #: place, so a worker thread reads either the old settings or the new ones.
        self.homes = HomeSettings()
        #: Local outlets and their regions; why the table was not usable (None: it was).
        self.outlets, self.outlets_warning = load_outlets_or_empty()
        self.lexicon = ActorLexicon.load()
        #: Why the user's event-type file was not used (None when it was, or there is none).
        self.taxonomy_warning: str | None = None
        if taxonomy is None:
            taxonomy, self.taxonomy_warning = load_taxonomy_or_default()
        self._taxonomy = taxonomy
        self._tagger: EventTagger | None = None  # built when first needed (~0.5 s)
        self._tagger_lock = threading.Lock()
        #: Per thread, the home region the last analysis was made with: the cache keeps an
        #: analysis under the home region it was really made with (the user may change
        #: the settings while a batch runs; the articles analysed after that follow them).
        self._used = threading.local()

    @property
    def nlp(self) -> Language:
        """The spaCy pipeline, loaded now if it was not yet (slow: off the UI thread)."""
        with self._model_lock:
            if self._nlp is None:
                assert self._load_model is not None
                self._nlp = self._load_model()
            return self._nlp

    @property
    def model_loaded(self) -> bool:
        """Whether the language model is in memory (cached articles do not need it)."""
        return self._nlp is not None

    @property
    def taxonomy(self) -> Taxonomy:
        """The event types sentences are tagged with."""
        return self._taxonomy

    @property
    def tagger(self) -> EventTagger:
        """The event tagger of :attr:`taxonomy`, built now if it was not yet (off the UI thread:
        articles from the cache do not need it)."""
        with self._tagger_lock:
            if self._tagger is None:
                self._tagger = EventTagger(self._taxonomy)
            return self._tagger

    def use_taxonomy(self, taxonomy: Taxonomy, warning: str | None = None) -> None:
        """Tag with these event types from now on (``warning``: why the user's file was not
        used); the tagger is rebuilt when next needed."""
        with self._tagger_lock:
            self._taxonomy, self._tagger = taxonomy, None
        self.taxonomy_warning = warning

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

        When the model's package can be identified without loading it, the model
        itself is loaded only when an article first needs it: articles analysed
        before come from the cache without it (reopening is then near-instant).
        ``corrections`` default to the user's saved ones; ``online`` geocoding is off
        unless settings that enable it are given.
        """
        report = progress or (lambda _message: None)
        report("Opening the gazetteer…")
        gazetteer = Gazetteer.open()
        chosen = corrections if corrections is not None else load_user_corrections()
        geocoder = online_geocoder(online)
        identity = model_identity(model)
        if identity is not None:  # the model loads when an article first needs it
            return cls(
                None,
                gazetteer,
                model_name=identity[0],
                model_version=identity[1],
                load_model=lambda: load_nlp(model),
                corrections=chosen,
                online=geocoder,
            )
        report("Loading the language model…")
        nlp = load_nlp(model)
        meta = nlp.meta
        return cls(
            nlp,
            gazetteer,
            model_name=f"{meta.get('lang')}_{meta.get('name')}",
            corrections=chosen,
            online=geocoder,
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

    def fingerprint(self) -> str:
        """A digest of everything that shapes an analysis besides the text itself.

        The code version (:data:`PIPELINE_VERSION` and the source of the modules
        that make an analysis, :func:`analysis_modules`), the model, the gazetteer
        data, the user's corrections, the event taxonomy, the actor word lists, the
        local outlets table and whether online lookups are on: a change to any of them
        gives another fingerprint, so cached analyses made under the old one are not
        reused. (An article's home region is added per article: :meth:`home_of`.)
        """

        hasher = hashlib.sha256()
        for part in (
            PIPELINE_VERSION,
            _code_digest(),
            self.model_name,
            self.model_version,
            default_index_path().name,
            json.dumps(self.corrections.to_json(), sort_keys=True),
            self.taxonomy.source.read_text(encoding="utf-8")
            if self.taxonomy.source.is_file()
            else repr(self.taxonomy),
            resource_path("actors.toml").read_text(encoding="utf-8"),
            json.dumps([sorted(self.outlets.names.items()), sorted(self.outlets.hosts.items())]),
            "online" if self.online is not None and self.online.settings.enabled else "offline",
        ):
            hasher.update(part.encode("utf-8"))
            hasher.update(b"\0")
        return hasher.hexdigest()[:24]

    def home_of(self, article: Article) -> HomeRegion | None:
        """The article's home region: the user's setting (:attr:`homes`), else its
        dateline's place, else its outlet's region (:func:`mapper.geo.home.home_region`)."""
        return home_region(
            article, self.gazetteer, self.homes.setting_for(article), outlets=self.outlets
        )

    def analyze(self, article: Article) -> ArticleAnalysis:
        """Find, resolve and locate the places of one article (names lean towards its
        home region: :meth:`home_of`)."""
        return self._analysis(article, self.nlp(article.text))

    def analyze_many(
        self,
        articles: Iterable[Article],
        *,
        cache: AnalysisCache | None = None,
        batch_size: int = 16,
        n_process: int | None = None,
        progress: ProgressCallback | None = None,
    ) -> Iterator[ArticleAnalysis]:
        """Analyse many articles in input order, batching them through spaCy.

        With a ``cache``, articles analysed before under the same fingerprint
        (and home region: :func:`~mapper.store.cache.fingerprint_for_home`) come from
        it at once, and new analyses are stored in it. ``n_process``
        spaCy processes share the work (default: two when there are at least
        :data:`PARALLEL_MIN_ARTICLES` to analyse and two cores — starting them
        costs seconds, which only a big batch repays). ``progress`` hears of a model
        that must be loaded first.
        """
        articles = list(articles)
        homes = [self.home_of(article) for article in articles]
        fingerprint = self.fingerprint() if cache is not None else ""
        # An analysis made for one home region must never stand for another's.
        keys = [fingerprint_for_home(fingerprint, h.key if h else "") for h in homes]
        cached: list[ArticleAnalysis | None] = (
            cache.get_many(articles, keys) if cache is not None else [None] * len(articles)
        )
        missing_count = sum(hit is None for hit in cached)
        if n_process is None:
            many = missing_count >= PARALLEL_MIN_ARTICLES and (os.cpu_count() or 1) >= 2
            n_process = 2 if many and self.model_name != "blank" and _can_spawn() else 1
        # The context travels with each text (through worker processes, as a copy):
        # the article's position, to check that nlp.pipe kept the order.
        missing = (
            (a.text, i)
            for i, (a, hit) in enumerate(zip(articles, cached, strict=True))
            if hit is None
        )
        docs: Iterator[tuple[Doc, int]] | None = None  # started at the first miss, not before
        try:
            for position, (article, hit) in enumerate(zip(articles, cached, strict=True)):
                if hit is not None:
                    yield hit
                    continue
                if docs is None:
                    if not self.model_loaded and progress is not None:
                        progress("Loading the language model…")
                    docs = self.nlp.pipe(
                        missing, as_tuples=True, batch_size=batch_size, n_process=n_process
                    )
                doc, same = next(docs)
                assert same == position  # nlp.pipe keeps the order of its input
                self._used.home = homes[position]  # _analysis sets the one it really used
                analysis = self._analysis(article, doc)
                if cache is not None:
                    used: HomeRegion | None = self._used.home
                    cache.put(analysis, fingerprint_for_home(fingerprint, used.key if used else ""))
                yield analysis
        finally:
            close = getattr(docs, "close", None)
            if close is not None:
                close()  # stops spaCy's worker processes if the caller leaves early

    def _analysis(self, article: Article, doc: Doc) -> ArticleAnalysis:
        home = self._used.home = self.home_of(article)
        sentences = sentences_of(doc)
        online = self.online if self.online and self.online.settings.enabled else None
        mentions = find_place_mentions(doc, self.gazetteer, keep_unknown=online is not None)
        notes: tuple[str, ...] = ()
        if len(mentions) > MAX_PLACE_MENTIONS:
            # A list of thousands of places is not news: keep the first ones, say so.
            notes = (
                f"only the first {MAX_PLACE_MENTIONS:,} of {len(mentions):,} place "
                "mentions were mapped",
            )
            mentions = mentions[:MAX_PLACE_MENTIONS]
        resolved = resolve_mentions(
            article.text, mentions, sentences, self.gazetteer, self.corrections, online, home
        )
        analysis = ArticleAnalysis(
            article=article,
            sentences=tuple(sentences),
            places=tuple(resolved),
            actors=(),
            actor_mentions=(),
            events=tuple(self.tagger.tag(doc, sentences)),
            notes=notes,
            pipeline_version=f"{PIPELINE_VERSION}+{self.model_name}",
            dates=tuple(article_dates(article, sentences)),
            dates_anchor=article.published or "",
        )
        # Villages named in locative phrases ("the town of Kafr Batna") that recognition
        # missed; before the actors, so that none is named after such a place.
        analysis = with_located_places(
            analysis, self.gazetteer, home.place if home else None, self.corrections
        )
        actors, actor_mentions = find_actors(doc, analysis.places, self.gazetteer, self.lexicon)
        return replace(analysis, actors=actors, actor_mentions=actor_mentions)
