"""The argument parser, generated from the daemon's command table and the local one."""

import argparse
from collections.abc import Callable

from backcare_tray import __version__
from backcare_tray.cli.local import LOCAL_COMMANDS, LocalName, path_arg
from backcare_tray.commands import COMMANDS, CommandName, CommandSpec, DurationKind
from backcare_tray.durations import parse_duration
from backcare_tray.i18n import N_, _, ngettext

__all__ = ["EXAMPLES", "build_parser", "command_from_arguments"]

# Translated where the parser is built: _(EXAMPLES).
# Translators: keep each command as it is and translate what it does; keep the columns.
EXAMPLES = N_("""\
examples:
  backcare-tray                      run in the tray with the defaults
  backcare-tray run --no-tray        run without an icon (notifications and control only)
  backcare-tray status --json        what the running daemon is doing, as JSON
  backcare-tray snooze 20m           postpone the due stretch by 20 minutes
  backcare-tray pause 1h30m          no reminders for 90 minutes
  backcare-tray pause tomorrow       no reminders until tomorrow's working hours
  backcare-tray show                 how to do the next stretch (or: show calf-stretch)
  backcare-tray stats --days 14
  backcare-tray history --since 2026-11-01 --csv
  backcare-tray check-config ~/my.toml
  backcare-tray doctor               what this desktop offers, for bug reports

exit status: 0 ok, 1 refused (e.g. nothing to snooze), 2 bad usage or config,
3 backcare-tray is not running, 4 no answer in time (busy; not carried out),
5 the runtime folder or the control socket cannot be used, 141 the output was cut short
""")


def _duration_arg(
    kind: DurationKind, words: dict[str, CommandName]
) -> Callable[[str], int | CommandName]:
    """Return an argparse type for a positive duration of a kind, or one of the given words."""

    def parse(text: str) -> int | CommandName:
        if text in words:
            return words[text]
        try:
            seconds = parse_duration(text, kind)
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from None
        if seconds <= 0:
            raise argparse.ArgumentTypeError(
                _("{value} must be longer than zero").format(value=repr(text))
            )
        return seconds

    return parse


def _add_daemon_command(
    sub: "argparse._SubParsersAction[argparse.ArgumentParser]",
    name: CommandName,
    spec: CommandSpec,
) -> None:
    """Add a command the running daemon carries out, as the table describes it."""
    parser = sub.add_parser(name, help=_(spec.help))
    parser.set_defaults(daemon_command=name, local_command=None)
    parser.add_argument("--json", action="store_true", help=_("print the status as JSON"))
    if spec.duration is not None:
        # The commands spelled as this one with a word: "pause tomorrow".
        words = {
            other.spelled[1]: other_name
            for other_name, other in COMMANDS.items()
            if other.spelled is not None and other.spelled[0] == name
        }
        parser.add_argument(
            "duration",
            nargs="?",
            type=_duration_arg(spec.duration, words),
            help=_(spec.argument_help).format(or_words="".join(_or_word(w) for w in words)),
        )


def _or_word(word: str) -> str:
    """Return a word a duration may be instead, as its help lists it: ", or 'tomorrow'"."""
    # Translators: follows an example in a command's help, "e.g. 1h, 2d or 1w, or 'tomorrow'".
    return _(", or {word}").format(word=repr(word))


def _add_local_command(
    sub: "argparse._SubParsersAction[argparse.ArgumentParser]", name: LocalName
) -> None:
    """Add a command the command line carries out itself."""
    local = LOCAL_COMMANDS[name]
    parser = sub.add_parser(name, help=_(local.help))
    parser.set_defaults(local_command=name)
    if local.reads_config:
        parser.add_argument(
            "--config",
            type=path_arg,
            help=_("config file (default: the user config dir); it must exist when named"),
        )
    local.arguments(parser)


# argparse's own words: it asks gettext's default domain, where no catalog has them, so they
# are marked here for ours and argparse looks them up in it (argparse reads its _ when used).
ARGPARSE_WORDS = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("show program's version number and exit"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"),
    N_("expected one argument"),
    N_("invalid %(type)s value: %(value)r"),
    N_("not allowed with argument %s"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("ignored explicit argument %r"),
)


def _argparse_plurals() -> None:
    """Mark argparse's own plural messages for the catalog (never called)."""
    ngettext("expected %s argument", "expected %s arguments", 2)


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with every subcommand."""
    argparse._ = _  # type: ignore[attr-defined]  # its words in the language in use
    argparse.ngettext = ngettext  # type: ignore[attr-defined]
    parser = argparse.ArgumentParser(
        prog="backcare-tray",
        description=_("A tray daemon that reminds you to stand up and stretch your back."),
        epilog=_(EXAMPLES),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"backcare-tray {__version__}",
        help=_("show program's version number and exit"),
    )
    # No command at all is `run` with its defaults.
    parser.set_defaults(local_command="run", config=None, no_tray=False, verbose=False)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    _add_local_command(sub, "run")
    for name, spec in COMMANDS.items():
        if spec.over_socket and spec.spelled is None:
            _add_daemon_command(sub, name, spec)
    for local_name in LOCAL_COMMANDS:
        if local_name != "run":
            _add_local_command(sub, local_name)
    return parser


def command_from_arguments(args: argparse.Namespace) -> tuple[CommandName, int | None]:
    """Return the daemon command and its seconds that parsed arguments ask for."""
    name: CommandName = args.daemon_command
    argument: int | CommandName | None = getattr(args, "duration", None)
    if isinstance(argument, str):  # a word that names another command: "pause tomorrow"
        return argument, None
    return name, argument
