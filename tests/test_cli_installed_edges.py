"""The fault matrix's symptoms, run against the installed command as a person would meet them."""

import re
import subprocess
from pathlib import Path

import pytest
from support.daemon import running_daemon
from support.desktop import Desktop, command_path, user_env
from support.waiting import wait_for

pytestmark = pytest.mark.desktop  # every test starts the installed command

TOO_MUCH = """\
[[exercises]]
id = "too-much"
name = "Too much"
summary = "More than a body can do."
steps = ["Sit.", "Hold.", "Let go."]
reps = {reps}
hold_seconds = {hold}
"""


def run(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the installed backcare-tray in a person's session in home; return what it did."""
    return subprocess.run(
        [command_path(), *args],
        env=user_env(home, home / "runtime"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("reps", "hold", "problem"),
    [
        (1_000_000, 10, "exercises[0].reps: 1000000 is not a whole number from 1 to 50"),
        (1_000_000_000, 10, "exercises[0].reps: 1000000000 is not a whole number from 1 to 50"),
        (3, 2_147_454, "exercises[0].hold_seconds: 2147454 is not a whole number from 0 to 600"),
    ],
)
def test_check_config_refuses_a_dose_no_body_can_do(
    tmp_path: Path, reps: int, hold: int, problem: str
) -> None:
    """check-config names the file, key, value and range, exit 2, at once (no MemoryError)."""
    config = tmp_path / "config.toml"
    config.write_text(TOO_MUCH.format(reps=reps, hold=hold), encoding="utf-8")
    done = run(tmp_path, "check-config", str(config))
    assert done.returncode == 2 and done.stdout == ""
    assert f"backcare-tray: config.toml: {problem} (in {config})" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["stats", "--days", "1000000"], "'1000000' is not a whole number from 1 to 3660"),
        (["stats", "--days", "0", "--json"], "'0' is not a whole number from 1 to 3660"),
        (["logs", "--lines", "0"], "'0' is not a whole number from 1 to 10000"),
        (["logs", "--lines", "-2"], "'-2' is not a whole number from 1 to 10000"),
        (["show", ""], "an empty id names no stretch"),
        (["stats", "--config", "/nonexistent.toml"], "/nonexistent.toml: no such file"),
        (["show", "--config", "/nonexistent.toml"], "/nonexistent.toml: no such file"),
        (["exercises", "--config", "/nonexistent.toml"], "/nonexistent.toml: no such file"),
        (["run", "--config", "/nonexistent.toml"], "/nonexistent.toml: no such file"),
        (["pause", "8d"], "'8d' is longer than 7d, the longest pause allowed"),
    ],
    ids=" ".join,
)
def test_bad_arguments_exit_2_with_a_clear_message(
    tmp_path: Path, args: list[str], message: str
) -> None:
    """Each is refused before anything is done: exit 2, the reason on stderr, no traceback."""
    done = run(tmp_path, *args)
    assert (done.returncode, done.stdout) == (2, ""), done.stdout
    assert message in done.stderr and "Traceback" not in done.stderr, done.stderr


def test_weeks_and_days_reach_the_daemon(desktop: Desktop) -> None:
    """Pause 1w is taken: paused until a week from now; pause 2d too."""
    with running_daemon(desktop) as daemon:
        for text, seconds in (("1w", 7 * 86400), ("2d", 2 * 86400)):
            paused = desktop.run("pause", text, "--json")
            assert paused.returncode == 0, paused.stderr
            status = desktop.status()
            assert status["state"] == "paused"
            # The next break is the pause's end plus a sitting interval (45 min).
            assert abs(status["seconds_until_break"] - (seconds + 2700)) <= 5
            assert desktop.run("resume").returncode == 0
    assert daemon.exit_code == 0


def test_status_idle_time_is_read_at_the_moment_of_the_status(desktop: Desktop) -> None:
    """Untouched, status's idle_seconds grows between wake-ups and agrees with doctor's."""
    config = desktop.home / "idle.toml"
    config.write_text('[idle]\nprobe = "x11"\n', encoding="utf-8")
    with running_daemon(desktop, config=config) as daemon:
        desktop.tool("xdotool", "mousemove", "200", "200")
        assert desktop.status()["idle_probe"] == "x11"
        # The daemon's next look is five minutes away; status must not wait for it.
        wait_for(lambda: desktop.status()["idle_seconds"] >= 3, 15, "3 s of idle time in status")
        doctor = desktop.run("doctor", timeout=30)
        said = re.search(r"x11: works \(idle now (\d+) s\)", doctor.stdout)
        assert said, doctor.stdout
        status = desktop.status()["idle_seconds"]
        assert abs(status - int(said.group(1))) <= 2, (status, said.group(1))
    assert daemon.exit_code == 0
