"""Persist the engine state and today's counters atomically as JSON."""

import json
import logging
import os
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from backcare_tray.engine import EngineState, for_saving
from backcare_tray.report import DayCounts
from backcare_tray.rotation import Rotation
from backcare_tray.wording import Moment

log = logging.getLogger(__name__)
FORMAT = 1


def write_atomically(path: Path, text: str) -> None:
    """Replace path with text so that a crash leaves either the old or the new file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _to_wall(value: float | None, at: Moment) -> float | None:
    """Convert an engine time to wall-clock seconds."""
    return None if value is None else at.wall_of(value)


def _to_mono(value: float | None, at: Moment) -> float | None:
    """Convert wall-clock seconds to an engine time."""
    return None if value is None else at.mono + (value - at.wall)


def save_state(path: Path, state: EngineState, today: DayCounts, at: Moment) -> None:
    """Write the state (times as wall clock) and today's counters."""
    saved = for_saving(state)
    payload = {
        "format": FORMAT,
        "mode": saved.mode,
        "interval_started_at": _to_wall(saved.interval_started_at, at),
        "deadline": _to_wall(saved.deadline, at),
        "remind_at": _to_wall(saved.remind_at, at),
        "rotation": asdict(saved.rotation),
        "today": asdict(today),
    }
    write_atomically(path, json.dumps(payload, indent=1) + "\n")


def load_state(path: Path, at: Moment) -> tuple[EngineState, DayCounts] | None:
    """Return the saved state, or None when there is none or it cannot be used."""
    try:
        payload: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        if payload.get("format") != FORMAT:
            raise ValueError(f"unknown format {payload.get('format')!r}")
        rotation = Rotation(
            ids=tuple(payload["rotation"]["ids"]),
            index=int(payload["rotation"]["index"]),
            cycle=int(payload["rotation"]["cycle"]),
            seed=int(payload["rotation"]["seed"]),
        )
        mode = payload["mode"]
        if mode not in ("working", "due", "snoozed", "paused"):
            raise ValueError(f"unknown mode {mode!r}")
        started = _to_mono(float(payload["interval_started_at"]), at)
        assert started is not None
        state = EngineState(
            mode=mode,
            rotation=rotation,
            interval_started_at=started,
            deadline=_to_mono(payload["deadline"], at),
            remind_at=_to_mono(payload["remind_at"], at),
        )
        today = DayCounts(**payload["today"])
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, AssertionError) as error:
        _set_aside(path, str(error))
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
