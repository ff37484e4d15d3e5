"""A sensor made of named checks: on when any says so; a failing check is logged once."""

import logging
import sys
from collections.abc import Callable

from backcare_tray.i18n import _, pgettext

__all__ = ["Check", "Sensor"]

log = logging.getLogger(__name__)

Check = tuple[str, Callable[[], bool]]  # a name for the log and the doctor, and the check
_NO_CHECKS = "(no checks here)"  # the key that says the unsupported note was logged


class Sensor:
    """On when any of this platform's checks says so; checks that fail count as off."""

    cannot = "Cannot check %s: %s"  # logged once per failing check, with its name and error
    unsupported: str | None = None  # logged once where the platform has no checks at all

    def __init__(self, platform: str = sys.platform) -> None:
        self._platform = platform
        self._failed: set[str] = set()

    def checks(self) -> list[Check]:
        """Return this platform's checks."""
        raise NotImplementedError

    def active(self) -> bool:
        """Return True when a check says so; say once about each check that cannot tell."""
        checks = self.checks()
        if not checks and self.unsupported and _NO_CHECKS not in self._failed:
            log.info(self.unsupported, self._platform)
            self._failed.add(_NO_CHECKS)
        for name, check in checks:
            try:
                if check():
                    return True
            except Exception as error:  # no bus, no display, no such program, odd output
                if name not in self._failed:
                    log.info(self.cannot, name, error)
                self._failed.add(name)
        return False

    def describe(self) -> list[str]:
        """Return one line per check: on, off, or why it cannot be read (for the doctor)."""
        lines = []
        for name, check in self.checks():
            try:
                state = pgettext("sensor", "on") if check() else pgettext("sensor", "off")
                lines.append(_("{sensor}: {state}").format(sensor=name, state=state))
            except Exception as error:
                problem = f"{type(error).__name__}: {error}"
                lines.append(
                    _("{sensor}: cannot be read ({problem})").format(sensor=name, problem=problem)
                )
        return lines
