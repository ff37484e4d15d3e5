"""import-stretches and export-stretches as a person runs them: the installed command."""

import subprocess
from pathlib import Path

import pytest
from support.daemon import running_daemon
from support.desktop import Desktop, command_path, user_env
from support.stretch_files import ROUTINE, write_routine
from support.waiting import wait_for

pytestmark = pytest.mark.desktop  # every test starts the installed command

MINE = "# My own settings.\n[goals]\ndaily_stretches = 4  # four is plenty\n"


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


def _config(home: Path, text: str = MINE) -> Path:
    """Write the person's config where the command finds it by default."""
    path = home / ".config" / "backcare-tray" / "config.toml"
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_an_import_adds_the_routine_to_the_persons_own_config(tmp_path: Path) -> None:
    """The default config gets both stretches; exercises lists them; comments stay."""
    home = tmp_path / "home"
    config = _config(home)
    source = write_routine(tmp_path / "from the physio")
    done = run(home, "import-stretches", str(source))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "Added 2 stretches from routine.toml:",
        "  Neck roll [neck-roll]",
        "  Shoulder squeeze [shoulder-squeeze]",
        f"Pictures copied to {config.parent / 'stretches'}",
        "They are in your rotation (your own stretches come last).",
        "backcare-tray is not running; it will use them when it next starts.",
    ]
    assert config.read_text(encoding="utf-8").startswith(MINE)
    listed = run(home, "exercises")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.splitlines()[-2:] == [
        "  6. Neck roll [neck-roll]: 5x",
        "  7. Shoulder squeeze [shoulder-squeeze]: Hold 10 s, 3x",
    ]
    shown = run(home, "show", "shoulder-squeeze")
    assert f"3. {config.parent / 'stretches' / 'shoulder-squeeze' / 'squeeze-3.png'}" in (
        shown.stdout
    )
    shared = tmp_path / "onward" / "routine.toml"
    exported = run(home, "export-stretches", str(shared), "--ids", "neck-roll")
    assert exported.returncode == 0, exported.stderr
    assert sorted(p.name for p in shared.parent.iterdir()) == [
        "neck-roll-1.png",
        "neck-roll-2.png",
        "routine.toml",
    ]


def test_a_bad_file_exits_2_naming_the_entry_and_key_and_changes_nothing(tmp_path: Path) -> None:
    """The message names the file, the entry and the key; the config is byte for byte as it was."""
    home = tmp_path / "home"
    config = _config(home)
    source = write_routine(tmp_path / "share", ROUTINE.replace("reps = 3", "reps = 300"))
    done = run(home, "import-stretches", str(source))
    assert (done.returncode, done.stdout) == (2, ""), done.stdout
    assert done.stderr == (
        "backcare-tray: routine.toml: exercises[1].reps: 300 is not a whole number from 1 to 50\n"
    )
    assert config.read_text(encoding="utf-8") == MINE
    assert sorted(p.name for p in config.parent.iterdir()) == ["config.toml"]


def test_a_running_daemon_is_told_to_read_its_settings_again(desktop: Desktop) -> None:
    """After an import the running daemon reloads: it says so, and so does its log."""
    config = _config(desktop.home, '[schedule]\nremind_every = "0s"\n')
    source = write_routine(desktop.home / "share")
    with running_daemon(desktop) as daemon:
        done = desktop.run("import-stretches", str(source))
        assert done.returncode == 0, done.stderr
        assert done.stdout.splitlines()[-1] == "backcare-tray has read your settings again."
        wait_for(lambda: "Config reloaded." in daemon.log_text(), 10, "the daemon's reload")
    assert daemon.exit_code == 0
    assert "neck-roll" in config.read_text(encoding="utf-8")
