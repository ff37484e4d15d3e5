"""The tray icon: every state drawn at every tray size, and every pair clearly different."""

from itertools import combinations, pairwise

import pytest
from PIL import Image, ImageChops, ImageStat

from backcare_tray.art import SIZE, TRAY_SIZES, draw_icon
from backcare_tray.view import IconLook

STATES = [
    IconLook("working", 6),
    IconLook("due"),
    IconLook("snoozed"),
    IconLook("stretching", 7),
    IconLook("paused"),
    IconLook("away"),
    IconLook("off"),
]
PANELS = {"light panel": (220, 220, 220, 255), "dark panel": (40, 40, 40, 255)}
# Mean difference per pixel and channel, 0-255, seen on the panel's background.
STATES_APART = 30  # in colour
SHAPES_APART = 15  # in grey alone: states do not depend on telling colours apart
PROGRESS_APART = 8  # a quarter of the sitting interval


def on_panel(image: Image.Image, panel: tuple[int, int, int, int], mode: str) -> Image.Image:
    """Return the icon as a panel shows it: composited on its background."""
    background = Image.new("RGBA", image.size, panel)
    background.alpha_composite(image)
    return background.convert(mode)


def difference(a: Image.Image, b: Image.Image, mode: str = "RGB") -> float:
    """Return the smallest mean pixel difference between two icons over both panels."""
    results = []
    for panel in PANELS.values():
        stat = ImageStat.Stat(
            ImageChops.difference(on_panel(a, panel, mode), on_panel(b, panel, mode))
        )
        results.append(sum(stat.mean) / len(stat.mean))
    return min(results)


def drawings(size: int) -> dict[str, list[Image.Image]]:
    """Return each state drawn at size, and drawn at full size then scaled as hosts do."""
    return {
        f"{look.kind} {look.value}": [
            draw_icon(look, size),
            draw_icon(look).resize((size, size), Image.Resampling.LANCZOS),
        ]
        for look in STATES
    }


@pytest.mark.parametrize("size", TRAY_SIZES)
def test_every_pair_of_states_differs_clearly(size: int) -> None:
    """At 16, 22, 24 and 32 px each state is told from every other, in colour and in grey."""
    drawn = drawings(size)
    for (name_a, images_a), (name_b, images_b) in combinations(drawn.items(), 2):
        for a, b in zip(images_a, images_b, strict=True):
            assert a.size == (size, size)
            assert difference(a, b) >= STATES_APART, (size, name_a, name_b)
            assert difference(a, b, "L") >= SHAPES_APART, (size, name_a, name_b)


@pytest.mark.parametrize("size", TRAY_SIZES)
def test_sitting_progress_is_visible_at_every_size(size: int) -> None:
    """A quarter of the interval more shows as a clearly longer ring."""
    steps = [draw_icon(IconLook("working", value), size) for value in (0, 3, 6, 9, 12)]
    for before, after in pairwise(steps):
        assert difference(before, after) >= PROGRESS_APART


def test_the_countdown_changes_the_picture_and_the_backends_get_full_size() -> None:
    """Each second of a hold is a new picture; pystray is handed the 64 px drawing."""
    eight, nine = draw_icon(IconLook("stretching", 8)), draw_icon(IconLook("stretching", 9))
    assert eight.size == (SIZE, SIZE)
    assert difference(eight, nine) > 0
    with pytest.raises(ValueError, match="no icon for 'dancing'"):
        draw_icon(IconLook("dancing"))
