"""The break's notification as data: what it says, its buttons, and when it changes."""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from backcare_tray.commands import Command, CommandName, Source, command_named
from backcare_tray.engine import (
    ROUTINE_PAUSE_MOST,
    Due,
    EngineState,
    Notify,
    Record,
    Snoozed,
    Stretching,
    coming_due_at,
    is_away,
)
from backcare_tray.exercises import Exercise
from backcare_tray.guide import StepPicture, guidance
from backcare_tray.i18n import _, pgettext
from backcare_tray.moment import Moment
from backcare_tray.settings import Settings
from backcare_tray.wording import clock_text, dose, duration_text

__all__ = [
    "ACTION_COMMANDS",
    "CONFIRMATION_SECONDS",
    "ROUTINE_GRACE",
    "Action",
    "ActionKey",
    "Notice",
    "NoticeKind",
    "Urgency",
    "action_command",
    "answer_hint",
    "due_picture",
    "howto_text",
    "notice_after",
    "render_notice",
    "steps_text",
]

# What the notification of the current break shows; "howto" is asked for from the menu.
NoticeKind = Literal["due", "reminder", "stretching", "counted", "snoozed", "stopped", "howto"]
Urgency = Literal["low", "normal", "critical"]
# Seconds a routine's notification outlives its phase unless updated: if the daemon dies
# mid-routine, the notification goes away by itself.
ROUTINE_GRACE = 30
CONFIRMATION_SECONDS = 6


def answer_hint() -> str:
    """Return what a body says where the server offers no buttons: how to answer instead."""
    return _("Answer from the tray icon, or run: {command}").format(
        command="backcare-tray start | snooze | done | skip"
    )


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
    picture: StepPicture | None = None  # the stretch's picture for this moment, if any
    look: str = "working"  # the tray look whose picture is the notification's icon
    # The files the picture and the look are drawn in, filled in by the daemon ("": none).
    image_path: str = ""
    icon_path: str = ""
    # True when the server may play its own sound (the daemon plays none for it).
    server_sound: bool = False


# The commands a button may run: those that answer the break where it appears.
ACTION_COMMANDS: dict[ActionKey, Command] = {
    "default": Command("start"),
    **{
        name: Command(name)
        for name in ("start", "snooze", "done", "skip", "cancel", "resume-routine")
    },
}


_NOTIFY_KINDS: dict[str, NoticeKind] = {
    "phase": "stretching",
    "finished": "counted",
    "reminder": "reminder",
    "due": "due",
}


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
            kind = _NOTIFY_KINDS[effect.kind]
            return "close" if kind == "counted" and answered_elsewhere else kind
        if isinstance(effect, Record) and effect.kind == "cancelled":
            return "stopped"  # say where the stretch went, wherever it was stopped
    if is_away(after) and not is_away(before):
        return "close"  # nobody is there to read it; the tray shows the state meanwhile
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


def due_picture(exercise: Exercise) -> StepPicture:
    """Return the picture a due stretch shows: its held step, on the first side."""
    return StepPicture(exercise.id, exercise.held_step, 0 if exercise.sides else None)


def howto_text(exercise: Exercise) -> str:
    """Return everything needed to do a stretch: summary, dose, steps and safety note."""
    lines = [exercise.summary, _("{dose}.").format(dose=dose(exercise)), steps_text(exercise)]
    if exercise.safety:
        lines.append(careful(exercise.safety))
    return "\n".join(lines)


def careful(safety: str) -> str:
    """Return a stretch's safety note as the line that warns."""
    return _("Careful: {safety}").format(safety=safety)


def _next_break(state: EngineState, at: Moment, settings: Settings) -> str:
    """Return when and what the next stretch is, e.g. "Next: Calf stretch at 15:20"."""
    name = settings.exercise(state.rotation.current).name
    due_at = coming_due_at(state.mode)
    if due_at is not None:
        when = clock_text(at.wall_of(due_at), at.wall)
        return _("Next: {name} at {time}.").format(name=name, time=when)
    return _("Next: {name}.").format(name=name)


def _routine_notice(state: EngineState, at: Moment, settings: Settings) -> Notice:
    """Return the guided routine's notification: the one step that matters now."""
    guide = guidance(state, at, settings)
    assert guide is not None and isinstance(state.mode, Stretching)
    name = guide.exercise_name
    # Translators: a routine's title, the stretch and where it is at ("Calf stretch: left leg")
    title = _("{name}: {where}").format(name=name, where=guide.where) if guide.where else name
    left = guide.seconds_left
    if guide.paused:
        # Translators: {doing} is what the phase is, e.g. "Hold"
        lines = [_("Paused - {doing}, {seconds} s left").format(doing=guide.doing, seconds=left)]
        actions = (
            Action("resume-routine", pgettext("button", "Continue")),
            Action("cancel", pgettext("button", "Stop")),
        )
    else:
        lines = [_("{doing} - {seconds} s").format(doing=guide.doing, seconds=left)]
        actions = (
            Action("done", pgettext("button", "Done")),
            Action("cancel", pgettext("button", "Stop")),
        )
    lines.append(guide.instruction)
    if guide.safety:
        lines.append(careful(guide.safety))
    else:
        lines.append(guide.next_up)
    return Notice(
        "stretching",
        title,
        "\n".join(lines),
        actions=actions,
        timeout=_routine_timeout(state.mode, guide.seconds_left, at),
        answer_hint=_("Stop it from the tray icon, or run: {command}").format(
            command="backcare-tray cancel"
        ),
        category="x-backcare-tray.stretch",
        picture=guide.picture,
        look="stretching",
    )


def _routine_timeout(mode: Stretching, seconds_left: int, at: Moment) -> int:
    """Return how long a routine's update may stay up unless updated: its phase, or its pause."""
    if mode.paused_at is not None:  # until the pause is given up, which updates it
        seconds_left = math.ceil(max(0.0, mode.paused_at + ROUTINE_PAUSE_MOST - at.mono))
    return seconds_left + ROUTINE_GRACE


def _due_actions(settings: Settings) -> tuple[Action, ...]:
    """Return a due stretch's buttons; the body click ("default") is the one Start."""
    return (
        Action("default", pgettext("button", "Start")),
        # Translators: a button; {time} is how long, e.g. "10 min"
        Action("snooze", _("Snooze {time}").format(time=duration_text(settings.snooze))),
        Action("done", pgettext("button", "Done")),
        Action("skip", pgettext("button", "Skip")),
    )


def _due_notice(state: EngineState, at: Moment, settings: Settings, reminder: bool) -> Notice:
    """Return the notification of a due stretch, or of a reminder that it still waits."""
    exercise = settings.exercise(state.rotation.current)
    mode = state.mode
    title = _("Time to stretch: {name}").format(name=exercise.name)
    lines = [
        exercise.summary,
        _("{dose}. Start it for a guided routine.").format(dose=dose(exercise)),
    ]
    if reminder:
        title = _("Still waiting: {name}").format(name=exercise.name)
        due_at = mode.due_at if isinstance(mode, Due) else None
        if due_at is not None:
            waited = duration_text(at.mono - due_at)
            lines[0] = _("Due for {time}. {summary}").format(time=waited, summary=exercise.summary)
    return Notice(
        "reminder" if reminder else "due",
        title,
        "\n".join(lines),
        actions=_due_actions(settings),
        timeout=settings.notification_timeout,
        answer_hint=answer_hint(),
        picture=due_picture(exercise),
        look="due",
        server_sound=not settings.due_sound,
    )


def _stopped_notice(state: EngineState, at: Moment, settings: Settings) -> Notice:
    """Return the confirmation of a stopped routine: where the stretch went."""
    exercise = settings.exercise(state.rotation.current)
    mode = state.mode
    if isinstance(mode, Due) and mode.remind_at is not None:
        when = clock_text(at.wall_of(mode.remind_at))
        body = _("{name} is still due, reminder at {time}.").format(name=exercise.name, time=when)
    elif isinstance(mode, Due):
        body = _("{name} is still due.").format(name=exercise.name)
    else:
        body = _("Not counted. {next}").format(next=_next_break(state, at, settings))
    return Notice(
        "stopped",
        # Translators: the title of the notification after a guided stretch was stopped
        _("Stopped"),
        body,
        actions=(Action("start", _("Start again")),),
        timeout=CONFIRMATION_SECONDS,
        look=mode.name,
    )


def render_notice(
    kind: NoticeKind, state: EngineState, at: Moment, settings: Settings, today_done: int = 0
) -> Notice:
    """Return the notification of a kind for the state now."""
    exercise = settings.exercise(state.rotation.current)
    match kind:
        case "due" | "reminder":
            return _due_notice(state, at, settings, reminder=kind == "reminder")
        case "stopped":
            return _stopped_notice(state, at, settings)
        case "stretching":
            return _routine_notice(state, at, settings)
        case "counted":
            goal = settings.daily_goal
            return Notice(
                "counted",
                _("Stretch counted"),
                _("Today: {done} of {goal}. {next}").format(
                    done=today_done, goal=goal, next=_next_break(state, at, settings)
                ),
                timeout=CONFIRMATION_SECONDS,
                look="working",
            )
        case "snoozed":
            back = coming_due_at(state.mode) or at.mono
            return Notice(
                "snoozed",
                _("Snoozed: {name}").format(name=exercise.name),
                _("Back in {time}, at {clock}.").format(
                    time=duration_text(back - at.mono), clock=clock_text(at.wall_of(back))
                ),
                actions=(Action("start", _("Start now")),),
                timeout=CONFIRMATION_SECONDS,
                look="snoozed",
            )
        case "howto":
            if isinstance(state.mode, Due):
                start = Action("start", pgettext("button", "Start"))
                actions = (start, *_due_actions(settings)[1:])
            else:
                stretching = isinstance(state.mode, Stretching)
                actions = () if stretching else (Action("start", pgettext("button", "Start")),)
            return Notice(
                "howto",
                _("How to do it: {name}").format(name=exercise.name),
                howto_text(exercise),
                actions=actions,
                timeout=0,
                category="x-backcare-tray.howto",
                picture=due_picture(exercise),
                look=state.mode.name,
            )
    raise AssertionError(kind)  # pragma: no cover
