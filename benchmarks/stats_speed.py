"""Time `backcare-tray stats` over two years of synthetic history, and print the figures."""

import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from backcare_tray.adapters.history import History

DAYS = 730
KINDS = ("notified", "done", "snoozed", "skipped", "natural_break", "paused", "resumed")


def fill(path: Path, days: int) -> int:
    """Write a plausible history of `days` working days; return how many events."""
    history = History(path)
    assert history._connection is not None  # a fresh file in a temporary folder
    start = time.time() - days * 86400
    rng = random.Random(7)
    rows: list[tuple[float, str, str | None, int | None, str | None]] = []
    for day in range(days):
        midnight = start + day * 86400
        rows.append((midnight + 8 * 3600, "daemon_started", None, None, None))
        for slot in range(rng.randint(18, 26)):
            at = midnight + 8 * 3600 + slot * 1500
            kind = rng.choice(KINDS)
            how = "guided" if kind == "done" else ("due" if kind == "notified" else None)
            seconds = (
                70 if how == "guided" else (600 if kind in ("snoozed", "natural_break") else None)
            )
            rows.append((at, kind, "hamstring-stretch", seconds, how))
    with history._connection:  # one bulk transaction: this is set-up, not what is measured
        for at, kind, exercise, seconds, how in rows:
            when = time.gmtime(at)
            history._connection.execute(
                "INSERT INTO events (at_utc, local_date, kind, exercise_id, seconds, how) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (
                    time.strftime("%Y-%m-%dT%H:%M:%S+00:00", when),
                    time.strftime("%Y-%m-%d", time.localtime(at)),
                    kind,
                    exercise,
                    seconds,
                    how,
                ),
            )
    history.close()
    return len(rows)


def main() -> None:
    """Fill a history in a temporary data dir and time the stats command over it."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "backcare-tray" / "history.sqlite3"
        count = fill(path, DAYS)
        env = {**os.environ, "XDG_DATA_HOME": tmp, "XDG_CONFIG_HOME": tmp}
        command = [
            str(Path(sys.executable).parent / "backcare-tray"),
            "stats",
            "--days",
            "730",
            "--json",
        ]
        timings = []
        for _ in range(5):
            started = time.perf_counter()
            subprocess.run(command, env=env, check=True, capture_output=True)
            timings.append(time.perf_counter() - started)
    print(
        f"stats over {count} events ({DAYS} days): best {min(timings):.3f} s, "
        f"median {sorted(timings)[2]:.3f} s of 5 runs (whole command, start-up included)"
    )


if __name__ == "__main__":
    main()
