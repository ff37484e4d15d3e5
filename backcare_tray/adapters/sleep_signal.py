"""Hear logind's PrepareForSleep(false) on the system bus, so a resume is noticed at once."""

import contextlib
import logging
import socket
import threading
from collections.abc import Callable
from typing import Any

__all__ = ["LOGIND_INTERFACE", "LOGIND_PATH", "SleepSignalListener"]

log = logging.getLogger(__name__)

LOGIND_PATH = "/org/freedesktop/login1"
LOGIND_INTERFACE = "org.freedesktop.login1.Manager"


class SleepSignalListener:
    """A thread blocked on the system bus (no polling) that calls on_resume after a suspend."""

    def __init__(self, on_resume: Callable[[], None]) -> None:
        self._on_resume = on_resume
        self._connection: Any = None
        self._thread: threading.Thread | None = None

    def start(self) -> bool:
        """Subscribe to the signal; return False (and say why in the log) where there is none."""
        from jeepney import MatchRule
        from jeepney.bus_messages import message_bus
        from jeepney.io.blocking import open_dbus_connection

        rule = MatchRule(
            type="signal", interface=LOGIND_INTERFACE, member="PrepareForSleep", path=LOGIND_PATH
        )
        try:
            self._connection = open_dbus_connection(bus="SYSTEM")
            self._connection.send_and_get_reply(message_bus.AddMatch(rule), timeout=2)
        except Exception as error:  # no system bus (containers, macOS, Windows)
            log.info("No logind sleep signal (%s); suspend is noticed from the clocks.", error)
            self._connection = None
            return False
        self._thread = threading.Thread(target=self._listen, name="sleep-signal", daemon=True)
        self._thread.start()
        return True

    def _listen(self) -> None:
        """Wait for signals until the connection is shut down."""
        while True:
            try:
                message = self._connection.receive()
            except Exception:  # shut down by stop(), or the bus went away
                return
            if message.body == (False,):  # False: the machine has just woken up
                self._on_resume()

    def stop(self) -> None:
        """Stop listening."""
        if self._connection is None:
            return
        with contextlib.suppress(OSError):
            self._connection.sock.shutdown(socket.SHUT_RDWR)
        if self._thread is not None:
            self._thread.join(timeout=1.0)
        self._connection.close()
        self._connection = None
