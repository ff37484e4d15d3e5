"""The few X11 questions the daemon asks, spoken over the X protocol's socket directly."""

# The daemon asks an X server three things: how long since the last input (MIT-SCREEN-SAVER),
# whether the active window is fullscreen (two window properties) and who owns the system
# tray's selection. python-xlib answers them too, but opening its Display costs about 3.7 MiB
# of private memory, a fifth of the daemon; these requests are a few packed structs each.
# The connection is little-endian; every request here is answered by a reply or an error, so
# a request is sent and its reply read before the next (no events are asked for; any that
# arrive are skipped).

import os
import socket
import struct
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "ANY_PROPERTY_TYPE",
    "NONE",
    "DisplayAddress",
    "X11Connection",
    "X11Error",
    "display_address",
    "xauthority_cookie",
]

NONE = 0
ANY_PROPERTY_TYPE = 0
COOKIE_NAME = b"MIT-MAGIC-COOKIE-1"
FAMILY_INTERNET, FAMILY_INTERNET6, FAMILY_LOCAL, FAMILY_WILD = 0, 6, 256, 65535
X_TCP_PORT = 6000
INTERN_ATOM, GET_PROPERTY, GET_SELECTION_OWNER, QUERY_EXTENSION = 16, 20, 23, 98
SCREENSAVER_QUERY_INFO = 1  # the extension's minor opcode
REPLY, ERROR, GENERIC_EVENT = 1, 0, 35


class X11Error(Exception):
    """The X server cannot be reached, refused us, or answered a request with an error."""


@dataclass(frozen=True)
class DisplayAddress:
    """Where a DISPLAY points: a Unix socket path or a TCP host, its number and screen."""

    socket_path: str | None
    host: str | None
    number: int
    screen: int


def display_address(name: str) -> DisplayAddress:
    """Parse DISPLAY as Xlib does: [path|host|unix]:number[.screen]."""
    where, colon, rest = name.rpartition(":")
    if not colon or not rest:
        raise X11Error(f"DISPLAY {name!r} is not [host]:number[.screen]")
    number_text, _, screen_text = rest.partition(".")
    try:
        number, screen = int(number_text), int(screen_text or 0)
    except ValueError:
        raise X11Error(f"DISPLAY {name!r} is not [host]:number[.screen]") from None
    if where.startswith("/"):  # macOS's launchd socket, given as a path
        return DisplayAddress(where, None, number, screen)
    if where in ("", "unix"):
        return DisplayAddress(f"/tmp/.X11-unix/X{number}", None, number, screen)
    return DisplayAddress(None, where, number, screen)


def _counted(data: bytes, at: int) -> tuple[bytes, int]:
    """Return one length-counted field of an Xauthority entry and where the next starts."""
    (length,) = struct.unpack_from(">H", data, at)
    end = at + 2 + length
    if end > len(data):
        raise struct.error("the entry runs past the end of the file")
    return data[at + 2 : end], end


def _xauthority_entries(data: bytes) -> Iterator[tuple[int, bytes, bytes, bytes, bytes]]:
    """Yield (family, address, number, name, cookie) for each entry of an Xauthority file."""
    at = 0
    while at + 2 <= len(data):
        (family,) = struct.unpack_from(">H", data, at)
        address, at = _counted(data, at + 2)
        number, at = _counted(data, at)
        name, at = _counted(data, at)
        cookie, at = _counted(data, at)
        yield family, address, number, name, cookie


def xauthority_cookie(
    address: DisplayAddress, path: Path | None = None, hostname: str | None = None
) -> bytes:
    """Return the MIT-MAGIC-COOKIE-1 for this display from the Xauthority file, or b""."""
    if path is None:
        given = os.environ.get("XAUTHORITY")
        path = Path(given) if given else Path.home() / ".Xauthority"
    try:
        data = path.read_bytes()
    except OSError:
        return b""  # no file: the server may need no cookie (Xvfb by default)
    local_names = {(hostname or socket.gethostname()).encode()}
    remote: set[bytes] = set()
    if address.host is not None and address.host not in ("localhost", "127.0.0.1"):
        try:
            for net_family, *_, sockaddr in socket.getaddrinfo(address.host, None):
                remote.add(socket.inet_pton(net_family, str(sockaddr[0])))
        except OSError:
            pass
    number = str(address.number).encode()
    try:
        for family, host, entry_number, name, cookie in _xauthority_entries(data):
            if name != COOKIE_NAME or entry_number not in (number, b""):
                continue
            if family == FAMILY_WILD or (
                family == FAMILY_LOCAL and host in local_names and not remote
            ):
                return cookie
            if family in (FAMILY_INTERNET, FAMILY_INTERNET6) and host in remote:
                return cookie
    except struct.error:  # a truncated file: whatever was read before the damage
        pass
    return b""


def _padded(data: bytes) -> bytes:
    """Return data padded with zeros to a multiple of 4 bytes."""
    return data + b"\0" * (-len(data) % 4)


class X11Connection:
    """One connection to an X server, asking one question at a time."""

    def __init__(self, display: str | None = None, timeout: float = 5.0) -> None:
        name = display if display is not None else os.environ.get("DISPLAY", "")
        if not name:
            raise X11Error("DISPLAY is not set")
        self.address = display_address(name)
        self._socket = self._connect(timeout)
        self._sequence = 0
        try:
            self.root = self._set_up(xauthority_cookie(self.address))
        except BaseException:
            self._socket.close()
            raise
        self._extensions: dict[str, int] = {}

    def _connect(self, timeout: float) -> socket.socket:
        """Open the display's socket (Linux's abstract name first, as libxcb does)."""
        address = self.address
        if address.socket_path is None:
            try:
                return socket.create_connection(
                    (address.host, X_TCP_PORT + address.number), timeout=timeout
                )
            except OSError as error:
                raise X11Error(f"cannot reach X server {address.host}: {error}") from None
        paths = [address.socket_path]
        if sys.platform.startswith("linux") and address.socket_path.startswith("/tmp/.X11-unix/"):
            paths.insert(0, "\0" + address.socket_path)
        problem: OSError | None = None
        for path in paths:
            unix = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            unix.settimeout(timeout)
            try:
                unix.connect(path)
                return unix
            except OSError as error:
                unix.close()
                problem = error
        raise X11Error(f"cannot reach X server at {address.socket_path}: {problem}")

    def _receive(self, count: int) -> bytes:
        """Read exactly count bytes."""
        chunks = []
        while count:
            try:
                chunk = self._socket.recv(count)
            except OSError as error:
                raise X11Error(f"the X connection failed: {error}") from None
            if not chunk:
                raise X11Error("the X server closed the connection")
            chunks.append(chunk)
            count -= len(chunk)
        return b"".join(chunks)

    def _set_up(self, cookie: bytes) -> int:
        """Send the connection setup and return the root window of the display's screen."""
        name = COOKIE_NAME if cookie else b""
        setup = struct.pack("<BxHHHH2x", 0x6C, 11, 0, len(name), len(cookie))
        self._socket.sendall(setup + _padded(name) + _padded(cookie))
        status, reason_length, _, _, length = struct.unpack("<BBHHH", self._receive(8))
        body = self._receive(length * 4)
        if status != 1:
            reason = body[:reason_length] if status == 0 else body
            text = reason.decode(errors="replace").strip("\0\n ") or "no reason given"
            raise X11Error(f"the X server refused the connection: {text}")
        vendor_length, screens, formats = struct.unpack_from("<16xH2xBB", body)
        at = 32 + len(_padded(body[32 : 32 + vendor_length])) + 8 * formats
        if self.address.screen >= screens:
            raise X11Error(f"the X server has no screen {self.address.screen}")
        for _ in range(self.address.screen):  # skip the screens before ours
            depths = body[at + 39]
            at += 40
            for _ in range(depths):
                (visuals,) = struct.unpack_from("<2xH", body, at)
                at += 8 + 24 * visuals
        (root,) = struct.unpack_from("<I", body, at)
        return int(root)

    def _ask(self, request: bytes) -> bytes:
        """Send one request and return its 32-byte reply plus any extra data."""
        self._socket.sendall(request)
        self._sequence = (self._sequence + 1) & 0xFFFF
        while True:
            head = self._receive(32)
            kind = head[0] & 0x7F
            (sequence,) = struct.unpack_from("<H", head, 2)
            if kind == ERROR:
                if sequence == self._sequence:
                    raise X11Error(f"X error {head[1]} for request {head[10]}")
                continue
            extra = struct.unpack_from("<I", head, 4)[0] * 4
            if kind in (REPLY, GENERIC_EVENT):
                data = head + (self._receive(extra) if extra else b"")
                if kind == REPLY and sequence == self._sequence:
                    return data
            # any other event: not asked for, skipped

    def intern_atom(self, name: str, only_if_exists: bool = False) -> int:
        """Return the atom for a name (NONE if only_if_exists and it does not exist)."""
        encoded = name.encode()
        request = struct.pack(
            "<BBHH2x", INTERN_ATOM, only_if_exists, 2 + len(_padded(encoded)) // 4, len(encoded)
        )
        reply = self._ask(request + _padded(encoded))
        return int(struct.unpack_from("<I", reply, 8)[0])

    def property_values(self, window: int, name: str, longs: int = 1024) -> list[int] | None:
        """Return a window property of 32-bit items (atoms, windows), or None if unset."""
        atom = self.intern_atom(name, only_if_exists=True)
        if atom == NONE:
            return None
        request = struct.pack(
            "<BBHIIIII", GET_PROPERTY, 0, 6, window, atom, ANY_PROPERTY_TYPE, 0, longs
        )
        reply = self._ask(request)
        value_format = reply[1]
        (kind, _, count) = struct.unpack_from("<III", reply, 8)
        if kind == NONE:
            return None
        if value_format != 32:
            raise X11Error(f"property {name} holds {value_format}-bit items, not 32-bit")
        return list(struct.unpack_from(f"<{count}I", reply, 32))

    def selection_owner(self, name: str) -> int:
        """Return the window owning a selection, or NONE."""
        atom = self.intern_atom(name)
        reply = self._ask(struct.pack("<BxHI", GET_SELECTION_OWNER, 2, atom))
        return int(struct.unpack_from("<I", reply, 8)[0])

    def extension_opcode(self, name: str) -> int:
        """Return an extension's major opcode, or 0 when the server lacks it."""
        if name not in self._extensions:
            encoded = name.encode()
            request = struct.pack(
                "<BxHH2x", QUERY_EXTENSION, 2 + len(_padded(encoded)) // 4, len(encoded)
            )
            reply = self._ask(request + _padded(encoded))
            present, opcode = reply[8], reply[9]
            self._extensions[name] = opcode if present else 0
        return self._extensions[name]

    def idle_milliseconds(self) -> int:
        """Return the time since the last input, from MIT-SCREEN-SAVER's QueryInfo."""
        opcode = self.extension_opcode("MIT-SCREEN-SAVER")
        if not opcode:
            raise X11Error("the X server has no MIT-SCREEN-SAVER extension")
        reply = self._ask(struct.pack("<BBHI", opcode, SCREENSAVER_QUERY_INFO, 2, self.root))
        return int(struct.unpack_from("<I", reply, 16)[0])

    def close(self) -> None:
        """Close the connection."""
        self._socket.close()

    def __enter__(self) -> "X11Connection":
        """Return the connection, to be closed on leaving the block."""
        return self

    def __exit__(self, *_: object) -> None:
        """Close the connection."""
        self.close()
