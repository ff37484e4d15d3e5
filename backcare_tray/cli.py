"""The backcare-tray command: run the daemon, or talk to the running one."""

import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from backcare_tray import __version__
from backcare_tray.commands import COMMANDS, Command
from backcare_tray.config_file import ConfigError, config_or_example, load_settings
from backcare_tray.durations import parse_duration
from backcare_tray.paths import AppPaths, NoHome, app_icon_path, app_paths
from backcare_tray.settings import Settings
from backcare_tray.wording import dose

if TYPE_CHECKING:
    import argparse

__all__ = [
    "EXAMPLES",
    "EXIT_NOT_RUNNING",
    "EXIT_REFUSED",
    "EXIT_USAGE",
    "LOG_BYTES",
    "build_parser",
    "daemon_options",
    "main",
]

EXIT_REFUSED = 1
EXIT_USAGE = 2
EXIT_NOT_RUNNING = 3

EXAMPLES = """\
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
3 backcare-tray is not running
"""


def _duration_arg(kind: str) -> Callable[[str], int]:
    """Return an argparse type for a positive duration of a kind (snooze, pause)."""

    def parse(text: str) -> int:
        import argparse

        try:
            seconds = parse_duration(text, kind)
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from None
        if seconds <= 0:
            raise argparse.ArgumentTypeError(f"{text!r} must be longer than zero")
        return seconds

    return parse


def _date_arg(text: str) -> date:
    """Parse a YYYY-MM-DD date argument for argparse."""
    import argparse

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-11-23") from None


def _pause_arg(text: str) -> int | str:
    """Parse a pause length: a duration, or "tomorrow" (the next morning's working hours)."""
    return text if text == "tomorrow" else _duration_arg("pause")(text)


def build_parser() -> "argparse.ArgumentParser":
    """Return the argument parser with every subcommand."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="backcare-tray",
        description="A tray daemon that reminds you to stand up and stretch your back.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"backcare-tray {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    run = sub.add_parser("run", help="run the daemon (the default command)")
    run.add_argument("--config", help="config file (default: the user config dir)")
    run.add_argument("--no-tray", action="store_true", help="run without a tray icon")
    run.add_argument("--verbose", action="store_true", help="log debug messages")
    daemon_commands = {}  # the commands sent to the running daemon, from the one table
    for name, spec in COMMANDS.items():
        if spec.over_socket and name != "pause-tomorrow":  # that one is "pause tomorrow"
            daemon_commands[name] = sub.add_parser(name, help=spec.help)
    daemon_commands["status"].add_argument("--json", action="store_true", help="print JSON")
    daemon_commands["snooze"].add_argument(
        "duration", nargs="?", type=_duration_arg("snooze"), help="e.g. 10m (default: config)"
    )
    daemon_commands["pause"].add_argument(
        "duration",
        nargs="?",
        type=_pause_arg,
        help="e.g. 1h, or 'tomorrow' (default: until resumed)",
    )
    exercises = sub.add_parser("exercises", help="list the rotation, marking the next stretch")
    exercises.add_argument("--config", help="config file (default: the user config dir)")
    show = sub.add_parser("show", help="how to do a stretch: dose, steps and safety note")
    show.add_argument("id", nargs="?", help="a stretch id (default: the next stretch)")
    show.add_argument("--config", help="config file (default: the user config dir)")
    stats = sub.add_parser("stats", help="progress per day and per stretch, and streaks")
    stats.add_argument("--days", type=int, default=7, help="how many days (default 7)")
    stats.add_argument("--config", help="config file (for the daily goal)")
    form = stats.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="print JSON")
    form.add_argument("--csv", action="store_true", help="print CSV, a row per day")
    form.add_argument(
        "--chart", metavar="FILE.png", help="draw the week as a PNG chart (needs the charts extra)"
    )
    autostart = sub.add_parser("autostart", help="start with your desktop session, or not")
    autostart.add_argument("action", choices=["enable", "disable", "status"])
    autostart.add_argument("--systemd", action="store_true", help="Linux: also a systemd user unit")
    autostart.add_argument(
        "--menu", action="store_true", help="Linux: also an entry in the application menu"
    )
    sub.add_parser("doctor", help="what this desktop offers: idle, tray, notifications, ...")
    logs = sub.add_parser("logs", help="print the log file's path and its last lines")
    logs.add_argument("--lines", type=int, default=40, help="how many lines (default 40)")
    history = sub.add_parser("history", help="print the recorded events (works without the daemon)")
    history.add_argument("--since", type=_date_arg, help="first local date, YYYY-MM-DD")
    history.add_argument("--csv", action="store_true", help="print CSV")
    check = sub.add_parser("check-config", help="validate a config file")
    check.add_argument("path", nargs="?", help="config file (default: the user config dir)")
    return parser


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
        elif word == "--config" and config is None and words and not words[0].startswith("-"):
            config = words.pop(0)
        else:
            return None
    return config, "--no-tray" in flags, "--verbose" in flags


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    options = daemon_options(arguments)
    try:
        if options is not None:
            return _run(*options)
        return _dispatch(build_parser().parse_args(arguments))
    except NoHome as error:
        return _fail(str(error), EXIT_USAGE)


def _dispatch(args: "argparse.Namespace") -> int:
    """Run the parsed command; return the exit status."""
    command = args.command or "run"
    if command == "run":
        return _run(
            getattr(args, "config", None),
            getattr(args, "no_tray", False),
            getattr(args, "verbose", False),
        )
    if command == "check-config":
        return _check_config(args.path)
    if command == "exercises":
        return _exercises(args.config)
    if command == "show":
        return _show(args.id, args.config)
    if command == "history":
        return _history(args.since, args.csv)
    if command == "autostart":
        return _autostart(args.action, args.systemd, args.menu)
    if command == "logs":
        return _logs(args.lines)
    if command == "doctor":
        return _doctor()
    if command == "stats":
        return _stats(args.days, args.config, args.json, args.csv, args.chart)
    seconds = getattr(args, "duration", None)
    if seconds == "tomorrow":
        command, seconds = "pause-tomorrow", None
    return _control(app_paths(), Command(command, seconds), as_json=getattr(args, "json", False))


def _fail(message: str, code: int) -> int:
    """Print message on stderr and return code."""
    print(f"backcare-tray: {message}", file=sys.stderr)
    return code


def _check_config(path_text: str | None) -> int:
    """Validate a config file and say so."""
    path = Path(path_text) if path_text else app_paths().config
    try:
        settings = load_settings(path, required=True)
    except ConfigError as error:
        return _fail(str(error), EXIT_USAGE)
    print(f"{path}: OK ({len(settings.rotation)} stretches in the rotation)")
    return 0


def _settings_and_next(config: str | None) -> tuple[Settings, str]:
    """Return the settings and the id of the stretch that comes next (ConfigError if broken)."""
    from backcare_tray.adapters.clocks import clock_now
    from backcare_tray.adapters.state_file import load_state
    from backcare_tray.rotation import reconcile, start_rotation

    paths = app_paths(config)
    settings = load_settings(paths.config)
    saved = load_state(paths.state, clock_now())
    rotation = start_rotation(settings.rotation, settings.rotation_order, 0)
    if saved is not None:
        rotation = reconcile(saved[0].rotation, settings.rotation, settings.rotation_order)
    return settings, rotation.current


def _show(exercise_id: str | None, config: str | None) -> int:
    """Print how to do a stretch (the next one by default)."""
    from backcare_tray.notice import howto_text

    try:
        settings, next_id = _settings_and_next(config)
    except ConfigError as error:
        return _fail(str(error), EXIT_USAGE)
    chosen = exercise_id or next_id
    if chosen not in settings.exercises:
        known = ", ".join(sorted(settings.exercises))
        return _fail(f"no stretch with the id {chosen!r} (known: {known})", EXIT_USAGE)
    exercise = settings.exercise(chosen)
    print(f"{exercise.name} [{exercise.id}]")
    print(howto_text(exercise))
    return 0


def _exercises(config: str | None) -> int:
    """List the rotation and mark the stretch that comes next."""
    try:
        settings, next_id = _settings_and_next(config)
    except ConfigError as error:
        return _fail(str(error), EXIT_USAGE)
    print(f"Rotation ({settings.rotation_order}):")
    for position, exercise_id in enumerate(settings.rotation, 1):
        exercise = settings.exercise(exercise_id)
        mark = ">" if exercise_id == next_id else " "
        note = "  <- next" if mark == ">" else ""
        print(f"{mark} {position}. {exercise.name} [{exercise.id}]: {dose(exercise)}{note}")
    return 0


def _history(since: date | None, as_csv: bool) -> int:
    """Print the recorded events, reading the database directly."""
    import csv
    import sqlite3

    from backcare_tray.adapters.history import read_events

    path = app_paths().history
    if not path.exists():
        print(f"No history yet ({path}).")
        return 0
    try:
        events = list(read_events(path, since))
    except sqlite3.Error as error:
        return _fail(f"{path}: cannot be read: {error}", EXIT_REFUSED)
    if as_csv:
        writer = csv.writer(sys.stdout)
        writer.writerow(["at_utc", "local_date", "kind", "exercise_id", "seconds", "how"])
        for event in events:
            writer.writerow(
                [
                    event.at_utc,
                    event.local_date,
                    event.kind,
                    event.exercise_id or "",
                    "" if event.seconds is None else event.seconds,
                    event.how or "",
                ]
            )
        return 0
    for event in events:
        extra = " ".join(str(x) for x in (event.exercise_id, event.seconds, event.how) if x)
        print(f"{event.at_utc}  {event.kind:<15} {extra}".rstrip())
    return 0


def _stats(days: int, config: str | None, as_json: bool, as_csv: bool, chart: str | None) -> int:
    """Print progress computed from the history file."""
    import csv
    import sqlite3
    from dataclasses import asdict

    from backcare_tray.adapters.history import read_events
    from backcare_tray.durations import format_duration
    from backcare_tray.stats import compute_stats

    if days < 1:
        return _fail("--days must be at least 1", EXIT_USAGE)
    paths = app_paths(config)
    try:
        goal = load_settings(paths.config).daily_goal
    except ConfigError as error:
        return _fail(str(error), EXIT_USAGE)
    try:
        events = list(read_events(paths.history)) if paths.history.exists() else []
    except sqlite3.Error as error:
        return _fail(f"{paths.history}: cannot be read: {error}", EXIT_REFUSED)
    if chart is not None:
        from backcare_tray.chart import EXTRA_HINT, write_chart

        try:
            write_chart(events, date.today(), goal, Path(chart), days)
        except ImportError:
            return _fail(f"--chart needs matplotlib: {EXTRA_HINT}", EXIT_REFUSED)
        print(f"Chart written to {chart}")
        return 0
    stats = compute_stats(events, date.today(), days, goal)
    if as_json:
        data = asdict(stats)
        for day, row in zip(stats.days, data["days"], strict=True):
            row["adherence"] = day.adherence
        print(json.dumps(data, indent=2))
        return 0
    columns = [
        "date",
        "done",
        "skipped",
        "snoozed",
        "due",
        "adherence",
        "stretching_seconds",
        "longest_sitting_seconds",
    ]
    if as_csv:
        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        for day in stats.days:
            adherence = "" if day.adherence is None else f"{day.adherence:.2f}"
            writer.writerow(
                [
                    day.date,
                    day.done,
                    day.skipped,
                    day.snoozed,
                    day.due,
                    adherence,
                    day.stretching_seconds,
                    day.longest_sitting_seconds,
                ]
            )
        return 0
    print(f"Last {days} days (goal: {goal} a day)")
    print(
        f"{'date':<11}{'done':>5}{'skipped':>8}{'snoozed':>8}{'due':>5}{'kept':>6}"
        f"{'stretching':>11}{'longest sit':>12}"
    )
    for day in stats.days:
        kept = "-" if day.adherence is None else f"{day.adherence:.0%}"
        print(
            f"{day.date:<11}{day.done:>5}{day.skipped:>8}{day.snoozed:>8}{day.due:>5}"
            f"{kept:>6}{format_duration(day.stretching_seconds):>11}"
            f"{format_duration(day.longest_sitting_seconds):>12}"
        )
    print(f"Streak: {stats.current_streak} days (best {stats.best_streak})")
    for exercise in stats.exercises:
        print(f"  {exercise.exercise_id}: {exercise.done} done, last {exercise.last_done}")
    return 0


def _print_status(status: dict[str, Any]) -> None:
    """Print a status report for people."""
    today = status["today"]
    print(status["status"])
    print(f"State: {status['state']}; next stretch: {status['next_exercise']['name']}")
    print(f"Today: {today['done']} done, {today['snoozed']} snoozed, {today['skipped']} skipped")


def _control(paths: AppPaths, command: Command, *, as_json: bool) -> int:
    """Send a command to the running daemon and print its answer."""
    from backcare_tray.adapters.control import NotRunning, endpoint_for, send_request

    try:
        reply = send_request(endpoint_for(paths.runtime, sys.platform), command)
    except (NotRunning, OSError, ValueError):
        return _fail("backcare-tray is not running", EXIT_NOT_RUNNING)
    if as_json:
        print(json.dumps(reply.get("status", reply), indent=2))
    elif not reply.get("ok"):
        print(f"backcare-tray: {reply.get('error')}", file=sys.stderr)
    else:
        if "message" in reply or "status" not in reply:
            print(reply.get("message", "ok"))
        if "status" in reply:
            _print_status(reply["status"])
    return 0 if reply.get("ok") else EXIT_REFUSED


LOG_BYTES = 1024 * 1024  # per file; three old files are kept beside it


def _setup_logging(path: Path, verbose: bool) -> None:
    """Log to stderr and to a size-capped rotating file."""
    from logging.handlers import RotatingFileHandler

    handlers: list[logging.Handler] = [logging.StreamHandler()]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handlers.append(
            RotatingFileHandler(path, maxBytes=LOG_BYTES, backupCount=3, encoding="utf-8")
        )
    except OSError as error:
        print(f"backcare-tray: cannot write the log file {path}: {error}", file=sys.stderr)
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        handlers=handlers,
    )
    logging.getLogger("apscheduler").setLevel(logging.DEBUG if verbose else logging.WARNING)
    logging.getLogger("PIL").setLevel(logging.INFO)


def _autostart(action: str, systemd: bool, menu: bool) -> int:
    """Enable, disable or report starting with the session."""
    from backcare_tray import autostart

    if sys.platform == "win32":
        import winreg

        lines = autostart.windows_run_entry(winreg, autostart.command_path(), action)
    else:
        found = autostart.places(
            sys.platform,
            Path.home(),
            autostart.command_path(),
            app_icon_path(),
            systemd=systemd or action != "enable",
            menu=menu or action != "enable",
        )
        lines = {
            "enable": autostart.enable,
            "disable": autostart.disable,
            "status": autostart.status,
        }[action](found)
    print("\n".join(lines) if lines else "nothing to do")
    if action == "enable" and systemd:
        print("To start it with systemd: systemctl --user enable --now backcare-tray.service")
    return 0


def _doctor() -> int:
    """Print what this desktop offers the daemon."""
    from backcare_tray.doctor import report

    for title, lines in report():
        print(f"{title}:")
        for line in lines:
            print(f"  {line}")
    return 0


def _logs(lines: int) -> int:
    """Print where the log is and its last lines."""
    path = app_paths().log
    print(f"Log file: {path}")
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        print("(no log yet)")
        return 0
    for line in text.splitlines()[-lines:]:
        print(line)
    return 0


def _run(config: str | None, no_tray: bool, verbose: bool) -> int:
    """Run the daemon in the foreground until it is stopped."""
    paths = app_paths(config)
    _setup_logging(paths.log, verbose)
    try:
        settings = load_settings(paths.config, required=config is not None)
    except ConfigError as error:
        return _fail(str(error), EXIT_USAGE)
    if (
        not no_tray
        and sys.platform.startswith("linux")
        and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    ):
        return _fail(
            "no graphical session (neither DISPLAY nor WAYLAND_DISPLAY is set); "
            "use 'backcare-tray run --no-tray' to run without an icon",
            EXIT_USAGE,
        )

    from backcare_tray.adapters.glibc_malloc import limit_malloc_arenas
    from backcare_tray.adapters.instance_lock import AlreadyRunning, InstanceLock
    from backcare_tray.adapters.kit import real_adapters
    from backcare_tray.adapters.opener import open_with_default_app
    from backcare_tray.daemon import Daemon

    limit_malloc_arenas()  # before any thread starts
    # The daemon never opens a network connection, yet APScheduler imports asyncio, which
    # imports ssl and maps OpenSSL: 3.9 MiB of private memory for nothing. asyncio works
    # without ssl (as on Python builds that lack it), so the daemon's process does without.
    sys.modules.setdefault("ssl", None)  # type: ignore[arg-type]

    lock = InstanceLock(paths.lock)
    try:
        lock.acquire()
    except AlreadyRunning as error:
        return _fail(str(error), EXIT_REFUSED)
    try:
        daemon = Daemon(
            settings,
            paths,
            real_adapters(paths, app_icon_path(), with_tray=not no_tray),
            reload_settings=lambda: load_settings(paths.config, required=config is not None),
            open_settings=lambda: open_with_default_app(config_or_example(paths.config)),
            open_file=open_with_default_app,
        )
        daemon.run()
    finally:
        lock.release()
    return 0
