"""The progress page: today, the week and the month, drawn from the history."""

from tkinter import ttk
from typing import Any

from backcare_tray.window.host import Host

__all__ = ["ProgressPage"]


class ProgressPage:
    """Stretches done against the goal, streaks and the sitting itself."""

    def __init__(self, app: Host) -> None:
        self.app = app
        self.frame = ttk.Frame(app.tabs, padding=(12, 10))

    def shown(self) -> None:
        """Fill the page the first time it is shown."""

    def where_things_are(self) -> dict[str, Any]:
        """Return where the page's parts are on the screen, for tests."""
        return {}
