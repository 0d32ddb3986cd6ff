#!/usr/bin/env bash
# Debian packages Qt WebEngine needs to render offscreen (from `ldd` of the Qt
# libraries and QtWebEngineProcess), plus a font. A desktop already has them;
# a bare container may not. Needs root; does nothing when all are present.
set -euo pipefail
packages=(
  libasound2 libdbus-1-3 libdrm2 libegl1 libfontconfig1 libfreetype6 libgbm1 libgl1
  libglib2.0-0 libnspr4 libnss3 libwayland-server0 libx11-6 libxcb1 libxcb-dri3-0
  libxcomposite1 libxdamage1 libxext6 libxfixes3 libxkbcommon0 libxkbfile1 libxrandr2
  libxrender1 libxtst6 fonts-dejavu-core
)
missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
