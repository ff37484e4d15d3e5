"""Run the coach window: `python -P -m backcare_tray.coach --runtime DIR --state DIR`."""

# The window speaks the daemon's language: the daemon passes its code with --language (the
# texts of the steps it sends are already in that language), and the window's own labels are
# read from the same catalog. Its lines on stderr are for the log and stay in English.

import argparse
import sys
from pathlib import Path

from backcare_tray.adapters.coach import UNAVAILABLE
from backcare_tray.i18n import Language, use_language


def main(argv: list[str] | None = None) -> int:
    """Show the guided stretch the daemon writes on stdin; 3 when Tk or a display is missing."""
    parser = argparse.ArgumentParser(
        prog="python -m backcare_tray.coach",
        description="The coach window of backcare-tray's guided stretches (started by the "
        "daemon, which writes one JSON message a line on its stdin).",
    )
    parser.add_argument("--runtime", required=True, type=Path, help="the daemon's runtime folder")
    parser.add_argument("--state", required=True, type=Path, help="the folder of the state file")
    parser.add_argument(
        "--language", default="en", help="the daemon's language code, e.g. de or pt_BR"
    )
    arguments = parser.parse_args(argv)
    try:
        import tkinter  # noqa: F401  (only to know it is there)
    except ImportError:
        from backcare_tray.adapters.coach import tk_install_hint

        # Said before the language is chosen: this line is the log's, in English.
        print(f"coach window: Tk is not available ({tk_install_hint()})", file=sys.stderr)
        return UNAVAILABLE
    use_language(Language(arguments.language, "the daemon's language"))
    from backcare_tray.coach.window import Unavailable, run

    try:
        return run(arguments.runtime, arguments.state, sys.stdin.buffer)
    except Unavailable as problem:
        print(f"coach window: {problem}", file=sys.stderr)
        return UNAVAILABLE


if __name__ == "__main__":
    raise SystemExit(main())
