"""Turn wake-up times into APScheduler date jobs, and job fires into callbacks."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from apscheduler.executors.debug import DebugExecutor
from apscheduler.schedulers.background import BackgroundScheduler

__all__ = ["MAX_WAIT", "WakeupScheduler"]

MAX_WAIT = 15 * 60


class WakeupScheduler:
    """A BackgroundScheduler holding at most one date job per name (no polling)."""

    def __init__(self) -> None:
        # UTC: date jobs need no local zone, and an invalid TZ must not stop the daemon.
        # Jobs only put an item on the daemon's queue, so they run right in the scheduler's
        # thread ("debug" is APScheduler's name for that): no worker pool, no extra wake-ups.
        self._scheduler = BackgroundScheduler(
            executors={"default": DebugExecutor()},
            timezone="UTC",
            job_defaults={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
        )

    def start(self) -> None:
        """Start the scheduler thread."""
        self._scheduler.start()

    def plan(self, name: str, delay: float | None, callback: Callable[[], object]) -> None:
        """Run callback once after delay seconds, replacing the job of that name; None cancels."""
        if delay is None:
            job = self._scheduler.get_job(name)
            if job is not None:  # a date job that already ran is gone by itself
                job.remove()
            return
        # Waits stop while the machine sleeps, so a long one could end hours late after a
        # resume: never wait more than MAX_WAIT at once (an early wake-up is harmless).
        run_at = datetime.now(UTC) + timedelta(seconds=min(max(0.0, delay), MAX_WAIT))
        self._scheduler.add_job(callback, "date", run_date=run_at, id=name, replace_existing=True)

    def plan_every(
        self, name: str, first_delay: float | None, period: float, callback: Callable[[], object]
    ) -> None:
        """Run callback after first_delay seconds, then every period; None cancels."""
        if first_delay is None:
            self.plan(name, None, callback)
            return
        start = datetime.now(UTC) + timedelta(seconds=max(0.0, first_delay))
        self._scheduler.add_job(
            callback, "interval", seconds=period, start_date=start, id=name, replace_existing=True
        )

    def shutdown(self) -> None:
        """Stop the scheduler thread without waiting for running jobs."""
        # Removing the jobs first waits for a firing in progress (it holds the job store
        # lock); shutting down under it makes APScheduler fail to remove the fired job.
        self._scheduler.remove_all_jobs()
        self._scheduler.shutdown(wait=False)
