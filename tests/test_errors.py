"""Every error the mapper library defines derives from one base, DatelineError."""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path

import mapper
from mapper.errors import DatelineError

MAPPER = Path(mapper.__file__).resolve().parent


def _mapper_modules() -> list[str]:
    names = []
    for path in sorted(MAPPER.rglob("*.py")):
        parts = path.relative_to(MAPPER).with_suffix("").parts
        if parts[-1] == "__main__":
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names.append(".".join(("mapper", *parts)))
    return names


def test_every_mapper_exception_derives_from_dateline_error() -> None:
    defined = []
    for name in _mapper_modules():
        module = importlib.import_module(name)
        defined += [
            cls
            for _, cls in inspect.getmembers(module, inspect.isclass)
            if issubclass(cls, BaseException) and cls.__module__ == module.__name__
        ]
    assert len(defined) >= 10
    assert [cls for cls in defined if not issubclass(cls, DatelineError)] == []


def test_refined_builtin_errors_keep_their_builtin_base() -> None:
    from mapper.store.cache import DamagedEntryError
    from mapper.store.safejson import JsonLimitError
    from mapper.store.serialize import FormatError
    from mapper.text.nlp import ModelUnavailableError

    for cls in (FormatError, JsonLimitError, DamagedEntryError):
        assert issubclass(cls, ValueError) and issubclass(cls, DatelineError)
    assert issubclass(ModelUnavailableError, RuntimeError)
