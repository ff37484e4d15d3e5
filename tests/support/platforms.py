"""Which tests need Linux: one marker and one module-level skip, each with its reason."""

import sys
from pathlib import Path

import pytest

LINUX = sys.platform == "linux"
WINDOWS = sys.platform == "win32"


def linux_only(reason: str) -> pytest.MarkDecorator:
    """Mark a test or class that only Linux can run, saying what it needs."""
    return pytest.mark.skipif(not LINUX, reason=f"Linux only: {reason}")


def require_linux(reason: str) -> None:
    """Skip the whole calling module off Linux; call it before Linux-only imports."""
    if not LINUX:
        pytest.skip(f"Linux only: {reason}", allow_module_level=True)


def ignores_pythonpath() -> bool:
    """Return True for an embeddable CPython, whose ._pth file makes it ignore PYTHONPATH."""
    version = f"{sys.version_info.major}{sys.version_info.minor}"
    return Path(sys.executable).with_name(f"python{version}._pth").exists()
