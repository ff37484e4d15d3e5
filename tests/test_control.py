"""The control channel cannot be knocked over: hostile messages, crowds, silent and late clients."""

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support.hostile import hostile_messages
from support.platforms import linux_only
from support.waiting import wait_for

from backcare_tray.adapters.control import (
    MAX_CLIENTS,
    READ_LIMIT,
    REPLY_MARGIN,
    ControlServer,
    Endpoint,
    parse_request,
    send_request,
)
from backcare_tray.commands import Command
from backcare_tray.daemon.inbox import Inbox, Request, Signal

# Windows Python has no AF_UNIX: its daemon listens on a loopback port (test_adapters.py).
unix_sockets = linux_only("speaks over AF_UNIX sockets, which Windows Python has not")


@pytest.fixture
def calls() -> list[Command]:
    """The commands that reached the handler."""
    return []


@pytest.fixture
def endpoint(tmp_path: Path, calls: list[Command]) -> Iterator[Endpoint]:
    """A control server on a real Unix socket whose handler records each command."""
    where = Endpoint("unix", tmp_path / "control.sock")

    def handler(command: Command, answer_by: float) -> dict[str, object]:
        calls.append(command)
        return {"ok": True, "command": command.name}

    server = ControlServer(where, handler)
    server.start()
    yield where
    server.stop()


def raw_exchange(endpoint: Endpoint, message: bytes, close_write: bool = True) -> bytes:
    """Send raw bytes and return whatever the server answers before it closes."""
    with socket.socket(socket.AF_UNIX) as client:
        client.settimeout(READ_LIMIT + 5)
        client.connect(str(endpoint.path))
        try:
            client.sendall(message)
            if close_write:
                client.shutdown(socket.SHUT_WR)
        except OSError:  # the server may close a connection that sends too much
            pass
        answer = b""
        try:
            while chunk := client.recv(65536):
                answer += chunk
        except ConnectionResetError:  # closed with our surplus unread: cut off
            pass
        return answer


def test_the_hostile_messages_are_all_refused_by_the_parser() -> None:
    """The generator makes only messages a daemon must refuse (so the fuzz tests mean it)."""
    for message in hostile_messages(2000, seed=1):
        with pytest.raises(ValueError):
            parse_request(message.split(b"\n", 1)[0])


@unix_sockets
def test_ten_thousand_hostile_messages_get_errors_and_the_channel_still_answers(
    endpoint: Endpoint, calls: list[Command]
) -> None:
    """Each gets an error reply (or is cut off when too long); none reaches the handler."""
    for message in hostile_messages(10_000):
        answer = raw_exchange(endpoint, message + b"\n")
        assert answer == b"" or b'"ok": false' in answer, (message[:80], answer[:200])
    assert calls == []
    assert send_request(endpoint, Command("status"), timeout=2) == {"ok": True, "command": "status"}


@unix_sockets
def test_silent_clients_do_not_hold_up_a_command(endpoint: Endpoint, calls: list[Command]) -> None:
    """Dozens of clients that connect and say nothing: a command is still answered at once."""
    silent = []
    try:
        for _ in range(MAX_CLIENTS - 4):
            client = socket.socket(socket.AF_UNIX)
            client.connect(str(endpoint.path))
            silent.append(client)
        assert send_request(endpoint, Command("done"), timeout=1) == {"ok": True, "command": "done"}
        # A silent client is told why it is dropped once its time to send is up.
        silent[0].settimeout(READ_LIMIT + 5)
        answer = silent[0].recv(4096)
        assert b"no whole request within" in answer
    finally:
        for client in silent:
            client.close()
    assert calls == [Command("done")]


@unix_sockets
def test_past_the_limit_a_client_waits_its_turn_and_is_answered(
    endpoint: Endpoint, calls: list[Command]
) -> None:
    """Every place taken by silent clients: a new one waits (is not turned away) and is answered."""
    crowd = []
    try:
        for _ in range(MAX_CLIENTS):
            client = socket.socket(socket.AF_UNIX)
            client.connect(str(endpoint.path))
            crowd.append(client)
        reply = send_request(endpoint, Command("status"), timeout=READ_LIMIT + 3)
        assert reply == {"ok": True, "command": "status"}
        # It was answered once the silent ones had had their time and were dropped.
        crowd[0].settimeout(1)
        assert b"no whole request within" in crowd[0].recv(4096)
    finally:
        for client in crowd:
            client.close()
    assert calls == [Command("status")]


@unix_sockets
def test_a_request_cut_short_by_a_closing_client_is_refused(endpoint: Endpoint) -> None:
    """Half a request and an early close: an error, not a command."""
    answer = raw_exchange(endpoint, b'{"command": "do')
    assert b"not JSON" in answer


@pytest.fixture
def through_a_loop(tmp_path: Path) -> Iterator[tuple[Endpoint, list[Command]]]:
    """A control server whose commands go through an inbox to one loop thread, as in the daemon."""
    inbox = Inbox(reply_timeout=4.0)
    applied: list[Command] = []
    report = {"state": "working", "today": {"done": 1}, "notes": ["x" * 40] * 40}

    def loop() -> None:
        while (item := inbox.take()) is not Signal.STOP:
            if isinstance(item, Request):
                applied.append(item.command)
                item.answer({"ok": True, "status": json.loads(json.dumps(report))})

    thread = threading.Thread(target=loop)
    thread.start()
    where = Endpoint("unix", tmp_path / "control.sock")
    server = ControlServer(where, lambda command, by: inbox.ask(command, "cli", by))
    server.start()
    try:
        yield where, applied
    finally:
        server.stop()
        inbox.signal(Signal.STOP)
        thread.join(5)


@unix_sockets
def test_fifty_clients_at_once_are_all_answered(
    through_a_loop: tuple[Endpoint, list[Command]],
) -> None:
    """50 threads released together, 20 status requests each: every one answered, none busy."""
    endpoint, applied = through_a_loop
    replies: list[dict[str, Any]] = []
    barrier = threading.Barrier(50)

    def client() -> None:
        barrier.wait()
        for _ in range(20):
            with socket.socket(socket.AF_UNIX) as raw:
                raw.settimeout(10)
                raw.connect(str(endpoint.path))
                raw.sendall(b'{"command": "status"}\n')
                replies.append(json.loads(raw.makefile().readline()))

    threads = [threading.Thread(target=client) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    refused = [reply for reply in replies if not reply["ok"]]
    assert len(replies) == 1000 and refused == [], refused[:3]
    assert len(applied) == 1000


@unix_sockets
def test_a_request_whose_asker_gave_up_while_it_waited_is_never_handled(tmp_path: Path) -> None:
    """Its deadline passes while it waits behind a slow one: busy, and never handed on."""
    release = threading.Event()
    handled: list[Command] = []

    def handler(command: Command, answer_by: float) -> dict[str, object]:
        handled.append(command)
        release.wait(10)
        return {"ok": True}

    endpoint = Endpoint("unix", tmp_path / "control.sock")
    server = ControlServer(endpoint, handler)
    server.start()
    try:
        slow = threading.Thread(target=send_request, args=(endpoint, Command("status"), 15))
        slow.start()
        wait_for(lambda: handled == [Command("status")], 5, "the slow command to be handled")
        with socket.socket(socket.AF_UNIX) as impatient:
            impatient.settimeout(10)
            impatient.connect(str(endpoint.path))
            deadline = time.monotonic() + REPLY_MARGIN + 0.2
            request = {"command": "done", "deadline": deadline}
            impatient.sendall(json.dumps(request).encode() + b"\n")
            wait_for(lambda: time.monotonic() > deadline, 5, "the asker's deadline to pass")
            release.set()
            reply = json.loads(impatient.makefile().readline())
        slow.join(10)
    finally:
        release.set()
        server.stop()
    assert reply["ok"] is False and reply["busy"] is True
    assert "not carried out" in reply["error"]
    assert handled == [Command("status")]


@unix_sockets
def test_a_deadline_already_past_is_answered_busy_and_a_bad_one_is_refused(
    endpoint: Endpoint, calls: list[Command]
) -> None:
    """A request too late on arrival never reaches the handler; a deadline must be a number."""
    late = json.dumps({"command": "done", "deadline": time.monotonic() - 1}).encode()
    assert json.loads(raw_exchange(endpoint, late + b"\n"))["busy"] is True
    assert b"is not a number" in raw_exchange(endpoint, b'{"command": "done", "deadline": "x"}\n')
    soon = json.dumps({"command": "done", "deadline": time.monotonic() + 10}).encode()
    assert json.loads(raw_exchange(endpoint, soon + b"\n")) == {"ok": True, "command": "done"}
    assert calls == [Command("done")]
