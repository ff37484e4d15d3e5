"""A compiled message catalog (.mo) looked up where it lies: read whole, parsed only when asked.

gettext's own GNUTranslations turns every message of a catalog into a string in a dict when it
is read: half a MiB for ours in a daemon that shows a few dozen of them. The package's catalogs
are written with their keys in byte order (as GNU msgfmt writes them, see messages.write_mo),
so a message is found by a binary search in the file's bytes, and only the messages shown are
ever decoded. A catalog not in that order is read the usual way.
"""

import gettext
import struct
from collections.abc import Callable
from pathlib import Path

__all__ = ["SortedCatalog", "read_catalog"]

_LITTLE = b"\xde\x12\x04\x95"
_BIG = b"\x95\x04\x12\xde"


class Unsorted(ValueError):
    """The catalog's keys are not in byte order: it cannot be searched in place."""


class SortedCatalog(gettext.NullTranslations):
    """Translations looked up in a compiled catalog's bytes, by binary search."""

    def __init__(self, data: bytes) -> None:
        super().__init__()
        order = {_LITTLE: "<", _BIG: ">"}.get(data[:4])
        if order is None or len(data) < 28:
            raise ValueError("not a compiled message catalog")
        revision, count, keys_at, values_at = struct.unpack_from(f"{order}4I", data, 4)
        if revision >> 16 not in (0, 1):
            raise ValueError(f"a compiled catalog of an unknown revision ({revision >> 16})")
        if max(keys_at, values_at) + 8 * count > len(data):
            raise ValueError("the catalog is cut short: its tables end past the file")
        self._data = data
        self._entry = struct.Struct(f"{order}2I")
        self._count, self._keys_at, self._values_at = count, keys_at, values_at
        previous = None
        for index in range(count):  # one pass: every text whole, NUL-ended; keys in order
            for table in (keys_at, values_at):
                length, offset = self._entry.unpack_from(data, table + 8 * index)
                if offset + length >= len(data) or data[offset + length] != 0:
                    raise ValueError("the catalog is cut short: a text ends past the file")
            key = self._key(index)
            if previous is not None and key <= previous:
                raise Unsorted("the catalog's keys are not in byte order")
            previous = key
        header = self._find(b"")
        self._plural = _plural_rule(header.decode("utf-8") if header is not None else "")

    def _key(self, index: int) -> bytes:
        """Return the key of an entry."""
        length, offset = self._entry.unpack_from(self._data, self._keys_at + 8 * index)
        return self._data[offset : offset + length]

    def _find(self, key: bytes) -> bytes | None:
        """Return the translation of a key, None when the catalog has none."""
        low, high = 0, self._count
        while low < high:
            middle = (low + high) // 2
            found = self._key(middle)
            if found == key:
                length, offset = self._entry.unpack_from(self._data, self._values_at + 8 * middle)
                return self._data[offset : offset + length]
            if found < key:
                low = middle + 1
            else:
                high = middle
        return None

    def gettext(self, message: str) -> str:
        """Return a message's translation, or the message."""
        found = self._find(message.encode("utf-8"))
        return message if found is None else found.decode("utf-8")

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        """Return the plural form of a message for a count, or the English one."""
        found = self._find(msgid1.encode("utf-8") + b"\0" + msgid2.encode("utf-8"))
        if found is None:
            return msgid1 if n == 1 else msgid2
        forms = found.split(b"\0")
        return forms[min(self._plural(n), len(forms) - 1)].decode("utf-8")

    def pgettext(self, context: str, message: str) -> str:
        """Return the translation of a message in a context, or the message."""
        found = self._find(f"{context}\x04{message}".encode())
        return message if found is None else found.decode("utf-8")


def _plural_rule(header: str) -> Callable[[int], int]:
    """Return the Plural-Forms rule of a catalog's header (English's when it has none)."""
    for line in header.splitlines():
        name, _colon, value = line.partition(":")
        if name.strip().lower() == "plural-forms":
            rule = value.split("plural=", 1)[-1].strip().rstrip(";")
            return gettext.c2py(rule)
    return lambda n: int(n != 1)


def read_catalog(path: Path) -> gettext.NullTranslations:
    """Read a compiled catalog: searched in place when it can be, else parsed as gettext does.

    Raises OSError when the file cannot be read, ValueError when it is no whole catalog.
    """
    data = path.read_bytes()
    try:
        return SortedCatalog(data)
    except Unsorted:
        import io

        try:
            return gettext.GNUTranslations(io.BytesIO(data))
        except (struct.error, UnicodeDecodeError, IndexError) as problem:
            raise ValueError(f"the catalog cannot be read ({problem})") from None
