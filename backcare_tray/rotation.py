"""Which stretch comes next: a sequential or shuffled order that survives restarts."""

import random
from dataclasses import dataclass, replace
from typing import Literal

__all__ = ["Order", "Rotation", "advance", "reconcile", "start_rotation"]

Order = Literal["sequential", "shuffle"]


@dataclass(frozen=True)
class Rotation:
    """The order of the current cycle and the position of the next stretch in it."""

    ids: tuple[str, ...]
    index: int = 0
    cycle: int = 0
    seed: int = 0

    @property
    def current(self) -> str:
        """Return the id of the stretch that comes next."""
        return self.ids[self.index]


def _cycle_order(ids: tuple[str, ...], order: Order, seed: int, cycle: int) -> tuple[str, ...]:
    """Return the order of one cycle: as configured, or shuffled with a seed per cycle."""
    if order == "sequential":
        return ids
    shuffled = sorted(ids)
    random.Random(f"{seed}:{cycle}").shuffle(shuffled)
    return tuple(shuffled)


def start_rotation(ids: tuple[str, ...], order: Order, seed: int) -> Rotation:
    """Return a rotation at the start of its first cycle."""
    return Rotation(_cycle_order(ids, order, seed, 0), 0, 0, seed)


def advance(rotation: Rotation, order: Order) -> Rotation:
    """Return the rotation moved on by one stretch, never repeating the one just done."""
    if rotation.index + 1 < len(rotation.ids):
        return replace(rotation, index=rotation.index + 1)
    cycle = rotation.cycle + 1
    ids = list(_cycle_order(rotation.ids, order, rotation.seed, cycle))
    if len(ids) > 1 and ids[0] == rotation.current:
        ids[0], ids[-1] = ids[-1], ids[0]
    return Rotation(tuple(ids), 0, cycle, rotation.seed)


def reconcile(rotation: Rotation, ids: tuple[str, ...], order: Order) -> Rotation:
    """Return a rotation valid for the configured ids, keeping the next stretch if it remains."""
    same_members = sorted(rotation.ids) == sorted(ids)
    if same_members and (order == "shuffle" or rotation.ids == ids):
        return rotation
    fresh = start_rotation(ids, order, rotation.seed)
    if rotation.ids and rotation.current in ids:
        return replace(fresh, index=fresh.ids.index(rotation.current))
    return fresh
