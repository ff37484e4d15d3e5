"""Draw the tray icon for a look with Pillow, from the base art in icons/."""

from functools import cache

from PIL import Image, ImageDraw, ImageFont, ImageOps

from backcare_tray.paths import app_icon_path
from backcare_tray.view import PROGRESS_STEPS, IconLook

SIZE = 64
_BADGE = {"due": (230, 120, 20, 255), "snoozed": (90, 110, 200, 255)}


@cache
def _base() -> Image.Image:
    """Return the base art scaled to tray size."""
    with Image.open(app_icon_path()) as source:
        return source.convert("RGBA").resize((SIZE, SIZE), Image.Resampling.LANCZOS)


def draw_icon(look: IconLook) -> Image.Image:
    """Return the tray image for a look."""
    image = _base().copy()
    draw = ImageDraw.Draw(image)
    if look.kind == "working" and look.value:
        extent = 360 * look.value / PROGRESS_STEPS
        draw.arc((1, 1, SIZE - 2, SIZE - 2), -90, -90 + extent, fill=(250, 200, 60, 255), width=5)
    elif look.kind in _BADGE:
        draw.ellipse(
            (SIZE - 26, 0, SIZE - 1, 25),
            fill=_BADGE[look.kind],
            outline=(255, 255, 255, 255),
            width=2,
        )
        if look.kind == "snoozed":
            draw.text(
                (SIZE - 13, 12), "z", fill="white", anchor="mm", font=ImageFont.load_default(18)
            )
    elif look.kind == "stretching":
        draw.ellipse((2, 2, SIZE - 3, SIZE - 3), fill=(40, 150, 70, 255))
        draw.text(
            (SIZE // 2, SIZE // 2),
            str(look.value),
            fill="white",
            anchor="mm",
            font=ImageFont.load_default(34),
        )
    elif look.kind in ("paused", "away", "off"):
        grey = ImageOps.grayscale(image).convert("RGBA")
        grey.putalpha(image.getchannel("A").point(lambda a: a * 2 // 3))
        return grey
    return image
