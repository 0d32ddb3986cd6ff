"""CSV export: one row per place mention (RFC 4180, spreadsheet-safe cells).

Named ``csv_rows`` so that it does not shadow the standard library's ``csv``.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from mapper.atlas import Atlas
from mapper.export.common import (
    PathLike,
    actor_name,
    coordinate,
    passing_excerpts,
    plain_text,
    write_export,
)
from mapper.filters import OPEN, Filter

#: The columns of the CSV export, in order.
CSV_COLUMNS = (
    "article_title",
    "article_source",
    "sentence",
    "place",
    "place_id",
    "kind",
    "lat",
    "lon",
    "country",
    "mention_text",
    "mention_start",
    "mention_end",
    "actors",
    "event_types",
    "date",
    "date_from",
    "article_published",
    "outlet",
)
#: A cell starting with one of these is a formula to a spreadsheet (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str) -> str:
    """Text a spreadsheet shows as text: a leading "=", "+", "-" or "@" would make it a
    formula (a hostile article could run one), so such cells start with an apostrophe.

    The text is made plain (:func:`plain_text`) first, so a character left out cannot
    uncover a formula behind it.
    """
    value = plain_text(value)
    return "'" + value if value.startswith(_FORMULA_START) else value


def write_csv(
    path: PathLike, atlas: Atlas, where: Filter = OPEN, *, excel_bom: bool = False
) -> Path:
    """One row per place mention in the passing excerpts, columns :data:`CSV_COLUMNS`.

    Rows follow the articles, then the text. ``mention_start``/``mention_end`` index the
    article text (code points); ``actors`` and ``event_types`` are the sentence's,
    joined with "; ". ``date`` is the sentence's date (a TIMEX3 value: "2019-05-01",
    "2019-W18", "2019-05") and ``date_from`` where it came from ("sentence", or
    "article": the article's publication day), both empty when undated;
    ``article_published`` is the article's publication day (ISO), ``outlet`` its outlet,
    each empty when unknown. RFC 4180: comma-separated, CRLF between rows, fields with commas,
    quotes or line breaks quoted; UTF-8, with the byte-order mark Excel wants when
    ``excel_bom``. Text is made plain (:func:`plain_text`), and cells that a spreadsheet
    would take for a formula get a leading apostrophe. Returns the path written.
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    articles = {article.id: article for article in atlas.articles}
    for excerpt in passing_excerpts(atlas, where):
        actors = "; ".join(actor_name(atlas, a) for a in excerpt.actor_ids)
        types = "; ".join(excerpt.event_types)
        article = articles.get(excerpt.article_id)
        for highlight in excerpt.highlights:
            try:
                place = atlas.place(highlight.place_id)
            except KeyError:  # pragma: no cover -- the atlas indexes every highlight's place
                continue
            writer.writerow(
                [
                    _cell(excerpt.article_title),
                    _cell(article.source if article is not None else ""),
                    _cell(excerpt.text),
                    _cell(place.name),
                    plain_text(place.id),
                    plain_text(place.kind),
                    coordinate(place.lat),
                    coordinate(place.lon),
                    _cell(place.country),
                    _cell(excerpt.text[highlight.start : highlight.end]),
                    excerpt.start + highlight.start,
                    excerpt.start + highlight.end,
                    _cell(actors),
                    _cell(types),
                    plain_text(excerpt.date),
                    plain_text(excerpt.date_from),
                    plain_text((article.published or "") if article is not None else ""),
                    _cell(article.outlet if article is not None else ""),
                ]
            )
    encoding = "utf-8-sig" if excel_bom else "utf-8"
    return write_export(path, buffer.getvalue().encode(encoding))
