"""Keep glibc to one malloc arena: the daemon's threads mostly sleep and allocate little."""

# glibc gives each thread that allocates an arena of its own, and each arena keeps pages it
# has touched. Measured on the running daemon (8 threads): one arena saves about 1.1 MiB of
# private memory (USS 27.7 -> 26.6 MiB). A MALLOC_ARENA_MAX the person set wins.

import ctypes
import logging
import os
import sys

__all__ = ["M_ARENA_MAX", "limit_malloc_arenas"]

log = logging.getLogger(__name__)

M_ARENA_MAX = -8  # mallopt's parameter number, from glibc's malloc.h


def limit_malloc_arenas(count: int = 1) -> bool:
    """Ask glibc for at most count arenas before threads start; return whether it took."""
    if not sys.platform.startswith("linux") or "MALLOC_ARENA_MAX" in os.environ:
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        log.debug("No mallopt here: malloc arenas are left as they are.")
        return False
    return bool(mallopt(M_ARENA_MAX, count))
