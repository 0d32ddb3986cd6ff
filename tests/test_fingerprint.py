"""The code part of the pipeline's fingerprint (the analysis cache key): the source of
the modules that make an analysis, found from the pipeline's imports, and nothing else."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import mapper
from mapper import pipeline
from mapper.pipeline import analysis_modules, code_digest

PACKAGE_DIR = Path(mapper.__file__).resolve().parent
ROOT = PACKAGE_DIR.parent

#: Modules that make an analysis (by their last name, wherever they live in the package).
STAGES = {
    "pipeline",
    "nlp",
    "nlp_components",
    "places",
    "resolve",
    "actors",
    "tagger",
    "taxonomy",
    "inflection",
    "gazetteer",
    "corrections",
    "online",
    "types",
    "serialize",
    "errors",
}
#: Modules that only show, export or store analyses, or drive the pipeline.
NOT_STAGES = {
    "registry",
    "kml",
    "layout",
    "mapview",
    "atlas",
    "filters",
    "session",
    "project",
    "jsonl",
    "evaluate",
    "evaluate_events",
    "__main__",
    "cli",
    "export",
    "page",
}


def last_names(modules: dict[str, Path]) -> set[str]:
    return {name.rpartition(".")[2] for name in modules}


def copy_package(tmp_path: Path) -> Path:
    copy = tmp_path / "mapper"
    shutil.copytree(PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return copy


def edit(package: Path, stem: str) -> None:
    """Append a comment to the module ``stem``.py, wherever it is in the package."""
    (path,) = package.rglob(f"{stem}.py")
    with path.open("a", encoding="utf-8") as file:
        file.write("\n# edited\n")


def test_the_analysis_modules_are_the_pipeline_and_what_it_imports() -> None:
    modules = analysis_modules(PACKAGE_DIR, pipeline.__name__)

    names = last_names(modules)
    # nlp_components: imported inside a function of nlp (its spaCy registrations).
    assert names >= STAGES
    assert not names & NOT_STAGES
    assert all(path.is_file() and path.is_relative_to(PACKAGE_DIR) for path in modules.values())


def test_editing_an_exporter_keeps_the_cache_key_editing_a_stage_changes_it(
    tmp_path: Path,
) -> None:
    package = copy_package(tmp_path)
    root = pipeline.__name__
    before = code_digest(package, root)
    assert before == code_digest(PACKAGE_DIR, root) == pipeline._code_digest()

    for stem in ("registry", "kml", "mapview", "__main__", "session", "atlas"):
        edit(package, stem)
    assert code_digest(package, root) == before

    edit(package, "resolve")
    after_resolve = code_digest(package, root)
    assert after_resolve != before
    edit(package, "nlp_components")  # reached through a function-level import only
    assert code_digest(package, root) != after_resolve


def test_an_analysis_runs_no_package_module_the_digest_leaves_out() -> None:
    """What Python really imports to analyse an article is covered by the static walk."""
    script = (
        "import json, sys\n"
        "from mapper.pipeline import Pipeline\n"
        "from mapper.types import Article\n"
        "pipeline = Pipeline.blank()\n"
        "text = 'Troops left Caracas for the Colombian border, a Venezuelan official said.'\n"
        "analysis = pipeline.analyze(Article(id='a', title='t', text=text, source=''))\n"
        "assert analysis.places, analysis\n"
        "pipeline.fingerprint()\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] == 'mapper')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    imported = set(json.loads(done.stdout.splitlines()[-1]))

    assert imported <= set(analysis_modules(PACKAGE_DIR, pipeline.__name__))


def test_relative_imports_subpackages_and_type_only_imports(tmp_path: Path) -> None:
    """The walk is ready for modules moved into packages (mapper/geo/…, mapper/store/…)."""
    files = {
        "__init__.py": "",
        "pipeline.py": (
            "from __future__ import annotations\n"
            "import typing\n"
            "from typing import TYPE_CHECKING\n"
            "from . import stage\n"
            "from .geo import resolve\n"
            "import pkg.store.cache\n"
            "import json\n"
            "if TYPE_CHECKING:\n"
            "    from pkg.export import Exporter\n"
            "else:\n"
            "    from pkg import runtime_only\n"
            "if typing.TYPE_CHECKING:\n"
            "    import pkg.page\n"
            "def later():\n"
            "    from .lazy import thing\n"
            "    try:\n"
            "        import pkg.tried\n"
            "    except ImportError:\n"
            "        pass\n"
        ),
        "stage.py": "from pkg.types import Place\n",
        "types.py": "Place = str\n",
        "geo/__init__.py": "",
        "geo/resolve.py": "from ..types import Place\nfrom . import helpers\n",
        "geo/helpers.py": "",
        "store/__init__.py": "from .format import VERSION\n",
        "store/format.py": "VERSION = 1\n",
        "store/cache.py": "",
        "export.py": "",
        "page.py": "",
        "runtime_only.py": "",
        "lazy.py": "thing = 1\n",
        "tried.py": "",
        "unused.py": "",
    }
    package = tmp_path / "pkg"
    for name, text in files.items():
        path = package / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    modules = analysis_modules(package, "pkg.pipeline")

    assert sorted(modules) == [
        "pkg",
        "pkg.geo",
        "pkg.geo.helpers",
        "pkg.geo.resolve",
        "pkg.lazy",
        "pkg.pipeline",
        "pkg.runtime_only",
        "pkg.stage",
        "pkg.store",
        "pkg.store.cache",
        "pkg.store.format",
        "pkg.tried",
        "pkg.types",
    ]
    assert modules["pkg.store"] == package / "store" / "__init__.py"
    assert modules["pkg.geo.resolve"] == package / "geo" / "resolve.py"


def test_without_sources_the_version_string_stands_alone(tmp_path: Path) -> None:
    """A packaged app may ship bytecode only: the digest is then that of nothing."""
    nothing = hashlib.sha256().hexdigest()[:16]
    assert code_digest(None, "mapper.pipeline") == nothing
    assert code_digest(tmp_path, "mapper.pipeline") == nothing
