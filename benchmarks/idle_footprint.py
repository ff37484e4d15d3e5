"""Measure the daemon beside a bare pystray floor or Workrave on a virtual desktop; print it."""

# Run with `make bench`. Both run at once on one Xvfb + tray + dunst desktop: seconds to the
# icon showing (and to the first answered status), CPU seconds and context switches over an
# idle window, and RSS/PSS/USS at its end (what a program that runs all day holds). The tray
# is trayer (XEmbed only) or xfce4-panel (StatusNotifierItem and XEmbed); beside the daemon
# runs the floor (a bare pystray icon with an idle scheduler, drawn with the daemon's
# backend) or Workrave, when it is installed.

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from support.desktop import Desktop, command_path, docked_icon_name, virtual_desktop  # noqa: E402
from support.sni_client import SniClient  # noqa: E402
from support.waiting import wait_for  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def chosen_backend(log: Path) -> str | None:
    """Return the pystray backend the daemon says it uses, once it has said so."""
    found = re.search(r"Tray icon uses the (\w+) backend", log.read_text(errors="replace"))
    return found.group(1) if found else None


def icon_shown(desktop: Desktop, tray: str, name: str) -> bool:
    """Return True once the tray shows name's icon (Workrave's is not looked for: always True)."""
    if name == "workrave":
        return True
    if tray == "trayer":
        return docked_icon_name(desktop.env, name) is not None
    client = SniClient(desktop.env["DBUS_SESSION_BUS_ADDRESS"])
    try:
        return client.find(name) is not None
    finally:
        client.close()


def start_beside(kind: str, env: dict[str, str], backend: str) -> subprocess.Popen[bytes]:
    """Start what the daemon is compared with."""
    if kind == "workrave":
        args = ["workrave"]
    else:
        args = [sys.executable, str(Path(__file__).parent / "floor_icon.py")]
        env = {**env, "PYSTRAY_BACKEND": backend}  # the floor draws its icon the same way
    return subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def memory(pid: int) -> dict[str, float]:
    """Return RSS, PSS and USS in MiB from smaps_rollup."""
    fields: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value, *_ = line.split()
        fields[name.rstrip(":")] = int(value)
    uss = fields["Private_Clean"] + fields["Private_Dirty"]
    return {"rss": fields["Rss"] / 1024, "pss": fields["Pss"] / 1024, "uss": uss / 1024}


def cpu_and_switches(pid: int) -> tuple[float, dict[str, int]]:
    """Return CPU seconds used so far (all threads) and context switches per live thread."""
    stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    cpu = (int(stat[11]) + int(stat[12])) / TICKS
    switches: dict[str, int] = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            lines = (task / "status").read_text().splitlines()
        except FileNotFoundError:  # the thread ended while we looked
            continue
        switches[task.name] = sum(
            int(line.split()[1])
            for line in lines
            if line.startswith(("voluntary_ctxt", "nonvoluntary_ctxt"))
        )
    return cpu, switches


class SwitchTally:
    """Context switches of every thread of a process, seen by sampling its threads often."""

    # Threads come and go (GLib retires idle pool workers): sampling twice a second keeps what
    # a thread did before it ended, to within its last half second.
    def __init__(self, first: dict[str, int]) -> None:
        self._start = dict(first)
        self._last = dict(first)

    def add(self, sample: dict[str, int]) -> None:
        """Record a new sample; a thread first seen now started from zero."""
        for tid, count in sample.items():
            self._start.setdefault(tid, 0)
            self._last[tid] = count

    def total(self) -> int:
        """Return the switches made since the first sample."""
        return sum(self._last[tid] - self._start[tid] for tid in self._last)


def main() -> None:
    """Run both programs, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--idle-seconds", type=float, default=60.0)
    parser.add_argument("--settle-seconds", type=float, default=5.0)
    parser.add_argument(
        "--history-days",
        type=int,
        default=0,
        help="start the daemon with this many days of synthetic history",
    )
    parser.add_argument(
        "--present",
        action="store_true",
        help="nudge the mouse once a minute, so the daemon sees someone at the desk "
        "(without it nobody touches the virtual desktop and the daemon sees them away)",
    )
    parser.add_argument("--tray", choices=["trayer", "xfce4-panel"], default="trayer")
    parser.add_argument("--beside", choices=["floor", "workrave"], default="floor")
    args = parser.parse_args()
    beside = "floor" if args.beside == "floor" else "workrave"

    with (
        tempfile.TemporaryDirectory() as tmp,
        virtual_desktop(Path(tmp), tray=args.tray) as desktop,
    ):
        if args.history_days:
            from stats_speed import fill

            history = Path(desktop.env["XDG_DATA_HOME"]) / "backcare-tray" / "history.sqlite3"
            print(f"history: {fill(history, args.history_days)} events")
        env = dict(desktop.env)
        results: dict[str, dict[str, float]] = {}
        processes: dict[str, subprocess.Popen[bytes]] = {}

        started = time.monotonic()
        daemon_log = Path(tmp) / "daemon.log"
        with open(daemon_log, "wb") as log:
            daemon = subprocess.Popen(
                [command_path(), "run"], env=env, stdout=log, stderr=subprocess.STDOUT
            )
        processes["daemon"] = daemon
        wait_for(lambda: desktop.run("status").returncode == 0, 30, "daemon status")
        status_seconds = time.monotonic() - started
        wait_for(lambda: icon_shown(desktop, args.tray, "backcare-tray"), 30, "daemon icon")
        results["daemon"] = {"docked_s": time.monotonic() - started, "status_s": status_seconds}
        backend = wait_for(lambda: chosen_backend(daemon_log), 10, "the daemon's backend") or ""

        started = time.monotonic()
        processes[beside] = start_beside(beside, env, backend)
        wait_for(lambda: icon_shown(desktop, args.tray, beside), 30, f"{beside} icon")
        shown_s = time.monotonic() - started if beside == "floor" else float("nan")
        results[beside] = {"docked_s": shown_s, "status_s": float("nan")}

        time.sleep(args.settle_seconds)  # let both settle before measuring: what is measured
        before = {name: cpu_and_switches(p.pid) for name, p in processes.items()}
        tallies = {name: SwitchTally(before[name][1]) for name in processes}
        window_end = time.monotonic() + args.idle_seconds
        next_nudge = time.monotonic()
        while (left := window_end - time.monotonic()) > 0:  # the idle window itself
            if args.present and time.monotonic() >= next_nudge:
                desktop.tool("xdotool", "mousemove_relative", "--", "1", "1")
                next_nudge += 60
            time.sleep(min(0.5, left))  # the sampling period, not a wait for a condition
            for name, process in processes.items():
                tallies[name].add(cpu_and_switches(process.pid)[1])
        for name, process in processes.items():
            cpu = cpu_and_switches(process.pid)[0]
            minutes = args.idle_seconds / 60
            results[name]["cpu_s_per_hour"] = (cpu - before[name][0]) / minutes * 60
            results[name]["switches_per_min"] = tallies[name].total() / minutes
            results[name].update(memory(process.pid))

        for process in processes.values():
            process.terminate()
            process.wait(timeout=10)

    rows = [
        ("seconds to icon shown", "docked_s", "{:.2f}"),
        ("seconds to first status", "status_s", "{:.2f}"),
        ("RSS MiB", "rss", "{:.1f}"),
        ("PSS MiB", "pss", "{:.1f}"),
        ("USS MiB", "uss", "{:.1f}"),
        ("CPU s per idle hour", "cpu_s_per_hour", "{:.2f}"),
        ("context switches per minute", "switches_per_min", "{:.1f}"),
    ]
    print(
        f"idle window {args.idle_seconds:.0f} s "
        f"({'someone' if args.present else 'nobody'} at the desk) "
        f"after {args.settle_seconds:.0f} s settling, memory at its end; "
        f"tray {args.tray}; daemon backend {backend}"
        + (" (used by the floor too)" if beside == "floor" else "")
    )
    print(f"{'figure':30} {'daemon':>10} {beside:>10} {'ratio':>8}")
    for label, key, fmt in rows:
        daemon_value, other_value = results["daemon"][key], results[beside][key]
        ratio = daemon_value / other_value if other_value else float("nan")
        print(
            f"{label:30} {fmt.format(daemon_value):>10} {fmt.format(other_value):>10} {ratio:>8.2f}"
        )
    print(
        f"USS difference daemon - {beside}: "
        f"{results['daemon']['uss'] - results[beside]['uss']:.1f} MiB; "
        f"CPU resolution {1 / TICKS:.2f} s over the window"
    )


if __name__ == "__main__":
    main()
