"""Process signals sent for real to this process become the inbox's notices, none of them fatal."""

import os
import signal
import time
from collections.abc import Iterator
from contextlib import suppress
from typing import Any

import pytest
from support.platforms import require_linux

from backcare_tray.commands import Command, busy
from backcare_tray.daemon import inbox as inbox_module
from backcare_tray.daemon.inbox import (
    Inbox,
    Notice,
    Request,
    Signal,
    Stage,
    hold_process_signals,
)

# Before the tables below, which name SIGQUIT, SIGHUP and the other POSIX signals.
require_linux("the process signals (SIGQUIT, SIGHUP, SIGUSR1, ...) are POSIX's")


@pytest.fixture
def handlers_restored() -> Iterator[None]:
    """Put back every handler the inbox may install, and forget signals held meanwhile."""
    saved: dict[int, Any] = {s: signal.getsignal(s) for s in signal.valid_signals()}
    try:
        yield
    finally:
        for signum, handler in saved.items():
            if handler is not None:
                with suppress(OSError, ValueError):  # SIGKILL, SIGSTOP
                    signal.signal(signum, handler)
        inbox_module._held.clear()


def next_notice(inbox: Inbox) -> Notice:
    """Return the next item, which must be a notice."""
    item = inbox.take()
    assert isinstance(item, Notice), item
    return item


@pytest.mark.parametrize(
    ("signum", "then", "words"),
    [
        (signal.SIGTERM, Signal.STOP, "SIGTERM received: stopping."),
        (signal.SIGINT, Signal.STOP, "SIGINT received: stopping."),
        (signal.SIGQUIT, Signal.STOP, "SIGQUIT received: stopping."),
        (signal.SIGHUP, Signal.RELOAD, "SIGHUP received: reading the config again."),
        (signal.SIGUSR1, Signal.REPORT, "SIGUSR1 received: writing the status to the log."),
        (signal.SIGUSR2, None, "SIGUSR2 received: ignored."),
        (signal.SIGALRM, None, "SIGALRM received: ignored."),
        (signal.SIGPROF, None, "SIGPROF received: ignored."),
        (signal.SIGRTMIN + 4, None, "SIGRTMIN+4 received: ignored."),
        (signal.SIGRTMAX, None, "SIGRTMAX received: ignored."),
    ],
)
def test_each_signal_is_a_line_for_the_log_and_its_action(
    handlers_restored: None, signum: int, then: Signal | None, words: str
) -> None:
    """Sent to this very process, each one is queued with its action; the process lives on."""
    inbox = Inbox(reply_timeout=1.0)
    inbox.listen_to_process_signals()
    os.kill(os.getpid(), signum)
    assert next_notice(inbox) == Notice(words, then)


def test_signals_heard_while_starting_are_acted_on_in_order(handlers_restored: None) -> None:
    """Held from the start of `run` for the loop, in order; a second stop ends it at once."""
    hold_process_signals()
    os.kill(os.getpid(), signal.SIGUSR2)
    os.kill(os.getpid(), signal.SIGTERM)
    with pytest.raises(SystemExit, match="stopped by SIGINT while starting"):
        os.kill(os.getpid(), signal.SIGINT)
    inbox = Inbox(reply_timeout=1.0)
    inbox.listen_to_process_signals()
    assert next_notice(inbox).message == "SIGUSR2 received: ignored."
    assert next_notice(inbox).then is Signal.STOP


def test_a_request_too_late_for_its_asker_is_skipped_even_before_the_asker_withdraws() -> None:
    """The daemon was stopped while it waited: the loop itself sees the deadline passed."""
    inbox = Inbox(reply_timeout=1.0)
    late = Request(Command("skip"), "cli", answer_by=time.monotonic() - 1)
    inbox.put(late)
    inbox.signal(Signal.TICK)
    assert inbox.take() is Signal.TICK
    assert late.stage is Stage.WITHDRAWN and late.reply == busy()


def test_an_asker_waits_until_its_own_deadline_not_the_default() -> None:
    """answer_by (from the client's deadline) replaces reply_timeout."""
    inbox = Inbox(reply_timeout=30.0)
    started = time.monotonic()
    assert inbox.ask(Command("done"), "cli", answer_by=started + 0.2) == busy()
    assert 0.15 < time.monotonic() - started < 5
