"""The control channel's client side: where the daemon listens and sending it a command."""

# Each request carries the client's deadline: the moment, on the system's monotonic clock
# (CLOCK_MONOTONIC on Linux, one clock for every process on the machine), after which it no
# longer waits. The daemon judges by that moment, not by when it read the request, so a command
# the client gave up on (the daemon stopped, or too busy) is never carried out later. A reply
# marked busy was not carried out either; the client asks again, waiting longer each time,
# until its deadline.

import errno
import json
import os
import socket
import stat
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from backcare_tray.commands import Command, Reply
from backcare_tray.i18n import _

__all__ = [
    "CLIENT_TIMEOUT",
    "LOOPBACK",
    "Endpoint",
    "NoAnswer",
    "NotRunning",
    "Reply",
    "Unreachable",
    "describe_os_error",
    "endpoint_for",
    "send_request",
]

CLIENT_TIMEOUT = 5.0
LOOPBACK = "127.0.0.1"
FIRST_PAUSE = 0.02  # seconds before asking a busy daemon again; doubled each time
LONGEST_PAUSE = 0.5
LAST_TRY = 1.0  # no new try with less than this left: a busy daemon answers 0.5 s early


class NotRunning(Exception):
    """No daemon answers on the control channel."""


class NoAnswer(Exception):
    """The daemon is there but did not answer in time; the command was not carried out."""

    def __init__(self, why: str, *, certain: bool = True) -> None:
        super().__init__(why)
        self.certain = certain  # False: the connection broke, so it may have been carried out


class Unreachable(Exception):
    """The control channel cannot be used (a system error); the message says why."""


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


def describe_os_error(error: OSError, path: Path) -> str:
    """Return what an OS error on the control path (at path) means, in a few words."""
    if error.errno is None and "too long" in str(error):
        return _(
            "too long a path for a Unix socket ({count} bytes); set {variable} to a shorter folder"
        ).format(count=len(os.fsencode(path)), variable="XDG_RUNTIME_DIR")
    if error.errno in (errno.EACCES, errno.EPERM):
        return _("{error} (someone else's, read-only or immutable?)").format(error=error.strerror)
    if error.errno == errno.EROFS:
        return _("the file system is read-only")
    if error.errno == errno.EISDIR or (error.errno is not None and path.is_dir()):
        return _("it is a folder, not the daemon's socket: remove it")
    return str(error.strerror or error)


def _not_a_socket(path: Path) -> bool:
    """Return True when something other than a socket sits at path."""
    try:
        return not stat.S_ISSOCK(path.lstat().st_mode)
    except OSError:
        return False


def _connect(endpoint: Endpoint, deadline: float) -> tuple[socket.socket, str | None]:
    """Connect, waiting out a full queue of new connections; raise a control error if none."""
    token = None
    try:
        if endpoint.kind == "unix":
            family, address = socket.AF_UNIX, str(endpoint.path)
        else:
            port, token = endpoint.path.read_text(encoding="ascii").split()
            family, address = socket.AF_INET, (LOOPBACK, int(port))  # type: ignore[assignment]
    except FileNotFoundError:
        raise NotRunning(f"{endpoint.path} does not exist") from None
    except ValueError:
        raise NotRunning(f"{endpoint.path} names no port") from None
    except OSError as error:
        why = describe_os_error(error, endpoint.path)
        raise Unreachable(
            _("cannot read {path}: {problem}").format(path=endpoint.path, problem=why)
        ) from None
    pause = FIRST_PAUSE
    while True:
        client = socket.socket(family, socket.SOCK_STREAM)
        client.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            client.connect(address)
            return client, token
        except (BlockingIOError, InterruptedError):  # a Unix socket's full queue says so at once
            client.close()
            if time.monotonic() + pause > deadline:
                raise NoAnswer(_("the daemon's queue of new connections stayed full")) from None
            time.sleep(pause)
            pause = min(pause * 2, LONGEST_PAUSE)
        except TimeoutError:
            client.close()
            raise NoAnswer(_("the daemon did not take the connection in time")) from None
        except FileNotFoundError:
            client.close()
            raise NotRunning(f"{endpoint.path} does not exist") from None
        except ConnectionRefusedError:
            client.close()
            if endpoint.kind == "unix" and _not_a_socket(endpoint.path):
                if endpoint.path.is_dir():
                    wrong = _("cannot connect to {path}: it is a folder, not the daemon's socket")
                else:
                    wrong = _(
                        "cannot connect to {path}: it is not a socket, not the daemon's socket"
                    )
                remove = _("{problem}: remove it").format(problem=wrong.format(path=endpoint.path))
                raise Unreachable(remove) from None
            raise NotRunning(f"nothing listens on {endpoint.path}") from None
        except OSError as error:
            client.close()
            why = describe_os_error(error, endpoint.path)
            raise Unreachable(
                _("cannot connect to {path}: {problem}").format(path=endpoint.path, problem=why)
            ) from None


def _exchange(endpoint: Endpoint, command: Command, deadline: float) -> Reply:
    """Send the command once and return the reply; raise a control error if there is none."""
    request: dict[str, Any] = {"command": command.name, "deadline": deadline}
    if command.seconds is not None:
        request["seconds"] = command.seconds
    client, token = _connect(endpoint, deadline)
    if token is not None:
        request["token"] = token
    data = b""
    with client:
        try:
            client.sendall(json.dumps(request).encode() + b"\n")
            while not data.endswith(b"\n"):
                client.settimeout(max(0.01, deadline - time.monotonic()))
                chunk = client.recv(65536)
                if not chunk:
                    break
                data += chunk
        except TimeoutError:
            raise NoAnswer(_("it is busy or stopped")) from None
        except OSError as error:
            if not data:
                why = _("the connection broke: {error}").format(error=error.strerror or error)
                raise NoAnswer(why, certain=False) from None
    try:
        reply: Reply = json.loads(data)
    except ValueError:
        raise NoAnswer(_("the connection closed without an answer"), certain=False) from None
    return reply


def send_request(endpoint: Endpoint, command: Command, timeout: float = CLIENT_TIMEOUT) -> Reply:
    """Send one command and return the reply, asking a busy daemon again until the timeout.

    Raises NotRunning when nothing listens, NoAnswer when the daemon did not answer in time,
    Unreachable when the channel cannot be used at all.
    """
    deadline = time.monotonic() + timeout
    pause = FIRST_PAUSE
    while True:
        reply = _exchange(endpoint, command, deadline)
        left = deadline - time.monotonic()
        if not reply.get("busy") or left < max(LAST_TRY, pause):
            return reply
        time.sleep(pause)
        pause = min(pause * 2, LONGEST_PAUSE)
