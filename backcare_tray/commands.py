"""The one vocabulary of commands: the CLI, the control socket, the tray and the buttons."""

from dataclasses import dataclass

__all__ = ["COMMANDS", "Command", "CommandSpec", "socket_commands"]


@dataclass(frozen=True)
class Command:
    """Something the person asked for: start, snooze, done, skip, pause, resume, cancel..."""

    name: str
    seconds: int | None = None


@dataclass(frozen=True)
class CommandSpec:
    """What a command is called, what it does, and where it can come from."""

    help: str
    # The kind of duration its seconds are (durations.LONGEST), None when it takes none.
    duration: str | None = None
    # Whether the command line sends it over the control socket (else menu only).
    over_socket: bool = True


COMMANDS: dict[str, CommandSpec] = {
    "status": CommandSpec("show what the daemon is doing"),
    "start": CommandSpec("start the guided stretch now"),
    "snooze": CommandSpec("postpone the due stretch", duration="snooze"),
    "done": CommandSpec("mark the stretch done"),
    "skip": CommandSpec("skip the stretch"),
    "pause": CommandSpec("pause reminders", duration="pause"),
    "pause-tomorrow": CommandSpec("pause until tomorrow's working hours"),
    "resume": CommandSpec("resume reminders"),
    "cancel": CommandSpec("stop a guided stretch without counting it"),
    "reload": CommandSpec("read the config file again (also: SIGHUP)"),
    "quit": CommandSpec("stop the daemon"),
    "howto": CommandSpec("show how to do the next stretch", over_socket=False),
    "settings": CommandSpec("open the config file", over_socket=False),
    "progress": CommandSpec("show the week's progress", over_socket=False),
}


def socket_commands() -> set[str]:
    """Return the names the control socket accepts."""
    return {name for name, spec in COMMANDS.items() if spec.over_socket}
