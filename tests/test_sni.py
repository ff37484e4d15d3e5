"""The tray on a real StatusNotifierItem host: xfce4-panel's watcher, its menu and its icon."""

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from jeepney import DBusAddress
from PIL import Image, ImageChops, ImageGrab
from support.daemon import running_daemon, write_config
from support.desktop import Desktop, start_xfce_panel, virtual_desktop
from support.sni_client import SniClient
from support.waiting import wait_for

from backcare_tray.art import DISC

# Every test runs xfce4-panel on a virtual desktop.
pytestmark = pytest.mark.desktop

PANEL_HEIGHT = 32  # as the test desktop's panel config sets it
BARE_VENV = Path(__file__).resolve().parents[1] / ".venv-bare"


@contextmanager
def xfce_desktop(tmp_path: Path) -> Iterator[tuple[Desktop, SniClient]]:
    """Run a virtual desktop with xfce4-panel's tray and a client on its bus."""
    with virtual_desktop(tmp_path, notification_server=False, tray="xfce4-panel") as desktop:
        client = SniClient(desktop.env["DBUS_SESSION_BUS_ADDRESS"])
        try:
            yield desktop, client
        finally:
            client.close()


def our_item(client: SniClient) -> DBusAddress:
    """Wait for the daemon's item to be registered with the watcher and return it."""
    return wait_for(lambda: client.find("backcare-tray"), 20, "the item to register")


def panel_strip(desktop: Desktop) -> Image.Image:
    """Return a screenshot of the panel along the top of the screen."""
    screen = ImageGrab.grab(xdisplay=desktop.env["DISPLAY"])
    return screen.crop((0, 0, screen.width, PANEL_HEIGHT)).convert("RGB")


def pixels_near(image: Image.Image, colour: tuple[int, ...], tolerance: int = 40) -> int:
    """Return how many pixels are within tolerance of colour in every channel."""
    pixels = image.tobytes()
    return sum(
        1
        for offset in range(0, len(pixels), 3)
        if all(abs(pixels[offset + i] - colour[i]) <= tolerance for i in range(3))
    )


def icon_centre(desktop: Desktop) -> tuple[int, int] | None:
    """Return the middle of what the panel shows besides its background (its only plugin)."""
    strip = panel_strip(desktop)
    background = Image.new("RGB", strip.size, strip.getpixel((strip.width - 2, PANEL_HEIGHT // 2)))
    box = ImageChops.difference(strip, background).getbbox()
    if box is None or box[2] - box[0] < 8:
        return None
    return (box[0] + box[2]) // 2, (box[1] + box[3]) // 2


def maps_gtk(pid: int) -> bool:
    """Return True when a process has GTK mapped."""
    return "libgtk-3" in Path(f"/proc/{pid}/maps").read_text()


def maps_pillow(pid: int) -> bool:
    """Return True when a process has Pillow's drawing library mapped."""
    return "PIL/_imaging" in Path(f"/proc/{pid}/maps").read_text()


def test_the_item_registers_and_exports_its_icon_and_menu(tmp_path: Path) -> None:
    """xfce4-panel's watcher lists the item; its properties, icon files and menu are right."""
    with xfce_desktop(tmp_path) as (desktop, client):
        with running_daemon(desktop, config=write_config(desktop, "45m")) as daemon:
            item = our_item(client)
            properties = client.properties(item)
            status_line = desktop.run("status").stdout.splitlines()[0]
            assert properties["Title"] == status_line
            assert tuple(properties["ToolTip"][2:]) == ("backcare-tray", status_line)
            assert properties["Status"] == "Active"
            assert properties["ItemIsMenu"] is False
            sizes = {width for width, height, argb in properties["IconPixmap"]}
            assert {16, 22, 32, 64} <= sizes
            for width, height, argb in properties["IconPixmap"]:
                assert len(argb) == width * height * 4
                middle = (height // 2 * width + width // 2) * 4
                assert argb[middle] == 255  # alpha comes first: the disc's middle is opaque
            theme = Path(properties["IconThemePath"])
            name = properties["IconName"]
            with Image.open(theme / f"{name}.png") as flat:
                assert flat.size == (64, 64)
            assert (theme / "hicolor" / "22x22" / "apps" / f"{name}.png").is_file()

            _, root = client.layout(item)
            labels = [entry.label for entry in root.children]
            assert labels[0].startswith("Next stretch at") and not root.children[0].enabled
            assert root.named("Start Hamstring stretch").enabled
            snooze = root.named("Snooze")
            assert snooze.properties["children-display"] == "submenu" and snooze.children
            assert not snooze.enabled  # nothing to snooze while working
            assert any(entry.properties.get("type") == "separator" for entry in root.children)
            assert labels[-1] == "Quit"
            assert not maps_gtk(daemon.pid)  # no GTK where a StatusNotifierItem host is
            assert not maps_pillow(daemon.pid)  # a helper process drew the pictures
        assert daemon.exit_code == 0
        wait_for(lambda: client.find("backcare-tray") is None, 10, "the item to leave")


def test_a_menu_click_answers_and_the_panel_shows_the_new_icon(tmp_path: Path) -> None:
    """Event "clicked" on Start starts the stretch; the panel then draws the green countdown."""
    green = DISC["stretching"]
    with xfce_desktop(tmp_path) as (desktop, client):
        with running_daemon(desktop, config=write_config(desktop, "45m")) as daemon:
            item = our_item(client)
            wait_for(lambda: icon_centre(desktop), 15, "the panel to draw the icon")
            assert pixels_near(panel_strip(desktop), green) == 0
            revision, root = client.layout(item)
            client.click(item, root.named("Start").id)
            wait_for(lambda: desktop.status()["state"] == "stretching", 10, "the stretch to start")
            wait_for(lambda: pixels_near(panel_strip(desktop), green) > 40, 10, "the green icon")
            new_revision, new_root = client.layout(item)
            assert new_revision > revision  # the menu changed shape: hosts were told
            assert new_root.named("Stop").enabled
            assert client.properties(item)["Title"].startswith("Hamstring stretch")
            assert not maps_pillow(daemon.pid)  # the countdown's pictures were drawn apart too
        assert daemon.exit_code == 0


def test_a_due_stretch_asks_for_attention_and_snoozes_from_the_menu(tmp_path: Path) -> None:
    """Due: Status NeedsAttention; Snooze > 5 min from the exported menu; Status Active."""
    with xfce_desktop(tmp_path) as (desktop, client):
        with running_daemon(desktop, config=write_config(desktop, "3s")) as daemon:
            item = our_item(client)
            wait_for(lambda: client.properties(item)["Status"] == "NeedsAttention", 15, "attention")
            assert desktop.status()["state"] == "due"
            _, root = client.layout(item)
            client.click(item, root.named("Snooze").named("5 min").id)
            wait_for(lambda: desktop.status()["state"] == "snoozed", 10, "the snooze")
            wait_for(lambda: client.properties(item)["Status"] == "Active", 10, "no more attention")
        assert daemon.exit_code == 0


def test_the_panels_own_menu_starts_the_stretch(tmp_path: Path) -> None:
    """A right click on the icon opens xfce's rendering of the menu; its first item starts."""
    with xfce_desktop(tmp_path) as (desktop, client):
        with running_daemon(desktop, config=write_config(desktop, "45m")) as daemon:
            our_item(client)
            centre = wait_for(lambda: icon_centre(desktop), 15, "the panel to draw the icon")
            assert centre is not None
            x, y = centre
            desktop.tool("xdotool", "mousemove", str(x), str(y), "click", "3")
            wait_for(lambda: menu_is_open(desktop), 10, "the panel's menu")
            desktop.tool("xdotool", "key", "Down", "Return")  # the first item that can be chosen
            wait_for(lambda: desktop.status()["state"] == "stretching", 10, "the stretch to start")
        assert daemon.exit_code == 0


def menu_is_open(desktop: Desktop) -> bool:
    """Return True when a popup taller than a tooltip is mapped (the panel's menu)."""
    from Xlib import X, display

    connection = display.Display(desktop.env["DISPLAY"])
    try:
        for window in connection.screen().root.query_tree().children:
            attributes = window.get_attributes()
            popup = attributes.map_state == X.IsViewable and attributes.override_redirect
            if popup and window.get_geometry().height > 150:
                return True
        return False
    finally:
        connection.close()


def test_the_item_registers_again_when_the_panel_restarts(tmp_path: Path) -> None:
    """The panel quits and comes back: the item is in the new watcher's list."""
    with xfce_desktop(tmp_path) as (desktop, client):
        with running_daemon(desktop, config=write_config(desktop, "45m")) as daemon:
            our_item(client)
            panel = next(p for p in desktop.processes if "xfce4-panel" in str(p.args))
            panel.terminate()
            panel.wait(timeout=10)
            wait_for(lambda: not client.registered(), 10, "the watcher to go")
            start_xfce_panel(desktop, tmp_path / "xfce4-panel-again.log")
            our_item(client)
            wait_for(lambda: icon_centre(desktop), 15, "the new panel to draw the icon")
            log = (desktop.home / "daemon.log").read_text()
            assert "The tray host went away" in log
        assert daemon.exit_code == 0


def test_installed_without_system_packages_it_still_has_its_icon(tmp_path: Path) -> None:
    """A venv with no system site packages (as pipx makes) has no gi, and still an icon."""
    command = BARE_VENV / "bin" / "backcare-tray"
    assert command.exists(), "make test installs the package into .venv-bare"
    no_gi = subprocess.run(
        [str(BARE_VENV / "bin" / "python"), "-c", "import gi"], capture_output=True, check=False
    )
    assert no_gi.returncode != 0  # truly without GTK bindings
    with xfce_desktop(tmp_path) as (desktop, client):
        config = write_config(desktop, "45m")
        with running_daemon(
            desktop, config=config, log_name="bare.log", command=str(command)
        ) as daemon:
            item = our_item(client)
            pixmaps = client.properties(item)["IconPixmap"]
            assert pixmaps and all(len(argb) == w * h * 4 for w, h, argb in pixmaps)
            wait_for(lambda: icon_centre(desktop), 15, "the panel to draw the icon")
            assert not maps_gtk(daemon.pid) and not maps_pillow(daemon.pid)
            assert "Tray icon uses the sni backend" in daemon.log_text()
        assert daemon.exit_code == 0


def test_a_panel_that_starts_just_after_the_daemon_gets_the_item(tmp_path: Path) -> None:
    """At login the daemon may win the race: it waits for the watcher instead of using GTK."""
    with xfce_desktop(tmp_path) as (desktop, client):
        panel = next(p for p in desktop.processes if "xfce4-panel" in str(p.args))
        panel.terminate()
        panel.wait(timeout=10)
        wait_for(lambda: not client.registered(), 10, "the watcher to go")
        with running_daemon(desktop, config=write_config(desktop, "45m")) as daemon:
            start_xfce_panel(desktop, tmp_path / "xfce4-panel-later.log")
            our_item(client)
            log = (desktop.home / "daemon.log").read_text()
            assert "Tray icon uses the sni backend" in log and "No tray host found" not in log
            assert not maps_gtk(daemon.pid)
        assert daemon.exit_code == 0
