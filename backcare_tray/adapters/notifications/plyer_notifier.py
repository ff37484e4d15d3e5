"""Notifications through plyer (Windows, macOS, and Linux without a session bus): no buttons."""

import logging
from pathlib import Path
from typing import Any

from backcare_tray.notice import Notice

__all__ = ["PlyerNotifier"]

log = logging.getLogger(__name__)


class PlyerNotifier:
    """Desktop notifications via plyer, logging each outage once with its cause."""

    def __init__(self, app_icon: Path) -> None:
        self._app_icon = str(app_icon)
        self._failing = False
        self._title = ""  # plyer cannot replace a notification: refresh only on a new title

    def describe(self) -> dict[str, Any]:
        """Return how notifications are shown, for status and bug reports."""
        return {"via": "plyer", "server": None, "actions": False, "capabilities": []}

    def show(self, notice: Notice) -> bool:
        """Show notice, with how to answer in the body; on failure log the cause once."""
        self._title = notice.title
        body = f"{notice.body}\n{notice.answer_hint}" if notice.answer_hint else notice.body
        try:
            from plyer import notification

            notification.notify(
                title=notice.title,
                message=body,
                app_name="backcare-tray",
                app_icon=self._app_icon,
                timeout=notice.timeout or 30,
            )
        except Exception as error:  # plyer raises whatever its backend raises
            if not self._failing:
                log.error(
                    "Notifications are not working (%s: %s); the tray icon still shows "
                    "when a stretch is due.",
                    type(error).__name__,
                    error,
                )
            self._failing = True
            return False
        if self._failing:
            log.warning("Notifications work again.")
        self._failing = False
        return True

    def refresh(self, notice: Notice) -> None:
        """Show the next step of a routine as a new notification; skip countdown updates."""
        if notice.title != self._title:
            self.show(notice)

    def close(self) -> None:
        """Forget the shown title (plyer cannot close a notification)."""
        self._title = ""

    def stop(self) -> None:
        """Nothing to release."""
