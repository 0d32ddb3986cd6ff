"""The command line on hostile input: saved projects as input (their corrections for that
run only), bad projects and corrections files, odd file names and kinds of file. Always
at most a line per problem on stderr, control characters escaped, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
from test_project_hostile import gzip_bomb, run_limited

from mapper.cli import main
from mapper.geo.corrections import Corrections
from mapper.pipeline import Pipeline
from mapper.sources import article_from_text, seed_paths
from mapper.store.project import Project, save_project

ROOT = Path(__file__).resolve().parent.parent
MARCH = "Protesters marched in Caracas and Lima on Monday."


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str], list[str]]:
    """``python -m mapper ARGS`` in this process: (status, stdout lines, stderr lines)."""
    status = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return status, out.splitlines(), err.splitlines()


def places_of(line: str) -> set[str]:
    return {place["name"] for place in json.loads(line)["places"]}


@pytest.fixture
def corrected_project(tmp_path: Path) -> Path:
    """A project of one article whose corrections say "Caracas" is not a place."""
    path = tmp_path / "crisis.dateline"
    save_project(
        path,
        Project(
            articles=(article_from_text(MARCH, source="/gone/march.txt"),),
            corrections=Corrections().with_correction("Caracas", None),
        ),
    )
    return path


def test_extract_reads_a_project_with_its_corrections_for_that_run_only(
    capsys, corrected_project: Path, fresh_user_data: Path, tmp_path: Path
) -> None:
    user_file = fresh_user_data / "corrections.json"
    status, out, err = run(capsys, "extract", "--no-model", "--no-cache", str(corrected_project))
    assert (status, err) == (0, [])
    (line,) = out
    assert json.loads(line)["source"] == "/gone/march.txt"  # where the article came from
    assert places_of(line) == {"Lima"}  # the project's correction applied
    assert not user_file.exists()  # and saved nowhere

    # Over the user's own corrections, which stay as they were.
    Corrections().with_correction("Lima", None).save(user_file)
    saved = user_file.read_bytes()
    article = tmp_path / "also.txt"
    article.write_text("Talks in Caracas and Lima and Quito.", encoding="utf-8")
    status, out, err = run(
        capsys, "extract", "--no-model", "--no-cache", str(article), str(corrected_project)
    )
    assert (status, err) == (0, [])
    assert [places_of(line) for line in out] == [{"Quito"}, set()]  # the whole run
    assert user_file.read_bytes() == saved


def test_export_reads_a_project(
    capsys, corrected_project: Path, fresh_user_data: Path, tmp_path: Path
) -> None:
    out_path = tmp_path / "map.geojson"
    status, out, err = run(
        capsys, "export", "--no-model", "--no-cache", "--to", str(out_path), str(corrected_project)
    )
    assert (status, err) == (0, [])
    assert out == [f"wrote {out_path} (1 place, 1 article)"]
    features = json.loads(out_path.read_text(encoding="utf-8"))["features"]
    assert [f["properties"]["name"] for f in features] == ["Lima"]
    assert not (fresh_user_data / "corrections.json").exists()


def test_a_projects_own_analyses_are_reused_when_the_pipeline_is_the_same(
    capsys, tmp_path: Path
) -> None:
    pipeline = Pipeline.blank(corrections=Corrections())
    article = article_from_text(MARCH, source="march.txt")
    analysis = pipeline.analyze(article)
    renamed = replace(
        analysis,
        places=tuple(
            replace(r, place=replace(r.place, name=f"{r.place.name} (saved)"))
            for r in analysis.places
        ),
    )
    for fingerprint, expected in (
        (pipeline.fingerprint(), {"Caracas (saved)", "Lima (saved)"}),
        ("another pipeline", {"Caracas", "Lima"}),
    ):
        path = tmp_path / "p.dateline"
        save_project(
            path, Project(articles=(article,), analyses=(renamed,), fingerprint=fingerprint)
        )
        status, out, err = run(capsys, "extract", "--no-model", "--no-cache", str(path))
        assert (status, err) == (0, [])
        assert places_of(out[0]) == expected


def test_a_bad_project_is_one_line_and_the_other_inputs_go_on(
    capsys, corrected_project: Path, tmp_path: Path
) -> None:
    article = tmp_path / "lima.txt"
    article.write_text("Thousands protested in Lima, Peru.", encoding="utf-8")
    bad = tmp_path / "bad.dateline"
    bad.write_bytes(b"not a project at all")
    deep = tmp_path / "deep.dateline"
    deep.write_bytes(__import__("gzip").compress(b"[" * 100_000 + b"]" * 100_000))
    status, out, err = run(
        capsys,
        "extract",
        "--no-model",
        "--no-cache",
        str(article),
        str(bad),
        str(corrected_project),
        str(deep),
        str(tmp_path / "gone.dateline"),
    )
    assert status == 1
    assert err == [
        "dateline: bad.dateline: not a Dateline project, or damaged (not gzip-compressed, "
        "or the file is truncated or damaged)",
        "dateline: deep.dateline: not a Dateline project, or damaged (nested more than 16 "
        "levels deep)",
        "dateline: gone.dateline: file not found",
    ]
    assert [json.loads(line)["source"] for line in out] == [str(article), "/gone/march.txt"]


def test_export_of_nothing_but_bad_projects_says_so(capsys, tmp_path: Path) -> None:
    bad = tmp_path / "bad.dateline"
    bad.write_bytes(b"\x1f\x8b")
    status, out, err = run(
        capsys, "export", "--no-model", "--to", str(tmp_path / "m.csv"), str(bad)
    )
    assert (status, out) == (1, [])
    assert err == [
        "dateline: bad.dateline: not a Dateline project, or damaged (the file is "
        "truncated or damaged: its compressed data ends early)",
        "dateline: no article to export",
    ]


def test_file_names_on_stderr_are_escaped(capsys, tmp_path: Path) -> None:
    binary = tmp_path / "evil\n\x1b[31mred.txt"
    binary.write_bytes(b"\x00\x01binary")
    project = tmp_path / "p\u202egpj.dateline"
    project.write_bytes(b"garbage")
    missing = tmp_path / "gone\r.txt"
    status, out, err = run(capsys, "extract", "--no-model", str(binary), str(project), str(missing))
    assert (status, out) == (1, [])
    assert len(err) == 3  # one line each: the newline in the name did not make two
    assert err[0].startswith("dateline: evil\\n\\x1b[31mred.txt: ")
    assert err[1].startswith("dateline: p\\u202egpj.dateline: not a Dateline project")
    assert err[2].startswith("dateline: gone\\r.txt: ")
    joined = "\n".join(err)
    assert not any(char in joined for char in "\x1b\r\u202e")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "deep.json",
            '{"version": 1, "corrections": ' + "[" * 100_000 + "]" * 100_000 + "}",
            "deep.json: nested more than 8 levels deep",
        ),
        (
            "big.json",
            '{"version": 1, "corrections": {}, "n": ' + "7" * 5000 + "}",
            "big.json: a number with more than 20 digits",
        ),
        (
            "types.json",
            '{"version": 1, "corrections": {"x": {"name": ["Caracas"]}}}',
            "types.json: correction 1: name is not a string",
        ),
        (
            "id.json",
            '{"version": 1, "corrections": {"x": {"name": "X", "place_id": 5}}}',
            "id.json: correction 1: place_id is not a string",
        ),
        (
            "table.json",
            '{"version": 1, "corrections": []}',
            "table.json: the corrections file has no 'corrections' table",
        ),
        (
            "cut.json",
            '{"version": 1, "corr',
            "cut.json: not valid JSON (Unterminated string starting at: line 1, column 16)",
        ),
        ("nan.json", '{"version": NaN}', "nan.json: NaN is not a number JSON allows"),
        ("bad\x1b[0m.json", "[]", "bad\\x1b[0m.json: not a Dateline corrections file (version 1)"),
    ],
    ids=[
        "deep",
        "huge int",
        "name a list",
        "place id a number",
        "table a list",
        "cut",
        "NaN",
        "escaped name",
    ],
)
def test_a_bad_corrections_file_is_one_line(
    capsys, tmp_path: Path, name: str, content: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    status, out, err = run(
        capsys,
        "extract",
        "--no-model",
        "--no-cache",
        "--corrections",
        str(path),
        str(seed_paths()[0]),
    )
    assert (status, out, err) == (1, [], [f"dateline: {message}"])


def test_a_corrections_file_that_is_no_file_is_one_line(capsys, tmp_path: Path) -> None:
    large = tmp_path / "large.json"
    with large.open("wb") as handle:
        handle.truncate(17 << 20)  # sparse: costs no disk
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    for path, message in (
        (large, "large.json: too large (more than 16 MB)"),
        (fifo, "fifo.json: not a regular file (a named pipe)"),
        (tmp_path, f"{tmp_path.name}: not a regular file (a folder)"),
        (tmp_path / "missing.json", "missing.json: corrections file not found"),
    ):
        status, out, err = run(
            capsys,
            "extract",
            "--no-model",
            "--no-cache",
            "--corrections",
            str(path),
            str(seed_paths()[0]),
        )
        assert (status, out, err) == (1, [], [f"dateline: {message}"])


def test_a_corrections_file_with_a_bom_is_read(capsys, tmp_path: Path) -> None:
    path = tmp_path / "notepad.json"
    path.write_bytes(
        b"\xef\xbb\xbf"
        + json.dumps(Corrections().with_correction("Caracas", None).to_json()).encode()
    )
    article = tmp_path / "a.txt"
    article.write_text(MARCH, encoding="utf-8")
    status, out, err = run(
        capsys, "extract", "--no-model", "--no-cache", "--corrections", str(path), str(article)
    )
    assert (status, err) == (0, [])
    assert places_of(out[0]) == {"Lima"}


def test_inputs_that_are_not_articles_are_one_line_each_and_never_hang(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    os.mkfifo(tmp_path / "pipe.txt")
    os.mkfifo(tmp_path / "pipe.dateline")
    args = [
        str(tmp_path / "gone.txt"),
        str(empty),
        str(tmp_path / "pipe.txt"),
        str(tmp_path / "pipe.dateline"),
    ]
    for command in (["extract"], ["export", "--to", str(tmp_path / "m.csv")]):
        done = subprocess.run(
            [sys.executable, "-m", "mapper", *command, "--no-model", *args],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            cwd=ROOT,
        )
        assert done.returncode == 1
        assert done.stdout == ""
        lines = done.stderr.splitlines()
        assert lines[:4] == [
            "dateline: gone.txt: file not found",
            f"dateline: {empty}: no article files in this folder",
            "dateline: pipe.txt: not a regular file (a named pipe)",
            "dateline: pipe.dateline: not a regular file (a named pipe)",
        ]
        assert lines[4:] == ([] if command == ["extract"] else ["dateline: no article to export"])


def test_a_gzip_bomb_given_to_the_cli_is_refused_fast_in_little_memory(tmp_path: Path) -> None:
    path = tmp_path / "bomb.dateline"
    path.write_bytes(gzip_bomb())
    started = time.monotonic()
    done = run_limited(
        """
        from mapper.cli import main
        sys.exit(main(["extract", "--no-model", sys.argv[1]]))
    """,
        str(path),
    )
    assert time.monotonic() - started < 20
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (
        "dateline: bomb.dateline: not a Dateline project, or damaged "
        "(inflates to more than 256 MB of data)\n"
    )


def test_the_help_says_a_file_can_be_a_project(capsys) -> None:
    for command in ("extract", "export"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        assert "saved projects (.dateline)" in " ".join(capsys.readouterr().out.split())
