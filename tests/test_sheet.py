"""The printable sheet, and `show` telling where the pictures are."""

import re
from pathlib import Path

import pytest
from PIL import Image
from support.homes import use_home

from backcare_tray.art import AMBER, Colour
from backcare_tray.cli import main
from backcare_tray.exercises import Exercise, builtin_exercises
from backcare_tray.figure import TEAL
from backcare_tray.paths import app_paths
from backcare_tray.sheet import PAGE, wrap, write_sheet

MAGENTA: Colour = (230, 0, 200, 255)


def builtin(exercise_id: str) -> Exercise:
    """Return the built-in stretch with this id."""
    return next(e for e in builtin_exercises() if e.id == exercise_id)


def opened(path: Path) -> Image.Image:
    """Return a PNG file's image, read whole."""
    with Image.open(path) as image:
        image.load()
        return image


def count(image: Image.Image, colour: Colour) -> int:
    """Return how many pixels are exactly this colour."""
    found = dict((c, n) for n, c in image.getcolors(image.width * image.height) or [])
    return found.get(colour, 0)


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A config file, with the state and cache folders inside tmp_path."""
    use_home(monkeypatch, tmp_path / "home")
    path = tmp_path / "config.toml"
    path.write_text('[rotation]\nexercises = ["calf-stretch", "ball-squat"]\n')
    return path


@pytest.mark.parametrize("exercise", builtin_exercises(), ids=lambda e: e.id)
def test_a_built_in_stretchs_sheet_is_an_a4_page_with_its_pictures(
    tmp_path: Path, exercise: Exercise
) -> None:
    """A4 at 150 dpi, written whole: the teal title band, the drawn pictures, the amber note."""
    destination = tmp_path / "sheet.png"
    write_sheet(exercise, destination)
    image = opened(destination)
    assert image.size == PAGE and image.format == "PNG"
    assert image.info.get("dpi") == pytest.approx((150, 150), abs=0.1)
    assert count(image, (255, 255, 255, 255)) < 0.85 * PAGE[0] * PAGE[1]  # not blank
    assert count(image, TEAL) > 300_000  # the title band (about 210,000) and the pictures
    assert count(image, AMBER) > 4000  # the legs (and badges), the safety note's bar
    assert [p.name for p in tmp_path.iterdir()] == ["sheet.png"]  # no temporary file left


def test_a_sheet_shows_a_stretchs_own_pictures_or_none(tmp_path: Path) -> None:
    """Its own picture files are on the sheet; a stretch without any gets a text-only sheet."""
    picture = tmp_path / "mine.png"
    Image.new("RGBA", (200, 100), MAGENTA).save(picture)
    steps = ("Stand up.", "Sit down again, " + "slowly " * 40 + "and with care.")
    own = Exercise(
        "own",
        "Own stretch",
        "back",
        "Up and down.",
        steps,
        0,
        2,
        pictures=(
            str(picture),
            str(picture),
        ),
    )
    write_sheet(own, tmp_path / "own.png")
    assert count(opened(tmp_path / "own.png"), MAGENTA) > 2 * 150 * 70  # both, scaled down
    plain = Exercise("plain", "Plain", "back", "Up and down.", steps, 0, 2, safety="Go slowly.")
    write_sheet(plain, tmp_path / "plain.png")
    image = opened(tmp_path / "plain.png")
    assert image.size == PAGE and count(image, MAGENTA) == 0
    assert count(image, TEAL) > PAGE[0] * 100


def test_text_is_wrapped_to_the_width() -> None:
    """No line wider than asked unless it is one long word; no word lost."""
    from PIL import ImageFont

    font = ImageFont.load_default(30)
    text = "Keep your back straight and tip your chest toward the straight leg " * 3
    lines = wrap(text, font, 400)
    assert len(lines) > 3 and all(font.getlength(line) <= 400 for line in lines)
    assert " ".join(lines).split() == text.split()
    assert wrap("Unbreakablewordthatislongerthanthewidth ok", font, 50)[0].startswith("Unbr")


def test_an_unwritable_destination_raises_naming_the_file(tmp_path: Path) -> None:
    """A folder where the file should go, or a file where its folder should be: OSError."""
    (tmp_path / "a-file").write_text("not a folder")
    for destination in (tmp_path, tmp_path / "a-file" / "sheet.png"):
        with pytest.raises(OSError, match=re.escape(f"cannot write the sheet to {destination}")):
            write_sheet(builtin("ball-squat"), destination)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]


def test_show_writes_the_sheet_and_says_where(
    tmp_path: Path, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Show with --sheet: the usual lines, then where the sheet went; exit 0."""
    destination = tmp_path / "prints" / "calf.png"
    assert main(["show", "calf-stretch", "--config", str(config), "--sheet", str(destination)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Calf stretch [calf-stretch]"
    assert lines[-1] == f"Sheet written to {destination}"
    assert opened(destination).size == PAGE


def test_show_with_a_bad_sheet_destination_exits_1_naming_it(
    tmp_path: Path, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A destination that cannot be written: exit 1, and the message names the file."""
    (tmp_path / "a-file").write_text("not a folder")
    destination = tmp_path / "a-file" / "sheet.png"
    assert main(["show", "ball-squat", "--config", str(config), "--sheet", str(destination)]) == 1
    error = capsys.readouterr().err
    assert f"cannot write the sheet to {destination}" in error


def test_show_lists_each_steps_picture_file(
    tmp_path: Path, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Show draws the missing pictures, then names each step's file at the coach's size."""
    calf = builtin("calf-stretch")
    assert main(["show", "calf-stretch", "--config", str(config)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[7] == f"Careful: {calf.safety}"  # the usual lines come first, unchanged
    assert lines[8] == "Pictures (left leg):"
    cache = app_paths().cache / "step-pictures"
    for number, line in enumerate(lines[9:], 1):
        shown, _, path = line.partition(". ")
        assert shown == str(number) and path.endswith(f"calf-stretch-{number}-left-384.png")
        assert Path(path).parent.parent == cache and opened(Path(path)).size == (384, 384)
    assert len(lines) == 9 + len(calf.steps)
    assert main(["show", "ball-squat", "--config", str(config)]) == 0
    squat = capsys.readouterr().out.splitlines()
    assert squat[-4:] and all(line.endswith("-384.png") for line in squat[-4:])
    assert "Pictures:" in squat and "left" not in "".join(squat[-4:])


def test_show_lists_a_stretchs_own_picture_files(
    tmp_path: Path, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A stretch of the config's own with pictures: show names those files."""
    for name in ("up.png", "down.png"):
        Image.new("RGBA", (8, 8), MAGENTA).save(tmp_path / name)
    config.write_text(
        "[[exercises]]\n"
        'id = "own"\nname = "Own"\nsummary = "Up and down."\n'
        'steps = ["Up.", "Down."]\npictures = ["up.png", "down.png"]\n'
        "hold_seconds = 0\nreps = 2\n"
    )
    assert main(["show", "own", "--config", str(config)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[-3:] == ["Pictures:", f"1. {tmp_path / 'up.png'}", f"2. {tmp_path / 'down.png'}"]
    assert not app_paths().cache.exists()  # nothing drawn for it
