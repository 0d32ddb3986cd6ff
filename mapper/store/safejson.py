"""Reading JSON that anyone may have written, within bounds.

The standard library's parser trusts its input: a 100,000-deep ``[[[…]]]``
raises ``RecursionError``, a 5,000-digit integer ``ValueError`` (or, below
Python's own limit, costs quadratic time), ``1e999`` becomes infinity and
``NaN`` is accepted. Files the user opens (projects, corrections) are read here
instead: every problem, whatever it is, is one :class:`JsonLimitError` with a
message for the user, and no input costs more than time and memory in
proportion to its size.
"""

from __future__ import annotations

import json
import math
import os
import re
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mapper.errors import DatelineError

#: The bytes the depth scan keeps: string quotes and brackets.
_STRUCTURE = b'"[]{}'
_NOT_STRUCTURE = bytes(byte for byte in range(256) if byte not in _STRUCTURE)
#: Every digit as "1" (any other byte is not a "1"): a run of ones is a run of digits.
_DIGITS_AS_ONES = bytes.maketrans(b"0123456789", b"1" * 10)
#: What is not read, as the user would name it.
_FILE_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)
#: Never block on open (a named pipe swapped in after the check would wait for a
#: writer forever), never adopt a terminal, never leak the descriptor to a child.
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class JsonLimitError(DatelineError, ValueError):
    """Input that is not JSON, or passes one of the reader's bounds; ``str(error)`` says which."""


class RefusedFileError(DatelineError):
    """A file :func:`read_regular_file` does not read: ``kind`` names what it is instead
    of a regular file ("a named pipe"), or ``None`` when it is too large; ``size`` is its
    size when known before reading."""

    def __init__(self, kind: str | None, size: int | None = None) -> None:
        super().__init__(kind or "too large")
        self.kind = kind
        self.size = size


def read_regular_file(path: Path, *, max_bytes: int) -> bytes:
    """The bytes of a regular file (links followed) of at most ``max_bytes``.

    Raises :class:`RefusedFileError` for anything but a regular file (a pipe would block
    the reader forever, a device never end) and for a larger file, without reading more
    than ``max_bytes + 1`` bytes; :class:`OSError` when the file cannot be opened or read
    (``FileNotFoundError`` when there is none).

    Checked twice: ``stat`` before opening, because merely opening some devices does
    something (a tape rewinds, a watchdog starts); ``fstat`` of what was opened, because
    the name may point elsewhere by then. The read itself is bounded, since ``st_size``
    is 0 for /proc files and may be a lie on odd file systems.
    """
    _refuse_unless_regular(path.stat())
    descriptor = os.open(path, _OPEN_FLAGS)
    with os.fdopen(descriptor, "rb") as stream:
        status = os.fstat(stream.fileno())
        _refuse_unless_regular(status)
        if status.st_size > max_bytes:
            raise RefusedFileError(None, status.st_size)
        data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise RefusedFileError(None)
    return data


def _refuse_unless_regular(status: os.stat_result) -> None:
    if not stat.S_ISREG(status.st_mode):
        kind = next(
            (kind for is_kind, kind in _FILE_KINDS if is_kind(status.st_mode)), "a special file"
        )
        raise RefusedFileError(kind)


def read_bounded(path: Path, *, max_bytes: int) -> bytes:
    """The bytes of a regular file (links followed) of at most ``max_bytes``
    (:func:`read_regular_file`).

    Raises :class:`JsonLimitError` for anything but a regular file ("not a regular file
    (a named pipe)") and for a larger file; :class:`OSError` when the file cannot be
    opened or read (``FileNotFoundError`` when there is none).
    """
    try:
        return read_regular_file(path, max_bytes=max_bytes)
    except RefusedFileError as refused:
        if refused.kind is not None:
            raise JsonLimitError(f"not a regular file ({refused.kind})") from None
        raise JsonLimitError(f"too large (more than {_size(max_bytes)})") from None


def loads_bounded(
    data: bytes | str,
    *,
    max_depth: int,
    max_int_digits: int,
    max_bytes: int | None = None,
    allow_nonfinite: bool = False,
) -> Any:
    """Parse JSON text, refusing what passes a bound.

    ``max_depth``: most levels of nested arrays and objects (checked before
    parsing, without recursion). ``max_int_digits``: longest integer. ``max_bytes``:
    longest input (UTF-8 bytes). ``allow_nonfinite``: whether ``NaN``, ``Infinity``
    and numbers too large for a float (``1e999``) are accepted (as ``nan``/``inf``;
    the caller must then check the numbers it uses). Bytes must be UTF-8 (a BOM is
    allowed). Raises :class:`JsonLimitError` and nothing else.
    """
    try:
        raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else bytes(data)
        if max_bytes is not None and len(raw) > max_bytes:
            raise JsonLimitError(f"too large (more than {_size(max_bytes)})")
        if raw.startswith(b"\xef\xbb\xbf"):  # a BOM, as some editors write
            raw = raw[3:]
        _check_depth(raw, max_depth)
        # Checking each integer costs a Python call per number (a third more parsing
        # time for a project); only input with a long enough run of digits needs it.
        long_digit_run = b"1" * (max_int_digits + 1) in raw.translate(_DIGITS_AS_ONES)
        try:
            # surrogatepass: as json.loads does with bytes; lone surrogates are then the
            # caller's to replace (without_lone_surrogates).
            text = raw.decode("utf-8", "surrogatepass")
        except UnicodeDecodeError:
            raise JsonLimitError("not UTF-8 text") from None
        del raw
        return json.loads(
            text,
            parse_int=_int_parser(max_int_digits) if long_digit_run else int,
            parse_float=float if allow_nonfinite else _finite_float,
            parse_constant=float if allow_nonfinite else _no_constant,
        )
    except JsonLimitError:
        raise
    except json.JSONDecodeError as error:
        raise JsonLimitError(
            f"not valid JSON ({error.msg}: line {error.lineno}, column {error.colno})"
        ) from None
    except RecursionError:
        raise JsonLimitError("nested too deeply") from None
    except MemoryError:
        raise JsonLimitError("too large for the memory available") from None
    except ValueError as error:  # int() past Python's own digit limit, and the like
        raise JsonLimitError(f"not valid JSON ({error})") from None


def without_lone_surrogates(text: str) -> str:
    """``text`` with each lone surrogate (JSON ``"\\ud800"``) replaced by U+FFFD.

    Such a string cannot be encoded as UTF-8: kept, it would stop the first save or
    analysis that meets it. One character for one, so offsets into the text still hold.
    """
    if text.isascii() or not _LONE_SURROGATE.search(text):
        return text
    return _LONE_SURROGATE.sub("\ufffd", text)


def _check_depth(raw: bytes, max_depth: int) -> None:
    """Refuse JSON nested more than ``max_depth`` deep, in a few passes of C-speed scans.

    What remains once escapes and every byte but quotes and brackets are gone is
    the structure, plus the brackets written inside strings; the text between a
    quote and the next is string content, so dropping every other piece leaves the
    structure alone (valid UTF-8 never has these bytes inside a multi-byte
    character). Each pass then removes the innermost pairs, one level of nesting:
    JSON ``max_depth`` deep is gone after ``max_depth`` passes.
    """
    # Escaped backslashes first (so "\\" before a quote does not escape it), then
    # escaped quotes; any other escape leaves a lone backslash, dropped with the rest.
    structure = raw.replace(b"\\\\", b"").replace(b'\\"', b"").translate(None, _NOT_STRUCTURE)
    # Adjacent quotes are an empty string, or two strings joined into one: either way
    # what lies between the remaining quotes is still string content. Fewer pieces.
    structure = structure.replace(b'""', b"")
    if b'"' in structure:
        structure = b"".join(structure.split(b'"')[0::2])
    structure = structure.replace(b"{", b"[").replace(b"}", b"]")
    for _level in range(max_depth):
        if b"[]" not in structure:
            break
        structure = structure.replace(b"[]", b"")
    # Pairs left after max_depth passes: deeper. No pairs left but brackets: they do not
    # match, which the parser reports with its position, unless more than max_depth are
    # open (a lone "[[[[…" would take the parser's recursion that deep).
    if b"[]" in structure or structure.count(b"[") > max_depth:
        raise JsonLimitError(f"nested more than {max_depth} levels deep")


def _int_parser(max_digits: int) -> Callable[[str], int]:
    def parse_int(literal: str) -> int:
        if len(literal) - literal.startswith("-") > max_digits:
            raise JsonLimitError(f"a number with more than {max_digits} digits")
        return int(literal)

    return parse_int


def _finite_float(literal: str) -> float:
    value = float(literal)
    if not math.isfinite(value):
        raise JsonLimitError(f"a number too large ({literal[:20]}…)")
    return value


def _no_constant(name: str) -> float:
    raise JsonLimitError(f"{name} is not a number JSON allows")


def _size(count: int) -> str:
    return f"{count / (1 << 20):,.0f} MB" if count >= 1 << 20 else f"{count:,} bytes"
