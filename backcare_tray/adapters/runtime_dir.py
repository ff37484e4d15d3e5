"""The runtime folder (the control socket and the lock): one rule for the daemon and the CLI."""

# runtime_dir() is the only way the daemon and the command line find the folder, so the same
# environment gives both the same answer: the first usable of
#
# 1. $XDG_RUNTIME_DIR/backcare-tray (macOS: platformdirs' runtime folder), missing parts made
#    0700 on the way;
# 2. /run/user/<uid>/backcare-tray when XDG_RUNTIME_DIR is not that folder and logind has made
#    it (never made here), so a command without the session's environment (sudo -u, cron) still
#    finds the session's daemon;
# 3. $TMPDIR/backcare-tray-<uid> (or /tmp/...), made 0700.
#
# A base folder (XDG_RUNTIME_DIR, /run/user/<uid>) is passed over, with the reason noted, when
# it is unset, relative, not a folder, someone else's, writable by group or others, cannot be
# made, or too long a path for a Unix socket. The app's own folder is never passed over: owned
# by someone else, a symbolic link, or writable by others, it is refused with a message (a
# folder someone else controls could hold their socket), since falling back past it would let
# the daemon and a command line that see it differently part ways. Making a folder is part of
# the rule, so making it once changes no later answer: the rule gives the same folder again.
# Windows has no owners or modes to check: its folder is platformdirs' one.

import os
import stat
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "APP_FOLDER",
    "LONGEST_NAME",
    "RuntimeDir",
    "RuntimeDirError",
    "runtime_dir",
    "runtime_places",
    "unix_path_limit",
]

APP_FOLDER = "backcare-tray"
# The longest name the daemon puts in the folder. The open window's socket, deeper, may not
# fit where this barely does: the window then opens without listening (window/single.py).
LONGEST_NAME = "control.sock"
RUN_USER = Path("/run/user")


class RuntimeDirError(Exception):
    """No runtime folder can be used safely; the message says why and what to do."""


@dataclass(frozen=True)
class RuntimeDir:
    """The runtime folder chosen, and why each earlier choice was passed over."""

    path: Path
    passed_over: tuple[str, ...] = ()

    @property
    def note(self) -> str | None:
        """Return why the first choice was not used, or None when it was."""
        return "; ".join(self.passed_over) if self.passed_over else None


@dataclass(frozen=True)
class _Place:
    """A candidate: its base folder, the app's folder in it, and whether the base may be made."""

    what: str
    base: Path
    folder: Path
    make_base: bool
    private_base: bool  # the base must be the user's own (not a shared /tmp)


def unix_path_limit(platform: str = sys.platform) -> int:
    """Return the longest path a Unix socket can be bound to, in bytes."""
    return 107 if platform.startswith("linux") else 103  # sun_path less its final NUL


def _places(environ: Mapping[str, str], platform: str, uid: int, run_user: Path) -> list[_Place]:
    """Return the candidates in order (the pure part of the rule)."""
    places = []
    xdg = environ.get("XDG_RUNTIME_DIR", "")
    if platform == "darwin":
        import platformdirs

        base = Path(platformdirs.user_cache_dir()) / "TemporaryItems"
        places.append(_Place("the user's runtime folder", base, base / APP_FOLDER, True, True))
    elif xdg:
        places.append(_Place("XDG_RUNTIME_DIR", Path(xdg), Path(xdg) / APP_FOLDER, True, True))
    if platform.startswith("linux") and Path(xdg) != run_user / str(uid):
        base = run_user / str(uid)
        places.append(_Place("logind's folder", base, base / APP_FOLDER, False, True))
    temp = environ.get("TMPDIR", "")
    base = Path(temp) if temp.startswith("/") else Path("/tmp")
    places.append(_Place("the temporary folder", base, base / f"{APP_FOLDER}-{uid}", False, False))
    return places


def _base_problem(place: _Place, uid: int, platform: str) -> str | None:
    """Return why a base folder cannot be used (making it when allowed), or None."""
    base = place.base
    if not base.is_absolute():
        return f"{place.what} {str(base)!r} is not an absolute path"
    if len(os.fsencode(place.folder / LONGEST_NAME)) > unix_path_limit(platform):
        return f"{place.what} {base} is too long a path for a Unix socket"
    try:
        info = os.stat(base)
    except (FileNotFoundError, NotADirectoryError):
        if not place.make_base:
            return f"{place.what} {base} does not exist"
        try:
            _make_private(base)
            info = os.stat(base)
        except OSError as error:
            return f"{place.what} {base} cannot be made: {error.strerror or error}"
    except OSError as error:
        return f"{place.what} {base} cannot be read: {error.strerror or error}"
    if not stat.S_ISDIR(info.st_mode):
        return f"{place.what} {base} is not a folder"
    if place.private_base:
        if info.st_uid != uid:
            return f"{place.what} {base} belongs to uid {info.st_uid}, not to you (uid {uid})"
        if info.st_mode & 0o022:
            return f"{place.what} {base} is writable by others (mode {info.st_mode & 0o777:04o})"
    elif info.st_mode & 0o022 and not info.st_mode & stat.S_ISVTX:
        return f"{place.what} {base} is writable by others and not sticky"
    return None


def _make_private(path: Path) -> None:
    """Make a folder and its missing parents, each one mode 0700 whatever the umask."""
    missing = []
    while not path.exists() and path != path.parent:
        missing.append(path)
        path = path.parent
    for folder in reversed(missing):
        try:
            os.mkdir(folder, 0o700)
        except FileExistsError:
            continue  # made meanwhile by someone: the checks that follow judge it
        os.chmod(folder, 0o700)


def _settle_folder(place: _Place, uid: int) -> Path:
    """Make the app's folder if missing and check it is safe; raise RuntimeDirError if not."""
    folder = place.folder
    try:
        os.mkdir(folder, 0o700)
        os.chmod(folder, 0o700)
    except FileExistsError:
        pass
    except OSError as error:
        raise RuntimeDirError(
            f"cannot make the runtime folder {folder}: {error.strerror or error}"
        ) from None
    info = os.lstat(folder)
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode):
        raise RuntimeDirError(
            f"{folder} is not a folder (a symbolic link or a file): remove it, or set "
            "XDG_RUNTIME_DIR to a folder of your own"
        )
    if info.st_uid != uid:
        raise RuntimeDirError(
            f"{folder} belongs to uid {info.st_uid}, not to you (uid {uid}): someone else made "
            "it; remove it, or set XDG_RUNTIME_DIR to a folder of your own"
        )
    if info.st_mode & 0o022:
        raise RuntimeDirError(
            f"{folder} is writable by others (mode {info.st_mode & 0o777:04o}): make it "
            f"private with `chmod 700 {folder}`"
        )
    if info.st_mode & 0o077:
        os.chmod(folder, 0o700)  # ours and only readable by others (an older release): tighten
    return folder


def runtime_dir(
    environ: Mapping[str, str] | None = None,
    *,
    platform: str = sys.platform,
    run_user: Path = RUN_USER,
) -> RuntimeDir:
    """Return the runtime folder by the one rule, made if missing; raise RuntimeDirError."""
    environ = os.environ if environ is None else environ
    if platform == "win32":
        import platformdirs

        folder = Path(platformdirs.user_runtime_dir(APP_FOLDER, appauthor=False))
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise RuntimeDirError(f"cannot make the runtime folder {folder}: {error}") from None
        return RuntimeDir(folder)
    uid = os.geteuid()
    passed_over: list[str] = []
    for place in _places(environ, platform, uid, run_user):
        problem = _base_problem(place, uid, platform)
        if problem is None:
            return RuntimeDir(_settle_folder(place, uid), tuple(passed_over))
        passed_over.append(problem)
    raise RuntimeDirError(
        "no usable runtime folder: " + "; ".join(passed_over) + "; set XDG_RUNTIME_DIR to a "
        "private folder of your own"
    )


def runtime_places(
    environ: Mapping[str, str] | None = None,
    *,
    platform: str = sys.platform,
    run_user: Path = RUN_USER,
) -> list[Path]:
    """Return every folder of the rule that exists now and is safe (made by none of this)."""
    environ = os.environ if environ is None else environ
    if platform == "win32":
        return []
    uid = os.geteuid()
    found = []
    for place in _places(environ, platform, uid, run_user):
        try:
            base, folder = os.stat(place.base), os.lstat(place.folder)
        except OSError:
            continue
        private = base.st_uid == uid and not base.st_mode & 0o022
        if (private or not place.private_base) and _safe(folder, uid):
            found.append(place.folder)
    return found


def _safe(info: os.stat_result, uid: int) -> bool:
    """Return True for a real folder of the user's that nobody else can write to."""
    return stat.S_ISDIR(info.st_mode) and info.st_uid == uid and not info.st_mode & 0o022
