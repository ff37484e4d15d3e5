"""The break engine: every timing rule as a pure step(state, event) -> (state, effects)."""

# Times are seconds on one monotonic clock supplied by the caller; the engine never reads a clock.

from dataclasses import dataclass, replace
from typing import ClassVar

from backcare_tray.exercises import Phase, phases
from backcare_tray.rotation import Rotation, advance, reconcile, start_rotation
from backcare_tray.settings import Settings

__all__ = [
    "SITTING",
    "Cancel",
    "Due",
    "Effect",
    "EngineState",
    "Event",
    "MarkDone",
    "Mode",
    "Notify",
    "Off",
    "Pause",
    "Paused",
    "Presence",
    "Record",
    "Refuse",
    "Resume",
    "Skip",
    "Snooze",
    "Snoozed",
    "StartStretch",
    "Stretching",
    "Tick",
    "Wake",
    "Working",
    "adapt_to_settings",
    "coming_due_at",
    "current_phase",
    "for_saving",
    "initial_state",
    "is_away",
    "sitting_since",
    "step",
    "wake_time",
    "wants_dnd",
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


Mode = Working | Due | Snoozed | Stretching | Paused | Off
SITTING = (Working, Due, Snoozed)  # the modes in which time at the desk counts


@dataclass(frozen=True)
class Presence:
    """Whether the person is at the desk: when they went away, and when to look next."""

    away_since: float | None = None  # None while present
    probe_at: float | None = None  # None when presence does not matter now


@dataclass(frozen=True)
class EngineState:
    """Where the break cycle is: the mode, the rotation and the person's presence."""

    mode: Mode
    rotation: Rotation
    presence: Presence = Presence()


# Events: things that happened.
@dataclass(frozen=True)
class Tick:
    """The scheduled wake-up fired, with what the sensors say: idle and suspended time."""

    now: float
    # Seconds since the last keyboard or mouse input; None when there is no idle probe.
    idle_seconds: float | None = None
    # Seconds the machine was suspended since the previous event.
    slept_seconds: float = 0.0
    # Whether the screen is locked (counts as away).
    locked: bool = False
    # Whether do-not-disturb is on (a fullscreen window, or the desktop's own setting).
    dnd: bool = False
    # Whether another application uses the camera or the microphone (a call).
    in_call: bool = False
    # Whether now is inside working hours, and when that next changes (engine time).
    active: bool = True
    active_change_at: float | None = None


@dataclass(frozen=True)
class StartStretch:
    """The person starts the guided routine for the next stretch."""

    now: float


@dataclass(frozen=True)
class Snooze:
    """The person postpones a due stretch; seconds None means the configured default."""

    now: float
    seconds: int | None = None


@dataclass(frozen=True)
class MarkDone:
    """The person says the stretch is done; how is "menu", "cli" or "guided"."""

    now: float
    how: str = "menu"


@dataclass(frozen=True)
class Skip:
    """The person skips the next stretch."""

    now: float


@dataclass(frozen=True)
class Pause:
    """The person pauses reminders; seconds None means until resumed."""

    now: float
    seconds: int | None = None


@dataclass(frozen=True)
class Resume:
    """The person resumes reminders."""

    now: float


@dataclass(frozen=True)
class Cancel:
    """The person stops a guided routine without counting it."""

    now: float


Event = Tick | StartStretch | Snooze | MarkDone | Skip | Pause | Resume | Cancel


# Effects: things for the adapters to do.
@dataclass(frozen=True)
class Notify:
    """Show a notification: kind is "due", "reminder", "phase" or "finished"."""

    kind: str
    exercise_id: str
    phase: Phase | None = None


@dataclass(frozen=True)
class Record:
    """Something worth counting happened (done, snoozed, skipped, notified...)."""

    kind: str
    exercise_id: str
    seconds: int | None = None
    how: str | None = None


@dataclass(frozen=True)
class Wake:
    """Deliver a Tick at this engine time (None: no wake-up needed)."""

    at: float | None


@dataclass(frozen=True)
class Refuse:
    """The event made no sense in this state; tell the person why."""

    reason: str


Effect = Notify | Record | Wake | Refuse


def initial_state(now: float, settings: Settings, seed: int) -> EngineState:
    """Return a fresh working state at the start of the rotation."""
    rotation = start_rotation(settings.rotation, settings.rotation_order, seed)
    return _fresh_interval(rotation, now, settings)


def sitting_since(mode: Mode) -> float | None:
    """Return when the current sitting interval started, None where none runs."""
    if isinstance(mode, Stretching):
        return sitting_since(mode.returns_to)
    return mode.since if isinstance(mode, SITTING) else None


def is_away(state: EngineState) -> bool:
    """Return True when the person is away while time at the desk would count."""
    return state.presence.away_since is not None and isinstance(state.mode, SITTING)


def coming_due_at(mode: Mode) -> float | None:
    """Return when the next stretch falls due while sitting or snoozed, else None."""
    match mode:
        case Working():
            return mode.deadline
        case Snoozed():
            return mode.until
    return None


def _cycle_wake(state: EngineState) -> float | None:
    """Return when the break cycle itself moves on; nothing moves while the person is away."""
    mode = state.mode
    if isinstance(mode, Stretching):
        return mode.phase_ends_at
    if is_away(state):
        return None
    match mode:
        case Due(held_until=float() as held):
            return held  # _plan_probe adds earlier looks for the end of do-not-disturb
        case Due():
            return mode.remind_at
        case Working():
            return mode.deadline
        case Snoozed() | Paused() | Off():
            return mode.until
    raise AssertionError(mode)  # pragma: no cover


def wake_time(state: EngineState) -> float | None:
    """Return when the engine next needs a Tick: the cycle's next move or the next idle look."""
    times = [t for t in (_cycle_wake(state), state.presence.probe_at) if t is not None]
    return min(times) if times else None


def _held(mode: Mode) -> bool:
    """Return True when a due stretch is held back for do-not-disturb."""
    return isinstance(mode, Due) and mode.held_until is not None


def wants_dnd(state: EngineState, now: float) -> bool:
    """Return True when a Tick at now may show a due notification, so DND must be known."""
    if _held(state.mode):
        return True
    wake = _cycle_wake(state)
    return isinstance(state.mode, SITTING) and wake is not None and now >= wake


def current_phase(state: EngineState, settings: Settings) -> Phase | None:
    """Return the phase of the guided routine under way, if any."""
    if not isinstance(state.mode, Stretching):
        return None
    return phases(settings.exercise(state.rotation.current))[state.mode.phase_index]


def step(state: EngineState, event: Event, settings: Settings) -> tuple[EngineState, list[Effect]]:
    """Apply one event; return the new state and what the adapters must do."""
    effects: list[Effect] = []
    new_state = state
    if isinstance(event, Tick):
        new_state, effects = _sense(new_state, event, settings)
    new_state, more = _apply(new_state, event, settings)
    effects += more
    # A command means someone is at the keyboard: idle 0.
    idle = event.idle_seconds if isinstance(event, Tick) else 0.0
    new_state = _plan_probe(new_state, event.now, idle, settings)
    wake = wake_time(new_state)
    if isinstance(event, Tick) or wake != wake_time(state):
        effects.append(Wake(wake))
    return new_state, effects


def _sense(state: EngineState, tick: Tick, settings: Settings) -> tuple[EngineState, list[Effect]]:
    """Apply working hours, then suspend and idle time: a long absence is a natural break."""
    exercise_id = state.rotation.current
    if isinstance(state.mode, Off):
        if tick.active:
            return _fresh_interval(state.rotation, tick.now, settings), [
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
        return _fresh_interval(state.rotation, tick.now, settings), [
            Record("natural_break", exercise_id, seconds=slept, how="sleep")
        ]
    if tick.idle_seconds is None:
        return state, []
    last_input = tick.now - tick.idle_seconds
    away_since = state.presence.away_since
    if tick.locked or tick.idle_seconds >= settings.natural_break:  # away
        if away_since is None:
            return replace(state, presence=replace(state.presence, away_since=last_input)), []
        return state, []
    if away_since is None:
        return state, []
    away = last_input - away_since
    if away < settings.natural_break:  # a short lock: away for a moment, not a break
        return replace(state, presence=replace(state.presence, away_since=None)), []
    return _fresh_interval(state.rotation, last_input, settings), [
        Record("natural_break", exercise_id, seconds=round(away), how="idle")
    ]


def _plan_probe(
    state: EngineState, now: float, idle: float | None, settings: Settings
) -> EngineState:
    """Plan the next idle look: soonest when idle could reach natural_break, or while away."""
    planned = state.presence.probe_at
    if _held(state.mode):  # look for do-not-disturb to end
        probe_at: float | None = now + settings.idle_check_every
    elif settings.idle_probe == "none" or not isinstance(state.mode, SITTING):
        probe_at = None
    elif state.presence.away_since is not None:
        probe_at = now + settings.idle_check_every
    elif idle is not None:
        probe_at = now + max(1.0, settings.natural_break - idle)
    elif planned is None or planned <= now:  # no reading this time: look again
        probe_at = now + settings.idle_check_every
    else:
        probe_at = planned
    if probe_at == planned:
        return state
    return replace(state, presence=replace(state.presence, probe_at=probe_at))


def _fresh_interval(rotation: Rotation, now: float, settings: Settings) -> EngineState:
    """Return a working state whose sitting interval starts now."""
    return EngineState(Working(now, now + settings.sitting_interval), rotation)


def _become_due(state: EngineState, now: float, settings: Settings) -> EngineState:
    """Return the due state with the first reminder planned."""
    remind_at = now + settings.remind_every if settings.remind_every else None
    since = sitting_since(state.mode)
    return replace(state, mode=Due(now if since is None else since, remind_at))


def _holds(tick: Tick, settings: Settings) -> bool:
    """Return True when a due notification must wait: do-not-disturb, or a call."""
    return (tick.dnd and settings.respect_dnd) or (tick.in_call and settings.hold_during_calls)


def _notify_due(
    state: EngineState, tick: Tick, settings: Settings, kind: str
) -> tuple[EngineState, list[Effect]]:
    """Notify a due stretch, or hold it back while do-not-disturb is on."""
    exercise_id = state.rotation.current
    if _holds(tick, settings):
        since = sitting_since(state.mode)
        held = state.mode.held_until if isinstance(state.mode, Due) else None
        until = held or tick.now + settings.dnd_max_delay
        return replace(state, mode=Due(tick.now if since is None else since, None, until)), []
    return _become_due(state, tick.now, settings), [
        Record("notified", exercise_id, how=kind),
        Notify(kind, exercise_id),
    ]


def _apply(
    state: EngineState, event: Event, settings: Settings
) -> tuple[EngineState, list[Effect]]:
    """Return the state after event and its effects, without the Wake bookkeeping."""
    exercise_id = state.rotation.current
    now = event.now
    mode = state.mode
    match event:
        case Tick():
            return _tick(state, event, settings)
        case StartStretch():
            if isinstance(mode, Stretching):
                return state, [Refuse("A stretch is already under way.")]
            first = phases(settings.exercise(exercise_id))[0]
            stretching = Stretching(0, now + first.seconds, now, returns_to=mode)
            return (
                replace(state, mode=stretching),
                [Record("started", exercise_id), Notify("phase", exercise_id, first)],
            )
        case Snooze(seconds=seconds):
            if not isinstance(mode, Due | Snoozed | Stretching):
                return state, [Refuse("Nothing to snooze: the next stretch is not due yet.")]
            length = seconds if seconds is not None else settings.snooze
            since = sitting_since(mode)
            snoozed = Snoozed(now if since is None else since, now + length)
            return replace(state, mode=snoozed), [Record("snoozed", exercise_id, seconds=length)]
        case MarkDone(how=how):
            return _finish(state, now, settings, Record("done", exercise_id, how=how))
        case Skip():
            return _finish(state, now, settings, Record("skipped", exercise_id))
        case Pause(seconds=seconds):
            until = now + seconds if seconds is not None else None
            paused = replace(state, mode=Paused(until))
            return paused, [Record("paused", exercise_id, seconds=seconds)]
        case Resume():
            if not isinstance(mode, Paused):
                return state, [Refuse("backcare-tray is not paused.")]
            return _fresh_interval(state.rotation, now, settings), [Record("resumed", exercise_id)]
        case Cancel():
            if not isinstance(mode, Stretching):
                return state, [Refuse("No stretch is under way.")]
            back = replace(state, mode=mode.returns_to)
            if isinstance(mode.returns_to, Due):
                back = _become_due(back, now, settings)
            return back, [Record("cancelled", exercise_id)]
    raise AssertionError(f"unhandled event {event!r}")  # pragma: no cover


def _finish(
    state: EngineState, now: float, settings: Settings, record: Record
) -> tuple[EngineState, list[Effect]]:
    """Count a done or skipped stretch, move the rotation on and restart the sitting timer."""
    rotation = advance(state.rotation, settings.rotation_order)
    mode = state.mode
    stretching = isinstance(mode, Stretching)
    if record.kind == "done" and isinstance(mode, Stretching):  # how long the stretching took
        record = replace(record, seconds=round(now - mode.started_at))
    effects: list[Effect] = [record]
    if record.kind == "done" and stretching:
        effects.append(Notify("finished", record.exercise_id))
    # A routine started while paused or off hours goes back there: finishing is no resume.
    before = mode.returns_to if isinstance(mode, Stretching) else mode
    if isinstance(before, Paused | Off):
        return replace(state, mode=before, rotation=rotation), effects
    return _fresh_interval(rotation, now, settings), effects


def _tick(state: EngineState, tick: Tick, settings: Settings) -> tuple[EngineState, list[Effect]]:
    """Bring the state up to date with the time now."""
    now = tick.now
    mode = state.mode
    exercise_id = state.rotation.current
    if isinstance(mode, Due) and mode.held_until is not None and not is_away(state):
        if _holds(tick, settings) and now < mode.held_until:
            return state, []  # still held back
        return _become_due(state, now, settings), [
            Record("notified", exercise_id, how="due"),
            Notify("due", exercise_id),
        ]
    wake = _cycle_wake(state)
    if wake is None or now < wake:
        return state, []
    match mode:
        case Working() | Snoozed():
            return _notify_due(state, tick, settings, "due")
        case Due():
            return _notify_due(state, tick, settings, "reminder")
        case Paused():
            resumed: list[Effect] = [Record("resumed", exercise_id)]
            if not tick.active:
                return replace(state, mode=Off(tick.active_change_at)), resumed
            return _fresh_interval(state.rotation, now, settings), resumed
        case Off():  # _sense already followed the working hours
            return state, []
        case Stretching():
            return _next_phase(state, mode, now, settings)
    raise AssertionError(f"unhandled mode {mode!r}")  # pragma: no cover


def _next_phase(
    state: EngineState, mode: Stretching, now: float, settings: Settings
) -> tuple[EngineState, list[Effect]]:
    """Move a guided routine to its next phase, or finish it as done."""
    exercise_id = state.rotation.current
    routine_phases = phases(settings.exercise(exercise_id))
    index = mode.phase_index + 1
    if index >= len(routine_phases):
        return _finish(state, now, settings, Record("done", exercise_id, how="guided"))
    phase = routine_phases[index]
    moved = replace(mode, phase_index=index, phase_ends_at=now + phase.seconds)
    return replace(state, mode=moved), [Notify("phase", exercise_id, phase)]


def adapt_to_settings(state: EngineState, now: float, settings: Settings) -> EngineState:
    """Return a restored or kept state made valid for settings: its rotation, its interval."""
    rotation = reconcile(state.rotation, settings.rotation, settings.rotation_order)
    state = replace(state, rotation=rotation)
    if isinstance(state.mode, Working):  # a shorter interval applies
        latest = min(state.mode.since, now) + settings.sitting_interval
        if state.mode.deadline > latest:
            state = replace(state, mode=replace(state.mode, deadline=latest))
    return state


def for_saving(state: EngineState) -> EngineState:
    """Return the state to persist: a routine cut short comes back as due (or paused, or off)."""
    mode = state.mode
    if not isinstance(mode, Stretching):
        return state
    if isinstance(mode.returns_to, Paused | Off):
        return replace(state, mode=mode.returns_to)
    since = sitting_since(mode)
    return replace(state, mode=Due(mode.started_at if since is None else since, mode.started_at))
