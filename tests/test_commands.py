"""One command vocabulary: what the menu, the buttons, the socket and the CLI may say."""

import json
from typing import get_args

import pytest

from backcare_tray.adapters.control import parse_request
from backcare_tray.cli import build_parser
from backcare_tray.cli.parser import command_from_arguments
from backcare_tray.commands import (
    COMMANDS,
    BecomesEvent,
    Command,
    CommandName,
    Occasion,
    OpensWindow,
    RunsJob,
    Source,
    WindowPage,
    command_named,
    socket_commands,
)
from backcare_tray.engine import (
    Cancel,
    MarkDone,
    Pause,
    PauseRoutine,
    Resume,
    ResumeRoutine,
    Skip,
    Snooze,
    StartStretch,
    Tick,
    initial_state,
    step,
)
from backcare_tray.menu import MenuEntry, build_menu
from backcare_tray.notice import ACTION_COMMANDS, action_command
from backcare_tray.settings import Settings

SETTINGS = Settings()


def commands_in(entries: tuple[MenuEntry, ...]) -> set[str]:
    """Return the command names a menu (and its submenus) can send."""
    found: set[str] = set()
    for entry in entries:
        if entry.command is not None:
            found.add(entry.command.name)
        found |= commands_in(entry.children)
    return found


def test_the_menu_and_the_buttons_only_send_known_commands() -> None:
    """Every menu item, in every state, and every notification button names a known command."""
    state = initial_state(0.0, SETTINGS, 0)
    due, _ = step(state, Tick(SETTINGS.sitting_interval), SETTINGS)
    used = commands_in(build_menu(state, "s", "t", SETTINGS)) | commands_in(
        build_menu(due, "s", "t", SETTINGS)
    )
    assert used <= set(COMMANDS)
    assert {command.name for command in ACTION_COMMANDS.values()} <= set(COMMANDS)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_the_socket_takes_exactly_the_socket_commands(name: str) -> None:
    """The control socket parses a command if and only if the table says it may come that way."""
    line = f'{{"command": "{name}"}}'.encode()
    if name in socket_commands():
        assert parse_request(line).name == name
    else:
        with pytest.raises(ValueError, match="unknown command"):
            parse_request(line)


def test_the_command_line_offers_every_socket_command() -> None:
    """Each command the daemon takes over the socket is a subcommand (pause-tomorrow via pause)."""
    parser = build_parser()
    for name in socket_commands() - {"pause-tomorrow"}:
        assert command_from_arguments(parser.parse_args([name])) == (name, None)
        assert parser.parse_args([name]).local_command is None  # sent, not run here
    assert parser.parse_args([]).local_command == "run"  # no command at all runs the daemon
    assert command_from_arguments(parser.parse_args(["pause", "tomorrow"])) == (
        "pause-tomorrow",
        None,
    )


def test_the_table_has_an_entry_for_every_command_name_and_no_other() -> None:
    """The Literal of names and the table are the same set, so neither can drift."""
    assert set(COMMANDS) == set(get_args(CommandName))


@pytest.mark.parametrize("name", ["", "Start", "stat", "pause tomorrow", "nope"])
def test_an_unknown_name_is_refused_at_every_entry_point(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Socket, notification button and command line all refuse it; none answers ok."""
    assert command_named(name) is None
    with pytest.raises(ValueError, match="unknown command"):
        parse_request(json.dumps({"command": name}).encode())
    assert action_command(name) is None
    with pytest.raises(SystemExit) as exit_info:
        build_parser().parse_args([name])
    assert exit_info.value.code == 2


def occasion(source: Source = "cli", until_start: int = 0) -> Occasion:
    """Return an occasion at T=100 from source, with working hours until_start seconds away."""
    return Occasion(100.0, source, lambda: until_start)


WINDOW_PAGES: tuple[WindowPage, ...] = get_args(WindowPage)
EVENTS = {
    "start": StartStretch(100.0),
    "snooze": Snooze(100.0, 300),
    "done": MarkDone(100.0, "notification"),
    "skip": Skip(100.0),
    "pause": Pause(100.0, 300),
    "pause-tomorrow": Pause(100.0, 54_000),
    "resume": Resume(100.0),
    "cancel": Cancel(100.0),
    "pause-routine": PauseRoutine(100.0),
    "resume-routine": ResumeRoutine(100.0),
}


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_command_becomes_its_engine_event_or_runs_a_daemon_job(name: CommandName) -> None:
    """The engine commands become the event the table names, with its seconds and source."""
    does = COMMANDS[name].does
    if name in WINDOW_PAGES:
        assert does == OpensWindow(name)
        return
    if name not in EVENTS:
        assert isinstance(does, RunsJob)
        return
    assert isinstance(does, BecomesEvent)
    made = does.event(Command(name, 300), occasion("notification", 54_000))
    assert made == EVENTS[name]


def test_pause_tomorrow_is_resolved_once_from_the_working_hours() -> None:
    """The socket and the CLI send the name; the table's resolver asks the hours how long."""
    assert parse_request(b'{"command": "pause-tomorrow"}') == Command("pause-tomorrow")
    does = COMMANDS["pause-tomorrow"].does
    assert isinstance(does, BecomesEvent)
    assert does.event(Command("pause-tomorrow"), occasion(until_start=7200)) == Pause(100.0, 7200)


def test_only_commands_with_a_duration_take_seconds_over_the_socket() -> None:
    """Seconds is refused for a command whose table entry takes no duration."""
    assert parse_request(b'{"command": "snooze", "seconds": 60}') == Command("snooze", 60)
    with pytest.raises(ValueError, match="not a whole number here"):
        parse_request(b'{"command": "skip", "seconds": 60}')
