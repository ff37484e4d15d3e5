"""The command line's own answers, and what the wheel ships."""

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from support.homes import home_env
from support.platforms import linux_only

from backcare_tray import __version__
from backcare_tray.cli import build_parser, daemon_options, main

ROOT = Path(__file__).resolve().parent.parent


def test_version_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    """--version prints the version; --help shows examples and exit codes."""
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"backcare-tray {__version__}"
    with pytest.raises(SystemExit):
        main(["--help"])
    help_text = capsys.readouterr().out
    assert "examples:" in help_text and "backcare-tray snooze 20m" in help_text
    for command in ("status", "snooze", "pause", "check-config", "exercises", "show"):
        assert command in help_text


def test_bad_duration_argument_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """A malformed duration on the command line exits 2 and quotes it."""
    with pytest.raises(SystemExit) as exit_info:
        main(["snooze", "soon"])
    assert exit_info.value.code == 2
    assert "'soon' is not a duration" in capsys.readouterr().err


def test_exercises_lists_rotation_and_marks_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The rotation is listed in order with the next stretch marked."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    config = tmp_path / "config.toml"
    config.write_text('[rotation]\nexercises = ["ball-squat", "calf-stretch"]\n')
    assert main(["exercises", "--config", str(config)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Rotation (sequential):"
    assert lines[1].startswith("> 1. Ball squat [ball-squat]: 3-5x")
    assert lines[2].startswith("  2. Calf stretch")


def test_show_prints_the_next_stretch_or_a_named_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """show: name, dose, numbered steps and safety note; an unknown id is a usage error."""
    from backcare_tray.exercises import builtin_exercises

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # show draws the pictures
    config = tmp_path / "config.toml"
    config.write_text('[rotation]\nexercises = ["calf-stretch", "ball-squat"]\n')
    calf = next(e for e in builtin_exercises() if e.id == "calf-stretch")
    assert main(["show", "--config", str(config)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[:3] == ["Calf stretch [calf-stretch]", calf.summary, "Hold 10 s, 3x each leg."]
    assert lines[3:7] == [f"{n}. {step}" for n, step in enumerate(calf.steps, 1)]
    assert lines[7] == f"Careful: {calf.safety}"
    assert main(["show", "hip-flexor-stretch", "--config", str(config)]) == 0
    assert capsys.readouterr().out.startswith("Hip flexor stretch [hip-flexor-stretch]\n")
    assert main(["show", "cartwheel", "--config", str(config)]) == 2
    assert "no stretch with the id 'cartwheel'" in capsys.readouterr().err


def test_check_config_ok(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A valid file is confirmed."""
    assert main(["check-config", str(ROOT / "config.example.toml")]) == 0
    assert "OK (5 stretches in the rotation)" in capsys.readouterr().out


@linux_only("builds a wheel with pip and hatchling, which the Windows test Python has not")
def test_wheel_ships_icons_library_and_example(tmp_path: Path) -> None:
    """A plain wheel of this version carries the art, stretches, example config and py.typed."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = tmp_path.glob(f"backcare_tray-{__version__}-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {
        "backcare_tray/icons/backcare.png",
        "backcare_tray/data/stretches.toml",
        "backcare_tray/config.example.toml",
        "backcare_tray/py.typed",
    } <= names


def test_installed_package_finds_its_files() -> None:
    """The package finds its shipped files (test_installed_package: it is the installed one)."""
    from backcare_tray.paths import app_icon_path, shipped_path

    assert app_icon_path().is_file()
    assert shipped_path("config.example.toml").is_file()


@linux_only("HOME names the home folder on POSIX; Windows has its profile folders")
def test_without_home_it_says_so_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """No HOME: a clear error and exit 2, instead of files in somebody else's folders."""
    monkeypatch.delenv("HOME")
    monkeypatch.chdir(tmp_path)
    assert main(["status"]) == 2
    assert "HOME is not set" in capsys.readouterr().err
    assert main(["run", "--no-tray"]) == 2
    assert list(tmp_path.iterdir()) == []


PLAIN_RUNS = [
    [],
    ["run"],
    ["run", "--no-tray"],
    ["run", "--verbose", "--config", "my config.toml"],
    ["run", "--config", "a.toml", "--no-tray", "--verbose"],
]
OTHER_FORMS = [
    ["--help"],
    ["--version"],
    ["run", "--help"],
    ["run", "--config"],  # missing value: argparse says so
    ["run", "--config=a.toml"],
    ["run", "--conf", "a.toml"],  # an abbreviation argparse knows
    ["run", "--no-tray", "--no-tray"],
    ["run", "--config", "-x"],
    ["run", "--config", ""],  # an empty path: argparse refuses it
    ["run", "extra"],
    ["status"],
    ["snooze", "10m"],
]


@pytest.mark.parametrize("argv", PLAIN_RUNS)
def test_the_daemons_own_start_reads_as_argparse_does(argv: list[str]) -> None:
    """The daemon's short path gives what the full parser gives for the same words."""
    args = build_parser().parse_args(argv)
    assert (args.command or "run") == "run"
    expected = (
        getattr(args, "config", None),
        getattr(args, "no_tray", False),
        getattr(args, "verbose", False),
    )
    assert daemon_options(argv) == expected


@pytest.mark.parametrize("argv", OTHER_FORMS)
def test_every_other_form_goes_to_the_full_parser(argv: list[str]) -> None:
    """Help, mistakes, other commands and unusual spellings are argparse's to read."""
    assert daemon_options(argv) is None


def test_the_daemons_start_does_not_load_argparse(tmp_path: Path) -> None:
    """A daemon started plainly never imports argparse (it refuses early: its config is gone)."""
    script = (
        "import sys\n"
        "from backcare_tray.cli import main\n"
        f"code = main(['run', '--config', {str(tmp_path / 'missing.toml')!r}])\n"
        "print(code, 'argparse' in sys.modules)\n"
    )
    env = {**home_env(tmp_path), "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    if "SYSTEMROOT" in os.environ:  # Windows' own libraries need it to load
        env["SYSTEMROOT"] = os.environ["SYSTEMROOT"]
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=False
    )
    assert done.stdout.split() == ["2", "False"], done.stderr


def test_a_pause_is_read_in_weeks_and_days_up_to_a_week(capsys: pytest.CaptureFixture[str]) -> None:
    """A pause of 1w or 2d is read; 8d is refused as longer than a pause may be."""
    from backcare_tray.cli.parser import command_from_arguments
    from backcare_tray.durations import DAY, WEEK

    for text, seconds in (("1w", WEEK), ("2d", 2 * DAY), ("6d12h", 6 * DAY + 12 * 3600)):
        assert command_from_arguments(build_parser().parse_args(["pause", text])) == (
            "pause",
            seconds,
        )
    with pytest.raises(SystemExit) as exit_info:
        main(["pause", "8d"])
    assert exit_info.value.code == 2
    assert "'8d' is longer than 7d, the longest pause allowed" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        main(["snooze", "2d"])
    assert exit_info.value.code == 2
    assert "'2d' is longer than 1d, the longest snooze allowed" in capsys.readouterr().err
