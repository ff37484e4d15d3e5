"""Presence and working hours: who is at the desk, when to look, and which sensors to ask."""

from dataclasses import dataclass, replace

from backcare_tray.engine.events import Effect, Record, Tick
from backcare_tray.engine.modes import (
    SITTING,
    EngineState,
    Off,
    cycle_wake,
    fresh_interval,
    is_away,
    is_held_back,
)
from backcare_tray.settings import Settings

__all__ = [
    "SensorsWanted",
    "counted_idle",
    "plan_probe",
    "sense",
    "sensors_wanted",
    "wants_dnd",
]


@dataclass(frozen=True)
class SensorsWanted:
    """Which of the costlier sensors are worth asking before the next Tick."""

    dnd: bool
    calls: bool


def wants_dnd(state: EngineState, now: float) -> bool:
    """Return True when a Tick at now may show a due notification, so DND must be known."""
    if is_held_back(state.mode):
        return True
    wake = cycle_wake(state)
    return isinstance(state.mode, SITTING) and wake is not None and now >= wake


def sensors_wanted(
    state: EngineState, now: float, idle_seconds: float | None, settings: Settings
) -> SensorsWanted:
    """Return whether do-not-disturb and calls matter to a Tick at now with this idle time."""
    # Do-not-disturb matters only when a notification could be shown now; a call also when
    # the idle time would newly make a natural break (a call counts as sitting). Once the
    # person is away there is nothing to decide, so nothing is asked at every look for them.
    could_show = wants_dnd(state, now)
    long_idle = (
        idle_seconds is not None and idle_seconds >= settings.natural_break and not is_away(state)
    )
    return SensorsWanted(
        dnd=settings.respect_dnd and could_show,
        calls=settings.hold_during_calls and (could_show or long_idle),
    )


def counted_idle(tick: Tick, settings: Settings) -> tuple[float | None, bool]:
    """Return the idle time and lock as the engine counts them: a call counts as sitting."""
    if tick.in_call and settings.hold_during_calls:
        return 0.0, False
    return tick.idle_seconds, tick.locked


def sense(state: EngineState, tick: Tick, settings: Settings) -> tuple[EngineState, list[Effect]]:
    """Apply working hours, then suspend and idle time: a long absence is a natural break."""
    exercise_id = state.rotation.current
    if isinstance(state.mode, Off):
        if tick.active:
            return fresh_interval(state.rotation, tick.now, settings), [
                Record("hours_started", exercise_id)
            ]
        return replace(state, mode=Off(tick.active_change_at)), []
    if not isinstance(state.mode, SITTING):
        return state, []
    if not tick.active:
        off = EngineState(Off(tick.active_change_at), state.rotation)
        return off, [Record("hours_ended", exercise_id)]
    if tick.slept_seconds >= settings.natural_break:
        slept = round(tick.slept_seconds)
        return fresh_interval(state.rotation, tick.now, settings), [
            Record("natural_break", exercise_id, cause="sleep", away_seconds=slept)
        ]
    idle, locked = counted_idle(tick, settings)
    if idle is None:
        return state, []
    last_input = tick.now - idle
    away_since = state.presence.away_since
    if locked or idle >= settings.natural_break:  # away
        if away_since is None:
            return replace(state, presence=replace(state.presence, away_since=last_input)), []
        return state, []
    if away_since is None:
        return state, []
    away = last_input - away_since
    if away < settings.natural_break:  # a short lock: away for a moment, not a break
        return replace(state, presence=replace(state.presence, away_since=None)), []
    return fresh_interval(state.rotation, last_input, settings), [
        Record("natural_break", exercise_id, cause="idle", away_seconds=round(away))
    ]


def plan_probe(
    state: EngineState, now: float, idle: float | None, no_idle_probe: bool, settings: Settings
) -> EngineState:
    """Plan the next idle look: soonest when idle could reach natural_break, or while away."""
    planned = state.presence.probe_at
    if is_held_back(state.mode):  # look for do-not-disturb to end
        probe_at: float | None = now + settings.idle_check_every
    elif no_idle_probe or not isinstance(state.mode, SITTING):
        probe_at = None
    elif state.presence.away_since is not None:
        probe_at = now + settings.idle_check_every
    elif idle is not None:
        probe_at = now + max(1.0, settings.natural_break - idle)
    elif planned is None or planned <= now:  # no reading this time: look again
        probe_at = now + settings.idle_check_every
    else:
        probe_at = planned
    watch = replace(state.presence, probe_at=probe_at, no_idle_probe=no_idle_probe)
    return state if watch == state.presence else replace(state, presence=watch)
