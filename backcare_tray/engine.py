"""The break engine: every timing rule as a pure step(state, event) -> (state, effects)."""

# Times are seconds on one monotonic clock supplied by the caller; the engine never reads a clock.

from dataclasses import dataclass, replace
from typing import Literal

from backcare_tray.exercises import Phase, phases
from backcare_tray.rotation import Rotation, advance, reconcile, start_rotation
from backcare_tray.settings import Settings

__all__ = [
    "PRESENCE_MATTERS",
    "Cancel",
    "Effect",
    "EngineState",
    "Event",
    "MarkDone",
    "Mode",
    "Notify",
    "Pause",
    "Record",
    "Refuse",
    "Resume",
    "Routine",
    "Skip",
    "Snooze",
    "StartStretch",
    "Tick",
    "Wake",
    "adapt_to_settings",
    "current_phase",
    "for_saving",
    "initial_state",
    "step",
    "wake_time",
    "wants_dnd",
]

Mode = Literal["working", "due", "snoozed", "stretching", "paused", "off"]


@dataclass(frozen=True)
class Routine:
    """Progress through a guided stretch and the state to return to if it is cancelled."""

    phase_index: int
    phase_ends_at: float
    started_at: float
    before: "EngineState"


@dataclass(frozen=True)
class EngineState:
    """Where the break cycle is, and when it next moves on by itself."""

    mode: Mode
    rotation: Rotation
    interval_started_at: float
    # working: when the stretch falls due; snoozed: when the snooze ends;
    # paused: when the pause ends (None until resumed); off: when working hours start.
    deadline: float | None
    remind_at: float | None = None
    routine: Routine | None = None
    # When the person went away (idle at least natural_break); None while present.
    away_since: float | None = None
    # When the idle probe should next be read; None when presence does not matter.
    probe_at: float | None = None
    # The latest a notification held back for do-not-disturb is delivered; None: none held.
    held_until: float | None = None


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


PRESENCE_MATTERS = ("working", "due", "snoozed")


def _cycle_wake(state: EngineState) -> float | None:
    """Return when the break cycle itself moves on; nothing moves while the person is away."""
    if state.mode == "stretching" and state.routine is not None:
        return state.routine.phase_ends_at
    if state.away_since is not None and state.mode in PRESENCE_MATTERS:
        return None
    if state.mode == "due" and state.held_until is not None:
        return state.held_until  # _plan_probe adds earlier looks for the end of DND
    if state.mode == "due":
        return state.remind_at
    return state.deadline


def wake_time(state: EngineState) -> float | None:
    """Return when the engine next needs a Tick: the cycle's next move or the next idle look."""
    times = [t for t in (_cycle_wake(state), state.probe_at) if t is not None]
    return min(times) if times else None


def wants_dnd(state: EngineState, now: float) -> bool:
    """Return True when a Tick at now may show a due notification, so DND must be known."""
    if state.mode == "due" and state.held_until is not None:
        return True
    wake = _cycle_wake(state)
    return state.mode in PRESENCE_MATTERS and wake is not None and now >= wake


def current_phase(state: EngineState, settings: Settings) -> Phase | None:
    """Return the phase of the guided routine under way, if any."""
    if state.routine is None:
        return None
    return phases(settings.exercise(state.rotation.current))[state.routine.phase_index]


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
    if state.mode == "off":
        if tick.active:
            return _fresh_interval(state.rotation, tick.now, settings), [
                Record("hours_started", exercise_id)
            ]
        return replace(state, deadline=tick.active_change_at), []
    if state.mode not in PRESENCE_MATTERS:
        return state, []
    if not tick.active:
        off = replace(
            state,
            mode="off",
            deadline=tick.active_change_at,
            remind_at=None,
            away_since=None,
            held_until=None,
        )
        return off, [Record("hours_ended", exercise_id)]
    if tick.slept_seconds >= settings.natural_break:
        slept = round(tick.slept_seconds)
        return _fresh_interval(state.rotation, tick.now, settings), [
            Record("natural_break", exercise_id, seconds=slept, how="sleep")
        ]
    if tick.idle_seconds is None:
        return state, []
    last_input = tick.now - tick.idle_seconds
    if tick.locked or tick.idle_seconds >= settings.natural_break:  # away
        if state.away_since is None:
            return replace(state, away_since=last_input), []
        return state, []
    if state.away_since is None:
        return state, []
    away = last_input - state.away_since
    if away < settings.natural_break:  # a short lock: away for a moment, not a break
        return replace(state, away_since=None), []
    return _fresh_interval(state.rotation, last_input, settings), [
        Record("natural_break", exercise_id, seconds=round(away), how="idle")
    ]


def _plan_probe(
    state: EngineState, now: float, idle: float | None, settings: Settings
) -> EngineState:
    """Plan the next idle look: soonest when idle could reach natural_break, or while away."""
    if state.held_until is not None and state.mode == "due":  # look for do-not-disturb to end
        probe_at = now + settings.idle_check_every
    elif settings.idle_probe == "none" or state.mode not in PRESENCE_MATTERS:
        probe_at = None
    elif state.away_since is not None:
        probe_at = now + settings.idle_check_every
    elif idle is not None:
        probe_at = now + max(1.0, settings.natural_break - idle)
    elif state.probe_at is None or state.probe_at <= now:  # no reading this time: look again
        probe_at = now + settings.idle_check_every
    else:
        probe_at = state.probe_at
    return state if probe_at == state.probe_at else replace(state, probe_at=probe_at)


def _fresh_interval(rotation: Rotation, now: float, settings: Settings) -> EngineState:
    """Return a working state whose sitting interval starts now."""
    return EngineState("working", rotation, now, now + settings.sitting_interval)


def _become_due(state: EngineState, now: float, settings: Settings) -> EngineState:
    """Return the due state with the first reminder planned."""
    remind_at = now + settings.remind_every if settings.remind_every else None
    return replace(
        state, mode="due", deadline=None, remind_at=remind_at, routine=None, held_until=None
    )


def _notify_due(
    state: EngineState, tick: Tick, settings: Settings, kind: str
) -> tuple[EngineState, list[Effect]]:
    """Notify a due stretch, or hold it back while do-not-disturb is on."""
    exercise_id = state.rotation.current
    if tick.dnd and settings.respect_dnd:
        held = replace(
            state,
            mode="due",
            deadline=None,
            remind_at=None,
            routine=None,
            held_until=state.held_until or tick.now + settings.dnd_max_delay,
        )
        return held, []
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
    match event:
        case Tick():
            return _tick(state, event, settings)
        case StartStretch():
            if state.mode == "stretching":
                return state, [Refuse("A stretch is already under way.")]
            first = phases(settings.exercise(exercise_id))[0]
            routine = Routine(0, now + first.seconds, now, before=state)
            return (
                replace(state, mode="stretching", routine=routine),
                [Record("started", exercise_id), Notify("phase", exercise_id, first)],
            )
        case Snooze(seconds=seconds):
            if state.mode not in ("due", "snoozed", "stretching"):
                return state, [Refuse("Nothing to snooze: the next stretch is not due yet.")]
            length = seconds if seconds is not None else settings.snooze
            snoozed = replace(
                state,
                mode="snoozed",
                deadline=now + length,
                remind_at=None,
                routine=None,
                held_until=None,
            )
            return snoozed, [Record("snoozed", exercise_id, seconds=length)]
        case MarkDone(how=how):
            return _finish(state, now, settings, Record("done", exercise_id, how=how))
        case Skip():
            return _finish(state, now, settings, Record("skipped", exercise_id))
        case Pause(seconds=seconds):
            until = now + seconds if seconds is not None else None
            paused = replace(
                state, mode="paused", deadline=until, remind_at=None, routine=None, held_until=None
            )
            return paused, [Record("paused", exercise_id, seconds=seconds)]
        case Resume():
            if state.mode != "paused":
                return state, [Refuse("backcare-tray is not paused.")]
            return _fresh_interval(state.rotation, now, settings), [Record("resumed", exercise_id)]
        case Cancel():
            if state.routine is None:
                return state, [Refuse("No stretch is under way.")]
            before = state.routine.before
            if before.mode == "due":
                before = _become_due(before, now, settings)
            return before, [Record("cancelled", exercise_id)]
    raise AssertionError(f"unhandled event {event!r}")  # pragma: no cover


def _finish(
    state: EngineState, now: float, settings: Settings, record: Record
) -> tuple[EngineState, list[Effect]]:
    """Count a done or skipped stretch, move the rotation on and restart the sitting timer."""
    rotation = advance(state.rotation, settings.rotation_order)
    if record.kind == "done" and state.routine is not None:  # how long the stretching took
        record = replace(record, seconds=round(now - state.routine.started_at))
    effects: list[Effect] = [record]
    if record.kind == "done" and state.routine is not None:
        effects.append(Notify("finished", record.exercise_id))
    # A routine started while paused or off hours goes back there: finishing is no resume.
    before = state.routine.before if state.routine is not None else state
    if before.mode in ("paused", "off"):
        return replace(before, rotation=rotation), effects
    return _fresh_interval(rotation, now, settings), effects


def _tick(state: EngineState, tick: Tick, settings: Settings) -> tuple[EngineState, list[Effect]]:
    """Bring the state up to date with the time now."""
    now = tick.now
    exercise_id = state.rotation.current
    if state.mode == "due" and state.held_until is not None and state.away_since is None:
        if tick.dnd and now < state.held_until and settings.respect_dnd:
            return state, []  # still held back
        return _become_due(state, now, settings), [
            Record("notified", exercise_id, how="due"),
            Notify("due", exercise_id),
        ]
    wake = _cycle_wake(state)
    if wake is None or now < wake:
        return state, []
    match state.mode:
        case "working" | "snoozed":
            return _notify_due(state, tick, settings, "due")
        case "due":
            return _notify_due(state, tick, settings, "reminder")
        case "paused":
            resumed: list[Effect] = [Record("resumed", exercise_id)]
            if not tick.active:
                return replace(state, mode="off", deadline=tick.active_change_at), resumed
            return _fresh_interval(state.rotation, now, settings), resumed
        case "off":  # _sense already followed the working hours
            return state, []
        case "stretching":
            return _next_phase(state, now, settings)
    raise AssertionError(f"unhandled mode {state.mode!r}")  # pragma: no cover


def _next_phase(
    state: EngineState, now: float, settings: Settings
) -> tuple[EngineState, list[Effect]]:
    """Move a guided routine to its next phase, or finish it as done."""
    assert state.routine is not None
    exercise_id = state.rotation.current
    routine_phases = phases(settings.exercise(exercise_id))
    index = state.routine.phase_index + 1
    if index >= len(routine_phases):
        return _finish(state, now, settings, Record("done", exercise_id, how="guided"))
    phase = routine_phases[index]
    routine = replace(state.routine, phase_index=index, phase_ends_at=now + phase.seconds)
    return replace(state, routine=routine), [Notify("phase", exercise_id, phase)]


def adapt_to_settings(state: EngineState, now: float, settings: Settings) -> EngineState:
    """Return a restored or kept state made valid for settings: its rotation, its interval."""
    rotation = reconcile(state.rotation, settings.rotation, settings.rotation_order)
    state = replace(state, rotation=rotation)
    if state.mode == "working" and state.deadline is not None:  # a shorter interval applies
        latest = min(state.interval_started_at, now) + settings.sitting_interval
        if state.deadline > latest:
            state = replace(state, deadline=latest)
    return state


def for_saving(state: EngineState) -> EngineState:
    """Return the state to persist: a routine cut short by a restart comes back as due."""
    if state.routine is None:
        return state
    return replace(
        state, mode="due", deadline=None, remind_at=state.routine.started_at, routine=None
    )
