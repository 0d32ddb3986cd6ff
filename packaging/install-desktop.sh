#!/usr/bin/env bash
# Adds Dateline to your applications menu, for you only (no root needed): the app,
# its launcher (dateline.desktop), its icons and the .dateline project file type.
#
#   ./install-desktop.sh [BUNDLE]      install or update (BUNDLE: a built dist/dateline)
#   ./install-desktop.sh --uninstall   remove all of it (your projects and data stay)
#
# Run it from the built bundle (dist/dateline/install-desktop.sh, which
# scripts/build_app.sh puts there) or from packaging/ in the source tree.
# The app goes to ~/.local/opt/dateline (DATELINE_INSTALL_DIR overrides it), the command
# to ~/.local/bin/dateline, the rest under ${XDG_DATA_HOME:-~/.local/share}.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
data=${XDG_DATA_HOME:-$HOME/.local/share}
target=${DATELINE_INSTALL_DIR:-$HOME/.local/opt/dateline}
command_link=$HOME/.local/bin/dateline
desktop_file=$data/applications/dateline.desktop
mime_file=$data/mime/packages/dateline.xml
sizes="16 32 48 64 128 256 512"

refresh() {
  # Menus, file types and icon themes read these caches; a desktop without the tools
  # rescans by itself.
  if command -v update-desktop-database >/dev/null; then
    update-desktop-database -q "$data/applications" || true
  fi
  if command -v update-mime-database >/dev/null; then
    update-mime-database "$data/mime" || true
  fi
  if command -v gtk-update-icon-cache >/dev/null && [ -d "$data/icons/hicolor" ]; then
    gtk-update-icon-cache -q -f -t "$data/icons/hicolor" || true
  fi
}

if [ "${1:-}" = "--uninstall" ]; then
  rm -f "$desktop_file" "$mime_file" "$data/icons/hicolor/scalable/apps/dateline.svg"
  for size in $sizes; do
    rm -f "$data/icons/hicolor/${size}x${size}/apps/dateline.png"
  done
  if [ -L "$command_link" ]; then rm -f "$command_link"; fi
  rm -rf "$target"
  refresh
  echo "Dateline removed from the applications menu."
  exit 0
fi

bundle=${1:-}
if [ -z "$bundle" ]; then
  if [ -x "$here/dateline" ] && [ -d "$here/_internal" ]; then
    bundle=$here                      # run from inside the bundle
  else
    bundle=$here/../dist/dateline     # run from packaging/ in the source tree
  fi
fi
if [ ! -x "$bundle/dateline" ] || [ ! -d "$bundle/_internal" ]; then
  echo "install-desktop: no built Dateline in $bundle (run ./scripts/build_app.sh first)" >&2
  exit 1
fi
bundle=$(cd "$bundle" && pwd)
for file in dateline.desktop dateline-mime.xml; do
  if [ ! -f "$here/$file" ]; then
    echo "install-desktop: $file is missing beside this script" >&2
    exit 1
  fi
done

# The app: a copy of the bundle, swapped in whole so an update never leaves half of one.
if [ "$bundle" != "$target" ]; then
  mkdir -p "$(dirname "$target")"
  rm -rf "$target.new"
  cp -a "$bundle" "$target.new"
  rm -rf "$target"
  mv "$target.new" "$target"
fi
mkdir -p "$(dirname "$command_link")"
ln -sfn "$target/dateline" "$command_link"

# The launcher, pointing at the copy ("Exec" quotes the path: it may hold spaces).
mkdir -p "$(dirname "$desktop_file")"
sed -e "s|^Exec=.*|Exec=\"$target/dateline\" %F|" -e "s|^TryExec=.*|TryExec=$target/dateline|" \
  "$here/dateline.desktop" > "$desktop_file"

# Icons, the size a menu or file manager asks for, and the SVG for any other size.
icons=$target/_internal/resources/icons
for size in $sizes; do
  install -D -m 644 "$icons/dateline-$size.png" \
    "$data/icons/hicolor/${size}x${size}/apps/dateline.png"
done
install -D -m 644 "$icons/dateline.svg" "$data/icons/hicolor/scalable/apps/dateline.svg"

# The .dateline file type, so that projects open in Dateline on a double click.
install -D -m 644 "$here/dateline-mime.xml" "$mime_file"

refresh
echo "Dateline is in your applications menu (launcher: $desktop_file)."
echo "From a terminal: $command_link [FILES…] (if ~/.local/bin is on your PATH)."
