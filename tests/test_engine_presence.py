"""Sitting time that matches real life: idle, suspend and clock changes, with a fake clock."""

from collections.abc import Sequence

import pytest
from support.engine_views import deadline, since

from backcare_tray.engine import (
    Effect,
    EngineState,
    MarkDone,
    Notify,
    Pause,
    Record,
    Snooze,
    Tick,
    initial_state,
    step,
    wake_time,
)
from backcare_tray.settings import Settings

SETTINGS = Settings(
    sitting_interval=45 * 60, remind_every=300, natural_break=300, idle_check_every=30
)
T0 = 10_000.0


def notes(effects: Sequence[object]) -> list[str]:
    """Return the kinds of the notifications among effects."""
    return [e.kind for e in effects if isinstance(e, Notify)]


def breaks(effects: Sequence[object]) -> list[Record]:
    """Return the natural-break records among effects."""
    return [e for e in effects if isinstance(e, Record) and e.kind == "natural_break"]


def start() -> EngineState:
    """A working state with a first idle reading taken at T0."""
    state, _ = step(initial_state(T0, SETTINGS, 0), Tick(T0, idle_seconds=0.0), SETTINGS)
    return state


def test_probe_is_read_only_when_idle_could_have_reached_natural_break() -> None:
    """Active, the next look is natural_break minus the idle seen; no fixed polling."""
    state = start()
    assert state.presence.probe_at == T0 + 300
    state, _ = step(state, Tick(T0 + 300, idle_seconds=20.0), SETTINGS)
    assert state.presence.probe_at == T0 + 300 + 280
    assert state.presence.away_since is None


def test_short_idle_keeps_counting_as_sitting() -> None:
    """Reading or thinking for four minutes is still sitting: the deadline stays."""
    state = start()
    state, effects = step(state, Tick(T0 + 1000, idle_seconds=240.0), SETTINGS)
    assert state.presence.away_since is None
    assert deadline(state) == T0 + 2700
    assert breaks(effects) == []


def test_long_idle_is_a_natural_break_taken_on_return() -> None:
    """Away ten minutes: the timer restarts from the return, nothing moves in the rotation."""
    state = start()
    state, _ = step(state, Tick(T0 + 1000, idle_seconds=310.0), SETTINGS)
    assert state.presence.away_since == T0 + 690
    assert state.presence.probe_at == T0 + 1030  # while away, look every check_every
    back_at = T0 + 1290
    state, effects = step(state, Tick(T0 + 1300, idle_seconds=10.0), SETTINGS)
    assert state.presence.away_since is None
    assert since(state) == back_at
    assert deadline(state) == back_at + 2700
    assert state.rotation.current == "hamstring-stretch"
    assert breaks(effects) == [
        Record("natural_break", "hamstring-stretch", cause="idle", away_seconds=600)
    ]


def test_nothing_is_notified_into_an_empty_room() -> None:
    """A deadline passing while away notifies nothing; the return starts a fresh interval."""
    state = start()
    state, _ = step(state, Tick(T0 + 2500, idle_seconds=400.0), SETTINGS)
    assert state.presence.away_since is not None
    effects: list[Effect] = []
    now = T0 + 2500
    while now < T0 + 4000:  # wake-ups while away are only idle looks
        now = wake_time(state) or now + 30
        state, produced = step(state, Tick(now, idle_seconds=400.0 + now - (T0 + 2500)), SETTINGS)
        effects += produced
    assert notes(effects) == []
    state, effects = step(state, Tick(T0 + 4000, idle_seconds=1.0), SETTINGS)
    assert state.mode.name == "working" and notes(effects) == []
    assert deadline(state) == T0 + 3999 + 2700


def test_a_due_stretch_is_cleared_by_a_natural_break() -> None:
    """Due, then away: reminders stop, and coming back clears the due stretch."""
    state = start()
    state, effects = step(state, Tick(T0 + 2700, idle_seconds=5.0), SETTINGS)
    assert notes(effects) == ["due"]
    state, _ = step(state, Tick(T0 + 3100, idle_seconds=350.0), SETTINGS)
    assert state.mode.name == "due" and state.presence.away_since is not None
    assert wake_time(state) == T0 + 3130  # the next idle look, not a reminder
    state, effects = step(state, Tick(T0 + 3700, idle_seconds=2.0), SETTINGS)
    assert state.mode.name == "working"
    assert notes(effects) == []
    assert len(breaks(effects)) == 1


def test_snoozed_stretch_is_cleared_by_a_natural_break() -> None:
    """A snoozed stretch is cleared by a natural break too."""
    state = start()
    state, _ = step(state, Tick(T0 + 2700, idle_seconds=5.0), SETTINGS)
    state, _ = step(state, Snooze(T0 + 2710, 600), SETTINGS)
    state, _ = step(state, Tick(T0 + 3100, idle_seconds=390.0), SETTINGS)
    state, _ = step(state, Tick(T0 + 3400, idle_seconds=3.0), SETTINGS)
    assert state.mode.name == "working"


@pytest.mark.parametrize(
    ("slept", "is_break"), [(60.0, False), (299.0, False), (300.0, True), (3 * 3600.0, True)]
)
def test_suspend_of_various_lengths(slept: float, is_break: bool) -> None:
    """Sleeping at least natural_break is a natural break; shorter sleep changes nothing."""
    state = start()
    after, effects = step(state, Tick(T0 + 1000, idle_seconds=0.0, slept_seconds=slept), SETTINGS)
    assert bool(breaks(effects)) is is_break
    assert deadline(after) == (T0 + 1000 + 2700 if is_break else deadline(state))


def test_suspend_right_before_the_deadline_never_fires_on_return() -> None:
    """Lunch with the lid closed at 44 minutes: on return the break is not due a minute later."""
    state = start()
    # The engine clock is monotonic and stops while suspended: the first event after resume
    # is the deadline wake-up, carrying the sleep.
    state, effects = step(state, Tick(T0 + 2700, idle_seconds=0.0, slept_seconds=3600.0), SETTINGS)
    assert notes(effects) == []
    assert state.mode.name == "working" and deadline(state) == T0 + 2700 + 2700


def test_no_probe_counts_wall_time_and_never_plans_looks() -> None:
    """Without an idle probe every minute counts as sitting."""
    state, _ = step(initial_state(T0, SETTINGS, 0), Tick(T0, no_idle_probe=True), SETTINGS)
    assert state.presence.probe_at is None
    state, effects = step(state, Tick(T0 + 2700, no_idle_probe=True), SETTINGS)
    assert notes(effects) == ["due"]


def test_a_failed_reading_looks_again_after_check_every() -> None:
    """A probe that fails once is tried again; it never leaves a look in the past."""
    state = start()
    state, _ = step(state, Tick(T0 + 300, idle_seconds=None), SETTINGS)
    assert state.presence.probe_at == T0 + 330


def test_no_looks_while_paused_or_stretching() -> None:
    """Presence does not matter while paused."""
    state, _ = step(start(), Pause(T0 + 5), SETTINGS)
    assert state.presence.probe_at is None
    state, _ = step(state, MarkDone(T0 + 6), SETTINGS)
    assert state.presence.probe_at is None


def test_simulated_week_in_under_a_second() -> None:
    """A week of workdays with lunches away, meetings and short pauses runs in milliseconds."""
    import time

    started = time.perf_counter()
    state = start()
    now = T0
    last_input = T0
    done = natural = 0
    for day in range(7):
        day_start = T0 + day * 86400
        away = [(day_start + 4 * 3600, day_start + 5 * 3600)]  # lunch
        if day < 5:
            away.append((day_start + 2 * 3600, day_start + 2 * 3600 + 200))  # short chat
        end = day_start + 9 * 3600
        while now < end:
            now = max(now + 1, wake_time(state) or now + 60)
            if any(a <= now < b for a, b in away):
                idle = now - max(a for a, b in away if a <= now < b)
            else:
                last_input = now
                idle = 0.0
            state, effects = step(state, Tick(now, idle_seconds=idle), SETTINGS)
            natural += len(breaks(effects))
            if state.mode.name == "due" and idle == 0.0:
                state, _ = step(state, MarkDone(now + 1, "menu"), SETTINGS)
                done += 1
        now = day_start + 86400 - 1
        state, _ = step(state, Tick(now, idle_seconds=now - last_input), SETTINGS)
    assert time.perf_counter() - started < 1.0
    assert natural >= 7  # every lunch (and the night) is a natural break
    assert 40 <= done <= 90


def test_a_locked_screen_counts_as_away_at_once() -> None:
    """Locked: nothing is notified even before natural_break; a long lock is a natural break."""
    state = start()
    state, _ = step(state, Tick(T0 + 2600, idle_seconds=20.0, locked=True), SETTINGS)
    assert state.presence.away_since == T0 + 2580
    state, effects = step(state, Tick(T0 + 2700, idle_seconds=120.0, locked=True), SETTINGS)
    assert notes(effects) == []
    state, effects = step(state, Tick(T0 + 3300, idle_seconds=2.0), SETTINGS)
    assert state.mode.name == "working" and deadline(state) == T0 + 3298 + 2700
    assert len(breaks(effects)) == 1


def test_a_short_lock_is_not_a_break() -> None:
    """Locked for a minute: away meanwhile, but the sitting timer keeps its deadline."""
    state = start()
    kept = deadline(state)
    state, _ = step(state, Tick(T0 + 1000, idle_seconds=5.0, locked=True), SETTINGS)
    assert state.presence.away_since is not None
    state, effects = step(state, Tick(T0 + 1060, idle_seconds=1.0), SETTINGS)
    assert state.presence.away_since is None
    assert deadline(state) == kept
    assert breaks(effects) == []


@pytest.mark.parametrize("jump", [-3600.0, 3600.0, 86400.0])
def test_wall_clock_jumps_move_only_the_displayed_time(jump: float) -> None:
    """Setting the clock (or DST) shifts the shown time of the break, never its distance."""
    from backcare_tray.moment import Moment
    from backcare_tray.report import DayCounts, status_report

    state = start()
    before = status_report(state, Moment(T0 + 600, 1_795_000_000.0), SETTINGS, DayCounts("d"))
    after = status_report(state, Moment(T0 + 600, 1_795_000_000.0 + jump), SETTINGS, DayCounts("d"))
    assert after["seconds_until_break"] == before["seconds_until_break"] == 2100
    assert after["next_break_at"] != before["next_break_at"]
