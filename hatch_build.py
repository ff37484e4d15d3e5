"""Build hook: compile the message catalogs (.po) into the .mo files gettext reads."""

import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

LOCALE = Path("backcare_tray") / "locale"
DOMAIN = "backcare-tray"


class CatalogsHook(BuildHookInterface):  # type: ignore[misc]
    """Compile every backcare_tray/locale/<language>/LC_MESSAGES/*.po with Babel."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        """Write each catalog's .mo into a temporary folder and add it to the wheel."""
        from babel.messages.pofile import read_po

        root = Path(self.root)
        sys.path.insert(0, str(root))  # the package's own writer: keys in byte order
        from backcare_tray.messages import write_mo

        compiled = Path(tempfile.mkdtemp(prefix="backcare-tray-catalogs-"))
        for source in sorted((root / LOCALE).glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
            language = source.parent.parent.name
            with open(source, "rb") as handle:
                catalog = read_po(handle, locale=language, domain=DOMAIN)
            target = compiled / f"{language}.mo"
            with open(target, "wb") as handle:
                write_mo(handle, catalog)
            where = LOCALE / language / "LC_MESSAGES" / f"{DOMAIN}.mo"
            build_data["force_include"][str(target)] = where.as_posix()
