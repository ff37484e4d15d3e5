"""Settings from TOML: defaults, the example file, and errors that name key and value."""

import tomllib
from pathlib import Path

import pytest

from backcare_tray.config_file import (
    ConfigError,
    config_or_example,
    example_config_text,
    load_settings,
)
from backcare_tray.settings import KEYS, Settings, settings_from_mapping
from backcare_tray.validation import InvalidValue

ROOT = Path(__file__).resolve().parent.parent


def test_example_config_parses_to_exactly_the_defaults() -> None:
    """config.example.toml documents the defaults and nothing else."""
    text = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    assert settings_from_mapping(tomllib.loads(text)) == Settings()
    assert example_config_text() == text


def test_example_config_sets_every_key() -> None:
    """Every key the settings read appears in the example, and nothing else."""
    data = tomllib.loads((ROOT / "config.example.toml").read_text(encoding="utf-8"))
    assert set(data) == set(KEYS)
    for section, keys in KEYS.items():
        assert set(data[section]) == keys, section


def test_values_are_read() -> None:
    """Durations become seconds and the rotation is taken as written."""
    settings = settings_from_mapping(
        {
            "schedule": {
                "sitting_interval": "1h30m",
                "snooze": "90s",
                "snooze_choices": ["1m"],
                "remind_every": "0s",
            },
            "notifications": {"timeout": "5s"},
            "rotation": {"order": "shuffle", "exercises": ["ball-squat", "calf-stretch"]},
        }
    )
    assert settings.sitting_interval == 5400
    assert settings.snooze == 90
    assert settings.snooze_choices == (60,)
    assert settings.remind_every == 0
    assert settings.notification_timeout == 5
    assert settings.rotation_order == "shuffle"
    assert settings.rotation == ("ball-squat", "calf-stretch")


def test_user_exercises_join_the_library_and_default_rotation() -> None:
    """An [[exercises]] table adds a stretch, in the rotation unless one is given."""
    settings = settings_from_mapping(
        {
            "exercises": [
                {
                    "id": "neck-roll",
                    "name": "Neck roll",
                    "summary": "Roll.",
                    "steps": ["Roll slowly."],
                    "reps": 5,
                },
            ]
        }
    )
    assert settings.rotation[-1] == "neck-roll"
    assert settings.exercise("neck-roll").reps == 5


@pytest.mark.parametrize(
    ("data", "key", "fragment"),
    [
        (
            {"schedule": {"sitting_interval": "banana"}},
            "schedule.sitting_interval",
            "'banana' is not a duration like '45m'",
        ),
        ({"schedule": {"sitting_interval": "0m"}}, "schedule.sitting_interval", "longer than zero"),
        ({"schedule": {"snooze": 10}}, "schedule.snooze", "10 is not a duration"),
        ({"schedule": {"snooze_choices": ["5m", "x"]}}, "schedule.snooze_choices", "'x'"),
        ({"schedule": {"interval": "5m"}}, "schedule.interval", "unknown key"),
        ({"colours": {}}, "colours", "unknown key"),
        ({"rotation": {"order": "random"}}, "rotation.order", "'random'"),
        ({"rotation": {"exercises": ["nope"]}}, "rotation.exercises", "'nope'"),
        ({"rotation": {"exercises": []}}, "rotation.exercises", "at least one"),
        ({"notifications": "loud"}, "notifications", "'loud' is not a table"),
        ({"idle": {"probe": "telepathy"}}, "idle.probe", "'telepathy' is not one of"),
        ({"schedule": {"active_hours": ["9-17"]}}, "schedule.active_hours", "'9-17'"),
        ({"schedule": {"active_hours": ["09:00-09:00"]}}, "schedule.active_hours", "empty"),
        ({"schedule": {"active_days": ["monday"]}}, "schedule.active_days", "'monday'"),
        ({"idle": {"natural_break": "5"}}, "idle.natural_break", "'5' is not a duration"),
        (
            {"exercises": [{"id": "calf-stretch", "name": "C", "summary": "s", "steps": ["a"]}]},
            "exercises[0].id",
            "already used",
        ),
    ],
)
def test_errors_name_key_and_value(data: dict[str, object], key: str, fragment: str) -> None:
    """Every mistake names the key and quotes the bad value."""
    with pytest.raises(InvalidValue) as error:
        settings_from_mapping(data)
    assert error.value.key == key
    assert fragment in str(error.value)


def test_config_file_error_names_the_file_and_is_never_rewritten(tmp_path: Path) -> None:
    """A broken file is reported with its name and left exactly as it was."""
    path = tmp_path / "config.toml"
    original = '[schedule]\nsitting_interval = "banana"\n'
    path.write_text(original, encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_settings(path)
    assert str(error.value).startswith(
        "config.toml: schedule.sitting_interval: 'banana' is not a duration like '45m'"
    )
    assert path.read_text(encoding="utf-8") == original


def test_config_file_syntax_error(tmp_path: Path) -> None:
    """Invalid TOML names the file and the line."""
    path = tmp_path / "config.toml"
    path.write_text("[schedule\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"config.toml: not valid TOML: .*line 1"):
        load_settings(path)


def test_missing_default_file_means_defaults(tmp_path: Path) -> None:
    """No config file is needed; one named explicitly must exist."""
    assert load_settings(tmp_path / "absent.toml") == Settings()
    with pytest.raises(ConfigError, match="no such file"):
        load_settings(tmp_path / "absent.toml", required=True)


def test_open_settings_creates_the_file_from_the_example_only_once(tmp_path: Path) -> None:
    """A missing config is created from the example; an existing one is left alone."""
    path = tmp_path / "backcare-tray" / "config.toml"
    assert config_or_example(path) == path
    assert path.read_text(encoding="utf-8") == example_config_text()
    path.write_text("# mine\n", encoding="utf-8")
    config_or_example(path)
    assert path.read_text(encoding="utf-8") == "# mine\n"
