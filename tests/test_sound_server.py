"""Which chime player is used: pw-play only where a PipeWire server listens."""

from collections.abc import Callable
from pathlib import Path

from backcare_tray.adapters.sound import SoundPlayer, server_reachable, sound_report


def which_of(*names: str) -> Callable[[str], str | None]:
    """Return a `which` that finds these programs in /usr/bin."""
    return lambda name: f"/usr/bin/{name}" if name in names else None


def test_pw_play_needs_a_pipewire_socket_or_remote(tmp_path: Path) -> None:
    """The runtime folder's pipewire-0, or PIPEWIRE_REMOTE, is what pw-play reaches."""
    runtime = tmp_path / "runtime"
    runtime.mkdir()
    session = {"XDG_RUNTIME_DIR": str(runtime)}
    assert not server_reachable("pw-play", session)
    assert server_reachable("pw-play", {**session, "PIPEWIRE_REMOTE": "pipewire-1"})
    (runtime / "pipewire-0").touch()
    assert server_reachable("pw-play", session)
    assert not server_reachable("pw-play", {})  # no runtime folder: no PipeWire to find
    assert server_reachable("paplay", {})  # the others are not judged here


def test_on_pulseaudio_with_pw_play_installed_paplay_plays(tmp_path: Path) -> None:
    """pw-play installed but no PipeWire running: paplay is chosen, for cues and the doctor."""
    which = which_of("pw-play", "paplay")
    no_pipewire = {"XDG_RUNTIME_DIR": str(tmp_path)}

    def reachable(name: str) -> bool:
        return server_reachable(name, no_pipewire)

    player = SoundPlayer(tmp_path / "sounds", "linux", which, reachable=reachable)
    assert player.describe()["player"] == "paplay"
    assert sound_report("linux", which, reachable)[0] == "sound: paplay"
    (tmp_path / "pipewire-0").touch()
    assert SoundPlayer(tmp_path / "s2", "linux", which, reachable=reachable).describe()[
        "player"
    ] == ("pw-play")
