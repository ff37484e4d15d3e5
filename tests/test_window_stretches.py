"""The stretch library page on a real X display: the list, the rotation, the form, the imports."""

import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support.daemon import running_daemon
from support.desktop import Desktop
from support.screen import RGB, Shot, grab, write_png
from support.stretch_files import ROUTINE, ROUTINE_IDS, write_routine
from support.waiting import wait_for
from support.window import (
    click,
    events,
    managed_virtual_desktop,
    middle,
    next_event,
    type_into,
    xdotool,
)

from backcare_tray.adapters.config_edit import backup_path
from backcare_tray.config_file import load_settings
from backcare_tray.palette import TRACK, WARNING_BG
from backcare_tray.validation import InvalidValue
from backcare_tray.window.library import (
    TEXT,
    LastStretch,
    field_of,
    problems_at_fields,
    reload_outcome,
    rotation_with,
)

APPLIED = "backcare-tray uses the new settings now."
MAGENTA: RGB = (200, 40, 160)
CYAN: RGB = (40, 160, 200)
OWN_CONFIG = """\
# My physio's notes: keep them.
[schedule]
sitting_interval = "45m"  # for now
remind_every = "0s"

[notifications]
timeout = "30s"

[rotation]
exercises = ["desk-twist"]  # only this one for now

# A stretch of my own.
[[exercises]]
id = "desk-twist"
name = "Desk twist"
area = "back"
summary = "Turn your upper body to loosen the back."
steps = ["Sit tall on the ball, feet apart.", "Turn slowly to one side and hold."]
hold_seconds = 15
reps = 2
safety = "Turn only as far as is comfortable."
pictures = ["pics/twist-1.png", "pics/twist-2.png"]
"""
PLAIN_CONFIG = """\
# Tuned with my physio; keep these notes.
[schedule]
sitting_interval = "45m"   # the default, for now
remind_every = "0s"

[notifications]
timeout = "30s"
"""


# The page's rules (pure).


def test_a_stretch_turned_on_goes_last_and_one_turned_off_keeps_the_order() -> None:
    """The rest of the rotation keeps its order; the last one cannot be turned off."""
    assert rotation_with(["a", "b", "c"], "d", True) == ["a", "b", "c", "d"]
    assert rotation_with(["a", "b", "c"], "b", True) == ["a", "b", "c"]
    assert rotation_with(["a", "b", "c"], "b", False) == ["a", "c"]
    with pytest.raises(LastStretch, match="at least one"):
        rotation_with(["a"], "a", False)


def test_each_problem_of_the_form_goes_to_its_field() -> None:
    """steps[1] and summary belong to the steps box; a key of no field is said apart."""
    assert field_of("steps[1]") == "steps"
    assert field_of("summary") == "steps"
    assert field_of("pictures[0]") == "pictures"
    assert field_of("area") is None
    fields, others = problems_at_fields(
        [
            InvalidValue("name", "'' is not a non-empty string"),
            InvalidValue("steps[1]", "is too long"),
            InvalidValue("summary", "'' is not a non-empty string"),
            InvalidValue("area", "is too long"),
        ]
    )
    assert fields == {
        "name": "name: '' is not a non-empty string",
        "steps": "steps[1]: is too long",
    }
    assert others == ["area: is too long"]


def test_the_strip_shows_the_built_in_pictures_at_a_size_they_are_drawn_at() -> None:
    """The page asks for a size the drawing helper makes, so no picture is scaled."""
    pytest.importorskip("tkinter", reason="the page is a Tk program (no Tk in this Python)")
    from backcare_tray.adapters.step_pictures import PICTURE_SIZES
    from backcare_tray.window.stretches_page import THUMB

    assert THUMB in PICTURE_SIZES


def test_the_reload_outcome_is_said_plainly() -> None:
    """Applied, not running, or refused: each says what happened to the saved change."""
    assert reload_outcome("Saved.", True, True, "config reloaded") == f"Saved. {APPLIED}"
    assert "when it starts" in reload_outcome(
        "Saved.", False, False, "backcare-tray is not running"
    )
    assert "did not take them: bad" in reload_outcome("Saved.", True, False, "bad")


# The page on a virtual desktop.


@pytest.fixture
def managed_desktop(tmp_path: Path) -> Iterator[Desktop]:
    """A virtual desktop with a window manager, windows saying where their parts are."""
    with managed_virtual_desktop(tmp_path) as desktop:
        yield desktop


def answer_file_dialog(desktop: Desktop, title: str, text: str) -> None:
    """Type a path into Tk's own file dialog, once it is open, and press Return."""
    xdotool(desktop, "search", "--sync", "--name", f"^{title}$", "windowfocus", "--sync")
    xdotool(desktop, "type", "--delay", "15", "--", text)
    xdotool(desktop, "key", "Return")


def pictures_shot(desktop: Desktop, boxes: list[list[int]]) -> Shot:
    """Return the screen around the step pictures."""
    left, top = boxes[0][0], boxes[0][1]
    right = boxes[-1][0] + boxes[-1][2]
    return grab(desktop.env["DISPLAY"], (left, top, right - left, boxes[0][3]))


def share(shot: Shot, colour: RGB, box: list[int], tolerance: int = 6) -> float:
    """Return the share of a box's pixels near a colour."""
    return shot.count(colour, tolerance, box) / (box[2] * box[3])


def rgb(hex_colour: str) -> RGB:
    """Return a palette colour as (red, green, blue)."""
    return int(hex_colour[1:3], 16), int(hex_colour[3:5], 16), int(hex_colour[5:7], 16)


def open_library(desktop: Desktop, after: int = 0) -> tuple[Path, dict[str, Any]]:
    """Open the stretch library (through a running daemon or alone); return its log and view."""
    opened = desktop.run("stretches")
    assert opened.returncode == 0, opened.stderr
    try:
        log = Path(desktop.status()["window"]["log"])
    except AssertionError:  # no daemon: the window's own log
        log = desktop.home / ".cache" / "backcare-tray" / "window.log"
    return log, next_event(log, "stretches", after, mapped=True)


def rotation(desktop: Desktop, config: Path) -> str:
    """Return what `backcare-tray exercises` says of the rotation."""
    listed = desktop.run("exercises", "--config", str(config))
    assert listed.returncode == 0, listed.stderr
    return listed.stdout


@pytest.mark.desktop
def test_the_library_shows_every_stretch_with_its_steps_and_pictures(
    managed_desktop: Desktop, tmp_path: Path
) -> None:
    """Built-in and own stretches listed by name; the chosen one's pictures drawn in."""
    desktop = managed_desktop
    config = desktop.home / ".config" / "backcare-tray" / "config.toml"
    (config.parent / "pics").mkdir(parents=True)
    write_png(config.parent / "pics" / "twist-1.png", 16, 16, lambda x, y: MAGENTA)
    write_png(config.parent / "pics" / "twist-2.png", 24, 12, lambda x, y: CYAN)
    config.write_text(OWN_CONFIG, encoding="utf-8")
    settings = load_settings(config)
    log, view = open_library(desktop)
    assert view["shown"] == list(settings.exercises)
    assert "desk-twist" in view["shown"] and len(view["shown"]) > 1
    assert view["names"] == [e.name for e in settings.exercises.values()]
    assert view["in_rotation"] == ["desk-twist"]
    first = settings.exercise(view["chosen"])
    assert view["steps"] == [f"{n}. {step}" for n, step in enumerate(first.steps, 1)]

    # A built-in stretch: its drawn pictures replace the placeholders.
    drawn = next_event(log, "stretch pictures", 0, id=first.id)
    assert drawn["drawn"] == [True] * len(first.steps)
    shot = pictures_shot(desktop, drawn["pictures"])
    shot.save_png(tmp_path / "builtin-pictures.png")
    for place in drawn["pictures"]:
        assert share(shot, rgb(TRACK), place, 2) < 0.5, "still the placeholder"
        assert (
            len(
                {shot.at(x, place[1] + place[3] // 2) for x in range(place[0], place[0] + place[2])}
            )
            > 2
        )

    # The own stretch: its steps, safety note and its own PNG files, scaled into the strip.
    seen = len(events(log))
    click(desktop, view["rows"]["desk-twist"])
    twist = next_event(log, "stretches", seen, chosen="desk-twist")
    assert twist["steps"] == [
        "1. Sit tall on the ball, feet apart.",
        "2. Turn slowly to one side and hold.",
    ]
    assert twist["safety"] == "Turn only as far as is comfortable."
    assert twist["dose"] == "Dose: Hold 15 s, 2x"
    pictures = next_event(log, "stretch pictures", seen, id="desk-twist")
    assert pictures["drawn"] == [True, True]
    shot = pictures_shot(desktop, pictures["pictures"])
    shot.save_png(tmp_path / "own-pictures.png")
    first_box, second_box = pictures["pictures"]
    assert share(shot, MAGENTA, first_box) > 0.9
    assert share(shot, CYAN, second_box) > 0.4  # 24x12 fits as 128x64
    safety = grab(desktop.env["DISPLAY"], tuple(twist["safety_box"]))
    assert share(safety, rgb(WARNING_BG), twist["safety_box"], 4) > 0.5

    # The last stretch of the rotation cannot be turned off.
    seen = len(events(log))
    click(desktop, twist["in_rotation_box"])
    refused = next_event(log, "stretches refused", seen, id="desk-twist")
    assert refused["said"] == TEXT["last_one"]
    assert config.read_text(encoding="utf-8") == OWN_CONFIG
    assert not backup_path(config).exists()


@pytest.mark.desktop
def test_a_stretch_turned_off_leaves_the_rotation_of_the_running_daemon(
    managed_desktop: Desktop,
) -> None:
    """The check box writes [rotation] exercises, comments kept, and the daemon reloads it."""
    desktop = managed_desktop
    config = desktop.home / "config.toml"
    config.write_text(PLAIN_CONFIG, encoding="utf-8")
    every = list(load_settings(config).rotation)
    with running_daemon(desktop, "--no-tray", config=config):
        going = desktop.status()["next_exercise"]
        assert f"[{going['id']}]" in rotation(desktop, config)
        log, view = open_library(desktop)
        assert view["in_rotation"] == every
        chosen = view
        if view["chosen"] != going["id"]:
            seen = len(events(log))
            click(desktop, view["rows"][going["id"]])
            chosen = next_event(log, "stretches", seen, chosen=going["id"])
        seen = len(events(log))
        click(desktop, chosen["in_rotation_box"])
        saved = next_event(log, "stretches saved", seen, id=going["id"])
        assert saved["said"] == f"Saved. {APPLIED}"
        kept = [i for i in every if i != going["id"]]
        assert saved["rotation"] == kept
        text = config.read_text(encoding="utf-8")
        assert text.startswith(PLAIN_CONFIG)  # every comment and value as it was
        assert tomllib.loads(text)["rotation"]["exercises"] == kept
        assert backup_path(config).read_text(encoding="utf-8") == PLAIN_CONFIG
        assert f"[{going['id']}]" not in rotation(desktop, config)
        assert desktop.status()["next_exercise"]["id"] != going["id"]
        after = next_event(log, "stretches", seen, chosen=going["id"])
        assert after["in_rotation"] == kept

        # Turned on again, it goes to the end of the rotation.
        seen = len(events(log))
        click(desktop, after["in_rotation_box"])
        again = next_event(log, "stretches saved", seen, id=going["id"])
        assert again["rotation"] == [*kept, going["id"]]
        assert rotation(desktop, config).rstrip().splitlines()[-1].count(f"[{going['id']}]") == 1


@pytest.mark.desktop
def test_a_stretch_added_in_the_form_is_a_valid_table_in_the_rotation(
    managed_desktop: Desktop, tmp_path: Path
) -> None:
    """Typed into the form, checked as typed, saved: check-config accepts it, the daemon has it."""
    desktop = managed_desktop
    config = desktop.home / "config.toml"
    config.write_text(PLAIN_CONFIG, encoding="utf-8")
    chosen = tmp_path / "chosen"
    chosen.mkdir()
    write_png(chosen / "a.png", 8, 8, lambda x, y: MAGENTA)
    write_png(chosen / "b.png", 8, 8, lambda x, y: CYAN)
    with running_daemon(desktop, "--no-tray", config=config):
        log, view = open_library(desktop)
        seen = len(events(log))
        click(desktop, view["add"])
        form = next_event(log, "stretch form", seen, mapped=True)
        assert form["problems"]  # an empty form cannot be saved
        seen = len(events(log))
        type_into(desktop, form["fields"]["name"], "Seated side bend")
        next_event(log, "stretch form", seen, others=[])
        type_into(desktop, form["fields"]["steps"], "Sit tall on the ball.\n", replace=False)
        seen = len(events(log))
        type_into(desktop, form["fields"]["reps"], "x")
        refused = next_event(log, "stretch form", seen)
        assert refused["problems"]["reps"] == TEXT["whole_number"]
        type_into(desktop, form["fields"]["reps"], "4")
        type_into(desktop, form["fields"]["hold_seconds"], "20")
        xdotool(desktop, "mousemove", *map(str, middle(form["fields"]["steps"])), "click", "1")
        xdotool(desktop, "key", "ctrl+End")
        xdotool(desktop, "type", "--delay", "15", "--", "Lean slowly to one side and hold.")
        seen = len(events(log))
        click(desktop, form["choose_pictures"])
        answer_file_dialog(
            desktop, TEXT["pictures_title"], f'"{chosen / "a.png"}" "{chosen / "b.png"}"'
        )
        ready = next_event(log, "stretch form", seen, problems={}, others=[])
        assert ready["pictures_chosen"] == [str(chosen / "a.png"), str(chosen / "b.png")]
        seen = len(events(log))
        click(desktop, ready["save"])
        added = next_event(log, "stretch added", seen, id="seated-side-bend")
        assert added["said"] == f"Added Seated side bend. {APPLIED}"
        shown = next_event(log, "stretches", seen, chosen="seated-side-bend")
        assert shown["steps"] == [
            "1. Sit tall on the ball.",
            "2. Lean slowly to one side and hold.",
        ]
        assert shown["dose"] == "Dose: Hold 20 s, 4x"
        checked = desktop.run("check-config", str(config))
        assert checked.returncode == 0, checked.stderr
        text = config.read_text(encoding="utf-8")
        assert text.startswith(PLAIN_CONFIG)
        (table,) = tomllib.loads(text)["exercises"]
        assert table["name"] == "Seated side bend"
        assert table["reps"] == 4 and table["hold_seconds"] == 20
        assert len(table["pictures"]) == 2
        assert "[seated-side-bend]" in rotation(desktop, config)
        drawn = next_event(log, "stretch pictures", seen, id="seated-side-bend")
        assert drawn["drawn"] == [True, True]
        shot = pictures_shot(desktop, drawn["pictures"])
        assert share(shot, MAGENTA, drawn["pictures"][0]) > 0.9


@pytest.mark.desktop
def test_an_imported_stretch_file_puts_its_stretches_in_the_rotation(
    managed_desktop: Desktop, tmp_path: Path
) -> None:
    """A shared file chosen in Tk's own dialog: its stretches listed, in use by the daemon."""
    desktop = managed_desktop
    config = desktop.home / "config.toml"
    config.write_text(PLAIN_CONFIG + '\n[rotation]\nexercises = ["calf-stretch"]\n', "utf-8")
    shared = write_routine(tmp_path / "from-the-physio")
    with running_daemon(desktop, "--no-tray", config=config):
        log, view = open_library(desktop)
        seen = len(events(log))
        click(desktop, view["import"])
        answer_file_dialog(desktop, TEXT["import_title"], str(shared))
        imported = next_event(log, "stretches imported", seen)
        assert imported["ids"] == list(ROUTINE_IDS)
        assert imported["said"] == f"Imported Neck roll, Shoulder squeeze. {APPLIED}"
        shown = next_event(log, "stretches", seen, chosen="neck-roll")
        assert shown["in_rotation"] == ["calf-stretch", *ROUTINE_IDS]
        assert {"neck-roll", "shoulder-squeeze"} <= set(shown["shown"])
        listed = rotation(desktop, config)
        assert "[neck-roll]" in listed and "[shoulder-squeeze]" in listed
        assert (config.parent / "stretches" / "neck-roll" / "neck-1.png").is_file()


@pytest.mark.desktop
def test_a_bad_stretch_file_shows_every_problem_and_changes_nothing(
    managed_desktop: Desktop, tmp_path: Path
) -> None:
    """Each problem names the file, the entry and the key; the config stays as it was."""
    desktop = managed_desktop
    config = desktop.home / ".config" / "backcare-tray" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(PLAIN_CONFIG, encoding="utf-8")
    bad = ROUTINE.replace("reps = 3", "reps = 0").replace(
        'area = "neck"', 'area = "neck"\ncolour = 1'
    )
    shared = write_routine(tmp_path / "broken", bad)
    log, view = open_library(desktop)
    seen = len(events(log))
    click(desktop, view["import"])
    answer_file_dialog(desktop, TEXT["import_title"], str(shared))
    refused = next_event(log, "stretches imported", seen, ids=[])
    problems = refused["problems"]
    assert any(p.startswith("routine.toml: exercises[1].reps:") for p in problems), problems
    assert any(p.startswith("routine.toml: exercises[0].colour") for p in problems), problems
    assert refused["banner"] is not None
    shot = grab(desktop.env["DISPLAY"], tuple(refused["banner"]))
    shot.save_png(tmp_path / "refused.png")
    assert share(shot, rgb(WARNING_BG), refused["banner"], 4) > 0.5
    assert config.read_text(encoding="utf-8") == PLAIN_CONFIG
    assert not backup_path(config).exists()
    assert not (config.parent / "stretches").exists()


@pytest.mark.desktop
def test_the_own_stretches_are_exported_with_their_pictures(
    managed_desktop: Desktop, tmp_path: Path
) -> None:
    """Export writes a stretch file another config can import, the pictures beside it."""
    desktop = managed_desktop
    config = desktop.home / ".config" / "backcare-tray" / "config.toml"  # no daemon: the default
    (config.parent / "pics").mkdir(parents=True)
    write_png(config.parent / "pics" / "twist-1.png", 4, 4, lambda x, y: MAGENTA)
    write_png(config.parent / "pics" / "twist-2.png", 4, 4, lambda x, y: CYAN)
    config.write_text(OWN_CONFIG, encoding="utf-8")
    target = tmp_path / "shared" / "mine.toml"
    target.parent.mkdir()
    log, view = open_library(desktop)
    seen = len(events(log))
    click(desktop, view["export"])
    answer_file_dialog(desktop, TEXT["export_title"], str(target))
    exported = next_event(log, "stretches exported", seen)
    assert exported == exported | {"path": str(target), "problems": []}
    assert "Wrote 1 stretch to" in exported["said"]
    (table,) = tomllib.loads(target.read_text(encoding="utf-8"))["exercises"]
    assert table["id"] == "desk-twist"
    assert [(target.parent / name).is_file() for name in table["pictures"]] == [True, True]


@pytest.mark.desktop
def test_a_config_with_a_mistake_shows_it_and_offers_nothing_to_change(
    managed_desktop: Desktop,
) -> None:
    """The loader's message in the warning style; adding and importing wait until it is fixed."""
    desktop = managed_desktop
    config = desktop.home / ".config" / "backcare-tray" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(PLAIN_CONFIG.replace('remind_every = "0s"', 'snooze = "0m"'), "utf-8")
    opened = desktop.run("stretches")
    assert opened.returncode == 0, opened.stderr
    log = desktop.home / ".cache" / "backcare-tray" / "window.log"
    broken = next_event(log, "stretches broken")
    assert "schedule.snooze: '0m' must be longer than zero" in broken["problems"]
    assert broken["buttons_enabled"] == [False, False, False]
    assert broken["rows"] == {}
    warning = rgb(WARNING_BG)
    wait_for(
        lambda: grab(desktop.env["DISPLAY"]).count_exactly(warning) > 5000,
        10,
        "the mistake shown in the warning colour",
    )
