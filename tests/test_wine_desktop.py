"""The daemon in Windows Python under Wine, met as a Windows user meets it: tray, balloon, port."""

import gettext
import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.daemon import QUICK_CONFIG
from support.screen import Shot
from support.waiting import wait_for
from support.wine import (
    CHECKOUT,
    PYTHON,
    TRAY_BOX,
    WineDesktop,
    menu_row,
    menu_window,
    windows_of,
    windows_path,
    wine_daemon,
    wine_desktop,
)

from backcare_tray.art import DISC
from backcare_tray.exercises import builtin_tables
from backcare_tray.figure import TEAL as FIGURE_TEAL
from backcare_tray.i18n import DOMAIN, LOCALE_DIR

pytestmark = pytest.mark.desktop

TEAL = FIGURE_TEAL[:3]  # the base art's disc, the icon while working
ORANGE = DISC["due"][:3]
RUN_KEY = r"HKCU\Software\Microsoft\Windows\CurrentVersion\Run"


@pytest.fixture
def wine(tmp_path: Path) -> Iterator[WineDesktop]:
    """Wine's virtual desktop with its taskbar, for one test."""
    with wine_desktop(tmp_path) as desktop:
        yield desktop


def write_config(desktop: WineDesktop, interval: str) -> Path:
    """Write the suite's quick config (30 s balloons) with this sitting interval."""
    path = desktop.tmp / "config.toml"
    path.write_text(QUICK_CONFIG.format(interval=interval), encoding="utf-8")
    return path


def tray(desktop: WineDesktop) -> Shot:
    """Return the pixels of the tray at the right end of the taskbar."""
    return desktop.grab(TRAY_BOX)


def icon_spot(shot: Shot, colour: tuple[int, int, int]) -> tuple[int, int] | None:
    """Return the middle of the pixels near colour in a shot, or None when there are few."""
    spots = [
        (x, y)
        for y in range(shot.y, shot.y + shot.height)
        for x in range(shot.x, shot.x + shot.width)
        if all(abs(a - b) <= 30 for a, b in zip(shot.at(x, y), colour, strict=True))
    ]
    if len(spots) < 20:
        return None
    # the right-most cluster: plyer's own balloon icon sits to the left of the daemon's
    right = max(x for x, _ in spots)
    cluster = [(x, y) for x, y in spots if x > right - 16]
    return (
        sum(x for x, _ in cluster) // len(cluster),
        sum(y for _, y in cluster) // len(cluster),
    )


def test_the_icon_shows_in_the_tray_and_its_menu_marks_a_stretch_done(wine: WineDesktop) -> None:
    """The working icon docks in Wine's tray; when due, a click on Mark done records it."""
    assert icon_spot(tray(wine), TEAL) is None, "the tray has a teal icon before the daemon"
    with wine_daemon(wine, write_config(wine, "4s")):
        wait_for(lambda: icon_spot(tray(wine), TEAL), 30, "the working icon in the tray")
        wait_for(lambda: wine.status()["state"] == "due", 30, "the stretch to fall due")
        spot = wait_for(lambda: icon_spot(tray(wine), ORANGE), 30, "the due icon in the tray")
        assert spot is not None
        assert wine.status()["today"]["done"] == 0

        wine.tool("xdotool", "mousemove", str(spot[0]), str(spot[1]), "click", "3")
        menu = wait_for(lambda: menu_window(wine), 15, "the tray menu to open")
        assert menu is not None
        # the due menu: the status line, Start..., Snooze, Mark done, Skip, How to do it
        x, y = menu_row(menu, 3)
        wine.tool("xdotool", "mousemove", str(x), str(y), "click", "1")
        wait_for(lambda: wine.status()["today"]["done"] == 1, 15, "Mark done to be recorded")
        assert wine.status()["state"] == "working"
        wait_for(lambda: menu_window(wine) is None, 5, "the menu to close")


def test_a_due_stretch_shows_a_balloon_with_its_text(wine: WineDesktop) -> None:
    """The balloon (plyer's) appears with the stretch's name and how to answer it."""
    with wine_daemon(wine, write_config(wine, "3s")) as daemon:
        name = wine.status()["next_exercise"]["name"]  # "Hamstring stretch"
        assert wine.balloons() == []
        # WM_GETTEXT gives the balloon's body; its title is drawn by the balloon itself
        shown = wait_for(lambda: wine.balloons(), 40, "the balloon")
        assert name.split()[0].lower() in shown[0].lower(), shown
        assert "backcare-tray start | snooze | done | skip" in shown[0], shown
        status = wine.status()
        assert status["state"] == "due"
        assert status["notifications"]["failing"] is False, status["notifications"]
        assert status["notifications"]["icon"].endswith(".ico")
        assert "Could not load icon" not in daemon.log_text()


def test_a_german_balloon_from_the_windows_package(wine: WineDesktop) -> None:
    """[general] language = "de": the Windows wheel's catalog gives the balloon its German words."""
    config = write_config(wine, "3s")
    config.write_text(config.read_text(encoding="utf-8") + '\n[general]\nlanguage = "de"\n')
    german = gettext.translation(DOMAIN, LOCALE_DIR, ["de"])
    with wine_daemon(wine, config):
        shown = wait_for(lambda: wine.balloons(), 40, "the balloon")
        hint = german.gettext("Answer from the tray icon, or run: {command}")
        assert hint.split("{command}")[0] in shown[0], shown
        summary = german.gettext(builtin_tables()[0]["summary"])
        assert summary in shown[0], shown
        assert wine.status()["status"] == german.gettext("Time to stretch: {name}").format(
            name=german.gettext(builtin_tables()[0]["name"])
        )


def test_status_over_the_loopback_port_and_one_instance(wine: WineDesktop) -> None:
    """The status answers over the loopback port with its token; a second daemon is refused."""
    config = write_config(wine, "45m")
    assert wine.cli("status").returncode == 3  # no daemon yet
    with wine_daemon(wine, config):
        status = wine.status()
        assert status["state"] == "working"
        assert status["idle_probe"] == "windows"
        assert 44 * 60 < status["seconds_until_break"] <= 45 * 60
        # the port file, in the runtime folder under this test's LOCALAPPDATA: port, token
        port_file = wine.local_appdata / "Temp" / "backcare-tray" / "control.port"
        port, token = port_file.read_text(encoding="utf-8").split()
        assert len(token) == 32
        with socket.create_connection(("127.0.0.1", int(port)), timeout=5):
            pass  # Wine's sockets are the host's: the daemon listens on loopback
        second = wine.cli("run", "--config", str(config).replace("/", "\\"), timeout=60)
        assert second.returncode == 1, second.stdout + second.stderr
        assert "already running" in second.stdout + second.stderr
        assert wine.status()["state"] == "working"  # the first one is untouched


def test_quit_within_two_seconds_after_a_balloon_with_the_state_saved(
    wine: WineDesktop,
) -> None:
    """After a balloon (whose thread sleeps out its timeout) quit ends the daemon at once."""
    with wine_daemon(wine, write_config(wine, "3s")) as daemon:
        wait_for(lambda: wine.balloons(), 40, "the balloon")
        assert wine.cli("snooze", "5m").returncode == 0
        asked = time.monotonic()
        assert wine.cli("quit").returncode == 0
        answered = time.monotonic()
        daemon.process.wait(timeout=15)
        ended = time.monotonic()
        print(
            f"quit: answered {answered - asked:.1f} s after it was asked (the command's own"
            f" start under Wine included), the daemon ended {ended - answered:.1f} s later"
        )
        assert ended - answered < 2, f"the daemon took {ended - answered:.1f} s to end"
        assert daemon.process.returncode == 0, daemon.log_text()
    # the folders the README names: %LOCALAPPDATA%\backcare-tray\...
    folder = wine.local_appdata / "backcare-tray"
    for name in ("state.json", "history.sqlite3", "Logs/backcare-tray.log"):
        assert (folder / name).is_file(), sorted(str(p) for p in folder.glob("*"))
    saved = json.loads((folder / "state.json").read_text(encoding="utf-8"))
    assert "snooze" in json.dumps(saved), saved
    with wine_daemon(wine, write_config(wine, "3s")):
        assert wine.status()["state"] == "snoozed"


def test_autostart_writes_and_removes_the_run_entry(wine: WineDesktop) -> None:
    """Enabling autostart writes HKCU's Run value (reg query reads it); disabling removes it."""
    wine.cli("autostart", "disable")
    assert wine.reg_query(RUN_KEY, "backcare-tray").returncode != 0
    try:
        enabled = wine.cli("autostart", "enable")
        assert enabled.returncode == 0, enabled.stdout + enabled.stderr
        found = wine.reg_query(RUN_KEY, "backcare-tray")
        assert found.returncode == 0, found.stdout + found.stderr
        assert "REG_SZ" in found.stdout and "backcare" in found.stdout.lower()
        assert "run" in found.stdout.split("REG_SZ", 1)[1]
    finally:
        disabled = wine.cli("autostart", "disable")
    assert disabled.returncode == 0, disabled.stdout + disabled.stderr
    assert wine.reg_query(RUN_KEY, "backcare-tray").returncode != 0


def test_settings_in_the_menu_opens_the_config_in_notepad(wine: WineDesktop) -> None:
    """No Tk in this Python, no program for .toml files: Settings… opens Notepad instead."""
    config = write_config(wine, "45m")
    with wine_daemon(wine, config) as daemon:
        spot = wait_for(lambda: icon_spot(tray(wine), TEAL), 30, "the working icon in the tray")
        assert spot is not None
        assert windows_of(wine, "notepad.exe") == []
        wine.tool("xdotool", "mousemove", str(spot[0]), str(spot[1]), "click", "3")
        menu = wait_for(lambda: menu_window(wine), 15, "the tray menu to open")
        assert menu is not None
        # six items, a separator, Pause, a separator, the day's line, Show progress, Stretches,
        # Settings…
        x, y = menu_row(menu, 10, separators=2)
        wine.tool("xdotool", "mousemove", str(x), str(y), "click", "1")
        wait_for(
            lambda: any("config.toml" in title for title in windows_of(wine, "notepad.exe")),
            30,
            "Notepad to open config.toml",
        )
        assert "The window cannot open here (Tk is not available" in daemon.log_text()
        assert "opening" in daemon.log_text() and "Notepad" in daemon.log_text()


def test_show_progress_draws_the_chart_and_opens_what_can_be_opened(wine: WineDesktop) -> None:
    """No Tk: the chart is drawn; with no program for pictures the text opens in Notepad."""
    with wine_daemon(wine, write_config(wine, "45m")):
        spot = wait_for(lambda: icon_spot(tray(wine), TEAL), 30, "the working icon in the tray")
        assert spot is not None
        wine.tool("xdotool", "mousemove", str(spot[0]), str(spot[1]), "click", "3")
        menu = wait_for(lambda: menu_window(wine), 15, "the tray menu to open")
        assert menu is not None
        x, y = menu_row(menu, 8, separators=2)  # Show progress, above Stretches
        wine.tool("xdotool", "mousemove", str(x), str(y), "click", "1")
        wait_for(
            lambda: any("progress.txt" in title for title in windows_of(wine, "notepad.exe")),
            60,
            "Notepad to open progress.txt",
        )
    cache = wine.local_appdata / "backcare-tray" / "Cache"
    assert (cache / "progress.png").read_bytes().startswith(b"\x89PNG")  # matplotlib drew it
    assert "Last 7 days" in (cache / "progress.txt").read_text(encoding="utf-8")


def test_a_killed_daemon_leaves_no_lock_behind(wine: WineDesktop) -> None:
    """After the process is killed (no clean-up at all), the next daemon starts and answers."""
    config = write_config(wine, "45m")
    with wine_daemon(wine, config) as first:
        first.process.kill()
        first.process.wait(timeout=15)
        assert wine.cli("status").returncode == 3  # a stale port file is no daemon
    with wine_daemon(wine, config):
        assert wine.status()["state"] == "working"


def test_doctor_names_the_windows_parts(wine: WineDesktop) -> None:
    """The doctor finds the Windows idle probe, tray, do-not-disturb state, sound and voice."""
    report = wine.cli("doctor")
    assert report.returncode == 0, report.stdout + report.stderr
    lines = [line.strip() for line in report.stdout.splitlines()]
    assert "platform: win32, Python 3.12.9" in lines
    assert any(line.startswith("windows: works (idle now") for line in lines), lines
    assert "win32: the system tray is always there" in lines
    # SHQueryUserNotificationState answers under Wine: notifications are accepted
    assert "Windows notification state: off" in lines
    assert "sound: winsound" in lines
    # the embeddable Python has no Tk: the hint is the Windows one, not a Debian package
    tk = next(line for line in lines if line.startswith("tkinter:"))
    assert "python.org" in tk and "python3-tk" not in tk, tk


def test_a_windows_users_pip_install_gives_a_working_command(
    wine: WineDesktop, tmp_path: Path
) -> None:
    """Windows' own pip installs the wheel with backcare-tray.exe, which starts the daemon."""
    wheels = tmp_path / "wheels"
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(CHECKOUT)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = wheels.glob("backcare_tray-*.whl")
    # Building from source under Wine stops at CopyFile2, which Wine 8 lacks: the wheel is
    # built here, and installed there as `py -m pip install backcare_tray-....whl` does.
    # the same wheel as prepare's, reinstalled by Windows' pip, which writes the launcher
    installed = wine.python(
        "-m", "pip", "install", "--force-reinstall", "--no-deps", "--no-index",
        "--no-warn-script-location", windows_path(wheel), timeout=300,
    )  # fmt: skip
    assert installed.returncode == 0, installed.stdout + installed.stderr
    launcher = PYTHON.parent / "Scripts" / "backcare-tray.exe"
    assert launcher.exists(), installed.stdout

    assert wine.program(launcher, "--version").stdout.startswith("backcare-tray ")
    assert wine.program(launcher, "status").returncode == 3
    with wine_daemon(wine, write_config(wine, "45m")):
        answered = wine.program(launcher, "status", "--json")
        assert answered.returncode == 0, answered.stdout + answered.stderr
        assert json.loads(answered.stdout)["state"] == "working"
