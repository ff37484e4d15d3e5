"""The tray picture in the two forms StatusNotifierItem hosts take: pixels and a themed name."""

# Most hosts draw IconPixmap (ARGB32, big-endian, several sizes). Some look up IconName only
# (swaybar), in IconThemePath as well as the installed themes, so the same picture is also
# written there as PNG files, both flat and in a hicolor layout; a file is never changed in
# place. The PNG files are this module's own (8-bit RGBA, no row filters), so reading one
# back into pixels needs zlib only, not Pillow.

import logging
import os
import shutil
import struct
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from backcare_tray.adapters.state_file import write_atomically

__all__ = [
    "PIXMAP_SIZES",
    "IconFiles",
    "Picture",
    "PictureUnreadable",
    "Pixmap",
    "argb_from_png",
    "argb_pixmaps",
    "picture_written",
    "png_bytes",
    "read_picture",
    "scaled_sizes",
    "write_picture",
]

log = logging.getLogger(__name__)

PIXMAP_SIZES = (16, 22, 24, 32, 48, 64)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
RGBA_HEADER = (8, 6, 0, 0, 0)  # bit depth, colour type RGBA, compression, filter, no interlace
Pixmap = tuple[int, int, bytes]


@dataclass(frozen=True)
class Picture:
    """One tray picture as hosts take it: ARGB pixmaps, and a themed name in a folder."""

    name: str  # "" when no files could be written: hosts that need a name show none
    theme_path: str
    pixmaps: tuple[Pixmap, ...]


class PictureUnreadable(Exception):
    """A picture's files are missing, or are not PNG files this module wrote."""


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


def _png_file(width: int, height: int, rgba: bytes) -> bytes:
    """Return RGBA pixels as a PNG file, each row unfiltered."""
    stride = width * 4
    rows = b"".join(b"\x00" + rgba[y * stride : (y + 1) * stride] for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">II5B", width, height, *RGBA_HEADER)
    return (
        PNG_SIGNATURE
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def argb_from_png(data: bytes) -> Pixmap:
    """Return a PNG file of png_bytes' kind as an IconPixmap entry (ARGB32, network order)."""
    if not data.startswith(PNG_SIGNATURE):
        raise PictureUnreadable("not a PNG file")
    at, compressed, header = len(PNG_SIGNATURE), [], b""
    try:
        while at < len(data):
            length, kind = struct.unpack_from(">I4s", data, at)
            body = data[at + 8 : at + 8 + length]
            if kind == b"IHDR":
                header = body
            elif kind == b"IDAT":
                compressed.append(body)
            at += 12 + length
        width, height, *form = struct.unpack(">II5B", header)
        rows = zlib.decompress(b"".join(compressed))
    except (struct.error, zlib.error) as error:
        raise PictureUnreadable(f"a damaged PNG file: {error}") from None
    stride = width * 4 + 1
    if tuple(form) != RGBA_HEADER or len(rows) != stride * height or any(rows[::stride]):
        raise PictureUnreadable("a PNG file of another kind than this module writes")
    rgba = b"".join(rows[y * stride + 1 : (y + 1) * stride] for y in range(height))
    argb = bytearray(len(rgba))
    argb[0::4], argb[1::4], argb[2::4], argb[3::4] = rgba[3::4], rgba[0::4], rgba[1::4], rgba[2::4]
    return width, height, bytes(argb)


def _theme_file(directory: Path, name: str, size: int) -> Path:
    """Return where a picture's file of one size goes in the hicolor layout."""
    return directory / "hicolor" / f"{size}x{size}" / "apps" / f"{name}.png"


def write_picture(directory: Path, name: str, scaled: dict[int, Any]) -> None:
    """Write a picture's files, the flat one (which says the picture is whole) last."""
    for size, image in scaled.items():
        write_atomically(_theme_file(directory, name, size), png_bytes(image))
    write_atomically(directory / f"{name}.png", png_bytes(scaled[max(scaled)]))


def picture_written(directory: Path, name: str) -> bool:
    """Return True when write_picture finished writing this picture."""
    # Plain strings, not Path: pathlib interns every part it parses, and each look's file name
    # would stay in the interpreter's table for good (its growth showed in the soak run).
    return os.path.exists(os.path.join(directory, f"{name}.png"))


def read_picture(directory: Path, name: str, sizes: tuple[int, ...] = PIXMAP_SIZES) -> Picture:
    """Return a picture written by write_picture, its pixmaps read back from the files."""
    if not picture_written(directory, name):
        raise PictureUnreadable(f"no picture {name} in {directory}")
    pixmaps = []
    for size in sizes:
        path = os.path.join(directory, "hicolor", f"{size}x{size}", "apps", f"{name}.png")
        try:
            with open(path, "rb") as file:
                pixmaps.append(argb_from_png(file.read()))
        except OSError as error:
            raise PictureUnreadable(str(error)) from None
    return Picture(name, str(directory), tuple(pixmaps))


def png_bytes(image: Any) -> bytes:
    """Return an RGBA image as a PNG file (Pillow's own writer would load every plugin first)."""
    width, height = image.size
    return _png_file(width, height, image.tobytes())


class IconFiles:
    """A private icon directory for pictures given as Pillow images (pystray's own API)."""

    def __init__(self, directory: Path | None = None) -> None:
        self._given = directory
        self.path: Path | None = None
        self._written: set[str] = set()

    def picture_of(self, image: Any) -> Picture:
        """Return a Pillow image as a picture, writing its files once."""
        scaled = scaled_sizes(image)
        pixmaps = tuple(argb_pixmaps(scaled))
        largest = scaled[max(scaled)]
        # CRC-32 and size: unique enough for a few dozen pictures.
        name = f"backcare-tray-{zlib.crc32(largest.tobytes()):08x}-{largest.width}"
        if name not in self._written:
            try:
                write_picture(self._root(), name, scaled)
            except OSError as error:
                log.warning(
                    "Cannot write the tray icon's files (%s); hosts that need a name show none.",
                    error,
                )
                return Picture("", "", pixmaps)
            self._written.add(name)
        return Picture(name, str(self.path), pixmaps)

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
