"""The control channel cannot be knocked over: hostile messages, silent and slow clients."""

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.hostile import hostile_messages
from support.waiting import wait_for

from backcare_tray.adapters.control import (
    MAX_CLIENTS,
    READ_LIMIT,
    ControlServer,
    Endpoint,
    parse_request,
    send_request,
)
from backcare_tray.commands import Command


@pytest.fixture
def calls() -> list[Command]:
    """The commands that reached the handler."""
    return []


@pytest.fixture
def endpoint(tmp_path: Path, calls: list[Command]) -> Iterator[Endpoint]:
    """A control server on a real Unix socket whose handler records each command."""
    where = Endpoint("unix", tmp_path / "control.sock")

    def handler(command: Command) -> dict[str, object]:
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


def test_ten_thousand_hostile_messages_get_errors_and_the_channel_still_answers(
    endpoint: Endpoint, calls: list[Command]
) -> None:
    """Each gets an error reply (or is cut off when too long); none reaches the handler."""
    for message in hostile_messages(10_000):
        answer = raw_exchange(endpoint, message + b"\n")
        assert answer == b"" or b'"ok": false' in answer, (message[:80], answer[:200])
    assert calls == []
    assert send_request(endpoint, Command("status"), timeout=2) == {"ok": True, "command": "status"}


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


def test_too_many_clients_are_turned_away_and_the_channel_recovers(endpoint: Endpoint) -> None:
    """Past the limit a client is told the daemon is busy; once they go, commands work again."""
    crowd = []
    try:
        for _ in range(MAX_CLIENTS):
            client = socket.socket(socket.AF_UNIX)
            client.connect(str(endpoint.path))
            crowd.append(client)
        wait_for(
            lambda: b"busy" in raw_exchange(endpoint, b'{"command": "status"}\n'),
            5,
            "the extra client to be turned away",
        )
    finally:
        for client in crowd:
            client.close()
    reply = wait_for(lambda: _status_or_none(endpoint), 5, "the channel to answer again")
    assert reply == {"ok": True, "command": "status"}


def _status_or_none(endpoint: Endpoint) -> dict[str, object] | None:
    """Return the reply to status, or None while the server is still busy."""
    reply = send_request(endpoint, Command("status"), timeout=2)
    return None if "busy" in str(reply.get("error", "")) else reply


def test_a_request_cut_short_by_a_closing_client_is_refused(endpoint: Endpoint) -> None:
    """Half a request and an early close: an error, not a command."""
    answer = raw_exchange(endpoint, b'{"command": "do')
    assert b"not JSON" in answer
