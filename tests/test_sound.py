"""Cues by ear: which program plays them per platform, and the real sound on a real PulseAudio."""

import array
import functools
import logging
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

import pytest
from support.platforms import linux_only
from support.pulse import LOUD, RATE, PulseSink, Recording, pulse_sink
from support.waiting import wait_for

from backcare_tray.adapters.sound import (
    LANGUAGE_VARIABLE,
    WORDS_VARIABLE,
    Child,
    SoundPlayer,
    chime_file_name,
    sound_report,
    spawn_quietly,
)
from backcare_tray.chimes import CHIMES_VERSION, chime_wav
from backcare_tray.cues import CUE_KINDS, Cue, CueKind, CueMode

HOLD = Cue("hold", "Hold for 20 seconds")


class FakeChild:
    """A player that sounds until it is told to end, or ends with the status it is given."""

    def __init__(self, args: Sequence[str], env: Mapping[str, str]) -> None:
        self.args = list(args)
        self.env = dict(env)
        self.status: int | None = None
        self.terminated = False
        self.reaped = False

    def poll(self) -> int | None:
        """Return the status once ended (and note that it was collected)."""
        self.reaped = self.status is not None
        return self.status

    def terminate(self) -> None:
        """End, as SIGTERM would."""
        self.terminated = True
        self.status = -15

    def kill(self) -> None:
        """End, as SIGKILL would."""
        self.status = -9

    def wait(self, timeout: float | None = None) -> int:
        """Return the status (a fake ends at once)."""
        assert self.status is not None
        return self.status


class Spawner:
    """Records every program started; raises instead when told to."""

    def __init__(self, error: OSError | None = None) -> None:
        self.children: list[FakeChild] = []
        self.error = error

    def __call__(self, args: Sequence[str], env: Mapping[str, str]) -> Child:
        """Start (record) a program."""
        if self.error is not None:
            raise self.error
        child = FakeChild(args, env)
        self.children.append(child)
        return child

    def commands(self) -> list[list[str]]:
        """Return the command lines started, oldest first."""
        return [child.args for child in self.children]


class WhichOf:
    """A program lookup that finds only some names, and records what it was asked."""

    def __init__(self, names: Sequence[str]) -> None:
        self.names = set(names)
        self.asked: list[str] = []

    def __call__(self, name: str) -> str | None:
        """Return /usr/bin/name for a known name."""
        self.asked.append(name)
        return f"/usr/bin/{name}" if name in self.names else None


def which_of(*names: str) -> WhichOf:
    """Return a program lookup that finds only these names, in /usr/bin."""
    return WhichOf(names)


VOLUMES = (1, 30, 35, 40, 45, 50, 60, 70, 80, 100)  # the volumes these tests play at


@functools.cache
def made_chimes() -> Path:
    """Return a folder holding every chime at the tests' volumes, as prepare() leaves it."""
    folder = Path(tempfile.mkdtemp(prefix="chimes-"))
    for volume in VOLUMES:
        for kind in CUE_KINDS:
            (folder / chime_file_name(kind, volume, CHIMES_VERSION)).write_bytes(
                chime_wav(kind, volume)
            )
    return folder


def player(
    tmp_path: Path,
    platform: str,
    *names: str,
    spawner: Spawner | None = None,
    prepared: bool = True,
) -> tuple[SoundPlayer, Spawner]:
    """Return a player on this platform that finds only these programs, and its spawner."""
    spawn = spawner or Spawner()
    if prepared:  # as the daemon's prepare() leaves the cache
        shutil.copytree(
            made_chimes(), tmp_path / "sounds", dirs_exist_ok=True, copy_function=shutil.copyfile
        )
    return SoundPlayer(tmp_path / "sounds", platform, which_of(*names), spawn), spawn


def warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Return the warnings logged."""
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


def chime_path(tmp_path: Path, kind: CueKind, volume: int) -> str:
    """Return where the player keeps a chime."""
    return str(tmp_path / "sounds" / f"cue-{kind}-{volume}-v{CHIMES_VERSION}.wav")


@pytest.mark.parametrize(
    ("found", "command"),
    [
        (("pw-play", "paplay", "canberra-gtk-play", "aplay"), ["/usr/bin/pw-play"]),
        (("paplay", "canberra-gtk-play", "aplay"), ["/usr/bin/paplay"]),
        (("canberra-gtk-play", "aplay"), ["/usr/bin/canberra-gtk-play", "-f"]),
        (("aplay",), ["/usr/bin/aplay", "-q"]),
    ],
)
def test_linux_chimes_go_to_the_first_player_found(
    tmp_path: Path, found: tuple[str, ...], command: list[str]
) -> None:
    """pw-play, then paplay, canberra-gtk-play -f, aplay: each given the chime's file."""
    sound, spawner = player(tmp_path, "linux", *found)
    sound.play(HOLD, "chime", 70)
    assert spawner.commands() == [[*command, chime_path(tmp_path, "hold", 70)]]
    assert Path(chime_path(tmp_path, "hold", 70)).read_bytes() == chime_wav("hold", 70)
    assert sound.describe() == {
        "player": found[0],
        "voice": None,
        "problem": "no voice found (install espeak-ng for spoken cues); cues are chimes",
    }


def test_a_missing_chime_is_made_by_a_helper_in_the_background_never_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not made yet (a cue before prepare, a new volume): skipped, and the helper started once."""

    def synthesised_here(kind: CueKind, volume: int) -> bytes:
        raise AssertionError("a chime was synthesised in the daemon's process")

    monkeypatch.setattr("backcare_tray.chimes.chime_wav", synthesised_here)
    sound, spawner = player(tmp_path, "linux", "paplay", prepared=False)
    sound.play(HOLD, "chime", 70)
    sound.play(HOLD, "chime", 70)  # the helper is still at work: not started twice
    helper = [sys.executable, "-P", "-m", "backcare_tray.adapters.write_chimes"]
    assert spawner.commands() == [[*helper, str(tmp_path / "sounds"), "70"]]
    assert not (tmp_path / "sounds" / chime_file_name("hold", 70, CHIMES_VERSION)).exists()
    spawner.children[-1].status = 0  # the helper is done (here: a stand-in, so no file)
    sound.play(HOLD, "chime", 70)  # still missing: asked for again
    assert len(spawner.commands()) == 2


def test_prepare_has_a_helper_process_write_every_chime_so_play_synthesises_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """After prepare (a real helper process) the daemon only plays files; a second is a no-op."""
    sound, spawner = player(tmp_path, "linux", "paplay", prepared=False)
    sound.prepare(45)
    for kind in CUE_KINDS:
        assert Path(chime_path(tmp_path, kind, 45)).read_bytes() == chime_wav(kind, 45)

    def synthesised_here(kind: CueKind, volume: int) -> bytes:
        raise AssertionError("a chime was synthesised in the daemon's process")

    monkeypatch.setattr("backcare_tray.chimes.chime_wav", synthesised_here)
    with caplog.at_level(logging.WARNING):
        for kind in CUE_KINDS:
            sound.play(Cue(kind, ""), "chime", 45)
    assert not warnings(caplog)
    assert [c[-1] for c in spawner.commands()] == [chime_path(tmp_path, k, 45) for k in CUE_KINDS]
    first = Path(chime_path(tmp_path, "due", 45)).stat().st_mtime_ns
    sound.prepare(45)  # all there: no helper run, nothing rewritten
    assert Path(chime_path(tmp_path, "due", 45)).stat().st_mtime_ns == first


def test_a_new_cue_cuts_the_one_still_sounding_and_off_does_nothing(tmp_path: Path) -> None:
    """The first player is ended when the next cue starts; mode off starts and ends nothing."""
    sound, spawner = player(tmp_path, "linux", "paplay")
    sound.play(Cue("start", ""), "chime", 60)
    sound.play(HOLD, "off", 60)
    assert len(spawner.children) == 1 and not spawner.children[0].terminated
    sound.play(HOLD, "chime", 60)
    first, second = spawner.children
    assert first.terminated and not second.terminated
    second.status = 0  # it ended by itself: not cut again
    sound.play(Cue("release", ""), "chime", 60)
    assert not second.terminated
    sound.stop()
    assert spawner.children[2].terminated


@pytest.mark.parametrize("mode", ["chime", "voice"])
def test_the_cut_cue_is_reaped_before_play_returns(tmp_path: Path, mode: CueMode) -> None:
    """A cut player that has ended is collected at once, whichever way the next cue goes."""
    sound, spawner = player(tmp_path, "linux", "paplay", "espeak-ng")
    sound.play(Cue("start", ""), "chime", 60)
    sound.play(HOLD, mode, 60)
    first, second = spawner.children
    assert first.terminated and first.reaped
    assert second.args[0] == ("/usr/bin/paplay" if mode == "chime" else "/usr/bin/espeak-ng")


def test_volume_0_plays_nothing_but_still_cuts(tmp_path: Path) -> None:
    """At volume 0 no program starts (the chime would be silence); the previous cue ends."""
    sound, spawner = player(tmp_path, "linux", "paplay", "espeak-ng")
    sound.play(HOLD, "chime", 60)
    sound.play(HOLD, "voice", 0)
    sound.play(HOLD, "chime", -3)
    assert len(spawner.children) == 1 and spawner.children[0].terminated


def test_no_player_is_said_once_and_the_routine_goes_on(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Without any player: one warning naming what to install, no exception, nothing started."""
    sound, spawner = player(tmp_path, "linux")
    with caplog.at_level(logging.WARNING):
        for kind in ("start", "hold", "release"):
            sound.play(Cue(kind, ""), "chime", 60)
    message = "no sound player found (install pulseaudio-utils or pipewire-bin); cues are silent"
    assert warnings(caplog) == [f"Sound: {message}"]
    assert spawner.children == []
    assert sound.describe() == {"player": None, "voice": None, "problem": message}


@pytest.mark.parametrize(
    ("found", "command"),
    [
        (
            ("spd-say", "espeak-ng", "espeak"),
            ["/usr/bin/spd-say", "-i", "40", "-l", "en", "--", "Hold for 20 seconds"],
        ),
        (
            ("espeak-ng", "espeak"),
            ["/usr/bin/espeak-ng", "-a", "140", "-v", "en", "-z", "--", "Hold for 20 seconds"],
        ),
        (
            ("espeak",),
            ["/usr/bin/espeak", "-a", "140", "-v", "en", "-z", "--", "Hold for 20 seconds"],
        ),
    ],
)
def test_linux_voice_uses_the_first_speech_program_found(
    tmp_path: Path, found: tuple[str, ...], command: list[str]
) -> None:
    """spd-say (volume -100..100, -l), then espeak-ng and espeak (amplitude 0..200, -v)."""
    sound, spawner = player(tmp_path, "linux", "paplay", *found)
    sound.play(HOLD, "voice", 70)
    assert spawner.commands() == [command]
    assert sound.describe()["voice"] == found[0]


def test_voice_volume_and_language_are_mapped_to_each_program(tmp_path: Path) -> None:
    """The ends of the volume range, a regional language, and words that look like options."""
    spd, spd_spawner = player(tmp_path, "linux", "spd-say")
    espeak, espeak_spawner = player(tmp_path, "linux", "espeak-ng")
    for sound in (spd, espeak):
        sound.play(Cue("hold", "-h --help"), "voice", 100, "de_DE")
        sound.play(Cue("hold", "50 % done"), "voice", 1, "en-GB")
    assert spd_spawner.commands() == [
        ["/usr/bin/spd-say", "-i", "100", "-l", "de-DE", "--", "-h --help"],
        ["/usr/bin/spd-say", "-i", "-98", "-l", "en-GB", "--", "50 %% done"],  # % is a format
    ]
    assert espeak_spawner.commands() == [
        ["/usr/bin/espeak-ng", "-a", "200", "-v", "de-de", "-z", "--", "-h --help"],
        ["/usr/bin/espeak-ng", "-a", "2", "-v", "en-gb", "-z", "--", "50 % done"],
    ]


def test_an_odd_language_is_said_once_and_english_spoken(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A language that is no language code never reaches the speech program."""
    sound, spawner = player(tmp_path, "linux", "espeak-ng")
    with caplog.at_level(logging.WARNING):
        sound.play(HOLD, "voice", 50, "en; rm -rf")
        sound.play(HOLD, "voice", 50, "../../x")
    assert [c[4] for c in spawner.commands()] == ["en", "en"]
    assert len(warnings(caplog)) == 1 and "not a language code" in warnings(caplog)[0]


def test_voice_without_a_speech_program_falls_back_to_the_chime_once_said(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """No spd-say nor espeak: the chime instead, with one warning naming espeak-ng."""
    sound, spawner = player(tmp_path, "linux", "paplay")
    with caplog.at_level(logging.WARNING):
        sound.play(HOLD, "voice", 60)
        sound.play(Cue("release", "Release"), "voice", 60)
    assert spawner.commands() == [
        ["/usr/bin/paplay", chime_path(tmp_path, "hold", 60)],
        ["/usr/bin/paplay", chime_path(tmp_path, "release", 60)],
    ]
    message = "no voice found (install espeak-ng for spoken cues); cues are chimes"
    assert warnings(caplog) == [f"Sound: {message}"]
    assert sound.describe() == {"player": "paplay", "voice": None, "problem": message}


def test_a_cue_without_words_is_a_chime_even_in_voice_mode(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Empty (or blank) words: the chime, and nothing to warn about."""
    sound, spawner = player(tmp_path, "linux", "paplay", "espeak-ng")
    with caplog.at_level(logging.WARNING):
        sound.play(Cue("switch", ""), "voice", 60)
        sound.play(Cue("done", "  "), "voice", 60)
    assert [c[0] for c in spawner.commands()] == ["/usr/bin/paplay", "/usr/bin/paplay"]
    assert warnings(caplog) == []


def test_windows_chimes_play_through_winsound_and_a_new_cue_stops_them(tmp_path: Path) -> None:
    """The file goes to winsound (it plays asynchronously), then None to stop it."""
    played: list[str | None] = []
    spawner = Spawner()
    # as prepare() leaves it (copyfile: Wine has no CopyFile2, which copy2 calls)
    shutil.copytree(made_chimes(), tmp_path / "sounds", copy_function=shutil.copyfile)
    sound = SoundPlayer(tmp_path / "sounds", "win32", which_of(), spawner, played.append)
    sound.play(HOLD, "chime", 80)
    sound.play(Cue("release", ""), "chime", 80)
    sound.stop()
    sound.stop()
    hold, release = chime_path(tmp_path, "hold", 80), chime_path(tmp_path, "release", 80)
    assert played == [hold, None, release, None]
    assert spawner.children == []
    assert sound.describe()["player"] == "winsound"


def test_windows_speaks_through_powershell_with_the_words_never_in_its_command(
    tmp_path: Path,
) -> None:
    """PowerShell's System.Speech reads the words from its environment: quotes stay words."""
    played: list[str | None] = []
    spawner = Spawner()
    sound = SoundPlayer(
        tmp_path / "sounds", "win32", which_of("powershell"), spawner, played.append
    )
    hostile = 'Don\'t "stop"; $(Remove-Item -Recurse C:\\) `whoami` & exit'
    sound.play(Cue("hold", hostile), "voice", 35, "de-DE")
    sound.play(Cue("hold", "Hold"), "voice", 35, "de-DE")
    first, second = spawner.children
    assert first.args == second.args  # the words change nothing in the command line
    assert first.args[:4] == ["/usr/bin/powershell", "-NoProfile", "-NonInteractive", "-Command"]
    script = first.args[4]
    assert "$s.Volume = 35;" in script and "System.Speech" in script
    assert "Remove-Item" not in script and "Hold" not in script and '"' not in script
    assert first.env == {WORDS_VARIABLE: hostile, LANGUAGE_VARIABLE: "de-DE"}
    assert second.env[WORDS_VARIABLE] == "Hold"
    assert first.terminated and not second.terminated  # the new cue cut the first
    assert sound.describe() == {"player": "winsound", "voice": "powershell", "problem": None}


def test_macos_plays_with_afplay_and_speaks_with_say(tmp_path: Path) -> None:
    """The file goes to afplay; say gets its volume as an embedded command before the words."""
    sound, spawner = player(tmp_path, "darwin", "afplay", "say")
    sound.play(HOLD, "chime", 40)
    sound.play(Cue("release", "-Release"), "voice", 40, "fr")
    assert spawner.commands() == [
        ["/usr/bin/afplay", chime_path(tmp_path, "hold", 40)],
        ["/usr/bin/say", "[[volm 0.40]] -Release"],
    ]


def test_a_player_that_cannot_start_is_said_once_and_never_raises(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """An OSError from starting it, or a cache that cannot be written: a warning, no exception."""
    broken = Spawner(PermissionError(13, "Permission denied"))
    sound, _ = player(tmp_path, "linux", "paplay", spawner=broken)
    with caplog.at_level(logging.WARNING):
        sound.play(HOLD, "chime", 60)
        sound.play(HOLD, "chime", 60)
    assert len(warnings(caplog)) == 1 and "cannot start paplay" in warnings(caplog)[0]
    caplog.clear()
    (tmp_path / "file").write_text("not a folder")
    blocked = SoundPlayer(tmp_path / "file" / "sounds", "linux", which_of("paplay"), Spawner())
    with caplog.at_level(logging.WARNING):
        blocked.prepare(60)  # the real helper cannot write there
        blocked.prepare(60)
    assert len(warnings(caplog)) == 1 and "cannot write the chimes" in warnings(caplog)[0]
    assert "cannot write the chimes" in blocked.describe()["problem"]


def test_a_player_that_fails_is_said_once_when_it_is_reaped(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A player ending with an error status (no sound server, say) is logged on the next cue."""
    sound, spawner = player(tmp_path, "linux", "paplay")
    with caplog.at_level(logging.WARNING):
        for _ in range(3):
            sound.play(HOLD, "chime", 60)
            spawner.children[-1].status = 1
        sound.stop()
    assert warnings(caplog) == ["Sound: paplay ended with status 1: a cue may not have been heard"]


@pytest.mark.parametrize(
    ("platform", "found", "lines"),
    [
        ("linux", ("paplay", "espeak-ng"), ["sound: paplay", "voice: espeak-ng"]),
        ("linux", ("aplay", "spd-say", "espeak-ng"), ["sound: aplay", "voice: spd-say"]),
        (
            "linux",
            (),
            [
                "sound: none - install pulseaudio-utils or pipewire-bin for chimes",
                "voice: none - install espeak-ng for spoken cues",
            ],
        ),
        (
            "freebsd14",
            ("pw-play",),
            ["sound: pw-play", "voice: none - install espeak-ng for spoken cues"],
        ),
        ("win32", ("powershell",), ["sound: winsound", "voice: powershell"]),
        ("darwin", ("afplay", "say"), ["sound: afplay", "voice: say"]),
    ],
)
def test_the_doctor_report_names_the_programs_or_what_to_install(
    platform: str, found: tuple[str, ...], lines: list[str]
) -> None:
    """One line for chimes, one for the voice."""
    assert sound_report(platform, which_of(*found)) == lines


def test_programs_are_looked_up_once(tmp_path: Path) -> None:
    """The lookup runs at the first cue, not at every one."""
    which = which_of("paplay", "espeak-ng")
    sound = SoundPlayer(tmp_path / "sounds", "linux", which, Spawner())
    assert which.asked == []
    for _ in range(5):
        sound.play(HOLD, "voice", 60)
        sound.play(HOLD, "chime", 60)
    assert sorted(set(which.asked)) == sorted(which.asked)


def fake_player(tmp_path: Path, name: str, body: str) -> Path:
    """Write a stand-in player script run by this interpreter; return its folder."""
    folder = tmp_path / "bin"
    folder.mkdir(exist_ok=True)
    script = folder / name
    script.write_text(f"#!{sys.executable}\nimport sys, time\n{body}\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return folder


@linux_only("players run by their #! line in a session of their own (os.getsid, SIGTERM)")
def test_real_players_are_cut_and_reaped_leaving_no_zombie(tmp_path: Path) -> None:
    """Real child processes, in their own session: the cut one is ended, stop() reaps all."""
    folder = fake_player(tmp_path, "paplay", "time.sleep(60)")
    fake_player(tmp_path, "espeak-ng", "time.sleep(60)")
    started: list[subprocess.Popen[bytes]] = []

    def spawn(args: Sequence[str], env: Mapping[str, str]) -> Child:
        child = spawn_quietly(args, env)
        assert isinstance(child, subprocess.Popen)
        started.append(child)
        return child

    def which(name: str) -> str | None:
        return shutil.which(name, path=str(folder))

    # as prepare() leaves it (copyfile: Wine has no CopyFile2, which copy2 calls)
    shutil.copytree(made_chimes(), tmp_path / "sounds", copy_function=shutil.copyfile)
    sound = SoundPlayer(tmp_path / "sounds", "linux", which, spawn)
    sound.play(HOLD, "chime", 60)
    (first,) = started
    assert os.getsid(first.pid) == first.pid  # its own session, away from the daemon's signals
    sound.play(Cue("release", "Release"), "voice", 60)
    _, second = started
    assert "espeak-ng" in str(second.args)
    wait_for(lambda: first.poll() is not None, 10, "the cut player to end")
    assert first.returncode == -signal.SIGTERM
    assert second.poll() is None
    began = time.monotonic()
    sound.stop()
    assert time.monotonic() - began < 1.0
    assert second.returncode == -signal.SIGTERM  # reaped by stop() itself
    for child in started:
        with pytest.raises(ChildProcessError):
            os.waitpid(child.pid, os.WNOHANG)  # nothing left to reap: no zombie


def test_play_returns_at_once_while_the_player_sounds(tmp_path: Path) -> None:
    """play() never waits for the sound, however long the player runs."""
    folder = fake_player(tmp_path, "espeak-ng", "time.sleep(60)")
    sound = SoundPlayer(
        tmp_path / "sounds", "linux", lambda name: shutil.which(name, path=str(folder))
    )
    sound.play(HOLD, "chime", 60)  # no player: silence, said once
    began = time.monotonic()
    sound.play(HOLD, "voice", 60)
    took = time.monotonic() - began
    sound.stop()
    assert took < 0.2, took


# The real thing: a private PulseAudio whose output is recorded.


def test_the_private_sound_server_refuses_a_test_without_the_desktop_marker(
    tmp_path: Path,
) -> None:
    """pulse_sink starts pulseaudio, so an unmarked test is stopped before anything starts."""
    with (
        pytest.raises(AssertionError, match="starts pulseaudio: mark it"),
        pulse_sink(tmp_path),
    ):
        pass
    assert list(tmp_path.iterdir()) == []


def test_the_recording_finds_sound_and_silence_by_arrival_time() -> None:
    """The recording's helpers: first loud chunk after a moment, peaks, a quiet stretch."""
    quiet, loud = array.array("h", [0, 5, -7]), array.array("h", [0, 900, -1200])
    recording = Recording(RATE, ((1.0, quiet), (1.1, loud), (1.2, quiet), (1.5, quiet)))
    assert recording.first_sound_after(0.0) == 1.1
    assert recording.first_sound_after(1.15) is None
    assert recording.first_sound_after(0.0, threshold=1500) is None
    assert (recording.peak(0.0), recording.peak(1.15), recording.peak(1.0, 1.05)) == (1200, 7, 7)
    assert recording.quiet_for(0.3) and not recording.quiet_for(0.45)
    assert not recording.quiet_for(1.0)  # not recorded that long
    assert recording.last_arrival() == 1.5 and recording.seconds() == 12 / RATE


CHIME_LATENCY = 0.3  # seconds from play() to the sound reaching the sound server's output
LONG = (
    "Stand tall, lift both arms above your head, and reach up slowly while you keep "
    "breathing calmly, then let your shoulders sink and count to ten."
)


@pytest.fixture
def sink(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[PulseSink]:
    """A private PulseAudio, whose output this process's children play into."""
    with pulse_sink(tmp_path) as running:
        for name, value in running.env.items():
            monkeypatch.setenv(name, value)
        yield running


def pulse_players(*names: str) -> Callable[[str], str | None]:
    """Find only these programs (those that play into PulseAudio), where they really are."""
    return lambda name: shutil.which(name) if name in names else None


def require_espeak() -> None:
    """Fail, never skip, when espeak-ng is missing: the test packages install it."""
    if shutil.which("espeak-ng") is None:
        pytest.fail("the voice tests need espeak-ng; run `make test` to install the test packages")


@pytest.mark.desktop
def test_chimes_reach_the_sound_server_within_0_3_s(
    sink: PulseSink, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each cue's chime is heard on the output soon after play(), one after the other."""
    # as prepare() leaves it (copyfile: Wine has no CopyFile2, which copy2 calls)
    shutil.copytree(made_chimes(), tmp_path / "sounds", copy_function=shutil.copyfile)
    sound = SoundPlayer(tmp_path / "sounds", which=pulse_players("paplay"))
    latencies = {}
    try:
        for kind in ("start", "hold", "release", "switch", "done", "due"):
            sink.wait_for_quiet()
            called = time.monotonic()
            sound.play(Cue(kind, ""), "chime", 60)
            latencies[kind] = sink.wait_for_sound_after(called, timeout=5) - called
    finally:
        sound.stop()
    with capsys.disabled():
        print("\nchime latency (paplay):", {k: f"{v * 1000:.0f} ms" for k, v in latencies.items()})
    assert max(latencies.values()) < CHIME_LATENCY, latencies
    assert sound.describe()["player"] == "paplay"


@pytest.mark.desktop
def test_mode_off_stays_silent(sink: PulseSink, tmp_path: Path) -> None:
    """Mode off plays nothing: a second of silence on the output after each cue."""
    # as prepare() leaves it (copyfile: Wine has no CopyFile2, which copy2 calls)
    shutil.copytree(made_chimes(), tmp_path / "sounds", copy_function=shutil.copyfile)
    sound = SoundPlayer(tmp_path / "sounds", which=pulse_players("paplay", "espeak-ng"))
    sink.wait_for_quiet()
    called = time.monotonic()
    for kind in ("start", "hold", "done"):
        sound.play(Cue(kind, "Hold"), "off", 100)
    recording = sink.wait_until(called + 1.0)
    assert recording.peak(called) <= LOUD
    sound.play(Cue("hold", ""), "chime", 100)  # the same output does carry a cue
    sink.wait_for_sound_after(called + 1.0, timeout=5)
    sound.stop()


@pytest.mark.desktop
def test_a_spoken_cue_reaches_the_sound_server_within_0_3_s(
    sink: PulseSink, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """espeak-ng speaks the words into the output (no chime player here to mistake it for)."""
    require_espeak()
    # as prepare() leaves it (copyfile: Wine has no CopyFile2, which copy2 calls)
    shutil.copytree(made_chimes(), tmp_path / "sounds", copy_function=shutil.copyfile)
    sound = SoundPlayer(tmp_path / "sounds", which=pulse_players("espeak-ng"))
    latencies = []
    try:
        for words in ("Hold", "Release", "Switch sides"):
            sink.wait_for_quiet()
            called = time.monotonic()
            sound.play(Cue("hold", words), "voice", 60)
            latencies.append(sink.wait_for_sound_after(called, timeout=5) - called)
    finally:
        sound.stop()
    with capsys.disabled():
        print("\nvoice latency (espeak-ng):", [f"{v * 1000:.0f} ms" for v in latencies])
    assert max(latencies) < CHIME_LATENCY, latencies
    assert sound.describe()["voice"] == "espeak-ng"


@pytest.mark.desktop
def test_a_second_cue_cuts_a_long_first_one(sink: PulseSink, tmp_path: Path) -> None:
    """A long sentence is cut by the next cue's chime: silence after the chime, not more words."""
    require_espeak()
    # as prepare() leaves it (copyfile: Wine has no CopyFile2, which copy2 calls)
    shutil.copytree(made_chimes(), tmp_path / "sounds", copy_function=shutil.copyfile)
    sound = SoundPlayer(tmp_path / "sounds", which=pulse_players("paplay", "espeak-ng"))
    try:
        sink.wait_for_quiet()
        began = time.monotonic()
        sound.play(Cue("start", LONG), "voice", 60)
        sink.wait_for_sound_after(began, timeout=5)
        sink.wait_until(began + 1.0)
        cut = time.monotonic()
        assert sink.recording().peak(cut - 0.3) > LOUD  # still speaking when the cut comes
        sound.play(Cue("release", ""), "chime", 60)
        recording = sink.wait_until(cut + 3.0)
    finally:
        sound.stop()
    # The release chime lasts 0.75 s; the sentence would have gone on for seconds more.
    assert recording.first_sound_after(cut) is not None
    assert recording.peak(cut + 1.2, cut + 3.0) <= LOUD
