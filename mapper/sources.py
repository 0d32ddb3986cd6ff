"""Reading articles from files: plain text, Markdown and HTML.

The text of an :class:`~mapper.types.Article` is the file's text *as read* —
decoded as UTF-8 with universal newlines, exactly what ``open(path,
encoding="utf-8").read()`` returns — so that every offset the pipeline reports
indexes that string. HTML is the exception by necessity: its text is the
readable article text extracted from the markup, and offsets index that text.

Every problem with a file raises :class:`SourceError` with a message meant for
the user; nothing else escapes from :func:`read_article`.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Sequence
from html.parser import HTMLParser
from pathlib import Path

from mapper.resources import seeds_dir
from mapper.types import Article

#: File types Dateline opens, by suffix (lower case).
SUPPORTED_SUFFIXES: tuple[str, ...] = (".txt", ".md", ".html", ".htm")

#: Files larger than this are refused: a news article is a few tens of kilobytes,
#: a long web page a few megabytes of markup.
MAX_FILE_BYTES = 10 * 1024 * 1024
#: Articles longer than this (characters, after HTML is reduced to text) are refused:
#: a long feature is ~50,000; beyond this the language model needs gigabytes.
MAX_TEXT_CHARS = 1_000_000

_TITLE_MAX_CHARS = 120
#: Pages with less visible text than this are kept whole (no boilerplate removal).
_SHORT_PAGE_CHARS = 1500


class SourceError(Exception):
    """A file could not be read as an article; ``str(error)`` is a user-readable reason."""


def seed_paths() -> list[Path]:
    """The built-in sample article(s), shown when the app starts with no files."""
    return sorted(seeds_dir().glob("*.txt"))


def find_articles(folder: Path) -> list[Path]:
    """Every supported file under a folder, recursively, in a stable order.

    Hidden files and folders (".git", ".DS_Store") are skipped; symbolic links
    to folders are not followed (a link loop must not hang an import).
    """
    found: list[Path] = []
    for root, folders, files in os.walk(folder, followlinks=False):
        folders[:] = sorted(d for d in folders if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith(".") and Path(name).suffix.lower() in SUPPORTED_SUFFIXES:
                found.append(Path(root) / name)
    return found


def expand_paths(paths: Sequence[Path]) -> list[Path]:
    """Files as given, folders replaced by the supported files inside them."""
    expanded: list[Path] = []
    for path in paths:
        expanded.extend(find_articles(path) if path.is_dir() else [path])
    return expanded


def article_id_for(text: str) -> str:
    """A stable id from the content, so the same article read twice is the same article."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def article_from_text(text: str, *, source: str = "", title: str | None = None) -> Article:
    """An article from text already in memory (pasted text, tests).

    Raises :class:`SourceError` when the text is longer than :data:`MAX_TEXT_CHARS`.
    """
    if len(text) > MAX_TEXT_CHARS:
        raise SourceError(f"{source or 'text'}: too long for one article "
                          f"({len(text):,} characters; the limit is {MAX_TEXT_CHARS:,})")
    return Article(
        id=article_id_for(text),
        title=title or title_from_text(text) or (Path(source).stem if source else "Untitled"),
        text=text,
        source=source,
    )


def read_article(path: Path) -> Article:
    """Read one article file; raises :class:`SourceError` with the reason if it cannot."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        kinds = ", ".join(SUPPORTED_SUFFIXES)
        raise SourceError(f"{path.name}: unsupported file type {suffix or '(none)'} (use {kinds})")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise SourceError(
                f"{path.name}: too large ({size / 1e6:.1f} MB; the limit is "
                f"{MAX_FILE_BYTES / 1e6:.0f} MB per article)"
            )
        raw = path.read_bytes()
    except SourceError:
        raise
    except FileNotFoundError:
        raise SourceError(f"{path.name}: file not found") from None
    except PermissionError:
        raise SourceError(f"{path.name}: permission denied") from None
    except OSError as error:
        raise SourceError(f"{path.name}: cannot be read ({error.strerror or error})") from None
    text = decode_text(raw, path.name)
    if suffix in (".html", ".htm"):
        title, text = html_to_text(text)
    else:
        title = title_from_text(text)
    if not text.strip():
        raise SourceError(f"{path.name}: the file has no text")
    if len(text) > MAX_TEXT_CHARS:
        raise SourceError(
            f"{path.name}: too long for one article ({len(text):,} characters; the limit "
            f"is {MAX_TEXT_CHARS:,})"
        )
    return Article(
        id=article_id_for(text),
        title=title or path.stem,
        text=text,
        source=str(path),
    )


def decode_text(raw: bytes, name: str = "file") -> str:
    """Decode bytes as UTF-8 (or UTF-16 with a BOM, or Windows-1252), with universal newlines."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError:
            raise SourceError(f"{name}: not valid UTF-16 text") from None
    else:
        if b"\x00" in raw[:8192]:
            raise SourceError(f"{name}: looks like a binary file, not text")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")
    # What open(..., encoding=...) would return: universal newlines.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def title_from_text(text: str) -> str:
    """A title for plain text: the first line, shortened at a word boundary if long."""
    for line in text.splitlines():
        line = line.strip().lstrip("#").strip()
        if line:
            if len(line) <= _TITLE_MAX_CHARS:
                return line
            cut = line[:_TITLE_MAX_CHARS].rsplit(" ", 1)[0]
            return cut.rstrip(",;:") + "…"
    return ""


def html_to_text(html: str) -> tuple[str, str]:
    """(title, readable text) of an HTML page: the main article text, without markup."""
    import trafilatura

    title = _HTMLTitle.extract(html)
    plain = _PlainText.extract(html)
    if len(plain) < _SHORT_PAGE_CHARS:
        # Nothing to strip on a short page, and trafilatura's fallback for short
        # pages splits lines at inline tags ("marched in\nLima\n, Peru").
        return title, plain
    try:
        text = trafilatura.extract(html, include_comments=False, include_tables=False) or ""
    except Exception:  # hostile markup must never stop us; fall back below
        text = ""
    if len(text) < 0.2 * len(plain):
        # trafilatura keeps only what looks like the main article; on unusual
        # pages that can be nothing at all, so keep all the visible text.
        text = plain
    return title, text


class _HTMLTitle(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._inside = False
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._inside = tag == "title"

    def handle_endtag(self, tag: str) -> None:
        self._inside = False

    def handle_data(self, data: str) -> None:
        if self._inside:
            self.parts.append(data)

    @classmethod
    def extract(cls, html: str) -> str:
        parser = cls()
        parser.feed(html)
        return " ".join(" ".join(parser.parts).split())


class _PlainText(HTMLParser):
    """All visible text, one block element per paragraph; scripts and styles dropped."""

    _SKIP = frozenset({"script", "style", "noscript", "template", "head", "svg"})
    _BLOCK = frozenset({"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6",
                        "tr", "section", "article", "blockquote", "header", "footer"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._skip_depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skip_depth += 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP and self._skip_depth:
            self._skip_depth -= 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip_depth:
            self.parts.append(data)

    @classmethod
    def extract(cls, html: str) -> str:
        parser = cls()
        parser.feed(html)
        lines = (" ".join(line.split()) for line in "".join(parser.parts).split("\n"))
        return re.sub(r"\n{3,}", "\n\n", "\n\n".join(line for line in lines if line)).strip()
