"""The whole daemon in this process, on fakes and a virtual clock: a day of breaks in moments."""

import threading
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from backcare_tray.adapters.history import History
from backcare_tray.adapters.idle import ProbeError
from backcare_tray.adapters.kit import Adapters
from backcare_tray.adapters.state_file import StateFile
from backcare_tray.commands import Command
from backcare_tray.daemon import Daemon
from backcare_tray.moment import Moment
from backcare_tray.notice import Notice
from backcare_tray.paths import AppPaths
from backcare_tray.settings import Settings

START_WALL = 1_795_000_000.0  # a weekday morning, local time whatever it is


class VirtualClock:
    """The engine's clock and the wall clock, moved on only by the test."""

    def __init__(self) -> None:
        self.mono = 100.0
        self.wall = START_WALL

    def __call__(self) -> Moment:
        """Return the moment now."""
        return Moment(self.mono, self.wall)

    def advance(self, seconds: float) -> None:
        """Let time pass."""
        self.mono += seconds
        self.wall += seconds


class VirtualScheduler:
    """Keeps the daemon's jobs on the virtual clock; the test runs the ones that are due."""

    def __init__(self, clock: VirtualClock) -> None:
        self._clock = clock
        self.jobs: dict[str, tuple[float, float | None, Callable[[], object]]] = {}

    def start(self) -> None:
        """Nothing to start."""

    def plan(self, name: str, delay: float | None, callback: Callable[[], object]) -> None:
        """Keep one job per name; None cancels it."""
        if delay is None:
            self.jobs.pop(name, None)
        else:
            self.jobs[name] = (self._clock.mono + max(0.0, delay), None, callback)

    def plan_every(
        self, name: str, first_delay: float | None, period: float, callback: Callable[[], object]
    ) -> None:
        """Keep a repeating job; None cancels it."""
        if first_delay is None:
            self.jobs.pop(name, None)
        else:
            self.jobs[name] = (self._clock.mono + max(0.0, first_delay), period, callback)

    def run_due(self) -> int:
        """Run every job whose time has come (a repeating one once); return how many ran."""
        ran = 0
        for name, (at, period, callback) in list(self.jobs.items()):
            if at > self._clock.mono:
                continue
            if period is None:
                del self.jobs[name]
            else:
                while at <= self._clock.mono:
                    at += period
                self.jobs[name] = (at, period, callback)
            callback()
            ran += 1
        return ran

    def shutdown(self) -> None:
        """Forget every job."""
        self.jobs.clear()


class RecordingNotifier:
    """Records what the daemon shows and closes, as a notification server would see it."""

    def __init__(self, on_action: Callable[[str], None]) -> None:
        self.press = on_action  # what a click on a button does
        self.shown: list[Notice] = []
        self.closed = 0

    def show(self, notice: Notice) -> bool:
        """Record notice."""
        self.shown.append(notice)
        return True

    def refresh(self, notice: Notice) -> None:
        """Record an update."""
        self.shown.append(notice)

    def close(self) -> None:
        """Count a close."""
        self.closed += 1

    def stop(self) -> None:
        """Nothing to release."""

    def describe(self) -> dict[str, Any]:
        """Say what this is."""
        return {"via": "recording"}


class Idle:
    """A listener or channel that never hears anything."""

    def start(self) -> bool:
        """Nothing to start."""
        return True

    def stop(self) -> None:
        """Nothing to stop."""


class InProcess:
    """A daemon running on its own thread with fakes, and the test's handles on it."""

    def __init__(
        self,
        tmp: Path,
        settings: Settings,
        choose_probe: Callable[[str], Any] = lambda setting: None,
        in_call: Callable[[], bool] = lambda: False,
    ) -> None:
        self.clock = VirtualClock()
        self.scheduler = VirtualScheduler(self.clock)
        # Cleared, the local clock keeps whoever reads it waiting: a loop stuck in a slow call.
        self.flowing = threading.Event()
        self.flowing.set()
        self.stuck = threading.Event()  # set while someone waits in the local clock

        def local_clock() -> datetime:
            if not self.flowing.is_set():
                self.stuck.set()
                self.flowing.wait(10)
            return datetime.fromtimestamp(self.clock.wall).astimezone()

        self.notifiers: list[RecordingNotifier] = []
        self.memory_released = 0  # times the daemon handed freed memory back

        def make_notifier(on_action: Callable[[str], None]) -> RecordingNotifier:
            self.notifiers.append(RecordingNotifier(on_action))
            return self.notifiers[-1]

        self.paths = AppPaths(
            config=tmp / "config.toml",
            state=tmp / "state" / "state.json",
            history=tmp / "data" / "history.sqlite3",
            log=tmp / "log" / "daemon.log",
            cache=tmp / "cache",
        )
        adapters = Adapters(
            clock=self.clock,
            local_clock=local_clock,
            scheduler=self.scheduler,
            make_notifier=make_notifier,
            make_tray=None,
            make_control=lambda handler, on_lost: Idle(),
            choose_probe=choose_probe,
            slept=lambda: 0.0,
            dnd_active=lambda: False,
            make_sleep_signal=lambda on_resume: Idle(),
            make_clock_change=lambda on_change: Idle(),
            install_signals=False,
            in_call=in_call,
            release_memory=self._count_release,
            history=History(self.paths.history),
            state_file=StateFile(self.paths.state),
        )
        self.daemon = Daemon(settings, adapters)
        self.thread = threading.Thread(target=self.daemon.run, name="daemon")
        self.thread.start()

    def _count_release(self) -> None:
        """Count a hand-back of freed memory."""
        self.memory_released += 1

    @property
    def notifier(self) -> RecordingNotifier:
        """Return the daemon's notifier."""
        return self.notifiers[0]

    def status(self) -> dict[str, Any]:
        """Return status; it is answered after everything queued before it."""
        reply = self.daemon.request(Command("status"))
        assert reply["ok"], reply
        status: dict[str, Any] = reply["status"]
        return status

    def wait(self, seconds: float) -> dict[str, Any]:
        """Let seconds pass, run the jobs that fell due, and return the status after them."""
        self.clock.advance(seconds)
        while self.scheduler.run_due():
            pass
        return self.status()

    def titles(self) -> list[str]:
        """Return the titles of everything shown so far."""
        return [notice.title for notice in self.notifier.shown]


@pytest.fixture
def running(tmp_path: Path) -> Iterator[InProcess]:
    """A daemon with a 45 min interval, 10 min snooze, reminders every 5 min."""
    settings = Settings(sitting_interval=45 * 60, snooze=600, remind_every=300, idle_probe="none")
    daemon = InProcess(tmp_path, settings)
    yield daemon
    if daemon.thread.is_alive():
        daemon.daemon.request(Command("quit"))
    daemon.thread.join(10)
    assert not daemon.thread.is_alive()


def test_a_morning_of_breaks_answered_every_way(running: InProcess) -> None:
    """Due, reminded, snoozed by CLI, done by button, a guided routine, quit: all in-process."""
    assert running.status()["state"] == "working"
    assert running.wait(45 * 60)["state"] == "due"
    assert running.titles() == ["Time to stretch: Hamstring stretch"]
    assert running.wait(5 * 60)["state"] == "due"  # unanswered: reminded
    assert running.titles()[-1] == "Still waiting: Hamstring stretch"

    closed_before = running.notifier.closed
    assert running.daemon.request(Command("snooze"))["status"]["state"] == "snoozed"
    assert running.notifier.closed == closed_before + 1  # answered elsewhere: closed
    assert running.wait(10 * 60)["state"] == "due"

    running.notifier.press("done")  # a click on the notification's Done
    status = running.status()
    assert status["state"] == "working" and status["today"]["done"] == 1
    assert running.titles()[-1] == "Stretch counted"
    assert status["next_exercise"]["id"] == "calf-stretch"

    assert running.wait(45 * 60)["state"] == "due"
    running.notifier.press("default")  # a click on the body starts the routine
    assert running.status()["state"] == "stretching"
    for _ in range(40):  # every phase of the routine, one wake-up at a time
        if running.wait(30)["state"] != "stretching":
            break
    status = running.status()
    assert status["state"] == "working" and status["today"]["done"] == 2
    assert "Calf stretch: Left leg, 1 of 3" in running.titles()
    assert running.titles()[-1] == "Stretch counted"

    assert running.daemon.request(Command("quit"))["ok"]
    running.thread.join(10)
    assert not running.thread.is_alive()
    saved = running.paths.state.read_text()
    assert '"format": 2' in saved and '"name": "working"' in saved


def test_freed_memory_is_handed_back_once_start_up_has_settled(running: InProcess) -> None:
    """Not during start-up, once after it (20 s), and not again on later wake-ups."""
    running.status()  # answered by the loop: start-up is over
    assert running.memory_released == 0
    running.wait(19)
    assert running.memory_released == 0
    running.wait(1)
    assert running.memory_released == 1
    running.wait(45 * 60)
    assert running.memory_released == 1


def test_a_command_nobody_waits_for_is_never_applied(running: InProcess) -> None:
    """The loop is busy past the asker's patience: the command is withdrawn, not run later."""
    running.flowing.clear()  # the next command that reads the local clock gets stuck in it
    stuck = threading.Thread(target=running.daemon.request, args=(Command("pause-tomorrow"),))
    stuck.start()
    assert running.stuck.wait(10)  # the loop is inside that command now
    running.daemon.inbox.reply_timeout = 0.2
    reply = running.daemon.request(Command("done"))
    running.flowing.set()
    stuck.join(10)
    running.daemon.inbox.reply_timeout = 4.0
    assert reply["ok"] is False and "not carried out" in reply["error"]
    status = running.status()
    assert status["state"] == "paused"  # the command that was under way did finish
    assert status["today"]["done"] == 0  # the withdrawn "done" never ran


class PresentProbe:
    """An idle probe that always reads someone at the desk."""

    name = "present"

    def idle_seconds(self) -> float:
        """Return no idle time."""
        return 0.0

    def locked(self) -> bool:
        """Return False."""
        return False


def test_an_idle_probe_missing_at_start_is_looked_for_again(tmp_path: Path) -> None:
    """No probe at start (a compositor that came later): found at a wake-up after 30 min."""
    asked: list[str] = []
    there = threading.Event()

    def choose(setting: str) -> PresentProbe | None:
        asked.append(setting)
        return PresentProbe() if there.is_set() else None

    settings = Settings(sitting_interval=45 * 60, snooze=600, remind_every=300, idle_probe="auto")
    running = InProcess(tmp_path, settings, choose_probe=choose)
    try:
        assert running.status()["idle_probe"] is None
        there.set()
        assert running.wait(20 * 60)["idle_probe"] is None  # no wake-up yet: nobody looked
        status = running.wait(25 * 60)  # the break falls due: a wake-up, 45 min after start
        assert (status["state"], status["idle_probe"]) == ("due", "present")
        assert asked == ["auto", "auto"]  # at start, then once: not at every wake-up
        running.wait(5 * 60)  # a reminder: another wake-up, nothing more to look for
        assert asked == ["auto", "auto"]
    finally:
        running.daemon.request(Command("quit"))
        running.thread.join(10)


class SettableProbe(PresentProbe):
    """A probe reading whatever idle time the test sets."""

    def __init__(self, idle: float) -> None:
        self.idle = idle

    def idle_seconds(self) -> float:
        """Return the idle time set."""
        return self.idle


def test_a_call_holds_the_stretch_says_so_and_counts_as_sitting(tmp_path: Path) -> None:
    """In a call: due is held with "In a call" in status; long idle is not a natural break."""
    calling = threading.Event()
    calling.set()
    settings = Settings(sitting_interval=45 * 60, snooze=600, remind_every=300, idle_probe="auto")
    probe = SettableProbe(3600.0)  # an hour without input: listening, hands off the keyboard
    running = InProcess(
        tmp_path, settings, choose_probe=lambda setting: probe, in_call=calling.is_set
    )
    try:
        status = running.wait(45 * 60)
        assert (status["state"], status["in_call"], status["away"]) == ("due", True, False)
        assert status["status"].startswith("In a call: the stretch waits")
        assert running.notifiers == [] or running.titles() == []  # nothing shown in the call
        calling.clear()  # the call ends and the person types again: the next look delivers
        probe.idle = 0.0
        status = running.wait(settings.idle_check_every)
        assert status["in_call"] is False
        assert running.titles() == ["Time to stretch: Hamstring stretch"]
    finally:
        running.daemon.request(Command("quit"))
        running.thread.join(10)


class BrokenProbe(PresentProbe):
    """A probe whose source went away (a compositor restarted): every reading fails."""

    name = "broken"

    def idle_seconds(self) -> float:
        """Fail, as a probe whose connection ended does."""
        raise ProbeError("the Wayland connection ended")


def test_a_probe_that_keeps_failing_is_replaced_by_one_that_works(tmp_path: Path) -> None:
    """The probe in use fails: at a wake-up 30 min on, the probes are chosen again."""
    probes: list[PresentProbe] = [BrokenProbe(), PresentProbe()]
    settings = Settings(sitting_interval=45 * 60, snooze=600, remind_every=300, idle_probe="auto")
    running = InProcess(tmp_path, settings, choose_probe=lambda setting: probes.pop(0))
    try:
        assert running.status()["idle_probe"] == "broken"
        assert running.wait(20 * 60)["idle_probe"] == "broken"  # no wake-up yet
        # Due: the broken probe fails at one wake-up, the next one (at once) chooses again.
        assert running.wait(25 * 60)["idle_probe"] == "present"
        assert probes == []
    finally:
        running.daemon.request(Command("quit"))
        running.thread.join(10)


def test_calls_are_not_looked_at_again_while_the_person_is_away(tmp_path: Path) -> None:
    """Away, the look for their return every 30 s runs no call check (no /proc scan, no pactl)."""
    looked: list[bool] = []
    probe = SettableProbe(3600.0)
    settings = Settings(sitting_interval=45 * 60, snooze=600, remind_every=300, idle_probe="auto")

    def in_call() -> bool:
        looked.append(True)
        return False

    running = InProcess(tmp_path, settings, choose_probe=lambda setting: probe, in_call=in_call)
    try:
        assert running.wait(45 * 60)["away"] is True
        before = len(looked)
        for _ in range(6):  # three minutes of looks for the person's return
            assert running.wait(settings.idle_check_every)["away"] is True
        assert len(looked) == before
    finally:
        running.daemon.request(Command("quit"))
        running.thread.join(10)
