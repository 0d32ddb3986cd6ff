"""The Atlas built a little at a time (as a folder import fills it) answers exactly as one built
at once; and bulk building pauses the garbage collector without ever leaving it off."""

from __future__ import annotations

import gc
import threading

import pytest
from atlas_factory import ROSA, UNION, Said, article, place

from mapper.atlas import Atlas
from mapper.filters import Filter
from mapper.store.gc_pause import collector_paused
from mapper.types import Actor

CARACAS = place("gn:3646738", "Caracas", "city", 10.49, -66.88, "Venezuela", "VE")
BOGOTA = place("gn:3688689", "Bogota", "city", 4.61, -74.08, "Colombia", "CO")
HAVANA = place("gn:3553478", "Havana", "city", 23.13, -82.38, "Cuba", "CU")
MADURO_ALONE = Actor("person:maduro", "Maduro", "person")
MADURO = Actor("person:nicolas-maduro", "Nicolas Maduro", "person")


def _articles():
    return [
        article(
            "a1",
            "Rally",
            [
                Said(
                    "Maduro spoke in Caracas.",
                    [CARACAS],
                    [MADURO_ALONE],
                    ["Diplomacy & statements"],
                ),
                Said("Rosa Quispe marched in Bogota.", [BOGOTA], [ROSA], ["Protests"]),
            ],
        ),
        article(
            "a2",
            "Strike",
            [
                Said("Miners Union struck in Bogota and Bogota.", [BOGOTA], [UNION], ["Protests"]),
            ],
        ),
        # Names Maduro in full: from now on "Maduro" of a1 is this Nicolas Maduro.
        article(
            "a3",
            "Visit",
            [
                Said("Nicolas Maduro flew to Havana.", [HAVANA], [MADURO]),
            ],
        ),
    ]


def _answers(atlas: Atlas) -> dict[str, object]:
    """What the window and exports read from an atlas."""
    places = [p.id for p in atlas.places()]
    return {
        "places": places,
        "counts": atlas.mention_counts(),
        "protest_counts": atlas.mention_counts(where=Filter(event_types=frozenset({"Protests"}))),
        "a1_counts": atlas.mention_counts(["a1"]),
        "excerpts": {pid: atlas.excerpts_for_place(pid) for pid in places},
        "actors": atlas.actors,
        "actor_counts": atlas.actor_counts(),
        "events": atlas.event_type_counts(),
    }


def test_an_atlas_filled_article_by_article_answers_as_one_built_at_once() -> None:
    analyses = _articles()
    growing = Atlas()
    for analysis in analyses:
        growing.add(analysis)
        _answers(growing)  # read between additions, as the window's refresh does
    assert _answers(growing) == _answers(Atlas(analyses))


def test_a_later_article_naming_a_full_name_merges_an_earlier_surname() -> None:
    atlas = Atlas(_articles()[:1])
    (said_in_caracas,) = atlas.excerpts_for_place(CARACAS.id)
    assert said_in_caracas.actor_ids == (MADURO_ALONE.id,)
    atlas.add(_articles()[2])
    (said_in_caracas,) = atlas.excerpts_for_place(CARACAS.id)
    assert said_in_caracas.actor_ids == (MADURO.id,)
    assert atlas.actor(MADURO.id).aliases == ("Maduro",)
    by_maduro = Filter(actors=frozenset({MADURO.id}))
    assert set(atlas.mention_counts(where=by_maduro)) == {CARACAS.id, HAVANA.id}


def test_replacing_and_removing_articles_update_every_answer() -> None:
    first, second, third = _articles()
    atlas = Atlas([first, second, third])
    assert atlas.mention_counts()[BOGOTA.id] == 3
    rewritten = article(
        "a2", "Strike, corrected", [Said("Miners Union met in Havana.", [HAVANA], [UNION])]
    )
    atlas.add(rewritten)
    assert atlas.mention_counts()[BOGOTA.id] == 1
    # A replaced article keeps its place in the order of articles.
    assert [e.article_title for e in atlas.excerpts_for_place(HAVANA.id)] == [
        "Strike, corrected",
        "Visit",
    ]
    atlas.remove("a3")
    assert _answers(atlas) == _answers(Atlas([first, rewritten]))
    atlas.clear()
    assert atlas.places() == [] and atlas.mention_counts() == {}


def test_the_collector_is_paused_inside_and_running_after() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer section is still open
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("a failed bulk build")
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off() -> None:
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_sections_in_two_threads_leave_the_collector_running() -> None:
    inside, release = threading.Event(), threading.Event()

    def bulk_build() -> None:
        with collector_paused():
            inside.set()
            release.wait(5)

    worker = threading.Thread(target=bulk_build)
    worker.start()
    assert inside.wait(5)
    with collector_paused():
        pass
    assert not gc.isenabled()  # the worker's section is still open
    release.set()
    worker.join(5)
    assert gc.isenabled()


def test_counts_handed_out_are_copies() -> None:
    atlas = Atlas(_articles())
    for counts in (atlas.mention_counts, atlas.actor_counts, atlas.event_type_counts):
        first = counts()
        first.clear()
        assert counts(), "a caller's edit must not change the atlas's answer"


def test_cyclic_garbage_made_before_a_big_build_is_still_collected() -> None:
    # A big section freezes what it leaves (the collector would examine it all at once
    # for nothing); the next section thaws it, and a full collection still frees cycles.
    import weakref

    class Node:
        pass

    node = Node()
    node.self = node  # type: ignore[attr-defined]  # a cycle: only the collector frees it
    alive = weakref.ref(node)
    with collector_paused():
        bulk = [[i] for i in range(200_000)]  # a big build: what is alive gets frozen
    assert gc.get_freeze_count() > 0
    del node, bulk
    with collector_paused():
        pass  # thawed
    gc.collect()
    assert alive() is None


def test_excerpts_built_on_another_thread_are_the_ones_indexed(monkeypatch) -> None:
    # The window's worker builds excerpts as analyses arrive; the rebuild on the UI thread
    # then builds none, and answers as an atlas that built its own.
    import mapper.atlas as atlas_module

    analyses = _articles()
    worker = threading.Thread(target=atlas_module.build_excerpts, args=(analyses,))
    worker.start()
    worker.join()
    built: list[str] = []
    real = atlas_module._excerpts_of

    def counting(analysis):
        built.append(analysis.article.id)
        return real(analysis)

    monkeypatch.setattr(atlas_module, "_excerpts_of", counting)
    ahead = Atlas(analyses)
    assert ahead.mention_counts() and built == []
    fresh = Atlas(_articles())
    assert fresh.mention_counts() == ahead.mention_counts()
    assert sorted(built) == sorted(a.article.id for a in analyses)
    assert [e.id for e in ahead.excerpts_for_place(CARACAS.id)] == [
        e.id for e in fresh.excerpts_for_place(CARACAS.id)
    ]


def test_excerpts_built_for_an_analysis_never_indexed_go_with_it() -> None:
    import mapper.atlas as atlas_module

    analysis = _articles()[0]
    atlas_module.build_excerpts([analysis])
    assert id(analysis) in atlas_module._built
    key = id(analysis)
    del analysis
    gc.collect()
    assert key not in atlas_module._built
