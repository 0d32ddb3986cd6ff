"""The side panels: articles, places, excerpts and the article reader.

They display what they are given and report what the user picked, by id;
what a pick means is decided by the main window.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

from mapper.atlas import Excerpt
from mapper.time.display import describe_date, describe_published, describe_source
from mapper.types import Article, Place
from ui import render
from ui.qt import QtCore, QtGui, QtWidgets

#: Item data role holding the id of what an item shows.
ID_ROLE = QtCore.Qt.ItemDataRole.UserRole
#: Item data role holding an excerpt's sentence as (escaped) rich text.
HTML_ROLE = QtCore.Qt.ItemDataRole.UserRole + 1
#: Item data role holding the plain-text title of an excerpt's article.
TITLE_ROLE = QtCore.Qt.ItemDataRole.UserRole + 2
#: Item data role holding a date as shown: an article's ("≈ 2 May 2019", "no date"),
#: an excerpt's ("Wed 1 May 2019").
DATE_ROLE = QtCore.Qt.ItemDataRole.UserRole + 3
#: Item data role holding the plain text under an article's title (date · outlet), or
#: the note after an excerpt's date ("article date": not the sentence's own).
DETAIL_ROLE = QtCore.Qt.ItemDataRole.UserRole + 4

_ALL_ARTICLES = ""  # the id of the "All articles" entry
_HIGHLIGHT_COLOR = QtGui.QColor("#ffd54f")


def mentions_in_excerpts(mentions: int, excerpts: int) -> str:
    """ "101 mentions in 93 excerpts": a place's counts in the same words as its popup (a
    sentence may name a place more than once, so the two differ)."""
    mention_word = "mention" if mentions == 1 else "mentions"
    excerpt_word = "excerpt" if excerpts == 1 else "excerpts"
    return f"{mentions} {mention_word} in {excerpts} {excerpt_word}"


def _draw_item_background(
    painter: QtGui.QPainter, options: QtWidgets.QStyleOptionViewItem
) -> tuple[QtGui.QColor, bool]:
    """Draw a list item's background and selection as the style does (its text is drawn by
    the delegate); give the colour its text takes, and whether it is selected."""
    options.text = ""  # the style draws background and selection; the text is ours
    widget = options.widget
    style = widget.style() if widget is not None else QtWidgets.QApplication.style()
    style.drawControl(QtWidgets.QStyle.ControlElement.CE_ItemViewItem, options, painter, widget)
    selected = bool(options.state & QtWidgets.QStyle.StateFlag.State_Selected)
    role = QtGui.QPalette.ColorRole.HighlightedText if selected else QtGui.QPalette.ColorRole.Text
    return options.palette.color(role), selected


class ArticleDelegate(QtWidgets.QStyledItemDelegate):
    """Draws an article: its title (plain, elided) over a quieter line, date · outlet.

    The second line comes from :data:`DETAIL_ROLE` and is drawn as plain text.
    """

    _MARGIN = 4

    def _detail_font(self, option: QtWidgets.QStyleOptionViewItem) -> QtGui.QFont:
        font = QtGui.QFont(option.font)
        font.setPointSizeF(max(font.pointSizeF() * 0.85, 6.0))
        font.setBold(False)  # under the bold "All articles" too
        return font

    def paint(
        self,
        painter: QtGui.QPainter,
        option: QtWidgets.QStyleOptionViewItem,
        index: QtCore.QModelIndex | QtCore.QPersistentModelIndex,
    ) -> None:
        options = QtWidgets.QStyleOptionViewItem(option)
        self.initStyleOption(options, index)
        title = options.text
        text_color, selected = _draw_item_background(painter, options)
        palette = options.palette
        quiet = palette.color(QtGui.QPalette.ColorRole.PlaceholderText)
        rect = options.rect.adjusted(self._MARGIN + 2, self._MARGIN, -self._MARGIN, -self._MARGIN)
        painter.save()
        metrics = QtGui.QFontMetrics(options.font)
        painter.setFont(options.font)
        painter.setPen(text_color)
        elided = metrics.elidedText(title, QtCore.Qt.TextElideMode.ElideRight, rect.width())
        painter.drawText(rect.topLeft() + QtCore.QPoint(0, metrics.ascent()), elided)
        detail = str(index.data(DETAIL_ROLE) or "")
        if detail:
            detail_font = self._detail_font(options)
            small = QtGui.QFontMetrics(detail_font)
            painter.setFont(detail_font)
            painter.setPen(text_color if selected else quiet)
            detail = small.elidedText(detail, QtCore.Qt.TextElideMode.ElideRight, rect.width())
            top = rect.top() + metrics.height() + 1
            painter.drawText(QtCore.QPoint(rect.left(), top + small.ascent()), detail)
        painter.restore()

    def sizeHint(
        self,
        option: QtWidgets.QStyleOptionViewItem,
        index: QtCore.QModelIndex | QtCore.QPersistentModelIndex,
    ) -> QtCore.QSize:
        size = super().sizeHint(option, index)
        height = (
            QtGui.QFontMetrics(option.font).height()
            + 1
            + QtGui.QFontMetrics(self._detail_font(option)).height()
            + 2 * self._MARGIN
        )
        return QtCore.QSize(size.width(), height)


#: How the Articles list can be sorted: key, label.
ARTICLE_SORTS = (
    ("added", "Order added"),
    ("newest", "Date, newest first"),
    ("oldest", "Date, oldest first"),
    ("outlet", "Outlet"),
    ("title", "Title"),
)


def sorted_articles(articles: Sequence[Article], sort: str) -> list[Article]:
    """The articles in the order of ``sort`` (a key of :data:`ARTICLE_SORTS`).

    Undated articles (and those with no outlet, sorting by outlet) come last; ties
    keep the order the articles were added in.
    """
    if sort in ("newest", "oldest"):
        dated = sorted(
            (a for a in articles if a.published),
            key=lambda a: a.published or "",
            reverse=sort == "newest",
        )
        return dated + [a for a in articles if not a.published]
    if sort == "outlet":
        return sorted(articles, key=lambda a: (not a.outlet, a.outlet.casefold()))
    if sort == "title":
        return sorted(articles, key=lambda a: a.title.casefold())
    return list(articles)


def article_detail(article: Article) -> str:
    """An article's second line: "≈ 2 May 2019 · AP" (date, or "no date", then outlet)."""
    date = describe_published(article.published, article.published_source)
    return f"{date} \u00b7 {article.outlet}" if article.outlet else date


def article_tooltip(article: Article) -> str:
    """Rich text (every piece escaped): the article's file, date and where it came from."""
    lines = [html.escape(article.source or article.title)]
    if article.published:
        where = describe_source(article.published_source)
        date = describe_date(article.published, weekday=True)
        lines.append(
            f"Published {html.escape(date)}" + (f" \u2014 {html.escape(where)}" if where else "")
        )
    else:
        lines.append("No publication date (right-click \u25b8 Set Date\u2026)")
    by = " \u00b7 ".join(
        part for part in (article.outlet, f"by {article.author}" if article.author else "") if part
    )
    if by:
        lines.append(html.escape(by))
    # Tooltips guess rich text; wrap escaped text in <p> so it is always shown as text.
    return "".join(f"<p>{line}</p>" for line in lines)


class ArticleList(QtWidgets.QListWidget):
    """ "All articles" followed by one entry per article: title, then date and outlet.

    A small bar above the list chooses the order (:data:`ARTICLE_SORTS`); "All
    articles" stays first. An uncertain date (inferred, or the file's) is marked
    "≈"; the tooltip says where the date came from.

    Signals:
        article_chosen(str): the user chose this article id, or "" for all articles.
        article_menu_requested(str): the user right-clicked this article id ("" for
            "All articles" or no article).
    """

    article_chosen = QtCore.Signal(str)
    article_menu_requested = QtCore.Signal(str)

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("articleList")
        self.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.SingleSelection)
        self.setTextElideMode(QtCore.Qt.TextElideMode.ElideRight)
        self.setHorizontalScrollBarPolicy(QtCore.Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setItemDelegate(ArticleDelegate(self))
        self.setUniformItemSizes(True)
        self._updating = False
        self._articles: list[Article] = []
        self.sort_bar = QtWidgets.QWidget(self)
        self.sort_bar.setObjectName("articleSortBar")
        self.sort_box = QtWidgets.QComboBox(self.sort_bar)
        self.sort_box.setObjectName("articleSort")
        self.sort_box.setToolTip(self.tr("The order of the articles"))
        for key, label in ARTICLE_SORTS:
            self.sort_box.addItem(self.tr(label), key)
        sort_label = QtWidgets.QLabel(self.tr("Sort by"), self.sort_bar)
        sort_label.setBuddy(self.sort_box)
        bar_layout = QtWidgets.QHBoxLayout(self.sort_bar)
        bar_layout.setContentsMargins(4, 2, 2, 2)
        bar_layout.addWidget(sort_label)
        bar_layout.addWidget(self.sort_box, 1)
        self.setViewportMargins(0, self.sort_bar.sizeHint().height(), 0, 0)
        self.sort_box.currentIndexChanged.connect(lambda _index: self._show())
        self.currentItemChanged.connect(self._on_current_item_changed)
        self.setContextMenuPolicy(QtCore.Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._on_context_menu_requested)
        self.set_articles([])

    @property
    def sort(self) -> str:
        """The order shown: a key of :data:`ARTICLE_SORTS`."""
        return str(self.sort_box.currentData() or "added")

    def sort_by(self, sort: str) -> None:
        """Show the articles in this order (a key of :data:`ARTICLE_SORTS`)."""
        index = self.sort_box.findData(sort)
        if index >= 0:
            self.sort_box.setCurrentIndex(index)

    def set_articles(self, articles: Sequence[Article]) -> None:
        """Show these articles, keeping the current choice when it still exists."""
        self._articles = list(articles)
        self._show()

    def _show(self) -> None:
        chosen = self.chosen()
        self._updating = True
        try:
            self.clear()
            everything = QtWidgets.QListWidgetItem(self.tr("All articles"), self)
            everything.setData(ID_ROLE, _ALL_ARTICLES)
            count = len(self._articles)
            everything.setData(
                DETAIL_ROLE,
                self.tr("{n} article").format(n=count)
                if count == 1
                else self.tr("{n} articles").format(n=count),
            )
            font = everything.font()
            font.setBold(True)
            everything.setFont(font)
            current = everything
            for article in sorted_articles(self._articles, self.sort):
                item = QtWidgets.QListWidgetItem(article.title, self)
                item.setData(ID_ROLE, article.id)
                item.setData(
                    DATE_ROLE, describe_published(article.published, article.published_source)
                )
                item.setData(DETAIL_ROLE, article_detail(article))
                item.setToolTip(article_tooltip(article))
                if article.id == chosen:
                    current = item
            self.setCurrentItem(current)
        finally:
            self._updating = False

    def chosen(self) -> str:
        """The id of the chosen article, or "" for all articles."""
        item = self.currentItem()
        return str(item.data(ID_ROLE)) if item is not None else _ALL_ARTICLES

    def choose(self, article_id: str) -> None:
        """Choose an article by id ("" for all), as if the user had clicked it."""
        item = self.item_for(article_id)
        if item is not None:
            self.setCurrentItem(item)

    def item_for(self, article_id: str) -> QtWidgets.QListWidgetItem | None:
        """The row showing this article ("" for "All articles"), if it is listed."""
        for row in range(self.count()):
            item = self.item(row)
            if item.data(ID_ROLE) == article_id:
                return item
        return None

    def article_ids(self) -> list[str]:
        """Ids of the articles listed, top to bottom (without "All articles")."""
        return [str(self.item(row).data(ID_ROLE)) for row in range(1, self.count())]

    def resizeEvent(self, event: QtGui.QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place_sort_bar()

    def updateGeometries(self) -> None:
        super().updateGeometries()
        self._place_sort_bar()

    def _place_sort_bar(self) -> None:
        """The sort bar sits in the top margin, above the viewport (as a tree's header)."""
        area = self.contentsRect()
        height = self.sort_bar.sizeHint().height()
        if self.viewportMargins().top() != height:
            self.setViewportMargins(0, height, 0, 0)
        self.sort_bar.setGeometry(area.left(), area.top(), area.width(), height)

    @QtCore.Slot(QtCore.QPoint)
    def _on_context_menu_requested(self, position: QtCore.QPoint) -> None:
        item = self.itemAt(position)
        if item is not None:
            self.setCurrentItem(item)
        self.article_menu_requested.emit(str(item.data(ID_ROLE)) if item is not None else "")

    def _on_current_item_changed(
        self, current: QtWidgets.QListWidgetItem | None, _previous: object
    ) -> None:
        if not self._updating and current is not None:
            self.article_chosen.emit(str(current.data(ID_ROLE)))


class PlaceList(QtWidgets.QTreeWidget):
    """Places with their country and mention count, most mentioned first.

    Signals:
        place_chosen(str): the user clicked (or pressed Enter on) this place id.
        place_menu_requested(str): the user right-clicked this place id.
    """

    place_chosen = QtCore.Signal(str)
    place_menu_requested = QtCore.Signal(str)

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("placeList")
        self.setMinimumWidth(220)
        self.setColumnCount(3)
        self.setHeaderLabels([self.tr("Place"), self.tr("Country"), self.tr("Mentions")])
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        self.setAllColumnsShowFocus(True)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QtWidgets.QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QtWidgets.QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QtWidgets.QHeaderView.ResizeMode.ResizeToContents)
        self.itemClicked.connect(self._on_item_clicked)
        self.itemActivated.connect(self._on_item_clicked)
        self.setContextMenuPolicy(QtCore.Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._on_context_menu_requested)

    @QtCore.Slot(QtCore.QPoint)
    def _on_context_menu_requested(self, position: QtCore.QPoint) -> None:
        item = self.itemAt(position)
        if item is not None:
            self.setCurrentItem(item)
            self.place_menu_requested.emit(str(item.data(0, ID_ROLE)))

    def set_places(self, places: Sequence[Place], counts: dict[str, int]) -> None:
        """Show these places (already in display order) with their mention counts."""
        current = self.current_place()
        self.clear()
        for place in places:
            item = QtWidgets.QTreeWidgetItem(
                [place.name, place.country, str(counts.get(place.id, 0))]
            )
            item.setData(0, ID_ROLE, place.id)
            item.setTextAlignment(2, QtCore.Qt.AlignmentFlag.AlignRight)
            self.addTopLevelItem(item)
            if place.id == current:
                self.setCurrentItem(item)
        self._fit_country_column()

    def resizeEvent(self, event: QtGui.QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_country_column()

    def _fit_country_column(self) -> None:
        # The country gets its width up to a third of the list, the place the rest: sized
        # to its contents alone, a long country ("Democratic Republic of the Congo") left
        # two letters of every place name in a narrow dock.
        widest = max(self.sizeHintForColumn(1), self.header().sectionSizeHint(1))
        width = min(widest, self.viewport().width() // 3)
        if self.columnWidth(1) != width:  # a resize it causes then changes nothing
            self.setColumnWidth(1, width)

    def current_place(self) -> str | None:
        """The id of the selected place, if any."""
        item = self.currentItem()
        return str(item.data(0, ID_ROLE)) if item is not None else None

    def item_for(self, place_id: str) -> QtWidgets.QTreeWidgetItem | None:
        """The row showing this place, if it is listed."""
        for row in range(self.topLevelItemCount()):
            item = self.topLevelItem(row)
            if item is not None and item.data(0, ID_ROLE) == place_id:
                return item
        return None

    def select_place(self, place_id: str) -> None:
        """Select a place's row without reporting it as a user choice."""
        item = self.item_for(place_id)
        if item is not None:
            self.setCurrentItem(item)
            self.scrollToItem(item)

    def _on_item_clicked(self, item: QtWidgets.QTreeWidgetItem, _column: int) -> None:
        self.place_chosen.emit(str(item.data(0, ID_ROLE)))


class ExcerptDelegate(QtWidgets.QStyledItemDelegate):
    """Draws an excerpt: its date and article title (plain, elided) over its sentence.

    The date (:data:`DATE_ROLE`, with :data:`DETAIL_ROLE` "article date" when the
    sentence gave none of its own) and the title (:data:`TITLE_ROLE`) are drawn as
    plain text; the sentence is :data:`HTML_ROLE`, escaped rich text made by
    :mod:`ui.render`.
    """

    _MARGIN = 6

    def _title_font(self, option: QtWidgets.QStyleOptionViewItem) -> QtGui.QFont:
        font = QtGui.QFont(option.font)
        font.setPointSizeF(max(font.pointSizeF() * 0.85, 6.0))
        return font

    def _document(
        self,
        option: QtWidgets.QStyleOptionViewItem,
        index: QtCore.QModelIndex | QtCore.QPersistentModelIndex,
        width: int,
    ) -> QtGui.QTextDocument:
        document = QtGui.QTextDocument()
        document.setDefaultFont(option.font)
        document.setDocumentMargin(0)
        document.setHtml(str(index.data(HTML_ROLE) or ""))
        document.setTextWidth(max(width - 2 * self._MARGIN, 40))
        return document

    def paint(
        self,
        painter: QtGui.QPainter,
        option: QtWidgets.QStyleOptionViewItem,
        index: QtCore.QModelIndex | QtCore.QPersistentModelIndex,
    ) -> None:
        options = QtWidgets.QStyleOptionViewItem(option)
        self.initStyleOption(options, index)
        text_color, selected = _draw_item_background(painter, options)
        palette = options.palette
        rect = options.rect.adjusted(self._MARGIN, self._MARGIN, -self._MARGIN, -self._MARGIN)

        painter.save()
        title_font = self._title_font(options)
        metrics = QtGui.QFontMetrics(title_font)
        quiet = palette.color(QtGui.QPalette.ColorRole.PlaceholderText)
        baseline = rect.top() + metrics.ascent()
        left = rect.left()
        # The date first (bold; "(article date)" after it, quiet), then the article's title.
        date = str(index.data(DATE_ROLE) or "")
        if date:
            date_font = QtGui.QFont(title_font)
            date_font.setBold(True)
            painter.setFont(date_font)
            painter.setPen(text_color)
            painter.drawText(QtCore.QPoint(left, baseline), date)
            left += QtGui.QFontMetrics(date_font).horizontalAdvance(date)
        note = str(index.data(DETAIL_ROLE) or "")
        article_title = str(index.data(TITLE_ROLE) or "")
        lead = (f" ({note})" if note else "") + (" \u00b7 " if date and article_title else "")
        title = metrics.elidedText(
            lead + article_title,
            QtCore.Qt.TextElideMode.ElideRight,
            max(rect.right() - left, 0),
        )
        painter.setFont(title_font)
        painter.setPen(text_color if selected else quiet)
        painter.drawText(QtCore.QPoint(left, baseline), title)

        document = self._document(options, index, options.rect.width())
        context = QtGui.QAbstractTextDocumentLayout.PaintContext()
        context.palette.setColor(QtGui.QPalette.ColorRole.Text, text_color)
        painter.translate(rect.left(), rect.top() + metrics.height() + 2)
        document.documentLayout().draw(painter, context)
        painter.restore()

        painter.save()  # a rule between excerpts
        painter.setPen(palette.color(QtGui.QPalette.ColorRole.Midlight))
        painter.drawLine(options.rect.bottomLeft(), options.rect.bottomRight())
        painter.restore()

    def sizeHint(
        self,
        option: QtWidgets.QStyleOptionViewItem,
        index: QtCore.QModelIndex | QtCore.QPersistentModelIndex,
    ) -> QtCore.QSize:
        view = self.parent()
        width = (
            view.viewport().width()
            if isinstance(view, QtWidgets.QAbstractItemView)
            else option.rect.width()
        )
        title_height = QtGui.QFontMetrics(self._title_font(option)).height() + 2
        document = self._document(option, index, width)
        height = title_height + int(document.size().height()) + 2 * self._MARGIN + 1
        return QtCore.QSize(width, height)


class ExcerptList(QtWidgets.QListWidget):
    """The excerpts of one place: date, article title and sentence, the place highlighted.

    Signals:
        excerpt_chosen(str): the user clicked (or pressed Enter on) this excerpt id.
    """

    excerpt_chosen = QtCore.Signal(str)

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("excerptList")
        self.setItemDelegate(ExcerptDelegate(self))
        self.setWordWrap(True)
        self.setUniformItemSizes(False)
        # Re-layout on resize, so wrapped excerpts get their new height.
        self.setResizeMode(QtWidgets.QListView.ResizeMode.Adjust)
        self.setVerticalScrollMode(QtWidgets.QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(QtCore.Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.place_id: str | None = None
        self.itemClicked.connect(self._on_item_clicked)
        self.itemActivated.connect(self._on_item_clicked)
        #: What the empty panel says (drawn in the viewport while no excerpt is listed).
        self.placeholder = self.tr("Click a pin or a place to read its excerpts")
        #: The placeholder when nothing else is said (a search that matched nothing says so).
        self.default_placeholder = self.placeholder

    def paintEvent(self, event: QtGui.QPaintEvent) -> None:
        super().paintEvent(event)
        if self.count() or not self.placeholder:
            return
        painter = QtGui.QPainter(self.viewport())
        painter.setPen(self.palette().color(QtGui.QPalette.ColorRole.PlaceholderText))
        painter.drawText(
            self.viewport().rect().adjusted(12, 12, -12, -12),
            QtCore.Qt.AlignmentFlag.AlignHCenter
            | QtCore.Qt.AlignmentFlag.AlignTop
            | QtCore.Qt.TextFlag.TextWordWrap,
            self.placeholder,
        )
        painter.end()

    def set_excerpts(
        self,
        place_id: str | None,
        excerpts: Sequence[Excerpt],
        matches: Mapping[str, Sequence[tuple[int, int]]] | None = None,
    ) -> None:
        """Show these excerpts with the mentions of ``place_id`` highlighted and, given a
        search's ``matches`` (excerpt id → spans in its text), the words it matched marked."""
        self.place_id = place_id
        self.clear()
        for excerpt in excerpts:
            item = QtWidgets.QListWidgetItem(render.excerpt_plain(excerpt), self)
            item.setData(ID_ROLE, excerpt.id)
            spans = matches.get(excerpt.id, ()) if matches is not None else ()
            item.setData(HTML_ROLE, render.excerpt_html(excerpt, place_id, spans))
            # The title only when the article has one of its own: a plain text file's
            # "title" is its truncated first sentence, repeated above every excerpt.
            item.setData(TITLE_ROLE, excerpt.article_title if excerpt.has_headline else "")
            date, note = render.excerpt_date(excerpt)
            item.setData(DATE_ROLE, date)
            item.setData(DETAIL_ROLE, note)
            item.setToolTip(render.excerpt_date_tooltip(excerpt))

    def excerpt_ids(self) -> list[str]:
        """Ids of the excerpts shown, top to bottom."""
        return [str(self.item(row).data(ID_ROLE)) for row in range(self.count())]

    def select_excerpt(self, excerpt_id: str) -> None:
        """Select an excerpt's item without reporting it as a user choice."""
        for row in range(self.count()):
            item = self.item(row)
            if item.data(ID_ROLE) == excerpt_id:
                self.setCurrentItem(item)
                self.scrollToItem(item)
                return

    def _on_item_clicked(self, item: QtWidgets.QListWidgetItem) -> None:
        self.excerpt_chosen.emit(str(item.data(ID_ROLE)))


class ArticleReader(QtWidgets.QWidget):
    """One article's text, read-only, with a passage highlighted and scrolled into view.

    The text is set as plain text (never parsed as HTML); the title label is
    forced to plain text too, since a QLabel guesses rich text otherwise.
    """

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.article_id: str | None = None
        self.title = QtWidgets.QLabel(self)
        self.title.setObjectName("readerTitle")
        self.title.setTextFormat(QtCore.Qt.TextFormat.PlainText)
        self.title.setWordWrap(True)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        #: Where the article is local to, and how that is known (mapper.geo.home).
        self.home = QtWidgets.QLabel(self)
        self.home.setObjectName("readerHome")
        self.home.setTextFormat(QtCore.Qt.TextFormat.PlainText)  # place and outlet names
        self.home.setWordWrap(True)
        self.home.setToolTip(
            self.tr("Ambiguous names lean towards it (right-click the article to change it)")
        )
        self.home.hide()
        self.text = QtWidgets.QTextBrowser(self)
        self.text.setObjectName("readerText")
        self.text.setOpenLinks(False)
        self.text.setPlaceholderText(self.tr("Click an excerpt to read it in context."))
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.title)
        layout.addWidget(self.home)
        layout.addWidget(self.text, 1)

    def show_article(
        self, article: Article, start: int | None = None, end: int | None = None
    ) -> None:
        """Show an article, with ``text[start:end]`` selected, highlighted and in view."""
        if article.id != self.article_id:
            self.article_id = article.id
            self.title.setText(article.title)
            self.text.setPlainText(article.text)
        self.text.setExtraSelections([])
        cursor = QtGui.QTextCursor(self.text.document())
        if start is None or end is None:
            self.text.setTextCursor(cursor)
            return
        # Highlighted with an extra selection, not the selection: it keeps its
        # colour when the reader has no focus, and survives the user's clicks.
        first = render.utf16_offset(article.text, start)
        last = render.utf16_offset(article.text, end)
        cursor.setPosition(first)
        cursor.setPosition(last, QtGui.QTextCursor.MoveMode.KeepAnchor)
        highlight = QtWidgets.QTextEdit.ExtraSelection()
        highlight.cursor = cursor
        highlight.format.setBackground(_HIGHLIGHT_COLOR)
        highlight.format.setForeground(QtGui.QColor("#000000"))
        self.text.setExtraSelections([highlight])
        self._scroll_to(first)

    def _scroll_to(self, position: int) -> None:
        """Scroll so that ``position`` is a third of the way down the view."""
        cursor = QtGui.QTextCursor(self.text.document())
        cursor.setPosition(position)
        self.text.setTextCursor(cursor)
        self.text.ensureCursorVisible()
        bar = self.text.verticalScrollBar()
        top = self.text.cursorRect(cursor).top()
        bar.setValue(bar.value() + top - self.text.viewport().height() // 3)

    def set_home(self, description: str) -> None:
        """Show the article's home region ("Athens, Georgia, United States (from the
        dateline …)"); "" hides the line."""
        self.home.setText(self.tr("Home region: {home}").format(home=description))
        self.home.setVisible(bool(description))

    def clear(self) -> None:
        """Show nothing."""
        self.article_id = None
        self.title.clear()
        self.text.clear()
        self.set_home("")

    def highlighted_text(self) -> str:
        """The highlighted passage, with line breaks as in the article."""
        selections = self.text.extraSelections()
        if not selections:
            return ""
        return selections[0].cursor.selectedText().replace("\u2029", "\n")
