"""The application model without a window: projects, corrections, unsaved changes, queue."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest

from mapper.filters import Filter
from mapper.geo.corrections import Corrections
from mapper.pipeline import Pipeline
from mapper.session import RECENT_LIMIT, Event, Session, remember_recent
from mapper.sources import article_from_text
from mapper.store.project import Project, ProjectError, load_project, save_project
from mapper.types import Article, ArticleAnalysis

LIMA = "Protests in Lima, Peru, drew thousands on Monday."
QUITO = "Talks in Quito, Ecuador, ended without a deal."
CARACAS = "Thousands marched in Caracas, Venezuela, on Saturday."


@pytest.fixture
def pipeline() -> Pipeline:
    """A model-free pipeline with no saved corrections (its own per test: sessions change it)."""
    return Pipeline.blank(corrections=Corrections())


@pytest.fixture(scope="module")
def analyses() -> dict[str, ArticleAnalysis]:
    """The test articles, analysed once (tagging builds the event matcher: slow per test)."""
    pipeline = Pipeline.blank(corrections=Corrections())
    return {text: pipeline.analyze(article_from_text(text)) for text in (LIMA, QUITO, CARACAS)}


@pytest.fixture
def corrections_file(tmp_path: Path) -> Path:
    return tmp_path / "corrections.json"


@pytest.fixture
def session(tmp_path: Path, corrections_file: Path) -> Session:
    return Session(corrections_file=corrections_file, recovery_file=tmp_path / "recovery.dateline")


@pytest.fixture
def analysed(analyses: dict[str, ArticleAnalysis]) -> Callable[..., list[ArticleAnalysis]]:
    """The analyses of these texts."""
    return lambda *texts: [analyses[text] for text in texts]


def place_names(session: Session) -> set[str]:
    return {p.name for p in session.atlas.places()}


class Recorder:
    """Every emission of the session's events, in order."""

    def __init__(self, session: Session) -> None:
        self.calls: list[tuple[str, object]] = []
        for name in (
            "modified_changed",
            "project_path_changed",
            "project_corrections_changed",
            "recent_changed",
        ):
            getattr(session, name).connect(
                lambda value, name=name: self.calls.append((name, value))
            )

    def of(self, name: str) -> list[object]:
        return [value for event, value in self.calls if event == name]


def test_an_event_calls_its_callbacks_in_order_until_disconnected() -> None:
    event: Event[[int]] = Event()
    heard: list[str] = []

    def first(n: int) -> None:
        heard.append(f"first {n}")

    event.connect(first)
    event.connect(lambda n: heard.append(f"second {n}"))
    event.emit(1)
    event.disconnect(first)
    event.emit(2)
    assert heard == ["first 1", "second 1", "second 2"]


# -- the import queue --------------------------------------------------------------------
def test_the_queue_hands_out_everything_waiting_in_order(session: Session) -> None:
    article = article_from_text(LIMA)
    session.enqueue([Path("a.txt"), Path("b.txt")])
    session.enqueue([article])
    assert session.has_queued
    assert session.take_queue() == [Path("a.txt"), Path("b.txt"), article]
    assert not session.has_queued and session.take_queue() == []
    session.enqueue([Path("c.txt")])
    session.clear_queue()
    assert session.queue == ()


def test_reanalysis_queues_every_open_article(
    session: Session, analysed: Callable[..., list[ArticleAnalysis]]
) -> None:
    assert not session.queue_reanalysis()  # nothing open
    session.add_analyses(analysed(LIMA, QUITO))
    assert session.queue_reanalysis()
    assert [a.id for a in session.take_queue() if isinstance(a, Article)] == [
        a.id for a in session.atlas.articles
    ]


def test_the_files_we_started_with_are_not_unsaved_changes(
    tmp_path: Path, analysed: Callable[..., list[ArticleAnalysis]]
) -> None:
    session = Session([tmp_path / "lima.txt"], recovery_file=tmp_path / "r.dateline")
    assert session.take_queue() == [tmp_path / "lima.txt"]
    session.add_analyses(analysed(LIMA))
    assert not session.modified
    session.end_initial_import()
    session.add_analyses(analysed(QUITO))  # opened later by the user: a change
    assert session.modified and len(session.atlas) == 2


# -- what is shown -------------------------------------------------------------------------
def test_the_chosen_article_narrows_what_is_shown(
    session: Session, analysed: Callable[..., list[ArticleAnalysis]]
) -> None:
    session.add_analyses(analysed(LIMA, QUITO))
    lima = next(a.id for a in session.atlas.articles if "Lima" in a.text)
    facets = Filter.of(event_types={"Protests"})
    assert session.shown(facets) == Filter.of(event_types={"Protests"})
    session.choose_article(lima)
    assert session.shown(facets) == Filter.of(event_types={"Protests"}, articles={lima})
    session.choose_article("")
    assert session.chosen_article is None
    session.choose_article("gone")
    session.forget_missing_article()  # an article no longer open is not chosen
    assert session.chosen_article is None


# -- projects --------------------------------------------------------------------------------
def test_opening_a_project_replaces_the_atlas(
    tmp_path: Path,
    session: Session,
    pipeline: Pipeline,
    analysed: Callable[..., list[ArticleAnalysis]],
) -> None:
    other = Session(recovery_file=tmp_path / "other-recovery.dateline")
    other.pipeline = pipeline
    other.add_analyses(analysed(LIMA, QUITO))
    quito = next(a.id for a in other.atlas.articles if "Quito" in a.text)
    other.choose_article(quito)
    path = tmp_path / "colleague.dateline"
    save_project(
        path, other.project_now(Filter.of(event_types={"Protests"}), (10.5, -66.9, 6), "heat")
    )

    session.use_pipeline(pipeline, Corrections())
    session.add_analyses(analysed(CARACAS))
    session.enqueue([tmp_path / "waiting.txt"])
    events = Recorder(session)
    session.open_project(path)
    assert place_names(session) >= {"Lima", "Quito"} and "Caracas" not in place_names(session)
    assert not session.has_queued  # same pipeline: the analyses in the file are used as they are
    assert session.chosen_article == quito
    assert session.take_pending_filter() == Filter.of(event_types={"Protests"})
    assert session.take_pending_filter() is None  # once
    assert session.pending_view == (10.5, -66.9, 6)
    assert session.pending_map_view == "heat"
    assert session.project_path == path and session.title == "colleague"
    assert not session.modified
    assert events.of("project_path_changed") == [path]
    assert events.of("modified_changed") == [False]  # it was modified (Caracas)
    assert session.recent_projects == [str(path)]


def test_a_project_of_another_pipeline_is_analysed_again(
    tmp_path: Path,
    session: Session,
    pipeline: Pipeline,
    analysed: Callable[..., list[ArticleAnalysis]],
) -> None:
    articles = [article_from_text(LIMA), article_from_text(QUITO)]
    path = tmp_path / "old.dateline"
    save_project(
        path,
        Project(
            articles=tuple(articles),
            analyses=tuple(analysed(LIMA, QUITO)),
            fingerprint="made-by-another-version",
        ),
    )
    session.use_pipeline(pipeline, Corrections())
    session.open_project(path)
    assert len(session.atlas) == 0
    assert session.take_queue() == articles


def test_a_bad_project_file_changes_nothing(
    tmp_path: Path, session: Session, analysed: Callable[..., list[ArticleAnalysis]]
) -> None:
    session.add_analyses(analysed(LIMA))
    session.enqueue([tmp_path / "waiting.txt"])
    path = tmp_path / "bad.dateline"
    path.write_bytes(b"garbage")
    with pytest.raises(ProjectError):
        session.open_project(path)
    assert place_names(session) >= {"Lima"}
    assert session.queue == (tmp_path / "waiting.txt",)
    assert session.project_path is None and session.modified


def test_a_change_made_during_a_save_stays_unsaved(
    tmp_path: Path, session: Session, analysed: Callable[..., list[ArticleAnalysis]]
) -> None:
    session.add_analyses(analysed(LIMA))
    path = tmp_path / "p.dateline"
    project = session.begin_save(path, Filter())
    session.add_analyses(analysed(QUITO))  # while the file is being written
    save_project(path, project)
    session.save_written(path)
    assert session.modified, "Quito came after the save: it is not in the file"
    assert session.project_path == path and session.recent_projects == [str(path)]

    save_project(path, session.begin_save(path, Filter()))
    session.save_written(path)
    assert not session.modified
    assert len(load_project(path).articles) == 2


def test_the_recovery_copy_lives_until_the_work_is_saved(
    tmp_path: Path, session: Session, analysed: Callable[..., list[ArticleAnalysis]]
) -> None:
    assert session.write_recovery_copy(Filter()) is None  # nothing to recover
    session.add_analyses(analysed(LIMA))
    copy = session.write_recovery_copy(Filter())
    assert copy == session.recovery_file and copy.exists()
    assert session.recovery_available() == copy
    session.recovery_written()  # still unsaved: the copy stays
    assert copy.exists()

    path = tmp_path / "p.dateline"
    save_project(path, session.begin_save(path, Filter()))
    session.save_written(path)
    assert not copy.exists() and session.recovery_available() is None


def test_recovered_work_is_untitled_and_unsaved(
    tmp_path: Path, analysed: Callable[..., list[ArticleAnalysis]]
) -> None:
    crashed = Session(recovery_file=tmp_path / "recovery.dateline")
    crashed.add_analyses(analysed(LIMA, QUITO))
    copy = crashed.write_recovery_copy(Filter())
    assert copy is not None

    again = Session(recovery_file=tmp_path / "recovery.dateline")
    again.open_project(copy)
    again.mark_recovered()
    assert again.project_path is None and again.title == ""
    assert again.modified
    assert {a.id for a in again.take_queue() if isinstance(a, Article)} == {
        a.id for a in crashed.atlas.articles
    }


# -- corrections -------------------------------------------------------------------------------
def colleague_project(tmp_path: Path, corrections: Corrections) -> Path:
    path = tmp_path / "colleague.dateline"
    save_project(path, Project(articles=(article_from_text(CARACAS),), corrections=corrections))
    return path


def test_a_projects_corrections_apply_to_that_project_only(
    tmp_path: Path, session: Session, pipeline: Pipeline, corrections_file: Path
) -> None:
    session.use_pipeline(pipeline, Corrections())
    events = Recorder(session)
    session.open_project(
        colleague_project(tmp_path, Corrections().with_correction("Caracas", None))
    )
    assert events.of("project_corrections_changed") == [1]
    assert "Caracas" in session.project_corrections
    assert "Caracas" not in session.user_corrections
    assert "Caracas" in session.corrections_in_effect()
    assert "Caracas" in pipeline.corrections  # the project's map
    assert not corrections_file.exists()  # never written to the user's file

    # The user's own next correction is saved alone.
    assert session.correct("Lima", None)
    assert set(Corrections.load(corrections_file)) == set(
        Corrections().with_correction("Lima", None)
    )
    assert "Caracas" in session.corrections_in_effect()
    assert session.has_queued  # the open articles are analysed again


def test_a_correction_the_user_makes_outranks_the_projects(
    tmp_path: Path, session: Session, pipeline: Pipeline, corrections_file: Path
) -> None:
    session.use_pipeline(pipeline, Corrections())
    session.open_project(
        colleague_project(tmp_path, Corrections().with_correction("Caracas", None))
    )
    events = Recorder(session)
    caracas = "gn:3646738"
    assert session.correct("Caracas", caracas)
    assert not session.project_corrections and events.of("project_corrections_changed") == [0]
    assert Corrections.load(corrections_file)["Caracas"].place_id == caracas


def test_corrections_the_user_already_has_are_not_the_projects(
    tmp_path: Path, session: Session, pipeline: Pipeline
) -> None:
    mine = Corrections().with_correction("Caracas", None)
    session.use_pipeline(pipeline, mine)
    shared = mine.with_correction("Quito", None)
    assert session.use_project_corrections(shared) == 1
    assert list(session.project_corrections) == list(Corrections().with_correction("Quito", None))


def test_adopting_a_projects_corrections_makes_them_the_users(
    tmp_path: Path, session: Session, pipeline: Pipeline, corrections_file: Path
) -> None:
    assert session.adopt_project_corrections() == 0  # nothing to adopt
    session.use_pipeline(pipeline, Corrections().with_correction("Lima", None))
    session.open_project(
        colleague_project(tmp_path, Corrections().with_correction("Caracas", None))
    )
    in_effect = session.corrections_in_effect()
    events = Recorder(session)
    assert session.adopt_project_corrections() == 1
    assert events.of("project_corrections_changed") == [0]
    assert set(Corrections.load(corrections_file)) == set(in_effect)
    assert set(session.user_corrections) == set(in_effect) and not session.project_corrections


def test_nothing_is_saved_before_the_users_corrections_are_loaded(
    session: Session, corrections_file: Path
) -> None:
    """The user's saved corrections arrive with the pipeline: saving before would lose them."""
    session.use_project_corrections(Corrections().with_correction("Caracas", None))
    assert not session.correct("Lima", None)
    assert session.adopt_project_corrections() == 0
    assert not corrections_file.exists()


def test_corrections_import_into_the_users_and_export_with_the_projects(
    tmp_path: Path,
    session: Session,
    pipeline: Pipeline,
    corrections_file: Path,
    analysed: Callable[..., list[ArticleAnalysis]],
) -> None:
    session.use_pipeline(pipeline, Corrections().with_correction("Lima", None))
    session.add_analyses(analysed(QUITO))
    shared = tmp_path / "shared.json"
    Corrections().with_correction("Quito", None).save(shared)
    assert session.import_corrections(shared) == 1
    assert set(Corrections.load(corrections_file)) == set(
        Corrections().with_correction("Lima", None).with_correction("Quito", None)
    )
    assert session.has_queued  # analysed again with them
    session.use_project_corrections(Corrections().with_correction("Caracas", None))
    exported = tmp_path / "exported.json"
    session.export_corrections(exported)
    assert set(Corrections.load(exported)) == set(session.corrections_in_effect())
    assert len(Corrections.load(exported)) == 3


def test_forgetting_a_correction_removes_it_from_the_users_file(
    session: Session, pipeline: Pipeline, corrections_file: Path
) -> None:
    session.use_pipeline(pipeline, Corrections())
    session.correct("Lima", None)
    session.forget_correction("Lima")
    assert not Corrections.load(corrections_file)
    assert "Lima" not in pipeline.corrections


# -- pipeline settings ---------------------------------------------------------------------------
def test_the_pipeline_brings_its_event_types(
    session: Session, pipeline: Pipeline, analysed: Callable[..., list[ArticleAnalysis]]
) -> None:
    assert session.event_types == [] and not session.reload_taxonomy()
    session.use_pipeline(pipeline, Corrections())
    names = [name for name, _colour in session.event_types]
    assert names[:2] == ["Protests", "Riots"]
    session.add_analyses(analysed(LIMA))
    session.take_queue()
    assert session.reload_taxonomy() and session.has_queued  # tagged again
    assert session.taxonomy_warning is None


def test_online_lookups_follow_the_setting_and_a_failure_is_told_once(
    session: Session, pipeline: Pipeline
) -> None:
    session.use_pipeline(pipeline, Corrections())
    assert pipeline.online is None
    session.set_online(True)
    assert pipeline.online is not None
    pipeline.online = SimpleNamespace(failed_reason="timed out")  # a lookup failed
    assert session.online_failure_to_report() == "timed out"
    assert session.online_failure_to_report() is None
    session.set_online(True)  # turned on again: a new geocoder, failures told again
    assert pipeline.online is not None and not pipeline.online.failed_reason
    session.set_online(False)
    assert pipeline.online is None


def test_a_pipeline_loaded_after_the_setting_gets_it(tmp_path: Path, pipeline: Pipeline) -> None:
    session = Session(online=True, recovery_file=tmp_path / "r.dateline")
    session.use_pipeline(pipeline, Corrections())
    assert pipeline.online is not None


# -- recent projects ---------------------------------------------------------------------------
def test_recent_projects_are_newest_first_once_each_and_few() -> None:
    recent: list[str] = []
    for name in ["a", "b", "a", *(f"p{i}" for i in range(RECENT_LIMIT + 2))]:
        recent = remember_recent(recent, Path(f"/projects/{name}.dateline"))
    assert len(recent) == RECENT_LIMIT
    assert recent[0] == f"/projects/p{RECENT_LIMIT + 1}.dateline"
    assert len(set(recent)) == len(recent)
    assert remember_recent(["/x", "/y", "/z"], "/y") == ["/y", "/x", "/z"]


def test_the_session_tells_when_its_recent_projects_change(tmp_path: Path) -> None:
    session = Session(recent=["/old.dateline"], recovery_file=tmp_path / "r.dateline")
    events = Recorder(session)
    session.remember_recent(Path("/new.dateline"))
    assert session.recent_projects == ["/new.dateline", "/old.dateline"]
    assert events.of("recent_changed") == [["/new.dateline", "/old.dateline"]]


# -- the user's date for an article ----------------------------------------------------------

MARCH = "Thousands marched in Caracas, Venezuela, on Tuesday. Police in Lima, Peru, watched."


@pytest.fixture(scope="module")
def march() -> ArticleAnalysis:
    """An article with no publication date, whose first sentence says "on Tuesday"."""
    return Pipeline.blank(corrections=Corrections()).analyze(article_from_text(MARCH))


def dates_by_place(session: Session) -> dict[str, list[tuple[str, str]]]:
    """Each place's excerpts' (date, where it came from)."""
    return {
        p.name: [(e.date, e.date_from) for e in session.atlas.excerpts_for_place(p.id)]
        for p in session.atlas.places()
    }


def test_a_date_the_user_sets_re_anchors_the_articles_excerpts(
    session: Session, march: ArticleAnalysis
) -> None:
    session.add_analyses([march])
    session.end_initial_import()
    session._set_modified(False)  # as if saved: only the date change is new
    article_id = march.article.id
    assert dates_by_place(session)["Caracas"] == [("", "")]  # "Tuesday" of when? unknown
    events = Recorder(session)

    assert session.set_article_date(article_id, datetime.date(2019, 5, 2))  # a Thursday
    article = session.atlas.article(article_id)
    assert (article.published, article.published_source) == ("2019-05-02", "user")
    dates = dates_by_place(session)
    assert dates["Caracas"] == dates["Venezuela"] == [("2019-04-30", "sentence")]
    assert dates["Lima"] == dates["Peru"] == [("2019-05-02", "article")]
    assert session.modified and events.of("modified_changed") == [True]

    assert session.set_article_date(article_id, datetime.date(2019, 5, 9))  # a week later
    assert dates_by_place(session)["Caracas"] == [("2019-05-07", "sentence")]
    assert not session.set_article_date(article_id, datetime.date(2019, 5, 9))  # no change

    assert session.set_article_date(article_id, None)  # unknown again
    article = session.atlas.article(article_id)
    assert (article.published, article.published_source) == (None, "")
    assert dates_by_place(session)["Lima"] == [("", "")]
    assert [a.id for a in session.atlas.articles] == [article_id]  # replaced, not added


def test_setting_the_date_of_an_article_not_open_changes_nothing(
    session: Session, march: ArticleAnalysis
) -> None:
    session.add_analyses([march])
    session._set_modified(False)
    assert not session.set_article_date("no-such-article", datetime.date(2019, 5, 2))
    assert not session.modified


def test_an_article_waiting_to_be_analysed_again_keeps_the_users_date(
    session: Session, march: ArticleAnalysis
) -> None:
    session.add_analyses([march])
    session.queue_reanalysis()
    session.set_article_date(march.article.id, datetime.date(2019, 5, 2))
    (waiting,) = session.take_queue()
    assert isinstance(waiting, Article)
    assert (waiting.published, waiting.published_source) == ("2019-05-02", "user")


def test_a_project_keeps_the_date_the_user_set(
    tmp_path: Path, session: Session, pipeline: Pipeline, march: ArticleAnalysis
) -> None:
    session.use_pipeline(pipeline, Corrections())
    session.add_analyses([march])
    session.set_article_date(march.article.id, datetime.date(2019, 5, 2))
    path = tmp_path / "dated.dateline"
    save_project(path, session.begin_save(path, Filter()))
    session.save_written(path)
    assert not session.modified
    (saved,) = load_project(path).articles
    assert (saved.published, saved.published_source) == ("2019-05-02", "user")

    reopened = Session(recovery_file=tmp_path / "other-recovery.dateline")
    reopened.use_pipeline(Pipeline.blank(corrections=Corrections()), Corrections())
    reopened.open_project(path)
    article = reopened.atlas.article(march.article.id)
    assert (article.published, article.published_source) == ("2019-05-02", "user")
    assert dates_by_place(reopened)["Caracas"] == [("2019-04-30", "sentence")]
    assert not reopened.modified
