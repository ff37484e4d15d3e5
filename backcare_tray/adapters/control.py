"""The local control channel: one JSON line in, one JSON line out (never pickle)."""

# On Linux and macOS it is a Unix socket (mode 0600) in the user's runtime dir. Windows Python
# has no AF_UNIX, so there it is a loopback TCP port whose number and a random token are kept
# in a file in the user's runtime dir; every request must carry that token.

import json
import logging
import os
import secrets
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from backcare_tray.adapters.state_file import write_atomically
from backcare_tray.menu import Command

log = logging.getLogger(__name__)

COMMANDS = {
    "status",
    "start",
    "snooze",
    "done",
    "skip",
    "pause",
    "pause-tomorrow",
    "resume",
    "cancel",
    "reload",
    "quit",
}
TAKES_SECONDS = {"snooze", "pause"}
MAX_REQUEST = 64 * 1024
CLIENT_TIMEOUT = 5.0
LOOPBACK = "127.0.0.1"

Reply = dict[str, Any]
Handler = Callable[[Command], Reply]


class NotRunning(Exception):
    """No daemon answers on the control channel."""


@dataclass(frozen=True)
class Endpoint:
    """Where the daemon listens: a Unix socket, or a file naming a loopback port and token."""

    kind: Literal["unix", "tcp"]
    path: Path


def endpoint_for(runtime_dir: Path, platform: str) -> Endpoint:
    """Return the control endpoint for a platform."""
    if platform == "win32":
        return Endpoint("tcp", runtime_dir / "control.port")
    return Endpoint("unix", runtime_dir / "control.sock")


def parse_request(line: bytes, token: str | None = None) -> Command:
    """Return the command in a request line; raise ValueError with a reason if malformed."""
    try:
        request = json.loads(line)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"request is not JSON: {error}") from None
    if not isinstance(request, dict):
        raise ValueError("request must be a JSON object")
    if token is not None and not secrets.compare_digest(str(request.get("token", "")), token):
        raise ValueError("request does not carry this daemon's token")
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
    unknown = set(request) - {"command", "seconds", "token"}
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)!r}")
    return Command(name, seconds)


def _listen(endpoint: Endpoint) -> tuple[socket.socket, str | None]:
    """Open the listening socket; return it and the token requests must carry (if any)."""
    endpoint.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    endpoint.path.unlink(missing_ok=True)  # left by a crash; the instance lock is already ours
    if endpoint.kind == "unix":
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(str(endpoint.path))
        os.chmod(endpoint.path, 0o600)
        server.listen(8)
        return server, None
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind((LOOPBACK, 0))
    server.listen(8)
    token = secrets.token_hex(16)
    write_atomically(endpoint.path, f"{server.getsockname()[1]} {token}\n")
    os.chmod(endpoint.path, 0o600)
    return server, token


def _connect(endpoint: Endpoint, timeout: float) -> tuple[socket.socket, str | None]:
    """Connect to the daemon; raise NotRunning when nothing listens."""
    try:
        if endpoint.kind == "unix":
            client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            address: Any = str(endpoint.path)
            token = None
        else:
            port, token = endpoint.path.read_text(encoding="ascii").split()
            client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            address = (LOOPBACK, int(port))
        client.settimeout(timeout)
        try:
            client.connect(address)
        except OSError:
            client.close()
            raise
    except (FileNotFoundError, ConnectionRefusedError, ValueError) as error:
        raise NotRunning(str(error)) from None
    return client, token


class ControlServer:
    """Serves requests from one thread, one client at a time, blocking in accept (no polling)."""

    def __init__(self, endpoint: Endpoint, handler: Handler) -> None:
        self._endpoint = endpoint
        self._handler = handler
        self._stopping = threading.Event()
        self._socket, self._token = _listen(endpoint)
        self._thread = threading.Thread(target=self._serve, name="control", daemon=True)

    def start(self) -> None:
        """Start answering requests."""
        self._thread.start()

    def _serve(self) -> None:
        """Accept clients until stopped."""
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
            reply = self._handler(parse_request(data.split(b"\n", 1)[0], self._token))
        except ValueError as error:
            reply = {"ok": False, "error": str(error)}
        connection.sendall(json.dumps(reply).encode() + b"\n")

    def stop(self) -> None:
        """Stop serving and remove the socket or port file."""
        self._stopping.set()
        try:
            waker, _ = _connect(self._endpoint, 1.0)
            waker.close()
        except (NotRunning, OSError):
            pass
        self._thread.join(timeout=1.0)
        self._socket.close()
        self._endpoint.path.unlink(missing_ok=True)


def send_request(endpoint: Endpoint, command: Command, timeout: float = CLIENT_TIMEOUT) -> Reply:
    """Send one command to the daemon and return its reply; raise NotRunning if none answers."""
    request: dict[str, Any] = {"command": command.name}
    if command.seconds is not None:
        request["seconds"] = command.seconds
    client, token = _connect(endpoint, timeout)
    if token is not None:
        request["token"] = token
    with client:
        client.sendall(json.dumps(request).encode() + b"\n")
        data = b""
        while not data.endswith(b"\n"):
            chunk = client.recv(65536)
            if not chunk:
                break
            data += chunk
    reply: Reply = json.loads(data)
    return reply
