"""Read the user's config file; never change it (only create it, from the example, if missing)."""

import tomllib
from pathlib import Path

from backcare_tray.i18n import _
from backcare_tray.paths import shipped_path
from backcare_tray.settings import Settings, settings_from_mapping
from backcare_tray.validation import InvalidValue, InvalidValues

__all__ = ["ConfigError", "config_or_example", "example_config_text", "load_settings"]


class ConfigError(Exception):
    """The config file cannot be used; the message names the file, the key and the value."""


def load_settings(path: Path, *, required: bool = False) -> Settings:
    """Return the settings in path; a missing file gives the defaults unless required."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if required:
            raise ConfigError(_("{path}: no such file").format(path=path)) from None
        return Settings()
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(
            _("{path}: cannot be read: {error}").format(path=path, error=error)
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(
            _("{path}: not valid TOML: {error}").format(path=path, error=error)
        ) from None
    try:
        return settings_from_mapping(data, path.parent)
    except InvalidValues as error:
        lines = [_in_file(path, problem) for problem in error.problems]
        raise ConfigError("\n".join(lines)) from None
    except InvalidValue as error:
        raise ConfigError(_in_file(path, error)) from None


def _in_file(path: Path, problem: InvalidValue) -> str:
    """Return a config problem as a line that names the file, the key and the value."""
    # Translators: a config error: the file's name, the key and its problem, the file's path.
    return _("{file}: {problem} (in {path})").format(file=path.name, problem=problem, path=path)


def example_config_text() -> str:
    """Return the documented example config that ships with the package."""
    return shipped_path("config.example.toml").read_text(encoding="utf-8")


def config_or_example(path: Path) -> Path:
    """Return path, first creating it from the example config if it does not exist."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "x", encoding="utf-8") as handle:
            handle.write(example_config_text())
    except FileExistsError:
        pass
    return path
