"""The installed command on a real virtual desktop (Xvfb, trayer, dunst, private D-Bus)."""

import json
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
from support.daemon import running_daemon, write_config
from support.desktop import Desktop, command_path, docked_icon_name, virtual_desktop
from support.tray_menu import choose_in_tray_menu
from support.waiting import wait_for

pytestmark = pytest.mark.desktop


def notified(desktop: Desktop, summary: str) -> list[dict[str, str]]:
    """Return the notifications shown so far with this summary."""
    return [n for n in desktop.notifications() if n["summary"] == summary]


def done_early(desktop: Desktop) -> None:
    """Do the next stretch before it is due: start it, then mark it done."""
    for command in ("start", "done"):
        answer = desktop.run(command)
        assert answer.returncode == 0, answer.stderr


def test_nothing_due_done_and_skip_are_refused_and_count_nothing(desktop: Desktop) -> None:
    """Before a stretch is due, done and skip say why (exit 1) and move nothing, as snooze."""
    with running_daemon(desktop) as daemon:
        for command in ("done", "skip", "snooze"):
            refused = desktop.run(command)
            assert refused.returncode == 1
            assert "the next stretch is not due yet" in refused.stderr, refused.stderr
        status = desktop.status()
        assert status["today"] == {**status["today"], "done": 0, "skipped": 0}
        assert status["next_exercise"]["id"] == "hamstring-stretch"
    assert daemon.exit_code == 0


def test_due_notification_names_the_stretch_and_the_tray_shows_it(desktop: Desktop) -> None:
    """After the sitting interval dunst shows the next stretch, and the icon is docked."""
    with running_daemon(desktop, config=write_config(desktop, "3s")) as daemon:
        shown = wait_for(
            lambda: notified(desktop, "Time to stretch: Hamstring stretch"),
            15,
            "the due notification",
        )
        assert shown[0]["appname"] == "backcare-tray"
        assert "Hold 10 s, 3x each leg" in shown[0]["body"]
        # The desktop-entry hint names a file the first run wrote, for notification settings.
        entry = desktop.home / ".local/share/applications/backcare-tray.desktop"
        assert "X-GNOME-UsesNotifications=true" in entry.read_text()
        assert desktop.status()["state"] == "due"
        # The tooltip is checked in test_tray.
        wait_for(lambda: docked_icon_name(desktop.env), 10, "the icon to dock")
    assert daemon.exit_code == 0


def test_snooze_done_start_and_quit_from_the_command_line(desktop: Desktop) -> None:
    """The CLI drives the whole cycle, and quit stops the daemon within 2 s."""
    with running_daemon(desktop, config=write_config(desktop, "2s")) as daemon:
        wait_for(lambda: desktop.status()["state"] == "due", 15, "due")

        snooze = desktop.run("snooze", "10m")
        assert snooze.returncode == 0, snooze.stderr
        status = desktop.status()
        assert status["state"] == "snoozed"
        assert 595 <= status["seconds_until_break"] <= 600
        assert status["today"]["snoozed"] == 1

        assert desktop.run("done").returncode == 0
        status = desktop.status()
        assert status["state"] == "working"
        assert status["today"]["done"] == 1
        assert status["next_exercise"] == {"id": "calf-stretch", "name": "Calf stretch"}

        assert desktop.run("start").returncode == 0
        assert desktop.status()["state"] == "stretching"

        refused = desktop.run("resume")
        assert refused.returncode == 1
        assert "not paused" in refused.stderr

        started = time.monotonic()
        assert desktop.run("quit").returncode == 0
        assert daemon.wait(timeout=5) == 0
        assert time.monotonic() - started < 2.0
    assert not (Path(desktop.env["XDG_RUNTIME_DIR"]) / "backcare-tray" / "control.sock").exists()


def test_right_click_and_first_item_starts_the_stretch(desktop: Desktop) -> None:
    """Right-click the icon, pick the first enabled item: the guided stretch starts."""
    with running_daemon(desktop, config=write_config(desktop, "45m")) as daemon:
        choose_in_tray_menu(desktop, ["Down"], lambda: desktop.status()["state"] == "stretching")
    assert daemon.exit_code == 0


def test_bad_config_exits_2_naming_file_key_and_value(desktop: Desktop) -> None:
    """A broken config is reported precisely and left untouched."""
    config = desktop.home / "config.toml"
    text = '[schedule]\nsitting_interval = "banana"\n'
    config.write_text(text, encoding="utf-8")
    result = desktop.run("run", "--config", str(config))
    assert result.returncode == 2
    assert "config.toml: schedule.sitting_interval: 'banana' is not a duration like '45m'" in (
        result.stderr
    )
    assert config.read_text(encoding="utf-8") == text
    assert desktop.run("check-config", str(config)).returncode == 2


def test_second_instance_is_refused_with_the_running_pid(desktop: Desktop) -> None:
    """Only one daemon runs; the second names the first's pid."""
    with running_daemon(desktop) as daemon:
        second = desktop.run("run")
        assert second.returncode == 1
        assert f"already running (pid {daemon.pid})" in second.stderr
        assert desktop.status()["state"] == "working"
    assert daemon.exit_code == 0


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_signal_saves_state_and_a_restart_resumes(desktop: Desktop, signum: int) -> None:
    """SIGTERM or SIGINT stops within 2 s with state saved; the next run resumes."""
    with running_daemon(desktop) as first:
        done_early(desktop)
        started = time.monotonic()
        assert first.stop(signum) == 0
        assert time.monotonic() - started < 2.0
    state = json.loads((desktop.home / ".local/state/backcare-tray/state.json").read_text())
    assert state["rotation"]["index"] == 1
    with running_daemon(desktop, log_name="second.log") as second:
        status = desktop.status()
        assert status["next_exercise"]["id"] == "calf-stretch"
        assert status["today"]["done"] == 1  # counted from the history
        assert status["history"] == {"saving": True, "note": None, "waiting": 0, "waiting_in": None}
        history = desktop.run("history")
        assert "daemon_started" in history.stdout and "done" in history.stdout
        logs = desktop.run("logs")
        assert f"Log file: {desktop.home}/.local/state/backcare-tray/log/backcare-tray.log" in (
            logs.stdout
        )
        assert "backcare-tray is running" in logs.stdout
    assert second.exit_code == 0


def test_missed_deadline_gives_one_notification_after_restart(desktop: Desktop) -> None:
    """A deadline that passed while the daemon was off is notified once, not in a burst."""
    config = write_config(desktop, "45m")
    with running_daemon(desktop, config=config) as first:
        pass  # it starts, answers status and is stopped with SIGTERM
    assert first.exit_code == 0
    # While it was off, its deadline passed an hour ago (the state file keeps wall times).
    state_file = desktop.home / ".local/state/backcare-tray/state.json"
    state = json.loads(state_file.read_text())
    state["mode"]["deadline"] = time.time() - 3600
    state_file.write_text(json.dumps(state))
    with running_daemon(desktop, config=config, log_name="second.log") as second:
        wait_for(lambda: desktop.status()["state"] == "due", 10, "due after restart")
        wait_for(
            lambda: notified(desktop, "Time to stretch: Hamstring stretch"), 10, "notification"
        )
        assert len(notified(desktop, "Time to stretch: Hamstring stretch")) == 1
    assert second.exit_code == 0


def test_malformed_requests_get_errors_and_the_daemon_carries_on(desktop: Desktop) -> None:
    """Garbage on the socket gets an error reply; the socket is private to the user."""
    with running_daemon(desktop) as daemon:
        path = Path(desktop.env["XDG_RUNTIME_DIR"]) / "backcare-tray" / "control.sock"
        assert os.stat(path).st_mode & 0o777 == 0o600
        for request in (
            b"not json\n",
            b'{"command": "explode"}\n',
            b"[1, 2]\n",
            b'{"command": "snooze", "seconds": -5}\n',
        ):
            with socket.socket(socket.AF_UNIX) as client:
                client.settimeout(5)
                client.connect(str(path))
                client.sendall(request)
                reply = json.loads(client.makefile().readline())
            assert reply["ok"] is False and reply["error"]
        assert desktop.status()["state"] == "working"
    assert daemon.exit_code == 0


def test_without_a_notification_server_it_keeps_running(tmp_path: Path) -> None:
    """No notification server: logged once with its cause, the daemon still answers."""
    with virtual_desktop(tmp_path, notification_server=False) as desktop:
        with running_daemon(desktop, config=write_config(desktop, "2s")) as daemon:
            wait_for(lambda: desktop.status()["state"] == "due", 15, "due")
            log = desktop.home / "daemon.log"
            wait_for(lambda: "Notifications are not working" in log.read_text(), 10, "the log line")
            assert desktop.run("snooze", "1s").returncode == 0
            wait_for(lambda: desktop.status()["state"] == "due", 10, "due again")
            assert log.read_text().count("Notifications are not working") == 1
            assert daemon.exit_code is None
        assert daemon.exit_code == 0


def test_without_a_tray_host_it_says_so_and_keeps_running(tmp_path: Path) -> None:
    """No tray host: a warning, everything else works, and a panel that comes later is used."""
    with virtual_desktop(tmp_path, tray=None) as desktop:
        with running_daemon(desktop) as daemon:
            log = desktop.home / "daemon.log"
            wait_for(
                lambda: "No tray host found" in log.read_text(), 25, "the warning"
            )  # after the grace
            done_early(desktop)
            assert desktop.status()["today"]["done"] == 1
            # A panel that comes later takes the icon, and the log says so (no stale warning).
            trayer = ["trayer", "--edge", "top", "--align", "right", "--widthtype", "request"]
            desktop.processes.append(subprocess.Popen(trayer, env=desktop.env))
            wait_for(lambda: docked_icon_name(desktop.env), 15, "the icon to dock in the new panel")
            wait_for(lambda: "it can be seen now" in log.read_text(), 10, "the log to say so")
        assert daemon.exit_code == 0
        assert log.read_text().count("No tray host found") == 1


def test_the_menus_settings_and_progress_open_the_window_at_their_pages(
    desktop: Desktop,
) -> None:
    """Settings… opens the window at its page; Show progress raises the same one there."""
    desktop.env["BACKCARE_TRAY_WINDOW_DEBUG"] = "1"
    with running_daemon(desktop) as daemon:
        log = Path(desktop.status()["window"]["log"])

        def shown(page: str) -> bool:
            lines = log.read_text().splitlines() if log.exists() else []
            pages = [json.loads(line) for line in lines if line.startswith('{"window": "page"')]
            return any(event["page"] == page for event in pages)

        choose_in_tray_menu(desktop, ["Up", "Up"], lambda: shown("settings"))
        first = desktop.status()["window"]["pid"]
        choose_in_tray_menu(desktop, ["Up", "Up", "Up", "Up"], lambda: shown("progress"))
        assert desktop.status()["window"]["pid"] == first
        assert desktop.status()["state"] == "working"
    assert daemon.exit_code == 0


def test_without_a_display_it_suggests_no_tray(desktop: Desktop) -> None:
    """No graphical session: exit 2 with a hint; --no-tray runs without an icon."""
    env = {k: v for k, v in desktop.env.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    result = subprocess.run(
        [*desktop_command(), "run"],
        env=env,
        capture_output=True,
        text=True,
        timeout=15,
        check=False,
    )
    assert result.returncode == 2
    assert "--no-tray" in result.stderr
    desktop.env = env
    with running_daemon(desktop, "--no-tray") as daemon:
        assert desktop.status()["state"] == "working"
    assert daemon.exit_code == 0


def desktop_command() -> list[str]:
    """Return the installed command as an argument list."""
    return [command_path()]


def test_status_without_a_daemon_exits_3(desktop: Desktop) -> None:
    """Control commands say plainly when nothing is running."""
    for command in (["status"], ["done"], ["snooze", "5m"]):
        result = desktop.run(*command)
        assert result.returncode == 3
        assert "backcare-tray is not running" in result.stderr


def test_away_from_the_keyboard_is_a_natural_break(desktop: Desktop) -> None:
    """Kept active with xdotool it counts sitting; left idle it goes away; input resets it."""
    config = desktop.home / "presence.toml"
    config.write_text(
        '[schedule]\nsitting_interval = "10m"\n\n'
        '[idle]\nnatural_break = "3s"\ncheck_every = "1s"\nprobe = "x11"\n'
    )
    with running_daemon(desktop, config=config) as daemon:
        desktop.tool("xdotool", "mousemove", "100", "100")
        status = desktop.status()
        assert status["idle_probe"] == "x11"
        assert status["away"] is False and status["last_natural_break_at"] is None
        away = wait_for(lambda: (s := desktop.status())["away"] and s, 15, "away")
        assert away["sitting_seconds"] == 0
        assert "Away" in away["status"]
        wait_for(lambda: desktop.status()["seconds_until_break"] <= 592, 15, "8 s of the interval")
        desktop.tool("xdotool", "mousemove", "400", "300", "mousemove", "420", "310")
        back = wait_for(
            lambda: (s := desktop.status())["last_natural_break_at"] and s, 10, "the natural break"
        )
        assert back["away"] is False
        assert back["state"] == "working"
        assert back["seconds_until_break"] >= 596  # the sitting timer started again on return
        assert back["sitting_seconds"] <= 4
        assert back["next_exercise"]["id"] == "hamstring-stretch"  # the rotation did not move
    assert daemon.exit_code == 0


def test_pause_until_tomorrow_from_the_command_line(desktop: Desktop) -> None:
    """Pause tomorrow pauses until the next morning (06:00 with no working hours set)."""
    from datetime import datetime, timedelta

    with running_daemon(desktop) as daemon:
        result = desktop.run("pause", "tomorrow")
        assert result.returncode == 0, result.stderr
        status = desktop.status()
        assert status["state"] == "paused"
        now = datetime.now().astimezone()
        morning = now.replace(hour=6, minute=0, second=0, microsecond=0)
        if now.hour >= 6:
            morning += timedelta(days=1)
        shown = morning.strftime("%a %H:%M") if morning.date() != now.date() else "06:00"
        assert status["status"] == f"Paused until {shown}"
    assert daemon.exit_code == 0


def test_reload_and_sighup_read_the_config_again_and_a_broken_one_is_refused(
    desktop: Desktop,
) -> None:
    """A shorter interval applies at once; a bad file is named and the old settings stay."""
    config = write_config(desktop, "45m")
    with running_daemon(desktop, config=config) as daemon:
        assert desktop.status()["seconds_until_break"] > 2000
        config.write_text('[schedule]\nsitting_interval = "banana"\n', encoding="utf-8")
        refused = desktop.run("reload")
        assert refused.returncode == 1
        assert "schedule.sitting_interval: 'banana'" in refused.stderr
        assert "the old settings stay" in refused.stderr
        assert desktop.status()["seconds_until_break"] > 2000
        assert config.read_text(encoding="utf-8").endswith('"banana"\n')  # never rewritten
        config.write_text('[schedule]\nsitting_interval = "20m"\n', encoding="utf-8")
        reloaded = desktop.run("reload")
        assert reloaded.returncode == 0 and "config reloaded" in reloaded.stdout
        assert 1100 < desktop.status()["seconds_until_break"] <= 1200
        config.write_text('[schedule]\nsitting_interval = "2s"\n', encoding="utf-8")
        daemon.process.send_signal(signal.SIGHUP)
        wait_for(lambda: desktop.status()["state"] == "due", 10, "due after SIGHUP")
        assert daemon.exit_code is None
    assert daemon.exit_code == 0


def test_a_failing_state_save_is_logged_once_per_outage(desktop: Desktop) -> None:
    """Where the state cannot be written, one error; when it can again, one line saying so."""
    blocker = desktop.home / ".local/state/backcare-tray"
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_text("a file where the state folder should be")
    with running_daemon(desktop, "--no-tray", config=write_config(desktop, "45m")) as daemon:
        for command in ("start", "done", "start", "skip", "pause", "resume", "start", "done"):
            assert desktop.run(command).returncode == 0
        log = desktop.home / "daemon.log"
        assert log.read_text().count("Could not save state") == 1
        blocker.unlink()
        assert desktop.run("start").returncode == 0
        wait_for(lambda: "State is saved again" in log.read_text(), 5, "the recovery line")
    assert daemon.exit_code == 0
    assert (blocker / "state.json").exists()


def test_doctor_says_what_this_desktop_offers(desktop: Desktop) -> None:
    """Idle probes, tray host, notifications and buttons, do-not-disturb, sound, autostart."""
    desktop.tool("dunstctl", "set-paused", "true")
    result = desktop.run("doctor")
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert "x11: works (idle now" in text
    assert "gnome: unavailable" in text  # no GNOME on this desktop
    assert "found: XEmbed system tray" in text and "backend: gtk (needs GTK)" in text
    assert "dunst 1." in text and "offers buttons" in text and "capabilities: actions" in text
    assert "dunst paused: on" in text and "X11 fullscreen window: off" in text
    assert "mako do-not-disturb mode: off" in text  # not mako: off, not an error
    assert "camera: off" in text
    assert "Sound cues:\n  sound: " in text and "\n  voice: " in text  # names or what to install
    assert "XDG autostart entry" in text and "(not installed)" in text
    desktop.tool("dunstctl", "set-paused", "false")
    assert "dunst paused: off" in desktop.run("doctor").stdout
