"""Shared stretch files: read, checked, imported all or nothing, made from a form, exported."""

from pathlib import Path

import pytest
from support.homes import use_home
from support.stretch_files import ROUTINE, ROUTINE_IDS, png_bytes, write_routine

from backcare_tray.adapters.config_edit import backup_path, read_draft, save_draft
from backcare_tray.adapters.stretch_import import (
    NotSaved,
    add_stretch,
    export_stretches,
    import_stretches,
)
from backcare_tray.cli import main
from backcare_tray.config_file import load_settings
from backcare_tray.exercises import builtin_exercises
from backcare_tray.settings_schema import setting_named
from backcare_tray.stretch_share import (
    MOST_FILE_BYTES,
    MOST_PICTURE_BYTES,
    StretchError,
    StretchFileError,
    StretchForm,
    form_problems,
    read_stretch_file,
    stretch_from_form,
    stretch_id,
)

BUILTIN = tuple(exercise.id for exercise in builtin_exercises())
USER_FILE = """\
# My settings, tuned after the physio's advice.
[schedule]
sitting_interval = "50m"   # fifty, not forty-five

[[exercises]]  # my own, from last year
id = "wrist-circles"
name = "Wrist circles"
summary = "Circle both wrists to loosen them."
steps = ["Hold your hands out.", "Circle them slowly."]
hold_seconds = 0
reps = 5
"""


def _config(folder: Path, text: str = USER_FILE) -> Path:
    """Write the user's config into folder and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "config.toml"
    path.write_bytes(text.encode("utf-8"))  # as written, "\n" on Windows too
    return path


def _files(folder: Path) -> dict[str, bytes]:
    """Return every file under folder, by relative path, with its bytes."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_a_routine_is_imported_with_its_pictures_and_joins_the_rotation(tmp_path: Path) -> None:
    """Both stretches load with their copied pictures, last in the default rotation."""
    source = write_routine(tmp_path / "from-physio")
    config = _config(tmp_path / "config")
    added = import_stretches(source, config)
    assert [e.id for e in added.exercises] == list(ROUTINE_IDS)
    assert not added.listed  # the file leaves the rotation to the default: all, own last
    settings = load_settings(config, required=True)
    assert settings.rotation == (*BUILTIN, "wrist-circles", *ROUTINE_IDS)
    squeeze = settings.exercise("shoulder-squeeze")
    assert (squeeze.hold_seconds, squeeze.reps, squeeze.area) == (10, 3, "upper back")
    folder = config.parent / "stretches"
    assert squeeze.pictures == tuple(
        str(folder / "shoulder-squeeze" / f"squeeze-{n}.png") for n in (1, 2, 3)
    )
    originals = source.parent / "pictures"
    for n, picture in enumerate(squeeze.pictures, 1):
        assert Path(picture).read_bytes() == (originals / f"squeeze-{n}.png").read_bytes()
    assert len(added.pictures) == 5 and all(p.is_relative_to(folder) for p in added.pictures)


def test_the_persons_comments_and_text_stay_byte_for_byte(tmp_path: Path) -> None:
    """The file before the new tables is the old file exactly; the old file is the backup."""
    config = _config(tmp_path / "config")
    import_stretches(write_routine(tmp_path / "share"), config)
    text = config.read_text(encoding="utf-8")
    assert text.startswith(USER_FILE)
    assert "# Imported from routine.toml" in text[len(USER_FILE) :]
    assert backup_path(config).read_text(encoding="utf-8") == USER_FILE


def test_new_tables_follow_the_last_stretch_and_later_edits_move_nothing(tmp_path: Path) -> None:
    """Between the person's stretch and the next table (with its comment); the rest as it was."""
    head = USER_FILE + "\n"
    tail = '# Mix them up\n[rotation]\norder = "shuffle"  # mornings\n'
    config = _config(tmp_path / "config", head + tail)
    import_stretches(write_routine(tmp_path / "share"), config)
    text = config.read_text(encoding="utf-8")
    assert text.startswith(head + "[[exercises]]\n# Imported from routine.toml\n")
    assert text.endswith('"stretches/shoulder-squeeze/squeeze-3.png",\n]\n\n' + tail)
    assert load_settings(config).rotation_order == "shuffle"
    draft = read_draft(config)  # as the settings window edits it next
    draft.set(setting_named("schedule.sitting_interval"), "40m")
    save_draft(draft)
    assert config.read_text(encoding="utf-8") == text.replace('"50m"', '"40m"')


def test_a_listed_rotation_gets_the_new_ids_at_its_end(tmp_path: Path) -> None:
    """A config that lists [rotation] exercises has the new ids added there, in file order."""
    listed = USER_FILE + '\n[rotation]\nexercises = ["calf-stretch", "wrist-circles"]  # mine\n'
    config = _config(tmp_path / "config", listed)
    added = import_stretches(write_routine(tmp_path / "share"), config)
    assert added.listed
    assert load_settings(config).rotation == ("calf-stretch", "wrist-circles", *ROUTINE_IDS)
    assert '"wrist-circles", "neck-roll", "shoulder-squeeze"]  # mine' in config.read_text()


def test_no_config_yet_starts_from_the_example_with_its_listed_rotation(tmp_path: Path) -> None:
    """With no config file, the example is written with the stretches added to its rotation."""
    config = tmp_path / "new" / "backcare-tray" / "config.toml"
    added = import_stretches(write_routine(tmp_path / "share"), config)
    assert added.listed
    assert load_settings(config, required=True).rotation == (*BUILTIN, *ROUTINE_IDS)
    assert config.read_text(encoding="utf-8").startswith("# backcare-tray configuration.")


def test_a_different_picture_of_the_same_name_is_not_overwritten(tmp_path: Path) -> None:
    """A file left in the stretch's folder stays; the new picture gets a name of its own."""
    config = _config(tmp_path / "config")
    old = config.parent / "stretches" / "neck-roll" / "neck-1.png"
    old.parent.mkdir(parents=True)
    old.write_bytes(png_bytes(200))
    import_stretches(write_routine(tmp_path / "share"), config)
    assert old.read_bytes() == png_bytes(200)
    neck = load_settings(config).exercise("neck-roll")
    assert neck.pictures[0] == str(old.with_name("neck-1-2.png"))
    assert Path(neck.pictures[0]).read_bytes() == (tmp_path / "share" / "neck-1.png").read_bytes()


ONE, SECOND = ROUTINE.split("\n\n")  # the file's first stretch (and its comment), its second
BAD_FILES = {
    "not TOML": (
        "[[exercises]\nid = 1\n",
        ["routine.toml: is not a valid stretch file (TOML): "],
    ),
    "no stretches": ("# nothing yet\n", ["routine.toml: has no stretches in it"]),
    "an empty list": ("exercises = []\n", ["routine.toml: has no stretches in it"]),
    "not tables": (
        'exercises = "neck-roll"\n',
        ["routine.toml: exercises: must be written as [[exercises]] tables"],
    ),
    "an unknown top-level key": (
        ONE + '\n[exercise]\nid = "x"\n',
        [
            "routine.toml: exercise: unknown key (did you mean 'exercises'?); "
            "a stretch file holds only [[exercises]] tables"
        ],
    ),
    "a built-in's id": (
        ONE + "\n" + SECOND.replace('"shoulder-squeeze"', '"calf-stretch"'),
        ["routine.toml: exercises[1].id: 'calf-stretch' is the id of a built-in stretch"],
    ),
    "one of the person's ids": (
        ONE.replace('"neck-roll"', '"wrist-circles"'),
        ["routine.toml: exercises[0].id: 'wrist-circles' is already one of your stretches"],
    ),
    "an id twice": (
        ONE + "\n" + SECOND.replace('"shoulder-squeeze"', '"neck-roll"'),
        ["routine.toml: exercises[1].id: 'neck-roll' is used twice in this file (also by exer"],
    ),
    "a missing picture": (
        ONE.replace('"neck-2.png"', '"neck-9.png"'),
        ["routine.toml: exercises[0].pictures[1]: 'neck-9.png': No such file or directory"],
    ),
    "a picture that is no PNG": (
        ONE.replace('"neck-2.png"', '"notes.txt"'),
        ["routine.toml: exercises[0].pictures[1]: 'notes.txt' is not a PNG file"],
    ),
    "a picture outside the file's folder": (
        ONE.replace('"neck-1.png"', '"../config/neck.png"').replace(
            '"neck-2.png"', '"/etc/neck.png"'
        ),
        [
            "routine.toml: exercises[0].pictures[0]: '../config/neck.png' must be a file beside",
            "routine.toml: exercises[0].pictures[1]: '/etc/neck.png' must be a file beside",
        ],
    ),
    "a bad dose in the second of two": (
        ONE + "\n" + SECOND.replace("hold_seconds = 10", "hold_seconds = 6000"),
        [
            "routine.toml: exercises[1].hold_seconds: 6000 is not a whole number from 0 to 600",
        ],
    ),
    "every problem at once": (
        ONE.replace("reps = 5", "reps = 0").replace('name = "Neck roll"\n', "colour = 3\n"),
        [
            "routine.toml: exercises[0].colour: unknown key",
            "routine.toml: exercises[0].reps: 0 is not a whole number from 1 to 50",
            "routine.toml: exercises[0].name: is required",
        ],
    ),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_bad_file_is_refused_naming_the_entry_and_key_and_nothing_changes(
    tmp_path: Path, case: str
) -> None:
    """Each problem names the file, the entry and the key; config and folder stay as they were."""
    text, expected = BAD_FILES[case]
    (tmp_path / "share" / "notes.txt").parent.mkdir(parents=True)
    (tmp_path / "share" / "notes.txt").write_text("not a picture", encoding="utf-8")
    source = write_routine(tmp_path / "share", text)
    config = _config(tmp_path / "config")
    before = _files(config.parent)
    with pytest.raises(StretchFileError) as refused:
        import_stretches(source, config)
    for line in expected:
        assert any(problem.startswith(line) for problem in refused.value.problems), (
            line,
            refused.value.problems,
        )
    assert len(refused.value.problems) == len(expected), refused.value.problems
    assert _files(config.parent) == before  # byte-identical, no backup, no pictures
    assert sorted(p.name for p in config.parent.iterdir()) == ["config.toml"]


def test_a_file_that_is_not_a_file_is_said_plainly(tmp_path: Path) -> None:
    """A folder, a missing file and a file that is not UTF-8 each have their sentence."""
    own: tuple[str, ...] = ()
    with pytest.raises(StretchFileError, match=r"^share: is a folder, not a stretch file$"):
        read_stretch_file(write_routine(tmp_path / "share").parent, own)
    # The system's own words follow: "No such file or directory", or Windows' "cannot find".
    with pytest.raises(StretchFileError, match=r"^gone\.toml: cannot be read: \S"):
        read_stretch_file(tmp_path / "gone.toml", own)
    (tmp_path / "latin.toml").write_bytes(b"# caf\xe9\n")
    with pytest.raises(StretchFileError, match=r"^latin\.toml: cannot be read: "):
        read_stretch_file(tmp_path / "latin.toml", own)


def test_a_file_or_picture_too_big_is_refused_before_anything_is_copied(tmp_path: Path) -> None:
    """A picture past MOST_PICTURE_BYTES names its key; a stretch file past its limit is refused."""
    source = write_routine(tmp_path / "share")
    with (tmp_path / "share" / "neck-2.png").open("ab") as picture:
        picture.truncate(MOST_PICTURE_BYTES + 1)
    with pytest.raises(StretchFileError) as refused:
        read_stretch_file(source)
    assert refused.value.problems == (
        f"routine.toml: exercises[0].pictures[1]: 'neck-2.png' is {MOST_PICTURE_BYTES + 1} bytes,"
        f" too big for a picture (at most {MOST_PICTURE_BYTES})",
    )
    huge = tmp_path / "huge.toml"
    huge.write_text("#" * MOST_FILE_BYTES + "\n", encoding="utf-8")
    with pytest.raises(StretchFileError, match=r"^huge\.toml: is \d+ bytes long, too big"):
        read_stretch_file(huge)


def test_a_config_with_a_mistake_is_not_added_to(tmp_path: Path) -> None:
    """The config's own mistake is named and must be fixed first; nothing is written."""
    config = _config(tmp_path / "config", '[schedule]\nsnooze = "soon"\n')
    with pytest.raises(StretchError) as refused:
        import_stretches(write_routine(tmp_path / "share"), config)
    assert refused.value.problems[0].startswith("Your config has a mistake; fix it first")
    assert "schedule.snooze: 'soon' is not a duration" in refused.value.problems[1]
    assert _files(config.parent) == {"config.toml": b'[schedule]\nsnooze = "soon"\n'}


def test_a_failed_copy_takes_back_the_pictures_already_copied(tmp_path: Path) -> None:
    """When the second stretch's folder cannot be made, the first's copies are removed too."""
    config = _config(tmp_path / "config")
    blocker = config.parent / "stretches" / "shoulder-squeeze"
    blocker.parent.mkdir()
    blocker.write_text("a file where the folder goes", encoding="utf-8")
    before = _files(config.parent)
    with pytest.raises(NotSaved, match="nothing was changed"):
        import_stretches(write_routine(tmp_path / "share"), config)
    assert _files(config.parent) == before
    assert not (config.parent / "stretches" / "neck-roll").exists()


def test_an_id_is_made_from_the_name_lower_case_with_hyphens() -> None:
    """Letters and digits kept (accents dropped), the rest a hyphen; a taken id gets a number."""
    assert stretch_id("Neck Roll!", ()) == "neck-roll"
    assert stretch_id("  Épaule -- côté  droit ", ()) == "epaule-cote-droit"
    assert stretch_id("Neck roll", {"neck-roll", "neck-roll-2"}) == "neck-roll-3"
    assert stretch_id("???", ()) == "my-stretch"
    long = stretch_id("A stretch with a very long name indeed, longer than forty", ())
    assert len(long) <= 36 and not long.endswith("-")


FORM = StretchForm(
    name="Side bend",
    steps=[
        "Sit tall on the ball.",
        "Reach one arm over your head and lean away.",
        "Come back.",
        "",
    ],
    hold_seconds=15,
    reps=2,
    sides=("left side", "right side"),
    safety="Lean only as far as is comfortable.",
)


def test_a_form_becomes_a_valid_stretch_with_an_id_of_its_own() -> None:
    """The form's fields fill the table; the empty last step row is left out."""
    stretch = stretch_from_form(FORM, ["side-bend"]).exercise
    assert stretch.id == "side-bend-2"
    assert stretch.steps == tuple(FORM.steps[:3])
    assert stretch.summary == "Sit tall on the ball."  # no summary given: the first step
    assert (stretch.hold_seconds, stretch.reps, stretch.sides) == (15, 2, FORM.sides)
    assert stretch_from_form(StretchForm("Calf stretch", ["Stretch."], 10, 1), ()).exercise.id == (
        "calf-stretch-2"  # a built-in's id is taken too
    )
    assert form_problems(FORM, ()) == ()


def test_a_forms_problems_name_its_fields_as_the_config_does(tmp_path: Path) -> None:
    """Each field at fault is named with the same message a config file would get."""
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff not a PNG")
    bad = StretchForm(
        name="",
        steps=["Sit tall.", "x" * 301],
        hold_seconds=601,
        reps=0,
        sides=("left", ""),
    )
    problems = {problem.key: problem.problem for problem in form_problems(bad, ())}
    assert problems.keys() == {"name", "steps[1]", "hold_seconds", "reps", "sides"}
    assert problems["hold_seconds"] == "601 is not a whole number from 0 to 600"
    assert problems["steps[1]"].endswith("is 301 characters long; at most 300 are allowed")
    assert problems["name"] == "'' is not a non-empty string"
    pictures = StretchForm("Nod", ["Sit.", "Nod."], 0, 3, pictures=[tmp_path / "photo.jpg"])
    assert [(p.key, p.problem) for p in form_problems(pictures, ())] == [
        ("pictures", "needs one file per step (2)")
    ]
    pictures = StretchForm(**{**pictures.__dict__, "pictures": [tmp_path / "photo.jpg"] * 2})
    problems = {problem.key: problem.problem for problem in form_problems(pictures, ())}
    assert problems == {
        "pictures[0]": f"{str(tmp_path / 'photo.jpg')!r} is not a PNG file",
        "pictures[1]": f"{str(tmp_path / 'photo.jpg')!r} is not a PNG file",
    }


def test_a_form_stretch_is_added_with_its_pictures_copied(tmp_path: Path) -> None:
    """add_stretch writes the table and copies each picture beside the config."""
    config = _config(tmp_path / "config")
    chosen = []
    for n in range(3):
        chosen.append(tmp_path / "photos" / f"step {n + 1}.png")
        chosen[-1].parent.mkdir(exist_ok=True)
        chosen[-1].write_bytes(png_bytes(40 + n))
    form = StretchForm(**{**FORM.__dict__, "pictures": chosen})
    added = add_stretch(form, config)
    settings = load_settings(config)
    assert settings.rotation[-1] == added.exercises[0].id == "side-bend"
    pictures = settings.exercise("side-bend").pictures
    folder = config.parent / "stretches" / "side-bend"
    assert pictures == tuple(str(folder / f"step {n}.png") for n in (1, 2, 3))
    assert [Path(p).read_bytes() for p in pictures] == [png_bytes(40 + n) for n in range(3)]
    assert config.read_text(encoding="utf-8").startswith(USER_FILE)


def test_an_export_can_be_imported_elsewhere_pictures_and_all(tmp_path: Path) -> None:
    """Export writes the person's own stretches with pictures beside; another config takes it."""
    config = _config(tmp_path / "config")
    import_stretches(write_routine(tmp_path / "share"), config)
    shared = tmp_path / "for-a-friend" / "my routine.toml"
    exported = export_stretches(config, shared, ["shoulder-squeeze", "wrist-circles"])
    assert [e.id for e in exported.exercises] == ["shoulder-squeeze", "wrist-circles"]
    assert sorted(p.name for p in shared.parent.iterdir()) == [
        "my routine.toml",
        *(f"shoulder-squeeze-{n}.png" for n in (1, 2, 3)),
    ]
    assert shared.read_text(encoding="utf-8").startswith("# Stretches shared from backcare-tray")
    read = read_stretch_file(shared)
    assert [s.exercise for s in read.stretches][1] == load_settings(config).exercise(
        "wrist-circles"
    )
    friend = _config(tmp_path / "friend", "")
    import_stretches(shared, friend)
    squeeze = load_settings(friend).exercise("shoulder-squeeze")
    original = load_settings(config).exercise("shoulder-squeeze")
    assert [Path(p).read_bytes() for p in squeeze.pictures] == [
        Path(p).read_bytes() for p in original.pictures
    ]
    assert squeeze.steps == original.steps


def test_an_export_is_refused_plainly(tmp_path: Path) -> None:
    """A built-in or unknown id, an existing file and no stretches of one's own are said."""
    config = _config(tmp_path / "config")
    target = tmp_path / "out.toml"
    with pytest.raises(StretchError) as refused:
        export_stretches(config, target, ["calf-stretch", "cartwheel"])
    assert refused.value.problems == (
        "'calf-stretch' is a built-in stretch; only your own stretches are shared",
        "no stretch of yours has the id 'cartwheel' (yours: wrist-circles)",
    )
    target.write_text("keep me", encoding="utf-8")
    with pytest.raises(StretchError, match="already exists; choose another name"):
        export_stretches(config, target)
    assert target.read_text(encoding="utf-8") == "keep me"
    export_stretches(config, target, replace=True)
    assert read_stretch_file(target).stretches[0].exercise.id == "wrist-circles"
    with pytest.raises(StretchError, match=r"^You have no stretches of your own to share yet$"):
        export_stretches(_config(tmp_path / "empty", ""), tmp_path / "none.toml")


def test_the_command_imports_and_says_the_daemon_is_not_running(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """import-stretches lists what it added; a bad file exits 2 naming the entry and key."""
    use_home(monkeypatch, tmp_path / "home")
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    config = _config(tmp_path / "config")
    source = write_routine(tmp_path / "share")
    assert main(["import-stretches", str(source), "--config", str(config)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:3] == [
        "Added 2 stretches from routine.toml:",
        "  Neck roll [neck-roll]",
        "  Shoulder squeeze [shoulder-squeeze]",
    ]
    assert out[3] == f"Pictures copied to {config.parent / 'stretches'}"
    assert out[4:] == [
        "They are in your rotation (your own stretches come last).",
        "backcare-tray is not running; it will use them when it next starts.",
    ]
    assert main(["import-stretches", str(source), "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("backcare-tray: routine.toml: exercises[0].id: 'neck-roll' is already")
    shared = tmp_path / "out.toml"
    assert (
        main(["export-stretches", str(shared), "--config", str(config), "--ids", "neck-roll"]) == 0
    )
    assert capsys.readouterr().out.splitlines() == [
        f"Wrote 1 stretch to {shared}",
        "  Neck roll [neck-roll]",
    ]
    assert main(["import-stretches", str(source), "--config", str(tmp_path / "no.toml")]) == 2
    assert "no.toml: no such file" in capsys.readouterr().err


def test_a_config_whose_own_stretches_are_an_inline_array_is_refused_unchanged(
    tmp_path: Path,
) -> None:
    """`exercises = [{...}]` cannot take [[exercises]] tables: said, and nothing changes."""
    inline = (
        'exercises = [{ id = "wrist-circles", name = "Wrist circles", summary = "Circles.", '
        'steps = ["Circle them."], hold_seconds = 0, reps = 5 }]\n'
    )
    config = _config(tmp_path / "config", inline)
    before = _files(config.parent)
    with pytest.raises(StretchError) as refused:
        import_stretches(write_routine(tmp_path / "from-physio"), config)
    assert "exercises" in "\n".join(refused.value.problems)
    assert _files(config.parent) == before
