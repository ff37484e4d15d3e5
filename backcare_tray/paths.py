"""Where backcare-tray keeps its files, per platform (via platformdirs)."""

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

__all__ = [
    "APP",
    "CONFIG_ENV",
    "AppPaths",
    "NoHome",
    "app_icon_path",
    "app_paths",
    "resolve_config_path",
    "shipped_path",
]

APP = "backcare-tray"
CONFIG_ENV = "BACKCARE_TRAY_CONFIG"


@dataclass(frozen=True)
class AppPaths:
    """The files and folders of one user's backcare-tray."""

    config: Path
    state: Path
    history: Path
    log: Path
    cache: Path
    # The runtime folder (socket and lock) is not here: adapters/runtime_dir.py finds it, by
    # one rule for the daemon and the command line, making and checking it on the way.


def resolve_config_path(*, cli_value: str | None, env_value: str | None, default: Path) -> Path:
    """Return the config path: --config wins, then the environment, then the default."""
    if cli_value:
        return Path(cli_value).expanduser()
    if env_value:
        return Path(env_value).expanduser()
    return default


class NoHome(Exception):
    """No home directory is known, so there is nowhere of the user's own to keep files."""


def app_paths(config_override: str | None = None) -> AppPaths:
    """Return this user's paths, honouring --config and BACKCARE_TRAY_CONFIG."""
    if os.name == "posix" and not os.environ.get("HOME"):
        # Without HOME, the fallbacks can point at another user's folders: say so instead.
        from backcare_tray.i18n import _

        raise NoHome(
            _(
                "{variable} is not set, so there is no home directory to keep the config, state "
                "and history in; set {variable} to your home directory"
            ).format(variable="HOME")
        )
    dirs = platformdirs.PlatformDirs(APP, appauthor=False)
    config = resolve_config_path(
        cli_value=config_override,
        env_value=os.environ.get(CONFIG_ENV),
        default=Path(dirs.user_config_dir) / "config.toml",
    )
    return AppPaths(
        config=config,
        state=Path(dirs.user_state_dir) / "state.json",
        history=Path(dirs.user_data_dir) / "history.sqlite3",
        log=Path(dirs.user_log_dir) / "backcare-tray.log",
        cache=Path(dirs.user_cache_dir),
    )


def shipped_path(name: str) -> Path:
    """Return a file shipped beside the package: in the wheel, or at the top of a checkout."""
    packaged = Path(__file__).resolve().parent / name
    return packaged if packaged.exists() else Path(__file__).resolve().parent.parent / name


def app_icon_path() -> Path:
    """Return the full-size application icon (the base art of the tray icon)."""
    return shipped_path("icons") / "backcare.png"
