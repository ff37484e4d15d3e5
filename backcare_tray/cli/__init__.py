"""The backcare-tray command: run the daemon, or talk to the running one."""

import errno
import json
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from backcare_tray.cli.exits import (
    EXIT_BUSY,
    EXIT_CUT_SHORT,
    EXIT_NOT_RUNNING,
    EXIT_REFUSED,
    EXIT_SYSTEM,
    EXIT_USAGE,
    fail,
)
from backcare_tray.commands import Command
from backcare_tray.i18n import _
from backcare_tray.paths import NoHome, app_paths

if TYPE_CHECKING:
    import argparse

__all__ = [
    "EXIT_BUSY",
    "EXIT_CUT_SHORT",
    "EXIT_NOT_RUNNING",
    "EXIT_REFUSED",
    "EXIT_SYSTEM",
    "EXIT_USAGE",
    "build_parser",
    "config_named",
    "daemon_options",
    "main",
]


def build_parser() -> "argparse.ArgumentParser":
    """Return the argument parser with every subcommand."""
    from backcare_tray.cli.parser import build_parser as build

    return build()


def daemon_options(argv: Sequence[str]) -> tuple[str | None, bool, bool] | None:
    """Return (config, no_tray, verbose) when argv plainly runs the daemon, else None."""
    # The daemon's start skips argparse, which it would keep loaded all day (0.4 MiB); any
    # other form, help and mistakes included, goes to the full parser.
    if argv and argv[0] != "run":
        return None
    config, flags, words = None, set(), list(argv[1:])
    while words:
        word = words.pop(0)
        if word in ("--no-tray", "--verbose") and word not in flags:
            flags.add(word)
        elif word == "--config" and config is None and words and _plain_path(words[0]):
            config = words.pop(0)
        else:
            return None
    return config, "--no-tray" in flags, "--verbose" in flags


def _plain_path(word: str) -> bool:
    """Return True when a word after --config is a path argparse would take as it is."""
    return bool(word.strip()) and not word.startswith("-")


def config_named(argv: Sequence[str]) -> str | None:
    """Return the file a command line names with --config, as argparse will read it, if any."""
    # The language is chosen before the parser is built, so its help and its errors speak it;
    # argparse takes an unambiguous abbreviation too (--conf), and the last one given wins.
    named = None
    words = list(argv)
    for place, word in enumerate(words):
        if word == "--":
            break
        option, equals, value = word.partition("=")
        if len(option) < 4 or not "--config".startswith(option):
            continue
        if equals:
            named = value
        elif place + 1 < len(words):
            named = words[place + 1]
    return named


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    options = daemon_options(arguments)
    try:
        if options is not None:
            from backcare_tray.cli.run import run_daemon

            return run_daemon(*options)
        try:
            named = config_named(arguments)
            _speak(named)
            args = build_parser().parse_args(arguments)
            if getattr(args, "config", None) != named:  # a --config the scan did not read so
                _speak(getattr(args, "config", None))
            return _dispatch(args)
        finally:  # a reader gone before the last line shows here, not at the interpreter's exit
            if sys.stdout is not None:
                sys.stdout.flush()
    except NoHome as error:
        return fail(str(error), EXIT_USAGE)
    except OSError as error:  # `backcare-tray history | head -1`: the reader has had enough
        if not _reader_gone(error):
            raise
        _discard_output()
        return EXIT_CUT_SHORT


def _speak(config: str | None) -> None:
    """Speak the language of the config file and the desktop in this command's messages."""
    from backcare_tray.i18n import from_environment, speak_as_configured, use_language

    try:
        path = app_paths(config).config
    except NoHome:  # no config to read: the desktop's language, and the command says why
        use_language(from_environment())
        return
    speak_as_configured(path)


def _reader_gone(error: OSError) -> bool:
    """Return True when a write failed because the output's reader has closed its end."""
    # Windows reports a pipe closed by its reader as EINVAL (its ERROR_NO_DATA), not EPIPE;
    # an EINVAL that names a file (a path Windows refuses) is no closed pipe.
    closed_on_windows = os.name == "nt" and error.errno == errno.EINVAL and error.filename is None
    return isinstance(error, BrokenPipeError) or closed_on_windows


def _discard_output() -> None:
    """Send what is left of stdout nowhere, so the exit's own flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # no file descriptor behind stdout: nothing to flush later
        pass


def _dispatch(args: "argparse.Namespace") -> int:
    """Run the parsed command through its table; return the exit status."""
    from backcare_tray.cli.local import LOCAL_COMMANDS
    from backcare_tray.cli.parser import command_from_arguments

    local = getattr(args, "local_command", None)
    if local is not None:
        return LOCAL_COMMANDS[local].run(args)
    name, seconds = command_from_arguments(args)
    app_paths()  # no HOME: said as for every other command
    return _control(Command(name, seconds), as_json=args.json)


def _control(command: Command, *, as_json: bool) -> int:
    """Send a command to the running daemon and print its answer."""
    from backcare_tray.adapters.control import (
        CLIENT_TIMEOUT,
        NoAnswer,
        NotRunning,
        Unreachable,
        endpoint_for,
        send_request,
    )
    from backcare_tray.adapters.runtime_dir import RuntimeDirError, runtime_dir, runtime_places
    from backcare_tray.cli.render import print_status
    from backcare_tray.cli.window import open_window_alone
    from backcare_tray.commands import COMMANDS, OpensWindow

    try:
        found = runtime_dir()  # the daemon's own rule, so both look in the same folder
    except RuntimeDirError as error:
        return fail(str(error), EXIT_SYSTEM)
    # A daemon started before the environment changed (the session's folder made later, say)
    # may listen in another folder of the rule: look there too, never anywhere unsafe.
    folders = [found.path, *(f for f in runtime_places() if f != found.path)]
    reply = None
    try:
        for folder in folders:
            try:
                reply = send_request(endpoint_for(folder, sys.platform), command)
                break
            except NotRunning:
                continue
    except NoAnswer as error:
        if error.certain:
            problem = _("no answer within {seconds} s ({error}); the command was not carried out")
        else:
            problem = _(
                "no answer within {seconds} s ({error}); the command may not have been carried out"
            )
        return fail(problem.format(seconds=f"{CLIENT_TIMEOUT:g}", error=error), EXIT_BUSY)
    except Unreachable as error:
        return fail(str(error), EXIT_SYSTEM)
    if reply is None:
        does = COMMANDS[command.name].does
        if isinstance(does, OpensWindow):  # a window needs no daemon: it opens on its own
            return open_window_alone(does.page)
        if found.note:
            problem = _("backcare-tray is not running (looked in {path}: {note})").format(
                path=found.path, note=found.note
            )
        else:
            problem = _("backcare-tray is not running")
        return fail(problem, EXIT_NOT_RUNNING)
    if as_json:
        print(json.dumps(reply.get("status", reply), indent=2))
    elif not reply.get("ok"):
        print(f"backcare-tray: {reply.get('error')}", file=sys.stderr)
    else:
        if "message" in reply or "status" not in reply:
            print(reply.get("message", _("ok")))
        if "status" in reply:
            print_status(reply["status"])
    if reply.get("ok"):
        return 0
    return EXIT_BUSY if reply.get("busy") else EXIT_REFUSED
