"""The history's events in words, one line each, with names and units; dates in words (pure)."""

from collections.abc import Callable, Mapping

from backcare_tray.columns import padded
from backcare_tray.durations import format_duration
from backcare_tray.i18n import N_, _, pgettext
from backcare_tray.stats import HistoryEntry

__all__ = [
    "ANSWERED_BY",
    "KIND_WIDTH",
    "WORDING",
    "event_words",
    "history_line",
    "kind_label",
]

# Who said a stretch was done (a done row's how), as the line says it.
ANSWERED_BY = {
    "menu": N_("from the menu"),
    "cli": N_("from the command line"),
    "notification": N_("from a notification"),
    "guided": N_("guided"),
}
KIND_WIDTH = 15  # the kind's column on a line (and a space), so the words line up


def _kind_labels() -> dict[str, str]:
    """Return each kind of row as a history line names it, in the language in use."""
    return {
        "notified": pgettext("history event", "notified"),
        "started": pgettext("history event", "started"),
        "done": pgettext("history event", "done"),
        "snoozed": pgettext("history event", "snoozed"),
        "skipped": pgettext("history event", "skipped"),
        "cancelled": pgettext("history event", "cancelled"),
        "paused": pgettext("history event", "paused"),
        "resumed": pgettext("history event", "resumed"),
        "natural_break": pgettext("history event", "natural_break"),
        "hours_started": pgettext("history event", "hours_started"),
        "hours_ended": pgettext("history event", "hours_ended"),
        "daemon_started": pgettext("history event", "daemon_started"),
        "daemon_stopped": pgettext("history event", "daemon_stopped"),
    }


def kind_label(kind: str) -> str:
    """Return a row's kind as its line names it; a kind a later release writes, as it is."""
    return _kind_labels().get(kind, kind)


def _for(seconds: int | None) -> str:
    """Return " for 10m", or nothing when the row holds no length."""
    if not seconds:
        return ""
    # Translators: follows a stretch's name or "reminders": " for 10m" (mind the leading space).
    return _(" for {duration}").format(duration=format_duration(seconds))


def _done(event: HistoryEntry, name: str) -> str:
    """Return who said the stretch was done and how long the stretching took, if known."""
    how = (
        [_(ANSWERED_BY[event.how]) if event.how in ANSWERED_BY else event.how] if event.how else []
    )
    if event.seconds:  # a routine ran: how long, its pauses left out
        how.append(_("{duration} stretching").format(duration=format_duration(event.seconds)))
    if not how:
        return name
    # Translators: a done stretch's history line: its name, then how it was done, e.g.
    # "Calf stretch (from the menu, 40s stretching)".
    shown = _("{name} ({how})")
    return shown.format(name=name, how=pgettext("list separator", ", ").join(how))


def _natural_break(event: HistoryEntry, name: str) -> str:
    """Return why the person was away and for how long."""
    if event.how == "sleep":
        if event.seconds:
            return _("the computer slept for {duration}").format(
                duration=format_duration(event.seconds)
            )
        return _("the computer slept")
    if event.seconds:
        return _("away from the desk for {duration}").format(
            duration=format_duration(event.seconds)
        )
    return _("away from the desk")


def _notified(event: HistoryEntry, name: str) -> str:
    """Return that a stretch fell due, or is still due when the row is a reminder."""
    if event.how == "reminder":
        return _("{name} still due (reminder)").format(name=name)
    return _("{name} fell due").format(name=name)


def _paused(event: HistoryEntry, name: str) -> str:
    """Return how long the reminders were paused for, or that they wait to be resumed."""
    if event.seconds:
        return _("reminders for {duration}").format(duration=format_duration(event.seconds))
    return _("reminders until resumed")


# What follows each kind on its line; the row's name is the stretch's (the id's when the
# library no longer has it). seconds and how mean what history.stored_columns says per kind.
WORDING: Mapping[str, Callable[[HistoryEntry, str], str]] = {
    "notified": _notified,
    "started": lambda e, name: _("{name} (guided)").format(name=name),
    "done": _done,
    "snoozed": lambda e, name: f"{name}{_for(e.seconds)}",
    "skipped": lambda e, name: name,
    "cancelled": lambda e, name: _("{name} (stopped, not counted)").format(name=name),
    "paused": _paused,
    "resumed": lambda e, name: _("reminders"),
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
    kind = kind_label(event.kind)
    return f"{event.at_utc}  {padded(kind, KIND_WIDTH)} {event_words(event, names)}".rstrip()
