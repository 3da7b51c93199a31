"""The real reason a tile has no picture: refused, timed out, 401, 404, stream ended.

Each from the real thing: a closed port (refused), a socket that listens and never answers
(timeout), the simulated cameras with a wrong password (401) or path (404), a camera taken
off the air while it plays (the stream ends, then the server no longer has it), a camera
that freezes without closing its connection (timeout), a whole server gone (refused).  The
codes stay distinct in the tile's health, in what the agents report to the host (what
`videowall status --json` prints) and on the screen, in English and Chinese.
"""

from __future__ import annotations

import os
import signal
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import zmq

from console import credentials
from console.matrix.host import HostClient, HostKeys, MatrixHost
from console.matrix.layouts import load_layout
from console.matrix.model import Camera
from console.sim.site import SimSite, free_port
from console.ui.agent import WallAgent
from console.ui.i18n import install_translator
from console.ui.reasons import ReasonTexts, reason_lines
from console.ui.tile import TileWidget
from console.video.ingest import FAILURE_TEXTS, Ingest, IngestState
from console.video.player import VideoEngine
from tests.conftest import ROOT, SIM_PASSWORD, SIM_USER


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections and never says a word (a hung camera)."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        yield server.getsockname()[1]


def wait_for(qtbot, ingest: Ingest, code: str, timeout: int = 8000) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: ingest.code == code, timeout=timeout)


@pytest.mark.parametrize("case", ["refused", "timeout", "unauthorized", "not_found"])
def test_each_failure_has_its_own_code(qtbot, case: str, sim: SimSite, silent_port: int) -> None:  # type: ignore[no-untyped-def]
    urls = {
        "refused": f"rtsp://127.0.0.1:{free_port()}/cam/1",
        "timeout": f"rtsp://127.0.0.1:{silent_port}/cam/1",
        "unauthorized": sim.url(1).replace(SIM_PASSWORD, "not-the-password"),
        "not_found": sim.url(1).replace("/cam/1", "/cam/999"),
    }
    ingest = Ingest(urls[case], open_timeout=1.0, read_timeout=1.0).start()
    try:
        wait_for(qtbot, ingest, case)
        assert ingest.state == IngestState.ERROR  # it never played: a setup problem, said as such
        assert ingest.reason == FAILURE_TEXTS[case][0]
        assert ingest.cause == ""
        assert "not-the-password" not in ingest.reason
    finally:
        ingest.stop()


def test_a_camera_taken_off_the_air_says_the_stream_ended_then_not_found(qtbot, sim: SimSite) -> None:  # type: ignore[no-untyped-def]
    camera = 3
    engine = VideoEngine(linger=0.0)
    tile = TileWidget(engine, "callbacks", monitor=1)
    qtbot.addWidget(tile)
    tile.resize(480, 320)
    tile.show()
    try:
        tile.play(sim.url(camera), camera, sim.camera(camera).name)
        qtbot.waitUntil(lambda: tile.health.state == "playing", timeout=8000)
        sim.stop_camera(camera)
        try:
            qtbot.waitUntil(lambda: tile.health.state == "lost" and tile.health.code == "not_found", timeout=8000)
            health = tile.health
            # How the picture went, and why it stays away; not "wrong path": the path worked.
            assert health.cause == "ended"
            assert health.reason == "stream ended; reconnecting: 404 not found (the server no longer offers this stream)"
            assert "wrong path" not in health.reason
            assert reason_lines(health.reason) == ["stream ended",
                                                   "reconnecting: 404 not found (the server no longer offers this stream)"]
            assert next(b.text for b in tile.state_layout(health) if b.role == "reason") == "stream ended"
            report = health.to_dict()
            assert (report["state"], report["code"], report["cause"]) == ("lost", "not_found", "ended")
        finally:
            sim.start_camera(camera)
        qtbot.waitUntil(lambda: tile.health.state == "playing", timeout=8000)
        assert tile.health.code == tile.health.cause == "" and tile.health.reason == ""
    finally:
        tile.close_player()
        engine.close()


def test_a_frozen_camera_times_out_and_a_vanished_server_refuses(qtbot, keyring_file: Path) -> None:  # type: ignore[no-untyped-def]
    """A camera off the network: packets stop, the connection stays (SIGSTOP on the server)."""
    port = free_port()
    site = SimSite(1, port=port, control_port=free_port({port})).start()
    engine = VideoEngine(linger=0.0, open_timeout=1.0, read_timeout=1.0)
    player = engine.player("callbacks")
    pid = site._proc.pid if site._proc is not None else None
    assert pid is not None
    try:
        player.play(site.url(1))
        qtbot.waitUntil(lambda: player.health().state == "playing", timeout=8000)
        os.kill(pid, signal.SIGSTOP)
        try:
            qtbot.waitUntil(lambda: player.health().code == "timeout", timeout=10000)
            health = player.health()
            assert health.state == "lost" and health.cause == "timeout"
            assert health.reason == "timed out (no answer from the camera)"
        finally:
            os.kill(pid, signal.SIGCONT)
        qtbot.waitUntil(lambda: player.health().state == "playing", timeout=10000)
        site.close()  # the whole server gone: nothing listens on its port any more
        qtbot.waitUntil(lambda: player.health().code == "refused", timeout=10000)
        health = player.health()
        assert health.state == "lost" and health.cause in ("ended", "timeout")
        assert health.reason.endswith("connection refused (camera or server down?)")
    finally:
        player.close()
        engine.close()
        site.close()


def test_the_agents_report_each_reason_to_the_host(qtbot, tmp_path: Path, sim: SimSite, silent_port: int) -> None:  # type: ignore[no-untyped-def]
    """What `videowall status --json` prints: the host's snapshot with each tile's health."""
    credentials.store("wrong", SIM_USER, "not-the-password")
    cameras = {
        1: Camera(1, "sim-1", "live", main_stream=sim.camera(1).url, credential="sim"),
        101: Camera(101, "refused", "closed port", main_stream=f"rtsp://127.0.0.1:{free_port()}/x"),
        102: Camera(102, "silent", "silent server", main_stream=f"rtsp://127.0.0.1:{silent_port}/x"),
        103: Camera(103, "password", "wrong password", main_stream=sim.camera(2).url, credential="wrong"),
    }
    keys = {name: zmq.curve_keypair() for name in ("host", "desk", "agent")}
    ports = (free_port(), free_port())
    ctx = zmq.Context()
    host = MatrixHost(load_layout(ROOT / "layouts" / "town-xinjia.yaml"), cameras.get,
                      HostKeys(*keys["host"], {keys["desk"][0]: "desk", keys["agent"][0]: "agent-A1"}),
                      router=f"tcp://127.0.0.1:{ports[0]}", pub=f"tcp://127.0.0.1:{ports[1]}", state_dir=tmp_path,
                      context=ctx).start()
    engine = VideoEngine(linger=0.0, open_timeout=1.0, read_timeout=1.0)

    def connect(who: str, updates: bool = False) -> HostClient:
        return HostClient(f"tcp://127.0.0.1:{ports[0]}", keys["host"][0], *keys[who], name=who,
                          pub=f"tcp://127.0.0.1:{ports[1]}" if updates else None, context=ctx)

    agent = WallAgent(connect("agent", updates=True), "A1", engine)
    qtbot.addWidget(agent)
    agent.resize(800, 600)
    agent.show()
    desk = connect("desk")
    want = {"1": ("playing", ""), "2": ("error", "refused"), "3": ("error", "timeout"), "4": ("error", "unauthorized")}
    try:
        assert desk.keys("1 MON 1 CAM 2 MON 101 CAM 3 MON 102 CAM 4 MON 103 CAM") == "AK"

        def reported() -> dict[str, tuple[str, str]]:
            agent.report_health()
            tiles = desk.request("snapshot_request", {}).content.get("health", {}).get("agent-A1", {}).get("tiles", {})
            return {m: (t.get("state"), t.get("code")) for m, t in tiles.items()}

        qtbot.waitUntil(lambda: reported() == want, timeout=15000)
        snapshot = desk.request("snapshot_request", {}).content
        tiles = snapshot["health"]["agent-A1"]["tiles"]
        assert tiles["2"]["reason"] == "connection refused (wrong host or port?)"
        assert tiles["3"]["reason"] == "timed out"
        assert tiles["4"]["reason"] == "401 unauthorized (wrong user or password)"
        assert "not-the-password" not in str(snapshot)
    finally:
        agent.shutdown()
        agent.client.close()
        desk.close()
        engine.close()
        host.stop()


def test_every_reason_and_code_reads_in_chinese(qapp) -> None:  # type: ignore[no-untyped-def]
    from console.video import player

    texts = ReasonTexts()
    every = {text for pair in FAILURE_TEXTS.values() for text in pair}
    codes = set(FAILURE_TEXTS) | {"no_picture", "decoder_stalled", "vlc_error"}
    assert every <= set(texts.known()), every - set(texts.known())  # each engine reason has a translation entry
    assert codes <= set(texts.short()), codes - set(texts.short())
    source = Path(player.__file__).read_text(encoding="utf-8")
    assert all(f'"{code}"' in source for code in ("no_picture", "decoder_stalled", "vlc_error"))  # the player's own
    english_short = texts.short()
    translator = install_translator(qapp, "zh_CN")
    assert translator is not None
    try:
        untranslated = sorted(t for t in every if texts.text(t) == t)
        assert not untranslated, untranslated
        assert not [c for c in codes if texts.short()[c] == english_short[c] and not english_short[c][:3].isdigit()]
        lines = reason_lines("stream ended; reconnecting: 404 not found (the server no longer offers this stream)")
        assert lines[0] == "视频流已结束" and lines[1].startswith("正在重连") and "404" in lines[1]
    finally:
        qapp.removeTranslator(translator)
