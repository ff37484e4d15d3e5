"""Every sentence the person sees, as pure functions of state and settings."""

import math
from datetime import datetime

from backcare_tray.dates import clock_time, weekday_name
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
from backcare_tray.i18n import N_, _, ngettext
from backcare_tray.moment import Moment
from backcare_tray.settings import Settings

__all__ = [
    "clock_text",
    "dose",
    "duration_text",
    "menu_status_line",
    "minutes_text",
    "percent_text",
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
    return exercise.side_noun or "side"


def _reps_text(exercise: Exercise) -> str:
    """Return the repetitions of a dose: "3x", "3-5x each leg", "3x each side"."""
    reps = _span(exercise.reps, exercise.reps_max)
    noun = side_word(exercise)
    if not exercise.sides:
        # Translators: a number of repetitions; "x" reads "times"
        return _("{reps}x").format(reps=reps)
    if noun == "leg":
        return _("{reps}x each leg").format(reps=reps)
    if noun == "side":
        return _("{reps}x each side").format(reps=reps)
    # Translators: {side} is a word from the person's own stretch, e.g. "arm"
    return _("{reps}x each {side}").format(reps=reps, side=noun)


def dose(exercise: Exercise) -> str:
    """Return the dose in a few words, e.g. "Hold 10 s, 3x each leg"."""
    reps = _reps_text(exercise)
    if exercise.hold_seconds:
        hold = _span(exercise.hold_seconds, exercise.hold_seconds_max)
        return _("Hold {seconds} s, {reps}").format(seconds=hold, reps=reps)
    return reps[:1].upper() + reps[1:]


def percent_text(fraction: float) -> str:
    """Return a share as a whole percentage, "33%", as the language writes one."""
    # Translators: a whole percentage; some languages put a space before the sign.
    return _("{percent}%").format(percent=f"{fraction * 100:.0f}")


def seconds_text(seconds: int) -> str:
    """Return a number of seconds with its unit: "20 s"."""
    # Translators: a short span of seconds, as on a timer
    return _("{seconds} s").format(seconds=seconds)


def duration_text(seconds: float) -> str:
    """Return a remaining time as "20 s", "1 min 30 s", "23 min" or "1 h 5 min"."""
    whole = max(1, math.ceil(seconds))
    if whole < 60:
        return seconds_text(whole)
    if whole < 300 and whole % 60:  # short spans are worth their seconds
        return _("{minutes} min {seconds} s").format(minutes=whole // 60, seconds=whole % 60)
    return minutes_text(whole)  # longer ones round up to the minute


def minutes_text(seconds: float) -> str:
    """Return a remaining time in whole minutes, rounded up: "1 min", "23 min", "1 h 5 min"."""
    # A hair under the whole minute counts as it: a redraw on the instant reads k, not k + 1.
    minutes = max(1, math.ceil((seconds - 1e-6) / 60))
    hours, minutes = divmod(minutes, 60)
    if hours and minutes:
        return _("{hours} h {minutes} min").format(hours=hours, minutes=minutes)
    if hours:
        return _("{hours} h").format(hours=hours)
    return _("{minutes} min").format(minutes=minutes)


def clock_text(wall: float, now_wall: float | None = None) -> str:
    """Return a wall-clock time as local "HH:MM", with the weekday when it is not today."""
    when = datetime.fromtimestamp(round(wall / 60) * 60).astimezone()  # to the nearest minute
    time = clock_time(when)
    if now_wall is not None and when.date() != datetime.fromtimestamp(now_wall).date():
        # Translators: a clock time on another day, e.g. "Tue 09:30"
        return _("{weekday} {time}").format(weekday=weekday_name(when.date()), time=time)
    return time


def phase_text(exercise: Exercise, phase: Phase, seconds_left: int | None = None) -> str:
    """Return one phase of a routine, e.g. "Left leg: hold 10 s - 1 of 3"."""
    seconds = phase.seconds if seconds_left is None else seconds_left
    # Translators: which repetition this is, e.g. "1 of 3"
    count = _("{rep} of {reps}").format(rep=phase.rep, reps=phase.reps)
    if phase.kind == "rest":
        if phase.side:
            return _("Release and rest {seconds} s - next: {side} {count}").format(
                seconds=seconds, side=phase.side, count=count
            )
        return _("Release and rest {seconds} s - next: {count}").format(
            seconds=seconds, count=count
        )
    if phase.kind == "setup":
        text = _("get into position, {seconds} s").format(seconds=seconds)
    elif phase.kind == "switch":
        text = _("release, other side - get into position, {seconds} s").format(seconds=seconds)
        if phase.side:
            text = _("release, other side - {side}: get into position, {seconds} s").format(
                side=_capital(phase.side), seconds=seconds
            )
        return text
    elif exercise.hold_seconds:
        text = _("hold {seconds} s - {count}").format(seconds=seconds, count=count)
    else:
        text = _("one slow repetition, about {seconds} s - {count}").format(
            seconds=MOVEMENT_SECONDS, count=count
        )
    if phase.side:
        # Translators: a phase on one side, e.g. "Left leg: hold 10 s - 1 of 3"
        return _("{side}: {phase}").format(side=_capital(phase.side), phase=text)
    return text


def _capital(text: str) -> str:
    """Return a text with its first letter a capital."""
    return text[:1].upper() + text[1:]


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
        return _("Away: the sitting timer starts again when you are back")
    mode = state.mode
    match mode:
        case Working():
            wait_text = wait(mode.deadline - at.mono)
            return _("Next stretch in {time}: {name}").format(time=wait_text, name=name)
        case Due(held_until=float()) if in_call:
            return _("In a call: the stretch waits until it ends ({name})").format(name=name)
        case Due(held_until=float()):
            return _("Held back: do not disturb ({name})").format(name=name)
        case Due():
            return _("Time to stretch: {name}").format(name=name)
        case Snoozed():
            wait_text = wait(mode.until - at.mono)
            return _("Snoozed: {name} in {time}").format(name=name, time=wait_text)
        case Stretching():
            phase = current_phase(state, settings)
            assert phase is not None
            exercise = settings.exercise(state.rotation.current)
            if mode.paused_left is not None:
                left = max(0, math.ceil(mode.paused_left))
                shown = phase_text(exercise, phase, left)
                return _("{name} (paused): {phase}").format(name=name, phase=shown)
            left = max(0, math.ceil(mode.phase_ends_at - at.mono))
            shown = phase_text(exercise, phase, left)
            return _("{name}: {phase}").format(name=name, phase=shown)
        case Paused(until=None):
            return _("Paused until you resume")
        case Paused(until=float() as until):
            when = clock_text(at.wall_of(until), at.wall)
            return _("Paused until {time}").format(time=when)
        case Off(until=None):
            return _("Off hours")
        case Off(until=float() as until):
            when = clock_text(at.wall_of(until), at.wall)
            return _("Off hours until {time}").format(time=when)
    raise AssertionError(mode)  # pragma: no cover


def menu_status_line(
    state: EngineState, at: Moment, settings: Settings, in_call: bool = False
) -> str:
    """Return the menu's status line, which names clock times so it only changes on events."""
    name = settings.exercise(state.rotation.current).name
    due_at = coming_due_at(state.mode)
    if due_at is not None and not is_away(state):
        when = clock_text(at.wall_of(due_at))
        return _("Next stretch at {time}: {name}").format(time=when, name=name)
    if isinstance(state.mode, Stretching):
        return _("Stretching: {name}").format(name=name)
    return status_line(state, at, settings, in_call)


def today_line(done: int, goal: int, streak: int) -> str:
    """Return the tray's tally for today, e.g. "Today: 4 of 6 - streak 3 days"."""
    return ngettext(
        "Today: {done} of {goal} - streak {count} day",
        "Today: {done} of {goal} - streak {count} days",
        streak,
    ).format(done=done, goal=goal, count=streak)


def waiting_text(waiting: int) -> str:
    """Return how many events wait for the history, e.g. "3 events waiting to be saved"."""
    return ngettext(
        "{count} event waiting to be saved", "{count} events waiting to be saved", waiting
    ).format(count=waiting)


# What the command line says after asking for the window at a page: (what happened, page).
_WINDOW_REPLIES = {
    ("opened", "settings"): N_("the settings window is open"),
    ("opened", "progress"): N_("the progress window is open"),
    ("opened", "stretches"): N_("the stretch library window is open"),
    ("raised", "settings"): N_("the open window now shows the settings"),
    ("raised", "progress"): N_("the open window now shows the progress"),
    ("raised", "stretches"): N_("the open window now shows the stretch library"),
    ("stood in", "settings"): N_("no window can open here; opened the settings as a file instead"),
    ("stood in", "progress"): N_("no window can open here; opened the progress as a file instead"),
    ("stood in", "stretches"): N_(
        "no window can open here; opened the stretch library as a file instead"
    ),
}


def window_reply(page: str, done: str) -> str:
    """Return what the command line says after asking for the window at a page."""
    return _(_WINDOW_REPLIES[done, page])
