#!/usr/bin/env bash
# Builds the Dateline app: a self-contained one-folder bundle in dist/dateline/
# (run dist/dateline/dateline; no Python or network needed where it runs).
# Sets up .venv first if needed (scripts/setup.sh), installs the pinned PyInstaller
# (requirements/build.txt) into it, builds packaging/dateline.spec, then prints the
# build time and the bundle's size; it fails if the bundle outgrows its size budget.
# Apart from setup.sh's own work and the desktop libraries below, everything it
# writes (PyInstaller's cache too) stays in this checkout: .venv, build/, dist/.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
./scripts/setup.sh
# Libraries Qt's X11 and Wayland plugins need that a bare build machine may lack.
# Present here, the X11 ones go into the bundle (a desktop without them would show no
# window); Wayland's own libraries PyInstaller leaves to the desktop, which has them.
desktop_libs=(libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libwayland-cursor0)
if command -v dpkg >/dev/null; then
  missing=()
  for package in "${desktop_libs[@]}"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
  done
  if [ ${#missing[@]} -gt 0 ] && [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  elif [ ${#missing[@]} -gt 0 ]; then
    echo "build_app: ${missing[*]} not installed: the bundle will need them on the desktop" >&2
  fi
fi
.venv/bin/python -m pip install --quiet --no-cache-dir -r requirements/build.txt
# PyInstaller caches binaries per user (~/.cache/pyinstaller); keep that in build/ too.
export PYINSTALLER_CONFIG_DIR="$PWD/build/pyinstaller"
.venv/bin/python -m PyInstaller --noconfirm --log-level WARN \
  --distpath dist --workpath build/dateline packaging/dateline.spec
if [ "${DATELINE_ONEFILE:-0}" != 1 ]; then
  # The desktop integration travels with the bundle: ./install-desktop.sh in it
  # adds Dateline to the user's applications menu.
  cp packaging/install-desktop.sh packaging/dateline.desktop packaging/dateline-mime.xml \
    dist/dateline/
  bundle=dist/dateline
else
  bundle=dist/dateline-onefile
fi
elapsed=$(( $(date +%s) - started ))
size_mb=$(du -sm "$bundle" | cut -f1)
echo "Built $bundle in $((elapsed / 60)) min $((elapsed % 60)) s: ${size_mb} MB"
if [ -d "$bundle/_internal" ]; then
  echo "Largest parts:"
  du -sh "$bundle"/_internal/* | sort -rh | sed -n '1,8s/^/  /p'
fi
limit_mb=${DATELINE_BUNDLE_LIMIT_MB:-600}
if [ "$size_mb" -gt "$limit_mb" ]; then
  echo "build_app: the bundle is ${size_mb} MB, over its ${limit_mb} MB budget" >&2
  exit 1
fi
