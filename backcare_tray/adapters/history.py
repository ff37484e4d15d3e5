"""The history of every event in SQLite: WAL, one transaction per event, nothing lost."""

import contextlib
import itertools
import logging
import os
import sqlite3
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal

from backcare_tray.adapters.history_spool import Drain, Row, Spool
from backcare_tray.engine import Record
from backcare_tray.report import DayCounts
from backcare_tray.stats import HistoryEntry

__all__ = [
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "WAITING_FILE",
    "WAITING_LIMIT",
    "Columns",
    "DaemonMark",
    "History",
    "NewerSchema",
    "is_damage",
    "read_events",
    "set_aside",
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
# The events the history could not take yet wait in this file, beside the state file.
WAITING_FILE = "history-waiting.jsonl"
# At most this many wait (on disk and in memory) before later ones are given up: a year of use.
WAITING_LIMIT = 10_000

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


# Only these mean the file itself is damaged; a full disk, a read-only place, a missing
# permission, a lock or an I/O error say nothing about the file, which is never set aside.
_DAMAGE_CODES = frozenset({sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB})
_DAMAGE_WORDS = ("file is not a database", "malformed")
# Failures an open connection may live through: the same connection is tried again.
_PASSING_CODES = frozenset({sqlite3.SQLITE_FULL, sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED})


def is_damage(error: sqlite3.Error) -> bool:
    """Return True when an error says the database file is damaged, not merely unusable now."""
    if isinstance(error, NewerSchema):
        return False
    code = getattr(error, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF in _DAMAGE_CODES  # the primary code of an extended one
    return any(words in str(error).lower() for words in _DAMAGE_WORDS)


def _passing(error: sqlite3.Error) -> bool:
    """Return True when a write failure may pass with the connection kept (a full disk, a lock)."""
    code = getattr(error, "sqlite_errorcode", None)
    return isinstance(code, int) and code & 0xFF in _PASSING_CODES


def _connection(path: Path) -> sqlite3.Connection:
    """Return a connection to the database file (opened, and created, at its first use)."""
    # A short busy wait: only this daemon writes, and the loop must not stall on a stranger.
    return sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=1.0)


def _prepare(connection: sqlite3.Connection) -> None:
    """Put the database in WAL mode with full syncs, migrated to the schema; raise if not."""
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


def _write_refused(connection: sqlite3.Connection) -> sqlite3.Error | None:
    """Return why the database takes no write (read-only file or place), trying one undone."""
    try:
        connection.execute("BEGIN IMMEDIATE")
    except sqlite3.Error as error:  # busy, locked
        return error
    refused = None
    try:
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")  # dirties page 1
    except sqlite3.Error as error:
        refused = error
    with contextlib.suppress(sqlite3.Error):
        connection.execute("ROLLBACK")  # nothing reaches the disk
    return refused


def _uri(path: Path, *, immutable: bool = False) -> str:
    """Return the URI that opens a database file for reading only."""
    return f"{path.absolute().as_uri()}?mode=ro" + ("&immutable=1" if immutable else "")


def _open_read_only(path: Path, *, immutable: bool = False) -> sqlite3.Connection:
    """Open a history for reading only, checked to have its events table."""
    uri = _uri(path, immutable=immutable)
    connection = sqlite3.connect(uri, uri=True, check_same_thread=False, timeout=0.5)
    try:
        connection.execute("SELECT count(*) FROM events").fetchone()
    except sqlite3.Error:
        connection.close()
        raise
    return connection


def _reserve(kept: Path, suffixes: tuple[str, ...]) -> bool:
    """Create empty files under kept's names for suffixes, none existing; False if one does."""
    made: list[Path] = []
    try:
        if any(Path(f"{kept}{suffix}").exists() for suffix in ("", "-wal", "-shm")):
            return False
        for suffix in suffixes:
            name = Path(f"{kept}{suffix}")
            os.close(os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            made.append(name)
    except FileExistsError:
        for name in made:
            name.unlink(missing_ok=True)
        return False
    return True


def _close_keeping_companions(connection: sqlite3.Connection, path: Path) -> None:
    """Close a damaged database's connection, putting back the WAL files closing removed."""
    kept = {}
    for suffix in ("-wal", "-shm"):
        with contextlib.suppress(OSError):
            kept[suffix] = Path(f"{path}{suffix}").read_bytes()
    connection.close()
    for suffix, data in kept.items():
        companion = Path(f"{path}{suffix}")
        if not companion.exists():
            companion.write_bytes(data)


def set_aside(path: Path, stamp: str) -> Path:
    """Move a damaged database and its WAL files to a name never used; return it (or OSError)."""
    suffixes = tuple(s for s in ("", "-wal", "-shm") if Path(f"{path}{s}").exists())
    base = f"{path.name}.corrupt-{stamp}"
    for number in itertools.count(1):
        kept = path.with_name(base if number == 1 else f"{base}-{number}")
        if _reserve(kept, suffixes):
            break
    moved = 0
    try:
        for suffix in suffixes:  # each onto the empty file reserved for it
            os.replace(f"{path}{suffix}", f"{kept}{suffix}")
            moved += 1
    except OSError:
        for suffix in suffixes[moved:]:
            Path(f"{kept}{suffix}").unlink(missing_ok=True)
        raise
    return kept


def _row_of(entry: Record | DaemonMark, wall: float | None) -> Row:
    """Return the row an entry is stored as, dated by its wall-clock time (now by default)."""
    moment = datetime.fromtimestamp(time.time() if wall is None else wall, UTC)
    return (
        moment.isoformat(timespec="seconds"),
        moment.astimezone().date().isoformat(),
        *stored_columns(entry),
    )


class History:
    """The daemon's writer: every event in its own transaction; failures never stop it.

    An event the history cannot take now waits, in order, in the spool file (or in memory
    when that cannot be written either, at most `limit` of them), and goes in with every
    event waiting before it at the next write that works: once, whatever crash comes between.
    """

    def __init__(self, path: Path, spool: Path | None = None, limit: int = WAITING_LIMIT) -> None:
        self.path = path
        self.saving = True
        # What the person should know: a file set aside, or why events are not being saved.
        self.note: str | None = None
        self._kept_note: str | None = None  # a damaged file set aside: said until a restart
        self._problem: str | None = None  # why the history takes no write now
        self._connection: sqlite3.Connection | None = None
        self._writable = False
        self._waiting: list[Row] = []  # in order; the first _on_disk of them are in the spool
        self._on_disk = 0
        self._unchecked: list[Drain] = []  # an earlier run's drain notes, to check once open
        self._last_drain: Drain | None = None  # the drain note this run wrote last
        self._limit = limit
        self._dropped = 0  # events given up since the limit was reached
        self._spool_failing = False  # the spool file took no write: said once
        self._spool = self._load_spool(spool)
        self._open()
        if self._waiting or self._unchecked:  # what an earlier run left: written, or dropped
            self.flush()
        self._say()

    @property
    def waiting(self) -> int:
        """Return how many events wait to be written into the history."""
        return len(self._waiting)

    @property
    def waiting_in(self) -> str | None:
        """Return where the waiting events are kept: the spool file, memory, or None."""
        if not self._waiting:
            return None
        if self._spool is not None and self._on_disk == len(self._waiting):
            return str(self._spool.path)
        return "memory"

    def _load_spool(self, path: Path | None) -> Spool | None:
        """Read the events an earlier run left waiting; return the spool, None if unusable."""
        if path is None:
            return None
        spool = Spool(path)
        try:
            rows, drains = spool.load()
        except OSError as error:
            log.error("History: the waiting events in %s cannot be read: %s", path, error)
            return None
        self._waiting, self._on_disk, self._unchecked = rows, len(rows), drains
        if rows:
            log.info("History: %s from an earlier run wait in %s.", _events(len(rows)), path)
            self.saving = False
        return spool

    def _open(self) -> None:
        """Open the history for writing, else for reading; only a damaged file is set aside."""
        self._disconnect()
        connection: sqlite3.Connection | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = _connection(self.path)
            _prepare(connection)
        except sqlite3.Error as error:
            if connection is not None and is_damage(error):
                connection = self._start_afresh(connection, error)
            else:  # no space, no permission, read-only, busy, newer: never set aside
                if connection is not None:
                    connection.close()
                connection = None
                self._cannot_write(error)
                if not isinstance(error, NewerSchema):
                    self._open_reader()
        except OSError as error:  # a folder that cannot be made
            self._cannot_write(error)
        if connection is None:
            return
        refused = _write_refused(connection)
        self._connection, self._writable = connection, refused is None
        if refused is not None:
            self._cannot_write(refused)

    def _start_afresh(
        self, damaged: sqlite3.Connection, error: sqlite3.Error
    ) -> sqlite3.Connection | None:
        """Set a damaged file aside with its WAL files and return a new one's connection."""
        if os.name == "nt":  # Windows renames no open file: close it, its WAL files kept
            _close_keeping_companions(damaged, self.path)
        try:
            # Elsewhere moved while SQLite still holds them: closing would delete the WAL files.
            kept = set_aside(self.path, time.strftime("%Y%m%d-%H%M%S"))
        except OSError as moving:
            self._cannot_write(f"{error}, and it cannot be moved aside: {moving}")
            return None
        finally:
            damaged.close()
        self._kept_note = (
            f"the history at {self.path} could not be opened ({error}); "
            f"it was kept as {kept.name} and a new one started"
        )
        log.error("History: %s.", self._kept_note)
        connection: sqlite3.Connection | None = None
        try:
            connection = _connection(self.path)
            _prepare(connection)
        except sqlite3.Error as again:
            if connection is not None:
                connection.close()
            self._cannot_write(again)
            return None
        return connection

    def _open_reader(self) -> None:
        """Keep a read-only connection for today's counts and the streak, where one opens."""
        for immutable in (False, True):  # a read-only folder with no -shm needs immutable
            try:
                self._connection = _open_read_only(self.path, immutable=immutable)
                return
            except sqlite3.Error:
                continue

    def _cannot_write(self, error: object) -> None:
        """Note that events cannot be written now, logging once per episode."""
        why = _plainly(error, self.path)
        if self._problem is None:
            log.error(
                "History is not being saved to %s: %s. Events wait until it can be; "
                "reminders carry on.",
                self.path,
                why,
            )
        self.saving = False
        self._problem = f"history is not being saved: {why}"
        self._say()

    def _say(self) -> None:
        """Put what the person should know in the note: the problem and what waits where."""
        parts = [self._problem] if self._problem else []
        if self._waiting:
            where = self.waiting_in
            kept = "in memory only" if where == "memory" else f"in {where}"
            parts.append(f"{_events(self.waiting)} waiting to be saved, kept {kept}")
        if self._dropped:
            parts.append(f"{_events(self._dropped)} could not be kept (the limit is {self._limit})")
        if self._kept_note:
            parts.append(self._kept_note)
        self.note = "; ".join(parts) or None

    def record(self, entry: Record | DaemonMark, wall: float | None = None) -> bool:
        """Write an entry after those waiting; return False when it waits (or is lost) instead."""
        self._waiting.append(_row_of(entry, wall))
        if self.flush():
            return True
        if len(self._waiting) > self._limit:
            self._waiting.pop()
            if not self._dropped:
                log.error(
                    "History: %d events wait to be saved, the most kept; later ones are lost "
                    "until %s can be written.",
                    self._limit,
                    self.path,
                )
            self._dropped += 1
        else:
            self._keep()
        self._say()
        return False

    def _keep(self) -> None:
        """Add the waiting events that are only in memory to the spool file, if it takes them."""
        if self._spool is None or self._on_disk == len(self._waiting):
            return
        try:
            self._spool.append_rows(self._waiting[self._on_disk :])
        except OSError as error:
            if not self._spool_failing:
                log.error(
                    "History: the waiting events cannot be kept in %s either (%s): they are "
                    "kept in memory.",
                    self._spool.path,
                    error,
                )
            self._spool_failing = True
            return
        self._on_disk = len(self._waiting)
        self._spool_failing = False

    def flush(self) -> bool:
        """Write every waiting event in one transaction, in order; return whether none waits."""
        if not self._waiting and not self._unchecked:
            return True
        if not self._writable:
            self._open()
            if not self._writable:
                return False
        connection = self._connection
        assert connection is not None
        try:
            if self._unchecked:
                self._check_drains(connection)
            written = self._write_waiting(connection) if self._waiting else 0
        except sqlite3.Error as error:
            if not _passing(error):  # read-only, I/O error, damage: open afresh next time
                self._disconnect()
            self._cannot_write(error)
            return False
        except OSError as error:  # the spool cannot say which rows go in: they stay waiting
            self._cannot_write(f"the waiting events cannot be marked as being saved: {error}")
            return False
        if not self.saving:
            log.info("History is being saved again: %d waiting events written.", written)
        self.saving, self._problem, self._dropped = True, None, 0
        self._say()
        return True

    def _write_waiting(self, connection: sqlite3.Connection) -> int:
        """Insert the waiting events after the last id, noting it first for those on disk."""
        connection.execute("BEGIN IMMEDIATE")
        try:
            last = connection.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()[0]
            if self._on_disk:
                assert self._spool is not None
                drain = Drain(last, self._spool.rows_in_file - self._on_disk, self._on_disk)
                if drain != self._last_drain:  # a try that failed said it already
                    self._spool.note_drain(drain)
                    self._last_drain = drain
            connection.executemany(
                "INSERT INTO events (id, at_utc, local_date, kind, exercise_id, seconds, how) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(last + 1 + n, *row) for n, row in enumerate(self._waiting)],
            )
            connection.execute("COMMIT")  # synced: now they are in, whatever comes next
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                connection.execute("ROLLBACK")
            raise
        written = len(self._waiting)
        self._waiting.clear()
        self._on_disk = 0
        self._forget_spool()
        return written

    def _forget_spool(self) -> None:
        """Remove the spool file once every row in it is in the history."""
        if self._spool is None or not self._spool.rows_in_file:
            return
        self._last_drain = None
        try:
            self._spool.remove()
        except OSError as error:  # its drain notes keep a restart from writing them twice
            log.warning("History: %s stays, its events saved: %s", self._spool.path, error)

    def _check_drains(self, connection: sqlite3.Connection) -> None:
        """Drop the waiting rows an earlier run wrote just before it stopped (its drain notes)."""
        assert self._spool is not None
        done = self._spool.rows_in_file - self._on_disk  # the spool's rows already in
        for drain in self._unchecked:
            rows = connection.execute(
                "SELECT at_utc, local_date, kind, exercise_id, seconds, how FROM events "
                "WHERE id > ? AND id <= ? ORDER BY id",
                (drain.after_id, drain.after_id + drain.count),
            ).fetchall()
            spooled = self._spool_rows(drain)
            if spooled is not None and [tuple(row) for row in rows] == spooled:
                done = max(done, drain.first + drain.count)
        self._unchecked = []
        skip = done - (self._spool.rows_in_file - self._on_disk)
        if skip > 0:
            log.info("History: %s waiting were saved before the last stop.", _events(skip))
            del self._waiting[:skip]
            self._on_disk -= skip
        if not self._waiting:
            self._forget_spool()

    def _spool_rows(self, drain: Drain) -> list[Row] | None:
        """Return the spool's rows a drain note names, if they are still among the waiting."""
        assert self._spool is not None
        start = drain.first - (self._spool.rows_in_file - self._on_disk)
        if start < 0 or start + drain.count > self._on_disk:
            return None
        return self._waiting[start : start + drain.count]

    def _counts_where(self, query: str, arguments: tuple[str, ...]) -> dict[str, int]:
        """Return a grouped count from the history, or nothing when it cannot be read."""
        if self._connection is None:
            return {}
        try:
            return dict(self._connection.execute(query, arguments).fetchall())
        except sqlite3.Error as error:
            log.warning("History: %s cannot be read: %s", self.path, error)
            return {}

    def day_counts(self, on: date) -> DayCounts:
        """Return the done, snoozed and skipped counts of a local date, waiting events too."""
        kinds = Counter(
            self._counts_where(
                "SELECT kind, count(*) FROM events WHERE local_date = ? GROUP BY kind",
                (on.isoformat(),),
            )
        )
        kinds.update(row[2] for row in self._waiting if row[1] == on.isoformat())
        return DayCounts.of(on.isoformat(), kinds)

    def done_per_day(self) -> dict[str, int]:
        """Return how many stretches were done on each local date (one row a day is read)."""
        days = Counter(
            self._counts_where(
                "SELECT local_date, count(*) FROM events WHERE kind = 'done' GROUP BY local_date",
                (),
            )
        )
        days.update(row[1] for row in self._waiting if row[2] == "done")
        return dict(days)

    def _disconnect(self) -> None:
        """Close the connection, if one is open."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        self._writable = False

    def close(self) -> None:
        """Write what waits if the history takes it now, say what would be lost, and close."""
        self.flush()
        self._keep()
        lost = self.waiting - (self._on_disk if self._spool is not None else 0)
        if lost:
            log.error("History: %s could not be saved anywhere and are lost.", _events(lost))
        self._disconnect()


LOW_SPACE = 256 * 1024  # bytes: less free than this, and the disk is as good as full


def _plainly(error: object, path: Path) -> str:
    """Return an error with what its place says of it: read-only, full, or not ours to write."""
    place = path if path.exists() else path.parent
    try:
        found = os.statvfs(place)
    except (OSError, AttributeError):  # a folder that is not there, or no statvfs (Windows)
        return str(error)
    if found.f_flag & os.ST_RDONLY:
        hint = f"{place} is on a read-only file system"
    elif found.f_bavail * found.f_frsize < LOW_SPACE and "full" not in str(error):
        hint = f"the disk holding {path.parent} is full"
    elif not os.access(place, os.R_OK):
        hint = f"{place} may not be read"
    elif not os.access(place, os.W_OK):
        hint = f"{place} may not be written"
    else:
        return str(error)
    return f"{error} ({hint})"


def _events(number: int) -> str:
    """Return "1 event" or "3 events"."""
    return f"{number} event{'' if number == 1 else 's'}"


def read_events(path: Path, since: date | None = None) -> Iterator[HistoryEntry]:
    """Yield the events in a history file, oldest first, reading without blocking the writer.

    A file in a read-only place is read as it is (immutable) or, when its WAL holds
    transactions, from a copy of both, so nothing committed is missed.
    """
    with contextlib.ExitStack() as stack:
        connection = _reader_for(path, stack)
        stack.callback(connection.close)
        query = "SELECT at_utc, local_date, kind, exercise_id, seconds, how FROM events"
        arguments: tuple[str, ...] = ()
        if since is not None:
            query += " WHERE local_date >= ?"
            arguments = (since.isoformat(),)
        for row in connection.execute(query + " ORDER BY id", arguments):
            yield HistoryEntry(*row)


def _reader_for(path: Path, stack: contextlib.ExitStack) -> sqlite3.Connection:
    """Open a history to read: in place, or immutable, or a copy in a temporary folder."""
    try:
        return _open_read_only(path)
    except sqlite3.Error as error:
        if is_damage(error) or not path.exists():
            raise
        import shutil  # only the command line comes here: the daemon never loads them
        import tempfile

        wal = Path(f"{path}-wal")
        if not wal.exists() or wal.stat().st_size == 0:  # all of it is in the main file
            return _open_read_only(path, immutable=True)
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="backcare-tray-")))
        try:
            shutil.copyfile(path, folder / path.name)
            shutil.copyfile(wal, folder / wal.name)
        except OSError as copying:
            problem = f"{error}; a copy could not be made: {copying}"
            raise sqlite3.OperationalError(problem) from None
        return _open_read_only(folder / path.name)
