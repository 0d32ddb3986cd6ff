"""An article's right-click menu in the Articles list: Set Date…, and the list's order.

The rule (the date is the user's; the excerpts' dates follow) is the session's
(:meth:`~mapper.session.Session.set_article_date`); here are the menu and the dialog.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

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


class ArticleMenu(QtCore.QObject):
    """The Articles list's right-click menu and its Set Date… dialog.

    ``refresh`` redraws the window from the atlas (lists, pins, excerpts) after a change.
    """

    def __init__(
        self,
        window: QtWidgets.QMainWindow,
        session: Session,
        article_list: ArticleList,
        refresh: Callable[[], None],
    ) -> None:
        super().__init__(window)
        self._window = window
        self._session = session
        self._list = article_list
        self._refresh = refresh

    def menu_for(self, article_id: str) -> QtWidgets.QMenu:
        """The menu of an article ("": of the list): Set Date… and Sort By."""
        menu = QtWidgets.QMenu(self._window)
        known = any(a.id == article_id for a in self._session.atlas.articles)
        set_date = menu.addAction(self.tr("Set Date…"))
        set_date.setObjectName("setDateAction")
        set_date.setEnabled(known)
        set_date.triggered.connect(lambda: self.ask_date(article_id))
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
