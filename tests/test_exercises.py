"""The built-in stretch library and the guided phases."""

import pytest

from backcare_tray.exercises import (
    MOVEMENT_SECONDS,
    REST_SECONDS,
    builtin_exercises,
    exercise_from_table,
    phases,
)
from backcare_tray.validation import InvalidValue

LIBRARY = {e.id: e for e in builtin_exercises()}


def test_library_has_the_five_stretches_with_every_field() -> None:
    """Each stretch has an id, name, area, summary, steps, dose, equipment and safety note."""
    assert list(LIBRARY) == [
        "hamstring-stretch",
        "calf-stretch",
        "ball-squat",
        "ball-squat-strength",
        "hip-flexor-stretch",
    ]
    for exercise in LIBRARY.values():
        assert exercise.name and exercise.area and exercise.summary and exercise.safety
        assert len(exercise.steps) >= 3
        assert "ball" in exercise.equipment


@pytest.mark.parametrize(
    ("exercise_id", "hold", "hold_max", "reps", "reps_max", "sided"),
    [
        ("hamstring-stretch", 10, None, 3, None, True),
        ("calf-stretch", 10, None, 3, None, True),
        ("ball-squat", 0, None, 3, 5, False),
        ("ball-squat-strength", 5, 10, 3, 5, False),
    ],
)
def test_doses_follow_the_source(
    exercise_id: str, hold: int, hold_max: int | None, reps: int, reps_max: int | None, sided: bool
) -> None:
    """Holds, reps and sides carry over from the source text."""
    exercise = LIBRARY[exercise_id]
    assert (exercise.hold_seconds, exercise.hold_seconds_max) == (hold, hold_max)
    assert (exercise.reps, exercise.reps_max) == (reps, reps_max)
    assert bool(exercise.sides) == sided


def test_phases_do_every_rep_on_one_side_then_the_other() -> None:
    """Hamstring: three 10 s holds on the left leg, then three on the right, rests between."""
    routine = phases(LIBRARY["hamstring-stretch"])
    holds = [(p.side, p.rep, p.seconds) for p in routine if p.kind == "hold"]
    assert holds == [("left leg", r, 10) for r in (1, 2, 3)] + [
        ("right leg", r, 10) for r in (1, 2, 3)
    ]
    assert [p.kind for p in routine] == ["hold"] + ["rest", "hold"] * 5
    assert all(p.seconds == REST_SECONDS for p in routine if p.kind == "rest")


def test_movement_reps_get_a_fixed_pace() -> None:
    """A squat has no hold; each repetition is a timed movement."""
    routine = phases(LIBRARY["ball-squat"])
    assert [p.seconds for p in routine if p.kind == "hold"] == [MOVEMENT_SECONDS] * 3
    assert all(p.side is None for p in routine)


def test_invalid_exercise_names_the_key() -> None:
    """A bad field is reported with its key."""
    table = {"id": "x", "name": "X", "summary": "s", "steps": ["a"], "reps": 0}
    with pytest.raises(InvalidValue) as error:
        exercise_from_table(table, "exercises[0].")
    assert error.value.key == "exercises[0].reps"
    table = {"id": "x", "name": "X", "summary": "s", "steps": ["a"], "sides": ["left"]}
    with pytest.raises(InvalidValue, match=r"exercises\[0\]\.sides"):
        exercise_from_table(table, "exercises[0].")
