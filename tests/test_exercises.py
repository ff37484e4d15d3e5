"""The built-in stretch library and the guided phases."""

from pathlib import Path

import pytest

from backcare_tray.exercises import (
    MOVEMENT_SECONDS,
    PNG_SIGNATURE,
    REST_SECONDS,
    SETUP_SECONDS,
    builtin_exercises,
    exercise_from_table,
    phases,
)
from backcare_tray.validation import InvalidValue, InvalidValues

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
    one_side = ["setup", "setup", "hold", "rest", "hold", "rest", "hold"]
    assert [p.kind for p in routine] == [*one_side, "switch", *one_side[1:]]
    assert all(p.seconds == REST_SECONDS for p in routine if p.kind == "rest")
    assert all(p.seconds == SETUP_SECONDS for p in routine if p.kind in ("setup", "switch"))


def test_each_phase_shows_one_step_and_the_side_it_is_for() -> None:
    """Set-up steps in order, the held step for holds, back to the last set-up step to rest."""
    exercise = LIBRARY["hamstring-stretch"]
    routine = phases(exercise)
    assert exercise.held_step == 2  # the third step: tip the chest toward the leg
    assert [p.step for p in routine[:4]] == [0, 1, 2, 1]
    assert {p.step for p in routine if p.kind == "hold"} == {2}
    assert [p.side_index for p in routine] == [0] * 7 + [1] * 7
    squat = phases(LIBRARY["ball-squat"])
    assert {p.side_index for p in squat} == {None}
    assert "switch" not in [p.kind for p in squat]


def test_the_held_step_defaults_to_the_last_but_one() -> None:
    """Without hold_step, the step before the last is held; one or two steps: the last."""
    base = {"id": "x", "name": "X", "summary": "s", "reps": 1}
    three = exercise_from_table({**base, "steps": ["a", "b", "c"]}, "e.")
    assert three.held_step == 1
    assert exercise_from_table({**base, "steps": ["a", "b"]}, "e.").held_step == 1
    assert exercise_from_table({**base, "steps": ["a"]}, "e.").held_step == 0
    chosen = exercise_from_table({**base, "steps": ["a", "b", "c"], "hold_step": 3}, "e.")
    assert chosen.held_step == 2
    with pytest.raises(InvalidValue, match="past the last step"):
        exercise_from_table({**base, "steps": ["a"], "hold_step": 2}, "e.")


def test_pictures_must_be_readable_png_files_one_per_step(tmp_path: Path) -> None:
    """Picture files are found beside the config; a missing or non-PNG file names its key."""
    (tmp_path / "one.png").write_bytes(PNG_SIGNATURE + b"rest")
    (tmp_path / "two.txt").write_text("not a picture")
    base = {"id": "x", "name": "X", "summary": "s", "reps": 1, "steps": ["a", "b"]}
    good = exercise_from_table({**base, "pictures": ["one.png", "one.png"]}, "e.", tmp_path)
    assert good.pictures == (str(tmp_path / "one.png"),) * 2
    with pytest.raises(InvalidValues) as problems:
        exercise_from_table({**base, "pictures": ["gone.png", "two.txt"]}, "e.", tmp_path)
    keys = {problem.key: problem.problem for problem in problems.value.problems}
    assert "No such file" in keys["e.pictures[0]"]
    assert "not a PNG file" in keys["e.pictures[1]"]
    with pytest.raises(InvalidValue, match="one file per step"):
        exercise_from_table({**base, "pictures": ["one.png"]}, "e.", tmp_path)


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
