"""Read the engine state's per-mode fields in tests without matching on the mode each time."""

from backcare_tray.engine import (
    Due,
    EngineState,
    Off,
    Paused,
    Snoozed,
    Stretching,
    Working,
    sitting_since,
)


def deadline(state: EngineState) -> float | None:
    """Return when the mode ends by itself: due, back from snooze, pause or off hours."""
    mode = state.mode
    if isinstance(mode, Working):
        return mode.deadline
    if isinstance(mode, Snoozed | Paused | Off):
        return mode.until
    return None


def remind_at(state: EngineState) -> float | None:
    """Return the next reminder of a due stretch."""
    return state.mode.remind_at if isinstance(state.mode, Due) else None


def held_until(state: EngineState) -> float | None:
    """Return how long a due stretch is held back for do-not-disturb."""
    return state.mode.held_until if isinstance(state.mode, Due) else None


def routine(state: EngineState) -> Stretching:
    """Return the guided routine under way (the state must be stretching)."""
    assert isinstance(state.mode, Stretching), state.mode
    return state.mode


def since(state: EngineState) -> float | None:
    """Return when the sitting interval started."""
    return sitting_since(state.mode)
