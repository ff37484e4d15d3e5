"""The control client tells not running from busy from broken, and asks a busy daemon again."""

import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support.platforms import linux_only

from backcare_tray.adapters.control import (
    ControlServer,
    ControlUnavailable,
    Endpoint,
    NoAnswer,
    NotRunning,
    Unreachable,
    send_request,
)
from backcare_tray.commands import Command, busy

# Windows Python has no AF_UNIX: its daemon listens on a loopback port (test_adapters.py).
unix_sockets = linux_only("speaks over AF_UNIX sockets, which Windows Python has not")


class ScriptedServer:
    """A real Unix socket server answering each request with the next scripted reply."""

    def __init__(self, path: Path, replies: list[dict[str, Any]]) -> None:
        self.requests: list[tuple[float, dict[str, Any]]] = []  # (arrival, request)
        self._replies = replies
        self._socket = socket.socket(socket.AF_UNIX)
        self._socket.bind(str(path))
        self._socket.listen(8)
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        """Answer connections until the socket is closed."""
        while True:
            try:
                connection, _ = self._socket.accept()
            except OSError:
                return
            with connection:
                line = connection.makefile("rb").readline()
                self.requests.append((time.monotonic(), json.loads(line)))
                reply = self._replies[min(len(self.requests), len(self._replies)) - 1]
                connection.sendall(json.dumps(reply).encode() + b"\n")

    def close(self) -> None:
        """Stop serving."""
        self._socket.close()


@pytest.fixture
def unix(tmp_path: Path) -> Endpoint:
    """An endpoint in a fresh folder, with nothing there yet."""
    return Endpoint("unix", tmp_path / "control.sock")


@pytest.fixture
def answering_busy_twice(unix: Endpoint) -> Iterator[ScriptedServer]:
    """A server that is busy for two requests, then answers."""
    server = ScriptedServer(unix.path, [busy(), busy(), {"ok": True, "message": "done"}])
    yield server
    server.close()


@unix_sockets
def test_a_busy_daemon_is_asked_again_with_growing_pauses_and_the_same_deadline(
    unix: Endpoint, answering_busy_twice: ScriptedServer
) -> None:
    """Busy twice, then the answer: the client returns the answer, every try naming one deadline."""
    started = time.monotonic()
    assert send_request(unix, Command("done"), timeout=5) == {"ok": True, "message": "done"}
    tries = answering_busy_twice.requests
    assert [request["command"] for _, request in tries] == ["done", "done", "done"]
    deadlines = {request["deadline"] for _, request in tries}
    assert len(deadlines) == 1 and started + 4.9 < deadlines.pop() < started + 5.1
    first_pause, second_pause = tries[1][0] - tries[0][0], tries[2][0] - tries[1][0]
    assert first_pause >= 0.02 and second_pause >= 0.04


@unix_sockets
def test_a_daemon_busy_to_the_end_gives_its_busy_reply_within_the_timeout(unix: Endpoint) -> None:
    """Always busy: tried again and again, then its busy reply comes back within the timeout."""
    server = ScriptedServer(unix.path, [busy()])
    try:
        started = time.monotonic()
        reply = send_request(unix, Command("skip"), timeout=2)
        took = time.monotonic() - started
    finally:
        server.close()
    assert reply["busy"] is True and "not carried out" in reply["error"]
    assert len(server.requests) > 3 and took < 2


@unix_sockets
def test_nothing_there_and_a_stale_socket_are_not_running(unix: Endpoint) -> None:
    """No file, or a socket file nobody listens on: NotRunning, at once."""
    with pytest.raises(NotRunning):
        send_request(unix, Command("status"), timeout=2)
    stale = socket.socket(socket.AF_UNIX)
    stale.bind(str(unix.path))
    stale.close()
    with pytest.raises(NotRunning):
        send_request(unix, Command("status"), timeout=2)


@unix_sockets
def test_a_daemon_that_takes_the_request_and_never_answers_is_no_answer(unix: Endpoint) -> None:
    """Listening but stuck (stopped, say): NoAnswer once the timeout is up, not NotRunning."""
    stuck = socket.socket(socket.AF_UNIX)
    stuck.bind(str(unix.path))
    stuck.listen(4)  # the kernel takes the connection; nobody ever reads it
    try:
        started = time.monotonic()
        with pytest.raises(NoAnswer) as raised:
            send_request(unix, Command("skip"), timeout=1)
        assert 0.9 < time.monotonic() - started < 2
        assert raised.value.certain
    finally:
        stuck.close()


@unix_sockets
def test_a_full_queue_of_new_connections_is_no_answer(unix: Endpoint) -> None:
    """The listen queue stays full: tried until the timeout, then NoAnswer."""
    full = socket.socket(socket.AF_UNIX)
    full.bind(str(unix.path))
    full.listen(0)
    waiting = []
    try:
        while True:  # fill the queue until the kernel says it is full
            client = socket.socket(socket.AF_UNIX)
            client.setblocking(False)
            try:
                client.connect(str(unix.path))
            except BlockingIOError:
                client.close()
                break
            waiting.append(client)
        with pytest.raises(NoAnswer, match="queue of new connections"):
            send_request(unix, Command("status"), timeout=0.5)
    finally:
        for client in waiting:
            client.close()
        full.close()


@pytest.mark.parametrize("thing", ["folder", "file"])
@unix_sockets
def test_something_else_at_the_socket_path_is_unreachable(unix: Endpoint, thing: str) -> None:
    """A folder or a plain file where the socket should be: said so, not 'not running'."""
    if thing == "folder":
        unix.path.mkdir()
    else:
        unix.path.write_text("")
    expected = "it is a folder" if thing == "folder" else "it is not a socket"
    with pytest.raises(Unreachable, match=re.escape(f"cannot connect to {unix.path}: {expected}")):
        send_request(unix, Command("status"), timeout=2)


@unix_sockets
def test_a_socket_path_too_long_is_unreachable_and_cannot_be_listened_on(tmp_path: Path) -> None:
    """Past the Unix socket path limit: one line saying so, on both sides."""
    deep = tmp_path / ("x" * 60) / ("y" * 60)
    deep.mkdir(parents=True)
    endpoint = Endpoint("unix", deep / "control.sock")
    with pytest.raises(Unreachable, match="too long a path for a Unix socket"):
        send_request(endpoint, Command("status"), timeout=2)
    with pytest.raises(ControlUnavailable, match="too long a path for a Unix socket"):
        ControlServer(endpoint, lambda command, by: {"ok": True})


def test_a_folder_at_the_socket_path_cannot_be_listened_on(unix: Endpoint) -> None:
    """A folder where the socket goes: the server says so in one line, and leaves it."""
    unix.path.mkdir()
    with pytest.raises(ControlUnavailable, match="it is a folder, not the daemon's socket"):
        ControlServer(unix, lambda command, by: {"ok": True})
    assert unix.path.is_dir()
