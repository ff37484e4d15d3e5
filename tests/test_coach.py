"""The coach window: its rules, its launcher with a real child, and the window on a real X."""

import json
import logging
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from support.catalogs import compiled_catalog
from support.coach import (
    PICTURE_COLOURS,
    CoachRun,
    ask_to_close,
    centre,
    checkerboard,
    coach_event,
    coach_events,
    start_coach,
)
from support.coach import end_message as an_end
from support.coach import step_message as a_step
from support.daemon import running_daemon, write_config
from support.desktop import Desktop, start_openbox, start_xvfb, stop_processes, user_env
from support.platforms import ignores_pythonpath, linux_only
from support.screen import RGB, Shot, grab
from support.waiting import wait_for

from backcare_tray.adapters.coach import (
    PENDING_MOST,
    UNAVAILABLE,
    CoachWindow,
    coach_report,
    end_message,
    step_message,
    tk_install_hint,
)
from backcare_tray.coach.model import (
    End,
    Malformed,
    Step,
    clamp_place,
    default_place,
    next_change_ms,
    parse_message,
    parse_place,
    picture_range,
    picture_scale,
    ring_extent,
    seconds_shown,
)
from backcare_tray.guide import Guidance, StepPicture
from backcare_tray.i18n import Language, available_languages, current, use_language

LAUNCHER_LOG = "backcare_tray.adapters.coach"

# The messages.


def test_a_step_message_is_read_with_every_field() -> None:
    """A step as the daemon writes it becomes a Step with each field in place."""
    message = parse_message(json.dumps(a_step(picture="/pictures/one.png", paused=True)))
    assert message == Step(
        exercise="Hamstring stretch",
        kind="hold",
        doing="Hold",
        where="Left leg, 1 of 3",
        instruction="Keep your back straight and lean forward from the hips until you feel a "
        "gentle pull behind the thigh.",
        seconds_left=10,
        phase_seconds=10,
        next_up="Next: release and rest",
        safety="",
        picture="/pictures/one.png",
        paused=True,
        step_number=3,
        step_count=14,
    )


def test_a_step_needs_only_its_name_what_to_do_and_its_seconds() -> None:
    """Missing texts are empty, a missing picture is none, and unknown fields are let be."""
    line = json.dumps(
        {
            "type": "step",
            "exercise": "Squat",
            "doing": "Up",
            "seconds_left": 5,
            "phase_seconds": 5,
            "new": 1,
        }
    )
    step = parse_message(line.encode())
    assert isinstance(step, Step)
    assert (step.where, step.safety, step.picture, step.paused) == ("", "", None, False)
    assert (step.step_number, step.step_count) == (0, 0)


def test_the_end_message_is_read() -> None:
    """An end message says its title, text and whether the stretch counted."""
    assert parse_message(json.dumps(end_message("Stopped", "Not counted.", False))) == End(
        "Stopped", "Not counted.", False
    )


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ("{not json", "not JSON"),
        ("[1, 2]", "a JSON object was expected, not list"),
        ('{"type": "dance"}', "unknown message type 'dance'"),
        (json.dumps(a_step(seconds_left="10")), "'seconds_left' should be a whole number"),
        (json.dumps(a_step(seconds_left=True)), "'seconds_left' should be a whole number"),
        (json.dumps(a_step(phase_seconds=-1)), "'phase_seconds' should be a whole number"),
        (json.dumps(a_step(picture=5)), "'picture' should be a path or null"),
        (json.dumps(a_step(paused="no")), "'paused' should be true or false"),
        (json.dumps({"type": "step", "doing": "Hold"}), "'exercise' should be a text"),
        ('{"type": "end"}', "'title' should be a text"),
    ],
)
def test_a_malformed_line_says_what_is_wrong(line: str, said: str) -> None:
    """A line that is not a message the window knows is refused, naming the problem."""
    with pytest.raises(Malformed, match="^" + said.replace("[", r"\[").replace("(", r"\(")):
        parse_message(line)


def test_the_daemon_side_builds_the_messages_from_the_guidance() -> None:
    """step_message carries every field of the routine's guidance, and the picture's path."""
    guide = Guidance(
        exercise_name="Calf stretch",
        kind="rest",
        doing="Release and rest",
        where="Right leg, 2 of 2",
        instruction="Come back up and breathe; the next hold follows.",
        seconds_left=4,
        phase_seconds=5,
        next_up="Last one, then done",
        safety="",
        picture=StepPicture("calf-stretch", 1, 1),
        paused=False,
        step_number=9,
        step_count=10,
    )
    message = step_message(guide, "/cache/calf-stretch-1-1.png")
    assert parse_message(json.dumps(message)) == Step(
        "Calf stretch",
        "rest",
        "Release and rest",
        "Right leg, 2 of 2",
        "Come back up and breathe; the next hold follows.",
        4,
        5,
        "Last one, then done",
        "",
        "/cache/calf-stretch-1-1.png",
        False,
        9,
        10,
    )


# The window's rules.


@pytest.mark.parametrize(
    ("size", "scale", "shown"),
    [
        ((352, 264), (1, 1), 352),  # drawn at the size it is shown
        ((320, 320), (1, 1), 320),
        ((1024, 768), (1, 3), 341),
        ((800, 600), (1, 2), 400),  # 400 is nearer the range than 266
        ((2048, 1536), (1, 6), 341),
        ((160, 120), (2, 1), 320),
        ((100, 80), (4, 1), 400),
        ((200, 150), (2, 1), 400),
        ((0, 0), (1, 1), 0),
    ],
)
def test_pictures_are_brought_near_320_to_384_px(
    size: tuple[int, int], scale: tuple[int, int], shown: int
) -> None:
    """Whole zoom or subsample factors, choosing the size nearest the range."""
    assert picture_scale(*size) == scale
    assert max(size) * scale[0] // scale[1] == shown


def test_a_low_screen_gets_a_smaller_picture_so_the_buttons_stay_on_it() -> None:
    """768 px high: the 384 px picture shows at 2/3 (256 px); a tall screen: as drawn."""
    assert picture_range(768) == (223, 268)
    assert picture_scale(384, 384, *picture_range(768)) == (2, 3)
    assert picture_scale(384, 384, *picture_range(1080)) == (1, 1)
    assert picture_range(480) == (160, 192)


def test_the_countdown_shows_whole_seconds_and_changes_on_the_second() -> None:
    """10 s from now shows 10 until a second has passed, then 9; at the deadline 0 and no tick."""
    deadline = 110.0
    assert seconds_shown(deadline, 100.0) == 10
    assert next_change_ms(deadline, 100.0) == 1000
    assert seconds_shown(deadline, 100.4) == 10 and next_change_ms(deadline, 100.4) == 600
    assert seconds_shown(deadline, 101.0) == 9
    assert seconds_shown(deadline, 109.9998) == 0  # a tick a little early still shows 0
    assert seconds_shown(deadline, 112.0) == 0 and next_change_ms(deadline, 112.0) is None


def test_the_ring_shrinks_clockwise_over_the_step() -> None:
    """A full ring at the start, half at half time, none at the end or without a length."""
    assert ring_extent(10, 10) == pytest.approx(-359.9)
    assert ring_extent(5, 10) == pytest.approx(-179.95)
    assert ring_extent(0, 10) == 0
    assert ring_extent(12, 10) == pytest.approx(-359.9)  # a late step never overflows
    assert ring_extent(3, 0) == 0


def test_the_first_place_is_beside_the_notifications_and_every_place_is_on_screen() -> None:
    """Top right, left of the notifications (bottom right on Windows), clamped to the screen."""
    screen = (1920, 1080)
    assert default_place(400, 600, screen, "linux") == (1920 - 380 - 400 - 24, 60)
    assert default_place(400, 600, screen, "darwin") == (1116, 60)
    assert default_place(400, 600, screen, "win32") == (1116, 1080 - 600 - 80)
    assert default_place(400, 700, (1024, 600), "linux") == (220, 0)  # too tall: from the top
    assert default_place(400, 600, (640, 480), "linux") == (0, 0)  # narrow: as far as it fits
    assert clamp_place(5000, -300, 400, 600, screen) == (1520, 0)
    assert clamp_place(-50, 900, 400, 600, screen) == (0, 480)
    assert clamp_place(100, 200, 400, 600, screen) == (100, 200)


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ('{"x": 12, "y": -3}', (12, -3)),
        ('{"x": 1.5, "y": 3}', None),
        ('{"x": true, "y": 3}', None),
        ('{"x": 1}', None),
        ("[1, 2]", None),
        ("", None),
    ],
)
def test_a_saved_place_is_used_only_when_it_is_two_whole_numbers(
    text: str, place: tuple[int, int] | None
) -> None:
    """A broken coach-window.json means the first place again, never a failure."""
    assert parse_place(text) == place


# The launcher, with a stand-in child.

STAND_IN = """\
import json, signal, sys, time
behaviour, record = sys.argv[1], sys.argv[2]
if behaviour == "unavailable":
    print("coach window: Tk is not available (install python3-tk)", file=sys.stderr)
    sys.exit(3)
if behaviour == "fails":
    print("Traceback: something broke", file=sys.stderr)
    sys.exit(1)
if behaviour == "deaf":  # never reads its stdin
    time.sleep(60)
with open(record, "a", encoding="utf-8") as out:
    out.write("args " + json.dumps(sys.argv[3:]) + "\\n")
    out.flush()
    for line in sys.stdin:
        out.write(line)
        out.flush()
        if behaviour == "closed":  # the person closes the window after the first step
            sys.exit(0)
    out.write("EOF\\n")
if behaviour == "stubborn":  # stays after EOF, until ended
    time.sleep(60)
"""


@dataclass
class StandIn:
    """A spawn function running the stand-in child, and what it was asked to start."""

    record: Path
    started: list[list[str]]
    spawn: Callable[..., "subprocess.Popen[bytes]"]

    def lines(self) -> list[str]:
        """Return what the child has written to its record."""
        return self.record.read_text().splitlines() if self.record.exists() else []

    def messages(self) -> list[dict[str, Any]]:
        """Return the messages the child has read."""
        return [json.loads(line) for line in self.lines() if line.startswith("{")]


def stand_in(tmp_path: Path, behaviour: str = "reads") -> StandIn:
    """Return a spawn function that starts the stand-in with a behaviour."""
    script = tmp_path / "stand_in.py"
    script.write_text(STAND_IN)
    record = tmp_path / "record.txt"
    started: list[list[str]] = []

    def spawn(command: list[str], **options: Any) -> "subprocess.Popen[bytes]":
        started.append(command)
        return subprocess.Popen(
            [sys.executable, str(script), behaviour, str(record), *command[1:]], **options
        )

    return StandIn(record, started, spawn)


# Zombies and /proc/PID/stat, through which these tests watch the child, are Linux's.
proc_watch = linux_only("watches the child through /proc/PID/stat (zombies are POSIX's)")


def process_state(pid: int) -> str | None:
    """Return a process's state letter (Z for a zombie), None once it is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return None


def launcher(tmp_path: Path, child: StandIn, threaded: bool = False) -> CoachWindow:
    """Return a launcher whose folders are in tmp_path and whose child is the stand-in."""
    return CoachWindow(
        tmp_path / "runtime", tmp_path / "state", child.spawn, threaded_writes=threaded
    )


@pytest.mark.parametrize("threaded", [False, True])
def test_lines_arrive_in_order_and_the_end_closes_stdin(tmp_path: Path, threaded: bool) -> None:
    """Steps and the end reach the child in order, then EOF; a new routine starts a new one."""
    child = stand_in(tmp_path)
    window = launcher(tmp_path, child, threaded)
    window.show(a_step(doing="Get into position"))
    window.show(a_step(doing="Hold", paused=True))
    window.end(end_message("Stretch counted", "Today: 1 of 6.", True))
    wait_for(lambda: child.lines()[-1:] == ["EOF"], 10, "EOF after the end")
    assert [m.get("doing", m["type"]) for m in child.messages()] == [
        "Get into position",
        "Hold",
        "end",
    ]
    assert child.messages()[1]["paused"] is True
    assert child.started == [window.command()]
    assert window.command()[1:] == [
        "-P",
        "-m",
        "backcare_tray.coach",
        "--runtime",
        str(tmp_path / "runtime"),
        "--state",
        str(tmp_path / "state"),
        "--language",
        "en",
    ]
    wait_for(lambda: not window.describe()["open"], 10, "the child to be reaped")
    assert window.describe()["last_exit"] == 0
    window.show(a_step())
    assert len(child.started) == 2  # the next routine opens the window again
    window.close()


def test_only_a_step_opens_the_window(tmp_path: Path) -> None:
    """An end with no window open starts nothing (there is nothing to confirm in it)."""
    child = stand_in(tmp_path)
    window = launcher(tmp_path, child)
    window.end(end_message("Stopped", "", False))
    window.show(end_message("Stopped", "", False))
    assert child.started == [] and not window.describe()["open"]


@proc_watch
def test_a_window_the_person_closed_is_not_opened_again_in_that_routine(tmp_path: Path) -> None:
    """Writing to a dead window raises nothing; it comes back only for the next routine."""
    child = stand_in(tmp_path, "closed")
    window = launcher(tmp_path, child)
    window.show(a_step())
    pid = window.describe()["pid"]
    wait_for(lambda: process_state(pid) == "Z", 10, "the child to exit")
    for _ in range(5):
        window.show(a_step(seconds_left=3))  # the first reaps it, none raises
    assert len(child.started) == 1
    assert process_state(pid) is None
    assert window.describe() == {
        "available": True,
        "problem": None,
        "open": False,
        "pid": None,
        "last_exit": 0,
        "log": str(tmp_path / "runtime" / "coach.log"),
    }
    window.end(end_message("Stretch counted", "", True))
    window.show(a_step())
    assert len(child.started) == 2
    window.close()


@proc_watch
def test_a_finished_window_is_reaped_at_the_next_call(tmp_path: Path) -> None:
    """A child that has exited is a zombie only until the launcher is next called."""
    child = stand_in(tmp_path)
    window = launcher(tmp_path, child)
    window.show(a_step())
    pid = window.describe()["pid"]
    window.end(end_message("Stretch counted", "", True))
    wait_for(lambda: process_state(pid) == "Z", 10, "the child to exit after EOF")
    assert window.available()
    assert process_state(pid) is None
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, 0)


def test_no_tk_is_said_once_and_the_window_is_not_started_again(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Exit code 3: one warning with the child's reason, and no new start for this daemon run."""
    child = stand_in(tmp_path, "unavailable")
    window = launcher(tmp_path, child)
    with caplog.at_level(logging.WARNING, logger=LAUNCHER_LOG):
        window.show(a_step())
        wait_for(lambda: not window.available(), 10, "the exit code 3 to be seen")
        for _ in range(3):
            window.show(a_step())
            window.end(end_message("Stretch counted", "", True))
            window.show(a_step())
        window.close()
    assert len(child.started) == 1
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert warnings == [
        "coach window unavailable: Tk is not available (install python3-tk); "
        "guiding in the notification only"
    ]
    assert window.describe()["problem"] == "Tk is not available (install python3-tk)"


def test_a_failing_window_is_logged_and_waits_for_the_next_routine(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Another exit code: a warning with its last words; tried again at the next routine."""
    child = stand_in(tmp_path, "fails")
    window = launcher(tmp_path, child)
    with caplog.at_level(logging.WARNING, logger=LAUNCHER_LOG):
        window.show(a_step())
        wait_for(lambda: window.describe()["last_exit"] == 1, 10, "the failure to be seen")
        window.show(a_step())
    assert len(child.started) == 1
    assert "The coach window failed (exit code 1): Traceback: something broke" in caplog.text
    window.end(end_message("Stopped", "", False))
    window.show(a_step())
    assert len(child.started) == 2 and window.available()
    window.close()


@pytest.mark.parametrize(
    "threaded",
    [
        # Non-blocking pipe writes are the POSIX way; Windows writes from a thread (its default).
        pytest.param(False, marks=linux_only("non-blocking pipe writes, the POSIX launcher's")),
        True,
    ],
)
def test_a_window_that_stops_reading_never_holds_up_the_daemon(
    tmp_path: Path, threaded: bool, caplog: pytest.LogCaptureFixture
) -> None:
    """Messages to a child that never reads return at once; past the limit it is ended."""
    child = stand_in(tmp_path, "deaf")
    window = launcher(tmp_path, child, threaded)
    message = a_step(instruction="x" * 500)
    slowest = 0.0
    try:
        with caplog.at_level(logging.WARNING, logger=LAUNCHER_LOG):
            window.show(message)
            pid = window.describe()["pid"]
            for _ in range(4 * (PENDING_MOST // 500)):  # four times the pipe and the limit
                started = time.monotonic()
                window.show(message)
                slowest = max(slowest, time.monotonic() - started)
        assert slowest < 0.5
        assert caplog.text.count("stopped reading its messages") == 1
        assert not window.describe()["open"] and process_state(pid) is None
        assert len(child.started) == 1  # not again in this routine
    finally:  # a child left behind would hold the test run's output open
        window.close()


def test_close_ends_the_window_and_reaps_it(tmp_path: Path) -> None:
    """close() gives the child EOF and waits for it; one that stays is ended."""
    child = stand_in(tmp_path)
    window = launcher(tmp_path, child)
    window.show(a_step())
    pid = window.describe()["pid"]
    # A child still starting is ended by close() (under Wine python.exe takes longer to start).
    wait_for(lambda: len(child.messages()) == 1, 10, "the child to read the step")
    window.close()
    assert process_state(pid) is None and child.lines()[-1] == "EOF"
    assert window.describe()["last_exit"] == 0


@proc_watch
def test_close_ends_a_window_that_stays_after_eof(tmp_path: Path) -> None:
    """A child that does not go at EOF is terminated after a short wait, never waited on."""
    window = launcher(tmp_path, stand_in(tmp_path, "stubborn"))
    window.show(a_step())
    pid = window.describe()["pid"]
    started = time.monotonic()
    window.close()
    assert time.monotonic() - started < 5
    assert process_state(pid) is None and window.describe()["last_exit"] == -15


@linux_only("DISPLAY and WAYLAND_DISPLAY: a Windows session always has its desktop")
def test_the_real_window_without_a_display_exits_3_and_is_said_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The installed coach, with no display to open: code 3, its one line, one warning."""
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    window = CoachWindow(tmp_path / "runtime", tmp_path / "state")
    with caplog.at_level(logging.WARNING, logger=LAUNCHER_LOG):
        window.show(a_step())
        wait_for(lambda: not window.available(), 20, "the coach to exit with 3")
        window.show(a_step())
    assert window.describe()["last_exit"] == UNAVAILABLE and not window.describe()["open"]
    log_lines = (tmp_path / "runtime" / "coach.log").read_text().splitlines()
    assert len(log_lines) == 1 and log_lines[0].startswith("coach window: cannot open a display")
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1
    assert warnings[0].startswith("coach window unavailable: cannot open a display (")
    assert warnings[0].endswith("; guiding in the notification only")


GERMAN = r"""
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\n"

msgid "Stretch coach"
msgstr "Dehnungs-Coach"
"""


def german_catalog(folder: Path) -> Path:
    """Compile a small German catalog into folder/de/LC_MESSAGES, as the build does; folder."""
    return compiled_catalog(folder, "de", GERMAN)


@contextmanager
def speaking_german(folder: Path) -> Iterator[None]:
    """Have this process speak German from a catalog compiled in folder, then English again."""
    german_catalog(folder)
    try:
        use_language(Language("de", "LANG"), folder)
        assert current().code == "de"
        yield
    finally:
        use_language(Language("en", "the default"))


def test_the_window_is_started_in_the_daemons_language(tmp_path: Path) -> None:
    """The command that starts the window carries the language the daemon speaks then."""
    window = CoachWindow(tmp_path / "runtime", tmp_path / "state")
    assert window.command()[-2:] == ["--language", "en"]
    with speaking_german(tmp_path / "locale"):
        assert window.command()[-2:] == ["--language", "de"]
    assert window.command()[-2:] == ["--language", "en"]


@linux_only("DISPLAY and WAYLAND_DISPLAY: a Windows session always has its desktop")
def test_the_real_window_speaks_the_language_it_is_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The installed window started by the daemon's side takes up the daemon's language."""
    pytest.importorskip("tkinter")
    monkeypatch.delenv("DISPLAY", raising=False)  # it says its language, then exits with 3
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("BACKCARE_TRAY_COACH_DEBUG", "1")
    window = CoachWindow(tmp_path / "runtime", tmp_path / "state")
    with speaking_german(tmp_path / "locale"):
        window.show(a_step())
        wait_for(lambda: not window.available(), 20, "the coach to exit with 3")
    lines = (tmp_path / "runtime" / "coach.log").read_text().splitlines()
    starting = [json.loads(line) for line in lines if line.startswith('{"coach": "starting"')]
    assert len(starting) == 1
    if "de" in available_languages():  # the package carries German: the window speaks it
        assert starting[0]["language"] == "de"
    else:  # it asked for German, found no catalog in the package, and speaks English
        assert starting[0]["language"] == "en"
        assert any(line.startswith("The de catalog cannot be read") for line in lines), lines


def test_the_window_takes_its_language_from_the_command_line(tmp_path: Path) -> None:
    """--language is used before the window makes any text; without it the window speaks English."""
    pytest.importorskip("tkinter")
    # The window's own run() is replaced by one saying the language and the window's title
    # as they are when the window is built; the catalogs are read from the test's folder.
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from backcare_tray import i18n\n"
        "import backcare_tray.coach.window as window\n"
        "i18n.use_language.__defaults__ = (Path(sys.argv[2]),)\n"
        "def run(runtime, state, stream):\n"
        "    print(i18n.current().code, i18n._('Stretch coach'))\n"
        "    return 0\n"
        "window.run = run\n"
        "from backcare_tray.coach.__main__ import main\n"
        "folders = ['--runtime', sys.argv[1], '--state', sys.argv[1]]\n"
        "main([*folders, '--language', 'de'])\n"
        "main(folders)\n"
        "main([*folders, '--language', 'xx'])  # no such catalog: English\n"
    )
    locale = german_catalog(tmp_path / "locale")
    done = subprocess.run(
        [sys.executable, "-P", "-c", script, str(tmp_path), str(locale)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "de Dehnungs-Coach",
        "en Stretch coach",
        "en Stretch coach",
    ]
    assert "The xx catalog cannot be read" in done.stderr


def test_without_tkinter_the_window_exits_3_with_one_line(tmp_path: Path) -> None:
    """A Python without tkinter: exit code 3 and one line saying what to install."""
    script = (
        "import sys\n"
        "sys.modules['tkinter'] = None  # import tkinter now fails as it does without it\n"
        "from backcare_tray.coach.__main__ import main\n"
        f"raise SystemExit(main(['--runtime', {str(tmp_path)!r}, '--state', {str(tmp_path)!r}]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-P", "-c", script], capture_output=True, text=True, timeout=30
    )
    assert done.returncode == UNAVAILABLE
    assert done.stderr == f"coach window: Tk is not available ({tk_install_hint()})\n"


def test_the_launcher_and_the_coach_package_do_not_load_tkinter() -> None:
    """The daemon's side of the window, its rules and its entry point leave tkinter unloaded."""
    script = (
        "import sys\n"
        "import backcare_tray.adapters.coach, backcare_tray.coach, backcare_tray.coach.model\n"
        "import backcare_tray.coach.__main__ as entry\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('tkinter', '_tkinter')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-P", "-c", script], capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


@pytest.mark.skipif(ignores_pythonpath(), reason="the embeddable CPython has no tkinter")
def test_doctor_lines_say_whether_the_window_can_open(monkeypatch: pytest.MonkeyPatch) -> None:
    """The doctor tries tkinter in a child, looks for a display, and says what follows."""
    monkeypatch.setenv("DISPLAY", ":42")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    tk_line, display_line, verdict = coach_report()
    assert tk_line.startswith("tkinter: imports (Tk 8.")
    assert display_line == "display: DISPLAY :42"
    assert verdict == "guided stretches open the coach window beside the notification"
    monkeypatch.delenv("DISPLAY")
    assert coach_report()[1:] == [
        "display: neither DISPLAY nor WAYLAND_DISPLAY is set",
        "guided stretches are guided in the notification only",
    ]
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")
    assert coach_report()[1] == "display: Wayland wayland-0 without DISPLAY: Tk needs XWayland"


# The window on a real X server with a window manager.

TEAL = (24, 150, 150)
FIGURE_TEAL = (38, 132, 140)  # the step pictures' wall (figure.TEAL)
TEAL_PALE = (226, 242, 242)
AMBER = (255, 196, 40)
PAUSED_GREY = (154, 166, 166)
MAGENTA = PICTURE_COLOURS[0]
SCREEN_OPTIONS = ("-screen", "0", "1280x1024x24", "-noreset")  # the picture as drawn


@dataclass
class Screen:
    """Xvfb with openbox, a person's folders, and the coach windows a test started."""

    env: dict[str, str]
    tmp: Path
    runs: list[CoachRun]

    @property
    def display(self) -> str:
        """Return the display's name."""
        return self.env["DISPLAY"]

    @property
    def runtime(self) -> Path:
        """Return the runtime folder the coach is given (no daemon listens there)."""
        return Path(self.env["XDG_RUNTIME_DIR"]) / "backcare-tray"

    @property
    def state(self) -> Path:
        """Return the state folder the coach keeps its place in."""
        return self.tmp / "state"

    def coach(self) -> CoachRun:
        """Start a coach window (stopped at the end of the test if it still runs)."""
        run = start_coach(
            self.env, self.runtime, self.state, self.tmp / f"coach-{len(self.runs)}.log"
        )
        self.runs.append(run)
        return run

    def tool(self, *args: str) -> str:
        """Run a desktop tool on this display and return its output."""
        return subprocess.run(
            list(args), env=self.env, capture_output=True, text=True, check=True, timeout=10
        ).stdout

    def focus(self) -> int:
        """Return the window that has the keyboard focus."""
        return int(self.tool("xdotool", "getwindowfocus"))

    def click(self, box: list[int]) -> None:
        """Click the middle of a box (x, y, width, height on the screen)."""
        click(self.env, box)

    def grab(self, box: list[int]) -> Shot:
        """Return the pixels of a box of the screen."""
        x, y, width, height = box
        return grab(self.display, (x, y, width, height))


def click(env: dict[str, str], box: list[int]) -> None:
    """Click the middle of a box (x, y, width, height on the screen) with xdotool."""
    x, y = centre(box)
    subprocess.run(
        ["xdotool", "mousemove", str(x), str(y), "click", "1"], env=env, check=True, timeout=10
    )


@pytest.fixture
def screen(tmp_path: Path) -> Iterator[Screen]:
    """Xvfb and openbox, for the coach windows the test starts."""
    processes: list[subprocess.Popen[bytes]] = []
    runs: list[CoachRun] = []
    try:
        env = user_env(tmp_path / "home", tmp_path / "runtime")
        # -noreset: else the server resets when xdpyinfo, its first client, leaves, and a
        # client connecting at that moment (openbox) is refused.
        env["DISPLAY"] = start_xvfb(tmp_path, processes, SCREEN_OPTIONS)
        start_openbox(env, processes, tmp_path / "openbox.log")
        yield Screen(env, tmp_path, runs)
    finally:
        for run in runs:
            run.stop()
        stop_processes(processes)


@contextmanager
def focused_window(screen: Screen) -> Iterator[int]:
    """Map a plain window, wait until the window manager has focused it, and yield its id."""
    from Xlib import display

    connection = display.Display(screen.display)
    try:
        root = connection.screen()
        window = root.root.create_window(
            20, 300, 300, 200, 0, root.root_depth, background_pixel=root.white_pixel
        )
        window.set_wm_name("the person's editor")
        window.map()
        connection.sync()
        wait_for(lambda: screen.focus() == window.id, 10, "the editor to have the focus")
        yield window.id
    finally:
        connection.close()


def managed(screen: Screen, window: int) -> bool:
    """Return True once the window manager has framed the window (its focus choice is made)."""
    extents = screen.tool("xprop", "-id", str(window), "_NET_FRAME_EXTENTS")
    return "=" in extents


@pytest.mark.desktop
def test_the_window_shows_the_step_on_top_without_taking_the_focus(screen: Screen) -> None:
    """The picture's pixels and the ring show, top right, above; the editor keeps the keys."""
    picture = checkerboard(screen.tmp / "step.png")
    with focused_window(screen) as editor:
        coach = screen.coach()
        coach.send(a_step(picture=str(picture), safety="Stop if it hurts; a pull is fine."))
        shown = coach.next_event("mapped")
        window = coach.window_id()
        wait_for(lambda: managed(screen, window), 10, "openbox to frame the window")
        assert screen.focus() == editor
        assert "_NET_WM_STATE_ABOVE" in screen.tool("xprop", "-id", str(window), "_NET_WM_STATE")
        kind = screen.tool("xprop", "-id", str(window), "_NET_WM_WINDOW_TYPE")
        assert "_NET_WM_WINDOW_TYPE_UTILITY" in kind
        x, y, width, _ = shown["window"]
        # top right, left of the notifications' column
        assert 1280 - 380 - 40 <= x + width <= 1280 - 380 - 20 and 60 <= y <= 100

        box = shown["picture"]
        half_of_the_picture = 352 * 264 / 2
        # "mapped" can come before the first paint reaches the screen: wait for the pixels
        wait_for(
            lambda: screen.grab(box).count(MAGENTA) == pytest.approx(half_of_the_picture, rel=0.1),
            5,
            "the checkerboard to be painted",
        )
        ring = shown["ring"]
        wait_for(lambda: screen.grab(ring).count(TEAL) > 1500, 5, "the ring to be painted")
        teal_at_first = screen.grab(ring).count(TEAL)
        wait_for(
            lambda: screen.grab(ring).count(TEAL) < teal_at_first * 0.85,
            5,
            "the ring to shrink as the seconds go",
        )

        coach.send(a_step(picture=None, kind="rest", doing="Release and rest"))
        coach.next_event("step")
        wait_for(
            lambda: (
                screen.grab(box).count(TEAL_PALE, box=[box[0], box[1], 352, 240]) > 352 * 240 * 0.8
            ),
            5,
            "the placeholder to replace the picture",
        )
        assert screen.grab(box).count(MAGENTA) == 0
        wait_for(lambda: screen.grab(ring).count(AMBER) > 1500, 5, "a rest's ring to turn amber")

        coach.send(a_step(picture=str(screen.tmp / "missing.png"), paused=True))
        coach.next_event("step")
        wait_for(
            lambda: screen.grab(ring).count(PAUSED_GREY) > 1500, 5, "the paused ring to turn grey"
        )
        assert screen.grab(ring).count(TEAL) == 0
        assert any("cannot show the picture" in line for line in coach.lines())
        assert screen.focus() == editor

        screen.click(shown["picture"])  # a click may give it the keys: then Escape closes it
        wait_for(lambda: screen.focus() != editor, 5, "the click to focus the coach")
        screen.tool("xdotool", "key", "Escape")
        assert coach.wait(5) == 0


def position(screen: Screen, window: int) -> tuple[int, int]:
    """Return where xdotool says a window is."""
    found = re.search(
        r"Position: (-?\d+),(-?\d+)", screen.tool("xdotool", "getwindowgeometry", str(window))
    )
    assert found, "no position"
    return int(found[1]), int(found[2])


@pytest.mark.desktop
def test_the_window_opens_where_it_was_moved_to(screen: Screen) -> None:
    """A move is saved to coach-window.json; the next window opens there, clamped to screen."""
    first = screen.coach()
    first.send(a_step())
    first.next_event("mapped")
    window = first.window_id()
    wait_for(lambda: managed(screen, window), 10, "openbox to frame the window")
    screen.tool("xdotool", "windowmove", str(window), "100", "150")
    saved = first.next_event("saved")
    assert json.loads((screen.state / "coach-window.json").read_text()) == {
        "x": saved["x"],
        "y": saved["y"],
    }
    moved_to = position(screen, window)
    assert moved_to[0] < 200 and moved_to[1] < 300  # away from the top right
    ask_to_close(screen.display, window)  # as the window manager's close button does
    assert first.wait(5) == 0

    second = screen.coach()
    second.send(a_step())
    second.next_event("mapped")
    window = second.window_id()
    wait_for(lambda: position(screen, window) == moved_to, 5, "the window at its saved place")
    second.close_stdin()
    assert second.wait(5) == 0

    (screen.state / "coach-window.json").write_text('{"x": 5000, "y": -300}')
    third = screen.coach()
    third.send(a_step())
    x, y, width, _ = third.next_event("mapped")["window"]
    assert 1280 - width - 40 < x and x + width <= 1280 and 0 <= y < 40


@pytest.mark.desktop
def test_a_window_that_was_never_moved_saves_no_place(screen: Screen) -> None:
    """Opening and closing where it opened writes nothing: the first place stays the default."""
    coach = screen.coach()
    coach.send(a_step())
    coach.next_event("mapped")
    window = coach.window_id()
    wait_for(lambda: managed(screen, window), 10, "openbox to frame the window")
    ask_to_close(screen.display, window)
    assert coach.wait(5) == 0
    assert not (screen.state / "coach-window.json").exists()
    assert not any(event["coach"] == "saved" for event in coach.events())


@pytest.mark.desktop
@pytest.mark.parametrize(
    ("counted", "colour", "shown_for"), [(True, TEAL, 4.0), (False, PAUSED_GREY, 3.0)]
)
def test_the_end_is_confirmed_then_the_window_closes(
    screen: Screen, counted: bool, colour: RGB, shown_for: float
) -> None:
    """The end shows large for about 4 s (counted) or 3 s (stopped), its stdin closed or not."""
    coach = screen.coach()
    coach.send(a_step())
    coach.next_event("mapped")
    sent = time.monotonic()
    coach.send(an_end(counted))
    coach.close_stdin()  # as the daemon's end() does: EOF does not cut the confirmation short
    ended = coach.next_event("end")
    assert screen.grab(ended["window"]).count(colour) > 4000  # the disc of the confirmation
    assert coach.wait(10) == 0
    assert shown_for - 0.3 <= time.monotonic() - sent <= shown_for + 1.5


@pytest.mark.desktop
def test_eof_closes_at_once_and_bad_lines_are_passed_over(screen: Screen) -> None:
    """Malformed lines are said on stderr and ignored; EOF without an end closes at once."""
    coach = screen.coach()
    coach.send(b"not json\n")
    coach.send(a_step())
    coach.next_event("mapped")
    coach.send(b'{"type": "dance"}\n')
    coach.send(a_step(doing="Release"))
    assert coach.next_event("step")["doing"] == "Hold"
    assert coach.next_event("step")["doing"] == "Release"
    closed = time.monotonic()
    coach.close_stdin()
    assert coach.wait(5) == 0
    assert time.monotonic() - closed < 1.5
    ignored = [line for line in coach.lines() if "ignored a message" in line]
    assert len(ignored) == 2 and "unknown message type 'dance'" in ignored[1]


@pytest.mark.desktop
def test_eof_before_any_step_never_shows_a_window(screen: Screen) -> None:
    """A window that was never given a step closes at EOF without having been mapped."""
    coach = screen.coach()
    coach.close_stdin()
    assert coach.wait(5) == 0
    assert [event["coach"] for event in coach.events()] == ["starting", "closing"]


@pytest.mark.desktop
def test_a_button_says_so_when_no_daemon_answers(screen: Screen) -> None:
    """Done with nothing listening on the control channel: a short line, the window stays."""
    coach = screen.coach()
    coach.send(a_step())
    shown = coach.next_event("mapped")
    screen.click(shown["buttons"]["done"])
    assert coach.next_event("replied")["problem"] == "backcare-tray is not running"
    assert coach.process.poll() is None


# With a real daemon.


@pytest.mark.desktop
def test_the_buttons_drive_a_real_daemon_and_closing_leaves_the_routine(desktop: Desktop) -> None:
    """Pause (twice: refused), Continue and Done reach the daemon; a closed window stops nothing."""
    start_openbox(desktop.env, desktop.processes, desktop.home / "openbox.log")
    runtime = Path(desktop.env["XDG_RUNTIME_DIR"]) / "backcare-tray"
    state = desktop.home / ".local/state/backcare-tray"
    config = write_config(desktop, "45m")  # the test starts the window itself
    config.write_text(config.read_text() + "\n[guide]\nwindow = false\n")
    with running_daemon(desktop, config=config):
        assert desktop.run("start").returncode == 0
        coach = start_coach(desktop.env, runtime, state, desktop.home / "coach.log")
        try:
            coach.send(a_step())
            shown = coach.next_event("mapped")
            buttons = shown["buttons"]
            click(desktop.env, buttons["pause"])
            paused = coach.next_event("replied")
            assert (paused["command"], paused["problem"]) == ("pause-routine", None)
            click(desktop.env, buttons["pause"])  # the daemon has not confirmed with a paused step
            refused = coach.next_event("replied")
            assert refused["command"] == "pause-routine"
            assert refused["problem"] == "No running stretch to pause."
            coach.send(a_step(paused=True))  # as the daemon confirms the pause
            coach.next_event("step")
            click(desktop.env, buttons["pause"])  # now reading Continue
            resumed = coach.next_event("replied")
            assert (resumed["command"], resumed["problem"]) == ("resume-routine", None)
            assert desktop.status()["state"] == "stretching"
            click(desktop.env, buttons["done"])
            assert coach.next_event("replied")["problem"] is None
            status = desktop.status()
            assert status["state"] == "working" and status["today"]["done"] == 1
        finally:
            coach.stop()

        assert desktop.run("start").returncode == 0
        coach = start_coach(desktop.env, runtime, state, desktop.home / "coach-2.log")
        try:
            coach.send(a_step())
            coach.next_event("mapped")
            ask_to_close(desktop.env["DISPLAY"], coach.window_id())
            assert coach.wait(5) == 0
        finally:
            coach.stop()
        assert desktop.status()["state"] == "stretching"  # the routine goes on in the notice


@pytest.mark.desktop
def test_the_daemon_opens_the_window_at_start_and_its_done_counts(desktop: Desktop) -> None:
    """Start opens the window with the step's picture; its Done counts; closed, it stays so."""
    start_openbox(desktop.env, desktop.processes, desktop.home / "openbox.log")
    desktop.env["BACKCARE_TRAY_COACH_DEBUG"] = "1"  # the window says where its buttons are
    runtime = Path(desktop.env["XDG_RUNTIME_DIR"]) / "backcare-tray"
    # No tray: on this XEmbed tray the GTK icon would load Pillow into the daemon for its
    # pictures; without it, the daemon's own memory holds neither Tk nor Pillow.
    config = write_config(desktop, "45m")
    with running_daemon(desktop, "--no-tray", config=config) as daemon:
        wait_for(
            lambda: desktop.status()["pictures"]["drawn"] == desktop.status()["pictures"]["wanted"],
            20,
            "the pictures to be drawn",
        )
        assert desktop.run("start").returncode == 0
        _, step = coach_event(runtime, "step")
        assert step["doing"] == "Get into position (1 of 2)"
        at, mapped = coach_event(runtime, "mapped")
        x, y, width, height = mapped["picture"]
        shot = grab(desktop.env["DISPLAY"], (x, y, width, height))
        assert shot.count(FIGURE_TEAL, tolerance=16) > width * height // 4  # the step's picture
        assert desktop.status()["coach"]["open"] is True
        # With the pictures drawn and the window up, the daemon itself has loaded neither
        # Tk nor Pillow: neither library is mapped into its process.
        libraries = Path(f"/proc/{daemon.pid}/maps").read_text()
        assert "_tkinter" not in libraries and "libtk" not in libraries
        assert "/PIL/" not in libraries and "pillow.libs" not in libraries
        click(desktop.env, mapped["buttons"]["done"])
        try:
            wait_for(lambda: desktop.status()["today"]["done"] == 1, 10, "Done to count")
        except AssertionError as failed:
            failed.add_note((runtime / "coach.log").read_text())
            raise
        coach_event(runtime, "end", at)  # the confirmation, then it closes by itself
        wait_for(lambda: not desktop.status()["coach"]["open"], 10, "the window to close")

        assert desktop.run("start").returncode == 0
        count = len(coach_events(runtime))
        at, _ = coach_event(runtime, "mapped", count)
        ids = wait_for(
            lambda: desktop.tool(
                "xdotool", "search", "--onlyvisible", "--class", "BackcareTrayCoach"
            ).split(),
            10,
            "the window",
        )
        ask_to_close(desktop.env["DISPLAY"], int(ids[0]))
        wait_for(lambda: not desktop.status()["coach"]["open"], 10, "the window to close")
        state = desktop.status()
        assert state["state"] == "stretching"  # the routine goes on in the notification
        first = desktop.status()["status"]
        wait_for(lambda: desktop.status()["status"] != first, 15, "the next step")
        assert desktop.status()["coach"]["open"] is False  # not opened again for this routine
