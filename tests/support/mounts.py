"""A private mount namespace for a test: a small tmpfs, read-only binds, gone when it ends."""

import errno
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from support.marking import require_desktop_marker
from support.waiting import wait_for


class MountSpace:
    """A process holding a private mount namespace; programs join it through nsenter."""

    def __init__(self, holder: subprocess.Popen[bytes]) -> None:
        self.holder = holder

    def prefix(self) -> list[str]:
        """Return the words that run a program inside the namespace."""
        return ["nsenter", f"--target={self.holder.pid}", "--mount", "--"]

    def run(self, *argv: str, env: dict[str, str] | None = None) -> str:
        """Run a program inside the namespace and return its output; fail if it fails."""
        done = subprocess.run(
            [*self.prefix(), *argv], env=env, capture_output=True, text=True, timeout=30
        )
        assert done.returncode == 0, f"{argv}: {done.returncode} {done.stderr}"
        return done.stdout

    def inside(self, path: Path) -> Path:
        """Return the name under which this process sees a path as the namespace does."""
        return Path(f"/proc/{self.holder.pid}/root{path.absolute()}")

    def tmpfs(self, folder: Path, size: str) -> None:
        """Mount a tmpfs of this size on folder (made first) inside the namespace."""
        folder.mkdir(parents=True, exist_ok=True)
        self.run("mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(folder))

    def read_only(self, place: Path) -> None:
        """Bind a file or folder onto itself, read-only, inside the namespace."""
        self.run("mount", "--bind", "-o", "ro", str(place), str(place))

    def writable(self, place: Path) -> None:
        """Make a read-only bind writable again, while programs hold files open in it."""
        self.run("mount", "-o", "remount,bind,rw", str(place))


@contextmanager
def mount_space() -> Iterator[MountSpace]:
    """Yield a private mount namespace; its mounts vanish with its last process."""
    require_desktop_marker("unshare, nsenter and mount (root)")
    holder = subprocess.Popen(
        [
            "unshare",
            "--mount",
            "--propagation",
            "private",
            "--",
            sys.executable,
            "-c",
            "import sys; sys.stdin.read()",  # holds the namespace until its input closes
        ],
        stdin=subprocess.PIPE,
    )
    ours = os.readlink("/proc/self/ns/mnt")
    try:
        wait_for(
            lambda: holder.poll() is not None or os.readlink(f"/proc/{holder.pid}/ns/mnt") != ours,
            10,
            "unshare's namespace",
        )
        assert holder.poll() is None, "unshare --mount failed (it needs root)"
        yield MountSpace(holder)
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=10)


def fill(folder: Path, name: str = "filler") -> Path:
    """Fill the file system of folder with one file until no byte more fits; return the file."""
    filler = folder / name
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        block = b"\0" * 65536
        while True:
            try:
                os.write(fd, block)
            except OSError as error:
                if error.errno != errno.ENOSPC:
                    raise
                if len(block) == 1:
                    break
                block = block[: len(block) // 2]  # the last pages too
    finally:
        os.close(fd)
    return filler
