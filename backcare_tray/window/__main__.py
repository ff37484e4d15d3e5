"""Run the application window: `python -P -m backcare_tray.window settings --config FILE`."""

import argparse
import sys
from pathlib import Path

from backcare_tray.adapters.app_window import UNAVAILABLE

PAGES = ("settings", "progress", "stretches")


def main(argv: list[str] | None = None) -> int:
    """Show the window at a page until it is closed; 3 when Tk or a display is missing."""
    parser = argparse.ArgumentParser(
        prog="python -m backcare_tray.window",
        description="backcare-tray's window: settings, progress and the stretch library.",
    )
    parser.add_argument("page", choices=PAGES, help="the page to show first")
    parser.add_argument("--config", required=True, type=Path, help="the config file")
    parser.add_argument(
        "--runtime", type=Path, help="the daemon's runtime folder (default: found as the CLI does)"
    )
    parser.add_argument(
        "--follow-stdin",
        action="store_true",
        help="take pages to show from stdin, a JSON line each; close at its end",
    )
    arguments = parser.parse_args(argv)
    try:
        import tkinter  # noqa: F401  (only to know it is there)
    except ImportError:
        from backcare_tray.adapters.coach import tk_install_hint

        print(f"backcare-tray window: Tk is not available ({tk_install_hint()})", file=sys.stderr)
        return UNAVAILABLE
    from backcare_tray.window.app import Unavailable, run

    try:
        return run(
            arguments.page,
            arguments.config,
            arguments.runtime,
            sys.stdin.buffer if arguments.follow_stdin else None,
        )
    except Unavailable as problem:
        print(f"backcare-tray window: {problem}", file=sys.stderr)
        return UNAVAILABLE


if __name__ == "__main__":
    raise SystemExit(main())
