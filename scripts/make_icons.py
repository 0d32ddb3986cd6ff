"""Render Dateline's icon set from resources/icons/dateline.svg.

Writes, beside the SVG:

- ``dateline-<N>.png`` for N in 16, 32, 48, 64, 128, 256, 512 (Linux icon theme sizes,
  the window icon);
- ``dateline.ico`` (Windows: the PNGs up to 256 px, PNG-compressed entries);
- ``dateline.icns`` (macOS: 16 to 512 px and their @2x variants).

The SVG is drawn by Qt's own renderer (QSvgRenderer), so no other image tool is needed:
``.venv/bin/python scripts/make_icons.py``. Run it after editing the SVG and commit
the results.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
SOURCE = ICONS / "dateline.svg"
PNG_SIZES = (16, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 32, 48, 64, 128, 256)
# Apple's icon types that hold PNG data, and the pixel size of each.
ICNS_TYPES = (
    (b"icp4", 16),
    (b"icp5", 32),
    (b"icp6", 64),
    (b"ic07", 128),
    (b"ic08", 256),
    (b"ic09", 512),
    (b"ic11", 32),
    (b"ic12", 64),
    (b"ic13", 256),
    (b"ic14", 512),
)


def render_png(size: int) -> bytes:
    """The SVG drawn at ``size`` × ``size`` pixels, as PNG bytes."""
    from PySide6 import QtCore, QtGui, QtSvg

    renderer = QtSvg.QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        raise SystemExit(f"make_icons: cannot read {SOURCE}")
    image = QtGui.QImage(size, size, QtGui.QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QtCore.Qt.GlobalColor.transparent)
    painter = QtGui.QPainter(image)
    painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QtGui.QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter, QtCore.QRectF(0, 0, size, size))
    painter.end()
    data = QtCore.QByteArray()
    buffer = QtCore.QBuffer(data)
    buffer.open(QtCore.QIODevice.OpenModeFlag.WriteOnly)
    writer = QtGui.QImageWriter(buffer, b"png")
    if not writer.write(image.convertToFormat(QtGui.QImage.Format.Format_ARGB32)):
        raise SystemExit(f"make_icons: could not encode the {size} px PNG: {writer.errorString()}")
    buffer.close()
    return bytes(data.data())


def ico(pngs: dict[int, bytes]) -> bytes:
    """A Windows .ico holding these PNGs (Windows Vista and later read PNG entries)."""
    sizes = [size for size in ICO_SIZES if size in pngs]
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = len(header) + 16 * len(sizes)
    directory, images = b"", b""
    for size in sizes:
        png = pngs[size]
        side = 0 if size >= 256 else size  # 0 means 256
        directory += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset)
        images += png
        offset += len(png)
    return header + directory + images


def icns(pngs: dict[int, bytes]) -> bytes:
    """A macOS .icns holding these PNGs."""
    body = b"".join(
        kind + struct.pack(">I", 8 + len(pngs[size])) + pngs[size] for kind, size in ICNS_TYPES
    )
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def main() -> int:
    """Write every icon file; print what was written."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6 import QtGui

    app = QtGui.QGuiApplication.instance() or QtGui.QGuiApplication(sys.argv[:1])
    pngs = {size: render_png(size) for size in PNG_SIZES}
    outputs = {ICONS / f"dateline-{size}.png": png for size, png in pngs.items()}
    outputs[ICONS / "dateline.ico"] = ico(pngs)
    outputs[ICONS / "dateline.icns"] = icns(pngs)
    for path, data in outputs.items():
        path.write_bytes(data)
        print(f"wrote {path.relative_to(ICONS.parent.parent)} ({len(data) // 1024} KB)")
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
