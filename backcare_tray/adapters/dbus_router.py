"""jeepney's threading router, hardened against a peer that answers one call twice."""

# mako 1.7 answers some calls with a method return and then an UnknownMethod error for the
# same serial (seen on the wire with dbus-monitor). jeepney's router sets the waiting call's
# result from the first and raises InvalidStateError on the second, in its reader thread,
# which then dies: every later call on that connection fails. A second answer is dropped.

import logging
from concurrent.futures import InvalidStateError
from typing import Any

from jeepney.io.threading import DBusRouter

__all__ = ["SturdyRouter"]

log = logging.getLogger(__name__)


class SturdyRouter(DBusRouter):  # type: ignore[misc]
    """A DBusRouter whose reader thread survives a second reply to one call."""

    def _dispatch(self, msg: Any) -> None:
        """Hand a message on; drop a reply to a call that was already answered."""
        try:
            super()._dispatch(msg)
        except InvalidStateError:
            log.debug("Dropped a second reply from %s to one call.", msg.header.fields.get(7))
