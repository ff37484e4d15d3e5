"""Whether the running test carries the desktop marker, so the desktop helpers can insist."""

from collections.abc import Iterator
from contextlib import contextmanager

# (test id, marked desktop) of the test running now; empty outside pytest (the benchmarks).
_running: list[tuple[str, bool]] = []


@contextmanager
def running_test(test_id: str, marked: bool) -> Iterator[None]:
    """Note the test that runs inside this block and whether it is marked desktop."""
    _running.append((test_id, marked))
    try:
        yield
    finally:
        _running.pop()


def require_desktop_marker(what: str) -> None:
    """Fail a test that starts `what` (an outside program) without the desktop marker."""
    if _running and not _running[-1][1]:
        raise AssertionError(
            f"{_running[-1][0]} starts {what}: mark it with @pytest.mark.desktop"
            ' so that `pytest -m "not desktop"` stays free of outside programs'
        )
