"""The engine's state: the break cycle's modes, the watch on presence, and when they move on."""

from dataclasses import dataclass
from typing import ClassVar

from backcare_tray.exercises import Phase, phases
from backcare_tray.rotation import Rotation
from backcare_tray.settings import Settings

__all__ = [
    "ROUTINE_PAUSE_MOST",
    "SITTING",
    "Due",
    "EngineState",
    "Mode",
    "Off",
    "Paused",
    "PresenceWatch",
    "Snoozed",
    "Stretching",
    "Working",
    "answerable",
    "coming_due_at",
    "current_phase",
    "cycle_wake",
    "fresh_interval",
    "is_away",
    "is_held_back",
    "sitting_since",
    "wake_time",
]


@dataclass(frozen=True)
class Working:
    """Sitting: the next stretch falls due at deadline."""

    name: ClassVar[str] = "working"
    since: float  # when this sitting interval started
    deadline: float


@dataclass(frozen=True)
class Due:
    """A stretch is due: reminded at remind_at, or held back until held_until (do not disturb)."""

    name: ClassVar[str] = "due"
    since: float
    remind_at: float | None = None
    held_until: float | None = None  # the latest a held-back notification is shown
    due_at: float | None = None  # when it was first shown (None: not shown yet, or not known)


@dataclass(frozen=True)
class Snoozed:
    """The due stretch comes back at until."""

    name: ClassVar[str] = "snoozed"
    since: float
    until: float


@dataclass(frozen=True)
class Paused:
    """No reminders until until (None: until resumed)."""

    name: ClassVar[str] = "paused"
    until: float | None = None


@dataclass(frozen=True)
class Off:
    """Outside working hours, until they start again (None: not known)."""

    name: ClassVar[str] = "off"
    until: float | None = None


@dataclass(frozen=True)
class Stretching:
    """A guided routine under way, and the mode to go back to if it is cancelled."""

    name: ClassVar[str] = "stretching"
    phase_index: int
    phase_ends_at: float
    started_at: float
    returns_to: "Working | Due | Snoozed | Paused | Off"
    paused_left: float | None = None  # seconds left in the phase while the routine is paused
    paused_at: float | None = None  # when it was paused (given up ROUTINE_PAUSE_MOST later)
    paused_for: float = 0.0  # seconds paused so far, not counted as time spent stretching


# A routine paused this long is given up, as if stopped: the person has gone on to other things,
# and breaks, working hours and reminders must not wait on it.
ROUTINE_PAUSE_MOST = 600.0

Mode = Working | Due | Snoozed | Stretching | Paused | Off
SITTING = (Working, Due, Snoozed)  # the modes in which time at the desk counts


@dataclass(frozen=True)
class PresenceWatch:
    """The engine's watch on the desk: when the person left, when to look next, and if it can."""

    away_since: float | None = None  # None while present
    probe_at: float | None = None  # None when presence does not matter now
    # True when the last Tick said no idle probe is available: nothing to plan a look for.
    no_idle_probe: bool = False


@dataclass(frozen=True)
class EngineState:
    """Where the break cycle is: the mode, the rotation and the watch on presence."""

    mode: Mode
    rotation: Rotation
    presence: PresenceWatch = PresenceWatch()


def fresh_interval(rotation: Rotation, now: float, settings: Settings) -> EngineState:
    """Return a working state whose sitting interval starts now (step plans the next look)."""
    return EngineState(Working(now, now + settings.sitting_interval), rotation)


def sitting_since(mode: Mode) -> float | None:
    """Return when the current sitting interval started, None where none runs."""
    if isinstance(mode, Stretching):
        return sitting_since(mode.returns_to)
    return mode.since if isinstance(mode, SITTING) else None


def is_away(state: EngineState) -> bool:
    """Return True when the person is away while time at the desk would count."""
    return state.presence.away_since is not None and isinstance(state.mode, SITTING)


def answerable(mode: Mode) -> bool:
    """Return True when there is a stretch to snooze, mark done or skip: due, snoozed, or on."""
    return isinstance(mode, Due | Snoozed | Stretching)


def is_held_back(mode: Mode) -> bool:
    """Return True when a due stretch is held back (do-not-disturb or a call)."""
    return isinstance(mode, Due) and mode.held_until is not None


def coming_due_at(mode: Mode) -> float | None:
    """Return when the next stretch falls due while sitting or snoozed, else None."""
    match mode:
        case Working():
            return mode.deadline
        case Snoozed():
            return mode.until
    return None


def cycle_wake(state: EngineState) -> float | None:
    """Return when the break cycle itself moves on; nothing moves while the person is away."""
    mode = state.mode
    if isinstance(mode, Stretching):
        if mode.paused_at is not None:
            return mode.paused_at + ROUTINE_PAUSE_MOST
        return mode.phase_ends_at
    if is_away(state):
        return None
    match mode:
        case Due(held_until=float() as held):
            return held  # plan_probe adds earlier looks for the end of do-not-disturb
        case Due():
            return mode.remind_at
        case Working():
            return mode.deadline
        case Snoozed() | Paused() | Off():
            return mode.until
    raise AssertionError(mode)  # pragma: no cover


def wake_time(state: EngineState) -> float | None:
    """Return when the engine next needs a Tick: the cycle's next move or the next idle look."""
    times = [t for t in (cycle_wake(state), state.presence.probe_at) if t is not None]
    return min(times) if times else None


def current_phase(state: EngineState, settings: Settings) -> Phase | None:
    """Return the phase of the guided routine under way, if any."""
    if not isinstance(state.mode, Stretching):
        return None
    routine = phases(settings.exercise(state.rotation.current))
    return routine[min(state.mode.phase_index, len(routine) - 1)]  # a reload may shorten it
