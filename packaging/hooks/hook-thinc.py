"""thinc for the bundle: its submodules (registered layers and backends) and data files,
without its test suite (replaces pyinstaller-hooks-contrib's hook-thinc, as hook-spacy)."""

from PyInstaller.utils.hooks import collect_data_files, collect_submodules


def _not_tests(name: str) -> bool:
    return ".tests" not in name


datas = collect_data_files("thinc", excludes=["**/tests/**"])
hiddenimports = collect_submodules("thinc", filter=_not_tests)
