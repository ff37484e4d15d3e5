"""One window at a time: the open window listens in the runtime folder for pages to show."""

# The window takes a lock and a control endpoint of its own in `<runtime>/w<id>/` (the
# daemon's own control code: a socket on POSIX, a loopback port with a token on Windows). A
# second window, from the daemon or the command line, finds the lock taken, hands its page to
# the open one and ends; the command line asks that endpoint first when no daemon runs.

import hashlib
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import get_args

from backcare_tray.adapters.control import (
    ControlHome,
    ControlServer,
    ControlUnavailable,
    NoAnswer,
    NotRunning,
    Unreachable,
    endpoint_for,
    send_request,
)
from backcare_tray.adapters.instance_lock import AlreadyRunning
from backcare_tray.adapters.runtime_dir import RuntimeDir
from backcare_tray.commands import Command, Reply, WindowPage, command_named
from backcare_tray.i18n import _
from backcare_tray.wording import window_reply

__all__ = ["FOLDER", "OneWindow", "ask_open_window", "take_the_window"]

FOLDER = "w"  # and the config file's id: w1a2b3c (short: a socket's path is at most 107 bytes)
FORWARD_TIMEOUT = 3.0
PAGES: dict[str, WindowPage] = {page: page for page in get_args(WindowPage)}


class OneWindow:
    """The open window's lock and endpoint, held until it closes."""

    def __init__(self, home: ControlHome, server: ControlServer) -> None:
        self._home = home
        self._server = server

    def close(self) -> None:
        """Stop listening and let the lock go."""
        self._server.stop()
        self._home.release()


def _folder(runtime_dir: Path, config: Path) -> Path:
    """Return the folder of the window for a config file, inside the runtime folder.

    One window a config file: a window editing another file is a window of its own.
    """
    which = hashlib.sha256(os.fsencode(config.expanduser().absolute())).hexdigest()[:6]
    return runtime_dir / f"{FOLDER}{which}"


def ask_open_window(runtime_dir: Path, config: Path, page: WindowPage) -> str | None:
    """Ask the open window of a config, if any, to show a page; None when none answers."""
    name = command_named(page)
    assert name is not None
    try:
        reply = send_request(
            endpoint_for(_folder(runtime_dir, config), sys.platform),
            Command(name),
            FORWARD_TIMEOUT,
        )
    except (NotRunning, NoAnswer, Unreachable, OSError, ValueError):
        return None  # none open, or one that cannot answer: this one opens
    return str(reply.get("message", "")) if reply.get("ok") else None


def take_the_window(
    runtime_dir: Path, config: Path, show: Callable[[WindowPage], None]
) -> OneWindow | str:
    """Become the one window; return why not (a problem to log) when it cannot listen.

    Raises AlreadyRunning when another window is open (it holds the lock).
    """
    folder = _folder(runtime_dir, config)
    home = ControlHome(lambda: RuntimeDir(folder), lambda: [])
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        home.claim()
        home.publish()
    except AlreadyRunning:
        raise
    except (OSError, ControlUnavailable) as problem:
        home.release()
        return str(problem)

    def answer(command: Command, deadline: float) -> Reply:
        page = PAGES.get(command.name)
        if page is None:
            said = _("the window does not do {command}").format(command=repr(command.name))
            return {"ok": False, "error": said}
        show(page)
        return {"ok": True, "message": window_reply(page, "raised")}

    server = ControlServer(home, answer)
    server.start()
    return OneWindow(home, server)
