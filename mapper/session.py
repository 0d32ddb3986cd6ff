"""What is open in the app, without the window: the application model.

A :class:`Session` holds the atlas being shown, the files waiting to be
analysed, the article chosen, the corrections (the user's own and the open
project's, kept apart), the event types, the open project's path, whether
there are unsaved changes, the recovery copy and the recent projects. The
window (``ui``) shows it and reacts to its :class:`Event` s; everything here
runs and is tested without Qt (as mu's ``Editor`` is apart from its window,
and napari's layers from their views).

Nothing here blocks on a thread or touches a widget: reading and analysing
files is the window's business (it hands the analyses back with
:meth:`Session.add_analyses`), and so are file dialogs and settings storage.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Generic, ParamSpec

from mapper.atlas import Atlas
from mapper.events.taxonomy import load_taxonomy_or_default
from mapper.filters import Filter
from mapper.geo.corrections import Corrections, default_corrections_path
from mapper.geo.home import HomeScope, HomeSettings
from mapper.geo.online import OnlineSettings
from mapper.pipeline import Pipeline, online_geocoder  # cheap: spaCy loads with a model only
from mapper.search import SearchIndex, SearchResult, has_terms, normalized
from mapper.store.project import Project, ProjectError, load_project, recovery_path, save_project
from mapper.time.published import FROM_USER

if TYPE_CHECKING:
    from mapper.geo.home import HomeRegion
    from mapper.types import Article, ArticleAnalysis

log = logging.getLogger(__name__)

#: How many recent projects File ▸ Open Recent Project lists.
RECENT_LIMIT = 8

#: A map view: latitude, longitude, zoom.
View = tuple[float, float, float]

P = ParamSpec("P")


class Event(Generic[P]):
    """Callbacks called in order with the event's arguments: a Qt signal without Qt.

    ``session.modified_changed.connect(window.setWindowModified)``; the session
    calls :meth:`emit`. Callbacks run at once, in the caller's thread.
    """

    def __init__(self) -> None:
        self._callbacks: list[Callable[P, object]] = []

    def connect(self, callback: Callable[P, object]) -> None:
        """Call ``callback`` at every emission from now on."""
        self._callbacks.append(callback)

    def disconnect(self, callback: Callable[P, object]) -> None:
        """Stop calling ``callback`` (ValueError if it was not connected)."""
        self._callbacks.remove(callback)

    def emit(self, *args: P.args, **kwargs: P.kwargs) -> None:
        """Call every callback with these arguments."""
        for callback in list(self._callbacks):  # a callback may disconnect itself
            callback(*args, **kwargs)


def remember_recent(
    recent: Sequence[str], path: Path | str, limit: int = RECENT_LIMIT
) -> list[str]:
    """``recent`` with ``path`` first, once, and at most ``limit`` entries."""
    name = str(path)
    return [name, *(p for p in recent if p != name)][:limit]


class Session:
    """Everything open in the app, and the rules for changing it.

    Events:
        modified_changed(bool): there are (or no longer are) unsaved changes.
        project_path_changed(Path | None): the open project's file (None: untitled).
        project_corrections_changed(int): how many corrections the open project
            brings of its own (that apply to it only).
        recent_changed(list[str]): the recent projects, newest first.
        home_folders_changed(dict[str, str]): the user's home regions of folders (folder
            -> place id), to keep in their settings.
    """

    def __init__(
        self,
        paths: Sequence[Path] = (),
        *,
        recent: Sequence[str] = (),
        online: bool = False,
        corrections_file: Path | None = None,
        recovery_file: Path | None = None,
    ) -> None:
        """A session that will analyse ``paths`` first (files already on disk: not changes).

        ``corrections_file`` and ``recovery_file`` default to the user's (looked up
        when needed, so the data folder may change in between, as tests do).
        """
        self.atlas = Atlas()  # one atlas for the session's life: views keep its methods
        self.pipeline: Pipeline | None = None
        #: Event types (name, colour) of the pipeline's taxonomy, in display order.
        self.event_types: list[tuple[str, str]] = []
        #: The article chosen in the Articles list (None: every article).
        self.chosen_article: str | None = None
        #: What an opened project showed, applied once its articles are on the map.
        self.pending_filter: Filter | None = None
        self.pending_view: View | None = None
        #: An opened project's map view ("pins", "choropleth", "heat"), until it is shown.
        self.pending_map_view: str | None = None
        self.project_path: Path | None = None
        self.modified = False
        self.online = online
        self.modified_changed: Event[[bool]] = Event()
        self.project_path_changed: Event[[Path | None]] = Event()
        self.project_corrections_changed: Event[[int]] = Event()
        self.recent_changed: Event[[list[str]]] = Event()
        self.home_folders_changed: Event[[dict[str, str]]] = Event()
        #: The home regions in effect: the user's folders' with the open project's over them.
        self.home_settings = HomeSettings()
        self._batch_home_settings = self.home_settings
        self._user_home_folders: dict[str, str] = {}
        self._queue: list[Path | Article] = [Path(p) for p in paths]
        self._initial_import = bool(paths)
        self._recent = list(recent)[:RECENT_LIMIT]
        self._corrections_file = corrections_file
        self._recovery_file = recovery_file
        # The user's corrections (their file; every article) and the open project's
        # (that project only, unless the user adopts them); the project's win.
        self._user_corrections = Corrections()
        self._project_corrections = Corrections()
        self._edits = 0  # changes so far: a save clears "modified" only if none came after
        self._edits_saved: dict[str, int] = {}  # path -> changes included in its save
        self._online_failure_reported = False
        self._search_index: SearchIndex | None = None  # made at the first search

    # -- the import queue ---------------------------------------------------------
    @property
    def queue(self) -> tuple[Path | Article, ...]:
        """Files (or articles already read) waiting to be analysed, in order."""
        return tuple(self._queue)

    @property
    def has_queued(self) -> bool:
        """Whether anything waits to be analysed."""
        return bool(self._queue)

    def enqueue(self, items: Iterable[Path | Article]) -> None:
        """Add files or articles to analyse (after those already waiting)."""
        self._queue.extend(items)

    def take_queue(self) -> list[Path | Article]:
        """Everything waiting, in order; the queue is then empty (a batch starts)."""
        batch, self._queue = self._queue, []
        self._batch_home_settings = self.home_settings  # what the batch starts with
        return batch

    def clear_queue(self) -> None:
        """Forget what waits (a cancel, a project replacing what is open)."""
        self._queue.clear()

    def queue_reanalysis(self) -> bool:
        """Queue every open article again (new corrections or settings); False if none."""
        articles = self.atlas.articles
        self._queue.extend(articles)
        return bool(articles)

    def add_analyses(self, analyses: Iterable[ArticleAnalysis]) -> None:
        """Put analysed articles on the atlas; a change, unless they are the files we started
        with (those are on disk already).

        An article whose home region setting changed while its batch ran (the user
        answered Import Folder's question, say) is queued to be analysed again.
        """
        analyses = list(analyses)
        self.atlas.add_many(analyses)
        then, now = self._batch_home_settings, self.home_settings
        if then is not now:
            self._queue.extend(
                a.article
                for a in analyses
                if then.setting_for(a.article) != now.setting_for(a.article)
            )
        if not self._initial_import:
            self.mark_modified()

    def end_initial_import(self) -> None:
        """The first batch is over: articles from now on are changes to save."""
        self._initial_import = False

    # -- the pipeline and its settings ----------------------------------------------
    def use_pipeline(self, pipeline: Pipeline, user_corrections: Corrections) -> None:
        """The loaded pipeline, with the user's corrections it was loaded with.

        A project opened while it loaded adds its corrections now; the online
        setting and the taxonomy's event types follow.
        """
        self.pipeline = pipeline
        self._user_corrections = user_corrections
        pipeline.corrections = self.corrections_in_effect()
        pipeline.homes = self.home_settings
        self._apply_online()
        self.event_types = [(t.name, t.color) for t in pipeline.taxonomy.types]

    @property
    def taxonomy_warning(self) -> str | None:
        """Why the user's event types file was not used (None: it was, or there is none)."""
        return self.pipeline.taxonomy_warning if self.pipeline is not None else None

    def reload_taxonomy(self) -> bool:
        """Read the event types again and queue every article to be tagged again.

        False before the pipeline is loaded (it reads them when it loads).
        """
        if self.pipeline is None:
            return False
        taxonomy, warning = load_taxonomy_or_default()
        self.pipeline.use_taxonomy(taxonomy, warning)  # the tagger is built in the worker
        self.event_types = [(t.name, t.color) for t in taxonomy.types]
        self.queue_reanalysis()
        return True

    def set_online(self, enabled: bool) -> None:
        """Turn online lookups on or off (a failure is reported again after this)."""
        self.online = enabled
        self._online_failure_reported = False
        self._apply_online()

    def _apply_online(self) -> None:
        """Give the pipeline an online geocoder when lookups are on (a new one if it failed)."""
        if self.pipeline is None:
            return
        current = self.pipeline.online
        if self.online and (current is None or current.failed_reason):
            self.pipeline.online = online_geocoder(OnlineSettings(enabled=True))
        elif not self.online:
            self.pipeline.online = None

    def online_failure_to_report(self) -> str | None:
        """Why online lookups stopped, the first time this is asked after they did."""
        online = self.pipeline.online if self.pipeline is not None else None
        if online is None or not online.failed_reason or self._online_failure_reported:
            return None
        self._online_failure_reported = True
        return online.failed_reason

    # -- what is shown --------------------------------------------------------------
    def choose_article(self, article_id: str | None) -> None:
        """Show one article's places (None: every article's)."""
        self.chosen_article = article_id or None

    def forget_missing_article(self) -> None:
        """Choose every article again if the chosen one is no longer open."""
        if self.chosen_article is not None and self.chosen_article not in {
            a.id for a in self.atlas.articles
        }:
            self.chosen_article = None

    def shown(self, facets: Filter) -> Filter:
        """What the map shows: these facets (actors, event types, event places only) and
        the article chosen."""
        search = normalized(facets.search)
        return Filter(
            facets.actors,
            facets.event_types,
            None if self.chosen_article is None else frozenset({self.chosen_article}),
            event_places_only=facets.event_places_only,
            search=search,
            excerpts=self.search(search).ids if has_terms(search) else None,
        )

    def search(self, text: str) -> SearchResult:
        """The excerpts of the atlas (as it is now) matching ``text``, with their spans
        (:mod:`mapper.search`; the index follows the atlas article by article)."""
        if self._search_index is None:
            self._search_index = SearchIndex()
        self._search_index.sync(self.atlas)
        return self._search_index.search(text)

    # -- articles' dates -------------------------------------------------------------
    def set_article_date(self, article_id: str, day: datetime.date | None) -> bool:
        """The user says when an article was published (None: unknown); False if it is
        not open, or already has that date from the user.

        The article's analysis is put back with the new date, so the atlas re-derives
        every excerpt's date from it ("Tuesday" now means the Tuesday before that day);
        a copy of it waiting to be analysed again keeps the new date too. A change to save.
        """
        try:
            analysis = next(a for a in self.atlas.analyses if a.article.id == article_id)
        except StopIteration:
            return False
        published = day.isoformat() if day is not None else None
        source = FROM_USER if day is not None else ""
        article = analysis.article
        if article.published == published and article.published_source == source:
            return False
        dated = dataclasses.replace(article, published=published, published_source=source)
        self.atlas.add_many([dataclasses.replace(analysis, article=dated)])
        self._queue = [
            dated if not isinstance(item, Path) and item.id == article_id else item
            for item in self._queue
        ]
        self.mark_modified()
        return True

    def take_pending_filter(self) -> Filter | None:
        """An opened project's filter, once (None: nothing to restore)."""
        pending, self.pending_filter = self.pending_filter, None
        return pending

    # -- corrections ----------------------------------------------------------------
    @property
    def corrections_file(self) -> Path:
        """Where the user's own corrections are saved."""
        return self._corrections_file or default_corrections_path()

    @property
    def user_corrections(self) -> Corrections:
        """The user's own corrections (for every article)."""
        return self._user_corrections

    @property
    def project_corrections(self) -> Corrections:
        """The open project's own corrections (for that project only)."""
        return self._project_corrections

    def corrections_in_effect(self) -> Corrections:
        """The user's corrections with the open project's over them."""
        return self._user_corrections.merged(self._project_corrections)

    def use_project_corrections(self, corrections: Corrections) -> int:
        """A project's corrections: for this project only; returns how many are its own.

        Those the user already has (the same name, the same place) are not the
        project's own; the rest apply here and are never written to the user's
        file unless the user adopts them (:meth:`adopt_project_corrections`).
        """
        self._set_project_corrections(
            Corrections(
                {
                    key: correction
                    for key, correction in corrections.items()
                    if self._user_corrections.get_for(correction.name) != correction
                }
            )
        )
        if self.pipeline is not None:
            self.pipeline.corrections = self.corrections_in_effect()
        return len(self._project_corrections)

    def correct(self, surface: str, place_id: str | None) -> bool:
        """Record that ``surface`` means ``place_id`` (None: not a place); saved at once.

        Every open article is queued to be analysed again. False (and nothing
        saved) before the pipeline is loaded: the user's saved corrections
        arrive with it, and saving before would overwrite their file. Raises
        ``OSError`` or ``CorrectionsError`` when the file cannot be written.
        """
        return self._change_correction(surface, place_id, forget=False)

    def forget_correction(self, surface: str) -> bool:
        """Undo the user's correction of ``surface`` (as :meth:`correct`)."""
        return self._change_correction(surface, None, forget=True)

    def correct_many(self, decisions: Mapping[str, str | None]) -> bool:
        """Record many decisions at once (name as written → place id; None: not a place),
        as :meth:`correct` does one: saved once, every open article queued once.

        The review queue's "confirm" is a decision for the place already chosen: pinned,
        the name is no longer doubtful and never changes on its own. False (nothing
        saved) when there is nothing to decide or before the pipeline is loaded.
        """
        if self.pipeline is None or not decisions:
            return False
        mine = self._user_corrections
        for surface, place_id in decisions.items():
            mine = mine.with_correction(surface, place_id)
        mine.save(self.corrections_file)
        self._user_corrections = mine
        project = self._project_corrections
        for surface in decisions:
            project = project.without(surface)  # the user's decision outranks the project's
        if len(project) != len(self._project_corrections):
            self._set_project_corrections(project)
        self._apply_corrections()
        return True

    def _change_correction(self, surface: str, place_id: str | None, *, forget: bool) -> bool:
        if self.pipeline is None:
            return False
        mine = (
            self._user_corrections.without(surface)
            if forget
            else self._user_corrections.with_correction(surface, place_id)
        )
        mine.save(self.corrections_file)
        self._user_corrections = mine
        # The user's decision, made now, outranks what the project said of that name.
        if surface in self._project_corrections:
            self._set_project_corrections(self._project_corrections.without(surface))
        self._apply_corrections()
        return True

    def adopt_project_corrections(self) -> int:
        """Make the open project's corrections the user's own (saved); returns how many.

        0 when there are none, or before the pipeline (and so the user's own
        saved corrections) is loaded. Raises as :meth:`correct`.
        """
        if not self._project_corrections or self.pipeline is None:
            return 0
        mine = self._user_corrections.merged(self._project_corrections)
        mine.save(self.corrections_file)
        count = len(self._project_corrections)
        self._user_corrections = mine
        self._set_project_corrections(Corrections())
        return count

    def import_corrections(self, path: Path) -> int:
        """Add a corrections file's corrections to the user's (saved); returns how many.

        Every open article is queued to be analysed again. 0 before the pipeline
        is loaded (as :meth:`correct`). Raises ``OSError`` or ``CorrectionsError``.
        """
        if self.pipeline is None:
            return 0
        imported = Corrections.load(path)
        mine = self._user_corrections.merged(imported)
        mine.save(self.corrections_file)
        self._user_corrections = mine
        self._apply_corrections()
        return len(imported)

    def export_corrections(self, path: Path) -> None:
        """Save the corrections in effect (the user's and the open project's: what the map
        shows) to ``path``. Raises ``OSError`` or ``CorrectionsError``."""
        self.corrections_in_effect().save(path)

    def _set_project_corrections(self, corrections: Corrections) -> None:
        self._project_corrections = corrections
        self.project_corrections_changed.emit(len(corrections))

    def _apply_corrections(self) -> None:
        """Analyse again with the corrections in effect now."""
        if self.pipeline is None:
            return
        self.pipeline.corrections = self.corrections_in_effect()
        self.queue_reanalysis()

    # -- home regions -----------------------------------------------------------------
    def use_user_home_folders(self, folders: dict[str, str]) -> None:
        """The user's home regions of folders, as kept in their settings (at start)."""
        self._user_home_folders = dict(folders)
        self._use_home_settings(HomeSettings(folders=folders).merged(self.home_settings))

    def home_of(self, article: Article) -> HomeRegion | None:
        """An article's home region now (None: none, or no pipeline yet to look it up)."""
        return self.pipeline.home_of(article) if self.pipeline is not None else None

    def set_home(self, scope: HomeScope, key: str, place_id: str | None) -> bool:
        """The user says the articles of a folder, an outlet or one article are local to
        ``place_id`` (``mapper.geo.home.NO_HOME``: to nowhere; None: back to the dateline
        and the outlet). False if nothing changed.

        The open articles it applies to are queued to be analysed again; a folder's
        setting is the user's too (``home_folders_changed``). A change to save.
        """
        if self.home_settings.get(scope, key) == place_id:
            return False
        if scope == "folder":
            if place_id is None:
                self._user_home_folders.pop(key, None)
            else:
                self._user_home_folders[key] = place_id
            self.home_folders_changed.emit(dict(self._user_home_folders))
        self._use_home_settings(self.home_settings.with_setting(scope, key, place_id))
        self.mark_modified()
        return True

    def _use_home_settings(self, settings: HomeSettings) -> None:
        """Use these home regions from now on; the open articles whose setting changed are
        queued to be analysed again."""
        before, self.home_settings = self.home_settings, settings
        if self.pipeline is not None:
            self.pipeline.homes = settings
        self._queue.extend(
            a for a in self.atlas.articles if before.setting_for(a) != settings.setting_for(a)
        )

    # -- projects and unsaved changes -------------------------------------------------
    def mark_modified(self) -> None:
        """Something changed that a project file would keep."""
        self._edits += 1
        self._set_modified(True)

    def _set_modified(self, modified: bool) -> None:
        if modified != self.modified:
            self.modified = modified
            self.modified_changed.emit(modified)

    def _set_project_path(self, path: Path | None) -> None:
        self.project_path = path
        self.project_path_changed.emit(path)

    @property
    def title(self) -> str:
        """The open project's name (empty when untitled)."""
        return self.project_path.stem if self.project_path is not None else ""

    def project_now(
        self, facets: Filter, view: View | None = None, map_view: str = "pins"
    ) -> Project:
        """What a project file of the session as it is now holds (immutable: safe to hand
        to another thread). ``facets``: the Filters panel's choices; ``map_view``: pins,
        choropleth or heat."""
        pipeline = self.pipeline
        return Project(
            articles=tuple(self.atlas.articles),
            # What makes the map what it is: the user's corrections and the project's.
            corrections=self.corrections_in_effect(),
            filter=facets,
            view=view,
            map_view=map_view,
            chosen_article=self.chosen_article,
            analyses=tuple(self.atlas.analyses),
            fingerprint=pipeline.fingerprint() if pipeline else "",
            home_regions=self.home_settings,
        )

    def begin_save(
        self, path: Path, facets: Filter, view: View | None = None, map_view: str = "pins"
    ) -> Project:
        """The project to write to ``path``; call :meth:`save_written` when it is on disk.

        Changes made while it is written stay unsaved.
        """
        self._edits_saved[str(path)] = self._edits
        return self.project_now(facets, view, map_view)

    def save_written(self, path: Path) -> None:
        """A save begun with :meth:`begin_save` is on disk: ``path`` is the open project."""
        self._set_project_path(path)
        self.remember_recent(path)
        if self._edits_saved.pop(str(path), None) == self._edits:  # nothing changed since
            self._set_modified(False)
            self.forget_recovery()

    def open_project(self, path: Path) -> Project:
        """Replace what is open with a project file; returns the project.

        The atlas is refilled at once with the analyses the file holds when they
        were made by this very pipeline; the other articles are queued (analysed
        again, from the cache if there). Its filter and view wait in
        :attr:`pending_filter` and :attr:`pending_view` until its articles are
        shown. Raises :class:`~mapper.store.project.ProjectError` (and changes nothing)
        when the file cannot be read.
        """
        project = load_project(path)
        self._queue.clear()
        self.atlas.clear()
        self.chosen_article = project.chosen_article
        self.pending_filter = project.filter
        self.pending_view = project.view
        self.pending_map_view = project.map_view
        self.use_project_corrections(project.corrections)
        self._use_home_settings(HomeSettings(folders=self._user_home_folders))
        self._use_home_settings(self.home_settings.merged(project.home_regions))
        pipeline = self.pipeline
        if (
            pipeline is not None
            and project.analyses
            and (project.fingerprint == pipeline.fingerprint())
        ):
            # Instant: made by this very pipeline (and for the same home regions: the
            # user's folders may have changed since).
            settings, saved = self.home_settings, project.home_regions
            same = [
                a
                for a in project.analyses
                if settings.setting_for(a.article) == saved.setting_for(a.article)
            ]
            self.atlas.add_many(same)
            known = {a.article.id for a in same}
            self._queue.extend(a for a in project.articles if a.id not in known)
        else:
            self._queue.extend(project.articles)
        self._set_project_path(path)
        self.remember_recent(path)
        self._set_modified(False)
        return project

    # -- recovery of unsaved work -------------------------------------------------------
    @property
    def recovery_file(self) -> Path:
        """Where the recovery copy of unsaved work goes (never the user's project file)."""
        return self._recovery_file or recovery_path()

    @property
    def needs_recovery_copy(self) -> bool:
        """Whether there is unsaved work worth a recovery copy."""
        return self.modified and len(self.atlas) > 0

    def write_recovery_copy(self, facets: Filter, map_view: str = "pins") -> Path | None:
        """Write the recovery copy now; its path, or None if not needed or it failed."""
        if not self.needs_recovery_copy:
            return None
        path = self.recovery_file
        try:
            save_project(path, self.project_now(facets, map_view=map_view))
        except ProjectError as error:
            log.warning("Autosave failed: %s", error)
            return None
        return path

    def recovery_written(self) -> None:
        """A recovery copy was written in the background: drop it if saved meanwhile."""
        if not self.modified:
            self.forget_recovery()

    def forget_recovery(self) -> None:
        """Delete the recovery copy: nothing left to recover."""
        self.recovery_file.unlink(missing_ok=True)

    def recovery_available(self) -> Path | None:
        """The recovery copy a crash or a quit left, if any."""
        path = self.recovery_file
        return path if path.exists() else None

    def mark_recovered(self) -> None:
        """The project just opened is a recovery copy: untitled, unsaved work."""
        self._set_project_path(None)
        self.mark_modified()

    # -- recent projects ----------------------------------------------------------------
    @property
    def recent_projects(self) -> list[str]:
        """Recent project files, newest first."""
        return list(self._recent)

    def use_recent(self, recent: Sequence[str]) -> None:
        """Recent projects as stored elsewhere (settings another window may have changed)."""
        self._recent = list(recent)[:RECENT_LIMIT]

    def remember_recent(self, path: Path) -> None:
        """Put ``path`` first in the recent projects."""
        self._recent = remember_recent(self._recent, path)
        self.recent_changed.emit(list(self._recent))
