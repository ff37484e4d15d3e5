"""Saving and loading the engine state: a property test over every mode and every saved field."""

import math
from dataclasses import fields
from pathlib import Path
from tempfile import TemporaryDirectory

from hypothesis import given, settings
from hypothesis import strategies as st

from backcare_tray.adapters.state_file import load_state, save_state
from backcare_tray.engine import (
    Cancel,
    EngineState,
    Event,
    MarkDone,
    Pause,
    PresenceWatch,
    Resume,
    Skip,
    Snooze,
    StartStretch,
    Tick,
    for_saving,
    initial_state,
    step,
)
from backcare_tray.moment import Moment
from backcare_tray.report import DayCounts
from backcare_tray.settings import Settings

SETTINGS = Settings(sitting_interval=600, snooze=120, remind_every=60, idle_check_every=30)


def event_at(kind: str, now: float, number: int) -> Event:
    """Return one event of a kind at now; number varies its details."""
    match kind:
        case "tick":
            return Tick(
                now,
                idle_seconds=float(number % 700),
                dnd=number % 3 == 0,
                active=number % 5 != 0,
                active_change_at=now + 3600,
            )
        case "start":
            return StartStretch(now)
        case "snooze":
            return Snooze(now, number % 600 + 1 if number % 2 else None)
        case "done":
            return MarkDone(now)
        case "skip":
            return Skip(now)
        case "pause":
            return Pause(now, number % 7200 + 1 if number % 2 else None)
        case "resume":
            return Resume(now)
    return Cancel(now)


KINDS = ["tick", "tick", "tick", "start", "snooze", "done", "skip", "pause", "resume", "cancel"]
STEPS = st.lists(
    st.tuples(st.sampled_from(KINDS), st.integers(1, 900), st.integers(0, 10_000)), max_size=25
)


def reached(steps: list[tuple[str, int, int]], seed: int) -> tuple[EngineState, float]:
    """Return the state a run of events reaches, and the engine time it ends at."""
    now = 1000.0
    state = initial_state(now, SETTINGS, seed)
    for kind, gap, number in steps:
        now += gap
        state, _ = step(state, event_at(kind, now, number), SETTINGS)
    return state, now


@settings(max_examples=300, deadline=None)
@given(
    steps=STEPS,
    seed=st.integers(0, 2**31 - 1),
    wall=st.floats(1.6e9, 2.2e9),
    restart_mono=st.floats(0.0, 1e7),
    counts=st.tuples(st.integers(0, 50), st.integers(0, 50), st.integers(0, 50)),
)
def test_every_reachable_state_survives_a_restart(
    steps: list[tuple[str, int, int]],
    seed: int,
    wall: float,
    restart_mono: float,
    counts: tuple[int, int, int],
) -> None:
    """What is saved comes back field for field, its times moved onto the new process's clock."""
    state, now = reached(steps, seed)
    today = DayCounts("2026-11-29", *counts)
    with TemporaryDirectory() as folder:
        path = Path(folder) / "state.json"
        save_state(path, state, today, Moment(now, wall))
        loaded = load_state(path, Moment(restart_mono, wall))  # a restart at the same instant
    assert loaded is not None
    restored, restored_today = loaded
    assert restored_today == today
    expected = for_saving(state)  # a routine comes back due (or paused, or off)
    assert type(restored.mode) is type(expected.mode)
    assert restored.rotation == expected.rotation
    assert restored.presence == PresenceWatch()  # presence is sensed anew after a restart
    for field in fields(expected.mode):  # every field of every saved mode is a time
        before, after = getattr(expected.mode, field.name), getattr(restored.mode, field.name)
        if before is None:
            assert after is None, field.name
        else:
            moved = before - now + restart_mono
            assert after is not None and math.isclose(after, moved, abs_tol=1e-3), field.name


def test_the_property_reaches_every_mode() -> None:
    """The runs the property draws from can reach each mode (so it covers them all)."""
    seen = set()
    for steps in (
        [],
        [("tick", 600, 1)],
        [("tick", 600, 1), ("snooze", 1, 1)],
        [("start", 1, 1)],
        [("pause", 1, 1)],
        [("tick", 1, 5)],
        [("tick", 600, 3)],
    ):
        state, _ = reached(steps, 0)
        seen.add(state.mode.name)
    assert seen == {"working", "due", "snoozed", "stretching", "paused", "off"}
