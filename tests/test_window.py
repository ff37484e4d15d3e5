"""The settings window on a real X display, opened from the daemon and the command line."""

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support.daemon import running_daemon
from support.desktop import Desktop
from support.screen import grab
from support.waiting import wait_for
from support.window import (
    click,
    events,
    managed_virtual_desktop,
    next_event,
    type_into,
    window_names,
    xdotool,
)

from backcare_tray.adapters.config_edit import backup_path
from backcare_tray.palette import REFUSED, TEAL_DARK
from backcare_tray.settings_schema import setting_named
from backcare_tray.validation import InvalidValue, InvalidValues
from backcare_tray.window.form import check_field, from_widget, problems_by_field, to_widget

DASH_REFUSED = "schedule.sitting_interval: '-5m' is not a duration like '45m'"
USER_CONFIG = """\
# Tuned with my physio; keep these notes.
[schedule]
sitting_interval = "45m"   # the default, for now
remind_every = "0s"

[notifications]
timeout = "30s"
"""


# The form's rules (pure).


def test_a_list_field_reads_and_writes_the_files_list() -> None:
    """Snooze lengths show as "5m, 10m" and are written back as a TOML list."""
    setting = setting_named("schedule.snooze_choices")
    assert to_widget(setting, ["5m", "10m"]) == "5m, 10m"
    assert from_widget(setting, " 5m,10m  15m ") == ["5m", "10m", "15m"]


def test_a_field_is_checked_with_the_loaders_own_message() -> None:
    """The form's message is the config loader's, key and value named."""
    snooze = setting_named("schedule.snooze")
    assert check_field(snooze, "0m", {}).problem == "schedule.snooze: '0m' must be longer than zero"
    goal = setting_named("goals.daily_stretches")
    assert check_field(goal, "7", {}).value == 7
    assert "goals.daily_stretches" in (check_field(goal, "seven", {}).problem or "")
    assert check_field(goal, "101", {}).problem is not None


def test_the_loaders_problems_go_to_their_fields_or_to_the_banner() -> None:
    """A problem with a form field's key goes to that field; one of the file's own stays apart."""
    error = InvalidValues(
        [
            InvalidValue("schedule.snooze", "'0m' must be longer than zero"),
            InvalidValue("exercises[0].steps", "needs at least one step"),
        ]
    )
    fields, others = problems_by_field(error)
    assert fields == {"schedule.snooze": "schedule.snooze: '0m' must be longer than zero"}
    assert others == ["exercises[0].steps: needs at least one step"]


# The window on a virtual desktop.


@pytest.fixture
def managed_desktop(tmp_path: Path) -> Iterator[Desktop]:
    """A virtual desktop with a window manager, windows saying where their parts are."""
    with managed_virtual_desktop(tmp_path) as desktop:
        yield desktop


def replace_text(desktop: Desktop, box: list[int], text: str) -> None:
    """Select all of an entry and type text over it."""
    type_into(desktop, box, text)


def open_section(desktop: Desktop, log: Path, page: dict[str, Any], section: str) -> dict[str, Any]:
    """Click a section of the settings page and return where its fields are."""
    seen = len(events(log))
    click(desktop, page["sections"][section])
    return next_event(log, "page", seen, page="settings", section=section)


def users_config(desktop: Desktop, text: str) -> Path:
    """Write the person's own config, where a command with no --config reads it."""
    config = desktop.home / ".config" / "backcare-tray" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(text, encoding="utf-8")
    return config


def open_alone(desktop: Desktop) -> Path:
    """Open the settings window with no daemon running; return the file it says things in."""
    opened = desktop.run("settings")
    assert opened.returncode == 0, opened.stderr
    return desktop.home / ".cache" / "backcare-tray" / "window.log"


def window_log(desktop: Desktop) -> Path:
    """Return the file the daemon's window writes to."""
    return Path(desktop.status()["window"]["log"])


@pytest.mark.desktop
def test_a_setting_changed_in_the_form_is_saved_with_comments_and_applied(
    managed_desktop: Desktop,
) -> None:
    """Typed in and saved: comments kept, the old file backed up, the daemon using it."""
    desktop = managed_desktop
    config = desktop.home / "config.toml"
    config.write_text(USER_CONFIG, encoding="utf-8")
    with running_daemon(desktop, "--no-tray", config=config):
        assert desktop.status()["seconds_until_break"] <= 45 * 60
        opened = desktop.run("settings")
        assert opened.returncode == 0, opened.stderr
        assert "the settings window is open" in opened.stdout
        log = window_log(desktop)
        page = next_event(log, "page", 0, page="settings")
        next_event(log, "settings loaded", 0, problems={})
        page = open_section(desktop, log, page, "schedule")
        seen = len(events(log))
        replace_text(desktop, page["fields"]["schedule.sitting_interval"], "2h")
        next_event(log, "settings checked", seen, problems={})
        click(desktop, page["save"])
        applied = next_event(log, "settings applied", seen)
        assert applied["said"] == "Saved. backcare-tray uses the new settings now."
        assert config.read_text(encoding="utf-8") == USER_CONFIG.replace(
            'sitting_interval = "45m"', 'sitting_interval = "2h"'
        )
        assert backup_path(config).read_text(encoding="utf-8") == USER_CONFIG
        assert desktop.status()["seconds_until_break"] > 45 * 60


@pytest.mark.desktop
def test_an_invalid_value_shows_the_loaders_message_and_saves_nothing(
    managed_desktop: Desktop,
) -> None:
    """A broken value in the file opens at its field; a new one typed in is refused in red."""
    desktop = managed_desktop
    broken = USER_CONFIG.replace('remind_every = "0s"', 'snooze = "0m"')
    config = users_config(desktop, broken)
    loader = desktop.run("check-config", str(config))
    assert loader.returncode == 2
    message = "schedule.snooze: '0m' must be longer than zero"
    assert message in loader.stderr
    opened = desktop.run("settings")  # no daemon: the window opens on its own
    assert opened.returncode == 0, opened.stderr
    assert "not running" in opened.stdout
    log = desktop.home / ".cache" / "backcare-tray" / "window.log"
    loaded = next_event(log, "settings loaded", 0)
    assert loaded["problems"] == {"schedule.snooze": message}
    page = open_section(desktop, log, next_event(log, "page", 0, page="settings"), "schedule")
    seen = len(events(log))
    replace_text(desktop, page["fields"]["schedule.sitting_interval"], "-5m")
    refused = {"schedule.snooze": message, "schedule.sitting_interval": DASH_REFUSED}
    next_event(log, "settings checked", seen, problems=refused)
    field = page["fields"]["schedule.sitting_interval"]
    below = (field[0], field[1] + field[3], 420, 120)
    red = (int(REFUSED[1:3], 16), int(REFUSED[3:5], 16), int(REFUSED[5:7], 16))
    wait_for(lambda: grab(desktop.env["DISPLAY"], below).count(red, 40) > 20, 10, "red text")
    click(desktop, page["save"])
    assert config.read_text(encoding="utf-8") == broken
    assert not backup_path(config).exists()


@pytest.mark.desktop
def test_a_second_request_raises_the_open_window_at_its_page(managed_desktop: Desktop) -> None:
    """One window at a time: asking again shows the page asked for in the same process."""
    desktop = managed_desktop
    config = desktop.home / "config.toml"
    config.write_text(USER_CONFIG, encoding="utf-8")
    with running_daemon(desktop, "--no-tray", config=config):
        assert desktop.run("settings").returncode == 0
        log = window_log(desktop)
        next_event(log, "page", 0, page="settings")
        first = desktop.status()["window"]
        assert first["open"]
        again = desktop.run("progress")
        assert again.returncode == 0, again.stderr
        assert "the open window now shows the progress" in again.stdout
        next_event(log, "page", 0, page="progress")
        assert desktop.status()["window"]["pid"] == first["pid"]
    # Quitting the daemon closes its window.
    wait_for(lambda: not Path(f"/proc/{first['pid']}").exists(), 10, "the window to close")
    assert events(log)[-1]["window"] == "closing"


def seed_history(path: Path, days: int) -> None:
    """Write `days` days of sitting, stretches and breaks ending now, through the real history."""
    from backcare_tray.adapters.history import History
    from backcare_tray.engine import Record

    history = History(path)
    now = time.time()
    start = now - days * 86400
    for day in range(days + 1):
        morning = start + day * 86400
        marks: list[tuple[float, Record | str]] = [(morning, "daemon_started")]
        for slot in range(day % 5 + 2):  # 2 to 6 stretches a day
            due = morning + (slot + 1) * (40 + 7 * (day % 4)) * 60
            marks.append((due, Record("notified", "hamstring-stretch")))
            if slot % 3 == 2:
                marks.append((due + 60, Record("skipped", "ball-squat")))
            else:
                done = Record("done", "calf-stretch", "menu", stretching_seconds=95)
                marks.append((due + 120, done))
        if day % 3 == 0:
            marks.append(
                (morning + 5 * 3600, Record("natural_break", "ball-squat", away_seconds=600))
            )
        marks.append((morning + 9 * 3600, "daemon_stopped"))
        for wall, entry in marks:
            if wall < now - 60:
                history.record(entry, wall=wall)  # type: ignore[arg-type]
    history.record("daemon_stopped", wall=now - 30)  # no sit still going: stats agree later
    history.close()


@pytest.mark.desktop
def test_the_progress_page_shows_what_stats_reports(managed_desktop: Desktop) -> None:
    """On a seeded month the page's figures are stats --json's, drawn as bars; CSV exports."""
    desktop = managed_desktop
    seed_history(desktop.home / ".local" / "share" / "backcare-tray" / "history.sqlite3", 40)
    opened = desktop.run("progress")
    assert opened.returncode == 0, opened.stderr
    log = desktop.home / ".cache" / "backcare-tray" / "window.log"
    drawn = next_event(log, "progress drawn", 0)
    shown = drawn["numbers"]
    month = json.loads(desktop.run("stats", "--days", "30", "--json").stdout)
    week = json.loads(desktop.run("stats", "--days", "7", "--json").stdout)
    assert shown["done_per_day"] == [day["done"] for day in month["days"]]
    assert shown["today"]["done"] == month["days"][-1]["done"]
    assert shown["today"]["kept"] == month["days"][-1]["kept"]
    assert shown["streak"] == {"current": month["current_streak"], "best": month["best_streak"]}
    assert shown["week_done"] == sum(day["done"] for day in week["days"])
    summary = month["bouts"]["summary"]
    assert shown["month_bouts"] == {key: summary[key] for key in shown["month_bouts"]}
    assert shown["week_bouts"]["longest_seconds"] == week["bouts"]["summary"]["longest_seconds"]
    assert shown["longest_sit_per_day"] == [d["longest_seconds"] for d in month["bouts"]["days"]]
    assert [row[:2] for row in shown["stretches"]] == [
        [e["name"], e["done"]] for e in month["exercises"]
    ]
    assert sum(shown["done_per_day"]) > 0
    chart = drawn["chart"]
    shot = grab(desktop.env["DISPLAY"], (chart[0], chart[1], chart[2], chart[3]))
    teal_dark = (int(TEAL_DARK[1:3], 16), int(TEAL_DARK[3:5], 16), int(TEAL_DARK[5:7], 16))
    assert shot.count(teal_dark, 12) > 200  # this week's bars
    # Export: Tk's own save dialog, the path typed into its file name as a person would.
    target = desktop.home / "my progress.csv"
    seen = len(events(log))
    click(desktop, drawn["export"])
    wait_for(lambda: "Save As" in window_names(desktop), 10, "the save dialog")
    xdotool(desktop, "key", "ctrl+a", "ctrl+k")  # Tk entries: to the start, cut the rest
    xdotool(desktop, "type", "--delay", "10", "--", str(target))
    xdotool(desktop, "key", "Return")
    next_event(log, "progress exported", seen, path=str(target))
    csv_lines = desktop.run("stats", "--days", "30", "--csv").stdout.splitlines()
    assert target.read_text(encoding="utf-8").splitlines() == csv_lines


@pytest.mark.desktop
def test_closing_with_unsaved_settings_asks_and_saves(managed_desktop: Desktop) -> None:
    """Ctrl+W with a change asks first; Yes saves it and the daemon takes it before closing."""
    desktop = managed_desktop
    config = desktop.home / "config.toml"
    config.write_text(USER_CONFIG, encoding="utf-8")
    with running_daemon(desktop, "--no-tray", config=config):
        assert desktop.run("settings").returncode == 0
        log = window_log(desktop)
        page = next_event(log, "page", 0, page="settings")
        next_event(log, "settings loaded", 0)
        page = open_section(desktop, log, page, "schedule")
        seen = len(events(log))
        replace_text(desktop, page["fields"]["schedule.sitting_interval"], "90m")
        next_event(log, "settings checked", seen, problems={})
        xdotool(desktop, "key", "ctrl+w")
        wait_for(lambda: "Unsaved settings" in window_names(desktop), 10, "the question")
        assert 'sitting_interval = "45m"' in config.read_text(encoding="utf-8")
        xdotool(desktop, "key", "Return")  # Yes, the default answer
        next_event(log, "closing", seen)
        assert 'sitting_interval = "90m"   # the default, for now' in config.read_text()
        assert desktop.status()["seconds_until_break"] > 45 * 60
        wait_for(lambda: not desktop.status()["window"]["open"], 10, "the window to be gone")


def window_processes(desktop: Desktop) -> set[int]:
    """Return the pids of the window processes running now on this test's desktop."""
    found = set()
    home = f"HOME={desktop.home}".encode()
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            words = cmdline.read_bytes().split(b"\0")
            environment = (cmdline.parent / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"backcare_tray.window" in words and home in environment:
            found.add(int(cmdline.parent.name))
    return found


@pytest.mark.desktop
def test_without_a_daemon_a_second_request_raises_the_same_window(
    managed_desktop: Desktop,
) -> None:
    """No daemon: the second command shows its page in the window already open, not a new one."""
    desktop = managed_desktop
    first = desktop.run("settings")
    assert "opened on its own" in first.stdout
    log = desktop.home / ".cache" / "backcare-tray" / "window.log"
    next_event(log, "page", 0, page="settings")
    (pid,) = window_processes(desktop)
    again = desktop.run("stretches")
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == "the open window now shows the stretch library"
    next_event(log, "page", 0, page="stretches")
    assert window_processes(desktop) == {pid}
    # The daemon's own window, asked for now, hands its page over to this one as well.
    with running_daemon(desktop, "--no-tray"):
        desktop.run("progress")
        next_event(log, "page", 0, page="progress")
        wait_for(lambda: not desktop.status()["window"]["open"], 10, "the handed-over window")
        assert window_processes(desktop) == {pid}


@pytest.mark.desktop
def test_the_settings_page_reads_a_file_changed_while_it_was_away(
    managed_desktop: Desktop,
) -> None:
    """Back on the settings page, a file another page or program changed is read again."""
    desktop = managed_desktop
    config = users_config(desktop, USER_CONFIG)
    log = open_alone(desktop)
    next_event(log, "settings loaded", 0)
    assert desktop.run("stretches").returncode == 0
    seen = len(events(log))
    next_event(log, "page", 0, page="stretches")
    config.write_text(USER_CONFIG.replace('"45m"', '"50m"'), encoding="utf-8")
    assert desktop.run("settings").returncode == 0
    loaded = next_event(log, "settings loaded", seen)
    assert loaded["values"]["schedule.sitting_interval"] == "50m"
    assert loaded["values"]["schedule.remind_every"] == "0s"


@pytest.mark.desktop
def test_values_the_loader_refuses_but_the_form_can_show_are_saved_as_shown(
    managed_desktop: Desktop,
) -> None:
    """Text "false" and "5" are refused by the loader; Save writes false and 5 instead."""
    desktop = managed_desktop
    text = USER_CONFIG + 'respect_dnd = "false"\n\n[goals]\ndaily_stretches = "5"\n'
    config = users_config(desktop, text)
    assert desktop.run("check-config", str(config)).returncode == 2
    log = open_alone(desktop)
    loaded = next_event(log, "settings loaded", 0)
    assert set(loaded["rewritten"]) == {"notifications.respect_dnd", "goals.daily_stretches"}
    assert loaded["values"]["notifications.respect_dnd"] is False
    page = next_event(log, "page", 0, page="settings")
    seen = len(events(log))
    click(desktop, page["save"])
    next_event(log, "settings saved", seen)
    saved = config.read_text(encoding="utf-8")
    assert "respect_dnd = false" in saved and "daily_stretches = 5" in saved
    assert saved.startswith("# Tuned with my physio; keep these notes.")
    assert desktop.run("check-config", str(config)).returncode == 0


@pytest.mark.desktop
def test_a_save_takes_in_a_change_made_meanwhile_unless_it_clashes(
    managed_desktop: Desktop,
) -> None:
    """Another key changed on disk is kept beside the form's change; the same key is refused."""
    desktop = managed_desktop
    config = users_config(desktop, USER_CONFIG)
    log = open_alone(desktop)
    page = next_event(log, "page", 0, page="settings")
    next_event(log, "settings loaded", 0)
    page = open_section(desktop, log, page, "schedule")
    seen = len(events(log))
    replace_text(desktop, page["fields"]["schedule.sitting_interval"], "50m")
    next_event(log, "settings checked", seen, problems={})
    elsewhere = USER_CONFIG.replace('timeout = "30s"', 'timeout = "20s"')
    config.write_text(elsewhere, encoding="utf-8")  # as the stretches page or an editor would
    click(desktop, page["save"])
    next_event(log, "settings saved", seen, merged=True)
    assert config.read_text(encoding="utf-8") == elsewhere.replace('"45m"', '"50m"')
    # Now the same key, changed on disk while the form changes it too: nothing is written.
    seen = len(events(log))
    replace_text(desktop, page["fields"]["schedule.sitting_interval"], "55m")
    next_event(log, "settings checked", seen, problems={})
    clashing = elsewhere.replace('"45m"', '"40m"')
    config.write_text(clashing, encoding="utf-8")
    click(desktop, page["save"])
    said = next_event(log, "settings said", seen)["said"]
    assert said.startswith("Not saved:") and "schedule.sitting_interval" in said
    assert config.read_text(encoding="utf-8") == clashing
