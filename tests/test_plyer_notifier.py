"""plyer's notifier against plyer's real facade, with a Windows-like balloon as its backend."""

import logging
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from plyer.facades import Notification
from plyer.utils import Proxy
from support import plyer_balloon
from support.homes import windows_home_env, with_windows_basics
from support.waiting import wait_for

from backcare_tray.adapters.notifications import choose_notifier
from backcare_tray.adapters.notifications.plyer_notifier import (
    UNTIL_ANSWERED_SECONDS,
    PlyerNotifier,
)
from backcare_tray.adapters.runtime_dir import runtime_dir
from backcare_tray.doctor import notification_lines
from backcare_tray.notice import Notice, answer_hint

DUE = Notice("due", "Time to stretch: Calf stretch", "Draw the toes up.", answer_hint=answer_hint())
PNG = "/icons/backcare.png"
ICO = "/cache/backcare.ico"


@pytest.fixture
def balloon(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """The stand-in balloon module, where plyer's proxy looks for its platform's backend."""
    module = plyer_balloon.install()
    monkeypatch.setitem(__import__("sys").modules, plyer_balloon.NAME, module)
    return module


@pytest.fixture
def facade(balloon: ModuleType) -> Any:
    """A fresh plyer notification proxy (plyer's own caches the backend it loaded first)."""
    return Proxy("notification", Notification)


@pytest.fixture
def icon() -> list[str]:
    """The icon file the notifier hands plyer; a test changes it."""
    return [PNG]


@pytest.fixture
def notifier(facade: Any, icon: list[str]) -> Iterator[PlyerNotifier]:
    """A plyer notifier on the stand-in backend, handing plyer icon[0]."""
    made = PlyerNotifier(lambda: icon[0], facade)
    yield made
    made.stop()


def errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Return the messages logged at ERROR."""
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_png_fails_in_plyers_own_thread_and_is_reported_once(
    notifier: PlyerNotifier, balloon: ModuleType, icon: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    """The balloon's exception is caught: show says False, one ERROR names it, describe too."""
    with caplog.at_level(logging.INFO):
        assert notifier.show(DUE) is False
        assert notifier.show(DUE) is False
    assert errors(caplog) == [
        "Notifications are not working (Exception: Could not load icon /icons/backcare.png); "
        "the tray icon still shows when a stretch is due."
    ]
    facts = notifier.describe()
    assert facts["failing"] is True
    assert facts["problem"] == "Exception: Could not load icon /icons/backcare.png"
    assert facts["icon"] == PNG
    assert balloon.SHOWN == []
    assert "Exception in thread" not in caplog.text  # not handed on to the default hook

    icon[0] = ICO
    with caplog.at_level(logging.INFO):
        assert notifier.show(DUE) is True
    assert "Notifications work again." in caplog.text
    assert notifier.describe()["failing"] is False and notifier.describe()["problem"] is None
    (shown,) = balloon.SHOWN
    assert shown["app_icon"] == ICO and shown["title"] == DUE.title
    # plyer's balloon thread, started from our daemon thread, is a daemon thread itself.
    assert shown["daemon"] is True


def test_a_balloon_that_fails_after_show_returned_is_still_reported(
    notifier: PlyerNotifier, icon: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    """A failure later than show() waits for comes through the hook and marks it failing."""
    icon[0] = f"/cache/backcare{plyer_balloon.LATE}"
    with caplog.at_level(logging.ERROR):
        assert notifier.show(DUE) is True
        wait_for(lambda: notifier.describe()["failing"], 5, "the late failure")
    assert notifier.describe()["problem"] == "Exception: Shell_NotifyIconW failed."
    assert len(errors(caplog)) == 1


def test_other_threads_exceptions_reach_the_hook_that_was_there(
    notifier: PlyerNotifier, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only exceptions raised through plyer's code are taken; any other thread's go on."""
    heard: list[BaseException | None] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: heard.append(args.exc_value))
    assert notifier.show(DUE) is False  # hooks in, in front of the recorder

    def fail() -> None:
        raise ValueError("not plyer's")

    thread = threading.Thread(target=fail)
    thread.start()
    thread.join()
    assert [str(error) for error in heard] == ["not plyer's"]
    assert notifier.describe()["problem"] == "Exception: Could not load icon /icons/backcare.png"


def test_windows_gets_the_ico_and_linux_the_png(balloon: ModuleType) -> None:
    """choose_notifier hands plyer the .ico on win32 (or no icon yet), the PNG elsewhere."""
    png = Path(PNG)
    drawn: list[str | None] = [None]
    windows = choose_notifier("win32", png, print, lambda: drawn[0])
    assert windows.describe()["icon"] is None  # not drawn yet: the system's own icon
    drawn[0] = ICO
    assert windows.describe()["icon"] == ICO
    linux = choose_notifier("linux", png, print)
    fallback: Any = getattr(linux, "_fallback")  # noqa: B009 - the plyer it falls back on
    assert fallback.describe()["icon"] == str(png)
    linux.stop()
    windows.stop()


def test_a_notice_meant_to_stay_until_answered_gets_the_longest_balloon(
    notifier: PlyerNotifier, balloon: ModuleType, icon: list[str]
) -> None:
    """Timeout 0 (until answered) would remove the balloon at once: it is given 30 s."""
    icon[0] = ICO
    assert notifier.show(replace(DUE, timeout=0)) is True
    assert notifier.show(replace(DUE, title="Still waiting", timeout=7)) is True
    assert [shown["timeout"] for shown in balloon.SHOWN] == [UNTIL_ANSWERED_SECONDS, 7]
    assert UNTIL_ANSWERED_SECONDS == 30


def test_a_missing_ico_shows_the_balloon_with_the_systems_icon(
    notifier: PlyerNotifier, balloon: ModuleType, icon: list[str]
) -> None:
    """No .ico drawn yet: plyer gets no icon, so the balloon shows (Windows' own icon)."""
    icon[0] = ""
    assert notifier.show(DUE) is True
    assert [shown["app_icon"] for shown in balloon.SHOWN] == [""]


def test_doctor_says_the_running_daemons_notifications_fail(
    notifier: PlyerNotifier,
) -> None:
    """Doctor's lines name the running daemon's failure and cause, or that none answers."""
    notifier.show(DUE)
    facts = notifier.describe()
    lines = notification_lines(facts, facts)
    assert lines[0] == "plyer: no buttons (the text says how to answer)"
    assert f"icon: {PNG}" in lines
    assert lines[-1] == (
        "running daemon: notifications are FAILING "
        "(Exception: Could not load icon /icons/backcare.png)"
    )
    assert notification_lines(facts, None)[-1] == (
        "running daemon: none answers, so none has failed to notify"
    )
    fine = {**facts, "failing": False, "problem": None}
    assert notification_lines(fine, fine)[-1] == "running daemon: no failure to notify (via plyer)"


QUICK_EXIT_CONFIG = """\
[notifications]
timeout = "10s"

[sound]
cues = "off"
due_sound = false

[guide]
window = false
"""  # no player, no window: this interpreter and its helpers are all the test starts


def test_the_daemon_quits_at_once_right_after_a_balloon(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The daemon process, on the balloon that sleeps out 10 s: gone within 2 s of quit."""
    import json
    import os
    import subprocess
    import sys
    import time

    import backcare_tray
    from backcare_tray.adapters.control import NotRunning, endpoint_for, send_request
    from backcare_tray.commands import Command

    home, runtime = tmp_path / "home", tmp_path / "runtime"
    for folder in (home, runtime):
        folder.mkdir(mode=0o700)
    env = {
        **with_windows_basics(windows_home_env(home)),
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_RUNTIME_DIR": str(runtime),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_STATE_HOME": str(home / ".local/state"),
        "XDG_DATA_HOME": str(home / ".local/share"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "LANG": "C.UTF-8",
        # No session bus: the freedesktop notifier hands each notice to plyer.
        plyer_balloon.LOG_ENV: str(tmp_path / "balloons.jsonl"),
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    config = tmp_path / "config.toml"
    config.write_text(QUICK_EXIT_CONFIG, encoding="utf-8")
    # On sys.path by hand: the Windows tests' embeddable CPython ignores PYTHONPATH.
    paths = [str(Path(plyer_balloon.__file__).parent), str(Path(backcare_tray.__file__).parents[1])]
    script = (
        "import sys\n"
        f"sys.path[:0] = {paths!r}\n"
        "import plyer_balloon\n"
        "plyer_balloon.install().ICON_SUFFIXES = ('.ico', '.png')\n"
        "from backcare_tray.cli import main\n"
        f"sys.exit(main(['run', '--no-tray', '--config', {str(config)!r}]))\n"
    )
    endpoint = endpoint_for(runtime_dir().path, sys.platform)
    process = subprocess.Popen(
        [sys.executable, "-c", script],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:

        def answers() -> bool:
            assert process.poll() is None, "the daemon stopped as it started"
            try:
                return bool(send_request(endpoint, Command("status"), 2)["ok"])
            except (NotRunning, OSError):
                return False

        wait_for(answers, 30, "the daemon to answer")
        assert send_request(endpoint, Command("start"))["ok"]  # a routine's first notice
        balloons = tmp_path / "balloons.jsonl"
        wait_for(balloons.exists, 10, "the balloon to be shown")
        (shown,) = [json.loads(line) for line in balloons.read_text().splitlines()]
        assert shown["timeout"] >= 10 and shown["daemon"] is True  # it sleeps that out
        facts = send_request(endpoint, Command("status"))["status"]["notifications"]
        # Linux tries the session bus first and falls back on plyer; Windows has only plyer.
        via = facts["via"] if sys.platform == "win32" else facts["fallback"]["via"]
        assert via == "plyer" and facts["failing"] is False
        assert send_request(endpoint, Command("quit"))["ok"]
        quit_at = time.monotonic()
        assert process.wait(timeout=12) == 0
        took = time.monotonic() - quit_at
        print(f"exited {took:.2f} s after quit")
        assert took < 2.0, f"the daemon took {took:.1f} s to exit after quit"
    finally:
        if process.poll() is None:
            process.kill()
        output = process.communicate(timeout=10)[0].decode(errors="replace")
        print(output)
