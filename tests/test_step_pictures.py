"""The step pictures: drawn by the real helper into the cache, handed out without Pillow."""

import io
import logging
import shutil
import struct
import subprocess
import sys
from itertools import combinations
from pathlib import Path

import pytest
from PIL import IcoImagePlugin, Image, ImageChops
from support.platforms import ignores_pythonpath

from backcare_tray.adapters.step_pictures import (
    COACH_SIZE,
    ICON_FILE,
    LOOKS,
    NOTIFICATION_SIZE,
    PICTURE_SIZES,
    StepPicture,
    StepPictures,
    every_look,
    every_picture,
    parse_picture_argument,
    picture_argument,
)
from backcare_tray.art import AMBER, WHITE, Colour
from backcare_tray.exercises import Exercise, builtin_exercises
from backcare_tray.figure import BADGE_BOX, FAR, HOT
from backcare_tray.poses import STEP_POSES

SIDED = [exercise for exercise in builtin_exercises() if exercise.sides]


@pytest.fixture(scope="module")
def drawn(tmp_path_factory: pytest.TempPathFactory) -> StepPictures:
    """Every built-in picture, drawn once for this module by the real helper."""
    pictures = StepPictures(tmp_path_factory.mktemp("cache") / "step-pictures")
    pictures.prepare()
    return pictures


def builtin(exercise_id: str) -> Exercise:
    """Return the built-in stretch with this id."""
    return next(e for e in builtin_exercises() if e.id == exercise_id)


def opened(path: Path | str) -> Image.Image:
    """Return a PNG file's image, read whole."""
    with Image.open(path) as image:
        image.load()
        return image


def share_near(image: Image.Image, colour: Colour, within: int = 40) -> float:
    """Return the share of the image's pixels within a distance of a colour (opaque ones)."""
    near = 0
    for count, pixel in image.getcolors(image.width * image.height) or []:
        assert isinstance(pixel, tuple)
        if pixel[3] == 255 and sum(abs(a - b) for a, b in zip(pixel, colour, strict=True)) < within:
            near += count
    return near / (image.width * image.height)


def without_badge(image: Image.Image) -> Image.Image:
    """Return a copy with the left badge's square blanked."""
    left, top, right, bottom = (round(share * image.width) for share in BADGE_BOX)
    blanked = image.copy()
    blanked.paste((0, 0, 0, 0), (left, top, right, bottom))
    return blanked


def file_of(pictures: StepPictures, picture: StepPicture) -> Path:
    """Return where a picture's file is."""
    return pictures.folder / picture.file_name


def test_the_helper_draws_every_built_in_picture(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """One helper run draws each stretch's steps, for each side, at both sizes; and says so."""
    expected = sum(
        len(e.steps) * (len(e.sides) or 1) * len(PICTURE_SIZES) for e in builtin_exercises()
    )
    assert len(every_picture()) == expected == 64
    pictures = StepPictures(tmp_path / "step-pictures")
    with caplog.at_level(logging.INFO):
        pictures.prepare()
    written = sorted(path.name for path in pictures.folder.iterdir())
    looks = [look.file_name for look in every_look()]
    assert written == sorted([p.file_name for p in every_picture()] + looks + [ICON_FILE])
    assert f"Drew {expected + len(LOOKS) + 1} step pictures into {pictures.folder}" in caplog.text
    assert pictures.describe() == {
        "folder": str(pictures.folder),
        "drawn": expected,
        "wanted": expected,
        "icon": True,
        "problem": None,
    }
    assert pictures.icon_path() == str(pictures.folder / ICON_FILE)
    caplog.clear()
    with caplog.at_level(logging.INFO):
        pictures.prepare()  # nothing missing: no helper, nothing said
    assert "Drew" not in caplog.text


def test_each_picture_is_an_rgba_png_of_its_size_with_a_figure(drawn: StepPictures) -> None:
    """Right size, RGBA, far from blank; the small one keeps nearly all of the large figure."""
    figure: dict[StepPicture, float] = {}
    for picture in every_picture():
        image = opened(file_of(drawn, picture))
        assert image.format == "PNG" and image.mode == "RGBA"
        assert image.size == (picture.size, picture.size)
        colours = image.getcolors(picture.size * picture.size) or []
        assert len(colours) > 100, picture  # a drawing, not a flat square
        figure[picture] = sum(share_near(image, c) for c in (WHITE, AMBER, HOT, FAR))
        assert figure[picture] > 0.07, (picture, figure[picture])
    for picture, share in figure.items():
        if picture.size == NOTIFICATION_SIZE:
            large = figure[picture._replace(size=COACH_SIZE)]
            assert share > 0.85 * large, (picture, share, large)  # not lost to blurring


def test_the_stretched_leg_is_in_the_accent_colour(drawn: StepPictures) -> None:
    """Amber in every picture; a sided stretch's felt area orange, and only when it is felt."""
    from backcare_tray.poses import POSES

    for picture in every_picture():
        image = without_badge(opened(file_of(drawn, picture)))
        assert share_near(image, AMBER) > 0.004, picture
        pose = POSES[STEP_POSES[picture.exercise_id][picture.step]]
        orange = share_near(image, HOT)
        if picture.side_index is not None and pose.felt:
            assert orange > 0.005, picture
        else:
            assert orange < 0.0005, picture


def test_the_right_side_is_the_left_sides_mirror_but_for_the_badge(drawn: StepPictures) -> None:
    """Side 1 flipped is side 0 pixel for pixel outside the badge; the badges differ."""
    for exercise in SIDED:
        for step in range(len(exercise.steps)):
            for size in PICTURE_SIZES:
                left = opened(file_of(drawn, StepPicture(exercise.id, step, 0, size)))
                right = opened(file_of(drawn, StepPicture(exercise.id, step, 1, size)))
                flipped = right.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
                assert without_badge(flipped).tobytes() == without_badge(left).tobytes()
                assert flipped.tobytes() != left.tobytes()  # "L" is not a mirrored "R"
                x0, y0, x1, y1 = (round(share * size) for share in BADGE_BOX)
                corner = (x0, y0, x1, y1)
                assert share_near(left.crop(corner), AMBER) > 0.3  # the badge is there
                assert share_near(right.crop(corner), AMBER) < 0.01  # R sits top right
                assert share_near(flipped.crop(corner), AMBER) > 0.3


def test_pictures_of_different_poses_differ(drawn: StepPictures) -> None:
    """Each pose has a picture of its own; steps sharing a pose share its picture."""
    by_pose: dict[str, bytes] = {}
    for picture in every_picture():
        if picture.side_index == 1 or picture.size != COACH_SIZE:
            continue
        pixels = opened(file_of(drawn, picture)).tobytes()
        pose = STEP_POSES[picture.exercise_id][picture.step]
        if picture.side_index is not None:
            pose = f"{pose} (sided)"
        assert by_pose.setdefault(pose, pixels) == pixels, pose
    assert len(by_pose) >= 18
    for (a, first), (b, second) in combinations(by_pose.items(), 2):
        changed = ImageChops.difference(
            Image.frombytes("RGBA", (COACH_SIZE, COACH_SIZE), first),
            Image.frombytes("RGBA", (COACH_SIZE, COACH_SIZE), second),
        ).getbbox(alpha_only=False)
        assert changed is not None, (a, b)
        width, height = changed[2] - changed[0], changed[3] - changed[1]
        assert max(width, height) > COACH_SIZE * 0.05, (a, b, changed)  # more than a speck


def test_path_gives_the_drawn_file_for_each_step_side_and_size(drawn: StepPictures) -> None:
    """A built-in step's file per side and size; no sides: the side asked for is ignored."""
    hamstring, squat = builtin("hamstring-stretch"), builtin("ball-squat")
    left = drawn.path(hamstring, 2, 0, COACH_SIZE)
    right = drawn.path(hamstring, 2, 1, NOTIFICATION_SIZE)
    assert left == str(drawn.folder / "hamstring-stretch-3-left-384.png")
    assert right == str(drawn.folder / "hamstring-stretch-3-right-128.png")
    assert drawn.path(hamstring, 2, None, COACH_SIZE) == left  # no side given: the first
    squat_file = str(drawn.folder / "ball-squat-1-128.png")
    assert drawn.path(squat, 0, None, NOTIFICATION_SIZE) == squat_file
    assert drawn.path(squat, 0, 1, NOTIFICATION_SIZE) == squat_file
    assert drawn.path(squat, 4, None, COACH_SIZE) is None  # past the last step
    assert drawn.path(squat, 0, None, 200) is None  # a size not drawn


def test_a_stretchs_own_pictures_are_returned_as_given(tmp_path: Path) -> None:
    """Its file per step, the same for both sides and every size, nothing drawn for it."""
    files = []
    for step in range(2):
        path = tmp_path / f"mine-{step}.png"
        Image.new("RGBA", (10, 10), (step, 0, 0, 255)).save(path)
        files.append(str(path))
    own = Exercise(
        "own", "Own", "back", "", ("a", "b"), 5, 1, ("left leg", "right leg"), pictures=tuple(files)
    )
    pictures = StepPictures(tmp_path / "never-prepared")
    assert pictures.path(own, 0, 0, COACH_SIZE) == files[0]
    assert pictures.path(own, 1, 1, NOTIFICATION_SIZE) == files[1]
    assert pictures.path(own, 2, 0, COACH_SIZE) is None
    plain = Exercise("plain", "Plain", "back", "", ("a",), 5, 1)  # own, without pictures
    assert pictures.path(plain, 0, None, COACH_SIZE) is None
    assert not (tmp_path / "never-prepared").exists()


def test_a_missing_drawn_file_gives_none(tmp_path: Path, drawn: StepPictures) -> None:
    """Nothing drawn yet, or one file gone: None for it, and path() draws nothing."""
    calf = builtin("calf-stretch")
    fresh = StepPictures(tmp_path / "step-pictures")
    assert fresh.path(calf, 0, 0, COACH_SIZE) is None
    assert not fresh.folder.exists()
    shutil.copytree(drawn.folder, fresh.folder, copy_function=shutil.copyfile)
    gone = fresh.folder / StepPicture("calf-stretch", 1, 1, COACH_SIZE).file_name
    gone.unlink()
    assert fresh.path(calf, 1, 1, COACH_SIZE) is None
    assert fresh.path(calf, 1, 0, COACH_SIZE) == str(fresh.folder / "calf-stretch-2-left-384.png")
    assert not gone.exists()
    assert fresh.describe()["drawn"] == len(every_picture()) - 1


def test_folders_of_older_drawing_code_are_removed_and_others_kept(
    tmp_path: Path, drawn: StepPictures
) -> None:
    """prepare() removes earlier fingerprints' folders, not other folders or files."""
    root = tmp_path / "step-pictures"
    shutil.copytree(
        drawn.folder, root / drawn.fingerprint, copy_function=shutil.copyfile
    )  # all drawn: no helper runs
    (root / "0badc0de").mkdir()
    (root / "0badc0de" / "old.png").write_bytes(b"old")
    (root / "notes").mkdir()
    (root / "12345678").write_text("a file, not a fingerprint's folder")
    StepPictures(root).prepare()
    assert sorted(p.name for p in root.iterdir()) == sorted(
        [drawn.fingerprint, "notes", "12345678"]
    )


def test_an_unwritable_cache_is_one_warning_and_no_exception(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A file where the folder should be: said once as a warning, then at debug level."""
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder should be")
    pictures = StepPictures(blocked)
    with caplog.at_level(logging.DEBUG, logger="backcare_tray.adapters.step_pictures"):
        pictures.prepare()
        pictures.prepare()
    said = [r for r in caplog.records if "Cannot draw the stretches' step pictures" in r.message]
    assert [r.levelno for r in said] == [logging.WARNING, logging.DEBUG]
    assert pictures.describe()["problem"] and pictures.describe()["drawn"] == 0
    assert pictures.path(builtin("ball-squat"), 0, None, COACH_SIZE) is None


@pytest.mark.skipif(
    ignores_pythonpath(), reason="this embeddable CPython ignores PYTHONPATH (its ._pth file)"
)
def test_a_helper_without_pillow_is_said_with_its_own_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The real helper, where Pillow cannot be imported: its last line is in the warning."""
    fake = tmp_path / "no-pillow" / "PIL"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ImportError('this Python has no Pillow')\n")
    monkeypatch.setenv("PYTHONPATH", str(fake.parent))
    pictures = StepPictures(tmp_path / "step-pictures")
    with caplog.at_level(logging.WARNING):
        pictures.prepare()
    assert "ImportError: this Python has no Pillow" in caplog.text
    assert pictures.problem is not None and "no Pillow" in pictures.problem
    assert list(pictures.folder.iterdir()) == []


def test_helper_arguments_read_back_as_the_pictures_asked_for() -> None:
    """Every picture survives the trip through its command-line argument."""
    for picture in every_picture():
        assert parse_picture_argument(picture_argument(picture)) == picture


def test_the_daemon_side_never_imports_pillow(tmp_path: Path) -> None:
    """A process that prepares the pictures and hands out their files has no PIL module."""
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from backcare_tray.adapters.step_pictures import COACH_SIZE, StepPictures\n"
        "from backcare_tray.exercises import builtin_exercises\n"
        f"pictures = StepPictures(Path({str(tmp_path)!r}))\n"
        "pictures.prepare()\n"
        "found = [pictures.path(e, s, 1, COACH_SIZE) for e in builtin_exercises()\n"
        "         for s in range(len(e.steps))]\n"
        "assert all(found) and pictures.describe()['drawn'] == 64, found\n"
        "print(sorted(name for name in sys.modules if name.split('.')[0] == 'PIL'))\n"
        "print('backcare_tray.poses' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["[]", "False"]  # nor the pose data: the helper has it


def test_the_tray_looks_are_drawn_as_notification_icons(drawn: StepPictures) -> None:
    """Due, snoozed and the rest as the tray draws them, at 128 px; a routine gets the base art."""
    from backcare_tray.art import draw_icon
    from backcare_tray.view import IconLook

    for kind in LOOKS:
        path = drawn.look_path(kind)
        assert path is not None
        with Image.open(path) as image:
            expected = draw_icon(IconLook(kind), 128)
            assert ImageChops.difference(image.convert("RGBA"), expected).getbbox() is None, kind
    assert drawn.look_path("stretching") == drawn.look_path("working")
    assert drawn.look_path("due") != drawn.look_path("snoozed")


def icon_directory(data: bytes) -> list[tuple[int, int, int, int, int, bytes]]:
    """Return an .ico's ICONDIRENTRYs as (width, height, planes, bits, offset, image bytes)."""
    reserved, kind, count = struct.unpack_from("<HHH", data, 0)
    assert (reserved, kind) == (0, 1), "not an ICONDIR of type 1 (icon)"
    entries = []
    for index in range(count):
        width, height, colours, zero, planes, bits, length, offset = struct.unpack_from(
            "<BBBBHHII", data, 6 + 16 * index
        )
        assert colours == 0 and zero == 0 and planes in (0, 1)
        assert 6 + 16 * count <= offset and offset + length <= len(data), index
        entries.append(
            (width or 256, height or 256, planes, bits, offset, data[offset : offset + length])
        )
    return entries


def test_the_application_icon_is_an_ico_of_every_size_windows_picks_from(
    drawn: StepPictures,
) -> None:
    """ICONDIR and each ICONDIRENTRY parse, each frame is a PNG of its size, read back by Pillow."""
    from backcare_tray.art import ICO_SIZES, app_icon_ico
    from backcare_tray.paths import app_icon_path

    path = drawn.icon_path()
    assert path is not None and path.endswith(".ico")
    data = Path(path).read_bytes()
    assert data == app_icon_ico()  # the helper wrote the art's icon, whole
    entries = icon_directory(data)
    assert [(w, h) for w, h, *_ in entries] == [(s, s) for s in ICO_SIZES]
    assert ICO_SIZES == (16, 24, 32, 48, 64, 128, 256)
    offsets = [offset for *_, offset, _ in entries]
    assert len(set(offsets)) == len(offsets)  # no two entries share their image
    with Image.open(app_icon_path()) as art:
        full = art.convert("RGBA")
    for width, height, _, bits, _, image in entries:
        assert bits == 32 and image.startswith(b"\x89PNG\r\n\x1a\n")  # PNG frames: Vista+
        with Image.open(io.BytesIO(image)) as frame:
            assert frame.size == (width, height) and frame.mode == "RGBA"
    with Image.open(path) as icon:
        assert isinstance(icon, IcoImagePlugin.IcoImageFile) and icon.format == "ICO"
        assert sorted(icon.info["sizes"]) == [(s, s) for s in ICO_SIZES]
        for size in ICO_SIZES:
            read = icon.ico.getimage((size, size)).convert("RGBA")
            assert read.size == (size, size)
            alpha = read.getchannel("A")
            assert alpha.getpixel((0, 0)) == 0  # the corner outside the disc is clear
            assert alpha.getpixel((size // 2, size // 4)) == 255  # the disc is opaque
            expected = full.resize((size, size), Image.Resampling.LANCZOS)
            assert ImageChops.difference(read, expected).getbbox() is None, size
