"""Soak: many fast break cycles with the tray and notifications; memory must stay flat."""

# Run with `make soak` (or `make bench`). The installed daemon runs on a virtual desktop with
# dunst and trayer (GTK's icon) or xfce4-panel (the StatusNotifierItem backend); each cycle
# starts the guided stretch, snoozes it, starts it again and marks it done, over the control
# socket: every cycle redraws the icon, shows, updates and closes the notification, writes
# the state and four history events. RSS and USS are read after a warm-up and at the end.

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from idle_footprint import memory  # noqa: E402
from support.desktop import command_path, virtual_desktop  # noqa: E402
from support.waiting import wait_for  # noqa: E402

from backcare_tray.adapters.control import Endpoint, send_request  # noqa: E402
from backcare_tray.commands import Command  # noqa: E402

CYCLE = [Command("start"), Command("snooze", 60), Command("start"), Command("done")]


def run_cycles(endpoint: Endpoint, count: int) -> None:
    """Run count break cycles, each answered in full."""
    for _ in range(count):
        for command in CYCLE:
            reply = send_request(endpoint, command)
            assert reply.get("ok"), (command, reply)


def main() -> None:
    """Print RSS and USS after the warm-up and after the cycles, and the growth."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cycles", type=int, default=1000)
    parser.add_argument("--warm-up", type=int, default=100)
    parser.add_argument("--no-tray", action="store_true", help="without the icon, to compare")
    parser.add_argument("--tray", choices=["trayer", "xfce4-panel"], default="trayer")
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as tmp,
        virtual_desktop(Path(tmp), tray=args.tray) as desktop,
    ):
        command = [command_path(), "run", *(["--no-tray"] if args.no_tray else [])]
        with open(Path(tmp) / "daemon.log", "wb") as log:
            daemon = subprocess.Popen(command, env=desktop.env, stdout=log, stderr=log)
        try:
            wait_for(lambda: desktop.run("status").returncode == 0, 30, "the daemon")
            endpoint = Endpoint(
                "unix", Path(desktop.env["XDG_RUNTIME_DIR"]) / "backcare-tray" / "control.sock"
            )
            run_cycles(endpoint, args.warm_up)
            before = memory(daemon.pid)
            run_cycles(endpoint, args.cycles)
            after = memory(daemon.pid)
        finally:
            daemon.terminate()
            daemon.wait(timeout=10)
    what = "notifications, no tray" if args.no_tray else f"{args.tray} tray and notifications"
    print(f"{args.cycles} break cycles after {args.warm_up} to warm up ({what})")
    for key in ("rss", "uss"):
        print(
            f"{key.upper()} MiB: {before[key]:.1f} after warm-up, {after[key]:.1f} at the end, "
            f"growth {after[key] - before[key]:+.2f}"
        )


if __name__ == "__main__":
    main()
