"""Record what crosses the test session bus, as dbus-monitor does (BecomeMonitor)."""

import threading
import time
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Seen:
    """One message seen on the bus: a call or a signal, with its arguments."""

    at: float  # time.monotonic() when it was read
    kind: str  # "call", "signal", "return" or "error"
    member: str | None
    body: tuple[Any, ...]
    sender: str | None
    destination: str | None
    serial: int
    reply_serial: int | None = None


class BusMonitor:
    """Becomes a monitor on the session bus and keeps every message of an interface."""

    def __init__(self, interface: str) -> None:
        from jeepney import DBusAddress, new_method_call
        from jeepney.io.blocking import open_dbus_connection

        self._connection = open_dbus_connection(bus="SESSION")
        monitoring = DBusAddress(
            "/org/freedesktop/DBus",
            bus_name="org.freedesktop.DBus",
            interface="org.freedesktop.DBus.Monitoring",
        )
        rules = [f"interface='{interface}'", "type='method_return'", "type='error'"]
        self._connection.send(new_method_call(monitoring, "BecomeMonitor", "asu", (rules, 0)))
        self._lock = threading.Lock()
        self._seen: list[Seen] = []
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        """Keep every message until the connection closes."""
        from jeepney import MessageType
        from jeepney.low_level import HeaderFields

        kinds = {
            MessageType.method_call: "call",
            MessageType.signal: "signal",
            MessageType.method_return: "return",
            MessageType.error: "error",
        }
        while True:
            try:
                message = self._connection.receive()
            except (OSError, ConnectionError, EOFError):
                return
            fields = message.header.fields
            seen = Seen(
                time.monotonic(),
                kinds[message.header.message_type],
                fields.get(HeaderFields.member),
                message.body,
                fields.get(HeaderFields.sender),
                fields.get(HeaderFields.destination),
                message.header.serial,
                fields.get(HeaderFields.reply_serial),
            )
            with self._lock:
                self._seen.append(seen)

    def seen(self) -> list[Seen]:
        """Return everything seen so far, oldest first."""
        with self._lock:
            return list(self._seen)

    def calls(self, member: str) -> list[Seen]:
        """Return the method calls of this name."""
        return [s for s in self.seen() if s.kind == "call" and s.member == member]

    def reply_to(self, call: Seen) -> Seen | None:
        """Return the reply to a call from the same sender, if it came."""
        for seen in self.seen():
            replied = seen.kind in ("return", "error") and seen.destination == call.sender
            if replied and seen.reply_serial == call.serial:
                return seen
        return None

    def close(self) -> None:
        """Stop monitoring."""
        import socket

        self._connection.sock.shutdown(socket.SHUT_RDWR)
        self._thread.join(5)
        self._connection.close()
