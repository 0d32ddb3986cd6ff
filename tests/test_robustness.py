"""Hostile and broken input: clear messages, never a traceback, nothing runs, nothing leaks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from badinput import HOSTILE_HTML, make_corpus
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mapper.cli.jsonl import analysis_to_json
from mapper.geo.corrections import Corrections
from mapper.pipeline import Pipeline
from mapper.sources import SourceError, decode_text, html_to_text, read_article

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def blank() -> Pipeline:
    return Pipeline.blank(corrections=Corrections())


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mapper", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=ROOT,
        env=env,
    )


def test_bad_input_corpus_through_the_cli(tmp_path: Path) -> None:
    expected = make_corpus(tmp_path / "corpus")
    missing = tmp_path / "corpus" / "deleted.txt"  # named, then gone before reading
    paths = sorted((tmp_path / "corpus").iterdir())
    result = run_cli("extract", "--no-model", "--no-cache", *map(str, paths), str(missing))
    assert result.returncode == 1
    errors = result.stderr.strip().splitlines()
    assert "Traceback" not in result.stderr
    failing = {name: why for name, why in expected.items() if why} | {
        "deleted.txt": "file not found"
    }
    assert len(errors) == len(failing)  # one line per bad file, nothing else
    for name, why in failing.items():
        (line,) = [e for e in errors if e.startswith(f"dateline: {name}:")]
        assert why in line
    records = [json.loads(line) for line in result.stdout.splitlines()]
    mapped = {Path(r["source"]).name for r in records}
    assert mapped == {name for name, why in expected.items() if why is None}
    by_name = {Path(r["source"]).name: r for r in records}
    assert {p["name"] for p in by_name["latin1.txt"]["places"]} >= {"Bogotá"}
    assert {p["name"] for p in by_name["utf16.txt"]["places"]} >= {"Kyiv"}
    assert by_name["duplicate_a.txt"]["places"] == by_name["duplicate_b.txt"]["places"]
    hostile = read_article(tmp_path / "corpus" / "hostile.html")
    assert "__pwned" not in hostile.text and "<script" not in hostile.text
    for record in records:  # every offset indexes the text as read
        path = tmp_path / "corpus" / Path(record["source"]).name
        text = read_article(path).text
        for place in record["places"]:
            for mention in place["mentions"]:
                assert text[mention["start"] : mention["end"]] == mention["text"]


def test_unreadable_file_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "secret.txt"
    path.write_text("Protests in Lima.", encoding="utf-8")

    real_open = os.open

    def denied(name: str, flags: int, *args: object, **kwargs: object) -> int:
        if Path(name) == path:
            raise PermissionError(13, "Permission denied", str(name))
        return real_open(name, flags, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", denied)  # root can read anything; pretend
    with pytest.raises(SourceError, match=r"secret\.txt: permission denied"):
        read_article(path)


def test_too_long_text_is_refused_with_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_text("Lima. " * 200_000, encoding="utf-8")  # 1.2 M characters, 1.2 MB
    with pytest.raises(SourceError, match=r"too long for one article \(1,200,000 characters"):
        read_article(path)


def test_many_places_are_bounded(blank: Pipeline) -> None:
    from mapper.pipeline import MAX_PLACE_MENTIONS
    from mapper.sources import article_from_text

    text = "Troops moved through Lima and Quito. " * (MAX_PLACE_MENTIONS // 2 + 200)
    analysis = blank.analyze(article_from_text(text))
    assert len(analysis.places) == MAX_PLACE_MENTIONS
    assert analysis.notes and "only the first" in analysis.notes[0]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(max_size=400))
def test_any_text_maps_without_error(blank: Pipeline, text: str) -> None:
    from mapper.sources import article_from_text

    analysis = blank.analyze(article_from_text(text))
    for resolved in analysis.places:
        m = resolved.mention
        assert 0 <= m.start < m.end <= len(text) and text[m.start : m.end] == m.surface
    for mention in analysis.actor_mentions:
        assert text[mention.start : mention.end] == mention.surface
    for event in analysis.events:
        assert text[event.trigger_start : event.trigger_end] == event.trigger
    json.loads(json.dumps(analysis_to_json(analysis)))


@settings(max_examples=100, deadline=None)
@given(
    words=st.lists(
        st.sampled_from(
            [
                "Lima",
                "Peru",
                "Paris,",
                "Texas",
                "the",
                "U.S.",
                "Colombian",
                "May",
                "Police",
                "AMLO",
                "\n\n",
                "Caracas.",
                "Venezuela's",
                "Georgia",
                "protest",
                "'s",
                "—",
                "🇻🇪",
                "Bogotá",
            ]
        ),
        max_size=40,
    )
)
def test_place_like_text_keeps_offsets_valid(blank: Pipeline, words: list[str]) -> None:
    from mapper.sources import article_from_text

    text = " ".join(words)
    for resolved in blank.analyze(article_from_text(text)).places:
        assert text[resolved.mention.start : resolved.mention.end] == resolved.mention.surface


@settings(max_examples=200, deadline=None)
@given(raw=st.binary(max_size=2000))
def test_importer_gives_text_or_a_clear_error(raw: bytes) -> None:
    try:
        text = decode_text(raw, "x.txt")
    except SourceError as error:
        assert str(error).startswith("x.txt: ")
    else:
        assert isinstance(text, str) and "\r" not in text


@settings(max_examples=100, deadline=None)
@given(
    markup=st.text(
        alphabet=st.sampled_from(list("<>/=\"' abcdefghijklmnopscript&;#")), max_size=300
    )
)
def test_html_importer_never_fails(markup: str) -> None:
    title, text = html_to_text(markup)
    assert isinstance(title, str) and isinstance(text, str)


def test_cli_makes_no_network_connection(tmp_path: Path) -> None:
    """The CLI end to end, with every outbound connection refused and recorded."""
    guard = tmp_path / "guard"
    guard.mkdir()
    attempts = tmp_path / "attempts.log"
    (guard / "sitecustomize.py").write_text(
        textwrap.dedent(f"""
        import socket
        _connect = socket.socket.connect
        def connect(self, address):
            host = address[0] if isinstance(address, tuple) else address
            if self.family == socket.AF_UNIX or str(host) in ("127.0.0.1", "::1", "localhost"):
                return _connect(self, address)
            with open({str(attempts)!r}, "a") as log:
                log.write(repr(address) + "\\n")
            raise ConnectionRefusedError("no network in this test")
        socket.socket.connect = connect
    """),
        encoding="utf-8",
    )
    env = dict(os.environ, PYTHONPATH=f"{guard}{os.pathsep}{ROOT}")
    article = tmp_path / "a.html"
    article.write_text(HOSTILE_HTML, encoding="utf-8")
    result = run_cli("extract", "--no-cache", str(article), env=env)
    assert result.returncode == 0, result.stderr
    out = tmp_path / "map.png"
    result = run_cli("export", "--no-model", "--to", str(out), str(article), env=env)
    assert result.returncode == 0, result.stderr
    assert out.stat().st_size > 10_000
    assert not attempts.exists(), attempts.read_text()
