"""The tray picture in the two forms StatusNotifierItem hosts take: pixels and a themed name."""

# Most hosts draw IconPixmap (ARGB32, big-endian, several sizes). Some look up IconName only
# (swaybar), in IconThemePath as well as the installed themes, so the same picture is also
# written there as PNG files, both flat and in a hicolor layout, named by a checksum of its
# pixels: a look seen before is not written again, and a file is never changed in place.

import logging
import shutil
import struct
import tempfile
import zlib
from pathlib import Path
from typing import Any

from backcare_tray.adapters.state_file import write_atomically

__all__ = ["PIXMAP_SIZES", "IconFiles", "Pixmap", "argb_pixmaps", "png_bytes", "scaled_sizes"]

log = logging.getLogger(__name__)

PIXMAP_SIZES = (16, 22, 24, 32, 48, 64)
Pixmap = tuple[int, int, bytes]


def _scaled(image: Any, size: int) -> Any:
    """Return image as RGBA at size x size."""
    from PIL import Image

    rgba = image.convert("RGBA")
    if rgba.size != (size, size):
        rgba = rgba.resize((size, size), Image.Resampling.LANCZOS)
    return rgba


def scaled_sizes(image: Any, sizes: tuple[int, ...] = PIXMAP_SIZES) -> dict[int, Any]:
    """Return the image as RGBA at each size (scaled once, for the pixmaps and the files)."""
    return {size: _scaled(image, size) for size in sizes}


def argb_pixmaps(scaled: dict[int, Any]) -> list[Pixmap]:
    """Return IconPixmap's a(iiay): each scaled image as ARGB32 in network byte order."""
    from PIL import Image

    pixmaps = []
    for size, image in scaled.items():
        red, green, blue, alpha = image.split()
        argb = Image.merge("RGBA", (alpha, red, green, blue)).tobytes()
        pixmaps.append((size, size, argb))
    return pixmaps


def png_bytes(image: Any) -> bytes:
    """Return an RGBA image as a PNG file (Pillow's own writer would load every plugin first)."""
    width, height = image.size
    pixels = image.tobytes()
    stride = width * 4
    rows = b"".join(b"\x00" + pixels[y * stride : (y + 1) * stride] for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


class IconFiles:
    """A private icon directory for IconThemePath, holding each picture shown as PNG files."""

    def __init__(self, directory: Path | None = None) -> None:
        self._given = directory
        self.path: Path | None = None
        self._written: set[str] = set()

    def name_for(self, scaled: dict[int, Any]) -> str:
        """Write a picture's scaled images (once) and return its icon name; "" on failure."""
        largest = scaled[max(scaled)]
        # CRC-32 and size: unique enough for a few dozen pictures.
        name = f"backcare-tray-{zlib.crc32(largest.tobytes()):08x}-{largest.width}"
        if name in self._written:
            return name
        try:
            root = self._root()
            write_atomically(root / f"{name}.png", png_bytes(largest))
            for size, image in scaled.items():
                path = root / "hicolor" / f"{size}x{size}" / "apps" / f"{name}.png"
                write_atomically(path, png_bytes(image))
        except OSError as error:
            log.warning(
                "Cannot write the tray icon's files (%s); hosts that need a name show none.", error
            )
            return ""
        self._written.add(name)
        return name

    def _root(self) -> Path:
        """Return the icon directory, making it on first use."""
        if self.path is None:
            if self._given is not None:
                self._given.mkdir(parents=True, exist_ok=True, mode=0o700)
                self.path = self._given
            else:
                self.path = Path(tempfile.mkdtemp(prefix="backcare-tray-icons-"))
        return self.path

    def remove(self) -> None:
        """Delete the directory and what was written into it."""
        if self.path is not None:
            shutil.rmtree(self.path, ignore_errors=True)
            self.path = None
            self._written.clear()
