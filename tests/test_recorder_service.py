"""`videowall recorder` as operators run it: its own process, the real simulated site, the real
matrix host, tiles that take cameras from its relay, and kill -9."""

from __future__ import annotations

import io
import json
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import av
import pytest
import zmq

from console.matrix import catalog as catalog_db
from console.matrix.catalog import camera_from_entry
from console.matrix.host import HostClient, HostKeys, MatrixHost
from console.matrix.keys import to_json
from console.matrix.layouts import load_layout
from console.recorder.store import Store
from console.sim.site import SimSite, free_port
from console.video.player import VideoEngine
from tests.conftest import ROOT, videowall_cmd
from tests.test_recorder_store import burned

LAYOUT = ROOT / "layouts" / "town-xinjia.yaml"
CAMERAS = 16  # recorded; the site has one more, which only an on-demand recording takes
FPS = 15
REFUSED, NOT_FOUND, SPARE = 91, 92, 93  # catalog cameras beyond the site's


def wait_for(what: str, check: Callable[[], Any], timeout: float = 15.0, step: float = 0.1) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


class Centre:
    """A host in this process, the catalog, the recorder's config, and its process."""

    def __init__(self, site: SimSite, root: Path, extra: list[dict[str, Any]] | None = None) -> None:
        self.site, self.root = site, root
        self.keys = {n: zmq.curve_keypair() for n in ("host", "desk", "agent", "recorder")}
        entries = [c.to_catalog(None) for c in site.cameras]
        dead = free_port()  # nobody listens here
        entries += [
            {"number": REFUSED, "id": "refused", "name": "refused", "streams": {"main": f"rtsp://127.0.0.1:{dead}/x"}},
            {"number": NOT_FOUND, "id": "missing", "name": "wrong path",
             "streams": {"main": f"rtsp://127.0.0.1:{site.port}/cam/404"}},
            {"number": SPARE, "id": "spare", "name": "spare", "streams": {"main": site.url(CAMERAS + 1)}},
            *(extra or []),
        ]
        self.catalog = root / "catalog.sqlite"
        catalog_db.build([camera_from_entry(e) for e in entries], self.catalog)
        self.router = f"tcp://127.0.0.1:{free_port()}"
        authorized = {self.keys[n][0]: n for n in ("desk", "agent", "recorder")}
        self.host = MatrixHost(load_layout(LAYOUT), catalog_db.Catalog(self.catalog).get,
                               HostKeys(*self.keys["host"], authorized), router=self.router,
                               pub=f"tcp://127.0.0.1:{free_port()}", state_dir=root / "host",
                               context=zmq.Context()).start()
        self.desk = HostClient(self.router, self.keys["host"][0], *self.keys["desk"], name="desk", context=zmq.Context())
        self.store = root / "store"
        self.config = root / "recorder.yaml"
        self.relay = f"tcp://127.0.0.1:{free_port()}"
        self.config.write_text(
            f"store: {self.store}\ncatalog: {self.catalog}\nrelay: {self.relay}\n"
            # Quoted: a Z85 key may hold any of YAML's flow indicators ({ } [ ] , :).
            f"host: {{router: '{self.router}', server_key: '{self.keys['host'][0].decode()}'}}\n"
            f"segment_seconds: 5\nrecord: 1-{CAMERAS}, {REFUSED}, {NOT_FOUND}"
            f"{''.join(', ' + str(e['number']) for e in extra or [])}\n"
            "retention: {min_free_gb: 0}\n", encoding="utf-8")
        self.process: subprocess.Popen[str] | None = None

    def start_recorder(self) -> None:
        self.process = subprocess.Popen(videowall_cmd("recorder", "--config", str(self.config), "--key-stdin"),
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True)
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(to_json(*self.keys["recorder"]) + "\n")
        self.process.stdin.close()
        line = self.process.stdout.readline()
        assert line, self.process.stderr.read() if self.process.stderr else "no output"
        assert json.loads(line)["event"] == "ready"

    def kill_recorder(self, sig: int = signal.SIGKILL) -> float:
        assert self.process is not None
        self.process.send_signal(sig)
        at = time.time()
        self.process.wait(15)
        self.process = None
        return at

    def report(self) -> dict[str, Any]:
        recorders = self.desk.request("snapshot_request", {}).content["recorders"]
        return recorders.get("recorder", {})

    def recording(self) -> set[int]:
        report = self.report()
        if time.time() - float(report.get("at", 0)) > 3:
            return set()
        return {int(n) for n, c in report.get("cameras", {}).items() if c.get("recording")}

    def close(self) -> None:
        if self.process is not None:
            self.kill_recorder(signal.SIGTERM)
        self.desk.close()
        self.host.stop()


@pytest.fixture(scope="module")
def site() -> Iterator[SimSite]:
    port = free_port()
    with SimSite(CAMERAS + 1, port=port, control_port=free_port({port})) as running:
        yield running


@pytest.fixture
def centre(site: SimSite, tmp_path: Path, keyring_file: Path) -> Iterator[Centre]:
    made = Centre(site, tmp_path)
    yield made
    made.close()


def segment_frames(store: Store, camera: int) -> tuple[int, list[int]]:
    """(frames decoded from every segment, capture times of each span's first and last frame)."""
    count, ends = 0, []
    for segment in store.segments(camera):
        path = store.path_of(segment)
        with av.open(io.BytesIO(path.read_bytes()), format="mpegts") as container:
            frames = list(container.decode(video=0))
        assert len(frames) == segment.frames, (path, len(frames), segment.frames)
        count += len(frames)
        ends += [burned(frames[0])[1], burned(frames[-1])[1]]
    return count, ends


def test_a_minute_of_16_cameras_an_outage_and_kill_9(centre: Centre, site: SimSite) -> None:
    centre.start_recorder()
    began = time.time()
    wait_for("16 cameras recording", lambda: len(centre.recording() & set(range(1, CAMERAS + 1))) == CAMERAS, 20)
    report = centre.report()["cameras"]
    # Bad URLs: a gap with the reason, and the rest record.
    assert "refused" in report[str(REFUSED)]["reason"], report[str(REFUSED)]
    assert "404" in report[str(NOT_FOUND)]["reason"], report[str(NOT_FOUND)]
    time.sleep(15)
    site.stop_camera(3)
    stopped = time.time()
    time.sleep(10)
    site.start_camera(3)
    restarted = time.time()
    time.sleep(60 - (time.time() - began))
    killed = centre.kill_recorder()
    centre.start_recorder()  # reconciles the store the killed one left
    centre.kill_recorder(signal.SIGTERM)
    check = subprocess.run(videowall_cmd("recorder", "--config", str(centre.config), "--check"),
                           capture_output=True, text=True, timeout=120, check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "0 problems" in check.stdout

    with Store(centre.store) as store:
        for camera in range(1, CAMERAS + 1):
            segments = store.segments(camera)
            assert segments and all(not s.open for s in segments)
            # kill -9 loses at most the last 2 s.
            last_end = max(s.end_utc for s in segments)
            assert last_end > killed - 2.0, (camera, killed - last_end)
            spans = store.coverage(camera)
            if camera != 3:
                first, last = spans[0][0], spans[-1][1]
                assert len(spans) == 1 and last - first > 50, (camera, spans)
            frames, ends = segment_frames(store, camera)
            sent = sum(round((b - a) * FPS / 1000) + 1 for a, b in zip(ends[::2], ends[1::2], strict=True))
            assert abs(frames - sent) <= max(2, sent // 100), (camera, frames, sent)
        # The camera that went off the air for 10 s: a 10 s gap with its reason, then recording again.
        gaps = [g for g in store.gaps(3) if g.start_utc < restarted and (g.end_utc or 0) > stopped]
        assert gaps, store.gaps(3)
        hole = min(g.start_utc for g in gaps), max(g.end_utc or 0 for g in gaps)
        assert abs((hole[1] - hole[0]) - (restarted - stopped)) <= 1.5, (hole, stopped, restarted)
        assert all(g.reason for g in gaps)
        after = [s for s in store.segments(3) if s.start_utc >= hole[1] - 0.5]
        assert sum(s.end_utc - s.start_utc for s in after) > 15
        # The refused camera's time is a gap naming why; the recorder's own downtime too.
        assert any("refused" in g.reason for g in store.gaps(REFUSED))
        assert any(g.reason == "recorder down" for g in store.gaps(1))


def test_tiles_take_cameras_from_the_relay_and_fall_back_to_the_camera(centre: Centre, site: SimSite) -> None:
    centre.start_recorder()
    wait_for("the relay offered by the host", centre.host.relay)
    engines = [VideoEngine(linger=1.0), VideoEngine(linger=1.0)]  # two viewing processes, as two agents
    try:
        for engine in engines:
            engine.use_relay(centre.host.relay(), *centre.keys["agent"])
        players = [engines[0].player(), engines[0].player(), engines[1].player()]
        baseline = site.sessions(5)
        for player in players:
            player.play(site.url(5))
        wait_for("pictures on every tile", lambda: all(p.first_frame_at for p in players))
        assert {p.ingest.mode for p in players} == {"relay"}
        # One RTSP session on the camera, the recorder's, however many tiles show it.
        assert baseline == 1 and site.sessions(5) == 1
        # A camera the recorder does not record comes straight from the camera.
        spare = engines[0].player()
        spare.play(site.url(CAMERAS + 1))
        wait_for("the spare tile", lambda: spare.first_frame_at)
        assert spare.ingest.mode == "direct"
        spare.close()

        # The recorder goes away: tiles go direct within 2 s, and show pictures again.
        killed = centre.kill_recorder()
        wait_for("direct ingest", lambda: all(p.ingest.mode == "direct" for p in players), 5, 0.02)
        moved = time.time() - killed
        assert moved < 2.0, moved
        fed = [p._last_fed_at or 0 for p in players]
        wait_for("live pictures from the camera", lambda: all((p._last_fed_at or 0) > f for p, f in zip(players, fed,
                                                                                                        strict=True)))
        assert all(p.health().state == "playing" for p in players)
        # It comes back: the tiles return to it, and the camera again has one session.
        centre.start_recorder()
        wait_for("back on the relay", lambda: all(p.ingest.mode == "relay" for p in players), 15)
        wait_for("one RTSP session again", lambda: site.sessions(5) == 1, 10)
        fed = [p._last_fed_at or 0 for p in players]
        wait_for("live pictures from the relay", lambda: all((p._last_fed_at or 0) > f for p, f in zip(players, fed,
                                                                                                       strict=True)))
    finally:
        for engine in engines:
            engine.close()


def test_tiles_that_started_before_the_relay_was_known_move_to_it(centre: Centre, site: SimSite) -> None:
    # A wall that came up before the recorder's first report: its tiles open the camera itself.
    engine = VideoEngine(linger=1.0)
    try:
        players = [engine.player(), engine.player()]
        for player in players:
            player.play(site.url(6))
        wait_for("pictures straight from the camera", lambda: all(p.first_frame_at for p in players))
        assert {type(p.ingest).__name__ for p in players} == {"Ingest"}  # the camera itself, no relay known
        assert site.sessions(6) == 1  # one, shared by both tiles
        centre.start_recorder()
        wait_for("the relay offered by the host", centre.host.relay)
        wait_for("the recorder's session too", lambda: site.sessions(6) == 2, 10)
        engine.use_relay(centre.host.relay(), *centre.keys["agent"])
        # They move to the relay once it is known: the camera serves only the recorder again.
        wait_for("on the relay", lambda: all(getattr(p.ingest, "mode", "direct") == "relay" for p in players), 10)
        wait_for("one RTSP session on the camera", lambda: site.sessions(6) == 1, 10)
        fed = [p._last_fed_at or 0 for p in players]
        wait_for("pictures from the relay", lambda: all((p._last_fed_at or 0) > f for p, f in zip(players, fed,
                                                                                                  strict=True)))
    finally:
        engine.close()


def test_record_camera_on_demand_from_the_keyboard(centre: Centre) -> None:
    centre.start_recorder()
    wait_for("the recorder reporting", centre.recording)
    assert SPARE not in centre.recording()
    reply = centre.desk.request("command", {"keys": f"1 MON {SPARE} CAM 2 REC"}).content
    assert reply["ok"], reply
    assert any(n["code"] == "recording-until" for n in reply.get("notes", [])), reply
    wait_for("camera recorded on demand", lambda: SPARE in centre.recording(), 10)
    until = centre.report()["cameras"][str(SPARE)]["on_demand_until"]
    assert 100 < until - time.time() <= 120
    # Audited, and kept by the host across a restart (its state file).
    audit = [json.loads(line) for line in (centre.root / "host" / "audit.jsonl").read_text(encoding="utf-8").splitlines()]
    assert any(e["action"] == "RecordCamera" and e["detail"]["camera"] == SPARE and e["outcome"] == "ok"
               for e in audit), audit
    bad = centre.desk.request("command", {"command": "RecordCamera", "camera": 99999, "minutes": 5}).content
    assert not bad["ok"] and "unknown camera 99999" in bad["answer"]
    too_long = centre.desk.request("command", {"keys": "2000 REC"}).content
    assert not too_long["ok"] and "at most 1440" in too_long["answer"]
    with Store(centre.store, readonly=True) as store:  # beside the running recorder
        wait_for("a segment of the on-demand camera", lambda: store.segments(SPARE), 10)


def test_one_recorder_per_store_and_check_beside_it(centre: Centre) -> None:
    centre.start_recorder()
    wait_for("the recorder reporting", centre.recording)
    second = subprocess.run(videowall_cmd("recorder", "--config", str(centre.config), "--key-stdin"),
                            input=to_json(*centre.keys["recorder"]) + "\n", capture_output=True, text=True,
                            timeout=60, check=False)
    assert second.returncode == 2 and "another recorder (pid" in second.stderr and "is writing this store" in \
        second.stderr, second.stderr
    time.sleep(6)  # a segment closes beside the open ones
    check = subprocess.run(videowall_cmd("recorder", "--config", str(centre.config), "--check"), capture_output=True,
                           text=True, timeout=120, check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "checking without reconciling" in check.stderr and "0 problems" in check.stdout
    # The reader changed nothing: the recorder still records every camera, and stops cleanly.
    assert len(centre.recording() & set(range(1, CAMERAS + 1))) == CAMERAS
    centre.kill_recorder(signal.SIGTERM)
    with Store(centre.store) as store:
        assert store.check(decode=False) == []
        assert not any(g.reason == "recorder down" for c in store.cameras() for g in store.gaps(c))


def test_a_bad_config_names_the_file_and_line(tmp_path: Path) -> None:
    config = tmp_path / "recorder.yaml"
    config.write_text("store: rec\ncatalog: c.sqlite\nsegment_second: 5\nretention: {keep_days: -1}\n"
                      "record: 1-x\nschedules:\n  - cameras: 1-4\n    windows: ['25:00-26:00']\n", encoding="utf-8")
    result = subprocess.run(videowall_cmd("recorder", "--config", str(config)), capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode == 2
    err = result.stderr
    assert f"{config}:3" in err and "segment_seconds" in err  # did you mean
    assert f"{config}:4" in err and "keep_days" in err
    assert f"{config}:5" in err and "1-x" in err
    assert f"{config}:8" in err and "25:00-26:00" in err
    assert "Traceback" not in err


def test_a_camera_that_says_401_or_never_answers_is_a_gap_with_its_reason(site: SimSite, sim: SimSite, tmp_path: Path,
                                                                          keyring_file: Path) -> None:
    """Beside the refused and 404 cameras of the first test: a wrong password and a server that
    takes the connection and says nothing; the others record all the while."""
    import socket

    from console import credentials

    credentials.store("wrong-password", "operator", "not-the-password")
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # connections are taken by the kernel, and nobody ever answers them
    unauthorized, mute = 94, 95
    extra = [{"number": unauthorized, "id": "wrong-pw", "name": "wrong password", "credential": "wrong-password",
              "streams": {"main": f"rtsp://127.0.0.1:{sim.port}/cam/1"}},
             {"number": mute, "id": "mute", "name": "never answers",
              "streams": {"main": f"rtsp://127.0.0.1:{silent.getsockname()[1]}/cam/1"}}]
    centre = Centre(site, tmp_path, extra)
    try:
        centre.start_recorder()
        def reasons() -> dict[int, str]:
            cameras = centre.report().get("cameras", {})
            return {n: str(cameras.get(str(n), {}).get("reason", "")) for n in (unauthorized, mute)}
        wait_for("both reasons", lambda: "401" in reasons()[unauthorized] and "timed out" in reasons()[mute], 40)
        assert len(centre.recording() & set(range(1, CAMERAS + 1))) == CAMERAS
        centre.kill_recorder(signal.SIGTERM)
        with Store(centre.store) as store:
            assert any("401" in g.reason for g in store.gaps(unauthorized)), store.gaps(unauthorized)
            assert any("timed out" in g.reason for g in store.gaps(mute)), store.gaps(mute)
            assert not store.segments(unauthorized) and not store.segments(mute)
    finally:
        centre.close()
        silent.close()
