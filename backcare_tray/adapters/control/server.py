"""The control channel's server: answers every client in turn, held up by none of them."""

import errno
import json
import logging
import selectors
import socket
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from queue import SimpleQueue

from backcare_tray.adapters.control.client import CLIENT_TIMEOUT, Endpoint, Reply
from backcare_tray.adapters.control.home import ControlHome
from backcare_tray.adapters.control.request import MAX_REQUEST, parse_control
from backcare_tray.adapters.control.watch import FolderWatch
from backcare_tray.commands import Command, busy

__all__ = [
    "ACCEPT_PAUSE",
    "DEFAULT_PATIENCE",
    "LOOK_EVERY",
    "MAX_CLIENTS",
    "MAX_PATIENCE",
    "READ_LIMIT",
    "REPLY_MARGIN",
    "SETTLE",
    "ControlServer",
    "Handler",
]

log = logging.getLogger(__name__)

READ_LIMIT = 2.0  # seconds a client has to send its whole request
MAX_CLIENTS = 128  # connections held at once (read, waiting or answered); more wait their turn
ACCEPT_PAUSE = 1.0  # seconds without new clients after accept failed (no file descriptors)
REPLY_MARGIN = 0.5  # seconds before the client's deadline by which its answer is on its way
DEFAULT_PATIENCE = 4.0  # seconds a request that names no deadline may wait from its arrival
MAX_PATIENCE = 60.0  # no deadline counts as further away than this
SETTLE = 1.0  # seconds after a change in the runtime folder before it is looked at
LOOK_EVERY = 60.0  # where no inotify hears the folder change, it is looked at this often
OUT_OF_RESOURCES = {errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM}

# The command and the monotonic time by which it must be carried out or given up.
Handler = Callable[[Command, float], Reply]


@dataclass
class _Client:
    """A connection whose request line is still being read."""

    connection: socket.socket
    deadline: float
    data: bytes = b""


class ControlServer:
    """Serves the control channel so that no client can hold up another."""

    # One thread reads every client at once through a selector (it wakes on data, the next
    # client's deadline or a change in the runtime folder, never on a timer) and queues each
    # whole request, in the order they came, for a second thread that answers them in turn
    # (the daemon applies commands one at a time anyway). A request's deadline is the
    # client's own (or DEFAULT_PATIENCE from its arrival): one whose time ran out is answered
    # busy and never handed on. MAX_CLIENTS connections are held at once; past that, new ones
    # wait in the listen queue until one is done, so none is turned away.

    def __init__(
        self,
        where: Endpoint | ControlHome,
        handler: Handler,
        on_lost: Callable[[str], None] | None = None,
    ) -> None:
        self._home = where if isinstance(where, ControlHome) else ControlHome.at(where)
        self._handler = handler
        self._on_lost = on_lost
        listening = self._home.listening or self._home.publish()
        listening.socket.setblocking(False)
        self._wake_reader, self._wake_writer = socket.socketpair()
        self._wake_writer.setblocking(False)
        self._requests: SimpleQueue[tuple[socket.socket, bytes, float] | None] = SimpleQueue()
        self._clients: dict[socket.socket, _Client] = {}
        self._held = 0  # connections accepted and not yet closed
        self._held_lock = threading.Lock()
        self._accepting = False
        self._resume_at: float | None = None  # while accepting failed for want of fds
        self._watch = FolderWatch()
        self._look_at: float | None = None  # when to look at the runtime folder
        self._lost = False
        self._thread = threading.Thread(target=self._serve, name="control", daemon=True)
        self._answerer = threading.Thread(target=self._answer_all, name="control-answer")
        self._answerer.daemon = True

    @property
    def endpoint(self) -> Endpoint:
        """Return where clients find this server."""
        return self._home.endpoint

    def start(self) -> None:
        """Start answering requests."""
        self._thread.start()
        self._answerer.start()

    def _listener(self) -> socket.socket:
        """Return the listening socket in use now."""
        assert self._home.listening is not None
        return self._home.listening.socket

    def _serve(self) -> None:
        """Read clients until stopped; a client that takes too long is told so and dropped."""
        selector = selectors.DefaultSelector()
        selector.register(self._wake_reader, selectors.EVENT_READ)
        if self._watch.available:
            selector.register(self._watch, selectors.EVENT_READ)
            assert self._home.folder is not None
            self._watch.watch(self._home.folder)
        else:
            self._look_at = time.monotonic() + LOOK_EVERY
        try:
            while True:
                now = time.monotonic()
                if self._look_at is not None and now >= self._look_at:
                    self._look(selector)
                self._update_accepting(selector)
                deadlines = [c.deadline for c in self._clients.values()]
                deadlines += [t for t in (self._resume_at, self._look_at) if t is not None]
                wait = max(0.0, min(deadlines) - now) if deadlines else None
                for key, _ in selector.select(wait):
                    if key.fileobj is self._wake_reader:
                        if b"x" in self._wake_reader.recv(4096):
                            return
                    elif key.fileobj is self._watch:
                        if self._watch.drain() and self._look_at is None and not self._lost:
                            self._look_at = time.monotonic() + SETTLE
                    elif key.fileobj is self._listener():
                        self._accept(selector, self._listener())
                    elif key.fileobj in self._clients:
                        self._read(selector, self._clients[key.fileobj])
                now = time.monotonic()
                for client in [c for c in self._clients.values() if c.deadline <= now]:
                    self._drop(selector, client, f"no whole request within {READ_LIMIT:.0f} s")
        except Exception:  # never reached by a client's doing; logged so it is not silent
            log.exception("The control channel stopped")
        finally:
            for client in list(self._clients.values()):
                self._drop(selector, client, None)
            selector.close()
            self._watch.close()

    def _update_accepting(self, selector: selectors.BaseSelector) -> None:
        """Listen for new clients while there is room and file descriptors to spare."""
        if self._resume_at is not None and time.monotonic() >= self._resume_at:
            self._resume_at = None
        with self._held_lock:
            room = self._held < MAX_CLIENTS
        wanted = room and self._resume_at is None
        if wanted != self._accepting:
            if wanted:
                selector.register(self._listener(), selectors.EVENT_READ)
            else:
                selector.unregister(self._listener())
            self._accepting = wanted

    def _look(self, selector: selectors.BaseSelector) -> None:
        """Look at the runtime folder; make what is missing again, or ask the daemon to stop."""
        self._look_at = None if self._watch.available else time.monotonic() + LOOK_EVERY
        if self._lost:
            return
        repair = self._home.repair()
        if repair.stop is not None:
            self._lost = True
            log.warning("The daemon cannot keep its control socket: %s.", repair.stop)
            if self._on_lost is not None:
                self._on_lost(repair.stop)
            return
        if repair.replaced is not None:
            old = repair.replaced
            if self._accepting:
                selector.unregister(old.socket)
                self._accepting = False
            while self._accept(selector, old.socket):  # those that came before it was removed
                pass
            old.close(unlink=False)
            self._listener().setblocking(False)
        assert self._home.folder is not None
        self._watch.watch(self._home.folder)

    def _accept(self, selector: selectors.BaseSelector, listener: socket.socket) -> bool:
        """Take a new client; return whether one was taken."""
        try:
            connection, _ = listener.accept()
        except (BlockingIOError, InterruptedError):
            return False
        except OSError as error:
            if error.errno in OUT_OF_RESOURCES:  # wait a moment rather than spin
                log.error("Cannot take control clients for a while: %s", error)
            else:
                log.warning("Taking a control client failed: %s; looking at the folder", error)
                self._look_at = time.monotonic()
            self._resume_at = time.monotonic() + ACCEPT_PAUSE
            self._update_accepting(selector)
            return False
        connection.setblocking(False)
        with self._held_lock:
            self._held += 1
        self._clients[connection] = _Client(connection, time.monotonic() + READ_LIMIT)
        selector.register(connection, selectors.EVENT_READ)
        return True

    def _read(self, selector: selectors.BaseSelector, client: _Client) -> None:
        """Read what a client sent; hand a whole line to the answering thread."""
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
            self._requests.put((client.connection, line, time.monotonic()))

    def _drop(self, selector: selectors.BaseSelector, client: _Client, why: str | None) -> None:
        """Stop reading a client, telling it why when there is a reason."""
        selector.unregister(client.connection)
        del self._clients[client.connection]
        if why is None:
            client.connection.close()
        else:
            _reply_and_close(client.connection, {"ok": False, "error": why})
        self._let_go()

    def _let_go(self) -> None:
        """Count a connection closed; wake the reader if that makes room for new clients."""
        with self._held_lock:
            self._held -= 1
            made_room = self._held == MAX_CLIENTS - 1
        if made_room:
            with suppress(OSError):
                self._wake_writer.send(b"a")

    def _answer_all(self) -> None:
        """Answer queued requests in turn until stopped."""
        while (request := self._requests.get()) is not None:
            try:
                self._answer(*request)
            finally:
                self._let_go()

    def _answer(self, connection: socket.socket, line: bytes, arrived: float) -> None:
        """Answer one request; whatever goes wrong, the client gets an error and others go on."""
        listening = self._home.listening
        try:
            command, deadline = parse_control(line, listening.token if listening else None)
            if deadline is None:
                answer_by = arrived + DEFAULT_PATIENCE
            else:
                answer_by = min(deadline, arrived + MAX_PATIENCE) - REPLY_MARGIN
            # An asker that has given up (or is about to) hears busy: never carried out.
            late = time.monotonic() >= answer_by
            reply = busy() if late else self._handler(command, answer_by)
        except ValueError as error:
            reply = {"ok": False, "error": str(error)}
        except Exception as error:
            log.exception("Control request %r failed", line[:200])
            reply = {"ok": False, "error": f"internal error: {type(error).__name__}"}
        connection.setblocking(True)
        connection.settimeout(CLIENT_TIMEOUT)
        _reply_and_close(connection, reply)

    def stop(self) -> None:
        """Stop serving and remove the socket or port file (if it is still this one's)."""
        with suppress(OSError):
            self._wake_writer.send(b"x")
        self._thread.join(timeout=1.0)
        self._requests.put(None)
        self._home.close_endpoint()  # the lock stays until the daemon has finished
        self._wake_reader.close()
        self._wake_writer.close()


def _reply_and_close(connection: socket.socket, reply: Reply) -> None:
    """Send one reply line (as much as the client takes) and close the connection."""
    try:
        connection.sendall(json.dumps(reply).encode() + b"\n")
    except OSError as error:
        log.debug("Control client went away: %s", error)
    finally:
        connection.close()
