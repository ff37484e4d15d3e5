"""The import-stretches and export-stretches commands: share a routine through a file."""

# Run in the command line's own process; the modules that read and write the files (and
# tomlkit) are imported only when one of these commands runs.

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from backcare_tray.cli.exits import EXIT_REFUSED, EXIT_USAGE, fail
from backcare_tray.i18n import _
from backcare_tray.paths import app_paths

if TYPE_CHECKING:
    import argparse

__all__ = ["run_export", "run_import", "tell_daemon"]


def _config(named: str | None) -> Path | None:
    """Return the config to change; None when one named with --config does not exist."""
    path = app_paths(named).config
    return None if named is not None and not path.exists() else path


def tell_daemon() -> str:
    """Ask a running daemon to read its config again; return what happened, as a sentence."""
    from backcare_tray.adapters.control import (
        NoAnswer,
        NotRunning,
        Unreachable,
        endpoint_for,
        send_request,
    )
    from backcare_tray.adapters.runtime_dir import RuntimeDirError, runtime_dir, runtime_places
    from backcare_tray.commands import Command
    from backcare_tray.stretch_share import say

    try:
        found = runtime_dir()
    except RuntimeDirError as error:
        return say("reload_failed", reason=error)
    # Where the daemon may listen, as the other commands look (cli._control).
    for folder in [found.path, *(f for f in runtime_places() if f != found.path)]:
        try:
            reply = send_request(endpoint_for(folder, sys.platform), Command("reload"))
        except NotRunning:
            continue
        except (NoAnswer, Unreachable) as error:
            return say("reload_failed", reason=error)
        if reply.get("ok"):
            return say("reloaded")
        return say("reload_refused", reason=reply.get("error"))
    return say("not_running")


def run_import(args: "argparse.Namespace") -> int:
    """Add a stretch file's stretches to the config and tell a running daemon."""
    from backcare_tray.adapters.stretch_import import NotSaved, import_stretches
    from backcare_tray.stretch_share import StretchError, count_text, say

    config = _config(args.config)
    if config is None:
        return fail(_("{path}: no such file").format(path=args.config), EXIT_USAGE)
    source = Path(args.file).expanduser()
    try:
        added = import_stretches(source, config)
    except NotSaved as error:
        return fail(str(error), EXIT_REFUSED)
    except StretchError as error:
        return fail(str(error), EXIT_USAGE)
    print(say("added", count=count_text(len(added.exercises)), file=source.name))
    for exercise in added.exercises:
        print(say("added_line", name=exercise.name, id=exercise.id))
    if added.pictures:
        print(say("pictures_copied", folder=added.folder))
    print(say("in_rotation" if added.listed else "by_default"))
    print(tell_daemon())
    return 0


def run_export(args: "argparse.Namespace") -> int:
    """Write the user's own stretches to a stretch file, their pictures beside it."""
    from backcare_tray.adapters.stretch_import import NotSaved, export_stretches
    from backcare_tray.stretch_share import StretchError, count_text, say

    config = _config(args.config)
    if config is None:
        return fail(_("{path}: no such file").format(path=args.config), EXIT_USAGE)
    target = Path(args.file).expanduser()
    try:
        exported = export_stretches(config, target, args.ids, replace=args.replace)
    except NotSaved as error:
        return fail(str(error), EXIT_REFUSED)
    except StretchError as error:
        return fail(str(error), EXIT_USAGE)
    print(say("exported", count=count_text(len(exported.exercises)), file=exported.path))
    for exercise in exported.exercises:
        print(say("added_line", name=exercise.name, id=exercise.id))
    return 0
