"""The installed daemon in the person's language: notifications, buttons, menu, status, voice."""

import gettext
import os
import stat
from pathlib import Path

import pytest
from support.coach import coach_event
from support.daemon import running_daemon
from support.desktop import Desktop, virtual_desktop
from support.notification_service import NotifyCall, RecordingNotificationServer
from support.pulse import PulseSink
from support.screen import grab
from support.sni_client import SniClient
from support.waiting import wait_for
from support.window import click, events, managed_virtual_desktop, next_event, window_names

from backcare_tray.exercises import builtin_tables
from backcare_tray.i18n import DOMAIN, LOCALE_DIR

pytestmark = pytest.mark.desktop

HAMSTRING = builtin_tables()[0]  # the first stretch of the default rotation, as written
CONFIG = """\
[schedule]
sitting_interval = "{interval}"
snooze = "3s"
remind_every = "0s"

[guide]
window = false
"""


def catalog(language: str) -> gettext.GNUTranslations:
    """Return a language's catalog as the installed package carries it."""
    return gettext.translation(DOMAIN, LOCALE_DIR, [language])


def write_config(desktop: Desktop, interval: str = "2s", extra: str = "") -> Path:
    """Write a config whose first stretch, the hamstring stretch, falls due after interval."""
    path = desktop.home / "languages.toml"
    path.write_text(CONFIG.format(interval=interval) + extra, encoding="utf-8")
    return path


def newest(server: RecordingNotificationServer, title: str, timeout: float = 15) -> NotifyCall:
    """Wait for a Notify call with this title and return the newest."""
    return wait_for(
        lambda: [c for c in reversed(server.calls()) if c.summary == title],
        timeout,
        f"a notice titled {title!r}",
    )[0]


def test_under_lang_de_the_break_its_buttons_and_status_are_german(
    bare_desktop: Desktop, recorder: RecordingNotificationServer
) -> None:
    """LANG=de_DE.UTF-8: the due notification, its buttons, the snooze and `status` in German."""
    desktop = bare_desktop
    desktop.env["LANG"] = "de_DE.UTF-8"
    de = catalog("de")
    name = de.gettext(HAMSTRING["name"])
    assert name != HAMSTRING["name"]
    with running_daemon(desktop, config=write_config(desktop)) as daemon:
        due = newest(recorder, de.gettext("Time to stretch: {name}").format(name=name))
        three = de.gettext("{seconds} s").format(seconds=3)
        assert due.actions == {
            "default": de.pgettext("button", "Start"),
            "snooze": de.gettext("Snooze {time}").format(time=three),
            "done": de.pgettext("button", "Done"),
            "skip": de.pgettext("button", "Skip"),
        }
        assert due.body.startswith(de.gettext(HAMSTRING["summary"]))
        assert "Hold" not in due.body and "each leg" not in due.body  # no English left

        status = desktop.run("status")
        assert status.returncode == 0, status.stderr
        assert status.stdout.startswith(de.gettext("Time to stretch: {name}").format(name=name))

        recorder.click("snooze")
        snoozed = newest(recorder, de.gettext("Snoozed: {name}").format(name=name))
        back = de.gettext("Back in {time}, at {clock}.").split("{time}")[0]
        assert snoozed.body.startswith(back), snoozed.body
        assert snoozed.actions == {"start": de.gettext("Start now")}
    assert daemon.exit_code == 0
    assert "No catalog" not in daemon.log_text()


def test_an_unknown_language_speaks_english_and_says_so_once(
    bare_desktop: Desktop, recorder: RecordingNotificationServer
) -> None:
    """LANG=sv_SE: no catalog, so English, with one line in the log naming what was asked."""
    desktop = bare_desktop
    desktop.env["LANG"] = "sv_SE.UTF-8"
    with running_daemon(desktop, config=write_config(desktop)) as daemon:
        newest(recorder, f"Time to stretch: {HAMSTRING['name']}")
        doctor = desktop.run("doctor")
        assert "in use: en" in doctor.stdout, doctor.stdout
        assert daemon.log_text().count("No catalog for sv_SE.UTF-8") == 1


def test_the_config_language_wins_and_the_tray_menu_is_polish_over_dbusmenu(
    tmp_path: Path,
) -> None:
    """[general] language = "pl" over LANG=de: the StatusNotifierItem's menu speaks Polish."""
    with virtual_desktop(tmp_path, notification_server=False, tray="xfce4-panel") as desktop:
        desktop.env["LANG"] = "de_DE.UTF-8"
        client = SniClient(desktop.env["DBUS_SESSION_BUS_ADDRESS"])
        pl = catalog("pl")
        config = write_config(desktop, "45m", '\n[general]\nlanguage = "pl"\n')
        try:
            with running_daemon(desktop, config=config):
                item = wait_for(lambda: client.find("backcare-tray"), 20, "the item to register")
                _, root = client.layout(item)
                labels = [entry.label for entry in root.children if entry.label]
                name = pl.gettext(HAMSTRING["name"])
                first = pl.gettext("Next stretch at {time}: {name}").split("{time}")[0]
                assert labels[0].startswith(first), labels
                assert labels[1] == pl.gettext("Start {name}").format(name=name)
                expected = [
                    pl.pgettext("menu", "Snooze"),
                    pl.gettext("Mark done"),
                    pl.pgettext("menu", "Skip"),
                    pl.gettext("How to do it"),
                    pl.pgettext("menu", "Pause"),
                ]
                assert labels[2:7] == expected
                assert labels[-4:] == [
                    pl.gettext("Show progress"),
                    pl.pgettext("menu", "Stretches"),
                    pl.gettext("Settings…"),
                    pl.pgettext("menu", "Quit"),
                ]
                pause = root.named(pl.pgettext("menu", "Pause"))
                hour = pl.ngettext("{count} hour", "{count} hours", 1).format(count=1)
                two = pl.ngettext("{count} hour", "{count} hours", 2).format(count=2)
                assert [e.label for e in pause.children][1:3] == [hour, two]
                properties = client.properties(item)
                assert properties["Title"].startswith(
                    pl.gettext("Next stretch in {time}: {name}").split("{time}")[0]
                )
        finally:
            client.close()


def voice_recorder(folder: Path) -> tuple[Path, Path]:
    """Put an espeak-ng first on a PATH that notes its arguments and runs the real one."""
    real = next(
        path
        for path in (Path(p) / "espeak-ng" for p in os.environ["PATH"].split(os.pathsep))
        if path.is_file()
    )
    folder.mkdir()
    said = folder / "said.txt"
    shim = folder / "espeak-ng"
    shim.write_text(
        f'#!/bin/sh\nprintf "%s\\n" "$*" >> "{said}"\nexec "{real}" "$@"\n',
        encoding="utf-8",
    )
    shim.chmod(shim.stat().st_mode | stat.S_IXUSR)
    return folder, said


def test_a_spoken_cue_is_german_in_a_german_voice(
    sound_stage: tuple[Desktop, PulseSink], tmp_path: Path
) -> None:
    """The voice gets espeak-ng's German voice and the German words, and is heard."""
    desktop, sink = sound_stage
    folder, said = voice_recorder(tmp_path / "voice")
    desktop.env["PATH"] = f"{folder}{os.pathsep}{desktop.env['PATH']}"
    desktop.env["LANG"] = "de_DE.UTF-8"
    config = write_config(desktop, "1h", '\n[sound]\ncues = "voice"\n')
    server = RecordingNotificationServer(with_actions=True)
    try:
        with running_daemon(desktop, config=config):
            started = server.calls()
            assert desktop.run("start").returncode == 0
            first = wait_for(lambda: server.calls()[len(started) :], 15, "the routine's update")
            wait_for(lambda: said.exists() and said.read_text().strip(), 10, "the voice to speak")
            recording = sink.wait_until(first[0].at + 2.0)
            assert recording.first_sound_after(first[0].at - 0.3) is not None
    finally:
        server.close()
    spoken = said.read_text(encoding="utf-8").splitlines()[0]
    assert " -v de " in f" {spoken} ", spoken
    words = spoken.split(" -- ", 1)[1]
    de = catalog("de")
    assert de.gettext(HAMSTRING["name"]) in words or de.gettext(HAMSTRING["steps"][0]) in words


@pytest.mark.parametrize("language", ["de", "pl", "ja"])
def test_long_words_fit_every_page_of_the_window(tmp_path: Path, language: str) -> None:
    """Long German and Polish words, unspaced Japanese: every text of every page has its room."""
    words = catalog(language)
    with managed_virtual_desktop(tmp_path) as desktop:
        config = desktop.home / ".config" / "backcare-tray" / "config.toml"
        config.parent.mkdir(parents=True)
        config.write_text(f'[general]\nlanguage = "{language}"\n', encoding="utf-8")
        opened = desktop.run("settings")
        assert opened.returncode == 0, opened.stderr
        log = desktop.home / ".cache" / "backcare-tray" / "window.log"
        page = next_event(log, "page", 0, page="settings")
        assert page["cut"] == [], page["cut"]
        for section, where in page["sections"].items():
            seen = len(events(log))
            click(desktop, where)
            shown = next_event(log, "page", seen, page="settings", section=section)
            assert shown["cut"] == [], (section, shown["cut"])
        for other in ("progress", "stretches"):
            seen = len(events(log))
            assert desktop.run(other).returncode == 0
            shown = next_event(log, "page", seen, page=other)
            assert shown["cut"] == [], (other, shown["cut"])
        titles = window_names(desktop)
        assert words.gettext("Stretches") in titles  # the page shown names itself
        screen = grab(desktop.env["DISPLAY"])
        x, y, width, height = shown["frame"]
        assert x >= 0 and y >= 0 and x + width <= screen.width and y + height <= screen.height


@pytest.mark.parametrize("language", ["de", "pl", "ja"])
def test_long_words_fit_the_coach_window(tmp_path: Path, language: str) -> None:
    """Long German and Polish words, unspaced Japanese: each step, countdown and button fits."""
    with managed_virtual_desktop(tmp_path) as desktop:
        desktop.env["BACKCARE_TRAY_COACH_DEBUG"] = "1"
        runtime = Path(desktop.env["XDG_RUNTIME_DIR"]) / "backcare-tray"
        config = write_config(desktop, "45m", f'\n[general]\nlanguage = "{language}"\n')
        config.write_text(config.read_text().replace("window = false", "window = true"))
        with running_daemon(desktop, "--no-tray", config=config):
            assert desktop.run("start").returncode == 0
            seen: set[str] = set()
            after = 0
            while len(seen) < 3:  # the two set-up steps and the first hold
                after, step = coach_event(runtime, "step", after)
                after += 1
                assert step["cut"] == [], (step["doing"], step["cut"])
                seen.add(step["doing"])
            assert desktop.run("cancel").returncode == 0
