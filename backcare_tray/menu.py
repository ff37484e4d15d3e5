"""The tray menu as plain data: entries carry commands, not callbacks."""

from dataclasses import dataclass

from backcare_tray.commands import Command
from backcare_tray.durations import format_duration
from backcare_tray.engine import EngineState, Paused, Stretching, answerable
from backcare_tray.i18n import _, ngettext, pgettext
from backcare_tray.settings import Settings

__all__ = ["PAUSE_CHOICES", "SEPARATOR", "MenuEntry", "build_menu", "duration_label"]

PAUSE_CHOICES = (30 * 60, 60 * 60, 2 * 60 * 60)


@dataclass(frozen=True)
class MenuEntry:
    """One menu line; a separator has an empty label, a submenu has children."""

    label: str
    command: Command | None = None
    enabled: bool = True
    children: tuple["MenuEntry", ...] = ()
    default: bool = False


SEPARATOR = MenuEntry("")


def duration_label(seconds: int) -> str:
    """Return a menu label for a duration: "5 min", "1 hour", "2 hours", "1h30m"."""
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return ngettext("{count} hour", "{count} hours", hours).format(count=hours)
    if seconds % 60 == 0 and seconds < 3600:
        return _("{minutes} min").format(minutes=seconds // 60)
    return format_duration(seconds)


def build_menu(
    state: EngineState, status: str, today: str, settings: Settings
) -> tuple[MenuEntry, ...]:
    """Return the menu for this state, top to bottom."""
    name = settings.exercise(state.rotation.current).name
    stretching = isinstance(state.mode, Stretching)
    due = answerable(state.mode)  # a stretch to snooze, mark done or skip
    first = (
        MenuEntry(_("Stop stretch (not counted)"), Command("cancel"))
        if stretching
        # Translators: the first menu entry; {name} is the stretch, e.g. "Calf stretch"
        else MenuEntry(_("Start {name}").format(name=name), Command("start"))
    )
    snooze = MenuEntry(
        pgettext("menu", "Snooze"),
        enabled=due,
        children=tuple(
            MenuEntry(duration_label(s), Command("snooze", s)) for s in settings.snooze_choices
        ),
    )
    if isinstance(state.mode, Paused):
        pause = MenuEntry(pgettext("menu", "Resume"), Command("resume"))
    else:
        pause = MenuEntry(
            pgettext("menu", "Pause"),
            children=(
                *(MenuEntry(duration_label(s), Command("pause", s)) for s in PAUSE_CHOICES),
                MenuEntry(_("Until tomorrow"), Command("pause-tomorrow")),
                MenuEntry(_("Until I resume"), Command("pause")),
            ),
        )
    # While a routine runs, it can be held where it is and picked up again.
    holding: tuple[MenuEntry, ...] = ()
    if isinstance(state.mode, Stretching):
        paused = state.mode.paused_left is not None
        holding = (
            MenuEntry(_("Continue stretch"), Command("resume-routine"))
            if paused
            else MenuEntry(_("Pause stretch"), Command("pause-routine")),
        )
    return (
        MenuEntry(status, enabled=False),
        first,
        *holding,
        snooze,
        MenuEntry(_("Mark done"), Command("done"), enabled=due),
        MenuEntry(pgettext("menu", "Skip"), Command("skip"), enabled=due),
        # The default item, run by a left click where the host offers one: it shows the
        # stretch with the buttons that fit (Start; or Snooze, Done, Skip when it is due).
        MenuEntry(_("How to do it"), Command("howto"), default=True),
        SEPARATOR,
        pause,
        SEPARATOR,
        MenuEntry(today, enabled=False),
        MenuEntry(_("Show progress"), Command("progress")),
        MenuEntry(pgettext("menu", "Stretches"), Command("stretches")),
        MenuEntry(_("Settings…"), Command("settings")),
        MenuEntry(pgettext("menu", "Quit"), Command("quit")),
    )
