"""Reading articles from files: plain text, Markdown and HTML.

The text of an :class:`~mapper.types.Article` is the file's text *as read* —
decoded as UTF-8 with universal newlines, what ``open(path,
encoding="utf-8-sig").read()`` returns — so that every offset the pipeline reports
indexes that string. HTML is the exception by necessity: its text is the
readable article text extracted from the markup, and offsets index that text.

Every problem with a file raises :class:`SourceError` with a one-line message meant
for the user (file names in it pass through :func:`printable`); nothing else escapes
from :func:`read_article`.

Files can be hostile: only regular files are ever opened for reading (a named pipe
would block forever, ``/dev/zero`` never ends), reads stop at :data:`MAX_FILE_BYTES`
whatever the file system claims, and a folder import never follows a link out of
the folder (a link to ``~/.ssh/id_rsa`` must not end up in a shared project).
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from mapper.errors import DatelineError
from mapper.resources import seeds_dir
from mapper.store.safejson import RefusedFileError, read_regular_file
from mapper.time.published import dateline_agency, publication_date
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
#: Longest first line of a text file taken for a headline (longer: a paragraph).
_HEADLINE_MAX_WORDS = 20
#: Pages with less visible text than this are kept whole (no boilerplate removal).
_SHORT_PAGE_CHARS = 1500


class SourceError(DatelineError):
    """A file could not be read as an article; ``str(error)`` is a user-readable reason."""


#: Characters that must never reach a terminal or a label raw: C0 controls (newline,
#: escape), DEL, C1 controls, lone surrogates (undecodable bytes in a file name) and
#: the bidi controls that can make "gpj.txt" display as "txt.jpg".
_UNPRINTABLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\ud800-\udfff\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)
_SHORT_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _SHORT_ESCAPES:
        return _SHORT_ESCAPES[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` safe to show on one line: control, bidi and surrogate characters as escapes.

    A file name can contain a newline, a terminal escape sequence or a right-to-left
    override; shown raw, it could fake extra output lines, recolour or clear a
    terminal, or disguise its own extension. This returns the text with each such
    character replaced by a visible Python-style escape (``\\n``, ``\\x1b``,
    ``\\u202e``, ``\\udcff``); ordinary text, accents and scripts pass through.
    """
    return _UNPRINTABLE.sub(_escape, text)


def seed_paths() -> list[Path]:
    """The built-in sample article(s), shown when the app starts with no files."""
    return sorted(seeds_dir().glob("*.txt"))


@dataclass(frozen=True)
class SkippedFile:
    """A file a folder scan will not read, and why (``message`` names the file)."""

    path: Path
    message: str


@dataclass(frozen=True)
class FolderScan:
    """What a folder holds for Dateline.

    ``found`` are the files to pass to :func:`read_article`, which still refuses,
    with a reason, those that turn out not to be regular files (that is checked when
    the file is opened, since the folder may change in between). ``skipped`` are
    entries that must never be read — links leading out of the folder, sub-folders
    that cannot be listed — each with a one-line message for the user.
    """

    found: tuple[Path, ...]
    skipped: tuple[SkippedFile, ...]


def scan_folder(folder: Path) -> FolderScan:
    """Every supported file under a folder, recursively, in a stable order.

    Hidden files and folders (".git", ".DS_Store") are ignored; links to folders are
    not followed (a link loop must not hang an import), and a link to a file is kept
    only when the file is inside ``folder`` — anything else is in ``skipped``.
    """
    root = Path(os.path.realpath(folder))
    found: list[Path] = []
    skipped: list[SkippedFile] = []
    # An explicit stack, not os.walk: on Python 3.11 os.walk recurses, and a
    # thousand nested folders in an unpacked archive would raise RecursionError.
    pending = [folder]
    while pending:
        current = pending.pop()
        try:
            with os.scandir(current) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as error:
            reason = error.strerror or str(error)
            skipped.append(
                SkippedFile(
                    current, f"{printable(current.name)}: folder cannot be read ({reason}), skipped"
                )
            )
            continue
        subfolders: list[Path] = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = current / entry.name
            if _is_real_folder(entry):
                subfolders.append(path)
            elif Path(entry.name).suffix.lower() in SUPPORTED_SUFFIXES:
                if _links_outside(entry, path, root):
                    skipped.append(
                        SkippedFile(
                            path,
                            f"{printable(entry.name)}: a link to a "
                            "file outside the folder, skipped",
                        )
                    )
                else:
                    found.append(path)
        # Reversed onto the stack so sub-folders come out in name order, after the
        # files of their parent: the same order os.walk gave.
        pending.extend(reversed(subfolders))
    return FolderScan(found=tuple(found), skipped=tuple(skipped))


def _is_real_folder(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:  # vanished while listing: not a folder to walk
        return False


def _links_outside(entry: os.DirEntry[str], path: Path, root: Path) -> bool:
    """Whether ``entry`` is a link whose final target (all links resolved) is not under ``root``."""
    try:
        if not entry.is_symlink():
            return False
    except OSError:  # vanished while listing: read_article will say so
        return False
    return not Path(os.path.realpath(path)).is_relative_to(root)


def find_articles(folder: Path) -> list[Path]:
    """The files of :func:`scan_folder` to read; what it skips is left out silently."""
    return list(scan_folder(folder).found)


def scan_paths(paths: Sequence[Path]) -> FolderScan:
    """Files as given, folders replaced by what :func:`scan_folder` finds in them.

    A file named directly is kept even when it is a link to elsewhere: the user chose
    it. :func:`read_article` still refuses anything that is not a regular file.
    """
    found: list[Path] = []
    skipped: list[SkippedFile] = []
    for path in paths:
        if path.is_dir():
            scan = scan_folder(path)
            found.extend(scan.found)
            skipped.extend(scan.skipped)
        else:
            found.append(path)
    return FolderScan(found=tuple(found), skipped=tuple(skipped))


def expand_paths(paths: Sequence[Path]) -> list[Path]:
    """The files of :func:`scan_paths` to read; what it skips is left out silently."""
    return list(scan_paths(paths).found)


def article_id_for(text: str) -> str:
    """A stable id from the content, so the same article read twice is the same article."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def article_from_text(text: str, *, source: str = "", title: str | None = None) -> Article:
    """An article from text already in memory (pasted text, tests).

    Raises :class:`SourceError` when the text is longer than :data:`MAX_TEXT_CHARS`.
    """
    if len(text) > MAX_TEXT_CHARS:
        raise SourceError(
            f"{printable(source) or 'text'}: too long for one article "
            f"({len(text):,} characters; the limit is {MAX_TEXT_CHARS:,})"
        )
    return Article(
        id=article_id_for(text),
        title=title or title_from_text(text) or (Path(source).stem if source else "Untitled"),
        text=text,
        source=source,
    )


def read_article(path: Path) -> Article:
    """Read one article file; raises :class:`SourceError` with the reason if it cannot.

    Links are followed (a folder scan has already dropped those leading outside the
    folder), but only a regular file is read, and never more than
    :data:`MAX_FILE_BYTES`.
    """
    name = printable(path.name)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        kinds = ", ".join(SUPPORTED_SUFFIXES)
        raise SourceError(
            f"{name}: unsupported file type {printable(suffix) or '(none)'} (use {kinds})"
        )
    try:
        raw = _read_regular_file(path, name)
    except SourceError:
        raise
    except FileNotFoundError:
        if path.is_symlink():
            raise SourceError(f"{name}: a link to a file that does not exist") from None
        raise SourceError(f"{name}: file not found") from None
    except PermissionError:
        raise SourceError(f"{name}: permission denied") from None
    except OSError as error:
        raise SourceError(f"{name}: cannot be read ({error.strerror or error})") from None
    text = decode_text(raw, path.name)
    html: str | None = None
    page = PageFacts()
    if suffix in (".html", ".htm"):
        html = text
        title, text = html_to_text(html)
        page = page_facts(html)
    else:
        title = title_from_text(text)
    if not text.strip():
        raise SourceError(f"{name}: the file has no text")
    if len(text) > MAX_TEXT_CHARS:
        raise SourceError(
            f"{name}: too long for one article ({len(text):,} characters; the limit "
            f"is {MAX_TEXT_CHARS:,})"
        )
    try:
        modified: float | None = path.stat().st_mtime
    except OSError:
        modified = None
    published = publication_date(text, html=html, modified=modified)
    return Article(
        id=article_id_for(text),
        title=title or page.title or path.stem,
        text=text,
        source=str(path),
        published=published.date if published else None,
        published_source=published.source if published else "",
        outlet=page.outlet or (published.outlet if published else "") or dateline_agency(text),
        author=page.author,
        url=page.url,
    )


@dataclass(frozen=True)
class PageFacts:
    """What a web page says of itself: its site's name, author, address and title."""

    outlet: str = ""
    author: str = ""
    url: str = ""
    title: str = ""


def page_facts(html: str) -> PageFacts:
    """The page's own metadata (trafilatura's reading of its meta tags); empty if none."""
    import trafilatura  # heavy; only HTML needs it

    try:
        found = trafilatura.extract_metadata(html)
    except Exception:  # hostile markup must never stop reading the article
        return PageFacts()
    if found is None:
        return PageFacts()

    def field(name: str) -> str:
        value = getattr(found, name, None)
        return " ".join(value.split())[:_META_MAX_CHARS] if isinstance(value, str) else ""

    return PageFacts(field("sitename"), field("author"), field("url"), field("title"))


#: Longest outlet, author, address or title taken from a page's metadata.
_META_MAX_CHARS = 300


def _read_regular_file(path: Path, name: str) -> bytes:
    """The bytes of ``path`` (links followed) if it is a regular file of at most the
    limit (:func:`mapper.store.safejson.read_regular_file`); else :class:`SourceError`."""
    try:
        return read_regular_file(path, max_bytes=MAX_FILE_BYTES)
    except RefusedFileError as refused:
        if refused.kind is not None:
            raise SourceError(f"{name}: not a regular file ({refused.kind})") from None
        if refused.size is not None:
            raise SourceError(
                f"{name}: too large ({refused.size / 1e6:.1f} MB; "
                f"the limit is {MAX_FILE_BYTES / 1e6:.0f} MB per article)"
            ) from None
        raise SourceError(
            f"{name}: too large (over the limit of {MAX_FILE_BYTES / 1e6:.0f} MB per article)"
        ) from None


#: Byte order marks, longest first: the UTF-32-LE mark begins with the UTF-16-LE one.
_BYTE_ORDER_MARKS = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
    (b"\xef\xbb\xbf", "utf-8-sig"),
)


def decode_text(raw: bytes, name: str = "file") -> str:
    """Decode bytes as text, with universal newlines.

    UTF-32, UTF-16 or UTF-8 when the bytes begin with that byte order mark (the mark
    itself is dropped), else UTF-8, else Windows-1252. Text with NUL characters is
    refused as binary: it is what a mis-decoded or non-text file gives, and NUL cuts
    strings short in the display and in C libraries.
    """
    shown = printable(name)
    encoding = next((codec for mark, codec in _BYTE_ORDER_MARKS if raw.startswith(mark)), None)
    if encoding is not None:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            label = encoding.removesuffix("-sig").upper()
            raise SourceError(f"{shown}: not valid {label} text") from None
    else:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")
    if "\x00" in text:
        raise SourceError(f"{shown}: looks like a binary file, not text")
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


def has_headline(article: Article) -> bool:
    """Whether the article's title is a title of its own (a page's title, a headline
    line, one given), not just the start of its text or its file name.

    A plain text file's title is its first line (:func:`title_from_text`); that line is
    a headline when it is whole, short of a paragraph, and does not end a sentence
    ("Protesters clash with police in Caracas" over the story); it is not when it is the
    opening paragraph cut short, or the whole text.
    """
    title = article.title.strip()
    if not title or (article.source and title == Path(article.source).stem):
        return False
    if Path(article.source).suffix.lower() in (".html", ".htm"):
        return True  # from the page's <title> or metadata
    first = title_from_text(article.text)
    if title != first:
        return True  # given (pasted with a title, set by the user)
    lines = [line.strip() for line in article.text.splitlines() if line.strip()]
    if len(lines) < 2 or first.endswith("\u2026"):
        return False  # the whole text, or its first paragraph cut short
    if lines[0].startswith("#"):
        return True  # a Markdown heading
    return not first.endswith((".", ":", ";", ",")) and len(first.split()) <= _HEADLINE_MAX_WORDS


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
    _BLOCK = frozenset(
        {
            "p",
            "div",
            "br",
            "li",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "tr",
            "section",
            "article",
            "blockquote",
            "header",
            "footer",
        }
    )

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
