"""The local control channel: one JSON line in, one JSON line out (never pickle)."""

# On Linux and macOS it is a Unix socket (mode 0600) in the user's runtime dir. Windows Python
# has no AF_UNIX, so there it is a loopback TCP port whose number and a random token are kept
# in a file in the user's runtime dir; every request must carry that token.
# client.py: where the daemon listens and how a command is sent to it; request.py: what a
# request line may say; home.py: the runtime folder, the lock and the endpoint, kept whole;
# watch.py: hearing that folder change; server.py: the daemon's side, which no client can
# hold up.

from backcare_tray.adapters.control.client import (
    CLIENT_TIMEOUT,
    LOOPBACK,
    Endpoint,
    NoAnswer,
    NotRunning,
    Reply,
    Unreachable,
    describe_os_error,
    endpoint_for,
    send_request,
)
from backcare_tray.adapters.control.home import ControlHome, ControlUnavailable, Listening
from backcare_tray.adapters.control.request import (
    MAX_DEPTH,
    MAX_REQUEST,
    parse_control,
    parse_request,
)
from backcare_tray.adapters.control.server import (
    ACCEPT_PAUSE,
    DEFAULT_PATIENCE,
    MAX_CLIENTS,
    READ_LIMIT,
    REPLY_MARGIN,
    ControlServer,
    Handler,
)

__all__ = [
    "ACCEPT_PAUSE",
    "CLIENT_TIMEOUT",
    "DEFAULT_PATIENCE",
    "LOOPBACK",
    "MAX_CLIENTS",
    "MAX_DEPTH",
    "MAX_REQUEST",
    "READ_LIMIT",
    "REPLY_MARGIN",
    "ControlHome",
    "ControlServer",
    "ControlUnavailable",
    "Endpoint",
    "Handler",
    "Listening",
    "NoAnswer",
    "NotRunning",
    "Reply",
    "Unreachable",
    "describe_os_error",
    "endpoint_for",
    "parse_control",
    "parse_request",
    "send_request",
]
