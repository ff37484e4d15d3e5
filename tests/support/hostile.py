"""Hostile control requests: malformed, oversized, deeply nested, wrongly typed, cut short."""

import json
import random
from typing import Any

VALID: list[dict[str, Any]] = [
    {"command": "status"},
    {"command": "snooze", "seconds": 600},
    {"command": "pause", "seconds": 3600},
]
ODD_VALUES: list[Any] = [
    None,
    True,
    [],
    {},
    -1,
    0,
    2**64,
    1e308,
    "x" * 300,
    "\u0000",
    "\ud7ff",
    [[[]]],
    {"a": {}},
]

# null means "the default" there, so it is no odd value for seconds.
ODD_SECONDS: list[Any] = [value for value in ODD_VALUES if value is not None]
# A deadline is any finite number (one long past is answered busy, not refused).
ODD_DEADLINES: list[Any] = [
    value for value in ODD_SECONDS if isinstance(value, bool) or not isinstance(value, int | float)
] + [float("inf"), float("-inf"), float("nan")]


def hostile_messages(count: int, seed: int = 8) -> list[bytes]:
    """Return count request lines, each of which a daemon must refuse."""
    chance = random.Random(seed)
    makers = [
        lambda: bytes(chance.randrange(256) for _ in range(chance.randrange(1, 200))),
        lambda: b"[" * chance.randrange(3, 5000),
        lambda: b"{" * chance.randrange(3, 3000),
        lambda: b'{"command": ' * chance.randrange(2, 1000),
        lambda: json.dumps({"command": chance.choice(ODD_VALUES)}).encode(),
        lambda: json.dumps(
            {"command": chance.choice(["snooze", "pause"]), "seconds": chance.choice(ODD_SECONDS)}
        ).encode(),
        lambda: json.dumps({**chance.choice(VALID), "extra": chance.choice(ODD_VALUES)}).encode(),
        lambda: json.dumps(
            {**chance.choice(VALID), "deadline": chance.choice(ODD_DEADLINES)}
        ).encode(),
        lambda: json.dumps(chance.choice(ODD_VALUES)).encode(),
        lambda: json.dumps(chance.choice(VALID)).encode()[: chance.randrange(1, 12)],
        lambda: (
            b'{"command": "snooze", "seconds": '
            + str(10 ** chance.randrange(6, 400)).encode()
            + b"}"
        ),
        lambda: b" " * chance.randrange(5000, 20000),
    ]
    return [chance.choice(makers)() for _ in range(count)]
