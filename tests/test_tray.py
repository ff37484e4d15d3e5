"""The pystray icon in this process, docked in a real XEmbed tray (trayer) on Xvfb."""

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support.desktop import Desktop, virtual_desktop
from support.waiting import wait_for

from backcare_tray.adapters.tray import TrayIcon
from backcare_tray.commands import Command
from backcare_tray.menu import MenuEntry
from backcare_tray.view import IconLook, TrayView

# GtkStatusIcon is deprecated in GTK 3 but is what XEmbed trays speak.
pytestmark = [pytest.mark.desktop, pytest.mark.filterwarnings("ignore::DeprecationWarning")]


@pytest.fixture
def xdesktop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Desktop]:
    """A virtual desktop whose display and bus this process uses."""
    with virtual_desktop(tmp_path) as desktop:
        for name in ("DISPLAY", "DBUS_SESSION_BUS_ADDRESS", "HOME", "NO_AT_BRIDGE"):
            monkeypatch.setenv(name, desktop.env[name])
        monkeypatch.delenv("PYSTRAY_BACKEND", raising=False)
        yield desktop


def on_gtk_thread(read: Any) -> Any:
    """Return read() as run on GTK's main loop, where GTK objects may be touched."""
    from gi.repository import GLib

    done = threading.Event()
    result: list[Any] = []

    def run() -> bool:
        result.append(read())
        done.set()
        return False

    GLib.idle_add(run)
    assert done.wait(5), "GTK's loop did not run the call"
    return result[0]


def view(tooltip: str) -> TrayView:
    """Return a view with a one-item menu and this tooltip."""
    return TrayView(IconLook("due"), tooltip, (MenuEntry("How to do it", Command("howto")),))


def test_on_an_xembed_tray_the_gtk_icon_docks_and_shows_the_status_as_tooltip(
    xdesktop: Desktop, tmp_path: Path
) -> None:
    """With trayer (XEmbed only) GTK's icon docks, and its tooltip is the status line."""
    tray = TrayIcon(lambda command: None, tmp_path / "pictures")
    tray.show(view("Time to stretch: Calf stretch"))
    tray.start()
    try:
        status_icon: Any = wait_for(lambda: getattr(tray._icon, "_status_icon", None), 15, "icon")
        assert tray.backend == "gtk"
        wait_for(lambda: on_gtk_thread(status_icon.is_embedded), 15, "the icon to dock in trayer")
        wait_for(
            lambda: on_gtk_thread(status_icon.get_tooltip_text) == "Time to stretch: Calf stretch",
            5,
            "the tooltip",
        )
        tray.show(view("Snoozed: Calf stretch in 9 min"))
        wait_for(
            lambda: on_gtk_thread(status_icon.get_tooltip_text) == "Snoozed: Calf stretch in 9 min",
            5,
            "the new tooltip",
        )
    finally:
        tray.stop()
