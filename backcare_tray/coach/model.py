"""The coach window's rules without Tk: its messages, picture scale, countdown and place."""

import json
import math
from dataclasses import dataclass
from typing import Any, TypeGuard

__all__ = [
    "PICTURE_LARGEST",
    "PICTURE_SMALLEST",
    "End",
    "Malformed",
    "Step",
    "clamp_place",
    "default_place",
    "next_change_ms",
    "parse_message",
    "parse_place",
    "picture_range",
    "picture_scale",
    "ring_extent",
    "seconds_shown",
]

PICTURE_SMALLEST = 320  # a picture's longer side is brought near this range when it can be
PICTURE_LARGEST = 384
TOP_GAP = 60  # px below the top of the screen: under the notification area
SIDE_GAP = 24  # px from the right edge
NOTIFICATION_COLUMN = 380  # px kept free at the right for the notifications
BOTTOM_GAP = 80  # px above the bottom on Windows, where the taskbar and its toasts are


class Malformed(ValueError):
    """A line from the daemon that is not a message the window understands."""


@dataclass(frozen=True)
class Step:
    """One step of a guided stretch (or the same step paused or carried on)."""

    exercise: str
    kind: str  # setup, switch, hold or rest
    doing: str
    where: str
    instruction: str
    seconds_left: int
    phase_seconds: int
    next_up: str
    safety: str
    picture: str | None
    paused: bool
    step_number: int
    step_count: int


@dataclass(frozen=True)
class End:
    """The routine is over: the confirmation to show before the window closes."""

    title: str
    text: str
    counted: bool


def _text(data: dict[str, Any], name: str, required: bool = False) -> str:
    """Return a text field ("" when it may be missing and is)."""
    value = data.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise Malformed(f"{name!r} should be a text, not {value!r}")
    return value


def _count(data: dict[str, Any], name: str, default: int | None = None) -> int:
    """Return a whole number of at least 0 (the default when it may be missing and is)."""
    value = data.get(name)
    if value is None and default is not None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise Malformed(f"{name!r} should be a whole number of at least 0, not {value!r}")
    return value


def _flag(data: dict[str, Any], name: str) -> bool:
    """Return a true/false field (false when missing)."""
    value = data.get(name, False)
    if not isinstance(value, bool):
        raise Malformed(f"{name!r} should be true or false, not {value!r}")
    return value


def parse_message(line: bytes | str) -> Step | End:
    """Return the message one line holds; raise Malformed saying what is wrong with it."""
    try:
        data = json.loads(line)
    except (ValueError, UnicodeDecodeError) as error:
        raise Malformed(f"not JSON ({error})") from None
    if not isinstance(data, dict):
        raise Malformed(f"a JSON object was expected, not {type(data).__name__}")
    kind = data.get("type")
    if kind == "step":
        picture = data.get("picture")
        if picture is not None and not isinstance(picture, str):
            raise Malformed(f"'picture' should be a path or null, not {picture!r}")
        return Step(
            exercise=_text(data, "exercise", required=True),
            kind=_text(data, "kind"),
            doing=_text(data, "doing", required=True),
            where=_text(data, "where"),
            instruction=_text(data, "instruction"),
            seconds_left=_count(data, "seconds_left"),
            phase_seconds=_count(data, "phase_seconds"),
            next_up=_text(data, "next_up"),
            safety=_text(data, "safety"),
            picture=picture or None,
            paused=_flag(data, "paused"),
            step_number=_count(data, "step_number", 0),
            step_count=_count(data, "step_count", 0),
        )
    if kind == "end":
        return End(_text(data, "title", required=True), _text(data, "text"), _flag(data, "counted"))
    raise Malformed(f"unknown message type {kind!r}")


def picture_scale(
    width: int, height: int, smallest: int = PICTURE_SMALLEST, largest: int = PICTURE_LARGEST
) -> tuple[int, int]:
    """Return (zoom, subsample) bringing a picture's longer side nearest to 320-384 px."""
    # Tk 8.6 scales a photo by whole factors only (a zoom, then a subsample): a picture drawn
    # at 320-384 px shows as drawn, others are scaled to whichever size comes nearest to that
    # range. A low screen asks for a smaller range, where 2/3 and 3/4 help.
    longest = max(width, height)
    if longest <= 0:
        return 1, 1
    zooms = [(zoom, 1) for zoom in range(1, largest // longest + 2)]
    subsamples = [(1, sub) for sub in range(2, -(-longest // smallest) + 2)]

    def off_range(scale: tuple[int, int]) -> tuple[float, int]:
        size = longest * scale[0] / scale[1]
        return max(0.0, smallest - size, size - largest), scale[0] * scale[1]

    return min([*zooms, *subsamples, (3, 4), (2, 3)], key=off_range)


def picture_range(screen_height: int) -> tuple[int, int]:
    """Return the smallest and largest picture the window shows on a screen this high."""
    # Below the picture the window needs about 440 px (the step, the ring, the buttons and
    # the frame), and it opens 60 px from the top: a 768 px laptop screen gets 256 px.
    largest = max(192, min(PICTURE_LARGEST, screen_height - 500))
    return min(PICTURE_SMALLEST, largest * 5 // 6), largest


def seconds_shown(deadline: float, now: float) -> int:
    """Return the whole seconds the countdown shows: rounded up, never below 0."""
    return max(0, math.ceil(round(deadline - now, 3)))


def next_change_ms(deadline: float, now: float) -> int | None:
    """Return the milliseconds until the shown seconds go down by one (None at 0)."""
    left = seconds_shown(deadline, now)
    if left == 0:
        return None
    return max(1, math.ceil((deadline - (left - 1) - now) * 1000))


def ring_extent(left: int, total: int) -> float:
    """Return the countdown ring's arc in degrees (negative: clockwise from the top)."""
    if total <= 0:
        return 0.0
    return -359.9 * min(1.0, max(0, left) / total)


def default_place(
    width: int, height: int, screen: tuple[int, int], platform: str
) -> tuple[int, int]:
    """Return where the window opens the first time: beside where notifications show."""
    screen_width, screen_height = screen
    # Left of the notifications' column (dunst, mako, GNOME: about 300-360 px wide at the top
    # right), so neither covers the other; on a narrow screen as far right as it fits.
    x = max(0, screen_width - NOTIFICATION_COLUMN - width - SIDE_GAP)
    if platform == "win32":  # toasts rise from the bottom right, above the taskbar
        return clamp_place(x, screen_height - height - BOTTOM_GAP, width, height, screen)
    # freedesktop servers and macOS show them at the top right, under the panel or menu bar
    return clamp_place(x, TOP_GAP, width, height, screen)


def clamp_place(
    x: int, y: int, width: int, height: int, screen: tuple[int, int]
) -> tuple[int, int]:
    """Return the place moved as little as needed for the whole window to be on the screen."""
    screen_width, screen_height = screen
    return (
        max(0, min(x, screen_width - width)),
        max(0, min(y, screen_height - height)),
    )


def parse_place(text: str) -> tuple[int, int] | None:
    """Return the place saved in coach-window.json, None when it holds no usable place."""
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    x, y = data.get("x"), data.get("y")
    if not (_whole(x) and _whole(y)):
        return None
    return x, y


def _whole(value: object) -> TypeGuard[int]:
    """Return True for a whole number (and not a true/false)."""
    return isinstance(value, int) and not isinstance(value, bool)
