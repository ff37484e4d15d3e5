"""The break cycle: every timing rule as a pure step(state, event) -> (state, effects)."""

# Times are seconds on one monotonic clock supplied by the caller; the engine never reads a clock.

from dataclasses import replace

from backcare_tray.engine.events import (
    Cancel,
    Effect,
    Event,
    MarkDone,
    Notify,
    Pause,
    PauseRoutine,
    Record,
    Refuse,
    Resume,
    ResumeRoutine,
    Skip,
    Snooze,
    StartStretch,
    Tick,
    Wake,
)
from backcare_tray.engine.modes import (
    Due,
    EngineState,
    Mode,
    Off,
    Paused,
    Snoozed,
    Stretching,
    Working,
    answerable,
    current_phase,
    cycle_wake,
    fresh_interval,
    is_away,
    sitting_since,
    wake_time,
)
from backcare_tray.engine.presence import counted_idle, plan_probe, sense
from backcare_tray.exercises import phases
from backcare_tray.i18n import N_
from backcare_tray.rotation import advance, start_rotation
from backcare_tray.settings import Settings

__all__ = ["REMINDER_IDLE", "initial_state", "step"]

# A reminder waits while nobody has touched the keyboard or mouse for this long: it would
# only pile up unseen, and the person may be on the way out (the away mark comes later).
REMINDER_IDLE = 60.0


def initial_state(now: float, settings: Settings, seed: int) -> EngineState:
    """Return a fresh working state at the start of the rotation."""
    rotation = start_rotation(settings.rotation, settings.rotation_order, seed)
    return fresh_interval(rotation, now, settings)


def step(state: EngineState, event: Event, settings: Settings) -> tuple[EngineState, list[Effect]]:
    """Apply one event; return the new state and what the adapters must do."""
    effects: list[Effect] = []
    new_state = state
    if isinstance(event, Tick):
        new_state, effects = sense(new_state, event, settings)
        idle, _ = counted_idle(event, settings)
        no_idle_probe = event.no_idle_probe
    else:  # a command means someone is at the keyboard: idle 0
        idle, no_idle_probe = 0.0, state.presence.no_idle_probe
    new_state, more = _apply(new_state, event, settings)
    effects += more
    new_state = plan_probe(new_state, event.now, idle, no_idle_probe, settings)
    wake = wake_time(new_state)
    if isinstance(event, Tick) or wake != wake_time(state):
        effects.append(Wake(wake))
    return new_state, effects


def _become_due(state: EngineState, now: float, settings: Settings) -> EngineState:
    """Return the due state (shown now, unless shown before) with the next reminder planned."""
    remind_at = now + settings.remind_every if settings.remind_every else None
    since = sitting_since(state.mode)
    before = state.mode.returns_to if isinstance(state.mode, Stretching) else state.mode
    due_at = before.due_at if isinstance(before, Due) and before.due_at is not None else now
    return replace(state, mode=Due(now if since is None else since, remind_at, None, due_at))


def _must_wait(tick: Tick, settings: Settings) -> bool:
    """Return True when a due notification must wait now: do-not-disturb, or a call."""
    return (tick.dnd and settings.respect_dnd) or (tick.in_call and settings.hold_during_calls)


def _notify_due(
    state: EngineState, tick: Tick, settings: Settings, reminder: bool
) -> tuple[EngineState, list[Effect]]:
    """Notify a due stretch (or remind of it), or hold it back while it must wait."""
    exercise_id = state.rotation.current
    if _must_wait(tick, settings):
        since = sitting_since(state.mode)
        held = state.mode.held_until if isinstance(state.mode, Due) else None
        until = held or tick.now + settings.dnd_max_delay
        due_at = state.mode.due_at if isinstance(state.mode, Due) else None
        waiting = Due(tick.now if since is None else since, None, until, due_at)
        return replace(state, mode=waiting), []
    idle, _ = counted_idle(tick, settings)
    if reminder and isinstance(state.mode, Due) and idle is not None and idle >= REMINDER_IDLE:
        # Look again when the away mark would come: away by then, or back and reminded.
        later = tick.now + max(1.0, settings.natural_break - idle)
        return replace(state, mode=replace(state.mode, remind_at=later)), []
    return _become_due(state, tick.now, settings), [
        Record("notified", exercise_id, reminder=reminder),
        Notify("reminder" if reminder else "due", exercise_id),
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
                return state, [Refuse(N_("A stretch is already under way."))]
            first = phases(settings.exercise(exercise_id))[0]
            stretching = Stretching(0, now + first.seconds, now, returns_to=mode)
            return (
                replace(state, mode=stretching),
                [Record("started", exercise_id), Notify("phase", exercise_id, first)],
            )
        case Snooze(seconds=seconds):
            if not answerable(mode):
                return state, [_nothing_due("snooze", mode)]
            length = seconds if seconds is not None else settings.snooze
            since = sitting_since(mode)
            snoozed = Snoozed(now if since is None else since, now + length)
            record = Record("snoozed", exercise_id, snooze_seconds=length)
            return replace(state, mode=snoozed), [record]
        case MarkDone(answered_by=answered_by):
            if not answerable(mode):  # a stretch done early is started, then marked done
                return state, [_nothing_due("mark done", mode)]
            done = Record("done", exercise_id, answered_by=answered_by)
            return _finish(state, now, settings, done)
        case Skip():
            if not answerable(mode):
                return state, [_nothing_due("skip", mode)]
            return _finish(state, now, settings, Record("skipped", exercise_id))
        case Pause() if isinstance(mode, Stretching):
            return state, [
                Refuse(N_("A stretch is under way: pause the stretch, or stop it first."))
            ]
        case Pause(seconds=seconds):
            until = now + seconds if seconds is not None else None
            paused = replace(state, mode=Paused(until))
            return paused, [Record("paused", exercise_id, pause_seconds=seconds)]
        case Resume():
            if not isinstance(mode, Paused):
                return state, [Refuse(N_("backcare-tray is not paused."))]
            return fresh_interval(state.rotation, now, settings), [Record("resumed", exercise_id)]
        case Cancel():
            if not isinstance(mode, Stretching):
                return state, [Refuse(N_("No stretch is under way."))]
            return _stop_routine(state, mode, now, settings)
        case PauseRoutine():
            if not isinstance(mode, Stretching) or mode.paused_left is not None:
                return state, [Refuse(N_("No running stretch to pause."))]
            held = replace(
                mode,
                paused_left=max(0.0, mode.phase_ends_at - now),
                paused_at=now,
            )
            phase = current_phase(replace(state, mode=held), settings)
            return replace(state, mode=held), [Notify("phase", exercise_id, phase, begins=False)]
        case ResumeRoutine():
            if not isinstance(mode, Stretching) or mode.paused_left is None:
                return state, [Refuse(N_("The stretch is not paused."))]
            paused_at = now if mode.paused_at is None else mode.paused_at
            going = replace(
                mode,
                phase_ends_at=now + mode.paused_left,
                paused_left=None,
                paused_at=None,
                paused_for=mode.paused_for + max(0.0, now - paused_at),
            )
            phase = current_phase(replace(state, mode=going), settings)
            # The phase goes on where it was: it does not begin again, so no cue is given.
            return replace(state, mode=going), [Notify("phase", exercise_id, phase, begins=False)]
    raise AssertionError(f"unhandled event {event!r}")  # pragma: no cover


# Why there is nothing to answer, per answer and mode: whole sentences for the catalog (the
# daemon translates a refusal where it replies).
_NOTHING_DUE = {
    ("snooze", "paused"): N_("Nothing to snooze: reminders are paused."),
    ("snooze", "off"): N_("Nothing to snooze: it is outside the working hours."),
    ("snooze", ""): N_("Nothing to snooze: the next stretch is not due yet."),
    ("mark done", "paused"): N_(
        "Nothing to mark done: reminders are paused (start it now to do it early)."
    ),
    ("mark done", "off"): N_(
        "Nothing to mark done: it is outside the working hours (start it now to do it early)."
    ),
    ("mark done", ""): N_(
        "Nothing to mark done: the next stretch is not due yet (start it now to do it early)."
    ),
    ("skip", "paused"): N_("Nothing to skip: reminders are paused."),
    ("skip", "off"): N_("Nothing to skip: it is outside the working hours."),
    ("skip", ""): N_("Nothing to skip: the next stretch is not due yet."),
}


def _nothing_due(verb: str, mode: Mode) -> Refuse:
    """Return the refusal of an answer when no stretch is due, snoozed or under way."""
    why = mode.name if mode.name in ("paused", "off") else ""
    return Refuse(_NOTHING_DUE[verb, why])


def _finish(
    state: EngineState, now: float, settings: Settings, record: Record
) -> tuple[EngineState, list[Effect]]:
    """Count a done or skipped stretch, move the rotation on and restart the sitting timer."""
    rotation = advance(state.rotation, settings.rotation_order)
    mode = state.mode
    if record.kind == "done" and isinstance(mode, Stretching):  # how long the stretching took
        spent = now - mode.started_at - mode.paused_for
        record = replace(record, stretching_seconds=max(0, round(spent)))
    effects: list[Effect] = [record]
    if record.stretching_seconds is not None:  # a routine ended: say it was counted
        effects.append(Notify("finished", record.exercise_id))
    # A routine started while paused or off hours goes back there: finishing is no resume.
    before = mode.returns_to if isinstance(mode, Stretching) else mode
    if isinstance(before, Paused | Off):
        return replace(state, mode=before, rotation=rotation), effects
    return fresh_interval(rotation, now, settings), effects


def _tick(state: EngineState, tick: Tick, settings: Settings) -> tuple[EngineState, list[Effect]]:
    """Bring the state up to date with the time now."""
    now = tick.now
    mode = state.mode
    exercise_id = state.rotation.current
    if isinstance(mode, Due) and mode.held_until is not None and not is_away(state):
        if _must_wait(tick, settings) and now < mode.held_until:
            return state, []  # still held back
        return _become_due(state, now, settings), [
            Record("notified", exercise_id),
            Notify("due", exercise_id),
        ]
    wake = cycle_wake(state)
    if wake is None or now < wake:
        return state, []
    match mode:
        case Working() | Snoozed():
            return _notify_due(state, tick, settings, reminder=False)
        case Due():
            return _notify_due(state, tick, settings, reminder=True)
        case Paused():
            resumed: list[Effect] = [Record("resumed", exercise_id)]
            if not tick.active:
                return replace(state, mode=Off(tick.active_change_at)), resumed
            return fresh_interval(state.rotation, now, settings), resumed
        case Off():  # sense already followed the working hours
            return state, []
        case Stretching(paused_left=float()):
            return _stop_routine(state, mode, now, settings)  # paused too long: given up
        case Stretching():
            return _next_phase(state, mode, now, settings)
    raise AssertionError(f"unhandled mode {mode!r}")  # pragma: no cover


def _stop_routine(
    state: EngineState, mode: Stretching, now: float, settings: Settings
) -> tuple[EngineState, list[Effect]]:
    """Stop a routine without counting it: back to where the person was, a due one still due."""
    back = replace(state, mode=mode.returns_to)
    if isinstance(mode.returns_to, Due):
        back = _become_due(back, now, settings)
    return back, [Record("cancelled", state.rotation.current)]


def _next_phase(
    state: EngineState, mode: Stretching, now: float, settings: Settings
) -> tuple[EngineState, list[Effect]]:
    """Move a guided routine to its next phase, or finish it as done."""
    exercise_id = state.rotation.current
    routine_phases = phases(settings.exercise(exercise_id))
    index = min(mode.phase_index, len(routine_phases) - 1) + 1  # a reload may shorten it
    if index >= len(routine_phases):
        return _finish(state, now, settings, Record("done", exercise_id, answered_by="guided"))
    phase = routine_phases[index]
    moved = replace(mode, phase_index=index, phase_ends_at=now + phase.seconds)
    return replace(state, mode=moved), [Notify("phase", exercise_id, phase)]
