"""The one atomic writer: whole or nothing, the temporary file always removed."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import BinaryIO

import pytest

from mapper.store import atomic
from mapper.store.atomic import PRIVATE, write_atomically


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_bytes_and_a_streaming_writer_are_written_whole(tmp_path: Path) -> None:
    target = tmp_path / "out.bin"
    assert write_atomically(target, b"one") == target
    assert target.read_bytes() == b"one"

    def stream(handle: BinaryIO) -> None:
        handle.write(b"two, ")
        handle.write(b"in pieces")

    write_atomically(str(target), stream)
    assert target.read_bytes() == b"two, in pieces"
    assert [p.name for p in tmp_path.iterdir()] == ["out.bin"]


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_files_get_the_usual_permissions_or_private_ones(tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        write_atomically(tmp_path / "usual", b"x")
        write_atomically(tmp_path / "private", b"x", mode=PRIVATE)
    finally:
        os.umask(previous)
    assert _mode(tmp_path / "usual") == 0o644
    assert _mode(tmp_path / "private") == 0o600


def test_a_failure_leaves_the_old_file_and_no_temporary_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.bin"
    target.write_bytes(b"old")

    def full(_descriptor: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(atomic.os, "fsync", full)
    with pytest.raises(OSError, match="No space left"):
        write_atomically(target, b"new")
    monkeypatch.undo()

    def broken(handle: BinaryIO) -> None:
        handle.write(b"half")
        raise RuntimeError("the writer failed")

    with pytest.raises(RuntimeError):
        write_atomically(target, broken)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.bin"]


def test_no_folder_is_an_os_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        write_atomically(tmp_path / "missing" / "out.bin", b"x")
