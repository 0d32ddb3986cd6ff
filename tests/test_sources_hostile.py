"""Hostile article files: pipes, devices, links out of the folder, odd encodings, odd names.

Each must give a one-line SourceError (or simply work) within seconds; a regression
must fail a test, not hang the suite, so blocking reads run under a time guard.
"""

from __future__ import annotations

import os
import re
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

import mapper.sources
from mapper.sources import (
    FolderScan,
    SkippedFile,
    SourceError,
    decode_text,
    expand_paths,
    find_articles,
    printable,
    read_article,
    scan_folder,
    scan_paths,
)

#: How long any single read may take before the test calls it a hang.
GUARD_SECONDS = 5.0

#: What must never appear raw in a message: C0/C1 controls, DEL, surrogates, bidi controls.
RAW_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")

ARTICLE = "Protests in Lima, Peru, drew thousands on Monday."

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")


def outcome_within(seconds: float, action: Callable[[], object]) -> object:
    """The result (or the exception) of ``action``, failing the test if it takes too long.

    The action runs in a daemon thread: if it blocks forever (the bug), the thread is
    abandoned and the test fails instead of hanging the whole run.
    """
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(action())
        except BaseException as error:  # handed back to the test to judge
            outcome.append(error)

    worker = threading.Thread(target=run, daemon=True)
    started = time.monotonic()
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"still running after {time.monotonic() - started:.1f} s"
    return outcome[0]


def refusal_within(seconds: float, path: Path) -> str:
    """The SourceError message of reading ``path``, which must come within ``seconds``."""
    result = outcome_within(seconds, lambda: read_article(path))
    assert isinstance(result, SourceError), f"expected a SourceError, got {result!r}"
    return str(result)


@contextmanager
def released_if_stuck(fifo: Path) -> Iterator[None]:
    """Let a reader blocked on ``fifo`` (an old, hanging build) go once the test is over."""
    try:
        yield
    finally:
        try:
            writer = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        except OSError:  # nobody is waiting on it: nothing to release
            pass
        else:
            os.close(writer)


# -- printable ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("evil\x1b[31mred\n.txt", "evil\\x1b[31mred\\n.txt"),
        ("tab\there\rback", "tab\\there\\rback"),
        ("nul\x00del\x7fc1\x85\x9b", "nul\\x00del\\x7fc1\\x85\\x9b"),
        ("invoice\u202etxt.exe", "invoice\\u202etxt.exe"),
        ("\u2066isolate\u2069 \u202aembed\u202c", "\\u2066isolate\\u2069 \\u202aembed\\u202c"),
        ("undecodable\udcff.txt", "undecodable\\udcff.txt"),
        ("line\u2028sep", "line\\u2028sep"),
    ],
)
def test_printable_escapes_what_a_terminal_or_label_would_act_on(raw: str, shown: str) -> None:
    assert printable(raw) == shown
    assert not RAW_CONTROL.search(printable(raw))


@pytest.mark.parametrize(
    "text",
    [
        "article.txt",
        "Protestas en Bogotá.md",
        "القاهرة.txt",
        "東京 report.html",
        "🔥.txt",
        "e\u0301 combining",
        "",
    ],
)
def test_printable_keeps_ordinary_text(text: str) -> None:
    assert printable(text) == text


# -- what kind of file -------------------------------------------------------------------


@needs_fifo
def test_a_named_pipe_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "b.txt"
    os.mkfifo(fifo)
    with released_if_stuck(fifo):
        message = refusal_within(GUARD_SECONDS, fifo)
    assert message == "b.txt: not a regular file (a named pipe)"


@needs_fifo
def test_a_named_pipe_in_a_folder_is_listed_then_refused(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    fifo = tmp_path / "b.txt"
    os.mkfifo(fifo)
    paths = outcome_within(GUARD_SECONDS, lambda: find_articles(tmp_path))
    # Listed, so that reading it reports why it is not imported.
    assert paths == [tmp_path / "a.txt", fifo]
    with released_if_stuck(fifo):
        assert "not a regular file (a named pipe)" in refusal_within(GUARD_SECONDS, fifo)


def test_a_link_to_dev_zero_named_directly_is_refused_at_once(tmp_path: Path) -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero here")
    link = tmp_path / "z.txt"
    link.symlink_to("/dev/zero")
    assert refusal_within(GUARD_SECONDS, link) == "z.txt: not a regular file (a device)"


def test_a_link_to_dev_zero_in_a_folder_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "z.txt").symlink_to("/dev/zero")
    scan = scan_folder(tmp_path)
    assert scan == FolderScan(
        found=(),
        skipped=(
            SkippedFile(tmp_path / "z.txt", "z.txt: a link to a file outside the folder, skipped"),
        ),
    )


def test_a_folder_named_like_an_article_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").mkdir()
    assert refusal_within(GUARD_SECONDS, tmp_path / "notes.txt") == (
        "notes.txt: not a regular file (a folder)"
    )


@pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="no /proc here")
def test_reads_are_bounded_whatever_the_size_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # /proc files say they are empty (st_size 0) yet have content, like a device
    # would; with a tiny limit, the content is over it and must be refused.
    link = tmp_path / "status.txt"
    link.symlink_to("/proc/self/status")
    assert Path("/proc/self/status").stat().st_size == 0
    monkeypatch.setattr(mapper.sources, "MAX_FILE_BYTES", 16)
    message = refusal_within(GUARD_SECONDS, link)
    assert message == "status.txt: too large (over the limit of 0 MB per article)"


def test_a_large_file_is_refused_by_its_size(tmp_path: Path) -> None:
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as handle:  # sparse: no disk used
        handle.truncate(mapper.sources.MAX_FILE_BYTES + 1)
    assert refusal_within(GUARD_SECONDS, huge) == (
        "huge.txt: too large (10.5 MB; the limit is 10 MB per article)"
    )


def test_permission_denied_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "secret.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    real_open = os.open

    def denied(name: str | os.PathLike[str], flags: int, *args: int, **kwargs: int) -> int:
        if Path(name) == path:
            raise PermissionError(13, "Permission denied", str(name))
        return real_open(name, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", denied)  # root can read anything; pretend
    with pytest.raises(SourceError, match=r"^secret\.txt: permission denied$"):
        read_article(path)


# -- links in a folder -------------------------------------------------------------------


@pytest.fixture
def outside(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A readable article in another folder: what a link must not smuggle into an import."""
    secret = tmp_path_factory.mktemp("elsewhere") / "private.txt"
    secret.write_text("Private notes from Quito.", encoding="utf-8")
    return secret


def test_a_link_out_of_the_folder_is_skipped_with_a_reason(tmp_path: Path, outside: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "shadow.txt").symlink_to(outside)
    scan = scan_folder(tmp_path)
    assert scan.found == (tmp_path / "a.txt",)
    assert scan.skipped == (
        SkippedFile(
            tmp_path / "sub" / "shadow.txt",
            "shadow.txt: a link to a file outside the folder, skipped",
        ),
    )
    # The old list-returning functions keep the link out too.
    assert find_articles(tmp_path) == [tmp_path / "a.txt"]
    assert expand_paths([tmp_path]) == [tmp_path / "a.txt"]
    assert scan_paths([tmp_path]) == scan


def test_a_relative_link_climbing_out_is_skipped(tmp_path: Path, outside: Path) -> None:
    folder = tmp_path / "import"
    folder.mkdir()
    (folder / "up.txt").symlink_to(os.path.relpath(outside, folder))
    assert (folder / "up.txt").read_text(encoding="utf-8")  # the link does work
    assert scan_folder(folder).found == ()
    assert [s.path for s in scan_folder(folder).skipped] == [folder / "up.txt"]


def test_a_link_to_a_file_inside_the_folder_is_read(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "lima.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "alias.txt").symlink_to("real/lima.txt")
    # Found through a link to a linked folder: still inside, still fine.
    (tmp_path / "shortcut").symlink_to("real", target_is_directory=True)
    (tmp_path / "via.txt").symlink_to(tmp_path / "shortcut" / "lima.txt")
    scan = scan_folder(tmp_path)
    assert scan.skipped == ()
    assert scan.found == (
        tmp_path / "alias.txt",
        tmp_path / "via.txt",
        tmp_path / "real" / "lima.txt",
    )
    assert {read_article(path).text for path in scan.found} == {ARTICLE}


def test_a_folder_reached_through_a_link_is_scanned_as_itself(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "lima.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "real" / "alias.txt").symlink_to("lima.txt")
    (tmp_path / "door").symlink_to("real", target_is_directory=True)
    scan = scan_folder(tmp_path / "door")
    assert scan.skipped == ()
    assert scan.found == (tmp_path / "door" / "alias.txt", tmp_path / "door" / "lima.txt")


def test_a_file_named_directly_may_be_a_link_anywhere(tmp_path: Path, outside: Path) -> None:
    link = tmp_path / "chosen.txt"
    link.symlink_to(outside)
    assert scan_paths([link]) == FolderScan(found=(link,), skipped=())
    assert read_article(link).text == "Private notes from Quito."


def test_a_broken_link_says_so(tmp_path: Path) -> None:
    (tmp_path / "gone.txt").symlink_to("missing.txt")
    assert find_articles(tmp_path) == [tmp_path / "gone.txt"]
    assert refusal_within(GUARD_SECONDS, tmp_path / "gone.txt") == (
        "gone.txt: a link to a file that does not exist"
    )


def test_link_loops_and_linked_folders_do_not_hang_a_scan(tmp_path: Path) -> None:
    (tmp_path / "loop.txt").symlink_to("loop.txt")
    (tmp_path / "self").symlink_to(".", target_is_directory=True)
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    scan = outcome_within(GUARD_SECONDS, lambda: scan_folder(tmp_path))
    assert isinstance(scan, FolderScan)
    assert scan.found == (tmp_path / "a.txt", tmp_path / "loop.txt")
    assert "loop.txt: cannot be read" in refusal_within(GUARD_SECONDS, tmp_path / "loop.txt")


def test_deeply_nested_folders_are_scanned(tmp_path: Path) -> None:
    # An unpacked archive can nest folders far deeper than Python's recursion limit.
    folders = [tmp_path / "d"]
    for _ in range(sys.getrecursionlimit() + 200):  # mkdir(parents=True) itself recurses
        folders.append(folders[-1] / "d")
    try:
        for folder in folders:
            folder.mkdir()
        (folders[-1] / "bottom.txt").write_text(ARTICLE, encoding="utf-8")
        assert find_articles(tmp_path) == [folders[-1] / "bottom.txt"]
    finally:
        # pytest removes old temporary folders with shutil.rmtree, which recurses:
        # left here, this tree would crash a later test session as it ends.
        (folders[-1] / "bottom.txt").unlink(missing_ok=True)
        for folder in reversed(folders):
            if folder.exists():
                folder.rmdir()


def test_an_unreadable_subfolder_is_reported(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    scan = scan_folder(tmp_path / "missing")
    assert scan.found == ()
    assert [s.message for s in scan.skipped] == [
        "missing: folder cannot be read (No such file or directory), skipped"
    ]


def test_hidden_and_unsupported_files_are_still_ignored(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "notes.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "two.md").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "a.TXT").write_text(ARTICLE, encoding="utf-8")
    assert find_articles(tmp_path) == [tmp_path / "a.TXT", tmp_path / "b" / "two.md"]


# -- encodings ---------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-32", "utf-32-le", "utf-32-be"])
def test_utf32_with_a_byte_order_mark_is_decoded(tmp_path: Path, encoding: str) -> None:
    text = "Protests in Kyiv — Київ — on Sunday.\nMore in Lviv."
    raw = text.encode(encoding)
    if encoding != "utf-32":  # the explicit-endian codecs write no mark; add the right one
        raw = "\ufeff".encode(encoding) + raw
    path = tmp_path / "utf32.txt"
    path.write_bytes(raw)
    assert read_article(path).text == text


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_with_a_byte_order_mark_is_still_decoded(encoding: str) -> None:
    raw = "\ufeff".encode(encoding) + "Marches in Quito.".encode(encoding)
    assert decode_text(raw, "utf16.txt") == "Marches in Quito."


def test_utf8_byte_order_mark_is_dropped(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + b"Lima, Peru\r\nProtests in Cusco.\r\n")
    article = read_article(path)
    assert article.text == "Lima, Peru\nProtests in Cusco.\n"
    assert article.title == "Lima, Peru"


def test_utf8_byte_order_mark_is_dropped_from_html(tmp_path: Path) -> None:
    path = tmp_path / "bom.html"
    path.write_bytes(b"\xef\xbb\xbf<title>Lima</title><p>Protests in Cusco.</p>")
    article = read_article(path)
    assert article.title == "Lima" and "\ufeff" not in article.text


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"A" * 10_000 + b"\x00" + b"B" * 100, "looks like a binary file, not text"),
        ("Kyiv\x00Lviv".encode("utf-16"), "looks like a binary file, not text"),
        ("Kyiv\x00Lviv".encode("utf-32"), "looks like a binary file, not text"),
        (b"\xff\xfe\x00\xd8A\x00", "not valid UTF-16 text"),  # a lone surrogate
        (b"\xff\xfe\x00\x00\x00\xd8\x00\x00", "not valid UTF-32 text"),
        (b"\xff\xfe\x00\x00A\x00\x00", "not valid UTF-32 text"),  # not a whole character
        (b"\xef\xbb\xbf\xff\xfe bad", "not valid UTF-8 text"),
    ],
)
def test_nul_characters_and_broken_encodings_are_refused(raw: bytes, reason: str) -> None:
    with pytest.raises(SourceError) as caught:
        decode_text(raw, "x.txt")
    assert str(caught.value) == f"x.txt: {reason}"


@pytest.mark.parametrize(
    "raw",
    [b"\xed\xa0\x80 lone surrogate in UTF-8", b"caf\xe9 \x81\x8d\x90", b"\xc3\x28 ok"],
)
def test_decoded_text_never_has_surrogates_or_nuls(raw: bytes) -> None:
    text = decode_text(raw, "x.txt")
    assert not re.search("[\x00\ud800-\udfff]", text)
    text.encode("utf-8")  # would raise on a surrogate


# -- names -------------------------------------------------------------------------------


def test_a_name_with_control_characters_is_escaped_in_messages(tmp_path: Path) -> None:
    path = tmp_path / "evil\x1b[31mred\n.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    message = refusal_within(GUARD_SECONDS, path)
    assert message == "evil\\x1b[31mred\\n.txt: looks like a binary file, not text"
    assert not RAW_CONTROL.search(message)


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("a\u202etxt.exe", b"", "unsupported file type"),
        ("b\x07\x9b.txt", b"  ", "the file has no text"),
        ("c\r.txt", None, "file not found"),
        (os.fsdecode(b"d\xff\xfe.txt"), b"\xff\xfe\x00", "not valid UTF-16 text"),
    ],
)
def test_every_message_escapes_the_name(
    tmp_path: Path, name: str, content: bytes | None, reason: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    message = refusal_within(GUARD_SECONDS, path)
    assert message.startswith(f"{printable(name)}: {reason}")
    assert not RAW_CONTROL.search(message)


def test_an_escaped_name_is_escaped_when_skipped(tmp_path: Path, outside: Path) -> None:
    (tmp_path / "x\n\x1b]0;owned\x07.txt").symlink_to(outside)
    (skipped,) = scan_folder(tmp_path).skipped
    assert skipped.message == (
        "x\\n\\x1b]0;owned\\x07.txt: a link to a file outside the folder, skipped"
    )


def test_suffix_in_the_message_is_escaped(tmp_path: Path) -> None:
    path = tmp_path / "notes.do\x1bcx"
    path.write_bytes(b"PK")
    message = refusal_within(GUARD_SECONDS, path)
    assert "unsupported file type .do\\x1bcx" in message
    assert not RAW_CONTROL.search(message)
