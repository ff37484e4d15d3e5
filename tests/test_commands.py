"""One command vocabulary: what the menu, the buttons, the socket and the CLI may say."""

import pytest

from backcare_tray.adapters.control import parse_request
from backcare_tray.cli import build_parser
from backcare_tray.commands import COMMANDS, socket_commands
from backcare_tray.engine import Tick, initial_state, step
from backcare_tray.menu import MenuEntry, build_menu
from backcare_tray.notice import ACTION_COMMANDS
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
        assert parser.parse_args([name]).command == name
    assert parser.parse_args(["pause", "tomorrow"]).duration == "tomorrow"
