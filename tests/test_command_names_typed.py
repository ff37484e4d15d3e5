"""A misspelt command name anywhere is a type error: mypy reads the names from one Literal."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support.platforms import linux_only

import backcare_tray

PACKAGE = Path(backcare_tray.__file__).parent

# mypy is a dev tool of the Linux side: the Windows test interpreter has none.
pytestmark = linux_only("runs mypy, a dev tool the Windows test Python does not have")


def mypy_on_copy(
    tmp_path: Path, module: str, old: str, new: str
) -> subprocess.CompletedProcess[str]:
    """Copy the package under test, replace old with new in one module, and type-check it."""
    copy = tmp_path / "backcare_tray"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    source = copy / module
    text = source.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {module}"
    source.write_text(text.replace(old, new), encoding="utf-8")
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--follow-imports=silent",
            "--ignore-missing-imports",
            "--no-incremental",
            str(source.relative_to(tmp_path)),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("module", "old", "new"),
    [
        ("menu.py", 'Command("skip")', 'Command("skp")'),
        (
            "notice.py",
            'Action("skip", pgettext("button", "Skip"))',
            'Action("skipp", pgettext("button", "Skip"))',
        ),
        ("daemon/__init__.py", "\n__all__ = [", '\nCommand("stat")\n__all__ = ['),
    ],
)
def test_mypy_rejects_a_misspelt_command_name(
    tmp_path: Path, module: str, old: str, new: str
) -> None:
    """The menu's, a button's or any other misspelt name fails the type check."""
    checked = mypy_on_copy(tmp_path, module, old, new)
    assert checked.returncode == 1, checked.stdout + checked.stderr
    assert "incompatible type" in checked.stdout


def test_the_same_check_passes_on_the_names_as_they_are(tmp_path: Path) -> None:
    """Without the misspelling the copy type-checks: the failures above are the name's."""
    checked = mypy_on_copy(tmp_path, "menu.py", 'Command("skip")', 'Command("skip")')
    assert checked.returncode == 0, checked.stdout + checked.stderr
