"""Idle time on X11, from the X server's MIT-SCREEN-SAVER extension."""

from typing import TYPE_CHECKING

from backcare_tray.adapters.idle.base import NeverLocked, ProbeError

if TYPE_CHECKING:
    from backcare_tray.adapters.x11_wire import X11Connection

__all__ = ["X11IdleProbe"]


class X11IdleProbe(NeverLocked):
    """Idle time from the X server's MIT-SCREEN-SAVER extension (blind on Wayland)."""

    name = "x11"

    def __init__(self) -> None:
        self._connection: X11Connection | None = None

    def idle_seconds(self) -> float:
        """Ask the X server how long it has seen no input."""
        from backcare_tray.adapters.x11_wire import X11Connection, X11Error

        try:
            if self._connection is None:
                self._connection = X11Connection()
            return self._connection.idle_milliseconds() / 1000
        except X11Error as problem:
            if self._connection is not None:
                self._connection.close()
                self._connection = None
            raise ProbeError(str(problem)) from None
