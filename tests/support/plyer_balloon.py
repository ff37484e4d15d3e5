"""A stand-in for plyer's Windows notification module, put where plyer loads this platform's.

Like plyer 2.1's win32 backend (`plyer/platforms/win/notification.py`), `_notify` starts a
thread of its own with `Thread(target=balloon_tip, kwargs=...)` and returns at once. Like
`WindowsBalloonTip`, the balloon raises `Exception("Could not load icon ...")` in that thread
for an icon that is no .ico (LoadImageW reads none), and otherwise sleeps out the timeout
before it would remove its tray icon. install() loads this file as plyer's module, so its
frames are plyer's, as the real balloon's are.
"""

import importlib.util
import json
import os
import sys
import threading
import time
from types import ModuleType
from typing import Any

from plyer.facades import Notification
from plyer.utils import platform

__all__ = ["NAME", "SHOWN", "BalloonNotification", "balloon_tip", "install", "instance"]

# The module plyer's proxy imports here: its Linux one, or on Windows the real balloon's.
NAME = f"plyer.platforms.{platform}.notification"
LATE = ".late.ico"  # an icon ending so fails only after LATE_AFTER seconds
LATE_AFTER = 1.0
SHOWN: list[dict[str, Any]] = []  # each balloon shown: its fields and its thread's daemon flag
ICON_SUFFIXES = (".ico",)  # what LoadImageW reads; a daemon's test on Linux adds ".png"
LOG_ENV = "BACKCARE_TEST_BALLOON_LOG"  # a file each balloon is written to as a JSON line


def balloon_tip(
    title: str, message: str, app_name: str, app_icon: str = "", timeout: float = 10, **_: Any
) -> None:
    """Show a balloon as plyer's thread does: fail on a non-.ico icon, else sleep it out."""
    if app_icon.endswith(LATE):
        time.sleep(LATE_AFTER)
        raise Exception("Shell_NotifyIconW failed.")
    if app_icon and not app_icon.endswith(ICON_SUFFIXES):
        raise Exception(f"Could not load icon {app_icon}")
    daemon = threading.current_thread().daemon
    SHOWN.append({"title": title, "app_icon": app_icon, "timeout": timeout, "daemon": daemon})
    if os.environ.get(LOG_ENV):
        with open(os.environ[LOG_ENV], "a", encoding="utf-8") as log:
            log.write(json.dumps(SHOWN[-1]) + "\n")
    if timeout:
        time.sleep(timeout)


class BalloonNotification(Notification):  # type: ignore[misc]
    """plyer's WindowsNotification: each balloon in a thread it starts itself."""

    def _notify(self, **kwargs: Any) -> None:
        """Start the balloon's thread, as plyer does, and return."""
        threading.Thread(target=balloon_tip, kwargs=kwargs).start()


def instance() -> BalloonNotification:
    """Return the backend object, as plyer's platform modules do for its proxy."""
    return BalloonNotification()


def install() -> ModuleType:
    """Load this file as plyer's notification module here and put it in sys.modules."""
    spec = importlib.util.spec_from_file_location(NAME, __file__)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sys.modules[NAME] = module
    return module
