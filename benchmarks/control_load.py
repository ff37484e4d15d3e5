"""Measure `status` latency on the control socket: one client, then 50 at once."""

# Run with `.venv/bin/python benchmarks/control_load.py`. The installed daemon runs on a virtual
# desktop (Xvfb, trayer, dunst, a private D-Bus); clients speak the socket's protocol directly
# (one JSON line each way), each timing its request from connect to the whole reply.
#
# - One client: `--requests` status requests one after another.
# - Many clients: `--clients` threads released together by a barrier, each sending
#   `--per-client` status requests one after another, so that many are in flight at once.
# - Command lines: `--commands` `backcare-tray status` processes started together (0: none).
#
# Every reply is counted as answered (ok), busy (not carried out) or failed; latency is
# reported for the answered ones as p50, p99 and max.

import argparse
import json
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from support.desktop import Desktop, command_path, virtual_desktop  # noqa: E402
from support.waiting import wait_for  # noqa: E402

REQUEST = b'{"command": "status"}\n'


@dataclass
class Tally:
    """Latencies of answered requests and counts of the rest."""

    seconds: list[float] = field(default_factory=list)
    busy: int = 0
    failed: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, started: float, answer: bytes) -> None:
        """Count one exchange by its answer."""
        took = time.perf_counter() - started
        with self.lock:
            try:
                reply = json.loads(answer)
            except ValueError:
                self.failed.append(f"not JSON: {answer[:80]!r}")
                return
            if reply.get("ok"):
                self.seconds.append(took)
            elif "busy" in str(reply.get("error", "")) or reply.get("busy"):
                self.busy += 1
            else:
                self.failed.append(str(reply.get("error"))[:80])

    def line(self, what: str) -> str:
        """Return the figures as one line."""
        total = len(self.seconds) + self.busy + len(self.failed)
        if not self.seconds:
            return f"{what}: none answered of {total} (busy {self.busy}, failed {self.failed[:3]})"
        ordered = sorted(self.seconds)
        p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
        return (
            f"{what}: {len(self.seconds)}/{total} answered, busy {self.busy}, "
            f"failed {len(self.failed)}; p50 {statistics.median(ordered) * 1000:6.1f} ms, "
            f"p99 {p99 * 1000:6.1f} ms, max {ordered[-1] * 1000:6.1f} ms"
        )


def exchange(path: Path, tally: Tally) -> None:
    """Send one status request over a fresh connection and count its answer."""
    started = time.perf_counter()
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
            client.settimeout(10)
            client.connect(str(path))
            client.sendall(REQUEST)
            answer = b""
            while not answer.endswith(b"\n"):
                chunk = client.recv(65536)
                if not chunk:
                    break
                answer += chunk
    except OSError as error:
        with tally.lock:
            tally.failed.append(f"{type(error).__name__}: {error}")
        return
    tally.add(started, answer)


def one_client(path: Path, requests: int) -> Tally:
    """Time requests sent one after another by one client."""
    tally = Tally()
    for _ in range(requests):
        exchange(path, tally)
    return tally


def many_clients(path: Path, clients: int, per_client: int) -> Tally:
    """Time requests from many clients released at once."""
    tally = Tally()
    barrier = threading.Barrier(clients)

    def client() -> None:
        barrier.wait()
        for _ in range(per_client):
            exchange(path, tally)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally


def command_lines(desktop: Desktop, commands: int) -> str:
    """Start `backcare-tray status` processes together; return how they exited."""
    started = time.perf_counter()
    processes = [
        subprocess.Popen(
            [command_path(), "status"],
            env=desktop.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for _ in range(commands)
    ]
    codes: dict[int, int] = {}
    errors: set[str] = set()
    for process in processes:
        _, err = process.communicate(timeout=60)
        codes[process.returncode] = codes.get(process.returncode, 0) + 1
        if process.returncode:
            errors.add(err.decode(errors="replace").strip()[:100])
    took = time.perf_counter() - started
    return (
        f"{commands} command lines at once: exit codes {dict(sorted(codes.items()))} "
        f"in {took:.1f} s" + (f"; {sorted(errors)[:3]}" if errors else "")
    )


def main() -> None:
    """Run the daemon on a virtual desktop and load its control socket."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=200, help="one client's requests")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--per-client", type=int, default=20)
    parser.add_argument("--commands", type=int, default=50, help="command lines at once")
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as tmp,
        virtual_desktop(Path(tmp)) as desktop,
    ):
        process = desktop.spawn("run", log=desktop.home / "daemon.log")
        try:
            wait_for(lambda: desktop.run("status").returncode == 0, 30, "the daemon")
            path = Path(desktop.env["XDG_RUNTIME_DIR"]) / "backcare-tray" / "control.sock"
            one_client(path, 20)  # warm up
            print(one_client(path, args.requests).line("1 client"))
            tally = many_clients(path, args.clients, args.per_client)
            print(tally.line(f"{args.clients} clients x {args.per_client}"))
            if args.commands:
                print(command_lines(desktop, args.commands))
        finally:
            desktop.run("quit")
            process.wait(timeout=10)


if __name__ == "__main__":
    main()
