"""Settings from TOML: defaults, the example file, and errors that name key and value."""

import tomllib
from dataclasses import fields
from pathlib import Path

import pytest

from backcare_tray.config_file import (
    ConfigError,
    config_or_example,
    example_config_text,
    load_settings,
)
from backcare_tray.exercises import builtin_exercises
from backcare_tray.settings import Settings, settings_from_mapping
from backcare_tray.settings_schema import (
    SCHEMA,
    describe_bounds,
    parse_value,
    setting_named,
    settings_in,
)
from backcare_tray.validation import InvalidValue, InvalidValues

LIBRARY = {exercise.id: exercise for exercise in builtin_exercises()}
ROOT = Path(__file__).resolve().parent.parent


def test_example_config_parses_to_exactly_the_defaults() -> None:
    """config.example.toml documents the defaults and nothing else."""
    text = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    assert settings_from_mapping(tomllib.loads(text)) == Settings()
    assert example_config_text() == text


def comments_above_each_key(text: str) -> dict[str, str]:
    """Return the comment lines just above each key of a TOML text, by dotted key."""
    found: dict[str, str] = {}
    section, comments = "", list[str]()
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("[") and not stripped.startswith("[["):
            section, comments = stripped.strip("[]"), []
        elif stripped.startswith("#"):
            comments.append(stripped.lstrip("#").strip())
        elif "=" in stripped and not stripped.startswith(('"', "]")):
            found[f"{section}.{stripped.split('=')[0].strip()}"] = " ".join(comments)
            comments = []
        elif not stripped:
            comments = []
    return found


def test_the_example_config_and_the_settings_table_agree_both_ways() -> None:
    """Every setting is in the example with its default and description; nothing else is."""
    text = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    written = {f"{section}.{key}" for section, table in data.items() for key in table}
    assert written == {setting.name for setting in SCHEMA}
    comments = comments_above_each_key(text)
    for setting in SCHEMA:
        assert data[setting.section][setting.key] == setting.default, setting.name
        assert setting.description in comments[setting.name], setting.name


def test_every_setting_of_the_table_lands_in_the_settings() -> None:
    """A value from the file reaches Settings for each key: the table misses no field."""
    changed = {
        "schedule.sitting_interval": "20m",
        "schedule.snooze": "3m",
        "schedule.snooze_choices": ["7m"],
        "schedule.remind_every": "0s",
        "schedule.active_hours": ["08:00-12:00"],
        "schedule.active_days": ["mon"],
        "notifications.timeout": "4s",
        "notifications.respect_dnd": False,
        "notifications.dnd_max_delay": "7m",
        "notifications.hold_during_calls": False,
        "rotation.order": "shuffle",
        "rotation.exercises": ["ball-squat"],
        "goals.daily_stretches": 2,
        "idle.natural_break": "9m",
        "idle.check_every": "11s",
        "idle.probe": "x11",
        "sound.cues": "voice",
        "sound.volume": 35,
        "sound.due_sound": False,
        "guide.window": False,
        "general.language": "de",
    }
    assert set(changed) == {setting.name for setting in SCHEMA}
    data: dict[str, dict[str, object]] = {}
    for name, value in changed.items():
        section, key = name.split(".")
        data.setdefault(section, {})[key] = value
    settings, defaults = settings_from_mapping(data), Settings()
    differing = {
        f.name for f in fields(Settings) if getattr(settings, f.name) != getattr(defaults, f.name)
    }
    assert differing == {f.name for f in fields(Settings)} - {"exercises"}


def test_defaults_are_the_tables_parsed() -> None:
    """Settings() is what an empty file gives, which is the table's defaults parsed."""
    assert Settings() == settings_from_mapping({})
    assert Settings().sitting_interval == 45 * 60
    assert Settings().snooze_choices == (300, 600, 900, 1800)


@pytest.mark.parametrize(
    ("data", "key", "hint"),
    [
        (
            {"schedule": {"sitting_intervall": "5m"}},
            "schedule.sitting_intervall",
            "sitting_interval",
        ),
        ({"schedul": {}}, "schedul", "schedule"),
        ({"idle": {"probes": "x11"}}, "idle.probes", "probe"),
    ],
)
def test_an_unknown_key_near_a_known_one_gets_a_suggestion(
    data: dict[str, object], key: str, hint: str
) -> None:
    """A typo is an error that names the key it probably meant."""
    with pytest.raises(InvalidValue) as error:
        settings_from_mapping(data)
    assert error.value.key == key
    assert f"unknown key (did you mean {hint!r}?)" in str(error.value)


def test_every_error_in_a_file_is_reported_not_only_the_first(tmp_path: Path) -> None:
    """Three mistakes, three lines, each naming the file, the key and the bad value."""
    path = tmp_path / "config.toml"
    original = (
        '[schedule]\nsitting_interval = "banana"\nsnoze = "5m"\n'
        '[idle]\nprobe = "telepathy"\n[goals]\ndaily_stretches = 0\n'
    )
    path.write_text(original, encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_settings(path)
    lines = str(error.value).splitlines()
    assert len(lines) == 4
    assert all(line.startswith("config.toml: ") and str(path) in line for line in lines)
    expected = [
        "schedule.snoze: unknown key (did you mean 'snooze'?)",
        "schedule.sitting_interval: 'banana' is not a duration",
        "goals.daily_stretches: 0 is not a whole number from 1 to 100",
        "idle.probe: 'telepathy' is not one of",
    ]
    for fragment in expected:
        assert any(fragment in line for line in lines), fragment
    assert path.read_text(encoding="utf-8") == original


def test_the_table_carries_what_a_form_needs() -> None:
    """Each setting has a kind with a parser, a description, and choices where it chooses."""
    for setting in SCHEMA:
        assert setting.description.endswith((".", ")")), setting.name
        parse_value(setting, setting.default, LIBRARY)  # every default passes its own check
        if setting.kind == "choice":
            assert setting.default in setting.choices
    assert [s.key for s in settings_in("goals")] == ["daily_stretches"]
    assert describe_bounds(setting_named("schedule.remind_every")) == "a duration, 0s up to 1d"
    assert describe_bounds(setting_named("goals.daily_stretches")) == "a whole number from 1 to 100"
    assert describe_bounds(setting_named("schedule.snooze_choices")) == (
        "1 to 10 durations, each up to 1d"
    )


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
            {"goals": {"daily_stretches": 10**30}},
            "goals.daily_stretches",
            f"{10**30} is not a whole number from 1 to 100",
        ),
        (
            {"schedule": {"snooze_choices": ["5m"] * 11}},
            "schedule.snooze_choices",
            "11 durations; at most 10 are allowed",
        ),
        ({"schedule": {"snooze": "1w"}}, "schedule.snooze", "'1w' is longer than 1d"),
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


BIG_STRETCH = """\
[[exercises]]
id = "big"
name = "Big"
summary = "Too much."
steps = ["a", "b", "c"]
reps = 1000000
hold_seconds = 2147454
"""


def test_a_dose_past_the_bounds_is_named_with_file_key_value_and_range(tmp_path: Path) -> None:
    """Reps = 1000000 and a hold past 10 minutes: each line names the file and the range."""
    path = tmp_path / "config.toml"
    path.write_text(BIG_STRETCH, encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_settings(path)
    assert str(error.value).splitlines() == [
        f"config.toml: exercises[0].hold_seconds: 2147454 is not a whole number from 0 to 600"
        f" (in {path})",
        f"config.toml: exercises[0].reps: 1000000 is not a whole number from 1 to 50 (in {path})",
    ]


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


def test_every_mistake_of_an_own_stretch_is_reported_once() -> None:
    """Two bad fields and a typo in [[exercises]] each named; its id in rotation is no error."""
    data = {
        "exercises": [
            {
                "id": "neck-roll",
                "name": "Neck roll",
                "summary": "Roll.",
                "steps": [],
                "reps": 0,
                "hold_secnds": 5,
            }
        ],
        "rotation": {"exercises": ["neck-roll", "ball-squat"]},
    }
    with pytest.raises(InvalidValues) as error:
        settings_from_mapping(data)
    reported = {problem.key: problem.problem for problem in error.value.problems}
    assert set(reported) == {
        "exercises[0].hold_secnds",
        "exercises[0].steps",
        "exercises[0].reps",
    }
    assert reported["exercises[0].hold_secnds"] == "unknown key (did you mean 'hold_seconds'?)"
    assert "needs at least one step" in reported["exercises[0].steps"]
