"""spaCy for the bundle: every submodule (its registries import them by name) and its
data files (default configs, language data), without its test suite.

Replaces pyinstaller-hooks-contrib's hook-spacy, which also takes spacy.tests (and so
pytest and hypothesis) and lists hundreds of test modules the spec then excludes.
"""

from PyInstaller.utils.hooks import collect_data_files, collect_submodules


def _not_tests(name: str) -> bool:
    return ".tests" not in name


datas = collect_data_files("spacy", excludes=["**/tests/**"])
hiddenimports = collect_submodules("spacy", filter=_not_tests)
