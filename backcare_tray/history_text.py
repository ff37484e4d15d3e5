"""The history's events in words, one line each, with names and units (pure)."""

from collections.abc import Callable, Mapping

from backcare_tray.durations import format_duration
from backcare_tray.stats import HistoryEntry

__all__ = ["ANSWERED_BY", "WORDING", "event_words", "history_line"]

# Who said a stretch was done (a done row's how), as the line says it.
ANSWERED_BY = {
    "menu": "from the menu",
    "cli": "from the command line",
    "notification": "from a notification",
    "guided": "guided",
}


def _for(seconds: int | None) -> str:
    """Return " for 10m", or nothing when the row holds no length."""
    return f" for {format_duration(seconds)}" if seconds else ""


def _done(event: HistoryEntry, name: str) -> str:
    """Return who said the stretch was done and how long the stretching took, if known."""
    how = [ANSWERED_BY.get(event.how, event.how)] if event.how else []
    if event.seconds:  # a routine ran: how long, its pauses left out
        how.append(f"{format_duration(event.seconds)} stretching")
    return f"{name} ({', '.join(how)})" if how else name


def _natural_break(event: HistoryEntry, name: str) -> str:
    """Return why the person was away and for how long."""
    if event.how == "sleep":
        return f"the computer slept{_for(event.seconds)}"
    return f"away from the desk{_for(event.seconds)}"


# What follows each kind on its line; the row's name is the stretch's (the id's when the
# library no longer has it). seconds and how mean what history.stored_columns says per kind.
WORDING: Mapping[str, Callable[[HistoryEntry, str], str]] = {
    "notified": lambda e, name: (
        f"{name} {'still due (reminder)' if e.how == 'reminder' else 'fell due'}"
    ),
    "started": lambda e, name: f"{name} (guided)",
    "done": _done,
    "snoozed": lambda e, name: f"{name}{_for(e.seconds)}",
    "skipped": lambda e, name: name,
    "cancelled": lambda e, name: f"{name} (stopped, not counted)",
    "paused": lambda e, name: f"reminders{_for(e.seconds) or ' until resumed'}",
    "resumed": lambda e, name: "reminders",
    "natural_break": _natural_break,
    "hours_started": lambda e, name: "",
    "hours_ended": lambda e, name: "",
    "daemon_started": lambda e, name: "",
    "daemon_stopped": lambda e, name: "",
}


def event_words(event: HistoryEntry, names: Mapping[str, str]) -> str:
    """Return what an event says after its kind, e.g. "Hamstring stretch for 1m"."""
    name = names.get(event.exercise_id, event.exercise_id) if event.exercise_id else ""
    wording = WORDING.get(event.kind)
    if wording is None:  # a kind a later release writes: its columns as they are
        return " ".join(str(x) for x in (name, event.seconds, event.how) if x)
    return wording(event, name)


def history_line(event: HistoryEntry, names: Mapping[str, str]) -> str:
    """Return an event's line: its UTC time, its kind and what it says."""
    return f"{event.at_utc}  {event.kind:<15} {event_words(event, names)}".rstrip()
