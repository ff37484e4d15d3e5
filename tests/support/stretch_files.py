"""Stretch files made in a test's own folder: a routine of two stretches with real PNG pictures."""

import struct
import zlib
from pathlib import Path

# Two stretches of a physiotherapist's routine, with a picture per step beside the file.
ROUTINE = """\
# From the physio, for the neck and shoulders.
[[exercises]]
id = "neck-roll"
name = "Neck roll"
area = "neck"
summary = "Slow half circles with your head to loosen the neck."
steps = [
    "Sit tall and let your chin sink toward your chest.",
    "Roll your head slowly toward one shoulder, then back through the middle to the other.",
]
hold_seconds = 0
reps = 5
safety = "Keep it slow and small; never roll the head backwards."
pictures = ["neck-1.png", "neck-2.png"]

[[exercises]]
id = "shoulder-squeeze"
name = "Shoulder squeeze"
area = "upper back"
summary = "Draw your shoulder blades together to open the chest."
steps = [
    "Sit tall on the ball, arms by your sides.",
    "Squeeze your shoulder blades together and hold.",
    "Let go slowly.",
]
hold_seconds = 10
reps = 3
pictures = ["pictures/squeeze-1.png", "pictures/squeeze-2.png", "pictures/squeeze-3.png"]
"""
ROUTINE_IDS = ("neck-roll", "shoulder-squeeze")
ROUTINE_PICTURES = (
    "neck-1.png",
    "neck-2.png",
    "pictures/squeeze-1.png",
    "pictures/squeeze-2.png",
    "pictures/squeeze-3.png",
)


def png_bytes(grey: int) -> bytes:
    """Return a valid 1x1 greyscale PNG of the given grey (0-255): each grey, other bytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)  # 1x1, 8-bit grey
    pixels = zlib.compress(bytes([0, grey]))  # filter byte, one pixel
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def write_routine(folder: Path, text: str = ROUTINE, name: str = "routine.toml") -> Path:
    """Write a stretch file and the routine's pictures (each its own grey) into folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for grey, picture in enumerate(ROUTINE_PICTURES, 10):
        path = folder / picture
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(png_bytes(grey))
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path
