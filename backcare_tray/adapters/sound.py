"""Cues by ear: a chime or spoken words per moment, played by the system's own programs."""

# Every cue is a child process (or, on Windows, winsound's asynchronous PlaySound) started
# without waiting, so the daemon's loop is never held up; a failure is logged once and the
# routine goes on silently. A new cue cuts the one still sounding, so cues stay in time.
# Finished children are reaped on the next cue and in stop(): no thread watches them.
#
# Chimes are WAV files written once per kind and volume into the cache folder (the volume is
# in the samples, so the players play them at their own unity gain). Spoken cues take the
# volume as the speech program's option, and the language as its voice (`-v` for espeak-ng,
# `-l` for spd-say, a culture for Windows' System.Speech; macOS' say keeps its own voice).
#
# A problem is logged in English and shown (status, doctor) in the person's language: it is
# kept as its marked English message and its values, and translated when it is shown.

import logging
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from backcare_tray.adapters.helper_process import run_helper
from backcare_tray.chimes import CHIMES_VERSION
from backcare_tray.cues import CUE_KINDS, Cue, CueKind, CueMode
from backcare_tray.i18n import N_, _

__all__ = [
    "CHIME_PLAYERS",
    "VOICES",
    "Child",
    "SoundPlayer",
    "chime_command",
    "chime_file_name",
    "server_reachable",
    "sound_report",
    "spawn_quietly",
    "voice_command",
]

log = logging.getLogger(__name__)


class Child(Protocol):
    """A started player: subprocess.Popen, or a test's stand-in."""

    def poll(self) -> int | None:
        """Return the exit status once it has ended (reaping it), else None."""
        ...

    def terminate(self) -> None:
        """Ask it to end."""
        ...

    def kill(self) -> None:
        """Make it end."""
        ...

    def wait(self, timeout: float | None = None) -> int:
        """Wait for it to end and return its exit status."""
        ...


Which = Callable[[str], str | None]
# Whether a player's sound server is there to take its sound (pw-play needs PipeWire's).
Reachable = Callable[[str], bool]
# Starts a program (its arguments, and variables to add to the environment) without waiting.
Spawn = Callable[[Sequence[str], Mapping[str, str]], Child]
# Plays a WAV file without waiting, or stops what it plays when given None (Windows).
PlayAsync = Callable[[str | None], None]

# The players of chimes and the speech programs, first found wins, per family of systems.
CHIME_PLAYERS = {
    "linux": ("pw-play", "paplay", "canberra-gtk-play", "aplay"),
    "darwin": ("afplay",),
    "win32": ("winsound",),  # the standard library's, always there
}
VOICES = {
    "linux": ("spd-say", "espeak-ng", "espeak"),
    "darwin": ("say",),
    "win32": ("powershell",),
}
# What to install for chimes and for a voice, marked here and translated where shown.
_INSTALL = {
    "linux": (N_("pulseaudio-utils or pipewire-bin"), "espeak-ng"),
    "darwin": (N_("afplay (it comes with macOS)"), N_("say (it comes with macOS)")),
    "win32": ("-", "Windows PowerShell"),
}
STOP_WAIT = 0.5  # seconds stop() waits, in all, for the cut players to end
CHIME_HELPER = "backcare_tray.adapters.write_chimes"
HELPER_TIMEOUT = 30.0  # seconds: writing the six chimes takes about a tenth
WORDS_VARIABLE = "BACKCARE_TRAY_WORDS"  # how the words reach PowerShell: never in its command
LANGUAGE_VARIABLE = "BACKCARE_TRAY_LANGUAGE"
# Windows PowerShell's System.Speech, reading the words and the language from the environment;
# only the volume, a number this module formats, is written into the command itself.
POWERSHELL_SPEECH = (
    "Add-Type -AssemblyName System.Speech; "
    "$s = New-Object System.Speech.Synthesis.SpeechSynthesizer; "
    "try {{ $s.SelectVoiceByHints([System.Speech.Synthesis.VoiceGender]::NotSet, "
    "[System.Speech.Synthesis.VoiceAge]::NotSet, 0, "
    "[System.Globalization.CultureInfo]::new($env:" + LANGUAGE_VARIABLE + ")) }} catch {{ }}; "
    "$s.Volume = {volume}; "
    "$s.Speak($env:" + WORDS_VARIABLE + ")"
)
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8})*")


def chime_file_name(kind: str, volume: int, version: int) -> str:
    """Return the file name of a chime of a kind at a volume."""
    return f"cue-{kind}-{volume}-v{version}.wav"


def _family(platform: str) -> str:
    """Return the family of systems the platform's programs are chosen from."""
    return platform if platform in ("win32", "darwin") else "linux"  # the BSDs as Linux


def server_reachable(name: str, env: Mapping[str, str] = os.environ) -> bool:
    """Return False for pw-play when no PipeWire server listens (paplay may still be heard).

    pw-play is installed on many systems whose sound server is PulseAudio, where it only
    fails; it reaches PipeWire through PIPEWIRE_REMOTE or the runtime folder's pipewire-0.
    """
    if name != "pw-play" or env.get("PIPEWIRE_REMOTE"):
        return True
    runtime = env.get("XDG_RUNTIME_DIR")
    return runtime is not None and Path(runtime, "pipewire-0").exists()


def _anywhere(name: str) -> bool:
    """Take every player as able to play (what tests with stand-in players want)."""
    return True


def _find(
    names: Sequence[str], which: Which, reachable: Reachable = _anywhere
) -> tuple[str, str] | None:
    """Return the first program found whose server is there (its name and path), or None."""
    for name in names:
        if name == "winsound":
            return name, name
        path = which(name)
        if path and reachable(name):
            return name, path
    return None


def chime_command(name: str, path: str, wav: str) -> list[str]:
    """Return the command line that plays a WAV file with this player."""
    if name == "canberra-gtk-play":
        return [path, "-f", wav]
    if name == "aplay":
        return [path, "-q", wav]
    return [path, wav]  # pw-play, paplay, afplay


def voice_command(
    name: str, path: str, words: str, volume: int, language: str
) -> tuple[list[str], dict[str, str]]:
    """Return the command line that speaks words, and what it needs added to its environment."""
    if name == "spd-say":
        # spd-say hands its text to a printf-style call: a % would be read as a format.
        text = words.replace("%", "%%")
        tag = language.replace("_", "-")
        return [path, "-i", str(volume * 2 - 100), "-l", tag, "--", text], {}
    if name == "say":
        # say has no volume option; its embedded command sets it (0..1) for the words after.
        return [path, f"[[volm {volume / 100:.2f}]] {words}"], {}
    if name == "powershell":
        script = POWERSHELL_SPEECH.format(volume=int(volume))
        command = [path, "-NoProfile", "-NonInteractive", "-Command", script]
        return command, {WORDS_VARIABLE: words, LANGUAGE_VARIABLE: language}
    # espeak-ng, espeak: amplitude 0..200 (100 is theirs by default), voice by language.
    voice = language.lower().replace("_", "-")
    return [path, "-a", str(volume * 2), "-v", voice, "-z", "--", words], {}


def spawn_quietly(args: Sequence[str], extra_env: Mapping[str, str]) -> Child:
    """Start a program in its own session with no input or output, without waiting for it."""
    env = {**os.environ, **extra_env} if extra_env else None
    flags = 0
    if sys.platform == "win32":
        flags = subprocess.CREATE_NO_WINDOW  # no console window flashing up for PowerShell
    return subprocess.Popen(
        list(args),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        env=env,
        creationflags=flags,
    )


def _winsound_play(path: str | None) -> None:
    """Play a WAV file with winsound without waiting, or stop it (None)."""
    if sys.platform == "win32":
        import winsound

        if path is None:
            winsound.PlaySound(None, 0)
        else:
            flags = winsound.SND_FILENAME | winsound.SND_ASYNC | winsound.SND_NODEFAULT
            winsound.PlaySound(path, flags)


def _whole_wav(path: str) -> bool:
    """Return True when a file is a WAV file whose RIFF size matches its length (not cut short)."""
    try:
        with open(path, "rb") as file:
            head = file.read(12)
            size = os.fstat(file.fileno()).st_size
    except OSError:
        return False
    return (
        len(head) == 12
        and head[:4] == b"RIFF"
        and head[8:] == b"WAVE"
        and int.from_bytes(head[4:8], "little") + 8 == size
        and size > 44
    )


@dataclass(frozen=True)
class _Problem:
    """A problem to say: its English message (marked with N_) and the values it names."""

    message: str
    values: tuple[tuple[str, str], ...] = ()
    install: str = ""  # what to install, a marked message itself (its placeholder {install})

    def english(self) -> str:
        """Return the problem in English, for the log."""
        return self.message.format(**dict(self.values), install=self.install)

    def shown(self) -> str:
        """Return the problem in the language in use, for status."""
        return _(self.message).format(**dict(self.values), install=_install(self.install))


def _problem(message: str, install: str = "", **values: object) -> _Problem:
    """Return a problem from its marked message and the values it names."""
    named = tuple((name, str(value)) for name, value in values.items())
    return _Problem(message, named, install)


def _failure(error: BaseException) -> str:
    """Return an unexpected error as its type and message."""
    return f"{type(error).__name__}: {error}"


def _install(text: str) -> str:
    """Return what to install, in the language in use ("-" and program names stay)."""
    return _(text) if text not in ("", "-") else text  # _("") would be the catalog's header


@dataclass
class _Playing:
    """A cue's player process and whether this module cut it (so its exit is no failure)."""

    name: str
    child: Child
    cut: bool = False


class SoundPlayer:
    """Gives cues by ear without ever waiting or raising; a new cue cuts the one sounding."""

    def __init__(
        self,
        cache: Path,
        platform: str = sys.platform,
        which: Which = shutil.which,
        spawn: Spawn = spawn_quietly,
        play_async: PlayAsync | None = None,
        reachable: Reachable = _anywhere,
    ) -> None:
        self._cache = cache
        self._family = _family(platform)
        self._which = which
        self._reachable = reachable
        self._spawn = spawn
        self._play_async = play_async or _winsound_play
        self._playing: list[_Playing] = []
        self._async_sounding = False  # winsound may be playing a chime
        self._found: dict[str, tuple[str, str] | None] = {}
        self._written: set[str] = set()
        self._making: set[int] = set()  # volumes whose chimes a helper is making now
        self._helpers: list[tuple[int, Child]] = []
        self._said: set[str] = set()
        self._problem: _Problem | None = None

    def play(self, cue: Cue, mode: CueMode, volume: int, language: str = "en") -> None:
        """Give one cue as a chime or spoken words (off: nothing); never waits, never raises."""
        try:
            self._reap()
            if mode == "off":
                return
            self._cut()
            volume = max(0, min(100, int(volume)))
            if volume == 0:
                return
            wants_words = mode == "voice" and bool(cue.words.strip())
            if not (wants_words and self._speak(cue.words, volume, language)):
                self._chime(cue.kind, volume)  # also when there is no voice
            self._reap()  # the cut cue has usually ended by now
        except Exception as error:  # a cue is never worth the daemon: say so once
            problem = _problem(
                N_("cannot give the {kind} cue ({error})"), kind=cue.kind, error=_failure(error)
            )
            self._warn("play", problem)

    def silence(self) -> None:
        """End any cue still sounding without waiting (reap() collects it later)."""
        try:
            self._cut()
        except Exception as error:
            self._warn(
                "stop", _problem(N_("cannot stop the cues ({error})"), error=_failure(error))
            )

    def reap(self) -> None:
        """Collect the players (and helpers) that have ended, so none is left a zombie."""
        try:
            self._reap()
        except Exception as error:
            problem = _problem(N_("cannot collect the players ({error})"), error=_failure(error))
            self._warn("reap", problem)

    def stop(self) -> None:
        """End any cue still sounding, and reap what has ended (waiting a moment at most)."""
        try:
            self._cut()
            self._reap(wait=STOP_WAIT)
        except Exception as error:
            self._warn(
                "stop", _problem(N_("cannot stop the cues ({error})"), error=_failure(error))
            )

    def describe(self) -> dict[str, Any]:
        """Return the player, the voice and the latest problem, for status and bug reports."""
        player = self._program("chime")
        voice = self._program("voice")
        problem = self._problem
        if problem is None and player is None:
            problem = self._no_player()
        elif problem is None and voice is None:
            problem = self._no_voice()
        return {
            "player": player[0] if player else None,
            "voice": voice[0] if voice else None,
            "problem": None if problem is None else problem.shown(),
        }

    def _program(self, role: str) -> tuple[str, str] | None:
        """Return the chime player or the voice found (looked up once)."""
        if role not in self._found:
            table = CHIME_PLAYERS if role == "chime" else VOICES
            self._found[role] = _find(table[self._family], self._which, self._reachable)
        return self._found[role]

    def _speak(self, words: str, volume: int, language: str) -> bool:
        """Start speaking the words; return False when there is no voice (the chime instead)."""
        voice = self._program("voice")
        if voice is None:
            self._warn("no voice", self._no_voice())
            return False
        if not _LANGUAGE.fullmatch(language):
            problem = _problem(
                N_("{language} is not a language code; cues speak English"),
                language=repr(language),
            )
            self._warn("language", problem)
            language = "en"
        args, extra_env = voice_command(*voice, words, volume, language)
        self._start(voice[0], args, extra_env)
        return True

    def _chime(self, kind: CueKind, volume: int) -> None:
        """Start playing the chime of this kind at this volume."""
        player = self._program("chime")
        if player is None:
            self._warn("no player", self._no_player())
            return
        wav = self._chime_file(kind, volume)
        if wav is None:
            return
        if player[0] == "winsound":
            self._play_async(wav)
            self._async_sounding = True
            return
        self._start(player[0], chime_command(*player, wav), {})

    def prepare(self, volume: int) -> None:
        """Have every chime at this volume written by a helper process; slow, so off the loop."""
        volume = max(0, min(100, int(volume)))
        names = [chime_file_name(kind, volume, CHIMES_VERSION) for kind in CUE_KINDS]
        if volume == 0 or all(_whole_wav(os.path.join(self._cache, n)) for n in names):
            return
        arguments = [str(self._cache), str(volume)]
        try:
            run_helper(CHIME_HELPER, arguments, HELPER_TIMEOUT, "the chimes' helper")
        except OSError as error:
            self._warn("helper", _problem(N_("cannot write the chimes: {error}"), error=error))

    def _chime_file(self, kind: CueKind, volume: int) -> str | None:
        """Return the path of the chime's WAV file; None (and have it made) while it is not."""
        # Never synthesised here: that would leave the daemon 2.7 MiB larger for good. A chime
        # asked for before prepare() made it (a reminder at start, a new volume) is skipped,
        # and a helper makes the set in the background.
        name = chime_file_name(kind, volume, CHIMES_VERSION)
        path = os.path.join(self._cache, name)
        if path in self._written:
            return path
        if not _whole_wav(path):
            self._make_in_background(volume)
            return None
        self._written.add(path)
        return path

    def _make_in_background(self, volume: int) -> None:
        """Start the chimes' helper for a volume without waiting (once at a time)."""
        if volume in self._making:
            return
        self._making.add(volume)
        command = [sys.executable, "-P", "-m", CHIME_HELPER, str(self._cache), str(volume)]
        log.debug("The %d%% chimes are not made yet; making them now.", volume)
        try:
            self._helpers.append((volume, self._spawn(command, {})))
        except OSError as error:
            problem = _problem(N_("cannot start the chimes' helper ({error})"), error=error)
            self._warn("helper", problem)

    def _start(self, name: str, args: list[str], extra_env: Mapping[str, str]) -> None:
        """Start a player, or say once why it cannot start."""
        try:
            self._playing.append(_Playing(name, self._spawn(args, extra_env)))
        except OSError as error:
            problem = _problem(
                N_("cannot start {program} ({error}); cues are silent"), program=name, error=error
            )
            self._warn(f"start {name}", problem)

    def _cut(self) -> None:
        """Ask every cue still sounding to end."""
        for playing in self._playing:
            if not playing.cut and playing.child.poll() is None:
                playing.child.terminate()
                playing.cut = True
        if self._async_sounding:
            self._async_sounding = False
            self._play_async(None)

    def _reap(self, wait: float = 0.0) -> None:
        """Collect the players that have ended (waiting up to `wait` s in all for cut ones)."""
        deadline = time.monotonic() + wait
        left = []
        for playing in self._playing:
            status = playing.child.poll()
            if status is None and playing.cut and wait > 0:
                status = self._end(playing.child, max(0.01, deadline - time.monotonic()))
            if status is None:
                left.append(playing)
            elif status > 0 and not playing.cut:
                problem = _problem(
                    N_("{program} ended with status {status}: a cue may not have been heard"),
                    program=playing.name,
                    status=status,
                )
                self._warn(f"exit {playing.name}", problem)
        self._playing = left
        for volume, helper in list(self._helpers):
            if helper.poll() is not None:  # made (or failed: tried again at the next cue)
                self._helpers.remove((volume, helper))
                self._making.discard(volume)

    @staticmethod
    def _end(child: Child, wait: float) -> int | None:
        """Wait a moment for a cut child to end, killing it if it will not; its status or None."""
        try:
            return child.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            child.kill()
        try:
            return child.wait(timeout=0.1)
        except subprocess.TimeoutExpired:
            return None  # reaped by a later cue

    def _no_player(self) -> _Problem:
        """Return the problem of having no player of chimes."""
        message = N_("no sound player found (install {install}); cues are silent")
        return _problem(message, install=_INSTALL[self._family][0])

    def _no_voice(self) -> _Problem:
        """Return the problem of having no speech program."""
        message = N_("no voice found (install {install} for spoken cues); cues are chimes")
        return _problem(message, install=_INSTALL[self._family][1])

    def _warn(self, key: str, problem: _Problem) -> None:
        """Log a problem once per kind (in English), and keep it for describe()."""
        self._problem = problem
        if key not in self._said:
            self._said.add(key)
            log.warning("Sound: %s", problem.english())


def sound_report(
    platform: str = sys.platform, which: Which = shutil.which, reachable: Reachable = _anywhere
) -> list[str]:
    """Return what gives cues here, as lines for the doctor."""
    family = _family(platform)
    player = _find(CHIME_PLAYERS[family], which, reachable)
    voice = _find(VOICES[family], which)
    sound_install, voice_install = (_install(text) for text in _INSTALL[family])
    if player:
        # Translators: a doctor line: the program that plays the chimes
        sound = _("sound: {program}").format(program=player[0])
    else:
        sound = _("sound: none - install {install} for chimes").format(install=sound_install)
    if voice:
        # Translators: a doctor line: the program that speaks the cues
        spoken = _("voice: {program}").format(program=voice[0])
    else:
        text = _("voice: none - install {install} for spoken cues")
        spoken = text.format(install=voice_install)
    return [sound, spoken]
