"""Desktop notifications: the break's one notification, answered by its buttons where possible."""

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from backcare_tray.notice import Notice

__all__ = ["Notifier", "OnAction", "choose_notifier"]

log = logging.getLogger(__name__)

OnAction = Callable[[str], None]


class Notifier(Protocol):
    """Shows, updates and closes the break's one notification."""

    def show(self, notice: Notice) -> bool:
        """Show notice in place of the current one; return False if it could not be shown."""
        ...

    def refresh(self, notice: Notice) -> None:
        """Update the current notification only while it is still shown."""
        ...

    def close(self) -> None:
        """Close the current notification, if any."""
        ...

    def stop(self) -> None:
        """Release what the notifier holds."""
        ...

    def describe(self) -> dict[str, Any]:
        """Return how notifications are shown, for status and bug reports."""
        ...


def choose_notifier(
    platform: str,
    app_icon: Path,
    on_action: OnAction,
    windows_icon: Callable[[], str | None] = lambda: None,
) -> Notifier:
    """Return the freedesktop notifier on Linux and the BSDs, plyer elsewhere (and as fallback).

    On Windows plyer is handed windows_icon's .ico (its balloon reads no PNG), or no icon at
    all while none is drawn; elsewhere it gets the PNG app_icon.
    """
    from backcare_tray.adapters.notifications.plyer_notifier import PlyerNotifier

    png = str(app_icon)
    plyer = PlyerNotifier(windows_icon if platform == "win32" else lambda: png)
    if platform in ("win32", "darwin"):
        return plyer
    from backcare_tray.adapters.notifications.freedesktop import FreedesktopNotifier

    return FreedesktopNotifier(app_icon, on_action, fallback=plyer)
