"""The window commands with no daemon running: the window opens on its own."""

import importlib.util
import subprocess
import sys

from backcare_tray.adapters.app_window import MODULE
from backcare_tray.adapters.coach import tk_install_hint
from backcare_tray.commands import WindowPage
from backcare_tray.i18n import N_, _
from backcare_tray.paths import app_paths

__all__ = ["open_window_alone"]

# What the command says when the window opened with no daemon running, a sentence a page.
OPENED_ALONE: dict[WindowPage, str] = {
    "settings": N_(
        "backcare-tray is not running; the settings window opened on its own "
        "(saved settings are used when it starts)"
    ),
    "progress": N_(
        "backcare-tray is not running; the progress window opened on its own "
        "(saved settings are used when it starts)"
    ),
    "stretches": N_(
        "backcare-tray is not running; the stretch library window opened on its own "
        "(saved settings are used when it starts)"
    ),
}


def _cannot_open() -> str | None:
    """Return why no Tk window can open here, None when one can."""
    if importlib.util.find_spec("tkinter") is None:
        return _("Tk is not available ({hint})").format(hint=tk_install_hint())
    from backcare_tray.adapters.coach import coach_display_problem

    return coach_display_problem()


def open_window_alone(page: WindowPage) -> int:
    """Open the window at a page in a process of its own, not waiting for it; exit status."""
    from backcare_tray.adapters.runtime_dir import RuntimeDirError, runtime_dir
    from backcare_tray.window.single import ask_open_window

    paths = app_paths()
    try:
        said = ask_open_window(runtime_dir().path, paths.config, page)
    except RuntimeDirError:
        said = None  # the window finds no folder either: it opens, alone
    if said is not None:
        print(said)
        return 0
    problem = _cannot_open()
    if problem is not None:
        print(
            _("backcare-tray: the window cannot open: {problem}").format(problem=problem),
            file=sys.stderr,
        )
        return 1
    paths.cache.mkdir(parents=True, exist_ok=True)
    with open(paths.cache / "window.log", "wb") as messages:
        subprocess.Popen(
            [sys.executable, "-P", "-m", MODULE, page, "--config", str(paths.config)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=messages,
            start_new_session=True,
        )
    print(_(OPENED_ALONE[page]))
    return 0
