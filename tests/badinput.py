"""A corpus of bad and awkward inputs, generated on demand (no binaries in the repo)."""

from __future__ import annotations

import os
from pathlib import Path

HOSTILE_HTML = """<html><head><title>Breaking: <script>window.__pwned=1</script></title></head>
<body><p>Protests in Caracas <script>window.__pwned=2</script> spread.</p>
<p><img src=x onerror="window.__pwned=3"> Officials in Lima met.</p>
<p><a href="javascript:window.__pwned=4">Quito</a> said talks would resume.</p></body></html>"""


#: name -> (content, expected outcome: None = maps fine, else a phrase of the error)
def make_corpus(folder: Path) -> dict[str, str | None]:
    """Write the corpus into ``folder``; returns what each file should give."""
    folder.mkdir(parents=True, exist_ok=True)
    expected: dict[str, str | None] = {}

    def put(name: str, data: bytes, outcome: str | None) -> None:
        (folder / name).write_bytes(data)
        expected[name] = outcome

    put("empty.txt", b"", "the file has no text")
    put("blank.txt", b"  \n\t\n  ", "the file has no text")
    put("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "looks like a binary file")
    with (folder / "huge.txt").open("wb") as handle:  # 50 MB, sparse: refused by its size
        handle.truncate(50 * 1024 * 1024)
    expected["huge.txt"] = "too large"
    put("latin1.txt", "Manifestation à Bogotá et à Québec.".encode("latin-1"), None)
    put("utf16.txt", "Protests in Kyiv and Lviv on Sunday.".encode("utf-16"), None)
    put("hostile.html", HOSTILE_HTML.encode(), None)
    put(
        "scripts.txt",
        (
            "مظاهرات في القاهرة. הפגנות בתל אביב. 🔥 Protests in Cairo 🇪🇬. "
            "Zoë met Ünal in Zürich; e\u0301\u0301 combining."
        ).encode(),
        None,
    )
    cities = ["Lima", "Quito", "Paris", "Lyon", "Madrid", "Berlin", "Cairo", "Dakar"]
    put(
        "thousand_places.txt",
        " ".join(f"Troops moved through {cities[i % len(cities)]}." for i in range(1000)).encode(),
        None,
    )
    put(
        "long_sentence.txt",
        ("Protesters marched in Caracas " + "and kept marching " * 1200 + "until dawn.").encode(),
        None,
    )
    same = b"Thousands rallied in Havana on Monday."
    put("duplicate_a.txt", same, None)
    put("duplicate_b.txt", same, None)
    put("notes.pdf", b"%PDF-1.4", "unsupported file type")
    # Byte order marks: UTF-32's begins with UTF-16's; UTF-8's must not stay in the text.
    put("utf32.txt", "Marches in Odesa and Kharkiv on Friday.".encode("utf-32"), None)
    put("utf8_bom.txt", b"\xef\xbb\xbfRallies in Dakar on Tuesday.", None)
    if hasattr(os, "mkfifo"):  # reading a named pipe would wait for a writer forever
        os.mkfifo(folder / "pipe.txt")
        expected["pipe.txt"] = "not a regular file (a named pipe)"
    return expected
