"""Duration strings."""

import pytest

from backcare_tray.durations import DAY, WEEK, format_duration, parse_duration


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
        ("1d", DAY),
        ("0d12h", 12 * 3600),
    ],
)
def test_parse(text: str, seconds: int) -> None:
    """Days, hours, minutes and seconds combine in that order."""
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(
    "text", ["banana", "", "45", "m", "5m1h", "1h1h", "-5m", "1.5h", "5 min", "1h1d", "2x"]
)
def test_parse_rejects(text: str) -> None:
    """Anything else is an error that quotes the text."""
    with pytest.raises(ValueError, match="is not a duration like '45m'"):
        parse_duration(text)


@pytest.mark.parametrize(
    ("text", "seconds"), [("1w", WEEK), ("7d", WEEK), ("6d23h59m59s", WEEK - 1), ("1d", DAY)]
)
def test_weeks_and_days_make_a_pause(text: str, seconds: int) -> None:
    """A pause may be given in weeks and days, up to a week."""
    assert parse_duration(text, "pause") == seconds


@pytest.mark.parametrize(
    ("text", "kind", "message"),
    [
        ("8d", "pause", "'8d' is longer than 7d, the longest pause allowed"),
        ("1w1s", "pause", "'1w1s' is longer than 7d, the longest pause allowed"),
        ("2w", "pause", "'2w' is longer than 7d, the longest pause allowed"),
        ("1d1s", "snooze", "'1d1s' is longer than 1d, the longest snooze allowed"),
        ("1w", "setting", "'1w' is longer than 1d, the longest duration allowed"),
        ("9" * 5000 + "s", "pause", "is longer than 7d, the longest pause allowed"),
        ("0000000000000001w1s", "pause", "is longer than 7d"),
    ],
)
def test_over_the_limit_of_its_kind_is_refused_as_too_long(
    text: str, kind: str, message: str
) -> None:
    """Weeks and days are read, and refused only when longer than that kind may be."""
    with pytest.raises(ValueError, match=message):
        parse_duration(text, kind)


def test_many_leading_zeros_are_still_a_number() -> None:
    """Leading zeros do not make a short duration too long."""
    assert parse_duration("0000000000000001w", "pause") == WEEK


@pytest.mark.parametrize("seconds", [1, 59, 60, 61, 3600, 5400, 86399, DAY, DAY + 61, WEEK])
def test_format_round_trips(seconds: int) -> None:
    """format_duration writes what parse_duration reads."""
    assert parse_duration(format_duration(seconds), "pause") == seconds


def test_whole_days_are_written_as_days() -> None:
    """A day and a week read as days, not as hours."""
    assert (format_duration(DAY), format_duration(WEEK), format_duration(DAY + 90)) == (
        "1d",
        "7d",
        "1d1m30s",
    )
