"""The built-in stretch library and the guided phases."""

from pathlib import Path

import pytest

from backcare_tray.exercises import (
    LONGEST_TEXT,
    MOST_HOLD_SECONDS,
    MOST_PHASES,
    MOST_REPS,
    MOST_STEPS,
    MOVEMENT_SECONDS,
    PNG_SIGNATURE,
    REST_SECONDS,
    SETUP_SECONDS,
    Exercise,
    builtin_exercises,
    exercise_from_table,
    phases,
    setup_seconds,
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
    set_up = [p for p in routine if p.kind in ("setup", "switch")]
    assert all(p.seconds >= SETUP_SECONDS for p in set_up)
    exercise = LIBRARY["hamstring-stretch"]
    assert routine[0].seconds == setup_seconds(exercise.steps[0], first=True)


def test_a_long_set_up_step_gets_the_time_it_takes_to_say() -> None:
    """At 2.5 words a second, with the stretch's name and side said before the first."""
    short, long = "Sit tall.", " ".join(["word"] * 30)
    assert setup_seconds(short, first=False) == SETUP_SECONDS
    assert setup_seconds(long, first=False) == 14  # (30 + 3) words at 2.5 a second
    assert setup_seconds(long, first=True) == 14  # (30 + 5) / 2.5


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


BASE = {"id": "x", "name": "X", "summary": "s", "steps": ["a", "b", "c"]}


@pytest.mark.parametrize(
    ("fields", "key", "message"),
    [
        ({"reps": 51}, "reps", "51 is not a whole number from 1 to 50"),
        ({"reps": 1_000_000}, "reps", "1000000 is not a whole number from 1 to 50"),
        ({"reps": 1_000_000_000}, "reps", "1000000000 is not a whole number from 1 to 50"),
        ({"reps": 3, "reps_max": 51}, "reps_max", "51 is not a whole number from 3 to 50"),
        ({"reps": 3, "reps_max": 2}, "reps_max", "2 is not a whole number from 3 to 50"),
        ({"hold_seconds": 601}, "hold_seconds", "601 is not a whole number from 0 to 600"),
        (
            {"hold_seconds": 2_147_454},
            "hold_seconds",
            "2147454 is not a whole number from 0 to 600",
        ),
        (
            {"hold_seconds": 30, "hold_seconds_max": 601},
            "hold_seconds_max",
            "601 is not a whole number from 30 to 600",
        ),
        ({"steps": ["a"] * 13}, "steps", "13 entries; at most 12 are allowed"),
        ({"steps": ["a", "b" * 301]}, "steps[1]", "is 301 characters long; at most 300"),
        ({"hold_step": 13}, "hold_step", "13 is not a whole number from 0 to 12"),
        ({"sides": ["left", "right", "middle"]}, "sides", "must be [] or two sides"),
        ({"sides": ["left", "r" * 31]}, "sides[1]", "is 31 characters long; at most 30"),
        ({"id": "x" * 41}, "id", "is 41 characters long; at most 40"),
        ({"name": "N" * 61}, "name", "is 61 characters long; at most 60"),
        ({"name": "Two\nlines"}, "name", "must be one line of text"),
        ({"summary": "s" * 301}, "summary", "is 301 characters long; at most 300"),
        ({"safety": "s" * 301}, "safety", "is 301 characters long; at most 300"),
        ({"equipment": "e" * 101}, "equipment", "is 101 characters long; at most 100"),
        ({"area": "a" * 61}, "area", "is 61 characters long; at most 60"),
    ],
)
def test_a_stretch_is_held_to_what_a_body_can_do(
    fields: dict[str, object], key: str, message: str
) -> None:
    """Doses, steps and texts past their bounds are refused, naming key, value and range."""
    with pytest.raises(InvalidValue) as error:
        exercise_from_table({**BASE, **fields}, "exercises[0].")
    assert error.value.key == f"exercises[0].{key}"
    assert message in error.value.problem


def test_a_step_too_long_is_the_one_problem_not_a_cascade(tmp_path: Path) -> None:
    """A refused steps list is said once; its pictures and hold_step are not blamed for it."""
    (tmp_path / "p.png").write_bytes(PNG_SIGNATURE)
    table = {**BASE, "steps": ["a"] * 13, "hold_step": 12, "pictures": ["p.png"] * 13}
    with pytest.raises(InvalidValue) as error:
        exercise_from_table(table, "e.", tmp_path)
    assert not isinstance(error.value, InvalidValues)
    assert error.value.key == "e.steps"


def largest_stretch() -> Exercise:
    """Return the biggest stretch the bounds allow: every limit at its most."""
    return exercise_from_table(
        {
            "id": "i" * LONGEST_TEXT["id"],
            "name": "n" * LONGEST_TEXT["name"],
            "summary": "s" * LONGEST_TEXT["summary"],
            "steps": ["t" * LONGEST_TEXT["steps"]] * MOST_STEPS,
            "hold_step": MOST_STEPS,
            "hold_seconds": MOST_HOLD_SECONDS,
            "hold_seconds_max": MOST_HOLD_SECONDS,
            "reps": MOST_REPS,
            "reps_max": MOST_REPS,
            "sides": ["l" * LONGEST_TEXT["sides"], "r" * LONGEST_TEXT["sides"]],
        },
        "e.",
    )


def test_the_largest_stretch_allowed_has_a_bounded_routine() -> None:
    """At every bound at once, the routine has MOST_PHASES phases (220), about 17 hours."""
    stretch = largest_stretch()
    routine = phases(stretch)
    assert len(routine) == MOST_PHASES == 220
    # Each timed phase fits a notification's int32 milliseconds many times over.
    assert max(p.seconds for p in routine) == MOST_HOLD_SECONDS
    assert sum(p.seconds for p in routine) * 1000 < 2**31 - 1
    # Every other shape within the bounds stays under it too.
    for reps in (1, 2, MOST_REPS):
        for steps in (1, 2, 3, MOST_STEPS):
            for sides in ([], ["left", "right"]):
                table = {**BASE, "steps": ["a"] * steps, "reps": reps, "sides": sides}
                assert len(phases(exercise_from_table(table, "e."))) <= MOST_PHASES


@pytest.mark.parametrize(
    "dose",
    [
        {"reps": 1_000_000_000},
        {"reps": 0},
        {"reps_max": MOST_REPS + 1},
        {"hold_seconds": MOST_HOLD_SECONDS + 1},
        {"hold_seconds_max": 10**9},
        {"steps": ("a",) * (MOST_STEPS + 1)},
        {"steps": ()},
        {"sides": ("one",)},
    ],
)
def test_a_stretch_built_past_the_bounds_is_refused_before_any_routine(
    dose: dict[str, object],
) -> None:
    """Whoever builds an Exercise, a dose past the bounds never reaches phases()."""
    fields: dict[str, object] = {
        "id": "x",
        "name": "X",
        "area": "back",
        "summary": "s",
        "steps": ("a", "b"),
        "hold_seconds": 5,
        "reps": 2,
        **dose,
    }
    with pytest.raises(ValueError, match="x: "):
        Exercise(**fields)  # type: ignore[arg-type]
