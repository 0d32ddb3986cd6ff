"""Shared test helpers: hand-made atlases built from plain records, and an offscreen web view
(driven by qtbot) for the pages made from them."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from conftest import PAGE_TIMEOUT_MS

from mapper.types import (
    Actor,
    ActorMention,
    Article,
    ArticleAnalysis,
    EventTag,
    Place,
    PlaceMention,
    ResolvedMention,
    Sentence,
)

#: A few event types of the taxonomy, with their colours, in display order.
EVENT_TYPES = (
    ("Protests", "#e07b39"),
    ("Riots", "#c0392b"),
    ("Battles", "#7b3294"),
    ("Diplomacy & statements", "#2c7fb8"),
)
ROSA = Actor("person:rosa-quispe", "Rosa Quispe", "person")
UNION = Actor("organization:miners-union", "Miners Union", "organization")


def place(
    place_id: str,
    name: str,
    kind: str,
    lat: float,
    lon: float,
    country: str,
    country_code: str | None = None,
) -> Place:
    """A place; its country code is the country's first two letters unless given."""
    code = country[:2].upper() if country_code is None else country_code
    return Place(place_id, name, kind, lat, lon, country, code)  # type: ignore[arg-type]


@dataclass
class Said:
    """One sentence of a hand-made article: the places it names, actors and event types.

    Every occurrence of a place's name in the sentence is a mention of it; an actor is
    mentioned where its name first stands; event types are best first.
    """

    text: str
    places: Sequence[Place]
    actors: Sequence[Actor] = ()
    events: Sequence[str] = ()


def article(
    article_id: str,
    title: str,
    sentences: Sequence[Said],
    source: str = "",
    published: str | None = None,
) -> ArticleAnalysis:
    """An ArticleAnalysis as the pipeline would give it, from plain records."""
    text = " ".join(s.text for s in sentences)
    spans: list[Sentence] = []
    mentions: list[ResolvedMention] = []
    actor_mentions: list[ActorMention] = []
    events: list[EventTag] = []
    start = 0
    for said in sentences:
        span = Sentence(start, start + len(said.text))
        spans.append(span)
        for where in said.places:
            for match in re.finditer(re.escape(where.name), said.text):
                at = start + match.start()
                mention = PlaceMention(at, at + len(where.name), where.name, "gazetteer")
                mentions.append(ResolvedMention(mention, where, 0.9, span))
        for actor in said.actors:
            at = start + said.text.index(actor.name)
            actor_mentions.append(ActorMention(actor.id, at, at + len(actor.name), actor.name))
        for rank, event_type in enumerate(said.events):
            events.append(EventTag(event_type, 0.9 - rank / 10, "x", start, start + 1, span))
        start += len(said.text) + 1
    actors = tuple({a.id: a for s in sentences for a in s.actors}.values())
    return ArticleAnalysis(
        Article(article_id, title, text, source, published, "given" if published else ""),
        tuple(spans),
        tuple(sorted(mentions, key=lambda r: r.mention.start)),
        actors,
        tuple(actor_mentions),
        tuple(events),
    )


class OffscreenPage:
    """A page file, loaded and ready (``window.datelineReady``), in an offscreen view with its
    own off-the-record profile; ``offline`` blocks every non-local request."""

    def __init__(
        self,
        qtbot: Any,
        path: Path,
        size: tuple[int, int],
        page_type: Any = None,
        offline: bool = False,
    ) -> None:
        from ui.qt import QtCore, QtWebEngineCore, QtWebEngineWidgets

        self.qtbot = qtbot
        self.view = QtWebEngineWidgets.QWebEngineView()
        self.profile = QtWebEngineCore.QWebEngineProfile(self.view)  # off the record
        self.interceptor = None
        if offline:
            from ui.mapwidget import OfflineInterceptor

            self.interceptor = OfflineInterceptor(self.profile)
            self.profile.setUrlRequestInterceptor(self.interceptor)
        self.page = (page_type or QtWebEngineCore.QWebEnginePage)(self.profile, self.view)
        self.view.setPage(self.page)
        self.view.resize(*size)
        self.view.show()
        with qtbot.waitSignal(self.view.loadFinished, timeout=PAGE_TIMEOUT_MS) as load:
            self.view.load(QtCore.QUrl.fromLocalFile(str(path)))
        assert load.args == [True]
        try:
            qtbot.waitUntil(
                lambda: self.js("window.datelineReady === true") is True, timeout=PAGE_TIMEOUT_MS
            )
        except qtbot.TimeoutError:
            errors = getattr(self.page, "errors", "not recorded")
            raise AssertionError(f"the page never got ready: {errors}") from None

    def js(self, script: str) -> object:
        with self.qtbot.waitCallback(timeout=PAGE_TIMEOUT_MS) as callback:
            self.page.runJavaScript(script, 0, callback)
        return callback.args[0]

    def json(self, script: str) -> object:
        result = self.js(script)
        assert isinstance(result, str), (script, result)
        return json.loads(result)

    def close(self) -> None:
        from ui.qt import QtCore

        self.view.stop()
        self.view.close()
        self.page.deleteLater()
        self.profile.deleteLater()
        self.view.deleteLater()
        QtCore.QCoreApplication.sendPostedEvents(None, QtCore.QEvent.Type.DeferredDelete)
        self.qtbot.wait(10)
