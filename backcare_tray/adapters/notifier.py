"""Show notifications through plyer; a failure is logged once per outage, never fatal."""

import logging
from pathlib import Path
from typing import Protocol

from backcare_tray.wording import APP_NAME, Message

log = logging.getLogger(__name__)


class Notifier(Protocol):
    """Something that shows a notification and says whether it worked."""

    def show(self, message: Message) -> bool:
        """Show message; return False if it could not be shown."""
        ...


class PlyerNotifier:
    """Desktop notifications via plyer, logging each outage once with its cause."""

    def __init__(self, app_icon: Path) -> None:
        self._app_icon = str(app_icon)
        self._failing = False

    def show(self, message: Message) -> bool:
        """Show message; on failure log the cause once until notifications work again."""
        try:
            from plyer import notification

            notification.notify(
                title=message.title,
                message=message.body,
                app_name=APP_NAME,
                app_icon=self._app_icon,
                timeout=message.timeout,
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
