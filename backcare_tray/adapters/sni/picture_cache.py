"""The tray's pictures for each icon look, drawn once by a helper process and kept on disk."""

# Pillow and the libraries its wheel bundles cost the daemon about 4 MiB of private memory,
# and a StatusNotifierItem tray needs only pixels and PNG files. So a short-lived helper
# process draws the pictures into the user's cache and the daemon reads them back with zlib.
# The folder is named by a checksum of what the pictures are drawn from, so new art or new
# drawing code draws anew; folders of older art are removed. The usual looks (about 80, a
# quarter of a second to draw) are drawn at the tray's start when missing; a look outside
# them (a custom stretch held over a minute) is drawn, with the rest of its countdown, when
# first shown. If the helper cannot run, the picture is drawn here, and the log says so.

import logging
import re
import shutil
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path

from backcare_tray.adapters.helper_process import run_helper
from backcare_tray.adapters.sni.pictures import (
    Picture,
    PictureUnreadable,
    argb_pixmaps,
    picture_written,
    read_picture,
    scaled_sizes,
)
from backcare_tray.paths import app_icon_path
from backcare_tray.view import PROGRESS_STEPS, IconLook

__all__ = [
    "COUNTDOWN_DRAWN",
    "HELPER_TIMEOUT",
    "STEADY_KINDS",
    "PictureCache",
    "art_fingerprint",
    "draw_in_helper",
    "look_argument",
    "looks_drawn_with",
    "parse_look_argument",
    "picture_name",
    "usual_looks",
]

log = logging.getLogger(__name__)

HELPER_TIMEOUT = 30.0  # seconds: drawing every usual look takes about 0.3
COUNTDOWN_DRAWN = 60  # a stretch's seconds left drawn at the start: holds up to a minute
STEADY_KINDS = ("due", "snoozed", "paused", "away", "off")  # looks without a number
PACKAGE = Path(__file__).resolve().parents[2]
DRAWN_FROM = ("art.py", "view.py", "adapters/sni/pictures.py")
FINGERPRINT = re.compile(r"[0-9a-f]{8}")

Draw = Callable[[Path, dict[str, IconLook]], None]


def art_fingerprint() -> str:
    """Return a checksum of the drawing code and the base art the pictures come from."""
    checksum = 0
    for path in (*(PACKAGE / name for name in DRAWN_FROM), app_icon_path()):
        checksum = zlib.crc32(path.read_bytes(), checksum)
    return f"{checksum:08x}"


def picture_name(fingerprint: str, look: IconLook) -> str:
    """Return the icon name of a look's picture."""
    return f"backcare-tray-{fingerprint}-{look.kind}-{look.value}"


def usual_looks() -> list[IconLook]:
    """Return the looks drawn at the start: progress, the steady looks, a minute's countdown."""
    return [
        *(IconLook("working", step) for step in range(PROGRESS_STEPS + 1)),
        *(IconLook(kind) for kind in STEADY_KINDS),
        *(IconLook("stretching", left) for left in range(COUNTDOWN_DRAWN + 1)),
    ]


def looks_drawn_with(look: IconLook) -> list[IconLook]:
    """Return the looks drawn together with a missing one: a countdown's seconds below it too."""
    if look.kind == "stretching":
        return [IconLook("stretching", left) for left in range(look.value + 1)]
    return [look]


def look_argument(name: str, look: IconLook) -> str:
    """Return the helper's argument asking for one picture: NAME=KIND:VALUE."""
    return f"{name}={look.kind}:{look.value}"


def parse_look_argument(argument: str) -> tuple[str, IconLook]:
    """Return the name and look one helper argument asks for."""
    name, _, look = argument.partition("=")
    kind, _, value = look.partition(":")
    return name, IconLook(kind, int(value))


def draw_in_helper(folder: Path, wanted: dict[str, IconLook]) -> None:
    """Draw pictures in a helper process; raise OSError with its last words if it fails."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    arguments = [look_argument(name, look) for name, look in wanted.items()]
    run_helper(
        "backcare_tray.adapters.sni.draw_pictures",
        [str(folder), *arguments],
        HELPER_TIMEOUT,
        "the drawing helper",
    )


def drawn_here(look: IconLook) -> Picture:
    """Return a look's picture drawn in this process, as pixels only (no files)."""
    from backcare_tray.art import draw_icon

    return Picture("", "", tuple(argb_pixmaps(scaled_sizes(draw_icon(look)))))


class PictureCache:
    """The pictures of the icon's looks, in a folder of the user's cache."""

    def __init__(self, root: Path, draw: Draw = draw_in_helper) -> None:
        self.fingerprint = art_fingerprint()
        self.root = root
        self.folder = root / self.fingerprint
        self._draw = draw
        self._failed = False

    def prepare(self) -> None:
        """Draw the usual looks not drawn yet, and remove the folders of older art."""
        if self.root.is_dir():
            for old in self.root.iterdir():
                if old.name != self.fingerprint and FINGERPRINT.fullmatch(old.name):
                    shutil.rmtree(old, ignore_errors=True)
        self._draw_missing(usual_looks())

    def picture(self, look: IconLook) -> Picture:
        """Return a look's picture, drawing it (and its countdown) first if it is missing."""
        name = picture_name(self.fingerprint, look)
        try:
            return read_picture(self.folder, name)
        except PictureUnreadable:
            self._draw_missing(looks_drawn_with(look))
        try:
            return read_picture(self.folder, name)
        except PictureUnreadable as problem:
            self._say_failed(f"{problem}")
            return drawn_here(look)

    def _draw_missing(self, looks: Iterable[IconLook]) -> None:
        """Have the looks whose pictures are not in the folder drawn."""
        names = {picture_name(self.fingerprint, look): look for look in looks}
        wanted = {n: look for n, look in names.items() if not picture_written(self.folder, n)}
        if not wanted:
            return
        try:
            self._draw(self.folder, wanted)
        except OSError as problem:
            self._say_failed(str(problem))
        else:
            log.info("Drew %d tray pictures into %s.", len(wanted), self.folder)

    def _say_failed(self, problem: str) -> None:
        """Log a failure loudly the first time, quietly after."""
        level = logging.DEBUG if self._failed else logging.WARNING
        log.log(
            level,
            "Cannot use the tray pictures in %s (%s); drawing them in the daemon instead, "
            "which costs it about 4 MiB, and hosts that need an icon name show none.",
            self.folder,
            problem,
        )
        self._failed = True
