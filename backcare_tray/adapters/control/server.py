"""The control channel's server: answers every client in turn, held up by none of them."""

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
from queue import Full, Queue

from backcare_tray.adapters.control.client import CLIENT_TIMEOUT, LOOPBACK, Endpoint, Reply
from backcare_tray.adapters.control.request import MAX_REQUEST, parse_request
from backcare_tray.adapters.state_file import write_atomically
from backcare_tray.commands import Command

__all__ = ["ACCEPT_PAUSE", "MAX_ANSWERING", "MAX_CLIENTS", "READ_LIMIT", "ControlServer", "Handler"]

log = logging.getLogger(__name__)

READ_LIMIT = 2.0  # seconds a client has to send its whole request
MAX_CLIENTS = 64  # connections read at once; more are turned away at once
MAX_ANSWERING = 16  # whole requests waiting to be answered; more are answered "busy"
ACCEPT_PAUSE = 1.0  # seconds without new clients after accept failed (no file descriptors)

Handler = Callable[[Command], Reply]


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
