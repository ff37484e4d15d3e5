"""Duration strings."""

import pytest

from backcare_tray.durations import format_duration, parse_duration


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("45m", 2700),
        ("90s", 90),
        ("1h30m", 5400),
        ("2h", 7200),
        ("1h0m5s", 3605),
        (" 5M ", 300),
        ("0s", 0),
    ],
)
def test_parse(text: str, seconds: int) -> None:
    """Hours, minutes and seconds combine in that order."""
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["banana", "", "45", "m", "5m1h", "1h1h", "-5m", "1.5h", "5 min"])
def test_parse_rejects(text: str) -> None:
    """Anything else is an error that quotes the text."""
    with pytest.raises(ValueError, match="is not a duration like '45m'"):
        parse_duration(text)


@pytest.mark.parametrize("seconds", [1, 59, 60, 61, 3600, 5400, 86399])
def test_format_round_trips(seconds: int) -> None:
    """format_duration writes what parse_duration reads."""
    assert parse_duration(format_duration(seconds)) == seconds
