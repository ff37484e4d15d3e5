"""Idle time on Wayland, from the compositor's idle notifications (no polling, no library)."""

# Wayland has no "how long idle?" question; a client asks to be told when the seat has been
# idle for a while (ext-idle-notify-v1: newer wlroots compositors, KDE Plasma 6, Hyprland,
# niri; or KDE's older org_kde_kwin_idle, offered by sway 1.7 and KWin 5) and when input
# resumes. One thread reads those two events from the socket; idle time is the seconds since
# the "idle" event plus the wait it was asked for. The wire format is small enough to speak
# directly: each message is the object id, then size << 16 | opcode, then 32-bit arguments.

import logging
import os
import socket
import struct
import threading
import time
from collections.abc import Callable
from pathlib import Path

from backcare_tray.adapters.idle.base import NeverLocked, ProbeError

__all__ = ["IDLE_AFTER_MS", "REQUESTS", "WaylandIdleProbe", "wayland_socket_path"]

log = logging.getLogger(__name__)

IDLE_AFTER_MS = 5000  # idle shorter than this reads as 0, far below any natural break
DISPLAY_ID, REGISTRY_ID, CALLBACK_ID, SEAT_ID, MANAGER_ID, NOTIFICATION_ID = range(1, 7)
# The requests that create an idle notification, best first: (manager interface, the version
# it must offer, the request's opcode, whether the timeout comes before the seat). Version 2
# of ext-idle-notify-v1 tells idle from input alone, not held off by another application's
# idle inhibitor (a video playing).
REQUESTS = (
    ("ext_idle_notifier_v1", 2, 2, True),  # get_input_idle_notification(id, timeout, seat)
    ("ext_idle_notifier_v1", 1, 1, True),  # get_idle_notification(id, timeout, seat)
    ("org_kde_kwin_idle", 1, 0, False),  # get_idle_timeout(id, seat, timeout)
)
EVENT_IDLE, EVENT_RESUMED = 0, 1  # the same in both protocols


def wayland_socket_path(env: dict[str, str] | os._Environ[str] = os.environ) -> Path | None:
    """Return the compositor's socket, as libwayland finds it, or None outside Wayland."""
    name = env.get("WAYLAND_DISPLAY")
    if not name:
        return None
    if name.startswith("/"):
        return Path(name)
    runtime = env.get("XDG_RUNTIME_DIR")
    return Path(runtime) / name if runtime else None


def _string(text: str) -> bytes:
    """Encode a Wayland string argument: length with the NUL, then bytes padded to 4."""
    data = text.encode() + b"\0"
    return struct.pack("=I", len(data)) + data + b"\0" * (-len(data) % 4)


def _message(object_id: int, opcode: int, arguments: bytes) -> bytes:
    """Encode one request."""
    return struct.pack("=II", object_id, (8 + len(arguments)) << 16 | opcode) + arguments


def _bind(name: int, interface: str, new_id: int, version: int = 1) -> bytes:
    """Encode wl_registry.bind(name, interface, version, new id)."""
    arguments = struct.pack("=I", name) + _string(interface) + struct.pack("=II", version, new_id)
    return _message(REGISTRY_ID, 0, arguments)


class _Reader:
    """Splits the bytes read from the socket into (object id, opcode, arguments)."""

    def __init__(self, connection: socket.socket) -> None:
        self._connection = connection
        self._buffer = b""

    def next(self) -> tuple[int, int, bytes]:
        """Return the next event; raise EOFError when the compositor closes the socket."""
        while True:
            if len(self._buffer) >= 8:
                object_id, word = struct.unpack_from("=II", self._buffer)
                size = word >> 16
                if size < 8:
                    raise EOFError(f"malformed Wayland message (size {size})")
                if len(self._buffer) >= size:
                    event = (object_id, word & 0xFFFF, self._buffer[8:size])
                    self._buffer = self._buffer[size:]
                    return event
            data = self._connection.recv(4096)
            if not data:
                raise EOFError("the compositor closed the connection")
            self._buffer += data


def _globals(reader: _Reader) -> dict[str, tuple[int, int]]:
    """Read registry globals until the sync callback: interface -> (name, version)."""
    found: dict[str, tuple[int, int]] = {}
    while True:
        object_id, opcode, arguments = reader.next()
        if object_id == CALLBACK_ID:
            return found
        if object_id == DISPLAY_ID and opcode == 0:  # wl_display.error
            raise ProbeError("the compositor refused the idle probe's requests")
        if object_id == REGISTRY_ID and opcode == 0:  # wl_registry.global
            name, length = struct.unpack_from("=II", arguments)
            interface = arguments[8 : 8 + length - 1].decode(errors="replace")
            (version,) = struct.unpack_from("=I", arguments, 8 + length + (-length % 4))
            found[interface] = (name, version)


class WaylandIdleProbe(NeverLocked):
    """Idle time from the compositor's idle notifications (blind where it offers neither)."""

    name = "wayland"

    def __init__(
        self,
        path: Path | None = None,
        idle_after_ms: int = IDLE_AFTER_MS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._path = path if path is not None else wayland_socket_path()
        self._idle_after_ms = idle_after_ms
        self._clock = clock
        self._idle_since: float | None = None  # when the compositor said "idle"
        self._problem: str | None = None
        self._connection: socket.socket | None = None
        self._reader: _Reader | None = None
        self.protocol = ""

    def idle_seconds(self) -> float:
        """Return seconds since the last input (0 for the first few); raise when blind."""
        if self._connection is None and self._problem is None:
            self._connect()
        if self._problem is not None:
            raise ProbeError(self._problem)
        since = self._idle_since
        return 0.0 if since is None else self._clock() - since + self._idle_after_ms / 1000

    def _connect(self) -> None:
        """Ask the compositor for idle notifications and start the thread that hears them."""
        if self._path is None:
            raise ProbeError("not a Wayland session (no WAYLAND_DISPLAY)")
        connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM | socket.SOCK_CLOEXEC)
        try:
            connection.settimeout(2)
            connection.connect(str(self._path))
            self._ask(connection)
        except (OSError, EOFError, struct.error) as error:
            connection.close()
            raise ProbeError(f"{type(error).__name__}: {error}") from None
        except ProbeError:
            connection.close()
            raise
        connection.settimeout(None)
        self._connection = connection
        threading.Thread(target=self._listen, name="wayland-idle", daemon=True).start()

    def _ask(self, connection: socket.socket) -> None:
        """Bind the seat and an idle manager, and create the notification."""
        connection.sendall(
            _message(DISPLAY_ID, 1, struct.pack("=I", REGISTRY_ID))  # get_registry
            + _message(DISPLAY_ID, 0, struct.pack("=I", CALLBACK_ID))  # sync
        )
        self._reader = _Reader(connection)
        offered = _globals(self._reader)
        chosen = next((r for r in REQUESTS if r[0] in offered and offered[r[0]][1] >= r[1]), None)
        if chosen is None or "wl_seat" not in offered:
            raise ProbeError("the compositor offers neither ext-idle-notify-v1 nor KDE's idle")
        manager, version, opcode, timeout_first = chosen
        timeout = self._idle_after_ms
        arguments = (
            struct.pack("=III", NOTIFICATION_ID, timeout, SEAT_ID)
            if timeout_first
            else struct.pack("=III", NOTIFICATION_ID, SEAT_ID, timeout)
        )
        connection.sendall(
            _bind(offered["wl_seat"][0], "wl_seat", SEAT_ID)
            + _bind(offered[manager][0], manager, MANAGER_ID, version)
            + _message(MANAGER_ID, opcode, arguments)
        )
        self.protocol = manager if version == 1 else f"{manager} (input only)"

    def _listen(self) -> None:
        """Follow idle and resumed events until the compositor goes away."""
        assert self._reader is not None
        try:
            while True:
                object_id, opcode, _ = self._reader.next()
                if object_id == NOTIFICATION_ID and opcode == EVENT_IDLE:
                    self._idle_since = self._clock()
                elif object_id == NOTIFICATION_ID and opcode == EVENT_RESUMED:
                    self._idle_since = None
                elif object_id == DISPLAY_ID and opcode == 0:
                    raise EOFError("the compositor sent an error")
        except (OSError, EOFError, struct.error) as error:
            self._problem = f"the Wayland connection ended: {error}"
            log.warning("Idle time from Wayland stopped: %s", error)
        finally:
            if self._connection is not None:
                self._connection.close()  # the daemon makes a new probe when it looks again
