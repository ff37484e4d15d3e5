"""The command line at its edges: arguments out of range, files that are not there."""

from pathlib import Path

import pytest

from backcare_tray.cli import main
from backcare_tray.paths import app_paths


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary home with its own XDG folders and no config file."""
    for name, folder in (
        ("HOME", ""),
        ("XDG_CONFIG_HOME", ".config"),
        ("XDG_STATE_HOME", ".local/state"),
        ("XDG_DATA_HOME", ".local/share"),
        ("XDG_CACHE_HOME", ".cache"),
    ):
        monkeypatch.setenv(name, str(tmp_path / folder))
    monkeypatch.delenv("BACKCARE_TRAY_CONFIG", raising=False)
    return tmp_path


def usage_error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """Run argv, which must be refused as bad usage (exit 2) having printed nothing; say why."""
    try:
        code = main(argv)
    except SystemExit as stop:  # argparse's own refusal
        code = stop.code  # type: ignore[assignment]
    out, err = capsys.readouterr()
    assert (code, out) == (2, ""), (argv, code, out, err)
    return err


@pytest.mark.parametrize("days", ["0", "-1", "3661", "1000000", "seven", ""])
def test_stats_days_out_of_range_is_a_usage_error(
    home: Path, days: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """--days takes 1 to 3660; anything else says so and exits 2 (no OverflowError)."""
    for form in ([], ["--json"], ["--csv"]):
        err = usage_error(["stats", "--days", days, *form], capsys)
        assert f"argument --days: {days!r} is not a whole number from 1 to 3660" in err


def test_stats_days_at_its_bounds_is_read(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """One day and ten years are both printed, a row each."""
    assert main(["stats", "--days", "1", "--csv"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 2
    assert main(["stats", "--days", "3660", "--csv"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 3661


@pytest.mark.parametrize("lines", ["0", "-2", "10001", "many"])
def test_logs_lines_out_of_range_is_a_usage_error(
    home: Path, lines: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """--lines takes 1 to 10000: 0 no longer prints the whole log, nor -2 all but two lines."""
    log = app_paths().log
    log.parent.mkdir(parents=True)
    log.write_text("one\ntwo\nthree\n", encoding="utf-8")
    err = usage_error(["logs", "--lines", lines], capsys)
    assert f"argument --lines: {lines!r} is not a whole number from 1 to 10000" in err


def test_logs_prints_the_last_lines_asked_for(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--lines 1 prints the log's last line after its path; 10000 prints them all."""
    log = app_paths().log
    log.parent.mkdir(parents=True)
    log.write_text("one\ntwo\nthree\n", encoding="utf-8")
    assert main(["logs", "--lines", "1"]) == 0
    assert capsys.readouterr().out.splitlines() == [f"Log file: {log}", "three"]
    assert main(["logs", "--lines", "10000"]) == 0
    assert capsys.readouterr().out.splitlines()[1:] == ["one", "two", "three"]


@pytest.mark.parametrize("stretch_id", ["", "  "])
def test_show_with_an_empty_id_is_a_usage_error(
    home: Path, stretch_id: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """An empty id names no stretch: it is refused, not taken as the next stretch."""
    err = usage_error(["show", stretch_id], capsys)
    assert "an empty id names no stretch" in err


CONFIG_COMMANDS = [
    ["exercises"],
    ["show"],
    ["show", "calf-stretch"],
    ["stats"],
    ["stats", "--json"],
]


@pytest.mark.parametrize("command", CONFIG_COMMANDS)
def test_a_config_named_but_missing_is_an_error_for_every_command(
    home: Path, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """--config naming a file that is not there is refused as run refuses it, exit 2."""
    missing = home / "nonexistent.toml"
    err = usage_error([*command, "--config", str(missing)], capsys)
    assert f"backcare-tray: {missing}: no such file" in err
    err = usage_error([*command, "--config", ""], capsys)
    assert "argument --config: an empty path names no file" in err


@pytest.mark.parametrize("command", CONFIG_COMMANDS)
def test_the_default_config_missing_is_fine(
    home: Path, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """Without --config, a missing file means the defaults."""
    assert not app_paths().config.exists()
    assert main(command) == 0
    assert capsys.readouterr().out


def test_run_refuses_a_missing_config_too(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The daemon's own start says the same of a missing file and of an empty path."""
    missing = home / "nonexistent.toml"
    assert main(["run", "--no-tray", "--config", str(missing)]) == 2
    assert f"{missing}: no such file" in capsys.readouterr().err
    err = usage_error(["run", "--no-tray", "--config", ""], capsys)
    assert "argument --config: an empty path names no file" in err


def test_check_config_of_an_empty_path_is_a_usage_error(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An empty check-config path names no file: refused, not read as the default."""
    err = usage_error(["check-config", ""], capsys)
    assert "argument path: an empty path names no file" in err


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["stats"], None),
        (["stats", "--config", "a.toml"], "a.toml"),
        (["stats", "--config=a.toml"], "a.toml"),
        (["stats", "--conf", "a.toml", "--days", "3"], "a.toml"),
        (["stats", "--config", "a.toml", "--config", "b.toml"], "b.toml"),
        (["stats", "--co"], None),  # too short to be taken for --config (nor --csv, --chart)
        (["check-config", "--", "--config"], None),
    ],
)
def test_the_config_is_found_before_the_parser_is_built(argv: list[str], named: str | None) -> None:
    """The file --config names is read from the words as argparse will read them."""
    from backcare_tray.cli import config_named

    assert config_named(argv) == named


def test_the_help_is_spoken_in_the_config_files_language(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The language is chosen from the named config before argparse prints the help."""
    from backcare_tray import i18n

    config = home / "mine.toml"
    config.write_text('[general]\nlanguage = "xx"\n', encoding="utf-8")
    try:
        with pytest.raises(SystemExit) as stop:
            main(["stats", "--config", str(config), "--help"])
        assert stop.value.code == 0
        assert "xx" in i18n.current().unknown  # asked for by the file, with no catalog
    finally:
        i18n.use_language(i18n.Language("en", "the default"))
    assert "--days" in capsys.readouterr().out
