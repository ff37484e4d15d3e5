"""The one vocabulary of commands: each name, its argument, where it may come from, what it does."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol, get_args

from backcare_tray import engine
from backcare_tray.i18n import N_

__all__ = [
    "COMMANDS",
    "BecomesEvent",
    "Command",
    "CommandName",
    "CommandSpec",
    "DurationKind",
    "Handlers",
    "Occasion",
    "OpensWindow",
    "Reply",
    "RunsJob",
    "Source",
    "WindowPage",
    "busy",
    "command_named",
    "socket_commands",
]

CommandName = Literal[
    "status",
    "start",
    "snooze",
    "done",
    "skip",
    "pause",
    "pause-tomorrow",
    "resume",
    "cancel",
    "pause-routine",
    "resume-routine",
    "reload",
    "quit",
    "howto",
    "settings",
    "progress",
    "stretches",
]
# The pages of the application window (settings, progress, the stretch library).
WindowPage = Literal["settings", "progress", "stretches"]
# Where a command came from: the tray menu, the command line (over the socket) or a button.
Source = Literal["menu", "cli", "notification"]
# The kinds of duration a command's seconds may be (durations.LONGEST says how long each may be).
DurationKind = Literal["snooze", "pause"]
Reply = dict[str, Any]


def busy() -> Reply:
    """Return the reply to a command not carried out because its asker's time ran out first."""
    error = "the daemon was busy; the command was not carried out"
    return {"ok": False, "busy": True, "error": error}


@dataclass(frozen=True)
class Command:
    """Something the person asked for, with its duration in seconds where it takes one."""

    name: CommandName
    seconds: int | None = None


@dataclass(frozen=True)
class Occasion:
    """When and where a command arrived, and what resolving it may need to ask the clock."""

    now: float
    source: Source
    # Seconds until the next start of working hours (read from the local clock when asked).
    seconds_to_working_start: Callable[[], int]


class Handlers(Protocol):
    """What the daemon itself does for the commands that are not engine events."""

    def report(self) -> Reply:
        """Answer with the status only."""
        ...

    def stop(self) -> Reply:
        """Stop the daemon."""
        ...

    def reload(self) -> Reply:
        """Read the config file again."""
        ...

    def open_window(self, page: WindowPage) -> Reply:
        """Open the application window at a page, or raise it there."""
        ...

    def show_howto(self) -> Reply:
        """Show how to do the next stretch."""
        ...


@dataclass(frozen=True)
class BecomesEvent:
    """A command the engine decides: the event it becomes."""

    event: Callable[[Command, Occasion], engine.Event]


@dataclass(frozen=True)
class RunsJob:
    """A command the daemon carries out itself, through one of its handlers."""

    job: Callable[[Handlers], Reply]


@dataclass(frozen=True)
class OpensWindow:
    """A command that opens the application window (alone, from the CLI, with no daemon)."""

    page: WindowPage


@dataclass(frozen=True)
class CommandSpec:
    """What a command does, its argument, and where it may come from."""

    help: str
    does: BecomesEvent | RunsJob | OpensWindow
    # The kind of duration its seconds are, None when it takes no argument.
    duration: DurationKind | None = None
    # Whether the control socket (and so the command line) takes it; else tray menu only.
    over_socket: bool = True
    # How the command line spells it when not by its own name: ("pause", "tomorrow").
    spelled: tuple[CommandName, str] | None = None
    # The command line's help for its duration; {or_words} lists the commands spelled as it.
    argument_help: str = ""


def _pause_until_working_hours(command: Command, occasion: Occasion) -> engine.Event:
    """Return the pause that lasts until the next start of working hours."""
    return engine.Pause(occasion.now, occasion.seconds_to_working_start())


COMMANDS: Mapping[CommandName, CommandSpec] = {
    "status": CommandSpec(N_("show what the daemon is doing"), RunsJob(lambda h: h.report())),
    "start": CommandSpec(
        N_("start the guided stretch now"), BecomesEvent(lambda c, o: engine.StartStretch(o.now))
    ),
    "snooze": CommandSpec(
        N_("postpone the due stretch"),
        BecomesEvent(lambda c, o: engine.Snooze(o.now, c.seconds)),
        duration="snooze",
        argument_help=N_("e.g. 10m{or_words} (default: config)"),
    ),
    "done": CommandSpec(
        N_("mark the stretch done"), BecomesEvent(lambda c, o: engine.MarkDone(o.now, o.source))
    ),
    "skip": CommandSpec(N_("skip the stretch"), BecomesEvent(lambda c, o: engine.Skip(o.now))),
    "pause": CommandSpec(
        N_("pause reminders"),
        BecomesEvent(lambda c, o: engine.Pause(o.now, c.seconds)),
        duration="pause",
        argument_help=N_("e.g. 1h, 2d or 1w{or_words} (default: until resumed)"),
    ),
    "pause-tomorrow": CommandSpec(
        N_("pause until tomorrow's working hours"),
        BecomesEvent(_pause_until_working_hours),
        spelled=("pause", "tomorrow"),
    ),
    "resume": CommandSpec(N_("resume reminders"), BecomesEvent(lambda c, o: engine.Resume(o.now))),
    "cancel": CommandSpec(
        N_("stop a guided stretch without counting it"),
        BecomesEvent(lambda c, o: engine.Cancel(o.now)),
    ),
    "pause-routine": CommandSpec(
        N_("hold a guided stretch's countdown where it is"),
        BecomesEvent(lambda c, o: engine.PauseRoutine(o.now)),
    ),
    "resume-routine": CommandSpec(
        N_("carry on with a paused guided stretch"),
        BecomesEvent(lambda c, o: engine.ResumeRoutine(o.now)),
    ),
    "reload": CommandSpec(
        N_("read the config file again (also: SIGHUP)"), RunsJob(lambda h: h.reload())
    ),
    "quit": CommandSpec(N_("stop the daemon"), RunsJob(lambda h: h.stop())),
    "howto": CommandSpec(
        N_("show how to do the next stretch"), RunsJob(lambda h: h.show_howto()), over_socket=False
    ),
    "settings": CommandSpec(N_("change the settings in a window"), OpensWindow("settings")),
    "progress": CommandSpec(
        N_("show today, the week and the month: stretches, streaks, sitting"),
        OpensWindow("progress"),
    ),
    "stretches": CommandSpec(
        N_("the stretch library: see, choose, add and import stretches"), OpensWindow("stretches")
    ),
}


_NAMES: dict[str, CommandName] = {name: name for name in get_args(CommandName)}


def command_named(name: str) -> CommandName | None:
    """Return name as a command name if it is one, else None (for text from outside)."""
    return _NAMES.get(name)


def socket_commands() -> set[CommandName]:
    """Return the names the control socket accepts."""
    return {name for name, spec in COMMANDS.items() if spec.over_socket}
