"""The daemon's one queue: signals and commands from every thread, taken in order by the loop."""

import logging
import signal
import threading
import time
from dataclasses import dataclass, field
from enum import Enum
from functools import cache
from queue import SimpleQueue
from types import FrameType

from backcare_tray.commands import Command, Reply, Source, busy
from backcare_tray.i18n import _
from backcare_tray.notice import action_command

__all__ = [
    "IGNORED_SIGNALS",
    "SIGNAL_ACTIONS",
    "Inbox",
    "Notice",
    "Request",
    "Signal",
    "Stage",
    "busy",
    "failed",
    "hold_process_signals",
    "signal_name",
]

log = logging.getLogger(__name__)


def failed() -> Reply:
    """Return the reply to a command whose handling raised."""
    return {"ok": False, "error": _("internal error, see the log")}


class Signal(Enum):
    """Something that happened, with nothing to answer."""

    TICK = "tick"  # a wake-up: look at the sensors and the clock
    STOP = "stop"
    RELOAD = "reload"  # read the config again (SIGHUP)
    CLOCK_SET = "clock set"  # the wall clock jumped: plan every job again
    HISTORY = "history"  # try again to write the events waiting for the history
    REPORT = "report"  # write the status to the log (SIGUSR1)


@dataclass(frozen=True)
class Notice:
    """A line for the log, then the signal to act on (if any): a process signal, a lost socket."""

    message: str
    then: Signal | None = None
    level: int = logging.INFO


# What each process signal does. Those that would kill the process by default and mean nothing
# here are ignored with a line in the log, so the daemon never dies silently of one; the rest
# (faults, job control, SIGCHLD, SIGPIPE and SIGXFSZ, which Python ignores) keep their
# defaults, as do the uncatchable SIGKILL and SIGSTOP.
SIGNAL_ACTIONS = {
    "SIGTERM": (Signal.STOP, "stopping"),
    "SIGINT": (Signal.STOP, "stopping"),
    "SIGQUIT": (Signal.STOP, "stopping"),
    "SIGHUP": (Signal.RELOAD, "reading the config again"),
    "SIGUSR1": (Signal.REPORT, "writing the status to the log"),
}
IGNORED_SIGNALS = (
    "SIGUSR2",
    "SIGALRM",
    "SIGVTALRM",
    "SIGPROF",
    "SIGIO",
    "SIGPWR",
    "SIGXCPU",
    "SIGSTKFLT",
    "SIGEMT",
    "SIGLOST",
)
_held: list[int] = []  # signals heard while the daemon starts, for its loop to act on


def signal_name(signum: int) -> str:
    """Return a signal's name, real-time ones as SIGRTMIN+n."""
    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"SIGRTMIN+{signum - getattr(signal, 'SIGRTMIN', 0)}"


@cache
def _handled() -> dict[int, tuple[Signal | None, str]]:
    """Return every signal the daemon handles on this platform: number -> (action, words)."""
    handled: dict[int, tuple[Signal | None, str]] = {}
    for name in IGNORED_SIGNALS:
        if hasattr(signal, name):
            handled[getattr(signal, name)] = (None, "ignored")
    if hasattr(signal, "SIGRTMIN"):
        for signum in range(signal.SIGRTMIN, signal.SIGRTMAX + 1):
            handled[signum] = (None, "ignored")
    for name, action in SIGNAL_ACTIONS.items():
        if hasattr(signal, name):
            handled[getattr(signal, name)] = action
    return handled


def _notice(signum: int) -> Notice:
    """Return the inbox item a process signal becomes."""
    action, words = _handled().get(signum, (None, "ignored"))
    return Notice(f"{signal_name(signum)} received: {words}.", action)


def hold_process_signals() -> None:
    """Keep every handled signal heard while the daemon starts, for its loop (main thread only)."""

    def hold(signum: int, frame: FrameType | None) -> None:
        stopping = _handled()[signum][0] is Signal.STOP
        if stopping and any(_handled()[s][0] is Signal.STOP for s in _held):
            raise SystemExit(f"backcare-tray: stopped by {signal_name(signum)} while starting")
        _held.append(signum)

    for signum in _handled():
        signal.signal(signum, hold)


class Stage(Enum):
    """Where a request is: waiting on the queue, taken by the loop, or given up by its asker."""

    WAITING = "waiting"
    TAKEN = "taken"
    WITHDRAWN = "withdrawn"


@dataclass
class Request:
    """A command waiting on the loop, with the slot its reply goes in."""

    command: Command
    source: Source
    answer_by: float | None = None  # time.monotonic() after which nobody waits for the reply
    reply: Reply | None = None
    answered: threading.Event = field(default_factory=threading.Event)
    # Whichever comes first wins, the loop taking it or its asker giving up: a command nobody
    # waits for any more is never carried out later.
    stage: Stage = Stage.WAITING
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def move(self, from_stage: Stage, to_stage: Stage) -> bool:
        """Move to to_stage if still at from_stage; return whether it moved."""
        with self._lock:
            if self.stage is not from_stage:
                return False
            self.stage = to_stage
            return True

    def answer(self, reply: Reply) -> None:
        """Give the asker its reply."""
        self.reply = reply
        self.answered.set()

    def too_late(self) -> bool:
        """Return True once its asker has stopped waiting (or is about to)."""
        return self.answer_by is not None and time.monotonic() >= self.answer_by


class Inbox:
    """Signals and requests on one queue; askers from other threads wait for their reply."""

    def __init__(self, reply_timeout: float) -> None:
        self.reply_timeout = reply_timeout
        self._queue: SimpleQueue[Signal | Request | Notice] = SimpleQueue()

    def signal(self, item: Signal | Notice) -> None:
        """Queue a signal or a notice (safe from any thread and from signal handlers)."""
        self._queue.put(item)

    def put(self, request: Request) -> None:
        """Queue a request as it is (ask() and send() make theirs)."""
        self._queue.put(request)

    def send(self, command: Command, source: Source) -> None:
        """Queue a command whose answer nobody waits for (a click in the menu or a button)."""
        self._queue.put(Request(command, source))

    def press(self, key: str) -> None:
        """Queue the command of a notification button, as the tray item of that name would."""
        command = action_command(key)
        if command is None:
            log.warning("Unknown notification action %r ignored.", key)
            return
        self.send(command, "notification")

    def listen_to_process_signals(self) -> None:
        """Turn process signals into notices (SIGNAL_ACTIONS says which do what; main thread)."""
        for signum in _handled():
            signal.signal(signum, lambda signum, _: self._queue.put(_notice(signum)))
        while _held:  # heard while starting: acted on now, in order
            self._queue.put(_notice(_held.pop(0)))

    def ask(
        self, command: Command, source: Source = "cli", answer_by: float | None = None
    ) -> Reply:
        """Queue a command and wait for its reply until answer_by (monotonic), then withdraw it."""
        if answer_by is None:
            answer_by = time.monotonic() + self.reply_timeout
        pending = Request(command, source, answer_by)
        self._queue.put(pending)
        waited = pending.answered.wait(max(0.0, answer_by - time.monotonic()))
        if not waited and pending.move(Stage.WAITING, Stage.WITHDRAWN):
            return busy()
        pending.answered.wait()  # taken by the loop just now, or withdrawn by it: it answers
        assert pending.reply is not None
        return pending.reply

    def take(self) -> Signal | Request | Notice:
        """Return the next item, waiting for one; a request too late for its asker is skipped."""
        while True:
            item = self._queue.get()
            if not isinstance(item, Request):
                return item
            if item.too_late():  # the asker may not have woken yet (the daemon was stopped)
                if item.move(Stage.WAITING, Stage.WITHDRAWN):
                    item.answer(busy())
            elif item.move(Stage.WAITING, Stage.TAKEN):
                return item
