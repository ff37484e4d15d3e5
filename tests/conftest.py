"""Shared fixtures: a real virtual desktop, a private session bus, the desktop marker's guard."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import marking
from support.desktop import Desktop, private_bus, virtual_desktop
from support.homes import windows_home
from support.notification_service import RecordingNotificationServer
from support.platforms import WINDOWS
from support.pulse import PulseSink, pulse_sink

from backcare_tray.i18n import Language, use_language

# The suite speaks English unless a test asks for a language: the person running it may not.
for _name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
    os.environ.pop(_name, None)
os.environ["LANG"] = "C.UTF-8"


@pytest.fixture(autouse=True)
def _english_again() -> Iterator[None]:
    """Speak English again after a test that chose another language in this process."""
    yield
    use_language(Language("en", "the default"))


@pytest.fixture(autouse=True)
def _desktop_marker_guard(request: pytest.FixtureRequest) -> Iterator[None]:
    """Make the desktop helpers fail a test that starts outside programs unmarked."""
    marked = request.node.get_closest_marker("desktop") is not None
    with marking.running_test(request.node.nodeid, marked):
        yield


@pytest.fixture(autouse=True)
def _windows_user_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On Windows, give each test its own profile folders, so no test touches the user's."""
    if WINDOWS:
        windows_home(monkeypatch, tmp_path / "windows-user")


@pytest.fixture
def desktop(tmp_path: Path) -> Iterator[Desktop]:
    """A fresh virtual desktop with a tray and a notification server."""
    with virtual_desktop(tmp_path) as running:
        yield running


@pytest.fixture
def bus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A private session bus with nothing on it, used by this process."""
    with private_bus(tmp_path) as address:
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
        yield address


@pytest.fixture
def xdesktop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Desktop]:
    """A virtual desktop whose display and bus this process uses."""
    with virtual_desktop(tmp_path) as desktop:
        monkeypatch.setenv("DISPLAY", desktop.env["DISPLAY"])
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", desktop.env["DBUS_SESSION_BUS_ADDRESS"])
        yield desktop


@pytest.fixture
def bare_desktop(tmp_path: Path) -> Iterator[Desktop]:
    """A desktop whose bus has no notification server until the test exports one."""
    with virtual_desktop(tmp_path, notification_server=False) as running:
        yield running


@pytest.fixture
def recorder(
    bare_desktop: Desktop, monkeypatch: pytest.MonkeyPatch
) -> Iterator[RecordingNotificationServer]:
    """A recording notification server with buttons on the desktop's bus."""
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", bare_desktop.env["DBUS_SESSION_BUS_ADDRESS"])
    server = RecordingNotificationServer(with_actions=True)
    yield server
    server.close()


@pytest.fixture
def sound_stage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Desktop, PulseSink]]:
    """A desktop with a recording notification server and a private sound server."""
    with (
        virtual_desktop(tmp_path, notification_server=False) as desktop,
        pulse_sink(tmp_path) as sink,
    ):
        desktop.env.update(sink.env)
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", desktop.env["DBUS_SESSION_BUS_ADDRESS"])
        yield desktop, sink
