"""The order of stretches."""

import itertools

from backcare_tray.rotation import Rotation, advance, reconcile, start_rotation

IDS = ("a", "b", "c", "d")


def walk(rotation: Rotation, order: str, count: int) -> list[str]:
    """Return the next count stretches of a rotation."""
    seen = []
    for _ in range(count):
        seen.append(rotation.current)
        rotation = advance(rotation, order)  # type: ignore[arg-type]
    return seen


def test_sequential_cycles_in_configured_order() -> None:
    """Sequential repeats the list as written."""
    assert walk(start_rotation(IDS, "sequential", 0), "sequential", 9) == [*IDS, *IDS, "a"]


def test_shuffle_covers_every_stretch_each_cycle_and_never_repeats() -> None:
    """Shuffle visits each stretch once per cycle, with no stretch twice in a row."""
    for seed in range(50):
        seen = walk(start_rotation(IDS, "shuffle", seed), "shuffle", 40)
        for cycle in range(10):
            assert sorted(seen[cycle * 4 : (cycle + 1) * 4]) == sorted(IDS)
        assert all(a != b for a, b in itertools.pairwise(seen))


def test_shuffle_differs_between_seeds() -> None:
    """Different seeds give different orders."""
    orders = {tuple(walk(start_rotation(IDS, "shuffle", s), "shuffle", 8)) for s in range(10)}
    assert len(orders) > 1


def test_shuffle_of_two_alternates() -> None:
    """With two stretches shuffle can only alternate."""
    seen = walk(start_rotation(("x", "y"), "shuffle", 3), "shuffle", 10)
    assert all(a != b for a, b in itertools.pairwise(seen))


def test_reconcile_keeps_position_when_config_is_unchanged() -> None:
    """A restart with the same rotation resumes where it was."""
    rotation = advance(advance(start_rotation(IDS, "sequential", 0), "sequential"), "sequential")
    assert reconcile(rotation, IDS, "sequential") == rotation


def test_reconcile_keeps_the_next_stretch_when_the_list_changes() -> None:
    """Editing the list keeps the upcoming stretch if it is still listed."""
    rotation = advance(start_rotation(IDS, "sequential", 0), "sequential")  # next: b
    changed = reconcile(rotation, ("d", "b", "a"), "sequential")
    assert changed.current == "b"
    assert changed.ids == ("d", "b", "a")


def test_reconcile_restarts_when_the_next_stretch_was_removed() -> None:
    """If the upcoming stretch was removed the rotation starts over."""
    rotation = advance(start_rotation(IDS, "sequential", 0), "sequential")  # next: b
    assert reconcile(rotation, ("c", "d"), "sequential").current == "c"
