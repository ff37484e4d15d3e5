"""On a real Wayland desktop (headless sway, swaybar, mako): idle time, the icon, do-not-disturb."""

import socket
import struct
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from jeepney import DBusAddress, new_method_call
from PIL import Image
from support.daemon import running_daemon, write_config
from support.platforms import linux_only
from support.sni_client import SniClient
from support.waiting import wait_for
from support.wayland import WaylandDesktop, sway_desktop

from backcare_tray.adapters.idle import ProbeError
from backcare_tray.adapters.idle.wayland import WaylandIdleProbe

TEAL = (83, 157, 164)  # the base art's disc, as swaybar draws it


@pytest.fixture
def sway(tmp_path: Path) -> Iterator[WaylandDesktop]:
    """A headless sway with swaybar and mako."""
    with sway_desktop(tmp_path) as desktop:
        yield desktop


@pytest.mark.desktop
def test_the_wayland_probe_hears_idle_and_input(sway: WaylandDesktop) -> None:
    """Sway 1.7 offers KDE's idle protocol: idle counts after the wait, input resets it."""
    probe = WaylandIdleProbe(Path(sway.env["WAYLAND_DISPLAY"]), idle_after_ms=500)
    assert probe.idle_seconds() == 0.0
    assert probe.protocol == "org_kde_kwin_idle"
    wait_for(lambda: probe.idle_seconds() >= 0.5, 10, "the compositor to say idle")
    sway.swaymsg("seat seat0 cursor move 5 5")  # input on the seat
    wait_for(lambda: probe.idle_seconds() == 0.0, 10, "the compositor to say resumed")


@linux_only("a Wayland socket is AF_UNIX, which Windows Python has not")
def test_outside_wayland_the_probe_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No socket: a ProbeError naming the problem, so auto goes on to the next probe."""
    with pytest.raises(ProbeError, match="FileNotFoundError"):
        WaylandIdleProbe(tmp_path / "wayland-9").idle_seconds()
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    with pytest.raises(ProbeError, match="not a Wayland session"):
        WaylandIdleProbe().idle_seconds()


@pytest.mark.desktop
def test_on_sway_the_daemon_reads_idle_and_swaybar_shows_the_icon(sway: WaylandDesktop) -> None:
    """The daemon picks the wayland probe; swaybar lists the item and draws it by its name."""
    with running_daemon(sway, config=write_config(sway, "45m")) as daemon:
        assert sway.status()["idle_probe"] == "wayland"
        client = SniClient(sway.env["DBUS_SESSION_BUS_ADDRESS"])
        try:
            wait_for(lambda: client.find("backcare-tray"), 15, "swaybar's watcher to list the item")
        finally:
            client.close()

        def teal_in_bar() -> int:
            with Image.open(sway.screenshot(0, 0, 1024, 30)) as bar:
                pixels = bar.convert("RGB").tobytes()
            return sum(
                1
                for i in range(0, len(pixels), 3)
                if all(abs(pixels[i + c] - TEAL[c]) < 40 for c in range(3))
            )

        wait_for(lambda: teal_in_bar() > 20, 15, "swaybar to draw the icon")
    assert daemon.exit_code == 0


def set_mako_modes(desktop: WaylandDesktop, *modes: str) -> None:
    """Set mako's modes, as `makoctl mode -s` does."""
    mako = DBusAddress("/fr/emersion/Mako", "org.freedesktop.Notifications", "fr.emersion.Mako")
    client = SniClient(desktop.env["DBUS_SESSION_BUS_ADDRESS"])
    try:
        client.call(new_method_call(mako, "SetModes", "as", (list(modes),)))
    finally:
        client.close()


def mako_shown(desktop: WaylandDesktop) -> list[str]:
    """Return the summaries of the notifications mako shows."""
    mako = DBusAddress("/fr/emersion/Mako", "org.freedesktop.Notifications", "fr.emersion.Mako")
    client = SniClient(desktop.env["DBUS_SESSION_BUS_ADDRESS"])
    try:
        (notifications,) = client.call(new_method_call(mako, "ListNotifications"))
    finally:
        client.close()
    return [entry["summary"][1] for entry in notifications]


@pytest.mark.desktop
def test_makos_do_not_disturb_mode_holds_the_stretch_back(sway: WaylandDesktop) -> None:
    """In mako's do-not-disturb mode the due stretch waits; leaving it delivers the stretch."""
    set_mako_modes(sway, "default", "do-not-disturb")
    config = sway.home / "dnd.toml"
    config.write_text('[schedule]\nsitting_interval = "2s"\n[idle]\ncheck_every = "1s"\n')
    with running_daemon(sway, "--no-tray", config=config) as daemon:
        # status reads do-not-disturb when asked: wait for the stretch itself to fall due.
        wait_for(lambda: sway.status()["state"] == "due", 15, "the stretch to fall due")
        assert sway.status()["dnd"] is True
        assert mako_shown(sway) == []  # held back
        set_mako_modes(sway, "default")
        wait_for(lambda: mako_shown(sway), 10, "the stretch once do-not-disturb ends")
        assert mako_shown(sway)[0].startswith("Time to stretch")
    assert daemon.exit_code == 0


class StandInCompositor:
    """A socket speaking just enough Wayland to offer ext-idle-notify-v1 at a version."""

    def __init__(self, path: Path, version: int) -> None:
        self.version = version
        self.requests: list[tuple[int, int, bytes]] = []  # object, opcode, arguments
        self.idled = threading.Event()
        self.go = threading.Event()  # set by the test: send "idled" now
        self._server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._server.bind(str(path))
        self._server.listen(1)
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        connection, _ = self._server.accept()
        buffer = b""

        def send(object_id: int, opcode: int, arguments: bytes) -> None:
            connection.sendall(
                struct.pack("=II", object_id, (8 + len(arguments)) << 16 | opcode) + arguments
            )

        def text(value: str) -> bytes:
            data = value.encode() + b"\0"
            return struct.pack("=I", len(data)) + data + b"\0" * (-len(data) % 4)

        while len(self.requests) < 5:  # get_registry, sync, two binds, the notification
            while len(buffer) < 8 or len(buffer) < struct.unpack_from("=II", buffer)[1] >> 16:
                buffer += connection.recv(4096)
            object_id, word = struct.unpack_from("=II", buffer)
            size = word >> 16
            self.requests.append((object_id, word & 0xFFFF, buffer[8:size]))
            buffer = buffer[size:]
            if len(self.requests) == 2:  # after sync: the globals, then "done"
                send(2, 0, struct.pack("=I", 7) + text("wl_seat") + struct.pack("=I", 7))
                manager = text("ext_idle_notifier_v1")
                send(2, 0, struct.pack("=I", 8) + manager + struct.pack("=I", self.version))
                send(3, 0, struct.pack("=I", 0))
        self.go.wait(5)
        send(6, 0, b"")  # the notification: idled
        self.idled.set()
        connection.recv(4096)  # until the client goes

    def close(self) -> None:
        """Stop listening."""
        self._server.close()


@linux_only("a Wayland socket is AF_UNIX, which Windows Python has not")
@pytest.mark.parametrize(("version", "opcode"), [(1, 1), (2, 2)])
def test_ext_idle_notify_is_asked_for_input_idle_where_offered(
    tmp_path: Path, version: int, opcode: int
) -> None:
    """Version 2 offers input-only idle (not held off by inhibitors): asked for; else plain."""
    compositor = StandInCompositor(tmp_path / "wayland-0", version)
    try:
        probe = WaylandIdleProbe(tmp_path / "wayland-0", idle_after_ms=4000)
        assert probe.idle_seconds() == 0.0
        compositor.go.set()
        assert compositor.idled.wait(5)
        wait_for(lambda: probe.idle_seconds() >= 4.0, 5, "the idled event")
        object_id, sent_opcode, arguments = compositor.requests[-1]
        assert (object_id, sent_opcode) == (5, opcode)  # on the manager
        assert struct.unpack("=III", arguments) == (6, 4000, 4)  # id, timeout, then the seat
        bind = compositor.requests[3][2]
        assert struct.unpack_from("=I", bind, len(bind) - 8)[0] == version
        assert probe.protocol.endswith("(input only)") == (version == 2)
    finally:
        compositor.close()
