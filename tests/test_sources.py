"""Reading article files: what is kept, what is refused, and the messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from mapper.sources import SourceError, read_article, seed_paths


def test_seed_is_read_exactly_as_open_reads_it() -> None:
    (seed,) = seed_paths()
    article = read_article(seed)
    assert article.text == seed.read_text(encoding="utf-8")
    assert article.title.startswith("Venezuela’s socialist President Nicolas Maduro")


def test_windows_newlines_read_like_open(tmp_path: Path) -> None:
    path = tmp_path / "crlf.txt"
    path.write_bytes(b"Lima, Peru\r\nProtests in Cusco.\r\n")
    assert read_article(path).text == path.read_text(encoding="utf-8")


def test_html_is_reduced_to_its_readable_text(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(
        "<html><head><title>Protests in Lima</title><script>var x = 'Paris';</script></head>"
        "<body><nav>Home</nav><p>Thousands marched in <b>Lima</b>, Peru, on Monday.</p>"
        "</body></html>",
        encoding="utf-8",
    )
    article = read_article(path)
    assert article.title == "Protests in Lima"
    assert "Thousands marched in Lima, Peru, on Monday." in article.text
    assert "<b>" not in article.text and "var x" not in article.text


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR", "binary"),
        ("empty.txt", b"   \n\t", "no text"),
        ("notes.docx", b"PK\x03\x04", "unsupported file type"),
    ],
)
def test_bad_files_are_refused_with_a_reason(
    tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(SourceError, match=reason) as caught:
        read_article(path)
    assert name in str(caught.value)


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="not found"):
        read_article(tmp_path / "gone.txt")


def test_latin1_and_utf16_text_is_decoded(tmp_path: Path) -> None:
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Protestas en Bogotá".encode("latin-1"))
    assert read_article(latin).text == "Protestas en Bogotá"
    utf16 = tmp_path / "utf16.txt"
    utf16.write_bytes("Protests in Kyiv".encode("utf-16"))
    assert read_article(utf16).text == "Protests in Kyiv"
