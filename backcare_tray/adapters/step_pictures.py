"""The built-in stretches' step pictures, drawn once by a helper process into the user's cache."""

# The daemon shows a picture per step (in the notification, in the coach window) but must not
# load Pillow (about 4 MiB of its private memory), so a short-lived helper process draws every
# built-in step picture at once into a folder named by a checksum of the drawing code, and the
# daemon only hands out file names. A folder of older drawing code is removed. Nothing here
# draws or waits on the daemon's loop: path() answers from what is on disk. The file names are
# built as strings, not Paths (pathlib would intern each one for good). The same helper writes
# the application icon as a Windows .ico, which plyer's balloon on Windows needs (it loads its
# icon with LoadImageW, which reads no PNG).

import logging
import os
import re
import shutil
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from backcare_tray.adapters.helper_process import run_helper
from backcare_tray.exercises import Exercise, builtin_exercises
from backcare_tray.paths import app_icon_path

__all__ = [
    "CACHE_FOLDER",
    "COACH_SIZE",
    "HELPER",
    "HELPER_TIMEOUT",
    "ICON_ARGUMENT",
    "ICON_FILE",
    "LOOKS",
    "NOTIFICATION_SIZE",
    "PICTURE_SIZES",
    "IconFile",
    "LookPicture",
    "StepPicture",
    "StepPictures",
    "draw_in_helper",
    "drawing_fingerprint",
    "every_look",
    "every_picture",
    "parse_look_argument",
    "parse_picture_argument",
    "picture_argument",
]

log = logging.getLogger(__name__)

NOTIFICATION_SIZE = 128  # the notification's image
COACH_SIZE = 384  # the coach window's picture
PICTURE_SIZES = (NOTIFICATION_SIZE, COACH_SIZE)
CACHE_FOLDER = "step-pictures"  # under the user's cache folder, beside the tray's "pictures"
HELPER = "backcare_tray.adapters.draw_step_pictures"
HELPER_TIMEOUT = 60.0  # seconds: drawing every built-in picture takes about a second
PACKAGE = Path(__file__).resolve().parents[1]
DRAWN_FROM = ("poses.py", "figure.py", "art.py", "adapters/draw_step_pictures.py")
FINGERPRINT = re.compile(r"[0-9a-f]{8}")
SIDE_NAMES = ("left", "right")
# The stretches drawn here (one pose per step, poses.STEP_POSES): the built-in ones. The
# daemon knows them by id and step count, without loading the pose data itself.
_BUILTIN_IDS = frozenset(exercise.id for exercise in builtin_exercises())
# The tray looks a notification may carry as its icon (a routine's picture is its image):
# due, snoozed, counted (working), stopped (whatever the state went back to).
LOOKS = ("working", "due", "snoozed", "paused", "off", "away")
LOOK_ARGUMENT = "look:"
ICON_ARGUMENT = "icon:ico"
ICON_FILE = "backcare.ico"


class IconFile(NamedTuple):
    """The application icon as a Windows .ico of every size Windows picks from."""

    @property
    def file_name(self) -> str:
        """Return the icon's file name in the folder."""
        return ICON_FILE


class LookPicture(NamedTuple):
    """A tray look drawn as a notification's icon."""

    kind: str
    size: int

    @property
    def file_name(self) -> str:
        """Return the picture's file name in the folder."""
        return f"look-{self.kind}-{self.size}.png"


def parse_look_argument(argument: str) -> LookPicture | None:
    """Return the look one helper argument asks for, None when it asks for a step."""
    if not argument.startswith(LOOK_ARGUMENT):
        return None
    kind, size = argument.removeprefix(LOOK_ARGUMENT).split(":")
    return LookPicture(kind, int(size))


class StepPicture(NamedTuple):
    """One picture to draw: a built-in stretch's step (0-based), its side and size."""

    exercise_id: str
    step: int
    side_index: int | None  # 0 left, 1 right; None for a stretch without sides
    size: int

    @property
    def file_name(self) -> str:
        """Return the picture's file name in the folder."""
        side = "" if self.side_index is None else f"-{SIDE_NAMES[self.side_index]}"
        return f"{self.exercise_id}-{self.step + 1}{side}-{self.size}.png"


Wanted = StepPicture | LookPicture | IconFile
Draw = Callable[[Path, Sequence[Wanted]], None]


def drawing_fingerprint() -> str:
    """Return a checksum of the code the pictures are drawn by and of the icon's base art."""
    checksum = 0
    for path in (*(PACKAGE / name for name in DRAWN_FROM), app_icon_path()):
        checksum = zlib.crc32(path.read_bytes(), checksum)
    return f"{checksum:08x}"


def every_look() -> list[LookPicture]:
    """Return every tray look a notification carries as its icon."""
    return [LookPicture(kind, NOTIFICATION_SIZE) for kind in LOOKS]


def every_picture() -> list[StepPicture]:
    """Return every built-in step picture: each stretch's steps, sides and sizes."""
    found: list[StepPicture] = []
    for exercise in builtin_exercises():
        sides: tuple[int | None, ...] = (0, 1) if exercise.sides else (None,)
        for step in range(len(exercise.steps)):
            for side in sides:
                found.extend(StepPicture(exercise.id, step, side, size) for size in PICTURE_SIZES)
    return found


def picture_argument(picture: Wanted) -> str:
    """Return the helper's argument for one picture: ID:STEP:SIDE:SIZE, look:KIND:SIZE, icon:ico."""
    if isinstance(picture, IconFile):
        return ICON_ARGUMENT
    if isinstance(picture, LookPicture):
        return f"{LOOK_ARGUMENT}{picture.kind}:{picture.size}"
    side = "-" if picture.side_index is None else str(picture.side_index)
    return f"{picture.exercise_id}:{picture.step}:{side}:{picture.size}"


def parse_picture_argument(argument: str) -> StepPicture:
    """Return the picture one helper argument asks for."""
    exercise_id, step, side, size = argument.split(":")
    return StepPicture(exercise_id, int(step), None if side == "-" else int(side), int(size))


def draw_in_helper(folder: Path, pictures: Sequence[Wanted]) -> None:
    """Draw pictures in one helper process; raise OSError with its last words if it fails."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    arguments = [str(folder), *map(picture_argument, pictures)]
    run_helper(HELPER, arguments, HELPER_TIMEOUT, "the drawing helper")


class StepPictures:
    """The built-in stretches' step pictures, in a folder of the user's cache."""

    def __init__(self, root: Path, draw: Draw = draw_in_helper) -> None:
        self.fingerprint = drawing_fingerprint()
        self.root = root
        self.folder = root / self.fingerprint
        self._folder_text = str(self.folder)
        self._draw = draw
        self._failed = False
        self.problem: str | None = None  # the last problem drawing them, None once drawn

    def prepare(self) -> None:
        """Remove the folders of older drawing code and draw every missing picture; never raise."""
        try:
            self._remove_old()
            wanted: list[Wanted] = [*every_picture(), *every_look(), IconFile()]
            missing = [p for p in wanted if not self._exists(p.file_name)]
            if not missing:
                return
            self._draw(self.folder, missing)
        except OSError as problem:
            self._say_failed(str(problem))
            return
        undrawn = sum(1 for p in missing if not self._exists(p.file_name))
        if undrawn:
            self._say_failed(f"the drawing helper left {undrawn} of {len(missing)} undrawn")
            return
        self.problem = None
        log.info("Drew %d step pictures into %s.", len(missing), self.folder)

    def path(self, exercise: Exercise, step: int, side_index: int | None, size: int) -> str | None:
        """Return a step's picture file: the stretch's own, else the drawn one if on disk."""
        # The stretch's own picture serves both sides. A stretch with sides asked for none gets
        # its first side's picture; one without sides ignores the side asked for.
        if exercise.pictures:
            return exercise.pictures[step] if 0 <= step < len(exercise.pictures) else None
        drawn = exercise.steps if exercise.id in _BUILTIN_IDS else ()  # only built-ins are drawn
        if not 0 <= step < len(drawn) or size not in PICTURE_SIZES:
            return None
        side = (side_index or 0) if exercise.sides else None
        name = os.path.join(self._folder_text, StepPicture(exercise.id, step, side, size).file_name)
        return name if os.path.exists(name) else None

    def look_path(self, look: str) -> str | None:
        """Return a tray look's picture at a notification's size (a routine: the base art)."""
        kind = look if look in LOOKS else "working"
        name = os.path.join(self._folder_text, LookPicture(kind, NOTIFICATION_SIZE).file_name)
        return name if os.path.exists(name) else None

    def icon_path(self) -> str | None:
        """Return the application icon's .ico file if it is drawn, else None."""
        name = os.path.join(self._folder_text, ICON_FILE)
        return name if os.path.exists(name) else None

    def describe(self) -> dict[str, Any]:
        """Return what status and doctor say: the folder, how many are drawn, the last problem."""
        wanted = every_picture()
        try:
            present = set(os.listdir(self._folder_text))
        except OSError:
            present = set()
        return {
            "folder": self._folder_text,
            "drawn": sum(1 for p in wanted if p.file_name in present),
            "wanted": len(wanted),
            "icon": ICON_FILE in present,
            "problem": self.problem,
        }

    def _exists(self, file_name: str) -> bool:
        """Return True when a picture's file is in the folder."""
        return os.path.exists(os.path.join(self._folder_text, file_name))

    def _remove_old(self) -> None:
        """Remove the folders that older drawing code filled, and nothing else."""
        if not self.root.is_dir():
            return
        for old in self.root.iterdir():
            if old.name != self.fingerprint and FINGERPRINT.fullmatch(old.name) and old.is_dir():
                shutil.rmtree(old, ignore_errors=True)

    def _say_failed(self, problem: str) -> None:
        """Log a failure as a warning the first time, at debug level after."""
        level = logging.DEBUG if self._failed else logging.WARNING
        log.log(
            level,
            "Cannot draw the stretches' step pictures into %s (%s); they are shown without.",
            self.folder,
            problem,
        )
        self._failed = True
        self.problem = problem
