"""The commands the command line carries out itself, without the daemon: one table."""

import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from backcare_tray.cli.exits import EXIT_REFUSED, EXIT_USAGE, fail
from backcare_tray.config_file import ConfigError, load_settings
from backcare_tray.i18n import N_, _, ngettext, pgettext
from backcare_tray.paths import app_icon_path, app_paths
from backcare_tray.settings import Settings

if TYPE_CHECKING:
    import argparse

__all__ = ["LOCAL_COMMANDS", "MOST_DAYS", "MOST_LINES", "LocalCommand", "LocalName", "path_arg"]

MOST_DAYS = 3660  # ten years of stats, more than anyone keeps at a desk
MOST_LINES = 10_000  # log lines: the log file rotates at 1 MiB

LocalName = Literal[
    "run",
    "exercises",
    "show",
    "stats",
    "autostart",
    "doctor",
    "logs",
    "history",
    "check-config",
    "import-stretches",
    "export-stretches",
]


@dataclass(frozen=True)
class LocalCommand:
    """A command run in the command line's own process: its help, arguments and function."""

    help: str  # marked with N_(), translated where the parser is built
    run: "Callable[[argparse.Namespace], int]"
    arguments: "Callable[[argparse.ArgumentParser], None]" = lambda parser: None
    # Whether it reads the config file, so takes --config.
    reads_config: bool = False


def _date_arg(text: str) -> date:
    """Parse a YYYY-MM-DD date argument for argparse."""
    import argparse

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("{value} is not a date like 2026-11-23").format(value=repr(text))
        ) from None


def _count_arg(least: int, most: int) -> Callable[[str], int]:
    """Return an argparse type for a whole number from least to most."""

    def parse(text: str) -> int:
        import argparse

        try:
            number = int(text)
        except ValueError:
            number = None
        if number is None or not least <= number <= most:
            raise argparse.ArgumentTypeError(
                _("{value} is not a whole number from {least} to {most}").format(
                    value=repr(text), least=least, most=most
                )
            )
        return number

    return parse


def path_arg(text: str) -> str:
    """Parse a file argument for argparse: an empty one would silently mean the default."""
    import argparse

    if not text.strip():
        raise argparse.ArgumentTypeError(_("an empty path names no file"))
    return text


def _stretch_id_arg(text: str) -> str:
    """Parse a stretch id argument for argparse: an empty one names no stretch."""
    import argparse

    if not text.strip():
        raise argparse.ArgumentTypeError(
            _("an empty id names no stretch (leave it out for the next stretch)")
        )
    return text.strip()


def _load(config: str | None) -> Settings:
    """Return the settings; a file named with --config must exist, as for run (ConfigError)."""
    return load_settings(app_paths(config).config, required=config is not None)


def _run_arguments(parser: "argparse.ArgumentParser") -> None:
    """Add the daemon's own options."""
    parser.add_argument("--no-tray", action="store_true", help=_("run without a tray icon"))
    parser.add_argument("--verbose", action="store_true", help=_("log debug messages"))


def _run(args: "argparse.Namespace") -> int:
    """Run the daemon in the foreground."""
    from backcare_tray.cli.run import run_daemon

    return run_daemon(args.config, args.no_tray, args.verbose)


def _check_config(args: "argparse.Namespace") -> int:
    """Validate a config file and say so."""
    path = Path(args.path).expanduser() if args.path is not None else app_paths().config
    try:
        settings = load_settings(path, required=True)
    except ConfigError as error:
        return fail(str(error), EXIT_USAGE)
    count = len(settings.rotation)
    print(
        ngettext(
            "{path}: OK ({count} stretch in the rotation)",
            "{path}: OK ({count} stretches in the rotation)",
            count,
        ).format(path=path, count=count)
    )
    return 0


def _settings_and_next(config: str | None) -> tuple[Settings, str]:
    """Return the settings and the id of the stretch that comes next (ConfigError if broken)."""
    from backcare_tray.adapters.clocks import clock_now
    from backcare_tray.adapters.state_file import load_state
    from backcare_tray.rotation import reconcile, start_rotation

    paths = app_paths(config)
    settings = _load(config)
    saved = load_state(paths.state, clock_now())
    rotation = start_rotation(settings.rotation, settings.rotation_order, 0)
    if saved is not None:
        rotation = reconcile(saved[0].rotation, settings.rotation, settings.rotation_order)
    return settings, rotation.current


def _show(args: "argparse.Namespace") -> int:
    """Print how to do a stretch (the next one by default), and where its pictures are."""
    from backcare_tray.notice import howto_text

    try:
        settings, next_id = _settings_and_next(args.config)
    except ConfigError as error:
        return fail(str(error), EXIT_USAGE)
    chosen = next_id if args.id is None else args.id
    if chosen not in settings.exercises:
        known = ", ".join(sorted(settings.exercises))
        problem = _("no stretch with the id {id} (known: {known})")
        return fail(problem.format(id=repr(chosen), known=known), EXIT_USAGE)
    exercise = settings.exercise(chosen)
    print(f"{exercise.name} [{exercise.id}]")
    print(howto_text(exercise))
    if args.sheet is not None:
        from backcare_tray.sheet import write_sheet

        try:
            write_sheet(exercise, Path(args.sheet))
        except OSError as error:
            return fail(str(error), EXIT_REFUSED)
        print(_("Sheet written to {path}").format(path=args.sheet))
        return 0
    from backcare_tray.adapters.step_pictures import CACHE_FOLDER, COACH_SIZE, StepPictures

    # Each step's picture at the coach window's size (the first side's); drawn first if missing.
    pictures = StepPictures(app_paths(args.config).cache / CACHE_FOLDER)
    steps = range(len(exercise.steps))
    found = [pictures.path(exercise, step, 0, COACH_SIZE) for step in steps]
    if None in found and not exercise.pictures:
        pictures.prepare()
        found = [pictures.path(exercise, step, 0, COACH_SIZE) for step in steps]
    if not any(found) and pictures.problem:
        print(_("Pictures: none: {problem}").format(problem=pictures.problem))
        return 0
    if not any(found):
        print(_("Pictures: none"))
        return 0
    if exercise.sides and not exercise.pictures:
        # Translators: {side} is the side the pictures show, as the stretch names it.
        print(_("Pictures ({side}):").format(side=exercise.sides[0]))
    else:
        print(_("Pictures:"))
    # Translators: a picture that is missing in the numbered list of a stretch's pictures.
    missing = pgettext("picture", "none")
    for number, path in enumerate(found, 1):
        print(f"{number}. {path or missing}")
    return 0


def _exercises(args: "argparse.Namespace") -> int:
    """List the rotation and mark the stretch that comes next."""
    from backcare_tray.wording import dose

    try:
        settings, next_id = _settings_and_next(args.config)
    except ConfigError as error:
        return fail(str(error), EXIT_USAGE)
    # Translators: {order} is the config's word for the order, sequential or shuffle.
    print(_("Rotation ({order}):").format(order=settings.rotation_order))
    for position, exercise_id in enumerate(settings.rotation, 1):
        exercise = settings.exercise(exercise_id)
        mark = ">" if exercise_id == next_id else " "
        # Translators: marks the stretch that comes next in the list of the rotation.
        note = _("  <- next") if mark == ">" else ""
        print(f"{mark} {position}. {exercise.name} [{exercise.id}]: {dose(exercise)}{note}")
    return 0


def _names(settings: Settings) -> dict[str, str]:
    """Return each stretch's name by its id, from the settings' library."""
    return {exercise_id: exercise.name for exercise_id, exercise in settings.exercises.items()}


def _history(args: "argparse.Namespace") -> int:
    """Print the recorded events, reading the database directly."""
    import sqlite3

    from backcare_tray.adapters.history import read_events
    from backcare_tray.cli.render import print_history, print_history_csv

    try:
        settings = _load(args.config)
    except ConfigError as error:  # the events are still worth seeing: the built-in names
        problem = _("{error}; the built-in stretches' names are shown").format(error=error)
        print(f"backcare-tray: {problem}", file=sys.stderr)
        settings = Settings()
    path = app_paths(args.config).history
    if not path.exists():
        print(_("No history yet ({path}).").format(path=path))
        return 0
    try:
        events = list(read_events(path, args.since))
    except sqlite3.Error as error:
        return fail(
            _("{path}: cannot be read: {error}").format(path=path, error=error), EXIT_REFUSED
        )
    (print_history_csv if args.csv else print_history)(events, _names(settings))
    return 0


def _stats_arguments(parser: "argparse.ArgumentParser") -> None:
    """Add the stats command's options."""
    parser.add_argument(
        "--days",
        type=_count_arg(1, MOST_DAYS),
        default=7,
        help=_("how many days, 1 to {most} (default 7)").format(most=MOST_DAYS),
    )
    form = parser.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help=_("print JSON"))
    form.add_argument("--csv", action="store_true", help=_("print CSV, a row per day"))
    form.add_argument(
        "--chart",
        metavar="FILE.png",
        help=_("draw the week as a PNG chart (needs the charts extra)"),
    )


def _stats(args: "argparse.Namespace") -> int:
    """Print progress computed from the history file."""
    import sqlite3

    from backcare_tray.adapters.history import read_events
    from backcare_tray.cli import render
    from backcare_tray.stats import compute_stats

    paths = app_paths(args.config)
    try:
        settings = _load(args.config)
    except ConfigError as error:
        return fail(str(error), EXIT_USAGE)
    goal, names = settings.daily_goal, _names(settings)
    now = datetime.now(UTC)
    today = now.astimezone().date()  # the local date now is on
    try:
        events = list(read_events(paths.history)) if paths.history.exists() else []
    except sqlite3.Error as error:
        problem = _("{path}: cannot be read: {error}")
        return fail(problem.format(path=paths.history, error=error), EXIT_REFUSED)
    if args.chart is not None:
        from backcare_tray.chart import extra_hint, write_chart

        try:
            write_chart(events, today, goal, Path(args.chart), args.days, names)
        except ImportError:
            problem = _("--chart needs matplotlib: {hint}").format(hint=extra_hint())
            return fail(problem, EXIT_REFUSED)
        print(_("Chart written to {path}").format(path=args.chart))
        return 0
    stats = compute_stats(events, today, args.days, goal, now=now, names=names)
    if args.json:
        render.print_stats_json(stats)
    elif args.csv:
        render.print_stats_csv(stats)
    else:
        render.print_stats(stats, args.days, goal)
    return 0


def _autostart_arguments(parser: "argparse.ArgumentParser") -> None:
    """Add the autostart command's action and options."""
    parser.add_argument("action", choices=["enable", "disable", "status"])
    parser.add_argument(
        "--systemd",
        action="store_true",
        help=_("Linux: start with a systemd user unit instead of the XDG autostart entry"),
    )
    parser.add_argument(
        "--menu",
        action="store_true",
        help=_("Linux: kept for old scripts; the application menu entry is always written"),
    )


def _autostart(args: "argparse.Namespace") -> int:
    """Enable, disable or report starting with the session."""
    from backcare_tray import autostart

    action = args.action
    if sys.platform == "win32":
        import winreg

        lines = autostart.windows_run_entry(winreg, autostart.command_path(), action)
    else:
        where = (sys.platform, Path.home(), autostart.command_path(), app_icon_path())
        every = autostart.every_place(*where)
        if action == "enable":
            chosen = autostart.places(*where, systemd=args.systemd)
            lines = autostart.enable(chosen, every)
        else:
            lines = (autostart.disable if action == "disable" else autostart.status)(every)
    print("\n".join(lines) if lines else _("nothing to do"))
    if action == "enable" and args.systemd:
        start = "systemctl --user enable --now backcare-tray.service"
        print(_("To start it with systemd: {command}").format(command=start))
    # A unit or systemctl's link to it was removed: the lines name its file.
    if action == "disable" and any("backcare-tray.service" in line for line in lines):
        stop = "systemctl --user stop backcare-tray.service"
        print(_("To stop the running service now: {command}").format(command=stop))
    return 0


def _doctor(args: "argparse.Namespace") -> int:
    """Print what this desktop offers the daemon."""
    from backcare_tray.doctor import report

    for title, lines in report():
        print(f"{title}:")
        for line in lines:
            print(f"  {line}")
    return 0


def _logs(args: "argparse.Namespace") -> int:
    """Print where the log is and its last lines."""
    path = app_paths().log
    print(_("Log file: {path}").format(path=path))
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        print(_("(no log yet)"))
        return 0
    for line in text.splitlines()[-args.lines :]:
        print(line)
    return 0


def _show_arguments(parser: "argparse.ArgumentParser") -> None:
    """Add the stretch id that show takes, and where to write its sheet."""
    parser.add_argument(
        "id", nargs="?", type=_stretch_id_arg, help=_("a stretch id (default: the next stretch)")
    )
    parser.add_argument(
        "--sheet", metavar="FILE.png", help=_("write a printable sheet with a picture per step")
    )


def _history_arguments(parser: "argparse.ArgumentParser") -> None:
    """Add the history command's options."""
    parser.add_argument("--since", type=_date_arg, help=_("first local date, YYYY-MM-DD"))
    parser.add_argument("--csv", action="store_true", help=_("print CSV"))


def _logs_arguments(parser: "argparse.ArgumentParser") -> None:
    """Add how many log lines to print."""
    parser.add_argument(
        "--lines",
        type=_count_arg(1, MOST_LINES),
        default=40,
        help=_("how many lines, 1 to {most} (default 40)").format(most=MOST_LINES),
    )


def _check_config_arguments(parser: "argparse.ArgumentParser") -> None:
    """Add the file check-config reads."""
    parser.add_argument(
        "path", nargs="?", type=path_arg, help=_("config file (default: the user config dir)")
    )


def _import_arguments(parser: "argparse.ArgumentParser") -> None:
    """Add the stretch file import-stretches reads."""
    parser.add_argument(
        "file",
        type=path_arg,
        help=_("a stretch file: [[exercises]] tables, their pictures beside it"),
    )


def _import_stretches(args: "argparse.Namespace") -> int:
    """Add a stretch file's stretches to the config."""
    from backcare_tray.cli.stretches import run_import

    return run_import(args)


def _export_arguments(parser: "argparse.ArgumentParser") -> None:
    """Add the stretch file export-stretches writes, and which stretches go in it."""
    parser.add_argument("file", type=path_arg, help=_("the stretch file to write"))
    parser.add_argument(
        "--ids",
        nargs="+",
        type=_stretch_id_arg,
        metavar="ID",
        default=[],
        help=_("only these stretches (default: all your own)"),
    )
    parser.add_argument("--replace", action="store_true", help=_("write over an existing file"))


def _export_stretches(args: "argparse.Namespace") -> int:
    """Write the user's own stretches to a stretch file."""
    from backcare_tray.cli.stretches import run_export

    return run_export(args)


LOCAL_COMMANDS: Mapping[LocalName, LocalCommand] = {
    "run": LocalCommand(
        N_("run the daemon (the default command)"), _run, _run_arguments, reads_config=True
    ),
    "exercises": LocalCommand(
        N_("list the rotation, marking the next stretch"), _exercises, reads_config=True
    ),
    "show": LocalCommand(
        N_("how to do a stretch: dose, steps and safety note"),
        _show,
        _show_arguments,
        reads_config=True,
    ),
    "stats": LocalCommand(
        N_("progress per day and per stretch, and streaks"),
        _stats,
        _stats_arguments,
        reads_config=True,
    ),
    "autostart": LocalCommand(
        N_("start with your desktop session, or not"), _autostart, _autostart_arguments
    ),
    "doctor": LocalCommand(N_("what this desktop offers: idle, tray, notifications, ..."), _doctor),
    "logs": LocalCommand(
        N_("print the log file's path and its last lines"), _logs, _logs_arguments
    ),
    "history": LocalCommand(
        N_("print the recorded events (works without the daemon)"),
        _history,
        _history_arguments,
        reads_config=True,  # for the stretches' names
    ),
    "check-config": LocalCommand(
        N_("validate a config file"), _check_config, _check_config_arguments
    ),
    "import-stretches": LocalCommand(
        N_("add the stretches of a shared stretch file to your config"),
        _import_stretches,
        _import_arguments,
        reads_config=True,
    ),
    "export-stretches": LocalCommand(
        N_("write your own stretches to a stretch file, to share them"),
        _export_stretches,
        _export_arguments,
        reads_config=True,
    ),
}
