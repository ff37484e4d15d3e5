"""The tray's pictures: drawn by the real helper process into a folder, read back without Pillow."""

import logging
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from backcare_tray.adapters.sni.picture_cache import (
    COUNTDOWN_DRAWN,
    PictureCache,
    picture_name,
    usual_looks,
)
from backcare_tray.adapters.sni.pictures import (
    PIXMAP_SIZES,
    PictureUnreadable,
    argb_from_png,
    argb_pixmaps,
    png_bytes,
    scaled_sizes,
)
from backcare_tray.art import draw_icon
from backcare_tray.view import IconLook


def drawn_in_process(look: IconLook) -> tuple[tuple[int, int, bytes], ...]:
    """Return a look's pixmaps drawn here, the way the helper draws them."""
    return tuple(argb_pixmaps(scaled_sizes(draw_icon(look))))


def test_png_files_read_back_as_the_same_argb_pixels() -> None:
    """Our PNG writer's files give back the pixmaps of the image written (alpha first)."""
    image = Image.new("RGBA", (3, 2), (10, 20, 30, 40))
    image.putpixel((2, 1), (200, 100, 50, 255))
    width, height, argb = argb_from_png(png_bytes(image))
    assert (width, height) == (3, 2)
    assert argb[:4] == bytes((40, 10, 20, 30)) and argb[-4:] == bytes((255, 200, 100, 50))
    assert argb == argb_pixmaps({3: image})[0][2]


def test_png_files_of_other_kinds_are_refused() -> None:
    """A file another program wrote (filtered rows, no alpha) or a damaged one is unreadable."""
    import io

    other = io.BytesIO()
    Image.new("RGB", (4, 4), (1, 2, 3)).save(other, format="PNG")
    damaged = png_bytes(Image.new("RGBA", (4, 4)))[:-20]
    for data in (other.getvalue(), damaged, b"GIF89a"):
        with pytest.raises(PictureUnreadable):
            argb_from_png(data)


def test_the_helper_draws_every_usual_look_as_drawn_in_process(tmp_path: Path) -> None:
    """prepare() runs the real helper; each picture read back matches Pillow's own drawing."""
    cache = PictureCache(tmp_path / "pictures")
    cache.prepare()
    for look in usual_looks():
        name = picture_name(cache.fingerprint, look)
        assert (cache.folder / f"{name}.png").is_file()
        for size in PIXMAP_SIZES:
            assert (cache.folder / "hicolor" / f"{size}x{size}" / "apps" / f"{name}.png").is_file()
    for look in (IconLook("working", 7), IconLook("due"), IconLook("stretching", 9)):
        picture = cache.picture(look)
        assert picture.pixmaps == drawn_in_process(look)
        assert (picture.name, picture.theme_path) == (
            picture_name(cache.fingerprint, look),
            str(cache.folder),
        )


def test_a_long_countdown_is_drawn_with_the_seconds_below_it(tmp_path: Path) -> None:
    """A hold over a minute: its first second left draws the rest of its countdown too."""
    cache = PictureCache(tmp_path / "pictures")
    cache.prepare()
    longest = IconLook("stretching", COUNTDOWN_DRAWN + 30)
    assert not (cache.folder / f"{picture_name(cache.fingerprint, longest)}.png").exists()
    assert cache.picture(longest).pixmaps == drawn_in_process(longest)
    for left in range(COUNTDOWN_DRAWN, longest.value + 1):
        name = picture_name(cache.fingerprint, IconLook("stretching", left))
        assert (cache.folder / f"{name}.png").is_file()


def test_a_damaged_picture_is_drawn_again(tmp_path: Path) -> None:
    """A picture whose file was cut short is drawn anew, not shown broken."""
    cache = PictureCache(tmp_path / "pictures")
    cache.prepare()
    look = IconLook("snoozed")
    name = picture_name(cache.fingerprint, look)
    damaged = cache.folder / "hicolor" / "16x16" / "apps" / f"{name}.png"
    damaged.write_bytes(damaged.read_bytes()[:30])
    (cache.folder / f"{name}.png").unlink()  # as a crash between the two writes would leave it
    assert cache.picture(look).pixmaps == drawn_in_process(look)


def test_folders_of_older_art_are_removed_and_others_kept(tmp_path: Path) -> None:
    """prepare() removes earlier art's folders, not what else is in the cache."""
    root = tmp_path / "pictures"
    (root / "0badc0de").mkdir(parents=True)
    (root / "notes").mkdir()
    cache = PictureCache(root)
    cache.prepare()
    assert sorted(p.name for p in root.iterdir()) == sorted([cache.fingerprint, "notes"])


def test_when_the_helper_cannot_draw_the_picture_is_drawn_here_and_said(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A folder that cannot be written: a warning, and pixmaps drawn in this process."""
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder should be")
    cache = PictureCache(blocked)
    with caplog.at_level(logging.WARNING):
        cache.prepare()
        picture = cache.picture(IconLook("paused"))
    assert picture.name == "" and picture.pixmaps == drawn_in_process(IconLook("paused"))
    assert "drawing them in the daemon instead" in caplog.text
    assert caplog.text.count("Cannot use the tray pictures") == 1  # said once, not per look


def test_reading_pictures_never_loads_pillow(tmp_path: Path) -> None:
    """A process that draws through the helper and reads the pictures has no PIL module."""
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from backcare_tray.adapters.sni.picture_cache import PictureCache\n"
        "from backcare_tray.view import IconLook\n"
        f"cache = PictureCache(Path({str(tmp_path)!r}))\n"
        "cache.prepare()\n"
        "assert len(cache.picture(IconLook('stretching', 75)).pixmaps) == 6\n"
        "print(sorted(name for name in sys.modules if name.split('.')[0] == 'PIL'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"
