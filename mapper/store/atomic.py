"""Writing a file whole or not at all: the one atomic writer of the package.

Exports, projects and corrections are all written the same way: to a temporary file
beside the target (``.NAME.RANDOM.part``, so a rename never crosses file systems),
flushed and synced, then renamed over the target. When anything fails the temporary
file is removed and a file already at the target is left as it was. Callers turn the
:class:`OSError` into their own message for the user.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

__all__ = ["PRIVATE", "USUAL", "write_atomically"]

#: The usual permissions of a new file (less the umask): a document anyone may read.
USUAL = 0o666
#: Owner only (less the umask), as ``tempfile.mkstemp`` makes them: the user's own data.
PRIVATE = 0o600


def write_atomically(
    path: str | os.PathLike[str],
    data: bytes | Callable[[BinaryIO], None],
    *,
    mode: int = USUAL,
) -> Path:
    """Write ``data`` to ``path`` whole, or not at all; returns the path written.

    ``data`` is the bytes, or a function that writes them to the binary file it is given
    (to stream, say through gzip). The file is created with ``mode`` less the umask
    (:data:`USUAL` by default, unlike ``mkstemp``'s owner-only 0600). Raises
    :class:`OSError` (no such folder, no permission, a full disk…) after removing the
    temporary file; any other exception from ``data`` is raised after the same.
    """
    target = Path(path)
    temporary = target.parent / f".{target.name}.{secrets.token_hex(4)}.part"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    opened = os.open(temporary, flags, mode)
    descriptor: int | None = opened
    try:
        with os.fdopen(opened, "wb") as handle:
            descriptor = None  # the handle closes it, even when a write fails
            if isinstance(data, bytes):
                handle.write(data)
            else:
                data(handle)
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(target)
    except BaseException:
        if descriptor is not None:
            with contextlib.suppress(OSError):
                os.close(descriptor)
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    return target
