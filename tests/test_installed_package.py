"""The suite tests the installed package, not the checkout it sits in."""

import os
import sys
import sysconfig
from pathlib import Path

import pytest
from support.platforms import ignores_pythonpath

import backcare_tray

CHECKOUT = Path(__file__).resolve().parents[1]
EXPECT_INSTALLED = os.environ.get("BACKCARE_TRAY_EXPECT_INSTALLED") == "1"


@pytest.mark.skipif(
    not EXPECT_INSTALLED,
    reason="BACKCARE_TRAY_EXPECT_INSTALLED=1 is not set: `make test` sets it after a non-editable"
    " install; an editable install imports the checkout on purpose",
)
def test_backcare_tray_is_imported_from_the_venvs_site_packages() -> None:
    """backcare_tray comes from this venv's purelib, and the checkout is not on sys.path."""
    if not ignores_pythonpath():  # the Windows tests' embeddable CPython is no venv
        assert sys.prefix != sys.base_prefix, f"not run from a venv: {sys.prefix}"
    package = Path(backcare_tray.__file__).resolve()
    purelib = Path(sysconfig.get_paths()["purelib"]).resolve()
    assert package.is_relative_to(purelib), f"{package} is not under {purelib}"
    assert not package.is_relative_to(CHECKOUT / "backcare_tray"), f"{package} is the checkout's"
    on_path = [entry for entry in sys.path if Path(entry or os.getcwd()).resolve() == CHECKOUT]
    assert not on_path, f"the checkout {CHECKOUT} is on sys.path, shadowing the installed package"
