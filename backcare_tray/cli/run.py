"""Start the daemon in this process: logging, the config, the single-instance lock."""

import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from backcare_tray.cli.exits import EXIT_REFUSED, EXIT_SYSTEM, EXIT_USAGE, fail
from backcare_tray.config_file import ConfigError, load_settings
from backcare_tray.i18n import _
from backcare_tray.paths import app_icon_path, app_paths

if TYPE_CHECKING:
    from backcare_tray.adapters.control import ControlHome

__all__ = ["LOG_BYTES", "run_daemon"]

LOG_BYTES = 1024 * 1024  # per file; three old files are kept beside it
log = logging.getLogger("backcare_tray.run")


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
        problem = _("cannot write the log file {path}: {error}").format(path=path, error=error)
        print(f"backcare-tray: {problem}", file=sys.stderr)
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        handlers=handlers,
    )
    logging.getLogger("apscheduler").setLevel(logging.DEBUG if verbose else logging.WARNING)
    logging.getLogger("PIL").setLevel(logging.INFO)


def _no_graphical_session(no_tray: bool) -> bool:
    """Return True when an icon is wanted on Linux but there is no display to show it on."""
    has_display = os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    return not no_tray and sys.platform.startswith("linux") and not has_display


def _write_application_entry() -> None:
    """Write the application entry on first run, for the desktop's notification settings."""
    from backcare_tray.autostart import command_path, ensure_application_entry

    try:
        written = ensure_application_entry(
            sys.platform, Path.home(), command_path(), app_icon_path()
        )
    except OSError as error:  # a read-only home: notifications still work, unnamed
        logging.getLogger(__name__).warning("Could not write the application entry: %s", error)
        return
    if written is not None:
        logging.getLogger(__name__).info(
            "Wrote %s: the desktop's notification settings can find backcare-tray.", written
        )


def run_daemon(config: str | None, no_tray: bool, verbose: bool) -> int:
    """Run the daemon in the foreground until it is stopped; return the exit status."""
    from backcare_tray.i18n import speak_as_configured

    paths = app_paths(config)
    _setup_logging(paths.log, verbose)
    speak_as_configured(paths.config)  # so a config error is said in the file's language too
    try:
        settings = load_settings(paths.config, required=config is not None)
    except ConfigError as error:
        return fail(str(error), EXIT_USAGE)
    if _no_graphical_session(no_tray):
        no_session = _(
            "no graphical session (neither DISPLAY nor WAYLAND_DISPLAY is set); "
            "use '{command}' to run without an icon"
        )
        return fail(no_session.format(command="backcare-tray run --no-tray"), EXIT_USAGE)

    from backcare_tray.daemon.inbox import hold_process_signals

    hold_process_signals()  # from here on a signal is acted on (or ignored) by the loop

    from backcare_tray.adapters.control import ControlHome
    from backcare_tray.adapters.glibc_malloc import limit_malloc_arenas
    from backcare_tray.adapters.kit import real_adapters
    from backcare_tray.daemon import Daemon

    limit_malloc_arenas()  # before any thread starts
    # The daemon never opens a network connection, yet APScheduler imports asyncio, which
    # imports ssl and maps OpenSSL: 3.9 MiB of private memory for nothing. asyncio works
    # without ssl (as on Python builds that lack it), so the daemon's process does without.
    sys.modules.setdefault("ssl", None)  # type: ignore[arg-type]

    home = ControlHome()
    problem = _claim(home)
    if problem is not None:
        home.release()
        return problem
    _write_application_entry()
    try:
        adapters = real_adapters(
            paths,
            app_icon_path(),
            home,
            with_tray=not no_tray,
            config_required=config is not None,
        )
        Daemon(settings, adapters).run()
    finally:
        home.release()
    if home.stopped_for is not None and not home.taken_over:
        return EXIT_SYSTEM  # its runtime folder went away: a supervisor may start it anew
    return 0


def _claim(home: "ControlHome") -> int | None:
    """Take the runtime folder, the lock and the socket; return an exit status if they fail."""
    from backcare_tray.adapters.control import ControlUnavailable, describe_os_error
    from backcare_tray.adapters.instance_lock import AlreadyRunning
    from backcare_tray.adapters.runtime_dir import RuntimeDirError

    try:
        found = home.claim()
    except AlreadyRunning as error:
        return fail(str(error), EXIT_REFUSED)
    except RuntimeDirError as error:
        return fail(str(error), EXIT_SYSTEM)
    except OSError as error:
        where = home.lock_path or Path("daemon.lock")
        problem = _("cannot take the lock {path}: {error}")
        return fail(problem.format(path=where, error=describe_os_error(error, where)), EXIT_SYSTEM)
    try:
        listening = home.publish()
    except ControlUnavailable as error:
        return fail(str(error), EXIT_SYSTEM)
    if found.note:
        log.warning("Using the runtime folder %s: %s.", found.path, found.note)
    log.info("Listening on %s.", listening.endpoint.path)
    return None
