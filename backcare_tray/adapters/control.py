"""The local control channel: one JSON line in, one JSON line out (never pickle)."""

# On Linux and macOS it is a Unix socket (mode 0600) in the user's runtime dir. Windows Python
# has no AF_UNIX, so there it is a loopback TCP port whose number and a random token are kept
# in a file in the user's runtime dir; every request must carry that token.

import json
import logging
import os
import selectors
import socket
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from queue import Full, Queue
from typing import Any, Literal

from backcare_tray.adapters.state_file import write_atomically
from backcare_tray.commands import COMMANDS, Command, command_named, socket_commands
from backcare_tray.durations import check_length

__all__ = [
    "ACCEPT_PAUSE",
    "CLIENT_TIMEOUT",
    "LOOPBACK",
    "MAX_ANSWERING",
    "MAX_CLIENTS",
    "MAX_DEPTH",
    "MAX_REQUEST",
    "READ_LIMIT",
    "ControlServer",
    "Endpoint",
    "Handler",
    "NotRunning",
    "Reply",
    "endpoint_for",
    "parse_request",
    "send_request",
]

log = logging.getLogger(__name__)

MAX_REQUEST = 4096  # a request is one short line
MAX_DEPTH = 2
READ_LIMIT = 2.0  # seconds a client has to send its whole request
MAX_CLIENTS = 64  # connections read at once; more are turned away at once
MAX_ANSWERING = 16  # whole requests waiting to be answered; more are answered "busy"
ACCEPT_PAUSE = 1.0  # seconds without new clients after accept failed (no file descriptors)
CLIENT_TIMEOUT = 5.0
LOOPBACK = "127.0.0.1"

Reply = dict[str, Any]
Handler = Callable[[Command], Reply]


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


def _nesting(text: str) -> int:
    """Return how deep brackets nest in JSON text, outside strings."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            escaped = char == "\\" and not escaped
            in_string = escaped or char != '"'
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def parse_request(line: bytes, token: str | None = None) -> Command:
    """Return the command in a request line; raise ValueError with a reason if malformed."""
    if len(line) > MAX_REQUEST:
        raise ValueError(f"request longer than {MAX_REQUEST} bytes")
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValueError(f"request is not UTF-8: {error}") from None
    if _nesting(text) > MAX_DEPTH:  # a request is one flat object
        raise ValueError(f"request nests deeper than {MAX_DEPTH}")
    try:
        request = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as error:
        raise ValueError(f"request is not JSON: {error}") from None
    if not isinstance(request, dict):
        raise ValueError("request must be a JSON object")
    if token is not None and not _same_secret(str(request.get("token", "")), token):
        raise ValueError("request does not carry this daemon's token")
    given = request.get("command")
    name = command_named(given) if isinstance(given, str) else None
    if name is None or name not in socket_commands():
        raise ValueError(f"unknown command {given!r}"[:200])
    seconds = request.get("seconds")
    if seconds is not None:
        kind = COMMANDS[name].duration
        if kind is None or isinstance(seconds, bool) or not isinstance(seconds, int):
            raise ValueError(f"{name}: seconds {seconds!r} is not a whole number here"[:200])
        if seconds <= 0:
            raise ValueError(f"{name}: seconds {seconds} must be more than zero"[:200])
        check_length(seconds, kind, f"{seconds} s")
    unknown = set(request) - {"command", "seconds", "token"}
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)!r}"[:200])
    return Command(name, seconds)


def _same_secret(given: str, token: str) -> bool:
    """Compare a request's token with ours in constant time."""
    import secrets

    return secrets.compare_digest(given, token)


def _listen(endpoint: Endpoint) -> tuple[socket.socket, str | None]:
    """Open the listening socket; return it and the token requests must carry (if any)."""
    endpoint.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    endpoint.path.unlink(missing_ok=True)  # left by a crash; the instance lock is already ours
    if endpoint.kind == "unix":
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(str(endpoint.path))
        os.chmod(endpoint.path, 0o600)
        server.listen(socket.SOMAXCONN)
        return server, None
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind((LOOPBACK, 0))
    server.listen(socket.SOMAXCONN)
    import secrets  # loads OpenSSL: only where a token is needed (loopback TCP)

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
            _connect_patiently(client, address, timeout)
        except OSError:
            client.close()
            raise
    except (FileNotFoundError, ConnectionRefusedError, ValueError) as error:
        raise NotRunning(str(error)) from None
    return client, token


@dataclass
class _Client:
    """A connection whose request line is still being read."""

    connection: socket.socket
    deadline: float
    data: bytes = b""


class ControlServer:
    """Serves the control channel so that no client can hold up another."""

    # One thread reads every client at once (a selector: it wakes on data or the next
    # client's deadline, never on a timer) and queues each whole request for a second thread
    # that answers them in turn (the daemon applies commands one at a time anyway). At most
    # MAX_ANSWERING wait; more are told the daemon is busy.

    def __init__(self, endpoint: Endpoint, handler: Handler) -> None:
        self._endpoint = endpoint
        self._handler = handler
        self._socket, self._token = _listen(endpoint)
        self._socket.setblocking(False)
        self._wake_reader, self._wake_writer = socket.socketpair()
        self._requests: Queue[tuple[socket.socket, bytes] | None] = Queue(MAX_ANSWERING)
        self._clients: dict[socket.socket, _Client] = {}
        self._paused_until: float | None = None  # while accepting failed for want of fds
        self._thread = threading.Thread(target=self._serve, name="control", daemon=True)
        self._answerer = threading.Thread(target=self._answer_all, name="control-answer")
        self._answerer.daemon = True

    def start(self) -> None:
        """Start answering requests."""
        self._thread.start()
        self._answerer.start()

    def _serve(self) -> None:
        """Read clients until stopped; a client that takes too long is told so and dropped."""
        selector = selectors.DefaultSelector()
        selector.register(self._socket, selectors.EVENT_READ)
        selector.register(self._wake_reader, selectors.EVENT_READ)
        try:
            while True:
                now = time.monotonic()
                if self._paused_until is not None and now >= self._paused_until:
                    self._paused_until = None  # take new clients again
                    selector.register(self._socket, selectors.EVENT_READ)
                deadlines = [c.deadline for c in self._clients.values()]
                if self._paused_until is not None:
                    deadlines.append(self._paused_until)
                wait = max(0.0, min(deadlines) - now) if deadlines else None
                for key, _ in selector.select(wait):
                    if key.fileobj is self._wake_reader:
                        return
                    if key.fileobj is self._socket:
                        self._accept(selector)
                    else:
                        self._read(selector, self._clients[key.fileobj])  # type: ignore[index]
                now = time.monotonic()
                for client in [c for c in self._clients.values() if c.deadline <= now]:
                    self._drop(selector, client, f"no whole request within {READ_LIMIT:.0f} s")
        except Exception:  # never reached by a client's doing; logged so it is not silent
            log.exception("The control channel stopped")
        finally:
            for client in list(self._clients.values()):
                self._drop(selector, client, None)
            selector.close()

    def _accept(self, selector: selectors.BaseSelector) -> None:
        """Take a new client, or turn it away at once when too many are being read."""
        try:
            connection, _ = self._socket.accept()
        except (BlockingIOError, InterruptedError):
            return
        except OSError as error:  # out of file descriptors: wait a moment rather than spin
            log.error("Cannot take control clients for a while: %s", error)
            selector.unregister(self._socket)
            self._paused_until = time.monotonic() + ACCEPT_PAUSE
            return
        connection.setblocking(False)
        client = _Client(connection, time.monotonic() + READ_LIMIT)
        if len(self._clients) >= MAX_CLIENTS:
            _reply_and_close(connection, {"ok": False, "error": "busy: too many clients"})
            return
        self._clients[connection] = client
        selector.register(connection, selectors.EVENT_READ)

    def _read(self, selector: selectors.BaseSelector, client: _Client) -> None:
        """Read what a client sent; hand a whole line to an answering thread."""
        try:
            chunk = client.connection.recv(4096)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            chunk = b""
        client.data += chunk
        if b"\n" not in client.data and len(client.data) > MAX_REQUEST:
            self._drop(selector, client, f"request longer than {MAX_REQUEST} bytes")
        elif b"\n" in client.data or not chunk:  # a line, or the client closed its side
            selector.unregister(client.connection)
            del self._clients[client.connection]
            line = client.data.split(b"\n", 1)[0]
            try:
                self._requests.put_nowait((client.connection, line))
            except Full:
                _reply_and_close(client.connection, {"ok": False, "error": "busy, try again"})

    def _drop(self, selector: selectors.BaseSelector, client: _Client, why: str | None) -> None:
        """Stop reading a client, telling it why when there is a reason."""
        selector.unregister(client.connection)
        del self._clients[client.connection]
        if why is None:
            client.connection.close()
        else:
            _reply_and_close(client.connection, {"ok": False, "error": why})

    def _answer_all(self) -> None:
        """Answer queued requests in turn until stopped."""
        while (request := self._requests.get()) is not None:
            self._answer(*request)

    def _answer(self, connection: socket.socket, line: bytes) -> None:
        """Answer one request; whatever goes wrong, the client gets an error and others go on."""
        try:
            reply = self._handler(parse_request(line, self._token))
        except ValueError as error:
            reply = {"ok": False, "error": str(error)}
        except Exception as error:
            log.exception("Control request %r failed", line[:200])
            reply = {"ok": False, "error": f"internal error: {type(error).__name__}"}
        connection.setblocking(True)
        connection.settimeout(CLIENT_TIMEOUT)
        _reply_and_close(connection, reply)

    def stop(self) -> None:
        """Stop serving and remove the socket or port file."""
        self._wake_writer.send(b"x")
        self._thread.join(timeout=1.0)
        with suppress(Full):  # a full queue: the answerer is a daemon thread, it goes with us
            self._requests.put_nowait(None)
        self._socket.close()
        self._wake_reader.close()
        self._wake_writer.close()
        self._endpoint.path.unlink(missing_ok=True)


def _reply_and_close(connection: socket.socket, reply: Reply) -> None:
    """Send one reply line (as much as the client takes) and close the connection."""
    try:
        connection.sendall(json.dumps(reply).encode() + b"\n")
    except OSError as error:
        log.debug("Control client went away: %s", error)
    finally:
        connection.close()


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
