"""Publication dates: from the page, a dateline, the text itself, the file; never today."""

from __future__ import annotations

import datetime
from pathlib import Path

from mapper.sources import seed_paths
from mapper.time.published import (
    FROM_DATELINE,
    FROM_FILE,
    FROM_HTML,
    FROM_INFERENCE,
    dateline_agency,
    from_dateline,
    from_html,
    inferred_from_text,
    publication_date,
)


def test_the_seed_was_published_the_thursday_after_its_captions() -> None:
    """Its captions say "May 1, 2019" (a Wednesday); it says "clung to power Thursday"."""
    text = seed_paths()[0].read_text(encoding="utf-8")
    published = publication_date(text)
    assert published is not None
    assert (published.date, published.source) == ("2019-05-02", FROM_INFERENCE)
    assert published.uncertain


def test_a_dateline_gives_the_date_and_the_agency() -> None:
    published = from_dateline("CARACAS, Venezuela (AP) — May 1, 2019 — Protesters marched.")
    assert published is not None
    assert (published.date, published.source, published.outlet) == (
        "2019-05-01",
        FROM_DATELINE,
        "AP",
    )


def test_bylines_and_published_lines() -> None:
    for head in (
        "A title\nPublished 3 May 2019\nText follows.",
        "A title\nBy Jane Doe | May 3, 2019\nText follows.",
        "A title\nUpdated: May 3, 2019 10:30 AM\nText.",
    ):
        published = from_dateline(head)
        assert published is not None and published.date == "2019-05-03", head


def test_a_date_deep_in_the_text_is_no_dateline() -> None:
    text = "Protesters marched.\n" + "They kept marching. " * 60 + "\nPublished 3 May 2019"
    assert from_dateline(text) is None


def test_html_metadata_comes_first() -> None:
    html = (
        '<html><head><meta property="article:published_time" content="2019-05-02T10:00:00Z">'
        "</head><body><p>CARACAS (AP) — May 1, 2019 — Protests.</p></body></html>"
    )
    published = from_html(html)
    assert published is not None and (published.date, published.source) == ("2019-05-02", FROM_HTML)
    text = "CARACAS (AP) — May 1, 2019 — Protests."
    assert publication_date(text, html=html) == published


def test_the_file_date_is_the_last_resort_and_uncertain(tmp_path: Path) -> None:
    modified = datetime.datetime(2020, 3, 4, 12, tzinfo=datetime.UTC).timestamp()
    published = publication_date("Protesters marched in Lima.", modified=modified)
    assert published is not None
    assert (published.date, published.source, published.uncertain) == (
        "2020-03-04",
        FROM_FILE,
        True,
    )


def test_unknown_stays_unknown() -> None:
    assert publication_date("Protesters marched in Lima on Tuesday.") is None
    assert inferred_from_text("No dates at all.") is None


def test_abbreviated_months_in_bylines_and_the_agency_of_an_undated_dateline() -> None:
    """Seen on articles written for the check: "By Jane Miller | Oct 3, 2023" was missed."""
    published = from_dateline("A title\n\nBy Jane Miller | Oct 3, 2023\n\nATHENS, Ga. — Police")
    assert published is not None and published.date == "2023-10-03"
    assert dateline_agency("Title\n\nKYIV, Ukraine (AP) — Russian drones struck.") == "AP"
    assert dateline_agency("Title\n\nLONDON (Reuters) - Markets fell.") == "Reuters"
    assert dateline_agency("Title\n\nPolice (officers) — said.") == ""
