"""The X11 wire client against real Xvfb servers, checked against python-xlib's answers."""

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.desktop import start_xvfb, stop_processes
from support.platforms import linux_only

from backcare_tray.adapters.x11_wire import (
    DisplayAddress,
    X11Connection,
    X11Error,
    display_address,
    xauthority_cookie,
)

COOKIE = "0123456789abcdef0123456789abcdef"


def test_display_names_parse_as_xlib_reads_them() -> None:
    """Local, unix:, TCP and path displays, with and without a screen."""
    assert display_address(":0") == DisplayAddress("/tmp/.X11-unix/X0", None, 0, 0)
    assert display_address(":12.1") == DisplayAddress("/tmp/.X11-unix/X12", None, 12, 1)
    assert display_address("unix:3") == DisplayAddress("/tmp/.X11-unix/X3", None, 3, 0)
    assert display_address("remote.example:2.0") == DisplayAddress(None, "remote.example", 2, 0)
    assert display_address("/private/tmp/launch-x/org.xquartz:0") == DisplayAddress(
        "/private/tmp/launch-x/org.xquartz", None, 0, 0
    )
    for bad in ("", "0", ":", ":x", ":1.y"):
        with pytest.raises(X11Error, match="DISPLAY"):
            display_address(bad)


def _xauth(path: Path, *args: str) -> None:
    """Run the real xauth on an authority file."""
    subprocess.run(["xauth", "-q", "-f", str(path), *args], check=True, capture_output=True)


@pytest.mark.desktop
def test_cookie_is_found_for_its_display_only(tmp_path: Path) -> None:
    """Entries made by xauth: the local one for its display number, a wildcard for any."""
    authority = tmp_path / "Xauthority"
    _xauth(authority, "add", ":5", "MIT-MAGIC-COOKIE-1", COOKIE)
    assert xauthority_cookie(display_address(":5"), authority) == bytes.fromhex(COOKIE)
    assert xauthority_cookie(display_address(":6"), authority) == b""
    other_host = xauthority_cookie(display_address(":5"), authority, hostname="elsewhere")
    assert other_host == b""
    assert xauthority_cookie(display_address(":5"), tmp_path / "missing") == b""


@pytest.mark.desktop
def test_a_damaged_authority_file_reads_as_no_cookie(tmp_path: Path) -> None:
    """A file cut short mid-entry gives no cookie rather than an exception."""
    authority = tmp_path / "Xauthority"
    _xauth(authority, "add", ":5", "MIT-MAGIC-COOKIE-1", COOKIE)
    authority.write_bytes(authority.read_bytes()[:-5])
    assert xauthority_cookie(display_address(":5"), authority) == b""


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[bytes]]]:
    """Processes a test starts, stopped at its end."""
    started: list[subprocess.Popen[bytes]] = []
    yield started
    stop_processes(started)


@pytest.mark.desktop
def test_second_screen_root_and_atoms_match_xlib(
    tmp_path: Path, processes: list[subprocess.Popen[bytes]]
) -> None:
    """On a two-screen server the root of screen 1 and a new atom agree with python-xlib."""
    from Xlib import display as xdisplay

    options = ("-screen", "0", "640x480x24", "-screen", "1", "320x200x16")
    display = start_xvfb(tmp_path, processes, options)
    xlib = xdisplay.Display(f"{display}.1")  # open throughout: the last client leaving resets
    atom = xlib.intern_atom("BACKCARE_TEST")
    with X11Connection(f"{display}.1") as x11:
        assert x11.root == xlib.screen(1).root.id != xlib.screen(0).root.id
        assert x11.intern_atom("BACKCARE_TEST", only_if_exists=True) == atom
        assert x11.intern_atom("BACKCARE_NEVER_MADE", only_if_exists=True) == 0
        assert x11.property_values(x11.root, "BACKCARE_NEVER_MADE") is None
        assert x11.selection_owner("_NET_SYSTEM_TRAY_S1") == 0
        assert x11.idle_milliseconds() >= 0
    with pytest.raises(X11Error, match="no screen 2"):
        X11Connection(f"{display}.2")
    xlib.close()


@pytest.mark.desktop
def test_cookie_opens_an_authorising_server_and_a_wrong_one_is_refused(
    tmp_path: Path, processes: list[subprocess.Popen[bytes]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Xvfb run with -auth lets in the client holding the cookie and refuses the others."""
    number = _free_display_number()
    server_authority, client_authority = tmp_path / "server-auth", tmp_path / "client-auth"
    _xauth(server_authority, "add", f":{number}", "MIT-MAGIC-COOKIE-1", COOKIE)
    _xauth(client_authority, "add", f":{number}", "MIT-MAGIC-COOKIE-1", COOKIE)
    # -noreset: else the server resets (and drops a connecting client) when the readiness
    # check, its first client, leaves; the test would then meet a reset, not the cookie.
    options = (
        f":{number}",
        "-screen",
        "0",
        "640x480x24",
        "-auth",
        str(server_authority),
        "-noreset",
    )
    display = start_xvfb(tmp_path, processes, options, xauthority=client_authority)
    assert display == f":{number}"
    monkeypatch.setenv("XAUTHORITY", str(client_authority))
    with X11Connection(display) as x11:
        assert x11.root > 0
        assert x11.idle_milliseconds() >= 0
    _xauth(client_authority, "add", display, "MIT-MAGIC-COOKIE-1", "ff" * 16)
    with pytest.raises(X11Error, match="refused"):
        X11Connection(display)


def _free_display_number() -> int:
    """Return a display number no X server uses (nor left its lock behind)."""
    used = {int(name[1:]) for name in os.listdir("/tmp/.X11-unix") if name[1:].isdigit()}
    return next(
        n for n in range(200, 1000) if n not in used and not Path(f"/tmp/.X{n}-lock").exists()
    )


@linux_only("the X server's local socket is AF_UNIX, which Windows Python has not")
def test_no_server_is_a_clear_error() -> None:
    """A display nobody serves fails with the socket it tried."""
    free = _free_display_number()
    with pytest.raises(X11Error, match=f"X{free}"):
        X11Connection(f":{free}")
