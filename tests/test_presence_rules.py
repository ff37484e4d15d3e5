"""Presence rules of the pure core: which sensors to ask, a call as sitting, no idle probe."""

import pytest

from backcare_tray.engine import (
    Due,
    EngineState,
    MarkDone,
    Paused,
    PresenceWatch,
    SensorsWanted,
    Snooze,
    Tick,
    Working,
    counted_idle,
    initial_state,
    sensors_wanted,
    step,
)
from backcare_tray.rotation import Rotation
from backcare_tray.settings import Settings

ROTATION = Rotation(ids=("calf-stretch",), index=0, cycle=0, seed=0)
SETTINGS = Settings(natural_break=300, idle_check_every=30, sitting_interval=2700)
WORKING = EngineState(Working(0.0, 100.0), ROTATION)  # due at 100
HELD = EngineState(Due(0.0, None, 500.0), ROTATION)  # held back for do-not-disturb
AWAY = EngineState(Working(0.0, 100.0), ROTATION, PresenceWatch(away_since=10.0))
PAUSED = EngineState(Paused(200.0), ROTATION)

EVERYTHING = SETTINGS
NO_DND = Settings(natural_break=300, respect_dnd=False)
NO_CALLS = Settings(natural_break=300, hold_during_calls=False)


@pytest.mark.parametrize(
    ("state", "now", "idle", "settings", "wanted"),
    [
        # Nothing could be shown and the idle time makes no break: ask nothing.
        (WORKING, 50.0, 0.0, EVERYTHING, SensorsWanted(dnd=False, calls=False)),
        (WORKING, 50.0, None, EVERYTHING, SensorsWanted(dnd=False, calls=False)),
        (WORKING, 50.0, 299.0, EVERYTHING, SensorsWanted(dnd=False, calls=False)),
        # Idle long enough for a natural break: a call would make it sitting after all.
        (WORKING, 50.0, 300.0, EVERYTHING, SensorsWanted(dnd=False, calls=True)),
        (WORKING, 50.0, 400.0, NO_CALLS, SensorsWanted(dnd=False, calls=False)),
        # A notification could be shown now: both, each behind its switch.
        (WORKING, 100.0, 0.0, EVERYTHING, SensorsWanted(dnd=True, calls=True)),
        (WORKING, 100.0, 0.0, NO_DND, SensorsWanted(dnd=False, calls=True)),
        (WORKING, 100.0, 0.0, NO_CALLS, SensorsWanted(dnd=True, calls=False)),
        (HELD, 50.0, None, EVERYTHING, SensorsWanted(dnd=True, calls=True)),
        # Away: nothing to decide at every look for the person's return.
        (AWAY, 100.0, 400.0, EVERYTHING, SensorsWanted(dnd=False, calls=False)),
        # Paused: nothing is shown, but a long idle time still asks about calls.
        (PAUSED, 300.0, 0.0, EVERYTHING, SensorsWanted(dnd=False, calls=False)),
        (PAUSED, 300.0, 400.0, EVERYTHING, SensorsWanted(dnd=False, calls=True)),
    ],
)
def test_sensors_wanted(
    state: EngineState, now: float, idle: float | None, settings: Settings, wanted: SensorsWanted
) -> None:
    """Do-not-disturb when a notification could show; calls then or when idle makes a break."""
    assert sensors_wanted(state, now, idle, settings) == wanted


@pytest.mark.parametrize(
    ("tick", "settings", "counted"),
    [
        (Tick(1.0, idle_seconds=400.0, locked=True), EVERYTHING, (400.0, True)),
        (Tick(1.0, idle_seconds=400.0, locked=True, in_call=True), EVERYTHING, (0.0, False)),
        (Tick(1.0, idle_seconds=None, in_call=True), EVERYTHING, (0.0, False)),
        (Tick(1.0, idle_seconds=400.0, locked=True, in_call=True), NO_CALLS, (400.0, True)),
        (Tick(1.0, idle_seconds=None), EVERYTHING, (None, False)),
    ],
)
def test_a_call_counts_as_sitting(
    tick: Tick, settings: Settings, counted: tuple[float | None, bool]
) -> None:
    """In a call (with hold_during_calls) the engine counts idle 0 and not locked."""
    assert counted_idle(tick, settings) == counted


def test_a_long_idle_in_a_call_is_no_natural_break() -> None:
    """The Tick carries the raw readings; the call keeps the person at the desk."""
    state, _ = step(initial_state(0.0, SETTINGS, 0), Tick(0.0, idle_seconds=0.0), SETTINGS)
    call = Tick(1000.0, idle_seconds=900.0, locked=True, in_call=True)
    in_call, _ = step(state, call, SETTINGS)
    assert in_call.presence.away_since is None
    assert in_call.presence.probe_at == 1000.0 + 300  # idle 0: a full natural_break to go
    no_calls = Settings(natural_break=300, sitting_interval=2700, hold_during_calls=False)
    away, _ = step(state, call, no_calls)
    assert away.presence.away_since == 100.0


def test_no_idle_probe_is_remembered_between_ticks() -> None:
    """A Tick saying no probe plans no look, nor do the commands after it; a probe again does."""
    start = initial_state(0.0, SETTINGS, 0)
    state, _ = step(start, Tick(0.0, no_idle_probe=True), SETTINGS)
    assert state.presence == PresenceWatch(no_idle_probe=True)
    due, _ = step(state, Tick(2700.0, no_idle_probe=True), SETTINGS)
    snoozed, _ = step(due, Snooze(2710.0), SETTINGS)
    assert snoozed.presence.probe_at is None
    done, _ = step(snoozed, MarkDone(2720.0, "cli"), SETTINGS)
    assert done.presence == PresenceWatch(no_idle_probe=True)
    found, _ = step(done, Tick(2730.0, idle_seconds=0.0), SETTINGS)
    assert found.presence == PresenceWatch(probe_at=2730.0 + 300)
    done_again, _ = step(found, MarkDone(2740.0, "menu"), SETTINGS)
    assert done_again.presence.probe_at == 2740.0 + 300  # a command is input: idle 0


def test_the_engine_does_not_read_the_idle_probe_setting() -> None:
    """idle_probe is the adapters' choice; only the Tick says whether a probe is there."""
    told_none = Settings(natural_break=300, idle_probe="none")
    state, _ = step(initial_state(0.0, told_none, 0), Tick(0.0, idle_seconds=0.0), told_none)
    assert state.presence.probe_at == 300.0
