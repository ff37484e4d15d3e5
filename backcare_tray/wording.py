"""Every sentence the person sees, as pure functions of state and settings."""

import math
from datetime import datetime

from backcare_tray.engine import (
    Due,
    EngineState,
    Off,
    Paused,
    Snoozed,
    Stretching,
    Working,
    coming_due_at,
    current_phase,
    is_away,
)
from backcare_tray.exercises import MOVEMENT_SECONDS, Exercise, Phase
from backcare_tray.moment import Moment
from backcare_tray.settings import Settings

__all__ = [
    "clock_text",
    "dose",
    "duration_text",
    "menu_status_line",
    "minutes_text",
    "phase_text",
    "side_word",
    "status_line",
    "today_line",
    "waiting_text",
    "window_reply",
]


def _span(low: int, high: int | None) -> str:
    """Return "3" or "3-5"."""
    return f"{low}-{high}" if high and high != low else str(low)


def side_word(exercise: Exercise) -> str:
    """Return what a side is called ("leg" for "left leg"/"right leg", else "side")."""
    words = {side.split()[-1] for side in exercise.sides}
    return words.pop() if len(words) == 1 and len(exercise.sides[0].split()) > 1 else "side"


def dose(exercise: Exercise) -> str:
    """Return the dose in a few words, e.g. "Hold 10 s, 3x each leg"."""
    reps = f"{_span(exercise.reps, exercise.reps_max)}x"
    if exercise.sides:
        reps += f" each {side_word(exercise)}"
    if exercise.hold_seconds:
        return f"Hold {_span(exercise.hold_seconds, exercise.hold_seconds_max)} s, {reps}"
    return reps.capitalize()


def duration_text(seconds: float) -> str:
    """Return a remaining time as "20 s", "1 min 30 s", "23 min" or "1 h 5 min"."""
    whole = max(1, math.ceil(seconds))
    if whole < 60:
        return f"{whole} s"
    if whole < 300 and whole % 60:  # short spans are worth their seconds
        return f"{whole // 60} min {whole % 60} s"
    return minutes_text(whole)  # longer ones round up to the minute


def minutes_text(seconds: float) -> str:
    """Return a remaining time in whole minutes, rounded up: "1 min", "23 min", "1 h 5 min"."""
    # A hair under the whole minute counts as it: a redraw on the instant reads k, not k + 1.
    minutes = max(1, math.ceil((seconds - 1e-6) / 60))
    hours, minutes = divmod(minutes, 60)
    if hours and minutes:
        return f"{hours} h {minutes} min"
    return f"{hours} h" if hours else f"{minutes} min"


def clock_text(wall: float, now_wall: float | None = None) -> str:
    """Return a wall-clock time as local "HH:MM", with the weekday when it is not today."""
    when = datetime.fromtimestamp(round(wall / 60) * 60).astimezone()  # to the nearest minute
    if now_wall is not None and when.date() != datetime.fromtimestamp(now_wall).date():
        return when.strftime("%a %H:%M")
    return when.strftime("%H:%M")


def phase_text(exercise: Exercise, phase: Phase, seconds_left: int | None = None) -> str:
    """Return one phase of a routine, e.g. "Left leg: hold 10 s - 1 of 3"."""
    seconds = phase.seconds if seconds_left is None else seconds_left
    count = f"{phase.rep} of {phase.reps}"
    side = f"{phase.side[0].upper()}{phase.side[1:]}: " if phase.side else ""
    if phase.kind == "rest":
        nxt = f"{phase.side} " if phase.side else ""
        return f"Release and rest {seconds} s - next: {nxt}{count}"
    if phase.kind == "setup":
        return f"{side}get into position, {seconds} s"
    if phase.kind == "switch":
        return f"release, other side - {side}get into position, {seconds} s"
    if exercise.hold_seconds:
        return f"{side}hold {seconds} s - {count}"
    return f"{side}one slow repetition, about {MOVEMENT_SECONDS} s - {count}"


def status_line(
    state: EngineState,
    at: Moment,
    settings: Settings,
    in_call: bool = False,
    *,
    exact: bool = False,
) -> str:
    """Return the one-line status: the tray's tooltip, or with exact what status says.

    The tooltip is redrawn once a minute while the next stretch comes closer, so it counts
    whole minutes (rounded up: it changes exactly at each redraw); status is read at one
    moment, so exact says the seconds of a short wait ("1 min 30 s").
    """
    wait = duration_text if exact else minutes_text
    name = settings.exercise(state.rotation.current).name
    if is_away(state):
        return "Away: the sitting timer starts again when you are back"
    mode = state.mode
    match mode:
        case Working():
            return f"Next stretch in {wait(mode.deadline - at.mono)}: {name}"
        case Due(held_until=float()) if in_call:
            return f"In a call: the stretch waits until it ends ({name})"
        case Due(held_until=float()):
            return f"Held back: do not disturb ({name})"
        case Due():
            return f"Time to stretch: {name}"
        case Snoozed():
            return f"Snoozed: {name} in {wait(mode.until - at.mono)}"
        case Stretching():
            phase = current_phase(state, settings)
            assert phase is not None
            exercise = settings.exercise(state.rotation.current)
            if mode.paused_left is not None:
                left = max(0, math.ceil(mode.paused_left))
                return f"{name} (paused): {phase_text(exercise, phase, left)}"
            left = max(0, math.ceil(mode.phase_ends_at - at.mono))
            return f"{name}: {phase_text(exercise, phase, left)}"
        case Paused(until=None):
            return "Paused until you resume"
        case Paused(until=float() as until):
            return f"Paused until {clock_text(at.wall_of(until), at.wall)}"
        case Off(until=None):
            return "Off hours"
        case Off(until=float() as until):
            return f"Off hours until {clock_text(at.wall_of(until), at.wall)}"
    raise AssertionError(mode)  # pragma: no cover


def menu_status_line(
    state: EngineState, at: Moment, settings: Settings, in_call: bool = False
) -> str:
    """Return the menu's status line, which names clock times so it only changes on events."""
    name = settings.exercise(state.rotation.current).name
    due_at = coming_due_at(state.mode)
    if due_at is not None and not is_away(state):
        return f"Next stretch at {clock_text(at.wall_of(due_at))}: {name}"
    if isinstance(state.mode, Stretching):
        return f"Stretching: {name}"
    return status_line(state, at, settings, in_call)


def today_line(done: int, goal: int, streak: int) -> str:
    """Return the tray's tally for today, e.g. "Today: 4 of 6 - streak 3 days"."""
    return f"Today: {done} of {goal} - streak {streak} day{'' if streak == 1 else 's'}"


def waiting_text(waiting: int) -> str:
    """Return how many events wait for the history, e.g. "3 events waiting to be saved"."""
    return f"{waiting} event{'' if waiting == 1 else 's'} waiting to be saved"


_WINDOW_DONE = {
    "opened": "{page} window is open",
    "raised": "the open window now shows {page}",
    "stood in": "no window can open here; opened {page} as a file instead",
}
PAGE_NAMES = {
    "settings": "the settings",
    "progress": "the progress",
    "stretches": "the stretch library",
}


def window_reply(page: str, done: str) -> str:
    """Return what the command line says after asking for the window at a page."""
    return _WINDOW_DONE[done].format(page=PAGE_NAMES[page])
