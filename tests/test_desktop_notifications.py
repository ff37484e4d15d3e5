"""Answering the break in its notification, with the installed daemon on a real session bus."""

import gettext
import subprocess
import time
from pathlib import Path

import pytest
from PIL import Image, ImageGrab
from support.bus_monitor import BusMonitor
from support.daemon import running_daemon
from support.desktop import Desktop, docked_icon_centre, docked_icon_name, virtual_desktop
from support.notification_service import NotifyCall, RecordingNotificationServer
from support.tray_menu import choose_in_tray_menu
from support.waiting import holds_within, wait_for

from backcare_tray.figure import TEAL
from backcare_tray.i18n import DOMAIN, LOCALE_DIR

# Every test runs the installed daemon on a virtual desktop.
pytestmark = pytest.mark.desktop

# One short stretch, so a whole guided routine takes 9 s: hold, other arm, hold.
QUICK_ROUTINE = """\
[schedule]
sitting_interval = "{interval}"
snooze = "{snooze}"
remind_every = "0s"

[rotation]
exercises = ["quick-stretch", "hamstring-stretch"]

[[exercises]]
id = "quick-stretch"
name = "Quick stretch"
summary = "A short stretch for tests."
steps = ["Reach up with one arm.", "Lower it slowly."]
hold_step = 1
hold_seconds = 2
reps = 1
sides = ["left arm", "right arm"]
safety = "Stop if it hurts."
"""


def quick_config(desktop: Desktop, interval: str = "2s", snooze: str = "3s") -> Path:
    """Write a config whose first stretch is the quick one."""
    path = desktop.home / "quick.toml"
    path.write_text(QUICK_ROUTINE.format(interval=interval, snooze=snooze), encoding="utf-8")
    return path


def titled(server: RecordingNotificationServer, title: str) -> list[NotifyCall]:
    """Return the Notify calls with this title, newest first."""
    return [c for c in reversed(server.calls()) if c.summary == title]


def newest(server: RecordingNotificationServer, title: str, timeout: float = 10) -> NotifyCall:
    """Wait for a Notify call with this title and return the newest."""
    return wait_for(lambda: titled(server, title), timeout, f"a notice titled {title!r}")[0]


def test_snooze_done_and_start_from_the_buttons(
    bare_desktop: Desktop, recorder: RecordingNotificationServer
) -> None:
    """Each button does what the tray item does; every update replaces the same notification."""
    desktop = bare_desktop
    with running_daemon(desktop, config=quick_config(desktop)) as daemon:
        due = newest(recorder, "Time to stretch: Quick stretch")
        assert due.actions == {  # one Start: the body click, shown as a button where servers do
            "default": "Start",
            "snooze": "Snooze 3 s",
            "done": "Done",
            "skip": "Skip",
        }
        assert due.hints["urgency"] == ("y", 1)

        recorder.click("snooze")
        snoozed = newest(recorder, "Snoozed: Quick stretch")
        status = desktop.status()
        assert status["state"] == "snoozed" and status["today"]["snoozed"] == 1
        assert snoozed.replaces_id == 0  # the click closed the due one, as servers do

        calls_before = len(recorder.calls())
        wait_for(lambda: len(recorder.calls()) > calls_before, 10, "the snooze to end")
        again = recorder.calls()[-1]
        assert again.summary == "Time to stretch: Quick stretch"
        assert again.answered_id == snoozed.answered_id  # still one notification

        recorder.click("done")
        counted = newest(recorder, "Stretch counted")
        assert "Today: 1 of 6. Next: Hamstring stretch at " in counted.body
        status = desktop.status()
        assert status["state"] == "working" and status["today"]["done"] == 1

        recorder.click("default")  # a click on the body of the old one is not for a live break
        assert desktop.run("start").returncode == 0
        routine = newest(recorder, "Hamstring stretch: Left leg")  # setting up, a step at a time
        assert routine.body.startswith("Get into position (1 of 2) - ")
        assert "Careful: " in routine.body
        assert routine.actions == {"done": "Done", "cancel": "Stop"}
        assert desktop.run("skip").returncode == 0  # answered elsewhere: no dead buttons remain
        wait_for(
            lambda: routine.answered_id in recorder.closed_ids, 10, "the notification to close"
        )
    assert daemon.exit_code == 0


def test_a_whole_guided_routine_in_one_notification(
    bare_desktop: Desktop, recorder: RecordingNotificationServer
) -> None:
    """Start from the body: every side and repetition, the countdown, steps, safety, the end."""
    desktop = bare_desktop
    with running_daemon(desktop, config=quick_config(desktop)) as daemon:
        due = newest(recorder, "Time to stretch: Quick stretch")
        recorder.click("default")
        counted = newest(recorder, "Stretch counted", timeout=30)
        calls = recorder.calls()
        routine = calls[calls.index(due) + 1 : calls.index(counted)]
        titles = list(dict.fromkeys(c.summary for c in routine))
        assert titles == [
            "Quick stretch: Left arm, 1 of 1",
            "Quick stretch: Right arm",  # release, other arm
            "Quick stretch: Right arm, 1 of 1",
        ]
        holds = [c for c in routine if "Left arm, 1 of 1" in c.summary]
        assert holds[0].body.startswith("Hold - 2 s\n") and any(
            c.body.startswith("Hold - 1 s\n") for c in holds
        )
        assert all("\nReach up with one arm.\n" in c.body for c in holds)  # the one step
        assert all("Careful: Stop if it hurts." in c.body for c in holds)
        switch = [c for c in routine if c.summary == "Quick stretch: Right arm"]
        assert switch[0].body.startswith("Release. Switch sides - 5 s\n")
        # The due notification, every step and the end share one id (the click closed none).
        assert {c.answered_id for c in calls} <= {due.answered_id, due.answered_id + 1}
        assert "Next: Hamstring stretch at " in counted.body
        assert desktop.status()["today"]["done"] == 1
    assert daemon.exit_code == 0


def test_a_server_without_buttons_gets_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No "actions" capability: no buttons are sent, and the body says how to answer."""
    with virtual_desktop(tmp_path, notification_server=False) as desktop:
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", desktop.env["DBUS_SESSION_BUS_ADDRESS"])
        server = RecordingNotificationServer(with_actions=False)
        try:
            with running_daemon(desktop, config=quick_config(desktop)) as daemon:
                due = newest(server, "Time to stretch: Quick stretch")
                assert due.actions == {}
                assert "backcare-tray start | snooze | done | skip" in due.body
                assert desktop.status()["notifications"]["actions"] is False
            assert daemon.exit_code == 0
        finally:
            server.close()


def test_dunst_offers_the_buttons_and_a_body_click_starts_the_stretch(
    desktop: Desktop, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Against the distribution's dunst: buttons are offered and its default action answers."""
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", desktop.env["DBUS_SESSION_BUS_ADDRESS"])
    monitor = BusMonitor("org.freedesktop.Notifications")
    try:
        with running_daemon(desktop, config=quick_config(desktop, snooze="10m")) as daemon:
            notify = wait_for(lambda: monitor.calls("Notify"), 15, "the due notification")[0]
            assert notify.body[3] == "Time to stretch: Quick stretch"
            assert notify.body[5][::2] == ["default", "snooze", "done", "skip"]
            assert desktop.status()["notifications"]["server"].startswith("dunst")
            subprocess.run(["dunstctl", "action", "0"], env=desktop.env, check=True, timeout=10)
            wait_for(lambda: desktop.status()["state"] == "stretching", 10, "the stretch to start")
            wait_for(lambda: desktop.status()["today"]["done"] == 1, 30, "the routine to finish")
            titles = [c.body[3] for c in monitor.calls("Notify")]
            assert "Quick stretch: Right arm, 1 of 1" in titles and titles[-1] == "Stretch counted"
            ids = {r.body[0] for c in monitor.calls("Notify") if (r := monitor.reply_to(c))}
            assert len(ids) <= 2
            started = time.monotonic()
            assert desktop.run("quit").returncode == 0
            daemon.wait(timeout=5)
            assert time.monotonic() - started < 2.0
            log = daemon.log_text()
            assert "Traceback" not in log and "ERROR" not in log
    finally:
        monitor.close()


def howto_shown(desktop: Desktop) -> list[dict[str, str]]:
    """Return the How to do it notifications dunst has shown."""
    return [n for n in desktop.notifications() if n["summary"].startswith("How to do it")]


def test_how_to_do_it_from_the_tray_menu(desktop: Desktop) -> None:
    """The menu's "How to do it" shows the next stretch's steps and safety note in dunst."""
    with running_daemon(desktop, config=quick_config(desktop, interval="45m")) as daemon:
        # Start, then it: Snooze, Mark done and Skip are greyed out while nothing is due.
        choose_in_tray_menu(desktop, ["Down"] * 2, lambda: howto_shown(desktop))
        shown = howto_shown(desktop)
        assert shown[0]["summary"] == "How to do it: Quick stretch"
        assert "1. Reach up with one arm." in shown[0]["body"]
        assert "Careful: Stop if it hurts." in shown[0]["body"]
        assert desktop.status()["state"] == "working"  # showing how changes nothing
    assert daemon.exit_code == 0


def test_a_left_click_on_the_icon_shows_how_to_do_the_due_stretch(desktop: Desktop) -> None:
    """The icon's default action shows the stretch with the buttons that fit the moment."""
    with running_daemon(desktop, config=quick_config(desktop, snooze="10m")) as daemon:
        wait_for(lambda: desktop.status()["state"] == "due", 15, "due")
        wait_for(lambda: docked_icon_name(desktop.env), 15, "the icon to dock")
        x, y = docked_icon_centre(desktop.env)
        for _ in range(3):  # a click can come before a freshly docked icon takes clicks: again
            desktop.tool("xdotool", "mousemove", str(x), str(y), "click", "1")
            if holds_within(lambda: howto_shown(desktop), 5):
                break
        shown = wait_for(lambda: howto_shown(desktop), 5, "the how-to notification")
        assert "2. Lower it slowly." in shown[0]["body"]
        assert desktop.status()["state"] == "due"  # a click shows; it does not answer
    assert daemon.exit_code == 0


@pytest.mark.parametrize("server", ["none", "recorder"])
def test_file_descriptors_stay_flat_over_many_breaks(
    bare_desktop: Desktop, monkeypatch: pytest.MonkeyPatch, server: str
) -> None:
    """Many answered breaks, with or without a notification server: no descriptor is kept."""
    from backcare_tray.adapters.control import Endpoint, send_request
    from backcare_tray.commands import Command

    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", bare_desktop.env["DBUS_SESSION_BUS_ADDRESS"])
    recorder = RecordingNotificationServer() if server == "recorder" else None
    try:
        with running_daemon(
            bare_desktop, "--no-tray", config=quick_config(bare_desktop, "45m")
        ) as daemon:
            socket_path = (
                Path(bare_desktop.env["XDG_RUNTIME_DIR"]) / "backcare-tray" / "control.sock"
            )
            endpoint = Endpoint("unix", socket_path)

            def cycles(count: int) -> int:
                for _ in range(count):
                    for command in (Command("start"), Command("snooze", 60), Command("done")):
                        assert send_request(endpoint, command)["ok"]
                    assert bare_desktop.status()["state"] == "working"
                return len(list(Path(f"/proc/{daemon.pid}/fd").iterdir()))

            warmed_up = cycles(5)
            assert cycles(60) <= warmed_up
        assert daemon.exit_code == 0
    finally:
        if recorder is not None:
            recorder.close()


def test_every_routine_update_carries_its_step_picture_for_its_side(
    bare_desktop: Desktop, recorder: RecordingNotificationServer
) -> None:
    """The built-in hamstring stretch: a picture on each update, the right leg's mirrored."""
    desktop = bare_desktop
    config = desktop.home / "hamstring.toml"
    config.write_text('[schedule]\nsitting_interval = "6s"\nremind_every = "0s"\n')
    with running_daemon(desktop, config=config) as daemon:
        wait_for(lambda: all_pictures_drawn(desktop), 20, "the pictures to be drawn")
        due = newest(recorder, "Time to stretch: Hamstring stretch", timeout=20)
        assert due.app_icon.endswith("look-due-128.png")  # the icon follows the state
        assert due.hints["image-path"][1].endswith("hamstring-stretch-3-left-128.png")
        assert due.hints["suppress-sound"] == ("b", True)
        recorder.click("default")
        counted = newest(recorder, "Stretch counted", timeout=150)
        calls = recorder.calls()
        routine = calls[calls.index(due) + 1 : calls.index(counted)]
        assert len(routine) > 14  # every phase, and its countdown
        images = [call.hints.get("image-path", ("s", ""))[1] for call in routine]
        assert all(images), "a routine update without its picture"
        for image in set(images):
            assert Path(image).read_bytes().startswith(b"\x89PNG\r\n\x1a\n"), image
        left = {i for c, i in zip(routine, images, strict=True) if "Left leg" in c.summary}
        right = {i for c, i in zip(routine, images, strict=True) if "Right leg" in c.summary}
        assert left and right and not left & right  # each side its own picture
        assert any(i.endswith("-left-128.png") for i in left)
        assert all(i.endswith("-right-128.png") for i in right)
        assert counted.app_icon.endswith("look-working-128.png")
    assert daemon.exit_code == 0


DUNST_MAX_HEIGHT = 300  # dunst's default height: a longer text is cut ("...") to fit it
DUNST_NORMAL = (0x28, 0x55, 0x77)  # its default normal-urgency background (low is grey)


def dunst_window(desktop: Desktop) -> tuple[int, int, int, int] | None:
    """Return the position and size of dunst's notification window, None while none shows."""
    if desktop.tool("dunstctl", "count", "displayed").strip() == "0":
        return None
    search = ["xdotool", "search", "--class", "Dunst"]
    found = subprocess.run(search, env=desktop.env, capture_output=True, text=True, timeout=10)
    if not found.stdout.split():
        return None
    geometry = desktop.tool("xdotool", "getwindowgeometry", "--shell", found.stdout.split()[-1])
    values = dict(line.split("=") for line in geometry.split())
    return int(values["X"]), int(values["Y"]), int(values["WIDTH"]), int(values["HEIGHT"])


def share_near(image: Image.Image, colour: tuple[int, int, int], tolerance: int = 24) -> float:
    """Return the share of an RGB image's pixels within tolerance of colour."""
    pixels = image.tobytes()
    near = sum(
        1
        for at in range(0, len(pixels), 3)
        if all(abs(pixels[at + i] - colour[i]) <= tolerance for i in range(3))
    )
    return near / (image.width * image.height)


def all_pictures_drawn(desktop: Desktop) -> bool:
    """Return True once the daemon says every step picture is drawn."""
    pictures = desktop.status()["pictures"]
    return bool(pictures["drawn"] == pictures["wanted"])


def words_of(language: str) -> gettext.NullTranslations:
    """Return a language's catalog as the installed package carries it (English: none)."""
    if language == "en":
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, [language])


@pytest.mark.parametrize("language", ["en", "de", "pl", "ja"])
def test_dunst_shows_each_step_whole_with_its_picture(
    desktop: Desktop, monkeypatch: pytest.MonkeyPatch, language: str
) -> None:
    """The longest steps and the safety note fit dunst's default bubble, in long words too."""
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", desktop.env["DBUS_SESSION_BUS_ADDRESS"])
    config = desktop.home / "plain.toml"
    config.write_text(f'[general]\nlanguage = "{language}"\n\n[guide]\nwindow = false\n')
    words = words_of(language)
    position = words.ngettext(
        "Get into position ({step} of {steps})", "Get into position ({step} of {steps})", 2
    )
    doings = [position.format(step=1, steps=2), position.format(step=2, steps=2)]
    doings.append(words.gettext("Hold"))
    lead = words.gettext("{doing} - {seconds} s").split("{seconds}")[0]  # what a body begins with
    monitor = BusMonitor("org.freedesktop.Notifications")
    try:
        with running_daemon(desktop, config=config) as daemon:
            wait_for(lambda: all_pictures_drawn(desktop), 20, "the pictures to be drawn")
            assert desktop.run("start").returncode == 0
            for doing in doings:
                wait_for(
                    lambda d=doing: [  # type: ignore[misc]
                        c
                        for c in monitor.calls("Notify")
                        if c.body[4].startswith(lead.format(doing=d))
                    ],
                    20,
                    f"the step {doing!r}",
                )
                shown = wait_for(lambda: dunst_window(desktop), 5, "dunst's window")
                assert shown is not None
                x, y, width, height = shown
                assert height < DUNST_MAX_HEIGHT, (doing, height)  # grown to fit: nothing cut
                shot = ImageGrab.grab(xdisplay=desktop.env["DISPLAY"]).convert("RGB")
                bubble = shot.crop((x, y, x + width, y + height))
                picture = bubble.crop((0, 0, width // 2, height))
                assert share_near(picture, TEAL[:3]) > 0.15, doing  # the step's picture shows
                assert share_near(bubble, DUNST_NORMAL) > 0.3, doing  # normal urgency: not grey
                text = bubble.crop((width // 2, 0, width, height))
                assert share_near(text, (255, 255, 255), 60) > 0.02, doing  # white text
            assert desktop.run("cancel").returncode == 0
            stopped = wait_for(
                lambda: [
                    c for c in monitor.calls("Notify") if c.body[3] == words.gettext("Stopped")
                ],
                10,
                "the Stopped confirmation",
            )
            name = words.gettext("Hamstring stretch")
            next_up = words.gettext("Next: {name} at {time}.").format(name=name, time="\0")
            not_counted = words.gettext("Not counted. {next}").format(next=next_up)
            assert stopped[0].body[4].startswith(not_counted.split("\0")[0]), stopped[0].body[4]
        assert daemon.exit_code == 0
    finally:
        monitor.close()
