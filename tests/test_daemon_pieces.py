"""The daemon's pieces alone, on recording fakes: the inbox, the presenter, the state store."""

import logging
import threading
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from support.recording import RecordingNotifier, RecordingScheduler, RecordingTray

from backcare_tray import engine
from backcare_tray.adapters.history import History
from backcare_tray.adapters.kit import Adapters
from backcare_tray.commands import Command
from backcare_tray.daemon.inbox import Inbox, Request, Signal, busy
from backcare_tray.daemon.presenter import Presenter, Scene
from backcare_tray.daemon.sensing import Senses
from backcare_tray.daemon.store import StateStore
from backcare_tray.moment import Moment
from backcare_tray.report import DayCounts
from backcare_tray.settings import Settings

SETTINGS = Settings()
WALL = 1_795_000_000.0


def at(mono: float) -> Moment:
    """Return the moment mono seconds into the test."""
    return Moment(mono, WALL + mono)


def test_a_request_is_answered_once_the_loop_takes_it() -> None:
    """The asker waits; the loop takes the request, answers, and the asker has the reply."""
    inbox = Inbox(reply_timeout=5.0)
    replies: list[dict[str, Any]] = []
    asker = threading.Thread(target=lambda: replies.append(inbox.ask(Command("skip"))))
    asker.start()
    taken = inbox.take()
    assert isinstance(taken, Request) and taken.command == Command("skip")
    assert taken.source == "cli"
    taken.answer({"ok": True})
    asker.join(5)
    assert replies == [{"ok": True}]


def test_a_request_given_up_on_is_never_taken() -> None:
    """Past reply_timeout the asker hears busy, and the loop skips the withdrawn request."""
    inbox = Inbox(reply_timeout=0.01)
    assert inbox.ask(Command("done")) == busy()
    inbox.signal(Signal.TICK)
    assert inbox.take() is Signal.TICK  # the withdrawn "done" was passed over


def test_commands_sent_without_waiting_keep_their_order_and_source() -> None:
    """Menu clicks and buttons are queued in order behind signals."""
    inbox = Inbox(reply_timeout=1.0)
    inbox.send(Command("snooze", 300), "menu")
    inbox.signal(Signal.RELOAD)
    inbox.send(Command("done"), "notification")
    first, second, third = inbox.take(), inbox.take(), inbox.take()
    assert isinstance(first, Request) and (first.command.seconds, first.source) == (300, "menu")
    assert second is Signal.RELOAD
    assert isinstance(third, Request) and third.source == "notification"


def presenter_on(
    state_box: list[engine.EngineState], with_tray: bool = True
) -> tuple[Presenter, RecordingTray, RecordingNotifier, RecordingScheduler]:
    """Return a presenter drawing the state in state_box, with its recording fakes."""
    tray, notifier, scheduler = RecordingTray(), RecordingNotifier(), RecordingScheduler()

    def compose(moment: Moment) -> Scene:
        return Scene(state_box[0], SETTINGS, DayCounts("2026-11-30"), 0, False)

    presenter = Presenter(tray if with_tray else None, notifier, scheduler, lambda: at(0), compose)
    return presenter, tray, notifier, scheduler


def test_the_presenter_shows_closes_and_updates_a_routine_in_place() -> None:
    """Due shows a notification; a routine's next step refreshes it; close closes it."""
    working = engine.initial_state(0.0, SETTINGS, 0)
    due, _ = engine.step(working, engine.Tick(SETTINGS.sitting_interval), SETTINGS)
    box = [due]
    presenter, tray, notifier, _ = presenter_on(box)
    presenter.show(at(SETTINGS.sitting_interval), "due")
    box[0], _ = engine.step(due, engine.StartStretch(SETTINGS.sitting_interval), SETTINGS)
    presenter.show(at(SETTINGS.sitting_interval), "stretching")
    presenter.show(at(SETTINGS.sitting_interval + 1), "stretching")
    presenter.show(at(SETTINGS.sitting_interval + 2), "close")
    kinds = [kind for kind, _ in notifier.calls]
    assert kinds == ["show", "show", "refresh", "close"]
    assert notifier.calls[0][1] == "Time to stretch: Hamstring stretch"
    assert len(tray.views) == 4 and tray.views[0].look.kind == "due"


def test_the_redraw_job_is_planned_only_when_its_cadence_changes() -> None:
    """A routine's countdown redraws every second; without an icon nothing else is redrawn."""
    working = engine.initial_state(0.0, SETTINGS, 0)
    stretching, _ = engine.step(working, engine.StartStretch(0.0), SETTINGS)
    presenter, _, _, scheduler = presenter_on([stretching], with_tray=False)
    presenter.show(at(0), None)
    delay, period, _ = scheduler.jobs["redraw"]
    assert period == 1.0 and delay is not None and delay <= 1.0
    del scheduler.jobs["redraw"]
    presenter.show(at(0.5), None)
    assert "redraw" not in scheduler.jobs  # the same cadence: not planned again
    quiet, _, _, quiet_jobs = presenter_on([working], with_tray=False)
    quiet.show(at(0), None)
    assert "redraw" not in quiet_jobs.jobs  # nothing changes by itself without an icon


class FlakyStateFile:
    """A state file that fails while full is set (a full disk)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.full = False
        self.saved: list[engine.EngineState] = []

    def load(self, moment: Moment) -> None:
        """Have nothing saved."""

    def save(self, state: engine.EngineState, today: DayCounts, moment: Moment) -> None:
        """Save, or fail as a full disk does."""
        if self.full:
            raise OSError(28, "No space left on device")
        self.saved.append(state)


def test_a_failing_save_is_logged_once_per_outage_and_its_end_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Three failed saves give one error line; the first good save after them one line."""
    save = FlakyStateFile(tmp_path / "state.json")
    store = StateStore(History(tmp_path / "history.sqlite3"), save)
    state = store.restore(at(0), SETTINGS)
    caplog.set_level(logging.INFO)
    save.full = True
    for second in range(3):
        store.save(state, at(second))
    save.full = False
    store.save(state, at(4))
    store.save(state, at(5))
    messages = [record.getMessage() for record in caplog.records]
    assert sum(f"Could not save state to {save.path}" in m for m in messages) == 1
    assert sum(f"State is saved again to {save.path}" in m for m in messages) == 1
    assert save.saved == [state, state]
    store.close()


def test_today_counts_come_from_the_history_and_start_afresh_at_midnight(tmp_path: Path) -> None:
    """Records count into today; the next local date starts at zero; restarts read the history."""
    path = tmp_path / "history.sqlite3"
    store = StateStore(History(path), FlakyStateFile(tmp_path / "state.json"))
    state = store.restore(at(0), SETTINGS)
    store.record(engine.Record("done", state.rotation.current), at(10))
    store.record(engine.Record("skipped", state.rotation.current), at(20))
    assert (store.today(at(30)).done, store.today(at(30)).skipped) == (1, 1)
    tomorrow = at(30 + 24 * 3600)
    assert store.today(tomorrow).done == 0
    store.close()
    again = StateStore(History(path), FlakyStateFile(tmp_path / "state.json"))
    again.restore(at(40), SETTINGS)
    assert again.today(at(40)).done == 1
    assert again.today(at(40)).date == date.fromtimestamp(WALL + 40).isoformat()
    again.close()


def test_a_button_press_queues_its_command_and_a_stranger_key_nothing(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A click on the body starts; a key that is not ours is logged and queues nothing."""
    inbox = Inbox(reply_timeout=1.0)
    with caplog.at_level(logging.WARNING):
        inbox.press("no-such-button")
    inbox.press("default")
    inbox.signal(Signal.STOP)
    pressed = inbox.take()
    assert isinstance(pressed, Request)
    assert (pressed.command, pressed.source) == (Command("start"), "notification")
    assert inbox.take() is Signal.STOP
    assert "Unknown notification action 'no-such-button' ignored." in caplog.text


class SetProbe:
    """An idle probe reading what the test sets."""

    name = "set"

    def __init__(self, idle: float) -> None:
        self.idle = idle

    def idle_seconds(self) -> float:
        """Return the idle time set."""
        return self.idle

    def locked(self) -> bool:
        """Return False."""
        return False


class Asked:
    """A sensor answering a fixed value and counting the questions."""

    def __init__(self, answer: bool) -> None:
        self.answer = answer
        self.times = 0

    def __call__(self) -> bool:
        """Answer, and count."""
        self.times += 1
        return self.answer


def senses_on(
    tmp_path: Path, probe: SetProbe | None, dnd: Asked, in_call: Asked, mono: float
) -> Senses:
    """Return Senses over adapters whose clock says mono and whose sensors are given."""
    adapters = Adapters(
        clock=lambda: at(mono),
        local_clock=lambda: datetime.fromtimestamp(WALL + mono).astimezone(),
        scheduler=RecordingScheduler(),
        make_notifier=lambda on_action: RecordingNotifier(),
        make_tray=None,
        make_control=lambda handler, on_lost: RecordingTray(),
        choose_probe=lambda setting: probe,
        slept=lambda: 0.0,
        dnd_active=dnd,
        make_sleep_signal=lambda on_resume: RecordingTray(),
        make_clock_change=lambda on_change: RecordingTray(),
        history=History(tmp_path / "history.sqlite3"),
        state_file=FlakyStateFile(tmp_path / "state.json"),
        in_call=in_call,
    )
    senses = Senses(adapters, "auto")
    senses.start()
    return senses


def test_no_idle_probe_is_said_in_the_tick_not_by_rewriting_settings(tmp_path: Path) -> None:
    """Without a probe the Tick says so; while nothing could be shown, no sensor is asked."""
    dnd, call = Asked(True), Asked(True)
    senses = senses_on(tmp_path, None, dnd, call, mono=10.0)
    tick = senses.tick(engine.initial_state(0.0, SETTINGS, 0), SETTINGS)
    assert (tick.idle_seconds, tick.no_idle_probe, tick.dnd, tick.in_call) == (
        None,
        True,
        False,
        False,
    )
    assert (dnd.times, call.times, senses.readings.probe) == (0, 0, None)


def test_a_call_at_a_due_moment_is_asked_and_counts_as_sitting(tmp_path: Path) -> None:
    """Due now: do-not-disturb and calls are asked; the call makes the idle hour count as 0."""
    dnd, call = Asked(False), Asked(True)
    due_at = SETTINGS.sitting_interval
    senses = senses_on(tmp_path, SetProbe(3600.0), dnd, call, mono=due_at)
    tick = senses.tick(engine.initial_state(0.0, SETTINGS, 0), SETTINGS)
    assert (tick.idle_seconds, tick.no_idle_probe, tick.in_call) == (3600.0, False, True)
    assert (dnd.times, call.times) == (1, 1)
    assert (senses.readings.idle_seconds, senses.readings.in_call) == (0.0, True)
    assert senses.readings.probe == "set"
