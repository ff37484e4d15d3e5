"""The daemon: wires the adapters to one loop that owns the state and applies events in order."""

import json
import logging
import threading
from typing import assert_never

from backcare_tray import engine
from backcare_tray.adapters.kit import Adapters, Listener
from backcare_tray.commands import (
    COMMANDS,
    BecomesEvent,
    Command,
    Occasion,
    OpensWindow,
    Reply,
    RunsJob,
    Source,
    WindowPage,
)
from backcare_tray.daemon.inbox import Inbox, Notice, Request, Signal, failed
from backcare_tray.daemon.presenter import Outputs, Presenter, Scene
from backcare_tray.daemon.sensing import Senses
from backcare_tray.daemon.store import StateStore
from backcare_tray.guide import cue_after, routine_end
from backcare_tray.i18n import _
from backcare_tray.moment import Moment
from backcare_tray.notice import notice_after
from backcare_tray.report import status_report
from backcare_tray.settings import Settings
from backcare_tray.wording import window_reply

__all__ = ["REPLY_TIMEOUT", "SETTLED_SECONDS", "Daemon"]

log = logging.getLogger(__name__)
REPLY_TIMEOUT = 4.0  # for askers that name no deadline: under the command line's 5 s
# Start-up's last allocations (the tray's pictures and registration, the host's first reads)
# are over by then; the memory they freed is handed back once (0.4 MiB measured).
SETTLED_SECONDS = 20.0


class Daemon:
    """Owns the engine state; adapters only put signals and commands in its inbox."""

    def __init__(self, settings: Settings, adapters: Adapters) -> None:
        self.settings = settings
        self.adapters = adapters
        self._clock = adapters.clock
        self.inbox = Inbox(REPLY_TIMEOUT)
        self.store = StateStore(adapters.history, adapters.state_file, self._plan_history_retry)
        self.senses = Senses(adapters, settings.idle_probe)
        make_tray = adapters.make_tray
        tray = make_tray(lambda command: self.inbox.send(command, "menu")) if make_tray else None
        notifier = adapters.make_notifier(self.inbox.press)
        outputs = Outputs(adapters.pictures, adapters.cues, adapters.coach)
        self.presenter = Presenter(
            tray, notifier, adapters.scheduler, self._clock, self._scene, outputs
        )
        self.control: Listener | None = None
        self._sleep_signal = adapters.make_sleep_signal(lambda: self.inbox.signal(Signal.TICK))
        self._clock_change = adapters.make_clock_change(lambda: self.inbox.signal(Signal.CLOCK_SET))
        self._stopping = False
        self.state = self.store.restore(self._clock(), settings)

    def request(
        self, command: Command, source: Source = "cli", answer_by: float | None = None
    ) -> Reply:
        """Hand a command to the loop and wait for its reply (called from other threads).

        answer_by is the monotonic time after which the asker no longer waits (None: in
        REPLY_TIMEOUT); a command the loop has not taken by then is never carried out.
        """
        return self.inbox.ask(command, source, answer_by)

    def run(self) -> None:
        """Start the adapters, run the loop until stopped, then shut down cleanly."""
        if self.adapters.install_signals:
            self.inbox.listen_to_process_signals()
        self.control = self.adapters.make_control(
            lambda command, answer_by: self.request(command, "cli", answer_by), self._lost
        )
        self.senses.start()
        self.adapters.scheduler.start()
        self.control.start()
        self._sleep_signal.start()
        self._clock_change.start()
        self.store.note("daemon_started")
        self._prepare_outputs()
        self._apply(self.senses.tick(self.state, self.settings))
        if self.presenter.tray is not None:
            self.presenter.tray.start()
        log.info("backcare-tray is running: %s", self.report()["status"]["status"])
        self.adapters.scheduler.plan(
            "release-memory", SETTLED_SECONDS, self.adapters.release_memory
        )
        try:
            self._loop()
        finally:
            self._shutdown()

    def _loop(self) -> None:
        """Apply the inbox's items in order until a stop arrives."""
        while not self._stopping:
            item = self.inbox.take()
            try:
                if isinstance(item, Request):
                    self._answer(item)
                    continue
                if isinstance(item, Notice):
                    log.log(item.level, item.message)
                what = item.then if isinstance(item, Notice) else item
                if what is Signal.STOP:
                    return
                elif what is Signal.TICK:
                    self._apply(self.senses.tick(self.state, self.settings))
                elif what is Signal.RELOAD:
                    self.reload()
                elif what is Signal.CLOCK_SET:  # jobs wait for wall times: plan them all again
                    self._replan()
                elif what is Signal.HISTORY:
                    self._retry_history()
                elif what is Signal.REPORT:
                    status = json.dumps(self.report()["status"], sort_keys=True, default=str)
                    log.info("Status: %s", status)
            except Exception:
                log.exception("Error while handling %r; carrying on", item)

    def _lost(self, reason: str) -> None:
        """Stop, saying why: the control socket cannot be kept (called from its thread)."""
        self.inbox.signal(Notice(f"Stopping: {reason}.", Signal.STOP, logging.WARNING))

    def _answer(self, request: Request) -> None:
        """Carry out a command as the table says and give its asker the reply."""
        try:
            match COMMANDS[request.command.name].does:
                case RunsJob(job=job):
                    reply = job(self)
                case BecomesEvent() as becomes:
                    reply = self._run_event(becomes, request)
                case OpensWindow(page=page):
                    reply = self.open_window(page)
                case unknown:
                    assert_never(unknown)
            if not self._stopping and "status" not in reply:
                reply["status"] = self.report()["status"]
        except BaseException:
            request.answer(failed())  # the asker still hears
            raise
        request.answer(reply)

    def _run_event(self, does: BecomesEvent, request: Request) -> Reply:
        """Apply the engine event a command becomes; return the reply it gets."""
        occasion = Occasion(self._clock().mono, request.source, self._seconds_to_working_start)
        refusal = self._apply(does.event(request.command, occasion), request.source)
        return {"ok": False, "error": _(refusal)} if refusal else {"ok": True}

    def _seconds_to_working_start(self) -> int:
        """Return the seconds until working hours next start."""
        return self.settings.hours.seconds_to_next_start(self.adapters.local_clock())

    def _apply(self, event: engine.Event, source: Source | None = None) -> str | None:
        """Step the engine, carry out its effects, save and redraw; return a refusal if any."""
        at = self._clock()
        before = (self.state, self.store.today(at))
        self.state, effects = engine.step(self.state, event, self.settings)
        refusal = None
        notified: list[engine.Record] = []  # logged once the notification's fate is known
        for effect in effects:
            match effect:
                case engine.Record():
                    if effect.kind == "notified":
                        notified.append(effect)
                    self.store.record(effect, at, say=effect.kind != "notified")
                    if effect.kind == "natural_break":
                        self.senses.natural_break(at.wall)
                case engine.Wake(at=wake):
                    delay = None if wake is None else wake - at.mono
                    tick = lambda: self.inbox.signal(Signal.TICK)  # noqa: E731
                    self.adapters.scheduler.plan("wake", delay, tick)
                case engine.Refuse(reason=reason):
                    refusal = reason
        if (self.state, self.store.today(at)) != before:
            self.store.save(self.state, at)
        self.store.refresh_streak(at, self.settings.daily_goal)
        notice = notice_after(before[0], self.state, effects, source)
        shown = self.presenter.show(
            at, notice, cue_after(effects, self.settings), routine_end(effects)
        )
        for record in notified:  # the history has it either way: the stretch fell due
            if shown is False:
                log.info("due, not shown (notifications are failing): %s", record.exercise_id)
            else:
                log.info("notified: %s", record.exercise_id)
        return refusal

    def _plan_history_retry(self, delay: float | None) -> None:
        """Plan the next try of the events waiting for the history, on the loop (None cancels)."""
        self.adapters.scheduler.plan("history", delay, lambda: self.inbox.signal(Signal.HISTORY))

    def _retry_history(self) -> None:
        """Try the waiting events again; the tooltip says how many still wait."""
        before = self.store.waiting()
        self.store.retry()
        if self.store.waiting() != before:
            self.presenter.show(self._clock())

    def _prepare_outputs(self) -> None:
        """Have the pictures drawn and the chimes made off the loop, each by a helper process."""
        pictures, cues, volume = (
            self.adapters.pictures,
            self.adapters.cues,
            self.settings.cue_volume,
        )

        def prepare() -> None:
            # The chimes first: a few small files, wanted at the first due stretch; drawing
            # the pictures takes a second or two on a busy machine.
            if cues is not None:
                cues.prepare(volume)
            if pictures is not None:
                pictures.prepare()

        threading.Thread(target=prepare, name="prepare-outputs", daemon=True).start()

    def _scene(self, at: Moment) -> Scene:
        """Return what the views are drawn from now."""
        today = self.store.today(at)
        streak = self.store.streak(at, self.settings.daily_goal)
        in_call = self.senses.readings.in_call
        return Scene(self.state, self.settings, today, streak, in_call, self.store.waiting())

    def _replan(self) -> None:
        """Plan every job again from now: the wake-up (a Tick always plans it) and the redraw."""
        self.presenter.replan()
        self._apply(self.senses.tick(self.state, self.settings))

    # The commands the daemon carries out itself (commands.Handlers).
    def report(self) -> Reply:
        """Answer with the status report for now."""
        at = self._clock()
        readings = self.senses.readings_now(self.settings)  # idle time as of now
        status = status_report(self.state, at, self.settings, self.store.today(at), readings)
        status["history"] = self.store.describe()
        status["notifications"] = self.presenter.describe()
        status.update(self.presenter.describe_outputs())
        if self.adapters.window is not None:
            status["window"] = self.adapters.window.describe()
        return {"ok": True, "status": status}

    def stop(self) -> Reply:
        """Stop the loop after this reply."""
        self._stopping = True
        return {"ok": True, "message": _("backcare-tray is stopping")}

    def reload(self) -> Reply:
        """Read the config again, keeping the state; a broken config keeps the old settings."""
        if self.adapters.reload_settings is None:
            return {"ok": False, "error": _("this daemon has no config file to read again")}
        try:
            settings = self.adapters.reload_settings()
        except Exception as error:  # ConfigError names the file, the key and the value
            log.error("Config not reloaded, the old settings stay: %s", error)
            return {"ok": False, "error": _("{error}; the old settings stay").format(error=error)}
        self.settings = settings
        self.senses.want_probe(settings.idle_probe)
        self.state = engine.adapt_to_settings(
            self.state, self._clock().mono, settings, reloaded=True
        )
        self.store.forget_streak()
        self._prepare_outputs()  # a new volume, new stretches of the user's own
        log.info("Config reloaded.")
        self._replan()
        return {"ok": True, "message": _("config reloaded")}

    def open_window(self, page: WindowPage) -> Reply:
        """Open the application window at a page, or raise the open one there."""
        if self.adapters.window is None:
            return {"ok": False, "error": _("this daemon has no window to open")}
        done = self.adapters.window.open(page)
        return {"ok": True, "message": window_reply(page, done)}

    def show_howto(self) -> Reply:
        """Show how to do the next stretch."""
        self.presenter.show_howto(self._clock())
        return {"ok": True}

    def _shutdown(self) -> None:
        """Save, remove the socket, stop the scheduler and the icon."""
        self.store.save(self.state, self._clock())
        if self.control is not None:
            self.control.stop()
        self.adapters.scheduler.shutdown()
        self.presenter.notifier.stop()
        self.presenter.stop()
        if self.adapters.window is not None:
            self.adapters.window.close()
        self._sleep_signal.stop()
        self._clock_change.stop()
        if self.presenter.tray is not None:
            self.presenter.tray.stop()
        self.store.close()
        log.info("backcare-tray stopped")
