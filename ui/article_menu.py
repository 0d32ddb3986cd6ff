"""An article's right-click menu in the Articles list: Set Date…, "Articles from … are
local to…" (the home region), and the list's order.

The rules (the date is the user's, the excerpts' dates follow; a home region set for a
folder, an outlet or an article re-analyses the articles it covers) are the session's
(:meth:`~mapper.session.Session.set_article_date`, :meth:`~mapper.session.Session.set_home`);
here are the menu and the dialogs.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import PurePath

from mapper.geo.gazetteer import Gazetteer
from mapper.geo.home import (
    NO_HOME,
    HomeScope,
    describe_home,
    find_regions,
    region_label,
    scopes_for,
)
from mapper.session import Session
from mapper.time.display import describe_published, describe_source
from mapper.time.published import parse_day
from ui.messages import show_status
from ui.panels import ARTICLE_SORTS, ArticleList
from ui.qt import QtCore, QtGui, QtWidgets


class DateDialog(QtWidgets.QDialog):
    """Set Date…: when an article was published, from a calendar; Clear makes it unknown.

    After it is accepted, :meth:`chosen_day` is the day (None: cleared).
    """

    def __init__(
        self,
        title: str,
        published: str | None,
        source: str,
        parent: QtWidgets.QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("dateDialog")
        self.setWindowTitle(self.tr("Set Date"))
        self._cleared = False
        name = QtWidgets.QLabel(self)
        name.setTextFormat(QtCore.Qt.TextFormat.PlainText)  # the title is the article's text
        name.setWordWrap(True)
        name.setText(title)
        font = name.font()
        font.setBold(True)
        name.setFont(font)
        now = describe_published(published, source)
        where = describe_source(source) if published else ""
        current = QtWidgets.QLabel(self)
        current.setTextFormat(QtCore.Qt.TextFormat.PlainText)
        current.setText(self.tr("Now: {date}").format(date=now) + (f" ({where})" if where else ""))
        self.date_edit = QtWidgets.QDateEdit(self)
        self.date_edit.setObjectName("publishedDate")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("ddd d MMMM yyyy")
        self.date_edit.setMinimumDate(QtCore.QDate(1800, 1, 1))
        self.date_edit.setMaximumDate(QtCore.QDate(2999, 12, 31))
        day = parse_day(published) if published else None
        start = day or datetime.date.today()
        self.date_edit.setDate(QtCore.QDate(start.year, start.month, start.day))
        form = QtWidgets.QFormLayout()
        form.addRow(self.tr("Published:"), self.date_edit)
        buttons = QtWidgets.QDialogButtonBox(
            QtWidgets.QDialogButtonBox.StandardButton.Ok
            | QtWidgets.QDialogButtonBox.StandardButton.Cancel,
            self,
        )
        self.clear_button = buttons.addButton(
            self.tr("Clear"), QtWidgets.QDialogButtonBox.ButtonRole.ResetRole
        )
        self.clear_button.setObjectName("clearDateButton")
        self.clear_button.setToolTip(self.tr("The publication date is unknown"))
        self.clear_button.clicked.connect(self.clear_date)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addWidget(name)
        layout.addWidget(current)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(360)

    @QtCore.Slot()
    def clear_date(self) -> None:
        """Close the dialog saying the date is unknown."""
        self._cleared = True
        self.accept()

    def chosen_day(self) -> datetime.date | None:
        """The day chosen (None: cleared, unknown)."""
        if self._cleared:
            return None
        date = self.date_edit.date()
        return datetime.date(date.year(), date.month(), date.day())


#: The home-region dialog's choice of no setting: each article's dateline or outlet decides.
AUTOMATIC = "\0automatic"
#: Most places listed for a search.
_SEARCH_LIMIT = 30


class HomeRegionDialog(QtWidgets.QDialog):
    """ "Articles from … are local to…": a place search (the gazetteer's names, "Athens,
    Georgia, United States"), "No home region", or back to each article's dateline or
    outlet ("Automatic").

    After it is accepted, :meth:`chosen` is a place id, ``NO_HOME`` or None (automatic).
    """

    def __init__(
        self,
        question: str,
        current: str,
        gazetteer: Gazetteer,
        chosen: str | None = None,
        parent: QtWidgets.QWidget | None = None,
        *,
        accept_label: str = "",
    ) -> None:
        """``current``: what the articles' home region is now (shown); ``chosen``: the
        setting to start from (a place id, ``NO_HOME``, None: automatic)."""
        super().__init__(parent)
        self.setObjectName("homeRegionDialog")
        self.setWindowTitle(self.tr("Home Region"))
        self._gazetteer = gazetteer
        heading = QtWidgets.QLabel(self)
        heading.setTextFormat(QtCore.Qt.TextFormat.PlainText)  # folder and outlet names
        heading.setWordWrap(True)
        heading.setText(question)
        font = heading.font()
        font.setBold(True)
        heading.setFont(font)
        now = QtWidgets.QLabel(self)
        now.setObjectName("homeNow")
        now.setTextFormat(QtCore.Qt.TextFormat.PlainText)
        now.setWordWrap(True)
        now.setText(self.tr("Now: {home}").format(home=current) if current else "")
        now.setVisible(bool(current))
        self.search = QtWidgets.QLineEdit(self)
        self.search.setObjectName("homeSearch")
        self.search.setPlaceholderText(self.tr("Town, state or country (“Athens, Georgia”)"))
        self.search.setClearButtonEnabled(True)
        self.results = QtWidgets.QListWidget(self)
        self.results.setObjectName("homeResults")
        hint = QtWidgets.QLabel(
            self.tr(
                "Names the articles leave unqualified (“Paris”, “Athens”) lean towards "
                "this place; “Paris, France” written out still wins."
            ),
            self,
        )
        hint.setWordWrap(True)
        self.buttons = QtWidgets.QDialogButtonBox(
            QtWidgets.QDialogButtonBox.StandardButton.Ok
            | QtWidgets.QDialogButtonBox.StandardButton.Cancel,
            self,
        )
        ok = self.buttons.button(QtWidgets.QDialogButtonBox.StandardButton.Ok)
        if accept_label:
            ok.setText(accept_label)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.results.itemDoubleClicked.connect(lambda _item: self.accept())
        self.results.currentItemChanged.connect(
            lambda current, _previous: ok.setEnabled(current is not None)
        )
        layout = QtWidgets.QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(now)
        layout.addWidget(self.search)
        layout.addWidget(self.results, 1)
        layout.addWidget(hint)
        layout.addWidget(self.buttons)
        self.setMinimumSize(420, 360)
        self.search.textChanged.connect(self._fill)
        start = gazetteer.get(chosen) if chosen else None
        if start is not None:
            self.search.setText(region_label(start))  # fills the list
            self.choose(start.id)
        else:
            self._fill("")
            self.choose(AUTOMATIC if chosen is None else NO_HOME)

    @QtCore.Slot(str)
    def _fill(self, text: str) -> None:
        """The list: Automatic, No home region, then the places the search finds."""
        self.results.clear()
        for label, value, tip in (
            (
                self.tr("Automatic (each article's dateline or outlet)"),
                AUTOMATIC,
                self.tr("No setting of yours: a dateline or a known local outlet decides"),
            ),
            (
                self.tr("No home region"),
                NO_HOME,
                self.tr("No place is preferred, whatever the dateline or outlet"),
            ),
        ):
            item = QtWidgets.QListWidgetItem(label, self.results)
            item.setData(QtCore.Qt.ItemDataRole.UserRole, value)
            item.setToolTip(tip)
            font = item.font()
            font.setItalic(True)
            item.setFont(font)
        for place in find_regions(self._gazetteer, text, limit=_SEARCH_LIMIT):
            item = QtWidgets.QListWidgetItem(region_label(place), self.results)
            item.setData(QtCore.Qt.ItemDataRole.UserRole, place.id)
            kind = {"city": "town", "admin1": "state or province", "country": "country"}
            detail = kind.get(place.kind, place.kind)
            if place.population:
                detail += f", pop. {place.population:,}"
            item.setToolTip(detail)
        # The first place found is what a search most likely means.
        self.results.setCurrentRow(2 if self.results.count() > 2 else 0)

    def choose(self, value: str) -> None:
        """Select the row of a place id, ``NO_HOME`` or :data:`AUTOMATIC`, if listed."""
        for row in range(self.results.count()):
            if self.results.item(row).data(QtCore.Qt.ItemDataRole.UserRole) == value:
                self.results.setCurrentRow(row)
                return

    def chosen(self) -> str | None:
        """The choice: a place id, ``NO_HOME``, or None (automatic: no setting)."""
        item = self.results.currentItem()
        value = item.data(QtCore.Qt.ItemDataRole.UserRole) if item is not None else AUTOMATIC
        return None if value == AUTOMATIC else str(value)


def home_question(scope: HomeScope, key: str) -> str:
    """The dialog's heading: "Articles from tn-news are local to…"."""
    if scope == "folder":
        return f"Articles from {PurePath(key).name or key} are local to…"
    if scope == "outlet":
        return f"Articles from {key} are local to…"
    return "This article is local to…"


class ArticleMenu(QtCore.QObject):
    """The Articles list's right-click menu, its Set Date… and home region dialogs.

    ``refresh`` redraws the window from the atlas (lists, pins, excerpts) after a change;
    ``reanalyse`` starts analysing what the session queued (a home region changed).
    """

    def __init__(
        self,
        window: QtWidgets.QMainWindow,
        session: Session,
        article_list: ArticleList,
        refresh: Callable[[], None],
        reanalyse: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._session = session
        self._list = article_list
        self._refresh = refresh
        self._reanalyse = reanalyse or (lambda: None)

    def menu_for(self, article_id: str) -> QtWidgets.QMenu:
        """The menu of an article ("": of the list): Set Date…, its home region and
        Sort By."""
        menu = QtWidgets.QMenu(self._window)
        known = any(a.id == article_id for a in self._session.atlas.articles)
        set_date = menu.addAction(self.tr("Set Date…"))
        set_date.setObjectName("setDateAction")
        set_date.setEnabled(known)
        set_date.triggered.connect(lambda: self.ask_date(article_id))
        self._add_home_actions(menu, article_id)
        sort_menu = menu.addMenu(self.tr("Sort By"))
        group = QtGui.QActionGroup(sort_menu)
        for key, label in ARTICLE_SORTS:
            action = sort_menu.addAction(self.tr(label))
            action.setCheckable(True)
            action.setChecked(key == self._list.sort)
            action.setActionGroup(group)
            action.triggered.connect(lambda _checked=False, key=key: self._list.sort_by(key))
        return menu

    @QtCore.Slot(str)
    def show_menu(self, article_id: str) -> None:
        """Pop up the menu of an article where the pointer is."""
        menu = self.menu_for(article_id)
        menu.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(QtGui.QCursor.pos())

    def ask_date(self, article_id: str) -> DateDialog | None:
        """Open Set Date… for an article (not blocking) and return it (None: not open)."""
        articles = {a.id: a for a in self._session.atlas.articles}
        article = articles.get(article_id)
        if article is None:
            return None
        dialog = DateDialog(
            article.title, article.published, article.published_source, self._window
        )
        dialog.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.set_date(article_id, dialog.chosen_day()))
        dialog.open()
        return dialog

    def _add_home_actions(self, menu: QtWidgets.QMenu, article_id: str) -> None:
        """ "Articles from <folder> / <outlet> are local to…", "This article is local to…"."""
        article = next((a for a in self._session.atlas.articles if a.id == article_id), None)
        if article is None:
            return
        menu.addSeparator()
        ready = self._session.pipeline is not None  # the gazetteer comes with it
        for scope, key in scopes_for(article, self._session.home_settings):
            action = menu.addAction(home_question(scope, key))
            action.setObjectName(f"home{scope.capitalize()}Action")
            action.setEnabled(ready)
            if scope == "folder":
                action.setToolTip(key)
            action.triggered.connect(
                lambda _checked=False, s=scope, k=key: self.ask_home(article_id, s, k)
            )
        menu.setToolTipsVisible(True)

    def ask_home(self, article_id: str, scope: HomeScope, key: str) -> HomeRegionDialog | None:
        """Open "Articles from … are local to…" (not blocking) and return it (None: the
        article is not open, or the gazetteer is not loaded yet)."""
        session = self._session
        article = next((a for a in session.atlas.articles if a.id == article_id), None)
        if article is None or session.pipeline is None:
            return None
        dialog = HomeRegionDialog(
            home_question(scope, key),
            describe_home(session.home_of(article)),
            session.pipeline.gazetteer,
            session.home_settings.get(scope, key),
            self._window,
        )
        dialog.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.set_home(scope, key, dialog.chosen()))
        dialog.open()
        return dialog

    def set_home(self, scope: HomeScope, key: str, place_id: str | None) -> None:
        """Make the articles of a folder, an outlet or one article local to a place
        (``NO_HOME``: to none; None: automatic) and analyse them again."""
        if not self._session.set_home(scope, key, place_id):
            return
        self._reanalyse()
        self._refresh()
        gazetteer = self._session.pipeline.gazetteer if self._session.pipeline else None
        place = gazetteer.get(place_id) if gazetteer is not None and place_id else None
        show_status(
            self._window,
            self.tr("Home region set to {place}; the articles it covers are mapped again.").format(
                place=region_label(place)
            )
            if place is not None
            else self.tr("Home region cleared; the articles it covers are mapped again."),
        )

    def set_date(self, article_id: str, day: datetime.date | None) -> None:
        """Give an article this publication date (None: unknown) and show what follows."""
        if not self._session.set_article_date(article_id, day):
            return
        self._refresh()
        show_status(
            self._window,
            self.tr("Publication date set; the article's excerpt dates follow it.")
            if day is not None
            else self.tr("Publication date cleared."),
        )
