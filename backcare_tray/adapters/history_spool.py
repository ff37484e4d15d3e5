"""The events waiting for the history: an append-only JSON-lines file, synced on every write."""

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Drain", "Row", "Spool"]

log = logging.getLogger(__name__)

# A history row as stored: at_utc, local_date, kind, exercise_id, seconds, how.
Row = tuple[str, str, str, str | None, int | None, str | None]


@dataclass(frozen=True)
class Drain:
    """Written before waiting rows go into the history: rows first.. go in at after_id + 1.."""

    after_id: int  # the history's highest id before them
    first: int  # the position in the file of the first row (rows only are counted)
    count: int


def _row(value: object) -> Row:
    """Return a row read back from the file; raise ValueError if it is not one."""
    if not isinstance(value, list) or len(value) != 6:
        raise ValueError(f"{value!r} is not a row")
    at_utc, local_date, kind, exercise_id, seconds, how = value
    if not all(isinstance(text, str) for text in (at_utc, local_date, kind)):
        raise ValueError(f"{value!r} has no time, date or kind")
    if not all(text is None or isinstance(text, str) for text in (exercise_id, how)):
        raise ValueError(f"{value!r} has a strange exercise or how")
    if seconds is not None and (isinstance(seconds, bool) or not isinstance(seconds, int)):
        raise ValueError(f"{value!r} has strange seconds")
    return at_utc, local_date, kind, exercise_id, seconds, how


def _drain(value: object) -> Drain:
    """Return a drain note read back from the file; raise ValueError if it is not one."""
    if not isinstance(value, list) or len(value) != 3:
        raise ValueError(f"{value!r} is not a drain note")
    if not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in value):
        raise ValueError(f"{value!r} is not a drain note")
    return Drain(*value)


class Spool:
    """One file of waiting rows and drain notes; every write is whole and synced, or undone."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.rows_in_file = 0  # rows written to the file so far (its drain notes not counted)
        self._size = 0  # bytes of whole lines: a failed write is cut back to this
        self._torn = False  # a torn end that could not be cut off: nothing more is written

    def load(self) -> tuple[list[Row], list[Drain]]:
        """Return the rows and drain notes in the file, cutting off a torn last line."""
        try:
            data = self.path.read_bytes()
        except (FileNotFoundError, NotADirectoryError):  # none there (its folder may be a file)
            self.rows_in_file, self._size = 0, 0
            return [], []
        whole = data[: data.rfind(b"\n") + 1]
        rows: list[Row] = []
        drains: list[Drain] = []
        for number, line in enumerate(whole.splitlines(), 1):
            try:
                item = json.loads(line)
                if not isinstance(item, dict):
                    raise ValueError("not an object")
                if "row" in item:
                    rows.append(_row(item["row"]))
                else:
                    drains.append(_drain(item["drain"]))
            except (ValueError, KeyError) as error:
                log.warning("History: line %d of %s is left out: %s", number, self.path, error)
        self.rows_in_file, self._size = len(rows), len(whole)
        if len(whole) < len(data):  # a crash in the middle of a write: that event was not kept
            try:
                with open(self.path, "r+b") as handle:
                    handle.truncate(len(whole))
                    os.fsync(handle.fileno())
            except OSError as error:
                self._torn = True  # appending after the torn line would spoil the next one
                log.warning("History: the torn end of %s cannot be cut off: %s", self.path, error)
            else:
                log.warning("History: the torn end of %s is cut off.", self.path)
        return rows, drains

    def append_rows(self, rows: list[Row]) -> None:
        """Add rows at the end and sync; raise OSError (with nothing added) if they cannot be."""
        self._append([{"row": list(row)} for row in rows])
        self.rows_in_file += len(rows)

    def note_drain(self, drain: Drain) -> None:
        """Say which rows are about to go into the history, and where; raise OSError if unsaid."""
        self._append([{"drain": [drain.after_id, drain.first, drain.count]}])

    def remove(self) -> None:
        """Remove the file once every row in it is in the history; raise OSError if it stays."""
        self.path.unlink(missing_ok=True)
        self.rows_in_file, self._size, self._torn = 0, 0, False

    def _append(self, items: list[dict[str, object]]) -> None:
        """Write whole lines at the end and sync them; on failure cut the file back and raise."""
        if self._torn:
            raise OSError(f"{self.path} ends in a torn line that cannot be cut off")
        data = b"".join(json.dumps(item).encode("utf-8") + b"\n" for item in items)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view) :]
                os.fsync(fd)
            except OSError:
                os.ftruncate(fd, self._size)  # a partial line would spoil the next one
                if self._size == 0:
                    self.path.unlink(missing_ok=True)  # no empty file left behind
                raise
        finally:
            os.close(fd)
        if self._size == 0:  # a new file: its name must outlive a crash too
            _sync_folder(self.path.parent)
        self._size += len(data)


def _sync_folder(folder: Path) -> None:
    """Sync a folder's entries (where the platform can), so a new file's name is kept."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
