"""The whole daemon in this process, on fakes and a virtual clock: a day of breaks in moments."""

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from support.notification_service import NotifyCall, RecordingNotificationServer
from support.recording import RecordingTray

from backcare_tray.adapters.history import WAITING_FILE, History, read_events
from backcare_tray.adapters.idle import ProbeError
from backcare_tray.adapters.kit import Adapters
from backcare_tray.adapters.notifications.freedesktop import FreedesktopNotifier
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
        make_notifier: Callable[[Callable[[str], None]], Any] | None = None,
        make_tray: Callable[[Callable[[Command], None]], Any] | None = None,
        with_tray: bool = False,
        clock: VirtualClock | None = None,
        notifier: Callable[[Callable[[str], None]], Any] | None = None,
        dnd_active: Callable[[], bool] = lambda: False,
    ) -> None:
        self.clock = clock or VirtualClock()
        self.tray = RecordingTray()  # the views shown, when with_tray
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

        def make_recorder(on_action: Callable[[str], None]) -> Any:
            if notifier is not None:  # a real one, on a test bus
                return notifier(on_action)
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
            make_notifier=make_notifier or make_recorder,
            make_tray=make_tray or ((lambda on_command: self.tray) if with_tray else None),
            make_control=lambda handler, on_lost: Idle(),
            choose_probe=choose_probe,
            slept=lambda: 0.0,
            dnd_active=dnd_active,
            make_sleep_signal=lambda on_resume: Idle(),
            make_clock_change=lambda on_change: Idle(),
            install_signals=False,
            in_call=in_call,
            release_memory=self._count_release,
            history=History(self.paths.history, self.paths.state.with_name(WAITING_FILE)),
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


def test_a_stretch_due_at_a_restart_is_shown_again_at_once(tmp_path: Path) -> None:
    """Quit while due, start again a minute later: the notification comes at start."""
    settings = Settings(sitting_interval=45 * 60, snooze=600, remind_every=300, idle_probe="none")
    first = InProcess(tmp_path, settings)
    assert first.wait(45 * 60)["state"] == "due"
    assert first.titles() == ["Time to stretch: Hamstring stretch"]
    assert first.daemon.request(Command("quit"))["ok"]
    first.thread.join(10)
    clock = VirtualClock()
    clock.advance(46 * 60)  # the same wall clock, a minute after the quit
    second = InProcess(tmp_path, settings, clock=clock)
    try:
        assert second.status()["state"] == "due"
        assert second.titles() == ["Still waiting: Hamstring stretch"]
        assert second.notifier.shown[0].body.startswith("Due for 1 min.")
    finally:
        second.daemon.request(Command("quit"))
        second.thread.join(10)


@pytest.mark.desktop
def test_no_update_repeats_the_one_just_sent_through_a_whole_routine(
    tmp_path: Path, bus: str
) -> None:
    """Each phase change and countdown second is one Notify, never the same content twice.

    Plasma refuses an update identical to the one before (ExcessNotificationGeneration): at
    a phase change the engine's step and the countdown's redraw fall in the same second.
    """
    server = RecordingNotificationServer(with_actions=True)
    settings = Settings(sitting_interval=45 * 60, snooze=600, remind_every=300, idle_probe="none")

    def notifier(on_action: Callable[[str], None]) -> FreedesktopNotifier:
        return FreedesktopNotifier(Path("/icons/backcare.png"), on_action)

    running = InProcess(tmp_path, settings, notifier=notifier)
    try:
        assert running.wait(45 * 60)["state"] == "due"
        assert running.daemon.request(Command("start"))["ok"]
        for _ in range(600):  # second by second, as the countdown redraws
            if running.wait(1)["state"] != "stretching":
                break
            # APScheduler's redraw job may fire right behind a wake-up (a phase change) in
            # the same second, on its own thread: here it fires once more at once.
            redraw = running.scheduler.jobs.get("redraw")
            if redraw is not None:
                redraw[2]()
        assert running.status()["today"]["done"] == 1
        calls = server.calls()
        assert len(calls) > 60  # the due one, every second of the routine, the end
        assert calls[-1].summary == "Stretch counted"

        def content(call: NotifyCall) -> tuple[object, ...]:
            return (call.summary, call.body, call.actions, call.hints, call.timeout_ms)

        repeats = [
            (index, calls[index].summary)
            for index in range(1, len(calls))
            if content(calls[index]) == content(calls[index - 1])
        ]
        assert repeats == []
    finally:
        running.daemon.request(Command("quit"))
        running.thread.join(10)
        server.close()


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


def test_status_reads_the_idle_time_at_the_moment_it_is_asked(tmp_path: Path) -> None:
    """Between wake-ups idle time keeps growing: status reads it then, not the last look's."""
    settings = Settings(sitting_interval=45 * 60, snooze=600, remind_every=300, idle_probe="auto")
    probe = SettableProbe(6.0)
    running = InProcess(tmp_path, settings, choose_probe=lambda setting: probe)
    try:
        assert running.status()["idle_seconds"] == 6
        # Hands off the keyboard for 41 s more; the next look is minutes away.
        probe.idle = 47.0
        running.clock.advance(41)
        running.scheduler.run_due()
        assert running.scheduler.jobs["wake"][0] > running.clock.mono  # no look since
        status = running.status()
        assert (status["idle_seconds"], status["idle_probe"]) == (47, "present")
        assert running.daemon.senses.readings.idle_seconds == 6.0  # the last wake-up's
    finally:
        running.daemon.request(Command("quit"))
        running.thread.join(10)


class CountingProbe(SettableProbe):
    """A settable probe that counts its readings."""

    def __init__(self, idle: float) -> None:
        super().__init__(idle)
        self.readings = 0

    def idle_seconds(self) -> float:
        """Count a reading and return the idle time set."""
        self.readings += 1
        return self.idle


def test_status_reads_do_not_disturb_when_asked_even_while_sitting(tmp_path: Path) -> None:
    """While working the wake-ups skip do-not-disturb; status reads it, as doctor does."""
    quiet = threading.Event()
    looked: list[bool] = []

    def dnd_active() -> bool:
        looked.append(quiet.is_set())
        return quiet.is_set()

    settings = Settings(sitting_interval=45 * 60, snooze=600, remind_every=300, idle_probe="auto")
    probe = CountingProbe(0.0)
    running = InProcess(
        tmp_path, settings, choose_probe=lambda setting: probe, dnd_active=dnd_active
    )
    try:
        assert running.status()["dnd"] is False
        quiet.set()  # Plasma's do-not-disturb applet turned on: Inhibited is true
        woken, read = len(looked), probe.readings
        assert running.wait(20 * 60)["dnd"] is True
        assert probe.readings >= read + 2  # a wake-up looked for the person, not for dnd (+ status)
        assert len(looked) == woken + 1  # the one look was status's own
        quiet.clear()
        assert running.status()["dnd"] is False
    finally:
        running.daemon.request(Command("quit"))
        running.thread.join(10)


def test_status_in_a_call_reads_idle_as_sitting(tmp_path: Path) -> None:
    """A call known at the last wake-up still counts as sitting in a fresh reading."""
    settings = Settings(sitting_interval=45 * 60, snooze=600, remind_every=300, idle_probe="auto")
    probe = SettableProbe(3600.0)
    running = InProcess(
        tmp_path, settings, choose_probe=lambda setting: probe, in_call=lambda: True
    )
    try:
        status = running.wait(45 * 60)
        assert (status["in_call"], status["idle_seconds"]) == (True, 0)
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


def test_a_notification_failing_in_plyers_thread_is_said_and_the_tray_stays_due(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Plyer's balloon raises in its own thread: ERROR once, status says so, no "notified"."""
    import sys

    from plyer.facades import Notification
    from plyer.utils import Proxy
    from support import plyer_balloon

    from backcare_tray.adapters.notifications.plyer_notifier import PlyerNotifier

    monkeypatch.setitem(sys.modules, plyer_balloon.NAME, plyer_balloon.install())
    facade = Proxy("notification", Notification)  # plyer's own, on the stand-in backend
    notifiers: list[PlyerNotifier] = []

    def make_notifier(on_action: Callable[[str], None]) -> PlyerNotifier:
        notifiers.append(PlyerNotifier(lambda: "/icons/backcare.png", facade))
        return notifiers[-1]

    trays: list[RecordingTray] = []

    def make_tray(on_command: Callable[[Command], None]) -> RecordingTray:
        trays.append(RecordingTray())
        return trays[-1]

    settings = Settings(sitting_interval=45 * 60, remind_every=300, idle_probe="none")
    with caplog.at_level(logging.INFO):
        running = InProcess(tmp_path, settings, make_notifier=make_notifier, make_tray=make_tray)
        try:
            assert running.wait(45 * 60)["state"] == "due"
            status = running.wait(5 * 60)  # a reminder, failing the same way
            assert status["state"] == "due"
            assert trays[0].views[-1].look.kind == "due"  # the tray still shows it due
            assert running.wait(60)["state"] == "due"  # and after a redraw too
            assert trays[0].views[-1].look.kind == "due"
        finally:
            running.daemon.request(Command("quit"))
            running.thread.join(10)
    facts = status["notifications"]
    assert facts["via"] == "plyer" and facts["failing"] is True
    assert facts["problem"] == "Exception: Could not load icon /icons/backcare.png"
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [
        "Notifications are not working (Exception: Could not load icon /icons/backcare.png); "
        "the tray icon still shows when a stretch is due."
    ]
    said = [r.getMessage() for r in caplog.records]
    assert not [line for line in said if line.startswith("notified")], said
    not_shown = "due, not shown (notifications are failing): hamstring-stretch"
    assert said.count(not_shown) == 2, said
    # The history keeps what the engine decided: the stretch fell due, then was reminded of.
    from backcare_tray.adapters.history import read_events

    kinds = [(e.kind, e.how) for e in read_events(running.paths.history) if e.kind == "notified"]
    assert kinds == [("notified", "due"), ("notified", "reminder")]


def quit_and_join(running: InProcess) -> None:
    """Stop the daemon with quit and wait for its thread."""
    if running.thread.is_alive():
        assert running.daemon.request(Command("quit"))["ok"]
    running.thread.join(10)
    assert not running.thread.is_alive()


@contextmanager
def in_process(tmp: Path, settings: Settings, with_tray: bool = False) -> Iterator[InProcess]:
    """Run a daemon in this process and quit it however the block ends."""
    running = InProcess(tmp, settings, with_tray=with_tray)
    try:
        yield running
    finally:
        quit_and_join(running)


QUICK = Settings(sitting_interval=45 * 60, snooze=600, remind_every=0, idle_probe="none")


def skip_when_due(running: InProcess) -> None:
    """Sit until the stretch is due (a "notified" event), then skip it (a "skipped" one)."""
    assert running.wait(QUICK.sitting_interval)["state"] == "due"
    assert running.daemon.request(Command("skip"))["ok"]


def answered(kinds: list[str]) -> list[str]:
    """Return the event kinds without the stretches falling due."""
    return [kind for kind in kinds if kind != "notified"]


def test_an_unopenable_history_starts_the_daemon_and_its_events_are_saved_later(
    tmp_path: Path,
) -> None:
    """No history at start: commands are answered and counted; it is written once it opens."""
    blocker = tmp_path / "data" / "history.sqlite3"
    blocker.mkdir(parents=True)  # a folder where the file goes: SQLite cannot open it
    with in_process(tmp_path, QUICK) as running:
        spool = str(running.paths.state.with_name(WAITING_FILE))
        history = running.status()["history"]
        assert (history["saving"], history["waiting"], history["waiting_in"]) == (False, 1, spool)
        assert "history is not being saved: unable to open database file" in history["note"]
        assert "1 event waiting to be saved" in history["note"]
        for _ in range(3):
            skip_when_due(running)
        status = running.status()
        assert status["today"]["skipped"] == 3 and status["history"]["waiting"] == 7
        assert not list(blocker.parent.glob("*.corrupt-*"))
        blocker.rmdir()  # it can be written now: the planned try writes everything, no restart
        history = running.wait(running.scheduler.jobs["history"][0] - running.clock.mono)["history"]
        assert history == {"saving": True, "note": None, "waiting": 0, "waiting_in": None}
        assert "history" not in running.scheduler.jobs  # nothing more to try
        written = [e.kind for e in read_events(blocker)]
        assert written == ["daemon_started"] + ["notified", "skipped"] * 3
        assert running.wait(QUICK.sitting_interval)["state"] == "due"
        assert running.daemon.request(Command("done"))["ok"]
    kinds = answered([e.kind for e in read_events(blocker)])
    assert kinds == ["daemon_started", "skipped", "skipped", "skipped", "done", "daemon_stopped"]


def test_the_history_is_tried_again_later_and_later_while_it_fails(tmp_path: Path) -> None:
    """10 s, 20 s, 40 s... up to 5 min between planned tries; an event tries at once too."""
    blocker = tmp_path / "data" / "history.sqlite3"
    blocker.mkdir(parents=True)
    with in_process(tmp_path, QUICK) as running:
        running.status()
        gaps = []
        for _ in range(8):
            at = running.scheduler.jobs["history"][0]
            gaps.append(round(at - running.clock.mono))
            running.wait(at - running.clock.mono)
        assert gaps == [10, 20, 40, 80, 160, 300, 300, 300]
        planned = running.scheduler.jobs["history"][0]
        blocker.rmdir()
        assert running.daemon.request(Command("pause"))["ok"]  # written with it, before the try
        assert running.status()["history"]["waiting"] == 0
        assert "history" not in running.scheduler.jobs and planned > running.clock.mono
    assert [e.kind for e in read_events(blocker)] == ["daemon_started", "paused", "daemon_stopped"]


def test_waiting_events_outlive_a_restart_and_count_today(tmp_path: Path) -> None:
    """Stopped while events wait: the next start counts them today and saves them once."""
    blocker = tmp_path / "data" / "history.sqlite3"
    blocker.mkdir(parents=True)
    with in_process(tmp_path, QUICK) as first:
        for _ in range(2):
            skip_when_due(first)
    with in_process(tmp_path, QUICK) as second:  # still no history
        status = second.status()
        assert status["today"]["skipped"] == 2
        assert status["history"]["waiting"] == 7  # started, 2 due and skipped, stopped, started
    blocker.rmdir()
    with in_process(tmp_path, QUICK) as third:
        status = third.status()
        assert status["today"]["skipped"] == 2 and status["history"]["waiting"] == 0
    kinds = answered([e.kind for e in read_events(blocker)])
    restarts = ["daemon_stopped", "daemon_started"] * 2
    assert kinds == ["daemon_started", "skipped", "skipped", *restarts, "daemon_stopped"]


def test_the_tooltip_counts_the_events_waiting_for_the_history(tmp_path: Path) -> None:
    """The tray says how many events wait, after each one and after the try that saves them."""
    blocker = tmp_path / "data" / "history.sqlite3"
    blocker.mkdir(parents=True)
    with in_process(tmp_path, QUICK, with_tray=True) as running:
        running.status()
        assert running.tray.views[-1].tooltip.endswith(" (1 event waiting to be saved)")
        assert running.daemon.request(Command("pause"))["ok"]
        assert running.tray.views[-1].tooltip.endswith(" (2 events waiting to be saved)")
        blocker.rmdir()
        running.wait(10)
        assert "waiting" not in running.tray.views[-1].tooltip
