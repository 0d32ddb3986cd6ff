"""``dateline --self-test`` from source, and what the packaged app relies on.

CI also runs the self-test in the built bundle (``.ci/run``); these tests run it from
the checkout, as a user would: ``python main.py --self-test`` in a fresh process.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from mapper.geo import gazetteer
from ui import environment

ROOT = Path(__file__).resolve().parent.parent
MAIN = ROOT / "main.py"
#: The self-test gives up by itself after 90 s; this only guards against a hang.
TIMEOUT_S = 180

OK_LINE = re.compile(
    r"self-test ok: Dateline (?P<version>\S+), (?P<places>\d+) places, "
    r"(?P<excerpts>\d+) excerpts for Caracas, PNG (?P<width>\d+)x(?P<height>\d+) "
    r"\((?P<kb>\d+) KB\), (?P<seconds>[\d.]+) s"
)


def run_main(*args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(MAIN), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        cwd=cwd,
        check=False,
    )


def stdout_lines(done: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in done.stdout.splitlines() if line.strip()]


@pytest.mark.model
def test_self_test_maps_the_seed_clicks_caracas_exports_a_png_and_says_ok(
    tmp_path: Path,
) -> None:
    done = run_main("--self-test", cwd=tmp_path)  # finds its resources from anywhere

    assert done.returncode == 0, done.stdout + done.stderr[-2000:]
    lines = stdout_lines(done)
    assert len(lines) == 1, lines  # one line, nothing else on stdout
    match = OK_LINE.fullmatch(lines[0])
    assert match, lines[0]
    # The seed names Venezuela, Caracas, Colombia, Cuba, Russia, the United States.
    assert int(match["places"]) >= 5
    assert int(match["excerpts"]) >= 1
    assert int(match["width"]) >= 300 and int(match["height"]) >= 300
    assert int(match["kb"]) >= 20  # a map, not a blank page
    assert float(match["seconds"]) < 90
    assert list(tmp_path.iterdir()) == []  # nothing left behind


@pytest.mark.model
def test_self_test_fails_with_the_reason_and_a_non_zero_status(tmp_path: Path) -> None:
    missing = tmp_path / "missing-seed.txt"

    done = run_main("--self-test", missing)

    assert done.returncode == 1, done.stdout + done.stderr[-2000:]
    assert stdout_lines(done) == [
        "self-test FAILED: Some files could not be opened: missing-seed.txt: file not found"
    ]


@pytest.mark.model
def test_a_project_given_on_the_command_line_opens_as_a_double_click_would(
    tmp_path: Path,
) -> None:
    # The .desktop file runs "dateline %F" with the .dateline projects double-clicked.
    from mapper.sources import read_article, seed_paths
    from mapper.store.project import Project, save_project

    project = tmp_path / "Venezuela.dateline"
    save_project(project, Project(articles=(read_article(seed_paths()[0]),)))

    done = run_main("--self-test", project)

    assert done.returncode == 0, done.stdout + done.stderr[-2000:]
    match = OK_LINE.fullmatch(stdout_lines(done)[0])
    assert match and int(match["places"]) >= 5, done.stdout


def test_a_folder_given_on_the_command_line_is_imported_as_import_folder_would(
    tmp_path: Path,
) -> None:
    from mapper.sources import seed_paths

    nested = tmp_path / "news" / "2019"
    nested.mkdir(parents=True)
    (nested / "venezuela.txt").write_text(seed_paths()[0].read_text(encoding="utf-8"))

    done = run_main("--self-test", tmp_path / "news")

    assert done.returncode == 0, done.stdout + done.stderr[-2000:]
    match = OK_LINE.fullmatch(stdout_lines(done)[0])
    assert match and int(match["places"]) >= 5, done.stdout


def test_self_test_is_listed_in_help() -> None:
    done = run_main("--help")

    assert done.returncode == 0
    assert "--self-test" in done.stdout
    assert "--screenshot" not in done.stdout  # the hidden options stay hidden


def test_main_renders_snapshots_when_asked_as_the_packaged_app_is(tmp_path: Path) -> None:
    # mapper's export command runs the packaged app as "dateline --snapshot …".
    done = run_main(
        "--snapshot",
        "--page",
        tmp_path / "nothing.html",
        "--out",
        tmp_path / "map.png",
        "--width",
        "100",
        "--height",
        "100",
    )

    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [f"snapshot: No such page: {tmp_path}/nothing.html"]


def test_a_packaged_app_opens_its_prebuilt_gazetteer_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundled = tmp_path / "gazetteer" / gazetteer.default_index_path().name
    bundled.parent.mkdir()
    assert gazetteer.bundled_index_path() is None  # from source: the user's cache

    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert gazetteer.bundled_index_path() is None  # no index shipped: built as usual
    bundled.write_bytes(gazetteer.default_index_path().read_bytes())
    assert gazetteer.bundled_index_path() == bundled

    opened = gazetteer.Gazetteer.open()
    try:
        assert opened.lookup("Caracas")[0].country_code == "VE"
    finally:
        opened.close()


# -- the environment every entry point prepares (ui.environment) ---------------------------


@pytest.mark.parametrize("root", [True, False])
def test_the_window_only_turns_chromiums_sandbox_off_for_root(
    monkeypatch: pytest.MonkeyPatch, root: bool
) -> None:
    monkeypatch.setattr(environment, "running_as_root", lambda: root)
    environ: dict[str, str] = {}

    environment.prepare_qt_environment(headless=False, environ=environ)

    assert environ == ({"QTWEBENGINE_DISABLE_SANDBOX": "1"} if root else {})


def test_headless_runs_are_offscreen_and_chromium_quiet(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(environment, "running_as_root", lambda: False)
    environ = {"QTWEBENGINE_CHROMIUM_FLAGS": "--disable-gpu"}

    environment.prepare_qt_environment(headless=True, environ=environ)
    environment.prepare_qt_environment(headless=True, environ=environ)  # changes nothing

    assert environ == {
        "QT_QPA_PLATFORM": "offscreen",
        "QTWEBENGINE_CHROMIUM_FLAGS": "--disable-gpu --log-level=3",
    }


def test_what_the_user_set_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(environment, "running_as_root", lambda: True)
    environ = {
        "QT_QPA_PLATFORM": "xcb",
        "QTWEBENGINE_CHROMIUM_FLAGS": "--log-level=0",
        "QTWEBENGINE_DISABLE_SANDBOX": "0",
    }

    environment.prepare_qt_environment(headless=True, environ=dict(environ))

    changed = dict(environ)
    environment.prepare_qt_environment(headless=True, environ=changed)
    assert changed == environ


def test_the_qt_environment_is_prepared_in_one_place_only() -> None:
    """main.py, the self-test, the renderer and the window all call ui.environment."""
    sets_up = re.compile(r"""environ(\.setdefault\(|\[)\s*["']QT|qInstallMessageHandler|geteuid""")
    for path in [MAIN, *sorted((ROOT / "ui").glob("*.py"))]:
        if path.name != "environment.py":
            found = sets_up.search(path.read_text(encoding="utf-8"))
            assert found is None, f"{path.name} sets up {found and found.group()} itself"
    for caller in (
        MAIN,
        ROOT / "ui" / "app.py",
        ROOT / "ui" / "selftest.py",
        ROOT / "ui" / "snapshot.py",
    ):
        assert "prepare_qt_environment(" in caller.read_text(encoding="utf-8"), caller.name
