"""The control channel's client side: where the daemon listens and sending it a command."""

import json
import socket
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from backcare_tray.commands import Command, Reply

__all__ = [
    "CLIENT_TIMEOUT",
    "LOOPBACK",
    "Endpoint",
    "NotRunning",
    "Reply",
    "endpoint_for",
    "send_request",
]

CLIENT_TIMEOUT = 5.0
LOOPBACK = "127.0.0.1"


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


def _connect_patiently(client: socket.socket, address: Any, timeout: float) -> None:
    """Connect, waiting out a moment when the daemon's queue of new connections is full."""
    give_up = time.monotonic() + timeout
    while True:
        try:
            client.connect(address)
            return
        except BlockingIOError:  # a Unix socket says so at once instead of waiting
            if time.monotonic() > give_up:
                raise
            time.sleep(0.05)


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
            _connect_patiently(client, address, timeout)
        except OSError:
            client.close()
            raise
    except (FileNotFoundError, ConnectionRefusedError, ValueError) as error:
        raise NotRunning(str(error)) from None
    return client, token


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
