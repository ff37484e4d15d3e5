"""The break's notification as data: what it says, its buttons, and when it changes."""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from backcare_tray.commands import Command, CommandName, Source, command_named
from backcare_tray.engine import (
    Due,
    EngineState,
    Notify,
    Record,
    Snoozed,
    Stretching,
    coming_due_at,
    current_phase,
)
from backcare_tray.exercises import MOVEMENT_SECONDS, Exercise
from backcare_tray.moment import Moment
from backcare_tray.settings import Settings
from backcare_tray.wording import clock_text, dose, duration_text

__all__ = [
    "ACTION_COMMANDS",
    "ANSWER_HINT",
    "CONFIRMATION_SECONDS",
    "ROUTINE_GRACE",
    "Action",
    "ActionKey",
    "Notice",
    "NoticeKind",
    "Urgency",
    "action_command",
    "howto_text",
    "notice_after",
    "render_notice",
    "steps_text",
]

# What the notification of the current break shows; "howto" is asked for from the menu.
NoticeKind = Literal["due", "stretching", "counted", "snoozed", "howto"]
Urgency = Literal["low", "normal", "critical"]
# Seconds a routine's notification outlives its phase unless updated: if the daemon dies
# mid-routine, the notification goes away by itself.
ROUTINE_GRACE = 30
CONFIRMATION_SECONDS = 6
# Where a server offers no buttons, the body says how to answer instead.
ANSWER_HINT = "Answer from the tray icon, or run: backcare-tray start | snooze | done | skip"


# A button's key is the command it runs, as the tray item of the same name runs it;
# "default" is a click on the body.
ActionKey = CommandName | Literal["default"]


@dataclass(frozen=True)
class Action:
    """A notification button: the key the server sends back and the label it shows."""

    key: ActionKey
    label: str


@dataclass(frozen=True)
class Notice:
    """One state of the break's notification, ready for any notification adapter."""

    kind: NoticeKind
    title: str
    body: str
    actions: tuple[Action, ...] = ()
    urgency: Urgency = "normal"
    timeout: int = 10  # seconds; 0 means until answered
    answer_hint: str = ""  # appended to the body where the server has no buttons
    category: str = "x-backcare-tray.break"


# The commands a button may run: those that answer the break where it appears.
ACTION_COMMANDS: dict[ActionKey, Command] = {
    "default": Command("start"),
    **{name: Command(name) for name in ("start", "snooze", "done", "skip", "cancel")},
}


_NOTIFY_KINDS: dict[str, NoticeKind] = {"phase": "stretching", "finished": "counted"}


def action_command(key: str) -> Command | None:
    """Return the command a notification button runs, None for a key that is not ours."""
    name = "default" if key == "default" else command_named(key)
    return None if name is None else ACTION_COMMANDS.get(name)


def notice_after(
    before: EngineState, after: EngineState, effects: Sequence[object], source: Source | None
) -> NoticeKind | Literal["close"] | None:
    """Return what the notification becomes after a step: a kind, "close", or None to keep it."""
    # source is None when time moved the state on (a Tick), else where the person answered.
    answered_elsewhere = source not in (None, "notification")
    for effect in effects:
        if isinstance(effect, Notify):
            kind = _NOTIFY_KINDS.get(effect.kind, "due")
            return "close" if kind == "counted" and answered_elsewhere else kind
    if after.mode.name == before.mode.name and after.rotation == before.rotation:
        return None
    if source == "notification":  # confirm the answer where it was given
        if isinstance(after.mode, Snoozed):
            return "snoozed"
        if any(isinstance(e, Record) and e.kind == "done" for e in effects):
            return "counted"
    return "close"


def steps_text(exercise: Exercise) -> str:
    """Return the numbered steps, one per line."""
    return "\n".join(f"{number}. {step}" for number, step in enumerate(exercise.steps, 1))


def howto_text(exercise: Exercise) -> str:
    """Return everything needed to do a stretch: summary, dose, steps and safety note."""
    lines = [exercise.summary, f"{dose(exercise)}.", steps_text(exercise)]
    if exercise.safety:
        lines.append(f"Careful: {exercise.safety}")
    return "\n".join(lines)


def _next_break(state: EngineState, at: Moment, settings: Settings) -> str:
    """Return when and what the next stretch is, e.g. "Next: Calf stretch at 15:20"."""
    name = settings.exercise(state.rotation.current).name
    due_at = coming_due_at(state.mode)
    if due_at is not None:
        return f"Next: {name} at {clock_text(at.wall_of(due_at), at.wall)}."
    return f"Next: {name}."


def _routine_notice(state: EngineState, at: Moment, settings: Settings) -> Notice:
    """Return the guided routine's notification: where you are, the countdown, the steps."""
    exercise = settings.exercise(state.rotation.current)
    phase = current_phase(state, settings)
    assert phase is not None and isinstance(state.mode, Stretching)
    left = max(0, math.ceil(state.mode.phase_ends_at - at.mono))
    where = f"{phase.side}, " if phase.side else ""
    count = f"{where}{phase.rep} of {phase.reps}"
    if phase.kind == "rest":
        title = f"{exercise.name}: rest"
        lines = [f"Release and rest - {left} s", f"Next: {count}."]
    else:
        title = f"{exercise.name}: {count}"
        doing = "Hold" if exercise.hold_seconds else f"One slow repetition (~{MOVEMENT_SECONDS} s)"
        lines = [f"{doing} - {left} s left", steps_text(exercise)]
    if exercise.safety:
        lines.append(f"Careful: {exercise.safety}")
    return Notice(
        "stretching",
        title,
        "\n".join(lines),
        actions=(Action("done", "Done"), Action("cancel", "Stop")),
        urgency="low",
        timeout=left + ROUTINE_GRACE,
        answer_hint="Stop it from the tray icon, or run: backcare-tray cancel",
        category="x-backcare-tray.stretch",
    )


def render_notice(
    kind: NoticeKind, state: EngineState, at: Moment, settings: Settings, today_done: int = 0
) -> Notice:
    """Return the notification of a kind for the state now."""
    exercise = settings.exercise(state.rotation.current)
    match kind:
        case "due":
            return Notice(
                "due",
                f"Time to stretch: {exercise.name}",
                f"{exercise.summary}\n{dose(exercise)}. Start it for a guided routine.",
                actions=(
                    Action("default", "Start"),
                    Action("start", "Start"),
                    Action("snooze", f"Snooze {duration_text(settings.snooze)}"),
                    Action("done", "Done"),
                    Action("skip", "Skip"),
                ),
                timeout=settings.notification_timeout,
                answer_hint=ANSWER_HINT,
            )
        case "stretching":
            return _routine_notice(state, at, settings)
        case "counted":
            goal = settings.daily_goal
            return Notice(
                "counted",
                "Stretch counted",
                f"Today: {today_done} of {goal}. {_next_break(state, at, settings)}",
                urgency="low",
                timeout=CONFIRMATION_SECONDS,
            )
        case "snoozed":
            back = coming_due_at(state.mode) or at.mono
            return Notice(
                "snoozed",
                f"Snoozed: {exercise.name}",
                f"Back in {duration_text(back - at.mono)}, at {clock_text(at.wall_of(back))}.",
                actions=(Action("start", "Start now"),),
                urgency="low",
                timeout=CONFIRMATION_SECONDS,
            )
        case "howto":
            if isinstance(state.mode, Due):
                actions = render_notice("due", state, at, settings).actions[1:]
            else:
                stretching = isinstance(state.mode, Stretching)
                actions = () if stretching else (Action("start", "Start"),)
            return Notice(
                "howto",
                f"How to do it: {exercise.name}",
                howto_text(exercise),
                actions=actions,
                timeout=0,
                category="x-backcare-tray.howto",
            )
    raise AssertionError(kind)  # pragma: no cover
