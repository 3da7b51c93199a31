"""Simulated domes: their decoders against the protocol documents' frames, the dome's
mechanics, and the whole path (our lines → the simulated serial server / VISCA camera → a
dome that moves) on real sockets on 127.0.0.1.

The frames are the same document examples as tests/test_ptz_encoders.py, whose docstring
lists the sources ([D1] ... [VIP]).
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from console.ptz.commands import Move, Preset, PresetAction, PtzError, Stop
from console.ptz.drivers import PtzHub
from console.sim.ptz_dome import (
    Action,
    Dome,
    DomeLimits,
    PelcoDecoder,
    Position,
    ViscaDome,
    decode_position,
    decode_visca,
    position_code,
    position_from_code,
    view_window,
)
from console.sim.ptz_servers import SerialServer, ViscaIpServer

ROOT = Path(__file__).resolve().parents[1]


def hx(text: str) -> bytes:
    return bytes.fromhex(text)


def wait_until(predicate: Callable[[], bool], what: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.01)


class FakeClock:
    """The one fake: a monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


# -- decoders against the documents ----------------------------------------------------

@pytest.mark.parametrize(("frame", "action"), [
    ("FF 01 00 02 20 00 23", Action("move", pan=0x20 / 0x3F)),  # [D1] Right
    ("FF 01 00 04 23 00 28", Action("move", pan=-0x23 / 0x3F)),  # [D1] Left
    ("FF 01 00 08 00 23 2C", Action("move", tilt=0x23 / 0x3F)),  # [D1] Up
    ("FF 01 00 10 00 23 34", Action("move", tilt=-0x23 / 0x3F)),  # [D1] Down
    ("FF 01 00 00 00 00 01", Action("stop")),  # [D3] Stop
    ("FF 01 00 20 00 00 21", Action("move", zoom=0.5)),  # [D3] Zoom In (no speed in the frame)
    ("FF 01 00 40 00 00 41", Action("move", zoom=-0.5)),  # [D3] Zoom Out
    ("FF 01 00 07 00 01 09", Action("preset-goto", value=1)),  # [D2]
    ("FF 01 00 03 00 01 05", Action("preset-set", value=1)),  # [D2]
    ("FF 01 00 05 00 01 07", Action("preset-clear", value=1)),  # [D2]
    ("FF 01 00 09 00 01 0B", Action("aux-on", value=1)),  # [D2]
    ("FF 01 00 0B 00 01 0D", Action("aux-off", value=1)),  # [D2]
    ("FF 01 00 2B 00 01 2D", Action("auto-focus", value=1)),  # [D3] Auto Focus
    ("FF 01 00 2B 00 02 2E", Action("auto-focus", value=0)),  # [D3] Manual Focus
])
def test_pelco_d_decoder(frame: str, action: Action) -> None:
    assert PelcoDecoder("pelco-d").feed(hx(frame)) == [(1, [action])]


@pytest.mark.parametrize(("frame", "lens"), [
    ("FF 01 02 00 00 00 03", ("iris", 1)),  # [D1] OPEN
    ("FF 01 04 00 00 00 05", ("iris", -1)),  # [D1] CLOSE
    ("FF 01 01 00 00 00 02", ("focus", -1)),  # [D1] NEAR
    ("FF 01 00 80 00 00 81", ("focus", 1)),  # [D1] FAR
])
def test_pelco_d_decoder_lens(frame: str, lens: tuple[str, int]) -> None:
    [(address, actions)] = PelcoDecoder("pelco-d").feed(hx(frame))
    kind, value = lens
    assert address == 1 and Action("move") in actions and Action(kind, value=value) in actions


@pytest.mark.parametrize(("frame", "action"), [
    ("A0 00 00 04 20 00 AF 2B", Action("move", pan=-0x20 / 0x3F)),  # [P1] rotation to left
    ("A0 00 00 02 20 00 AF 2D", Action("move", pan=0x20 / 0x3F)),  # [P1] rotation to right
    ("A0 00 00 00 00 00 AF 0F", Action("stop")),
    ("A0 00 00 07 00 01 AF 09", Action("preset-goto", value=1)),  # [P2]
])
def test_pelco_p_decoder(frame: str, action: Action) -> None:
    assert PelcoDecoder("pelco-p").feed(hx(frame)) == [(0, [action])]


def test_pelco_decoder_resynchronises_and_rejects_bad_checksums() -> None:
    decoder = PelcoDecoder("pelco-d")
    # Line noise, a frame with a wrong checksum, a frame split across two reads.
    assert decoder.feed(hx("00 13 FF 01 00 02 20 00 24 FF 01 00")) == []
    assert decoder.feed(hx("04 23 00 28")) == [(1, [Action("move", pan=-0x23 / 0x3F)])]
    assert decoder.bad_frames >= 1


@pytest.mark.parametrize(("message", "action"), [
    ("81 01 06 01 18 14 01 01 FF", Action("move", pan=-1.0, tilt=0x14 / 0x17)),  # [V1] UpLeft
    ("81 01 06 01 0C 01 02 03 FF", Action("move", pan=0.5)),  # [V1] Right at half speed
    ("81 01 06 01 18 18 03 03 FF", Action("move")),  # [V3] the published stop
    ("81 01 04 07 00 FF", Action("zoom", zoom=0.0)),  # [V3] zoom stop
    ("81 01 04 07 27 FF", Action("zoom", zoom=1.0)),  # [V3] tele, variable p = 7
    ("81 01 04 07 30 FF", Action("zoom", zoom=-1 / 8)),  # [V3] wide, variable p = 0
    ("81 01 04 08 02 FF", Action("focus", value=1)),  # [V2] far (standard)
    ("81 01 04 08 37 FF", Action("focus", value=-1)),  # [V2] near (variable)
    ("81 01 04 38 02 FF", Action("auto-focus", value=1)),  # [V2]
    ("81 01 04 3F 02 03 FF", Action("preset-goto", value=3)),  # [V3] CAM_Memory recall 3
    ("81 01 04 3F 01 03 FF", Action("preset-set", value=3)),
])
def test_visca_decoder(message: str, action: Action) -> None:
    outcome = decode_visca(hx(message))
    assert outcome.actions == (action,)
    assert outcome.replies == (hx("90 41 FF"), hx("90 51 FF"))  # [V4] ACK then completion


def test_visca_decoder_errors_and_inquiries() -> None:
    assert decode_visca(hx("82 01 06 01 30 01 02 03 FF")).replies == (hx("A0 60 02 FF"),)  # speed 30h: syntax error
    assert decode_visca(hx("81 01 7E 7E FF")).replies == (hx("90 60 02 FF"),)  # unknown: syntax error
    assert decode_visca(hx("81 01 04 07")).replies == ()  # no terminator: nothing
    # [V3] Pan-tiltPosInq: -170 degrees is F670h, 30 degrees is 01B0h.
    answer = decode_visca(hx("81 09 06 12 FF"), lambda: Position(-170.0, 30.0, 1.0)).replies
    assert answer == (hx("90 50 0F 06 07 00 00 01 0B 00 FF"),)


# -- the dome's mechanics --------------------------------------------------------------

def test_a_dome_moves_at_the_commanded_speed_within_its_limits() -> None:
    clock = FakeClock()
    dome = Dome(1, DomeLimits(pan=(-170, 170), tilt=(-60, 20), pan_speed=90, tilt_speed=60), clock=clock)
    dome.apply(Action("move", pan=1.0, tilt=-0.5))
    clock.now += 1.0
    assert dome.position() == Position(90.0, -30.0, 1.0)
    clock.now += 10.0
    assert dome.position() == Position(170.0, -60.0, 1.0), "stops at its limits"
    dome.apply(Action("stop"))
    clock.now += 5.0
    assert dome.position() == Position(170.0, -60.0, 1.0) and not dome.moving


def test_a_called_preset_is_reached_at_top_speed() -> None:
    clock = FakeClock()
    dome = Dome(1, clock=clock)
    dome.apply(Action("preset-set", value=1))  # home
    dome.apply(Action("move", pan=-1.0, zoom=1.0))
    clock.now += 1.0
    dome.apply(Action("stop"))
    assert dome.position() == Position(-90.0, 0.0, 9.0)
    dome.apply(Action("preset-goto", value=1))
    clock.now += 0.5
    assert dome.position().pan == -45.0 and dome.moving, "on its way"
    clock.now += 1.0
    assert dome.position() == Position(0.0, 0.0, 1.0) and not dome.moving
    assert dome.last("preset-goto") is not None


def test_a_visca_dome_keeps_zoom_and_pan_apart() -> None:
    clock = FakeClock()
    dome = ViscaDome(1, clock=clock)
    dome.apply(Action("move", pan=1.0))
    dome.apply(Action("zoom", zoom=1.0))  # separate VISCA command: the pan goes on
    clock.now += 0.5
    assert dome.position() == Position(45.0, 0.0, 5.0)


def test_the_position_strip_and_the_window() -> None:
    where = Position(-12.3, 4.5, 3.25)
    assert position_from_code(position_code(where)) == where
    bits = position_code(where)
    width = 360

    def pixel(x: int, _y: int) -> tuple[int, int, int]:
        v = 255 if bits[x * len(bits) // width] else 0
        return v, v, v

    assert decode_position(pixel, width, 0) == where
    scene, view = (3200, 1800), (320, 180)
    left, right = view_window(Position(-170, 0, 1), scene, view), view_window(Position(170, 0, 1), scene, view)
    up, down = view_window(Position(0, 20, 1), scene, view), view_window(Position(0, -60, 1), scene, view)
    zoomed = view_window(Position(0, 0, 4), scene, view)
    assert left[0] == 0 and right[0] + right[2] == scene[0], "pan sweeps the scene's width"
    assert up[1] == 0 and down[1] + down[3] == scene[1], "tilting up looks higher"
    assert zoomed[2] == view_window(Position(0, 0, 1), scene, view)[2] // 4


def test_the_dome_model_runs_under_the_system_python() -> None:
    # The RTSP server child runs /usr/bin/python3 and may import the model for the picture.
    proc = subprocess.run(
        ["/usr/bin/python3", "-c", "import console.sim.ptz_dome as d, console.sim.ptz_servers; "
         "print(d.view_window(d.Position(0, 0, 1), (640, 360), (320, 180)))"],
        cwd=ROOT, capture_output=True, text=True, timeout=30, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    # 640x360 scene, 1x: a 320x180 window; pan 0 is mid-way across; tilt 0 is 60 of the
    # 80 degrees up from the bottom, so the window's top is a quarter of the way down (45).
    assert proc.stdout.strip() == "(160, 45, 320, 180)"


# -- end to end on loopback ------------------------------------------------------------

@pytest.fixture
def pelco_site() -> Iterator[tuple[SerialServer, PtzHub]]:
    server = SerialServer("pelco-d", [Dome(1), Dome(2)]).start()
    hub = PtzHub()
    yield server, hub
    hub.close()
    server.stop()


def test_pelco_d_domes_on_one_serial_server_move_stop_and_reach_presets(pelco_site: tuple[SerialServer, PtzHub]) -> None:
    server, hub = pelco_site
    dome_1 = hub.controller({"protocol": "pelco-d", "line": server.url, "address": 1})
    dome_2 = hub.controller({"protocol": "pelco-d", "line": server.url, "address": 2})
    sim_1, sim_2 = server.domes[1], server.domes[2]
    dome_1.send(Preset(PresetAction.SET, 5))  # at home
    dome_1.send(Move(pan=1.0, tilt=0.5))
    dome_2.send(Move(pan=-0.5))
    wait_until(lambda: sim_1.position().pan > 5 and sim_2.position().pan < -5, "both domes to turn")
    assert sim_1.position().tilt > 0, "up is up"
    dome_1.send(Stop())
    dome_2.send(Move())
    wait_until(lambda: not sim_1.moving and not sim_2.moving, "both to stop")
    stopped = sim_1.position()
    time.sleep(0.2)
    assert sim_1.position() == stopped
    dome_1.send(Preset(PresetAction.GOTO, 5))
    wait_until(lambda: sim_1.position() == Position(0.0, 0.0, 1.0), "preset 5")
    assert sim_2.last("preset-goto") is None, "dome 2 ignored dome 1's frames"


def test_pelco_p_domes_too() -> None:
    server = SerialServer("pelco-p", [Dome(0), Dome(7)]).start()
    hub = PtzHub()
    try:
        dome = hub.controller({"protocol": "pelco-p", "line": server.url, "address": 7})
        dome.send(Move(tilt=-1.0, zoom=1.0))
        wait_until(lambda: server.domes[7].position().tilt < -5 and server.domes[7].position().zoom > 1.5, "down and in")
        assert server.domes[0].last() is None
    finally:
        hub.close()
        server.stop()


def test_a_serial_server_that_reboots_mid_move(pelco_site: tuple[SerialServer, PtzHub]) -> None:
    server, hub = pelco_site
    dome = hub.controller({"protocol": "pelco-d", "line": server.url, "address": 1})
    dome.send(Move(pan=0.5))
    wait_until(lambda: server.domes[1].moving, "the move")
    server.stop()
    wait_until(lambda: dome.line.status.state == "down", "the line to go down")
    with pytest.raises(PtzError, match=f"line {server.url}: "):
        dome.send(Stop())  # released during the outage: remembered
    server.start()  # same port
    wait_until(lambda: dome.line.status.state == "open", "the line to come back by itself")
    wait_until(lambda: not server.domes[1].moving, "the remembered stop")
    assert server.domes[1].last().action == Action("stop")  # type: ignore[union-attr]


def test_visca_over_ip_camera_moves() -> None:
    camera = ViscaIpServer(ViscaDome(1)).start()
    hub = PtzHub()
    try:
        dome = hub.controller({"protocol": "visca-ip", "line": camera.url})
        wait_until(lambda: dome.line.status.state == "open", "the camera to answer RESET")
        dome.send(Move(pan=-1.0, zoom=1.0))
        wait_until(lambda: camera.dome.position().pan < -5 and camera.dome.position().zoom > 1.5, "left and in")
        dome.send(Stop())
        wait_until(lambda: not camera.dome.moving, "the stop")
        dome.send(Preset(PresetAction.SET, 2))
        wait_until(lambda: 2 in camera.dome.presets, "preset 2 stored")
    finally:
        hub.close()
        camera.stop()


def test_visca_over_ip_server_bytes() -> None:
    camera = ViscaIpServer(ViscaDome(1))
    reset = camera.handle(hx("02 00 00 01 00 00 00 00 01"))  # [VIP] RESET
    assert reset == [hx("02 01 00 01 00 00 00 00 01")]  # [VIP] control reply ACK
    drive = hx("01 00 00 09 00 00 00 01 81 01 06 01 18 14 02 03 FF")
    first = camera.handle(drive)
    assert first == [hx("01 11 00 03 00 00 00 01 90 41 FF"), hx("01 11 00 03 00 00 00 01 90 51 FF")]
    assert camera.handle(drive) == first and camera.messages == 1, "a resend is answered, not run twice"
    assert camera.handle(hx("07 07 00 01 00 00 00 02 01")) == [hx("02 00 00 02 00 00 00 02 0F 02")]


def test_a_dome_site_describes_its_domes_for_the_catalog() -> None:
    from console.sim.ptz_servers import DomeSite

    site = DomeSite({3: "pelco-d", 5: "pelco-d", 6: "pelco-p", 9: "visca-ip"}).start()
    hub = PtzHub()
    try:
        entries = {camera: site.catalog_ptz(camera) for camera in (3, 5, 6, 9)}
        assert entries[3]["line"] == entries[5]["line"] and (entries[3]["address"], entries[5]["address"]) == (1, 2)
        assert entries[6]["protocol"] == "pelco-p" and entries[6]["address"] == 0
        assert str(entries[9]["line"]).startswith("udp://127.0.0.1:")
        for camera, entry in entries.items():
            hub.controller(entry).send(Move(pan=1.0))
            dome = site.dome_of[camera]
            wait_until(lambda dome=dome: dome.position().pan > 1, f"camera {camera} to turn")  # type: ignore[misc]
    finally:
        hub.close()
        site.stop()
    with pytest.raises(ValueError, match="no simulated dome speaks 'onvif'"):
        DomeSite({1: "onvif"})
