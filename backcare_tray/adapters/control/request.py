"""A control request line read: one flat JSON object naming a command (never pickle)."""

import json
import math

from backcare_tray.commands import COMMANDS, Command, command_named, socket_commands
from backcare_tray.durations import check_length

__all__ = ["MAX_DEPTH", "MAX_REQUEST", "parse_control", "parse_request"]

MAX_REQUEST = 4096  # a request is one short line
MAX_DEPTH = 2


def _nesting(text: str) -> int:
    """Return how deep brackets nest in JSON text, outside strings."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            escaped = char == "\\" and not escaped
            in_string = escaped or char != '"'
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def parse_request(line: bytes, token: str | None = None) -> Command:
    """Return the command in a request line; raise ValueError with a reason if malformed."""
    return parse_control(line, token)[0]


def parse_control(line: bytes, token: str | None = None) -> tuple[Command, float | None]:
    """Return a request line's command and deadline (if it names one); raise ValueError."""
    if len(line) > MAX_REQUEST:
        raise ValueError(f"request longer than {MAX_REQUEST} bytes")
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValueError(f"request is not UTF-8: {error}") from None
    if _nesting(text) > MAX_DEPTH:  # a request is one flat object
        raise ValueError(f"request nests deeper than {MAX_DEPTH}")
    try:
        request = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as error:
        raise ValueError(f"request is not JSON: {error}") from None
    if not isinstance(request, dict):
        raise ValueError("request must be a JSON object")
    if token is not None and not _same_secret(str(request.get("token", "")), token):
        raise ValueError("request does not carry this daemon's token")
    given = request.get("command")
    name = command_named(given) if isinstance(given, str) else None
    if name is None or name not in socket_commands():
        raise ValueError(f"unknown command {given!r}"[:200])
    seconds = request.get("seconds")
    if seconds is not None:
        kind = COMMANDS[name].duration
        if kind is None or isinstance(seconds, bool) or not isinstance(seconds, int):
            raise ValueError(f"{name}: seconds {seconds!r} is not a whole number here"[:200])
        if seconds <= 0:
            raise ValueError(f"{name}: seconds {seconds} must be more than zero"[:200])
        check_length(seconds, kind, f"{seconds} s")
    deadline = request.get("deadline")
    if deadline is not None and (
        isinstance(deadline, bool)
        or not isinstance(deadline, int | float)
        or not math.isfinite(deadline)
    ):
        raise ValueError(f"deadline {deadline!r} is not a number of seconds"[:200])
    unknown = set(request) - {"command", "seconds", "token", "deadline"}
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)!r}"[:200])
    return Command(name, seconds), None if deadline is None else float(deadline)


def _same_secret(given: str, token: str) -> bool:
    """Compare a request's token with ours in constant time."""
    import secrets

    return secrets.compare_digest(given, token)
