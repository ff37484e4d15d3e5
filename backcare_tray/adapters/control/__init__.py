"""The local control channel: one JSON line in, one JSON line out (never pickle)."""

# On Linux and macOS it is a Unix socket (mode 0600) in the user's runtime dir. Windows Python
# has no AF_UNIX, so there it is a loopback TCP port whose number and a random token are kept
# in a file in the user's runtime dir; every request must carry that token.
# client.py: where the daemon listens and how a command is sent to it; request.py: what a
# request line may say; server.py: the daemon's side, which no client can hold up.

from backcare_tray.adapters.control.client import (
    CLIENT_TIMEOUT,
    LOOPBACK,
    Endpoint,
    NotRunning,
    Reply,
    endpoint_for,
    send_request,
)
from backcare_tray.adapters.control.request import MAX_DEPTH, MAX_REQUEST, parse_request
from backcare_tray.adapters.control.server import (
    ACCEPT_PAUSE,
    MAX_ANSWERING,
    MAX_CLIENTS,
    READ_LIMIT,
    ControlServer,
    Handler,
)

__all__ = [
    "ACCEPT_PAUSE",
    "CLIENT_TIMEOUT",
    "LOOPBACK",
    "MAX_ANSWERING",
    "MAX_CLIENTS",
    "MAX_DEPTH",
    "MAX_REQUEST",
    "READ_LIMIT",
    "ControlServer",
    "Endpoint",
    "Handler",
    "NotRunning",
    "Reply",
    "endpoint_for",
    "parse_request",
    "send_request",
]
