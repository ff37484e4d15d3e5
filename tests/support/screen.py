"""Pixels on a test display, read with python-xlib, and small PNG files made with zlib."""

import struct
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

RGB = tuple[int, int, int]


def write_png(path: Path, width: int, height: int, colour_at: Callable[[int, int], RGB]) -> None:
    """Write an RGB PNG whose pixel (x, y) has colour_at(x, y)."""
    rows = b"".join(
        b"\x00" + b"".join(bytes(colour_at(x, y)) for x in range(width)) for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@dataclass(frozen=True)
class Shot:
    """A rectangle of the screen as RGB pixels, with where it was taken."""

    x: int
    y: int
    width: int
    height: int
    pixels: bytes  # BGRX, 4 bytes a pixel, as the X server sends a 24-bit ZPixmap

    def at(self, x: int, y: int) -> RGB:
        """Return the colour at a screen position inside the shot."""
        offset = ((y - self.y) * self.width + (x - self.x)) * 4
        blue, green, red = self.pixels[offset : offset + 3]
        return red, green, blue

    def count(self, near: RGB, tolerance: int = 12, box: Sequence[int] | None = None) -> int:
        """Return how many pixels (inside box: x, y, width, height on screen) are near a colour."""
        left, top, width, height = box or (self.x, self.y, self.width, self.height)
        found = 0
        for y in range(max(top, self.y), min(top + height, self.y + self.height)):
            for x in range(max(left, self.x), min(left + width, self.x + self.width)):
                if all(abs(a - b) <= tolerance for a, b in zip(self.at(x, y), near, strict=True)):
                    found += 1
        return found

    def count_exactly(self, colour: RGB) -> int:
        """Return how many pixels are exactly this colour (fast: for polling the screen)."""
        red, green, blue = colour
        # BGRX: the padding byte is 0, so three colour bytes never match across two pixels.
        return self.pixels.count(bytes((blue, green, red)))

    def save_png(self, path: Path) -> None:
        """Write the shot as a PNG file (to look at when a test fails)."""
        write_png(path, self.width, self.height, lambda x, y: self.at(self.x + x, self.y + y))


def grab(display_name: str, box: tuple[int, int, int, int] | None = None) -> Shot:
    """Return the pixels of the root window of a display (in box, or all of it)."""
    from Xlib import X, display

    connection = display.Display(display_name)
    try:
        root = connection.screen().root
        if box is None:
            geometry = root.get_geometry()
            box = (0, 0, geometry.width, geometry.height)
        x, y, width, height = box
        image = root.get_image(x, y, width, height, X.ZPixmap, 0xFFFFFFFF)
        return Shot(x, y, width, height, bytes(image.data))
    finally:
        connection.close()
