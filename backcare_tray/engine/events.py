"""What goes into the engine (events: things that happened) and what comes out (effects)."""

from dataclasses import dataclass
from typing import Literal

from backcare_tray.exercises import Phase

__all__ = [
    "AnsweredBy",
    "BreakCause",
    "Cancel",
    "Effect",
    "Event",
    "MarkDone",
    "Notify",
    "NotifyKind",
    "Pause",
    "PauseRoutine",
    "Record",
    "RecordKind",
    "Refuse",
    "Resume",
    "ResumeRoutine",
    "Skip",
    "Snooze",
    "StartStretch",
    "Tick",
    "Wake",
]

# Who said a stretch was done: a menu item, the command line, a notification's button, or
# the guided routine itself by running to its end.
AnsweredBy = Literal["menu", "cli", "notification", "guided"]
# Why a natural break was taken: the person left the desk (idle, locked) or the machine slept.
BreakCause = Literal["idle", "sleep"]
# What a notification is for: a stretch falling due, a reminder of it, a routine's next
# phase, the routine's end.
NotifyKind = Literal["due", "reminder", "phase", "finished"]
# What the engine counts; the history keeps each under this name.
RecordKind = Literal[
    "started",
    "snoozed",
    "done",
    "skipped",
    "paused",
    "resumed",
    "cancelled",
    "notified",
    "natural_break",
    "hours_started",
    "hours_ended",
]


@dataclass(frozen=True)
class Tick:
    """The scheduled wake-up fired, with what the sensors say, as they said it."""

    now: float
    # Seconds since the last keyboard or mouse input; None when the probe gave no reading.
    idle_seconds: float | None = None
    # Seconds the machine was suspended since the previous event.
    slept_seconds: float = 0.0
    # Whether the screen is locked (counts as away).
    locked: bool = False
    # Whether do-not-disturb is on (a fullscreen window, or the desktop's own setting).
    dnd: bool = False
    # Whether another application uses the camera or the microphone (a call); with
    # hold_during_calls a call counts as sitting: idle 0, not locked.
    in_call: bool = False
    # Whether now is inside working hours, and when that next changes (engine time).
    active: bool = True
    active_change_at: float | None = None
    # True when no idle probe is available at all: no look for the person is planned.
    no_idle_probe: bool = False


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
    """The person says the stretch is done, from the menu, the command line or a button."""

    now: float
    answered_by: AnsweredBy = "menu"


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


@dataclass(frozen=True)
class PauseRoutine:
    """The person holds the guided routine's countdown where it is."""

    now: float


@dataclass(frozen=True)
class ResumeRoutine:
    """The person carries on with a paused routine."""

    now: float


Event = (
    Tick
    | StartStretch
    | Snooze
    | MarkDone
    | Skip
    | Pause
    | Resume
    | Cancel
    | PauseRoutine
    | ResumeRoutine
)


@dataclass(frozen=True)
class Notify:
    """Show a notification of this kind for this stretch (a routine's phase with it)."""

    kind: NotifyKind
    exercise_id: str
    phase: Phase | None = None
    # A phase that starts now (its cue is given); False when a routine is shown again
    # unchanged in its step (paused).
    begins: bool = True


@dataclass(frozen=True)
class Record:
    """Something worth counting happened; each field below belongs to the kinds it names."""

    kind: RecordKind
    exercise_id: str
    answered_by: AnsweredBy | None = None  # done: who said so
    stretching_seconds: int | None = None  # done after a routine: how long the stretching took
    reminder: bool = False  # notified: a reminder of a due stretch, not its first notification
    snooze_seconds: int | None = None  # snoozed: for how long
    pause_seconds: int | None = None  # paused: for how long (None: until resumed)
    cause: BreakCause | None = None  # natural_break: why
    away_seconds: int | None = None  # natural_break: how long the person was away


@dataclass(frozen=True)
class Wake:
    """Deliver a Tick at this engine time (None: no wake-up needed)."""

    at: float | None


@dataclass(frozen=True)
class Refuse:
    """The event made no sense in this state; tell the person why."""

    reason: str


Effect = Notify | Record | Wake | Refuse
