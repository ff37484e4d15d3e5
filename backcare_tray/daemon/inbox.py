"""The daemon's one queue: signals and commands from every thread, taken in order by the loop."""

import logging
import signal
import threading
from dataclasses import dataclass, field
from enum import Enum
from queue import SimpleQueue

from backcare_tray.commands import Command, Reply, Source
from backcare_tray.notice import action_command

__all__ = ["Inbox", "Request", "Signal", "Stage", "busy", "failed"]

log = logging.getLogger(__name__)


def busy() -> Reply:
    """Return the reply to a command withdrawn because the loop did not take it in time."""
    return {"ok": False, "error": "the daemon was busy; the command was not carried out"}


def failed() -> Reply:
    """Return the reply to a command whose handling raised."""
    return {"ok": False, "error": "internal error, see the log"}


class Signal(Enum):
    """Something that happened, with nothing to answer."""

    TICK = "tick"  # a wake-up: look at the sensors and the clock
    STOP = "stop"
    RELOAD = "reload"  # read the config again (SIGHUP)
    CLOCK_SET = "clock set"  # the wall clock jumped: plan every job again
    HISTORY = "history"  # try again to write the events waiting for the history


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


class Inbox:
    """Signals and requests on one queue; askers from other threads wait for their reply."""

    def __init__(self, reply_timeout: float) -> None:
        self.reply_timeout = reply_timeout
        self._queue: SimpleQueue[Signal | Request] = SimpleQueue()

    def signal(self, item: Signal) -> None:
        """Queue a signal (safe from any thread and from signal handlers)."""
        self._queue.put(item)

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
        """Take SIGTERM and SIGINT as a stop, SIGHUP as a reload (main thread only)."""
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: self.signal(Signal.STOP))
        if hasattr(signal, "SIGHUP"):  # the usual "read your config again" (not on Windows)
            signal.signal(signal.SIGHUP, lambda *_: self.signal(Signal.RELOAD))

    def ask(self, command: Command, source: Source = "cli") -> Reply:
        """Queue a command and wait for its reply, or withdraw it after reply_timeout."""
        pending = Request(command, source)
        self._queue.put(pending)
        if not pending.answered.wait(self.reply_timeout) and pending.move(
            Stage.WAITING, Stage.WITHDRAWN
        ):
            return busy()
        pending.answered.wait()  # taken by the loop just now: its answer is coming
        assert pending.reply is not None
        return pending.reply

    def take(self) -> Signal | Request:
        """Return the next item, waiting for one; a withdrawn request is skipped."""
        while True:
            item = self._queue.get()
            if isinstance(item, Signal) or item.move(Stage.WAITING, Stage.TAKEN):
                return item
