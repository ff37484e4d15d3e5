"""The guided routine one step at a time: what to do now, where, for how long, what comes next."""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from backcare_tray.cues import Cue
from backcare_tray.engine import EngineState, Notify, Record, Stretching, current_phase
from backcare_tray.exercises import MOVEMENT_SECONDS, Exercise, Phase, phases
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

DONE_WORDS = "Done, well done."
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
    doing: str  # the few words that matter now: "Hold", "Get into position", "Release"
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


def _limb(side: str | None) -> str:
    """Return what a side is of: "leg" for "left leg", else "side"."""
    words = (side or "").split()
    return words[-1] if len(words) > 1 else "side"


def _where(phase: Phase) -> str:
    """Return which side and repetition a phase is: "Left leg, 2 of 3", "Left leg" to set up."""
    side = side_label(phase.side)
    if phase.kind in ("setup", "switch"):
        return side
    count = f"{phase.rep} of {phase.reps}"
    if phase.kind == "rest":  # the repetition that comes next
        count = f"next {count}"
    return f"{side}, {count}" if side else f"Repetition {count}"


def _doing(exercise: Exercise, phase: Phase, set_up_steps: int) -> str:
    """Return the few words that say what to do in a phase."""
    match phase.kind:
        case "setup":
            total = f" ({phase.step + 1} of {set_up_steps})" if set_up_steps > 1 else ""
            return f"Get into position{total}"
        case "switch":
            return f"Release. Other {_limb(phase.side)}"
        case "rest":
            return "Release and rest"
        case "hold":
            if exercise.hold_seconds:
                return "Hold"
            return f"One slow repetition (about {MOVEMENT_SECONDS} s)"
    raise AssertionError(phase.kind)  # pragma: no cover


def _next_up(exercise: Exercise, routine: tuple[Phase, ...], index: int) -> str:
    """Return what follows a phase, e.g. "Next: hold 10 s" or "Last one"."""
    if index + 1 >= len(routine):
        return "Last one, then done"
    following = routine[index + 1]
    match following.kind:
        case "hold":
            if exercise.hold_seconds:
                return f"Next: hold {following.seconds} s"
            return "Next: one slow repetition"
        case "switch":
            return f"Next: {following.side or 'the other side'}"
        case "rest":
            return "Next: release and rest"
        case _:
            return "Next: the next step"


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
            exercise.steps[after] if after < len(exercise.steps) else "Let go and breathe."
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
    match phase.kind:
        case "setup":
            if first:
                where = f"{side}. " if side else ""
                return Cue("start", f"{exercise.name}. {where}{exercise.steps[phase.step]}")
            return Cue("step", exercise.steps[phase.step])
        case "switch":
            other = f"Release. Other {_limb(phase.side)}."
            return Cue("switch", f"{other} {exercise.steps[phase.step]}")
        case "rest":
            return Cue("release", "Release.")
        case "hold":
            what = "Hold." if exercise.hold_seconds else "Up, and slowly down."
            if phase.rep == 1 and side:
                return Cue("hold", f"{side}. {what}")
            return Cue("hold", what)
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
                return Cue("done", DONE_WORDS)
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
