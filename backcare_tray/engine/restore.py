"""A state across a restart or a new config: adapted on the way in, settled on the way out."""

from dataclasses import replace

from backcare_tray.engine.modes import (
    Due,
    EngineState,
    Off,
    Paused,
    Stretching,
    Working,
    sitting_since,
)
from backcare_tray.rotation import reconcile
from backcare_tray.settings import Settings

__all__ = ["adapt_to_settings", "for_saving", "restarted"]


def adapt_to_settings(
    state: EngineState, now: float, settings: Settings, *, reloaded: bool = False
) -> EngineState:
    """Return a restored or kept state made valid for settings: its rotation, its interval.

    A shorter interval always moves the deadline in. A longer one moves it out only when the
    config is read again while the daemon runs: a deadline restored at start that has passed
    (the daemon was off) stays passed, so the stretch is notified.
    """
    rotation = reconcile(state.rotation, settings.rotation, settings.rotation_order)
    state = replace(state, rotation=rotation)
    if isinstance(state.mode, Working):  # the interval counts from the sit's start
        deadline = min(state.mode.since, now) + settings.sitting_interval
        if deadline < state.mode.deadline or (reloaded and deadline != state.mode.deadline):
            state = replace(state, mode=replace(state.mode, deadline=deadline))
    return state


def for_saving(state: EngineState) -> EngineState:
    """Return the state to persist: a routine cut short comes back as due (or paused, or off)."""
    mode = state.mode
    if not isinstance(mode, Stretching):
        return state
    if isinstance(mode.returns_to, Paused | Off):
        return replace(state, mode=mode.returns_to)
    since = sitting_since(mode)
    due_at = mode.returns_to.due_at if isinstance(mode.returns_to, Due) else None
    start = mode.started_at
    return replace(state, mode=Due(start if since is None else since, start, None, due_at))


def restarted(state: EngineState, now: float) -> EngineState:
    """Return a state restored at start: a due stretch is brought up again at the first Tick.

    The notification went with the daemon that stopped, so a stretch due at a restart would
    otherwise wait unseen until its next reminder (remind_every later, or never without
    reminders). One held back for do-not-disturb keeps its hold: the Tick decides.
    """
    mode = state.mode
    if isinstance(mode, Due) and mode.held_until is None:
        remind_at = now if mode.remind_at is None else min(mode.remind_at, now)
        return replace(state, mode=replace(mode, remind_at=remind_at))
    return state
