"""Small message catalogs written by a test and compiled as the build compiles them."""

from pathlib import Path

__all__ = ["compiled_catalog"]


def compiled_catalog(folder: Path, language: str, po_text: str) -> Path:
    """Write po_text as folder/<language>/LC_MESSAGES/backcare-tray.po, compile it; folder."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    messages = folder / language / "LC_MESSAGES"
    messages.mkdir(parents=True)
    (messages / "backcare-tray.po").write_text(po_text, encoding="utf-8")
    with (
        open(messages / "backcare-tray.po", "rb") as source,
        open(messages / "backcare-tray.mo", "wb") as target,
    ):
        write_mo(target, read_po(source))
    return folder
