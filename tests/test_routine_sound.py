"""A routine's cues heard on a real sound server, in time with the updates they belong to."""

import pytest
from support.daemon import running_daemon
from support.desktop import Desktop
from support.notification_service import NotifyCall, RecordingNotificationServer
from support.pulse import PulseSink
from support.waiting import wait_for

pytestmark = pytest.mark.desktop

IN_TIME = 0.3  # seconds: a cue is heard within this of its update, either way
CONFIG = """\
[schedule]
sitting_interval = "2s"
remind_every = "0s"

[sound]
cues = "{cues}"
due_sound = {due_sound}

[guide]
window = false

[rotation]
exercises = ["quick-stretch"]

[[exercises]]
id = "quick-stretch"
name = "Quick stretch"
summary = "A short stretch for tests."
steps = ["Reach up with one arm.", "Lower it slowly."]
hold_step = 1
hold_seconds = 2
reps = 1
sides = ["left arm", "right arm"]
"""


def run_routine(
    desktop: Desktop, sink: PulseSink, cues: str, due_sound: bool
) -> tuple[list[NotifyCall], list[NotifyCall]]:
    """Run the quick routine from its due notification; return the due call and each step's."""
    config = desktop.home / "sound.toml"
    config.write_text(CONFIG.format(cues=cues, due_sound=str(due_sound).lower()))
    server = RecordingNotificationServer(with_actions=True)
    try:
        with running_daemon(desktop, config=config):
            due = wait_for(lambda: server.calls(), 20, "the due notification")
            server.click("default")
            counted = wait_for(
                lambda: [c for c in server.calls() if c.summary == "Stretch counted"],
                30,
                "the routine to end",
            )
            sink.wait_until(counted[0].at + 1.0)  # the last cue is heard before the daemon quits
            calls = server.calls()
    finally:
        server.close()
    steps, first_lines = [], set()
    for call in calls[1:]:  # the first update of each step: its first line changes
        key = (call.summary, call.body.split(" - ")[0])
        if key not in first_lines:
            first_lines.add(key)
            steps.append(call)
    return due[:1], steps


def test_every_cue_is_heard_in_time_with_its_update(sound_stage: tuple[Desktop, PulseSink]) -> None:
    """Due, hold, other arm, hold, done: each chime arrives within 0.3 s of its update."""
    desktop, sink = sound_stage
    due, steps = run_routine(desktop, sink, "chime", due_sound=True)
    kinds = [c.summary for c in steps]
    assert kinds == [
        "Quick stretch: Left arm, 1 of 1",
        "Quick stretch: Right arm",  # release, other arm
        "Quick stretch: Right arm, 1 of 1",
        "Stretch counted",
    ]
    recording = sink.wait_until(steps[-1].at + 1.0)
    for call in due + steps:
        heard = recording.first_sound_after(call.at - IN_TIME)
        assert heard is not None, f"no cue for {call.summary!r}"
        late = heard - call.at
        print(f"{call.summary!r}: heard {late * 1000:+.0f} ms after its update")
        assert abs(late) <= IN_TIME, (call.summary, late)


def test_voice_speaks_the_cues_in_time(sound_stage: tuple[Desktop, PulseSink]) -> None:
    """Spoken cues ("Left arm. Hold.") arrive within 0.3 s of their update too."""
    desktop, sink = sound_stage
    _, steps = run_routine(desktop, sink, "voice", due_sound=False)
    recording = sink.wait_until(steps[-1].at + 1.0)
    for call in steps:
        heard = recording.first_sound_after(call.at - IN_TIME)
        assert heard is not None and abs(heard - call.at) <= IN_TIME, call.summary


def test_cues_off_and_no_due_sound_record_silence(sound_stage: tuple[Desktop, PulseSink]) -> None:
    """Nothing is played at all, from the due notification to the end of the routine."""
    desktop, sink = sound_stage
    due, steps = run_routine(desktop, sink, "off", due_sound=False)
    recording = sink.wait_until(steps[-1].at + 1.0)
    assert recording.peak(due[0].at - 1.0) == 0
