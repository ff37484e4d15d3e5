"""glibc's malloc settings, called for real in this process."""

import sys

import pytest

from backcare_tray.adapters.glibc_malloc import limit_malloc_arenas, release_free_heap

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc only")


def test_freed_heap_pages_are_handed_back() -> None:
    """After many small blocks are freed, malloc_trim finds pages to hand back."""
    release_free_heap()
    blocks = [bytearray(2000) for _ in range(20000)]  # 40 MB below the mmap threshold
    del blocks
    assert release_free_heap()


def test_the_arena_limit_is_taken_unless_the_person_set_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The arena limit is taken by glibc; a MALLOC_ARENA_MAX the person set is left to rule."""
    assert limit_malloc_arenas(8)  # as many as a small machine gets anyway: harmless here
    monkeypatch.setenv("MALLOC_ARENA_MAX", "2")
    assert not limit_malloc_arenas(1)
