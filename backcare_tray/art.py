"""Draw the tray icon for a look with Pillow, from the base art in icons/."""

# Every state changes the whole disc (its colour, or a symbol in place of the spine), so each
# one stays readable at 16 px, where a small badge or a thin ring is lost.

import io
from functools import cache

from PIL import Image, ImageChops, ImageDraw, PngImagePlugin

from backcare_tray.paths import app_icon_path
from backcare_tray.view import PROGRESS_STEPS, IconLook

__all__ = [
    "AMBER",
    "DISC",
    "ICO_SIZES",
    "SIZE",
    "TRACK",
    "TRAY_SIZES",
    "WHITE",
    "Colour",
    "app_icon_ico",
    "draw_icon",
]

SIZE = 64  # what the tray backends are given; hosts scale it
TRAY_SIZES = (16, 22, 24, 32)  # the sizes panels show it at
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)  # the sizes Windows picks from in an .ico

Colour = tuple[int, int, int, int]
WHITE: Colour = (255, 255, 255, 255)
AMBER: Colour = (255, 196, 40, 255)
TRACK: Colour = (20, 60, 64, 255)
DISC: dict[str, Colour] = {
    "due": (236, 110, 20, 255),
    "snoozed": (88, 96, 210, 255),
    "stretching": (34, 150, 70, 255),
    "paused": (128, 128, 128, 255),
    "away": (150, 150, 150, 255),
    "off": (64, 74, 110, 255),
}


@cache
def _base(size: int) -> Image.Image:
    """Return the base art (a teal disc with a white spine) at this size."""
    # The PNG reader itself: Image.open would first load every common image format's plugin.
    with PngImagePlugin.PngImageFile(app_icon_path()) as source:
        return source.convert("RGBA").resize((size, size), Image.Resampling.LANCZOS)


@cache
def _spine(size: int) -> Image.Image:
    """Return the spine of the base art as a mask (its light pixels)."""
    base = _base(size)
    light = base.convert("L").point(lambda v: 255 if v > 170 else 0)
    return ImageChops.multiply(light, base.getchannel("A"))


def _disc(size: int, colour: Colour, spine: bool = True) -> Image.Image:
    """Return the base disc filled with colour, keeping the white spine if asked."""
    image = Image.new("RGBA", (size, size), colour)
    image.putalpha(_base(size).getchannel("A"))
    if spine:
        image.paste(WHITE, mask=_spine(size))
    return image


def _progress(image: Image.Image, steps: int) -> None:
    """Draw the sitting progress as a thick ring: dark track, amber share of the interval."""
    size = image.width
    width = max(2, round(size * 0.14))
    box = (0, 0, size - 1, size - 1)
    draw = ImageDraw.Draw(image)
    draw.ellipse(box, outline=TRACK, width=width)
    if steps:
        draw.arc(box, -90, -90 + 360 * steps / PROGRESS_STEPS, fill=AMBER, width=width)


def _snooze_z(image: Image.Image) -> None:
    """Draw a large "Z" across the disc."""
    size = image.width
    low, high = size * 0.28, size * 0.72
    width = max(2, round(size * 0.13))
    draw = ImageDraw.Draw(image)
    draw.line([(low, low), (high, low), (low, high), (high, high)], fill=WHITE, width=width)


def _pause_bars(image: Image.Image) -> None:
    """Draw the two bars of a pause sign."""
    size = image.width
    bar = max(2, round(size * 0.14))
    top, bottom = round(size * 0.27), round(size * 0.73)
    draw = ImageDraw.Draw(image)
    for left in (round(size * 0.30), round(size * 0.70) - bar):
        draw.rectangle((left, top, left + bar - 1, bottom), fill=WHITE)


def _crescent(image: Image.Image) -> None:
    """Draw a crescent moon: off hours are night for this app."""
    size = image.width
    moon = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(moon)
    draw.ellipse((size * 0.22, size * 0.22, size * 0.78, size * 0.78), fill=255)
    draw.ellipse((size * 0.38, size * 0.12, size * 0.92, size * 0.66), fill=0)
    image.paste(WHITE, mask=moon)


def _hollow(size: int) -> Image.Image:
    """Return the away look: an empty ring with a grey spine, as if nobody were there."""
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    width = max(2, round(size * 0.12))
    ImageDraw.Draw(image).ellipse((0, 0, size - 1, size - 1), outline=DISC["away"], width=width)
    image.paste(DISC["away"], mask=_spine(size))
    return image


def _countdown(image: Image.Image, seconds: int) -> None:
    """Write the seconds left in the middle of the disc."""
    from PIL import ImageFont  # FreeType is loaded only once a countdown is drawn

    size = image.width
    text = str(seconds)
    font = ImageFont.load_default(size * (0.62 if len(text) < 2 else 0.5))
    ImageDraw.Draw(image).text((size / 2, size / 2), text, fill=WHITE, anchor="mm", font=font)


def draw_icon(look: IconLook, size: int = SIZE) -> Image.Image:
    """Return the tray image for a look at a size."""
    match look.kind:
        case "working":
            image = _base(size).copy()
            _progress(image, look.value)
        case "due":
            image = _disc(size, DISC["due"])
        case "snoozed":
            image = _disc(size, DISC["snoozed"], spine=False)
            _snooze_z(image)
        case "stretching":
            image = _disc(size, DISC["stretching"], spine=False)
            _countdown(image, look.value)
        case "paused":
            image = _disc(size, DISC["paused"], spine=False)
            _pause_bars(image)
        case "away":
            image = _hollow(size)
        case "off":
            image = _disc(size, DISC["off"], spine=False)
            _crescent(image)
        case other:
            raise ValueError(f"no icon for {other!r}")
    return image


def app_icon_ico(sizes: tuple[int, ...] = ICO_SIZES) -> bytes:
    """Return the base art as a Windows icon file holding one PNG-compressed image per size."""
    # Pillow's ICO writer stores each frame as PNG, which Windows reads since Vista; each
    # frame is the art drawn at its own size, not one frame scaled by whoever reads it.
    largest, *others = (_base(size) for size in sorted(sizes, reverse=True))
    data = io.BytesIO()
    largest.save(data, format="ICO", sizes=[(s, s) for s in sizes], append_images=others)
    return data.getvalue()
