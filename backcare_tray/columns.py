"""Text in a terminal's columns: widths as a terminal shows them (wide characters take two)."""

import unicodedata

__all__ = ["padded", "shown_width"]


def shown_width(text: str) -> int:
    """Return how many terminal columns a text takes: two for a wide (East Asian) character."""
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)


def padded(text: object, width: int, align: str = "<") -> str:
    """Return a text filled with spaces to width columns, left (<) or right (>) aligned."""
    shown = str(text)
    fill = " " * max(0, width - shown_width(shown))
    return shown + fill if align == "<" else fill + shown
