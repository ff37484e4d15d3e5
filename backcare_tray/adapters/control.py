"""The local control socket: one JSON line in, one JSON line out (never pickle)."""

import json
import logging
import os
import socket
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from backcare_tray.menu import Command

log = logging.getLogger(__name__)

COMMANDS = {"status", "start", "snooze", "done", "skip", "pause", "resume", "cancel", "quit"}
TAKES_SECONDS = {"snooze", "pause"}
MAX_REQUEST = 64 * 1024
CLIENT_TIMEOUT = 5.0

Reply = dict[str, Any]
Handler = Callable[[Command], Reply]


class NotRunning(Exception):
    """No daemon answers on the control socket."""


def parse_request(line: bytes) -> Command:
    """Return the command in a request line; raise ValueError with a reason if malformed."""
    try:
        request = json.loads(line)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"request is not JSON: {error}") from None
    if not isinstance(request, dict):
        raise ValueError("request must be a JSON object")
    name = request.get("command")
    if name not in COMMANDS:
        raise ValueError(f"unknown command {name!r}")
    seconds = request.get("seconds")
    if seconds is not None and (
        name not in TAKES_SECONDS
        or isinstance(seconds, bool)
        or not isinstance(seconds, int)
        or seconds <= 0
    ):
        raise ValueError(f"{name}: seconds {seconds!r} is not a positive whole number here")
    unknown = set(request) - {"command", "seconds"}
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)!r}")
    return Command(name, seconds)


class ControlServer:
    """Serves requests on a Unix socket (mode 0600) from one thread, one client at a time."""

    def __init__(self, path: Path, handler: Handler) -> None:
        self._path = path
        self._handler = handler
        self._stopping = threading.Event()
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        path.unlink(missing_ok=True)  # left by a crash; the instance lock is already ours
        self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._socket.bind(str(path))
        os.chmod(path, 0o600)
        self._socket.listen(8)
        self._thread = threading.Thread(target=self._serve, name="control", daemon=True)

    def start(self) -> None:
        """Start answering requests."""
        self._thread.start()

    def _serve(self) -> None:
        """Accept clients until stopped; blocks in accept, never polls."""
        while True:
            connection, _ = self._socket.accept()
            if self._stopping.is_set():
                connection.close()
                return
            with connection:
                connection.settimeout(CLIENT_TIMEOUT)
                try:
                    self._answer(connection)
                except OSError as error:
                    log.debug("Control client went away: %s", error)

    def _answer(self, connection: socket.socket) -> None:
        """Read one request line and write one reply line."""
        data = b""
        while b"\n" not in data and len(data) <= MAX_REQUEST:
            chunk = connection.recv(4096)
            if not chunk:
                break
            data += chunk
        try:
            if len(data) > MAX_REQUEST:
                raise ValueError("request too long")
            reply = self._handler(parse_request(data.split(b"\n", 1)[0]))
        except ValueError as error:
            reply = {"ok": False, "error": str(error)}
        connection.sendall(json.dumps(reply).encode() + b"\n")

    def stop(self) -> None:
        """Stop serving and remove the socket file."""
        self._stopping.set()
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as waker:
                waker.settimeout(1.0)
                waker.connect(str(self._path))
        except OSError:
            pass
        self._thread.join(timeout=1.0)
        self._socket.close()
        self._path.unlink(missing_ok=True)


def send_request(path: Path, command: Command, timeout: float = CLIENT_TIMEOUT) -> Reply:
    """Send one command to the daemon and return its reply; raise NotRunning if none answers."""
    request: dict[str, Any] = {"command": command.name}
    if command.seconds is not None:
        request["seconds"] = command.seconds
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
        client.settimeout(timeout)
        try:
            client.connect(str(path))
        except (FileNotFoundError, ConnectionRefusedError) as error:
            raise NotRunning(str(error)) from None
        client.sendall(json.dumps(request).encode() + b"\n")
        data = b""
        while not data.endswith(b"\n"):
            chunk = client.recv(65536)
            if not chunk:
                break
            data += chunk
    reply: Reply = json.loads(data)
    return reply
