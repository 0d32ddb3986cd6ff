"""Issue 16's rough edges in the command line: URLs given as files, subcommands without a
description or arguments without help, and evaluate's "Middle East → Middle East, ×6"."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from mapper.cli import _parser, main


def subcommands() -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


@pytest.mark.parametrize(
    "url", ["https://example.com/news/article.html", "http://example.com/news", "www.example.com"]
)
@pytest.mark.parametrize("command", ["extract", "review"])
def test_a_url_says_urls_are_not_read(
    capsys: pytest.CaptureFixture[str], url: str, command: str
) -> None:
    status = main([command, "--no-model", url])
    out, err = capsys.readouterr()
    assert status == 1
    assert out == ""
    assert err.splitlines() == [
        f"dateline: {url}: URLs are not read: save the page and open the file"
    ]
    assert "unsupported file type" not in err


def test_every_subcommand_has_a_description_and_every_argument_help() -> None:
    commands = subcommands()
    assert {"extract", "evaluate", "evaluate-events", "export", "review"} <= commands.keys()
    for name, command in commands.items():
        assert command.description, f"{name} has no description"
        for action in command._actions:
            assert action.help, f"{name} {action.metavar or action.dest} has no help"


def test_evaluate_help_describes_the_corpus_argument() -> None:
    text = subcommands()["evaluate"].format_help()
    corpus_line = next(line for line in text.splitlines() if "CORPUS.xml|FOLDER" in line[:25])
    assert "GeoWebNews" in corpus_line  # the argument's help, on its line


def test_evaluate_lists_a_far_region_without_a_stray_comma(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(
        "Talks in the [Middle East]{0.0,0.0} stalled, and leaders in [Paris]{0.0,10.0} waited.",
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "mapper", "evaluate", "--no-model", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    line = next(line for line in result.stdout.splitlines() if line.startswith("top_far:"))
    assert "Middle East → Middle East ×1" in line
    assert ", ×" not in line
    assert "Paris → Paris, France ×1" in line  # a country is still named after a comma
