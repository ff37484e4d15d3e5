"""The history of every event in SQLite: WAL, one transaction per event, schema migrations."""

import logging
import os
import sqlite3
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal

from backcare_tray.engine import Record
from backcare_tray.report import DayCounts
from backcare_tray.stats import HistoryEntry

__all__ = [
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "Columns",
    "DaemonMark",
    "History",
    "NewerSchema",
    "read_events",
    "stored_columns",
]

log = logging.getLogger(__name__)

# Each entry takes the schema from the version before it; PRAGMA user_version says where a
# file stands. Never edit a released step: add the next one.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            at_utc TEXT NOT NULL,
            local_date TEXT NOT NULL,
            kind TEXT NOT NULL,
            exercise_id TEXT,
            seconds INTEGER,
            how TEXT
        )""",
        "CREATE INDEX events_by_date ON events (local_date)",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)

# What the daemon itself marks in the history, beside the engine's records.
DaemonMark = Literal["daemon_started", "daemon_stopped"]
# A row's columns beside its time: kind, exercise_id, seconds, how.
Columns = tuple[str, str | None, int | None, str | None]


def stored_columns(entry: Record | DaemonMark) -> Columns:
    """Return the columns an entry is stored in: the file's layout, read by every release."""
    if isinstance(entry, str):
        return entry, None, None, None
    # seconds and how hold one meaning per kind, as they always have.
    seconds = {
        "done": entry.stretching_seconds,
        "snoozed": entry.snooze_seconds,
        "paused": entry.pause_seconds,
        "natural_break": entry.away_seconds,
    }.get(entry.kind)
    how = {
        "done": entry.answered_by,
        "natural_break": entry.cause,
        "notified": "reminder" if entry.reminder else "due",
    }.get(entry.kind)
    return entry.kind, entry.exercise_id, seconds, how


class NewerSchema(sqlite3.Error):
    """The file was written by a newer release; it is neither migrated nor set aside."""


def _connect(path: Path) -> sqlite3.Connection:
    """Open (creating) the database in WAL mode with full syncs, migrated to the schema."""
    connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    try:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=FULL")
        connection.execute("PRAGMA cache_size=-256")  # KiB: a few rows an hour need no more
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:  # written by a newer release: leave it alone
            raise NewerSchema(f"schema version {version} is newer than this program knows")
        for number in range(version, SCHEMA_VERSION):
            connection.execute("BEGIN IMMEDIATE")
            for statement in MIGRATIONS[number]:
                connection.execute(statement)
            connection.execute(f"PRAGMA user_version = {number + 1}")
            connection.execute("COMMIT")
        connection.execute("SELECT count(*) FROM events").fetchone()
    except sqlite3.Error:
        connection.close()
        raise
    return connection


class History:
    """The daemon's writer: every event in its own transaction; failures never stop it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.saving = True
        # What the person should know: a file set aside, or why events are not being saved.
        self.note: str | None = None
        self._connection: sqlite3.Connection | None = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._connection = _connect(path)
        except NewerSchema as error:
            self._failed(error)
        except sqlite3.DatabaseError as error:
            kept = self._set_aside()
            self.note = (
                f"the history at {path} could not be opened ({error}); "
                f"it was kept as {kept.name} and a new one started"
            )
            log.error("History: %s.", self.note)
            try:
                self._connection = _connect(path)
            except sqlite3.Error as again:
                self._failed(again)
        except (sqlite3.Error, OSError) as error:  # a read-only or missing folder
            self._failed(error)

    def _set_aside(self) -> Path:
        """Move an unusable database (and its WAL files) aside with a timestamp."""
        stamp = time.strftime("%Y%m%d-%H%M%S")
        kept = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        for suffix in ("", "-wal", "-shm"):
            source = Path(f"{self.path}{suffix}")
            if source.exists():
                os.replace(source, Path(f"{kept}{suffix}"))
        return kept

    def _failed(self, error: Exception) -> None:
        """Note that history is not being saved, logging once per episode."""
        if self.saving:
            log.error("History is not being saved to %s: %s. Reminders carry on.", self.path, error)
        self.saving = False
        self.note = f"history is not being saved: {error}"

    def record(self, entry: Record | DaemonMark, wall: float | None = None) -> bool:
        """Write one entry in its own transaction; return False if it could not be saved."""
        if self._connection is None:
            return False
        moment = datetime.fromtimestamp(time.time() if wall is None else wall, UTC)
        row = (
            moment.isoformat(timespec="seconds"),
            moment.astimezone().date().isoformat(),
            *stored_columns(entry),
        )
        try:
            with self._connection:  # a transaction, committed (and synced) on success
                self._connection.execute(
                    "INSERT INTO events (at_utc, local_date, kind, exercise_id, seconds, how) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    row,
                )
        except sqlite3.Error as error:  # disk full, read-only, file removed
            self._failed(error)
            return False
        if not self.saving:
            log.info("History is being saved again.")
            self.saving, self.note = True, None
        return True

    def day_counts(self, on: date) -> DayCounts:
        """Return the done, snoozed and skipped counts of a local date."""
        if self._connection is None:
            return DayCounts(on.isoformat())
        try:
            rows = self._connection.execute(
                "SELECT kind, count(*) FROM events WHERE local_date = ? GROUP BY kind",
                (on.isoformat(),),
            ).fetchall()
        except sqlite3.Error as error:
            self._failed(error)
            return DayCounts(on.isoformat())
        return DayCounts.of(on.isoformat(), dict(rows))

    def done_per_day(self) -> dict[str, int]:
        """Return how many stretches were done on each local date (one row a day is read)."""
        if self._connection is None:
            return {}
        try:
            rows = self._connection.execute(
                "SELECT local_date, count(*) FROM events WHERE kind = 'done' GROUP BY local_date"
            ).fetchall()
        except sqlite3.Error as error:
            self._failed(error)
            return {}
        return {on: number for on, number in rows}

    def close(self) -> None:
        """Close the database."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def read_events(path: Path, since: date | None = None) -> Iterator[HistoryEntry]:
    """Yield the events in a history file, oldest first, reading without blocking the writer."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        query = "SELECT at_utc, local_date, kind, exercise_id, seconds, how FROM events"
        arguments: tuple[str, ...] = ()
        if since is not None:
            query += " WHERE local_date >= ?"
            arguments = (since.isoformat(),)
        for row in connection.execute(query + " ORDER BY id", arguments):
            yield HistoryEntry(*row)
    finally:
        connection.close()
