"""The person's language: which one, from the desktop or the config, and its message catalog."""

# Messages are translated with the standard library's gettext from the catalogs the package
# carries (backcare_tray/locale/<language>/LC_MESSAGES/backcare-tray.mo, compiled from the .po
# files when the package is built). Text kept in tables is marked with N_() where it is
# written and translated with _() where it is shown, so the catalog is read at the moment of
# use and a language chosen after import still applies.

import gettext
import logging
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "DOMAIN",
    "N_",
    "Language",
    "_",
    "available_languages",
    "choose_language",
    "config_language",
    "current",
    "desktop_languages",
    "from_environment",
    "ngettext",
    "pgettext",
    "speak_as_configured",
    "use_language",
]

log = logging.getLogger(__name__)

DOMAIN = "backcare-tray"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
# The order the desktop's variables are read in, as gettext reads them on Linux.
ENVIRONMENT = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def N_(message: str) -> str:
    """Mark a message for the catalog where it is written; _() translates it where shown."""
    return message


@dataclass(frozen=True)
class Language:
    """The language in use, where it came from, and what was asked for and not found."""

    code: str  # "de", "pt_BR", or "en"
    source: str  # "[general] language", "LANG", ... (marked for the catalog: _() shows it)
    unknown: tuple[str, ...] = ()  # asked for, with no catalog


def available_languages() -> tuple[str, ...]:
    """Return English and every language whose catalog the package carries."""
    try:
        found = [
            entry.name
            for entry in os.scandir(LOCALE_DIR)
            if os.path.exists(os.path.join(entry.path, "LC_MESSAGES", f"{DOMAIN}.mo"))
        ]
    except OSError:
        found = []
    return ("en", *sorted(found))


def _normal(tag: str) -> str:
    """Return a locale or language tag as a catalog name: "de_DE.UTF-8" -> "de_DE"."""
    tag = tag.split(".")[0].split("@")[0].replace("-", "_")
    language, _sep, region = tag.partition("_")
    return f"{language.lower()}_{region.upper()}" if region else language.lower()


def _catalog_for(tag: str, languages: Sequence[str]) -> str | None:
    """Return the catalog that serves a tag: the exact one, else its language's."""
    normal = _normal(tag)
    if normal in languages:
        return normal
    language = normal.split("_")[0]
    if language in languages:
        return language
    regional = sorted(code for code in languages if code.split("_")[0] == language)
    return regional[0] if regional else None


def choose_language(
    override: str | None,
    environ: Mapping[str, str],
    ui_languages: Sequence[str] = (),
    languages: Sequence[str] | None = None,
) -> Language:
    """Return the language to speak: the config's, else the desktop's first known, else English."""
    if languages is None:
        languages = available_languages()
    asked: list[tuple[str, str]] = []
    if override and override != "auto":
        asked.append((override, N_("[general] language")))
    for name in ENVIRONMENT:
        value = environ.get(name, "")
        if value:
            # LANGUAGE lists several, most wanted first; C and POSIX mean no translation.
            asked.extend((tag, name) for tag in value.split(":") if tag)
            break
    asked.extend((tag, N_("the desktop's display language")) for tag in ui_languages)
    unknown: list[str] = []
    for tag, source in asked:
        if _normal(tag) in ("c", "posix"):
            return Language("en", source, tuple(unknown))
        found = _catalog_for(tag, languages)
        if found is not None:
            return Language(found, source, tuple(unknown))
        unknown.append(tag)
    return Language("en", N_("the default"), tuple(unknown))


def desktop_languages(platform: str = sys.platform) -> list[str]:
    """Return the display languages Windows or macOS is set to, most wanted first."""
    if platform == "win32":
        return _windows_languages()
    if platform == "darwin":
        return _macos_languages()
    return []


def _windows_languages() -> list[str]:
    """Return Windows' user interface language (GetUserDefaultUILanguage) as a tag."""
    try:
        import ctypes
        import locale

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined,unused-ignore]
        language_id = kernel32.GetUserDefaultUILanguage()
        tag = locale.windows_locale.get(language_id)
    except (AttributeError, OSError):
        return []
    return [tag] if tag else []


def _macos_languages() -> list[str]:
    """Return macOS's preferred languages (`defaults read -g AppleLanguages`)."""
    import subprocess

    try:
        done = subprocess.run(
            ["defaults", "read", "-g", "AppleLanguages"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return []
    return [
        line.strip().strip('",')
        for line in done.stdout.splitlines()
        if line.strip() not in ("(", ")", "")
    ]


_translation: gettext.NullTranslations = gettext.NullTranslations()
_current = Language("en", N_("the default"))


def use_language(language: Language, locale_dir: Path = LOCALE_DIR) -> None:
    """Speak a language from now on; say once in the log what was asked for and not found."""
    global _translation, _current
    if language.unknown:
        log.info(
            "No catalog for %s: speaking %s (%s).",
            ", ".join(language.unknown),
            language.code,
            language.source,
        )
    if language.code == "en":
        _translation = gettext.NullTranslations()
    else:
        try:
            from backcare_tray.catalog_file import read_catalog

            path = locale_dir / language.code / "LC_MESSAGES" / f"{DOMAIN}.mo"
            _translation = read_catalog(path)
        except (OSError, ValueError) as problem:
            log.warning(
                "The %s catalog cannot be read (%s): speaking English.", language.code, problem
            )
            _translation = gettext.NullTranslations()
            language = Language("en", language.source, (*language.unknown, language.code))
    _current = language


def current() -> Language:
    """Return the language in use."""
    return _current


def _(message: str) -> str:
    """Return a message in the language in use."""
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """Return the singular or plural of a message for a count, in the language in use."""
    return _translation.ngettext(singular, plural, count)


def pgettext(context: str, message: str) -> str:
    """Return a message in the language in use, told apart from its namesakes by a context."""
    return _translation.pgettext(context, message)


def from_environment(override: str | None = None) -> Language:
    """Return the language for this process: the config's, else the desktop's."""
    return choose_language(override, os.environ, desktop_languages())


def config_language(path: Path) -> str | None:
    """Return a config file's [general] language, None when it sets none or cannot be read.

    For commands that read no settings: the loader reports a broken file where it reads it.
    """
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    general = data.get("general")
    language = general.get("language") if isinstance(general, dict) else None
    return language if isinstance(language, str) else None


def speak_as_configured(config: Path) -> Language:
    """Choose and use this process's language from a config file and the desktop."""
    language = from_environment(config_language(config))
    use_language(language)
    return language
