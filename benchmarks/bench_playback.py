"""Playback: seek, frame step and sync drift of the playback engine (console/video/playback.py).

The recording.  Made once per run the way the recorder makes it, only faster than real time:
each camera's pictures (320×240@15, the simulated cameras' colour field, number strip and the
capture time burned in as milliseconds) are encoded with PyAV's libx264 as the simulated
cameras encode (baseline, zerolatency, GOP 1 s, no B-frames), and their packets go through the
recorder's own writer (CameraRecorder → SegmentWriter → Store, 10 s segments) with the
timestamps a camera's clock gives and the arrival times of a camera sending in real time
(capture + 30 ms), ending a minute ago.  The store cannot tell: same files, same index.  Each
camera starts at its own phase within a frame, as real cameras do.  Every measurement reads
the recording only through a LocalSource.

(a) Seek to a random moment → first picture (the frame decoded and converted to RGB, ready to
    paint), p50/p95, on a random camera, each moment ≥ 3 s from what that camera's decoder
    holds (no cache hit).  The engine starts reading at the keyframe's byte offset; for
    comparison the same moments read from the segment's start and through FFmpeg's own seek.
    Baseline in the same run: libvlc (python-vlc, the callbacks
    renderer of console/video/player.py) playing the segment file that holds the same moment,
    already open, `set_time` → the first displayed picture whose burned time is that moment's
    (± 1 s; its accuracy is reported).  Goal: p95 ≤ 150 ms and ≤ 1.5× libvlc's.
(b) Start of playback from a click → first picture: the desk's workspace (console/ui/playback.py,
    Qt offscreen) told to open a camera at a random moment, as the Go button or a drop does, to
    the first picture painted on its tile; the recording read over HTTP from the recorder's own
    server (RecordingServer, RemoteSource with a token) as a desk reads it, the source made
    fresh for each click.  Goal p95 ≤ 300 ms.
(c) Frame step → new picture (decoded + RGB), forward and back, p95; steps back cross GOP
    boundaries, where the GOP before is decoded again.  Goal ≤ 50 ms.
(d) Export: `--export` runs bench_export.measure_export() (10 min × 4 cameras against
    `ffmpeg -c copy`), when benchmarks/bench_export.py is there.
(e) Sync drift: a SyncGroup of --cameras tiles playing at 1× for --drift-seconds (60 s for the
    issue's figure; 15 s by default), a player loop at 60 Hz reading every tile's burned
    capture time: drift = the spread across the tiles in frames; ticks where a tile still
    waited for its decoder are counted.  Goal ≤ 1 frame.

    ./run bench playback [--cameras 16] [--seeks 60] [--steps 60] [--drift-seconds 15] [--export]
"""

from __future__ import annotations

import argparse
import io
import random
import shutil
import tempfile
import time
from concurrent.futures import Future
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import numpy as np
from common import CpuMeter, print_table, save, summary

from console.recorder.source import LocalSource
from console.recorder.store import CameraRecorder, Store
from console.sim.identity import (
    camera_colour,
    code_bits,
    decode_number,
    decode_time,
    strip_height,
    time_cells,
    time_strip,
)
from console.video.ingest import CachedPacket, Session
from console.video.playback import CameraPlayback, PlaybackFrame, SyncGroup

FPS = 15
GOP = 15
SIZE = (320, 240)
SEGMENT_SECONDS = 10
ARRIVAL_LAG = 0.03
FRAME_MS = 1000 / FPS


# -- the recording --------------------------------------------------------------------------
def identity_picture(number: int, ms: int, base: np.ndarray | None = None) -> np.ndarray:
    """The simulated camera's picture at capture time `ms`: colour field, number strip, time strip."""
    width, height = SIZE
    strip = strip_height(height)
    if base is None:
        base = np.empty((height, width, 3), np.uint8)
        base[:] = camera_colour(number)
        cells = np.array(code_bits(number), np.uint8) * 255
        base[height - strip:] = cells[np.minimum(np.arange(width) * len(cells) // width, len(cells) - 1)][None, :, None]
    picture = base.copy()
    top, tall = time_strip(height, strip)
    for row, bits in enumerate(time_cells(ms)):
        values = np.array(bits, np.uint8) * 255
        columns = values[np.minimum(np.arange(width) * len(bits) // width, len(bits) - 1)]
        picture[top + row * tall // 2: top + (row + 1) * tall // 2] = columns[None, :, None]
    return picture


def encode_camera(number: int, first_capture: float, frames: int) -> tuple[bytes, list[tuple[bytes, int, int, bool]]]:
    """MPEG-TS of the camera's pictures (the session's template) and its packets in 1/90000 s."""
    out = io.BytesIO()
    base = identity_picture(number, 0)
    base_ms = round(first_capture * 1000)
    with av.open(out, "w", format="mpegts") as container:
        stream = container.add_stream("libx264", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = SIZE[0], SIZE[1], "yuv420p"
        stream.codec_context.gop_size = GOP
        stream.codec_context.max_b_frames = 0
        stream.codec_context.options = {"preset": "ultrafast", "tune": "zerolatency", "profile": "baseline",
                                        "x264-params": f"keyint={GOP}:min-keyint={GOP}:scenecut=0"}
        for i in range(frames):
            ms = base_ms + round(i * FRAME_MS)
            rgb = identity_picture(number, ms, base)
            rgb[: SIZE[1] // 2, : SIZE[0] // 2] += np.uint8(i % 32)  # some motion, a camera's bitrate
            frame = av.VideoFrame.from_ndarray(rgb, format="rgb24").reformat(format="yuv420p")
            frame.pts, frame.time_base = i, Fraction(1, FPS)
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    data = out.getvalue()
    packets = []
    with av.open(io.BytesIO(data), format="mpegts") as container:
        for packet in container.demux(video=0):
            if packet.size and packet.dts is not None:
                packets.append((bytes(packet), int(packet.pts), int(packet.dts), bool(packet.is_keyframe)))
    return data, packets


def build_recording(root: Path, cameras: int, seconds: float, seed: int = 7) -> dict[int, tuple[float, float]]:
    """`seconds` of each camera, ending a minute ago, through the recorder's writer."""
    rng = random.Random(seed)
    frames = int(seconds * FPS)
    begin = time.time() - seconds - 60
    store = Store(root)
    spans = {}
    try:
        for number in range(1, cameras + 1):
            first_capture = begin + rng.uniform(0, 1 / FPS)  # each camera at its own phase
            template, packets = encode_camera(number, first_capture, frames)
            with av.open(io.BytesIO(template), format="mpegts") as source:
                stream = source.streams.video[0]
                tb = Fraction(stream.time_base)
                # The writer turns arrival (monotonic) into UTC with an offset taken at the
                # session's start: with both clocks at 0 that offset is 0 and `received` is UTC.
                recorder = CameraRecorder(store, number, segment_seconds=SEGMENT_SECONDS, clock=lambda: 0.0)
                recorder.writer.monotonic = lambda: 0.0
                session = Session(number, stream, "h264", SIZE[0], SIZE[1], tb)
                recorder.on_session_start(session)
                clock_start = rng.randrange(90_000, 2**30)  # a camera's clock does not start at 0
                first = packets[0][2]
                for data, pts, dts, key in packets:
                    capture = first_capture + float((dts - first) * tb)
                    recorder.on_packet(session, CachedPacket(data, pts - first + clock_start, dts - first + clock_start,
                                                             key, capture + ARRIVAL_LAG))
                recorder.on_session_end(session)
                recorder.close()
            segments = store.segments(number)
            spans[number] = (segments[0].start_utc, segments[-1].end_utc)
    finally:
        store.close()
    return spans


def burned_ms(rgb: np.ndarray) -> tuple[int, int]:
    """(camera, capture ms) read from an RGB picture (rows × columns × 3)."""
    height, width = rgb.shape[:2]

    def pixel(x: int, y: int) -> tuple[int, int, int]:
        r, g, b = rgb[y, x]
        return int(r), int(g), int(b)

    return decode_number(pixel, width, height), decode_time(pixel, width, height)


def picture(future: Future[PlaybackFrame], timeout: float = 10.0) -> PlaybackFrame:
    frame = future.result(timeout)
    frame.rgb()  # what a tile paints
    return frame


# -- (a) seek ----------------------------------------------------------------------------------
def measure_seeks(source: LocalSource, spans: dict[int, tuple[float, float]], count: int,
                  rng: random.Random) -> dict[str, Any]:
    playbacks = {n: CameraPlayback(source, n) for n in spans}
    ours: list[float] = []
    firsts: list[float] = []
    errors: list[float] = []
    moments: list[tuple[int, float]] = []
    try:
        for _ in range(count):
            camera = rng.choice(list(spans))
            playback = playbacks[camera]
            current = playback.current
            start, end = spans[camera]
            while True:
                moment = rng.uniform(start + 0.1, end - 0.1)
                if current is None or abs(moment - current.utc) >= 3.0:
                    break
            previewed: list[float] = []

            def preview(frame: PlaybackFrame, previewed: list[float] = previewed) -> None:
                frame.rgb()
                previewed.append(time.perf_counter())

            began = time.perf_counter()
            frame = picture(playback.request_seek(moment, preview))
            ours.append((time.perf_counter() - began) * 1000)
            # A frame already decoded has no preview: it is its own first picture.
            firsts.append(((previewed[0] if previewed else time.perf_counter()) - began) * 1000)
            number, ms = burned_ms(frame.rgb())
            assert number == camera, (number, camera)
            errors.append(moment * 1000 - ARRIVAL_LAG * 1000 - ms)  # ≥ 0 and < one frame when exact
            moments.append((camera, moment))
    finally:
        for playback in playbacks.values():
            playback.close()
    return {"ours_ms": ours, "first_ms": firsts, "picture_error_ms": errors, "moments": moments}


def measure_other_ways(source: LocalSource, moments: list[tuple[int, float]]) -> dict[str, Any]:
    """Why the engine starts at the keyframe's byte offset: the same moments reached by reading
    the segment from its start (decoding every frame before), and by FFmpeg's own seek in the
    file (`container.seek` to the keyframe, then decoding on), each to the exact frame + RGB."""
    from_start: list[float] = []
    ffmpeg_seek: list[float] = []
    late = 0
    for camera, moment in moments:
        segment = next(s for s in source.segments(camera, moment, moment + 1e-6) if s.start_utc <= moment < s.end_utc)
        for way, runs in (("start", from_start), ("seek", ffmpeg_seek)):
            began = time.perf_counter()
            with source.open(segment) as raw, av.open(raw, format="mpegts") as container:
                stream = container.streams.video[0]
                tb = stream.time_base
                target = round((moment - segment.start_utc) / tb)
                if way == "seek":
                    container.seek(target, stream=stream, backward=True, any_frame=False)
                shown = None
                for frame in container.decode(stream):
                    if frame.pts is not None and frame.pts > target:
                        break
                    shown = frame
                if shown is None:  # FFmpeg's TS seek landed after the moment: no exact frame
                    late += 1
                    continue
                shown.to_ndarray(format="rgb24")
            runs.append((time.perf_counter() - began) * 1000)
    return {"from_start_ms": from_start, "ffmpeg_seek_ms": ffmpeg_seek, "ffmpeg_seek_late": late}


def measure_libvlc_seeks(source: LocalSource, moments: list[tuple[int, float]]) -> dict[str, Any]:
    from console.video.player import VideoEngine

    engine = VideoEngine(linger=0.0)
    player = engine.player("callbacks")
    times: list[float] = []
    errors: list[float] = []
    misses = 0
    playing: str | None = None
    try:
        for camera, moment in moments:
            segment = next(s for s in source.segments(camera, moment, moment + 1e-6) if s.start_utc <= moment < s.end_utc)
            path = str(source.store.path_of(segment))
            if path != playing:  # opening the file is not part of a seek
                player.play(path)
                playing = path
                if not _wait(lambda: player.take_frame() is not None and player.buffers.frames > 2, 5.0):
                    raise RuntimeError(f"libvlc shows no picture from {path}")
            target_ms = (moment - ARRIVAL_LAG) * 1000
            shown = player.take_frame()
            if shown is not None and abs(_rv32_time(shown) - target_ms) < 3000:
                # Shown near the target already: go elsewhere first (not timed), so the
                # picture timed below can only come from the seek.
                away = (moment - segment.start_utc + 5) % max(1.0, segment.end_utc - segment.start_utc - 0.5)
                player._vlc.set_time(round(away * 1000))
                _wait(lambda t=target_ms: (f := player.take_frame()) is not None and abs(_rv32_time(f) - t) >= 3000,
                      2.0)
            player.buffers.reset_counters()
            began = time.monotonic()
            player._vlc.set_time(max(0, round((moment - segment.start_utc) * 1000)))
            found = None
            serial = -1
            while time.monotonic() - began < 3.0:
                frame = player.take_frame()
                if frame is not None and frame.serial != serial:
                    serial = frame.serial
                    shown_at = player.buffers.last_frame_at or time.monotonic()
                    ms = _rv32_time(frame)
                    if abs(ms - target_ms) < 1000:
                        found = (shown_at - began) * 1000, target_ms - ms
                        break
                time.sleep(0.0005)
            if found is None:
                misses += 1
                continue
            times.append(found[0])
            errors.append(found[1])
            if player._vlc.get_state() in (6, 7):  # ended or error: open it again next time
                playing = None
    finally:
        player.close()
        engine.close()
    return {"libvlc_ms": times, "libvlc_error_ms": errors, "libvlc_misses": misses}


def _rv32_time(frame: Any) -> int:
    data = frame.buffer.raw
    # libvlc fills all the lines it asked for (258 for these 240-line files: the picture is
    # stretched over them, not padded), so the strips are read at their place in those.
    lines = len(data) // frame.stride

    def pixel(x: int, y: int) -> tuple[int, int, int]:
        at = y * frame.stride + 4 * x
        return data[at + 2], data[at + 1], data[at]

    return decode_time(pixel, frame.width, lines)


def _wait(check: Any, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.005)
    return False


# -- (c) steps ---------------------------------------------------------------------------------
def measure_steps(source: LocalSource, spans: dict[int, tuple[float, float]], count: int,
                  rng: random.Random) -> dict[str, Any]:
    forward: list[float] = []
    back: list[float] = []
    wrong = 0
    cameras = list(spans)
    while len(forward) + len(back) < count:
        camera = rng.choice(cameras)
        start, end = spans[camera]
        with CameraPlayback(source, camera) as playback:
            frame = playback.seek(rng.uniform(start + 2, end - 3))
            last = burned_ms(frame.rgb())[1]
            # Forward (each a new decode), then back twice as far: over the cached GOPs and
            # on over GOP boundaries where the GOP before is decoded again.
            for direction, runs, n in ((+1, forward, 20), (-1, back, 40)):
                for _ in range(n):
                    began = time.perf_counter()
                    frame = picture(playback.request_step(direction))
                    runs.append((time.perf_counter() - began) * 1000)
                    ms = burned_ms(frame.rgb())[1]
                    wrong += abs((ms - last) - direction * FRAME_MS) > 2
                    last = ms
    return {"forward_ms": forward, "back_ms": back, "wrong_steps": wrong}


# -- (e) sync drift ------------------------------------------------------------------------------
def measure_drift(source: LocalSource, spans: dict[int, tuple[float, float]], seconds: float) -> dict[str, Any]:
    start = max(s for s, _ in spans.values()) + 0.5
    group = SyncGroup([CameraPlayback(source, n) for n in spans])
    drifts: list[float] = []
    tick_ms: list[float] = []
    waiting = ticks = 0
    offsets: list[float] = []
    cpu = CpuMeter()
    try:
        group.seek(start)
        group.play(1.0)
        cpu.start()
        began = time.monotonic()
        while time.monotonic() - began < seconds:
            t0 = time.perf_counter()
            shown = group.frames()
            tick_ms.append((time.perf_counter() - t0) * 1000)
            ticks += 1
            if not all(s.exact and s.frame is not None for s in shown.values()):
                waiting += 1
            elif ticks % 3 == 0:  # reading 16 pictures' pixels every tick would be the load measured
                captured = [burned_ms(s.frame.rgb())[1] for s in shown.values() if s.frame is not None]
                drifts.append((max(captured) - min(captured)) / FRAME_MS)
                moment = next(iter(shown.values())).moment
                offsets += [(moment - ARRIVAL_LAG) * 1000 - ms for ms in captured]
            time.sleep(max(0.0, 1 / 60 - (time.perf_counter() - t0)))
        played = (group.time() or start) - start
        wall = time.monotonic() - began
        percent = cpu.percent()
    finally:
        group.close()
    return {"drift_frames": drifts, "tick_ms": tick_ms, "ticks": ticks, "waiting_ticks": waiting,
            "behind_ms": offsets, "played_s": played, "wall_s": wall, "cpu_percent": percent}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cameras", type=int, default=16)
    parser.add_argument("--seeks", type=int, default=60)
    parser.add_argument("--steps", type=int, default=60)
    parser.add_argument("--drift-seconds", type=float, default=15.0)
    parser.add_argument("--clicks", type=int, default=30)
    parser.add_argument("--export", action="store_true", help="(d): bench_export.measure_export() too")
    parser.add_argument("--keep", type=Path, help="build the recording here and keep it")
    args = parser.parse_args()
    rng = random.Random(15)
    work = Path(tempfile.mkdtemp(prefix="videowall-bench-playback-"))
    root = args.keep or work / "store"
    recorded = max(30.0, args.drift_seconds + 5)
    try:
        built = time.monotonic()
        spans = build_recording(root, args.cameras, recorded)
        built = time.monotonic() - built
        print(f"recording: {args.cameras} cameras × {recorded:g} s ({SEGMENT_SECONDS} s segments) built in {built:.1f} s")
        source = LocalSource(root)
        try:
            seeks = measure_seeks(source, spans, args.seeks, rng)
            vlc = measure_libvlc_seeks(source, seeks["moments"])
            vlc.update(measure_other_ways(source, seeks["moments"]))
            steps = measure_steps(source, spans, args.steps, rng)
            drift = measure_drift(source, spans, args.drift_seconds)
        finally:
            source.close()
        clicks = measure_clicks(root, spans, args.clicks, rng)
        export = None
        if args.export:
            export = run_export(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report(args, {"seeks": seeks, "vlc": vlc, "steps": steps, "drift": drift, "export": export, "clicks": clicks,
                  "recorded": recorded, "built": built})


def measure_clicks(root: Path, spans: dict[int, tuple[float, float]], count: int, rng: random.Random) -> dict[str, Any]:
    """(b): the workspace opened on a camera at a moment → its tile's first picture painted."""
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from PySide6.QtWidgets import QApplication

    from console.evidence.signing import SigningKey
    from console.recorder.remote import RemoteSource
    from console.recorder.serve import RecordingServer
    from console.recorder.tokens import TokenVerifier, mint_token
    from console.ui.playback import PlaybackWorkspace

    app = QApplication.instance() or QApplication([])
    key = SigningKey(Ed25519PrivateKey.generate(), "bench")  # a throwaway centre key: nothing kept
    store = Store(root, readonly=True)
    server = RecordingServer(store, TokenVerifier(key.public), "127.0.0.1", 0).start()

    def source_for(cameras: list[int]) -> RemoteSource:
        return RemoteSource(server.url, lambda: mint_token(key, desk="bench", role="operator", rights=["playback"],
                                                            cameras=cameras))

    view = PlaybackWorkspace(source_for)
    view.resize(960, 640)
    view.show()
    times: list[float] = []
    try:
        for _ in range(count):
            camera = rng.choice(sorted(spans))
            start, end = spans[camera]
            moment = rng.uniform(start + 1, end - 1)
            began = time.perf_counter()
            view.open([camera], moment)
            tile = view.tiles[camera]
            deadline = began + 10
            while tile.frame is None and time.perf_counter() < deadline:
                app.processEvents()
                time.sleep(0.001)
            tile.repaint()  # the picture on the screen, not only in the tile's hands
            times.append((time.perf_counter() - began) * 1000)
    finally:
        view.shutdown()
        view.close()
        server.stop()
        store.close()
    return {"click_ms": times}


def run_export(work: Path) -> dict[str, Any] | None:
    """(d), from benchmarks/bench_export.py (its store, its keyring), when it is there."""
    try:
        import bench_export  # type: ignore[import-not-found]
    except ImportError:
        print("(d) export: benchmarks/bench_export.py is not there yet")
        return None
    import os

    import keyring

    from tests.support.filekeyring import FileKeyring

    os.environ["VIDEOWALL_TEST_KEYRING"] = str(work / "keyring.json")  # the bench's own centre key
    keyring.set_keyring(FileKeyring())
    result: dict[str, Any] = bench_export.measure_export(work=work / "export")
    return result


def report(args: argparse.Namespace, r: dict[str, Any]) -> None:
    seeks, vlc, steps, drift, export = r["seeks"], r["vlc"], r["steps"], r["drift"], r["export"]
    recorded, built = r["recorded"], r["built"]
    ours, theirs = summary(seeks["ours_ms"]), summary(vlc["libvlc_ms"])
    first = summary(seeks["first_ms"])
    step_all = summary(steps["forward_ms"] + steps["back_ms"])
    step_f, step_b = summary(steps["forward_ms"]), summary(steps["back_ms"])
    drift_s = summary(drift["drift_frames"])
    ratio = ours["p95"] / theirs["p95"] if theirs["n"] else float("nan")
    first_ratio = first["p95"] / theirs["p95"] if theirs["n"] else float("nan")
    p50_ratio = ours["p50"] / theirs["p50"] if theirs["n"] else float("nan")

    def goal(p95: float, against: float) -> str:
        return f"{against:.2f}× libvlc: " + ("met" if p95 <= 150 and against <= 1.5 else "NOT met")

    errors = seeks["picture_error_ms"]
    print_table(f"(a) seek to a random moment → first picture, {ours['n']} seeks over {args.cameras} cameras (ms); "
                "goal p95 ≤ 150 and ≤ 1.5× libvlc",
                ["", "p50", "p95", "max", "shown − asked (ms) p50/worst", "goal (p95)"],
                [["engine: the keyframe before it (preview)", first["p50"], first["p95"], first["max"],
                  "up to a GOP early", goal(first["p95"], first_ratio)],
                 ["engine: the exact frame", ours["p50"], ours["p95"], ours["max"],
                  f"{-np.median(errors):.0f}/{-max(errors):.0f}", goal(ours["p95"], ratio)],
                 [f"libvlc set_time, same file ({vlc['libvlc_misses']} missed)", theirs["p50"], theirs["p95"],
                  theirs["max"], f"{-np.median(vlc['libvlc_error_ms'] or [0]):.0f}/"
                  f"{-max(vlc['libvlc_error_ms'] or [0], key=abs):.0f}", ""],
                 ["PyAV: the segment read from its start", summary(vlc["from_start_ms"])["p50"],
                  summary(vlc["from_start_ms"])["p95"], summary(vlc["from_start_ms"])["max"], "exact", ""],
                 [f"PyAV: FFmpeg's seek in the file ({vlc['ffmpeg_seek_late']} landed late)",
                  summary(vlc["ffmpeg_seek_ms"])["p50"],
                  summary(vlc["ffmpeg_seek_ms"])["p95"], summary(vlc["ffmpeg_seek_ms"])["max"], "exact", ""]])
    print(f"  p50: the exact frame takes {p50_ratio:.1f}× libvlc's first picture, which is not the frame asked for "
          "(it lands up to a GOP late in these TS files)")
    print_table("(c) frame step → new picture (ms)", ["", "n", "p50", "p95", "max", "goal"],
                [["forward", step_f["n"], step_f["p50"], step_f["p95"], step_f["max"], ""],
                 ["back (GOPs decoded again)", step_b["n"], step_b["p50"], step_b["p95"], step_b["max"], ""],
                 ["all", step_all["n"], step_all["p50"], step_all["p95"], step_all["max"],
                  "p95 ≤ 50: " + ("met" if step_all["p95"] <= 50 else "NOT met")]])
    print(f"  steps that did not move exactly one frame (burned time): {steps['wrong_steps']}")
    print_table(f"(e) sync drift, {args.cameras} tiles at 1× for {drift['wall_s']:.0f} s (a 60 Hz player loop)",
                ["", "p50", "p95", "max", "goal"],
                [["spread of the tiles' burned times (frames)", drift_s["p50"], drift_s["p95"], drift_s["max"],
                  "≤ 1 frame: " + ("met" if drift_s["max"] <= 1 + 1 / FRAME_MS else "NOT met")],
                 ["frames() call (ms)", summary(drift["tick_ms"])["p50"], summary(drift["tick_ms"])["p95"],
                  summary(drift["tick_ms"])["max"], ""]])
    print("  (burned times are whole milliseconds: a spread of 1 frame may read 1 ms over)")
    print(f"  ticks with a tile still waiting for its decoder: {drift['waiting_ticks']} of {drift['ticks']}; "
          f"recorded time played {drift['played_s']:.2f} s in {drift['wall_s']:.2f} s; "
          f"CPU {drift['cpu_percent']:.0f} % of a core")
    click = summary(r["clicks"]["click_ms"])
    print_table("(b) start of playback from a click → first picture painted (ms; over HTTP from the recorder)",
                ["", "n", "p50", "p95", "max", "goal"],
                [["workspace.open → tile painted", click["n"], click["p50"], click["p95"], click["max"],
                  "p95 ≤ 300: " + ("met" if click["p95"] <= 300 else "NOT met")]])
    if export is not None:
        print(f"(d) export {export['minutes']:g} min × {export['cameras']} cameras: {export['ours_s']:.2f} s, "
              f"ffmpeg -c copy {export['ffmpeg_s']:.2f} s, {export['ratio']:.2f}× (goal ≤ 1.2×)")
    elif not args.export:
        print("(d) export: run with --export (benchmarks/bench_export.py's measure_export)")
    save("playback", {
        "recording": {"cameras": args.cameras, "seconds": recorded, "size": f"{SIZE[0]}x{SIZE[1]}", "fps": FPS,
                      "segment_seconds": SEGMENT_SECONDS, "built_s": built},
        "a_seek_ms": ours, "a_first_picture_ms": first, "a_libvlc_seek_ms": theirs, "a_ratio_p95": ratio,
        "a_first_picture_ratio_p95": first_ratio, "a_ratio_p50": p50_ratio, "a_libvlc_misses": vlc["libvlc_misses"],
        "a_picture_error_ms": summary(seeks["picture_error_ms"]),
        "a_libvlc_picture_error_ms": summary(vlc["libvlc_error_ms"]),
        "a_read_from_segment_start_ms": summary(vlc["from_start_ms"]), "a_ffmpeg_seek_ms": summary(vlc["ffmpeg_seek_ms"]),
        "a_ffmpeg_seek_late": vlc["ffmpeg_seek_late"],
        "c_step_ms": step_all, "c_step_forward_ms": step_f, "c_step_back_ms": step_b,
        "c_wrong_steps": steps["wrong_steps"],
        "b_click_to_picture_ms": summary(r["clicks"]["click_ms"]),
        "e_drift_frames": drift_s, "e_seconds": drift["wall_s"], "e_waiting_ticks": drift["waiting_ticks"],
        "e_ticks": drift["ticks"], "e_frames_call_ms": summary(drift["tick_ms"]), "e_cpu_percent": drift["cpu_percent"],
        "d_export": export,
    })


if __name__ == "__main__":
    main()
