"""The message catalogs' template: every translatable message, from the code and the stretches.

Babel does the reading (a developer tool: imported by `make messages` and the catalog tests,
never by the daemon). Messages come from the package's Python files, marked with _(), N_(),
ngettext() and pgettext(), and from the built-in stretches' texts in data/stretches.toml.
"""

import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

__all__ = [
    "DOMAIN",
    "PACKAGE",
    "Message",
    "code_messages",
    "stretch_messages",
    "template",
    "template_messages",
    "translated_in_full",
    "write_mo",
]

PACKAGE = Path(__file__).resolve().parent
DOMAIN = "backcare-tray"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}
COMMENT_TAGS = ("Translators:",)
# The built-in stretches' fields that people read, translated when the stretches are read.
STRETCH_TEXTS = ("name", "area", "summary", "steps", "sides", "equipment", "safety")


@dataclass(frozen=True)
class Message:
    """One message of the template: its text (a pair for a plural), context and origin."""

    id: str | tuple[str, str]
    context: str | None
    where: tuple[str, int]
    comments: tuple[str, ...] = ()


def code_messages(package: Path = PACKAGE) -> Iterator[Message]:
    """Yield the messages marked in the package's Python files."""
    from babel.messages.extract import extract_from_dir

    found = extract_from_dir(
        str(package),
        method_map=[("**.py", "python")],
        keywords=KEYWORDS,
        comment_tags=COMMENT_TAGS,
        strip_comment_tags=True,
    )
    for filename, line, text, comments, context in found:
        where = (f"{package.name}/{Path(filename).as_posix()}", line)
        message = text if isinstance(text, str) else (text[0], text[1])
        yield Message(message, context, where, tuple(comments))


def stretch_messages(package: Path = PACKAGE) -> Iterator[Message]:
    """Yield the built-in stretches' texts, each with the field and stretch it belongs to."""
    path = package / "data" / "stretches.toml"
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    for table in tomllib.loads(text)["exercises"]:
        for field in STRETCH_TEXTS:
            value: Any = table.get(field)
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, str) and item:
                    line = next((n for n, row in enumerate(lines, 1) if f'"{item}"' in row), 0)
                    where = (f"{package.name}/data/stretches.toml", line)
                    comment = f"The {field} of the built-in stretch {table['id']}."
                    yield Message(item, None, where, (comment,))


def template_messages(package: Path = PACKAGE) -> list[Message]:
    """Return every message the template holds, the code's first."""
    return [*code_messages(package), *stretch_messages(package)]


def template(package: Path = PACKAGE, version: str = "") -> Any:
    """Return the template as a Babel Catalog."""
    from babel.messages.catalog import Catalog

    catalog = Catalog(
        project="backcare-tray",
        version=version,
        copyright_holder="the backcare-tray authors",
        charset="utf-8",
        fuzzy=False,
    )
    for message in template_messages(package):
        catalog.add(
            message.id,
            None,
            [message.where],
            auto_comments=message.comments,
            context=message.context,
        )
    return catalog


def write_mo(handle: BinaryIO, catalog: Any) -> None:
    """Write a Babel catalog as a .mo file with its keys in byte order, as GNU msgfmt does.

    Fuzzy and untranslated messages are left out (they speak English). The order lets the
    daemon find a message by binary search in the file's bytes (catalog_file.SortedCatalog).
    """
    import struct

    entries: dict[bytes, bytes] = {}
    for message in catalog:
        if message.id and (message.fuzzy or not translated_in_full(message.string)):
            continue
        if isinstance(message.id, tuple | list):
            key = b"\0".join(part.encode("utf-8") for part in message.id)
            value = b"\0".join(form.encode("utf-8") for form in message.string)
        else:
            key, value = message.id.encode("utf-8"), message.string.encode("utf-8")
        if message.context:
            key = message.context.encode("utf-8") + b"\x04" + key
        entries[key] = value
    keys = sorted(entries)
    count = len(keys)
    keys_at = 7 * 4
    values_at = keys_at + 8 * count
    text_at = values_at + 8 * count
    table, texts = [], bytearray()
    for key in keys:
        table.append((len(key), text_at + len(texts)))
        texts += key + b"\0"
    for key in keys:
        table.append((len(entries[key]), text_at + len(texts)))
        texts += entries[key] + b"\0"
    handle.write(struct.pack("<7I", 0x950412DE, 0, count, keys_at, values_at, 0, 0))
    for length, offset in table:
        handle.write(struct.pack("<2I", length, offset))
    handle.write(bytes(texts))


def translated_in_full(string: object) -> bool:
    """Return True when a translation (every plural form of it) is written."""
    forms = string if isinstance(string, tuple | list) else (string,)
    return all(isinstance(form, str) and form for form in forms)
