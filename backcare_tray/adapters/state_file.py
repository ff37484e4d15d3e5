"""Persist the engine state and today's counters atomically as JSON."""

import json
import logging
import os
import tempfile
import time
from dataclasses import MISSING, asdict, fields
from pathlib import Path
from typing import Any

from backcare_tray.engine import (
    Due,
    EngineState,
    Mode,
    Off,
    Paused,
    Snoozed,
    Working,
    for_saving,
)
from backcare_tray.moment import Moment
from backcare_tray.report import DayCounts
from backcare_tray.rotation import Rotation

__all__ = ["FORMAT", "StateFile", "load_state", "save_state", "write_atomically"]

log = logging.getLogger(__name__)
FORMAT = 2  # 1: one record for every mode (still read)


# Windows refuses to replace a file another process has open (a reader of the state, a
# virus scanner): such a hold is short, so the move is tried again for up to a second.
REPLACE_RETRIES = (0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.4)


def _replace(temp: str, path: Path) -> None:
    """Move temp onto path, waiting out a reader that holds path open on Windows."""
    for pause in REPLACE_RETRIES if os.name == "nt" else ():
        try:
            os.replace(temp, path)
            return
        except PermissionError:
            time.sleep(pause)
    os.replace(temp, path)


def write_atomically(path: Path, content: str | bytes, mode: int | None = None) -> None:
    """Replace path with content so that a crash leaves either the old or the new file.

    The new file is private (0600) unless mode says otherwise (a config file keeps its own).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        if mode is not None:
            os.chmod(temp, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        _replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _to_wall(value: float | None, at: Moment) -> float | None:
    """Convert an engine time to wall-clock seconds."""
    return None if value is None else at.wall_of(value)


def _to_mono(value: float | None, at: Moment) -> float | None:
    """Convert wall-clock seconds to an engine time."""
    return None if value is None else at.mono + (value - at.wall)


def _no_constant(name: str) -> float:
    """Refuse NaN and Infinity, which JSON does not have."""
    raise ValueError(f"{name} is not a time")


def _time(value: object) -> float:
    """Return a saved wall-clock time, refusing anything that is not a plain number."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{value!r} is not a time")
    return float(value)


def _time_or_none(value: object) -> float | None:
    """Return a saved time, or None where none was saved."""
    return None if value is None else _time(value)


_MODES: dict[str, type[Working | Due | Snoozed | Paused | Off]] = {
    kind.name: kind for kind in (Working, Due, Snoozed, Paused, Off)
}


def _mode_payload(mode: Mode, at: Moment) -> dict[str, Any]:
    """Return a mode as JSON data: its name and its times (every field is one) as wall clock."""
    return {
        "name": mode.name,
        **{f.name: _to_wall(getattr(mode, f.name), at) for f in fields(mode)},
    }


def _mode_from(data: object, at: Moment) -> Mode:
    """Return the mode saved as data; raise ValueError naming what is wrong."""
    if not isinstance(data, dict):
        raise ValueError(f"mode {data!r} is not a record")
    kind = _MODES.get(data.get("name"))  # type: ignore[arg-type]
    if kind is None:
        raise ValueError(f"unknown mode {data.get('name')!r}")
    names = {f.name for f in fields(kind)}
    if set(data) - names - {"name"}:
        raise ValueError(f"unknown fields {sorted(set(data) - names - {'name'})!r} in the mode")
    values = {name: _to_mono(_time_or_none(data.get(name)), at) for name in names}
    for field in fields(kind):
        if field.default is MISSING and values[field.name] is None:
            raise ValueError(f"mode {kind.name!r} without {field.name}")
    return kind(**values)  # type: ignore[arg-type]


def _format_1_mode(payload: dict[str, Any]) -> dict[str, Any]:
    """Return the mode of a format 1 file (one record for every mode) in today's shape."""
    name = payload.get("mode")
    since, deadline = payload.get("interval_started_at"), payload.get("deadline")
    return {
        "working": {"name": name, "since": since, "deadline": deadline},
        "due": {
            "name": name,
            "since": since,
            "remind_at": payload.get("remind_at"),
            "held_until": payload.get("held_until"),
        },
        "snoozed": {"name": name, "since": since, "until": deadline},
        "paused": {"name": name, "until": deadline},
        "off": {"name": name, "until": deadline},
    }.get(name, {"name": name})  # type: ignore[arg-type]


def save_state(path: Path, state: EngineState, today: DayCounts, at: Moment) -> None:
    """Write the mode (times as wall clock), the rotation and today's counters."""
    saved = for_saving(state)
    payload = {
        "format": FORMAT,
        "mode": _mode_payload(saved.mode, at),
        "rotation": asdict(saved.rotation),
        "today": asdict(today),
    }
    write_atomically(path, json.dumps(payload, indent=1) + "\n")


def load_state(path: Path, at: Moment) -> tuple[EngineState, DayCounts] | None:
    """Return the saved state, or None when there is none or it cannot be used."""
    try:
        payload: dict[str, Any] = json.loads(
            path.read_text(encoding="utf-8"), parse_constant=_no_constant
        )
        if not isinstance(payload, dict):
            raise ValueError(f"a JSON object was expected, not {type(payload).__name__}")
        if payload.get("format") not in (1, FORMAT):
            raise ValueError(f"unknown format {payload.get('format')!r}")
        rotation = Rotation(
            ids=tuple(payload["rotation"]["ids"]),
            index=int(payload["rotation"]["index"]),
            cycle=int(payload["rotation"]["cycle"]),
            seed=int(payload["rotation"]["seed"]),
        )
        saved_mode = payload["mode"] if payload["format"] == FORMAT else _format_1_mode(payload)
        state = EngineState(_mode_from(saved_mode, at), rotation)
        today = DayCounts(**payload["today"])
        if not isinstance(today.date, str) or not all(
            isinstance(n, int) and n >= 0 for n in (today.done, today.snoozed, today.skipped)
        ):
            raise ValueError(f"today's counts {payload['today']!r} are not counts")
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, AssertionError, RecursionError) as error:
        _set_aside(path, str(error)[:200])
        return None
    if not rotation.ids or not 0 <= rotation.index < len(rotation.ids):
        _set_aside(path, "rotation position out of range")
        return None
    return state, today


def _set_aside(path: Path, problem: str) -> None:
    """Keep an unusable state file under a new name so a fresh one never overwrites it."""
    kept = path.with_name(f"{path.name}.unusable-{time.strftime('%Y%m%d-%H%M%S')}")
    try:
        os.replace(path, kept)
    except OSError as error:
        log.warning(
            "Saved state in %s is unusable (%s) and cannot be moved: %s", path, problem, error
        )
        return
    log.warning(
        "Saved state in %s is unusable (%s); kept it as %s and started afresh.", path, problem, kept
    )


class StateFile:
    """The daemon's state file at one path: loaded at start, saved after every change."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self, at: Moment) -> tuple[EngineState, DayCounts] | None:
        """Return the saved state and counters, or None when there is none to use."""
        return load_state(self.path, at)

    def save(self, state: EngineState, today: DayCounts, at: Moment) -> None:
        """Write the state atomically; raise OSError when it cannot be written."""
        save_state(self.path, state, today, at)
