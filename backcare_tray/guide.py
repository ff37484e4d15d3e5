"""The guided routine one step at a time: what to do now, where, for how long, what comes next."""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from backcare_tray.cues import Cue
from backcare_tray.engine import EngineState, Notify, Record, Stretching, current_phase
from backcare_tray.exercises import MOVEMENT_SECONDS, Exercise, Phase, phases
from backcare_tray.i18n import N_, _, ngettext
from backcare_tray.moment import Moment
from backcare_tray.settings import Settings

__all__ = [
    "DONE_WORDS",
    "Guidance",
    "RoutineEnd",
    "StepPicture",
    "cue_after",
    "guidance",
    "phase_cue",
    "routine_end",
    "side_label",
]

DONE_WORDS = N_("Done, well done.")  # spoken at the end, translated where said
# How a guided routine ended: run to its end or marked done (counted), or stopped.
RoutineEnd = Literal["counted", "stopped"]


@dataclass(frozen=True)
class StepPicture:
    """Which picture a moment shows: a step of a stretch, for one side (None: no sides)."""

    exercise_id: str
    step: int
    side_index: int | None


@dataclass(frozen=True)
class Guidance:
    """Everything the notification and the coach window show of a routine at one moment."""

    exercise_name: str
    kind: str  # the phase's kind: setup, switch, hold or rest
    doing: str  # the few words that matter now: "Hold", "Get into position", "Release and rest"
    where: str  # which side and which repetition: "Left leg, 2 of 3" ("" when none)
    instruction: str  # the one step to follow now
    seconds_left: int
    phase_seconds: int
    next_up: str  # what follows: "Next: hold 10 s" ... "Last one"
    safety: str  # the safety note, up to the end of the first hold ("" after it)
    picture: StepPicture
    paused: bool
    step_number: int  # the phase's place in the routine, from 1
    step_count: int


def side_label(side: str | None) -> str:
    """Return a side as a label, e.g. "Left leg" ("" when the stretch has no sides)."""
    return f"{side[0].upper()}{side[1:]}" if side else ""


def _where(phase: Phase) -> str:
    """Return which side and repetition a phase is: "Left leg, 2 of 3", "Left leg" to set up."""
    side = side_label(phase.side)
    if phase.kind in ("setup", "switch"):
        return side
    rep, reps = phase.rep, phase.reps
    if phase.kind == "rest":  # the repetition that comes next
        if side:
            # Translators: which side and which repetition comes next, e.g. "Left leg, next 2 of 3"
            text = ngettext("{side}, next {rep} of {reps}", "{side}, next {rep} of {reps}", reps)
            return text.format(side=side, rep=rep, reps=reps)
        # Translators: the repetition that comes next of a stretch with no sides
        text = ngettext("Repetition next {rep} of {reps}", "Repetition next {rep} of {reps}", reps)
        return text.format(rep=rep, reps=reps)
    if side:
        # Translators: which side and which repetition this is, e.g. "Left leg, 2 of 3"
        text = ngettext("{side}, {rep} of {reps}", "{side}, {rep} of {reps}", reps)
        return text.format(side=side, rep=rep, reps=reps)
    text = ngettext("Repetition {rep} of {reps}", "Repetition {rep} of {reps}", reps)
    return text.format(rep=rep, reps=reps)


def _doing(exercise: Exercise, phase: Phase, set_up_steps: int) -> str:
    """Return the few words that say what to do in a phase."""
    match phase.kind:
        case "setup":
            if set_up_steps > 1:
                # Translators: the set-up step under way and how many there are
                text = ngettext(
                    "Get into position ({step} of {steps})",
                    "Get into position ({step} of {steps})",
                    set_up_steps,
                )
                return text.format(step=phase.step + 1, steps=set_up_steps)
            return _("Get into position")
        case "switch":
            # Translators: let go of the stretch and do it on the other side (shown large)
            return _("Release. Switch sides")
        case "rest":
            return _("Release and rest")
        case "hold":
            if exercise.hold_seconds:
                # Translators: keep the stretch as it is now (shown large in the coach window)
                return _("Hold")
            text = ngettext(
                "One slow repetition (about {seconds} s)",
                "One slow repetition (about {seconds} s)",
                MOVEMENT_SECONDS,
            )
            return text.format(seconds=MOVEMENT_SECONDS)
    raise AssertionError(phase.kind)  # pragma: no cover


def _next_up(exercise: Exercise, routine: tuple[Phase, ...], index: int) -> str:
    """Return what follows a phase, e.g. "Next: hold 10 s" or "Last one"."""
    if index + 1 >= len(routine):
        return _("Last one, then done")
    following = routine[index + 1]
    match following.kind:
        case "hold":
            if exercise.hold_seconds:
                seconds = following.seconds
                text = ngettext("Next: hold {seconds} s", "Next: hold {seconds} s", seconds)
                return text.format(seconds=seconds)
            return _("Next: one slow repetition")
        case "switch":
            if following.side:
                # Translators: the side the stretch is done on next, e.g. "Next: right leg"
                return _("Next: {side}").format(side=following.side)
            return _("Next: the other side")
        case "rest":
            return _("Next: release and rest")
        case _:
            return _("Next: the next step")


def guidance(state: EngineState, at: Moment, settings: Settings) -> Guidance | None:
    """Return what the routine under way asks for now, None when no routine runs."""
    mode = state.mode
    phase = current_phase(state, settings)
    if phase is None or not isinstance(mode, Stretching):
        return None
    exercise = settings.exercise(state.rotation.current)
    routine = phases(exercise)
    index = min(mode.phase_index, len(routine) - 1)
    paused_left = mode.paused_left
    left = paused_left if paused_left is not None else mode.phase_ends_at - at.mono
    # The safety note shows until the first hold is over: while setting up and holding once.
    first_hold = all(p.kind != "hold" for p in routine[:index])
    steps_before_hold = exercise.held_step
    if phase.kind == "rest":  # letting go: the step after the held one, where there is one
        after = exercise.held_step + 1
        instruction = (
            exercise.steps[after] if after < len(exercise.steps) else _("Let go and breathe.")
        )
    else:
        instruction = exercise.steps[phase.step]
    return Guidance(
        exercise_name=exercise.name,
        kind=phase.kind,
        doing=_doing(exercise, phase, steps_before_hold),
        where=_where(phase),
        instruction=instruction,
        seconds_left=max(0, math.ceil(left)),
        phase_seconds=phase.seconds,
        next_up=_next_up(exercise, routine, index),
        safety=exercise.safety if first_hold else "",
        picture=StepPicture(exercise.id, phase.step, phase.side_index),
        paused=paused_left is not None,
        step_number=index + 1,
        step_count=len(routine),
    )


def phase_cue(exercise: Exercise, phase: Phase, first: bool) -> Cue:
    """Return the cue a phase starts with: a chime, and what a voice says instead."""
    side = side_label(phase.side)
    step = exercise.steps[phase.step]
    match phase.kind:
        case "setup":
            if not first:
                return Cue("step", step)
            name = exercise.name
            if side:
                # Translators: spoken as a routine starts: the stretch, the side, the first step
                words = _("{name}. {side}. {step}").format(name=name, side=side, step=step)
            else:
                # Translators: spoken as a routine starts: the stretch, then its first step
                words = _("{name}. {step}").format(name=name, step=step)
            return Cue("start", words)
        case "switch":
            if not phase.side:
                return Cue("switch", _("Release. Switch sides. {step}").format(step=step))
            # Translators: spoken when the other side begins, e.g. "Switch to the right leg"
            words = _("Release. Switch to the {side}. {step}")
            return Cue("switch", words.format(side=phase.side, step=step))
        case "rest":
            # Translators: spoken when a hold ends
            return Cue("release", _("Release."))
        case "hold":
            if phase.rep == 1 and side:
                if exercise.hold_seconds:
                    # Translators: spoken as the first hold on a side begins, e.g. "Left leg. Hold."
                    return Cue("hold", _("{side}. Hold.").format(side=side))
                # Translators: spoken as the first movement on a side begins
                return Cue("hold", _("{side}. Up, and slowly down.").format(side=side))
            if exercise.hold_seconds:
                # Translators: spoken as a hold begins
                return Cue("hold", _("Hold."))
            # Translators: spoken as a movement (a slow repetition) begins
            return Cue("hold", _("Up, and slowly down."))
    raise AssertionError(phase.kind)  # pragma: no cover


def cue_after(effects: Sequence[object], settings: Settings) -> Cue | None:
    """Return the cue a step's effects call for: a stretch falls due, a phase begins, the end."""
    for effect in effects:
        if not isinstance(effect, Notify):
            continue
        exercise = settings.exercise(effect.exercise_id)
        match effect.kind:
            case "due" | "reminder":
                return Cue("due", "") if settings.due_sound else None
            case "finished":
                return Cue("done", _(DONE_WORDS))
            case "phase" if effect.phase is not None and effect.begins:
                first = effect.phase == phases(exercise)[0]
                return phase_cue(exercise, effect.phase, first)
    return None


def routine_end(effects: Sequence[object]) -> RoutineEnd | None:
    """Return how a step's effects end a guided routine, None when they end none."""
    for effect in effects:
        if isinstance(effect, Record) and effect.kind == "cancelled":
            return "stopped"
        if isinstance(effect, Record) and effect.stretching_seconds is not None:
            return "counted"
    return None
