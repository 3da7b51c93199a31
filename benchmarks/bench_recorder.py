"""Recorder: what `videowall recorder` costs against Debian's ffmpeg, and what its relay gives tiles.

(a) CPU (% of one core, the whole process) and bytes written to disk while recording 16 and 64
    simulated cameras for --seconds, against one `ffmpeg -c copy -f segment` process per camera
    recording the same cameras (their CPU summed), one after the other, never at once.  The
    recorder runs as operators run it (its relay on, no viewer).  "Stream bytes" are the H.264
    access units the cameras sent, demuxed back from each phase's own files (the recorder's
    appended access-unit delimiters not counted): bytes on disk / stream bytes for each, and
    the recorder's against what a bare copy writes for the same stream bytes.
(b) A tile switched to a camera the relay holds (a fresh relayed ingest each time: the pool
    lingers 0 s), play() to the first new frame, against bare FFmpeg's cold time to first
    frame on the same camera (bench_switch.py's baseline, run right after, not at once).
(c) Live lag: arrival at this process minus the capture time burned into every picture, for a
    few cameras taken through the relay and straight from the camera at the same time.

    ./run bench recorder [--seconds 30] [--cameras 16,64] [--switches 30] [--lag-seconds 10]
                         [--lag-cameras 4] [--skip-ffmpeg]

Everything talks to 127.0.0.1 only.  If the simulated site cannot keep a camera count going
(it fails to start, or delivers under 90 % of its frames), that count is halved and said.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import av
import av.error
import zmq
from bench_switch import bare_ffmpeg_first_frame, shown_camera, wait_first_frame
from common import ROOT, percentile, print_table, save, summary

from console.matrix import catalog as catalog_db
from console.matrix.catalog import camera_from_entry
from console.matrix.keys import to_json
from console.sim.identity import decode_time
from console.sim.site import SimError, SimSite, free_port
from console.video.ingest import CachedPacket, Ingest, Session
from console.video.nal import TRAILERS
from console.video.player import VideoEngine
from console.video.relay import RelayClient, RelayedIngest

FPS = 15
SIZE = (320, 240)
SEGMENT_SECONDS = 10
WARMUP = 3.0
CLK_TCK = os.sysconf("SC_CLK_TCK")
TRAILER = TRAILERS["h264"]


# -- processes ------------------------------------------------------------------------------
def _die_with_parent() -> None:
    """In the child: SIGTERM when this benchmark dies, however it dies (kill -9 included)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class Children:
    """Every process this benchmark starts, ended in `close` whatever happened."""

    def __init__(self) -> None:
        self.procs: list[subprocess.Popen[Any]] = []

    def start(self, cmd: list[str], **kwargs: Any) -> subprocess.Popen[Any]:
        proc = subprocess.Popen(cmd, preexec_fn=_die_with_parent, **kwargs)  # noqa: PLW1509 (main thread only)
        self.procs.append(proc)
        return proc

    @staticmethod
    def end(procs: list[subprocess.Popen[Any]], timeout: float = 10.0) -> None:
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()
        deadline = time.monotonic() + timeout
        for proc in procs:
            try:
                proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def close(self) -> None:
        self.end(self.procs)
        for proc in self.procs:
            for stream in (proc.stdin, proc.stdout, proc.stderr):
                if stream:
                    stream.close()
        self.procs.clear()


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (all its threads) from /proc/PID/stat; 0 once it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = text[text.rindex(")") + 2:].split()  # from field 3 (state) on: utime is 14, stime 15
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def tree_bytes(root: Path) -> int:
    total = 0
    for folder, _dirs, files in os.walk(root):
        for name in files:
            with contextlib.suppress(OSError):
                total += (Path(folder) / name).stat().st_size
    return total


def wait_for(what: str, check: Any, timeout: float, step: float = 0.1) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(step)
    raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")


def all_writing(folders: list[Path]) -> bool:
    """Every folder holds a .ts file with bytes in it."""
    return all(any(p.stat().st_size > 0 for p in f.rglob("*.ts")) for f in folders if f.exists()) \
        and all(f.exists() for f in folders)


@dataclass
class Window:
    seconds: float
    cpu_percent: float  # of one core, the measured processes summed
    sim_cpu_percent: float
    disk_bytes: int  # written under the output folders during the window

    @classmethod
    def measure(cls, pids: list[int], sim_pid: int, folders: list[Path], seconds: float) -> Window:
        cpu0, sim0 = sum(cpu_seconds(p) for p in pids), cpu_seconds(sim_pid)
        bytes0, t0 = sum(tree_bytes(f) for f in folders), time.monotonic()
        time.sleep(seconds)
        cpu1, sim1 = sum(cpu_seconds(p) for p in pids), cpu_seconds(sim_pid)
        bytes1, t1 = sum(tree_bytes(f) for f in folders), time.monotonic()
        return cls(t1 - t0, 100 * (cpu1 - cpu0) / (t1 - t0), 100 * (sim1 - sim0) / (t1 - t0), bytes1 - bytes0)


@dataclass
class Files:
    """What a phase left on disk: all its bytes, and the H.264 it holds."""

    disk_bytes: int = 0
    stream_bytes: int = 0  # access units as the camera sent them
    frames: int = 0
    span: float = 0.0  # seconds of pictures, summed over files (pts span + one frame)

    @property
    def fps(self) -> float:
        return self.frames / self.span if self.span else float("nan")


def read_files(root: Path, trailer: bytes = b"") -> Files:
    out = Files(disk_bytes=tree_bytes(root))
    for path in sorted(root.rglob("*.ts")):
        try:
            with av.open(str(path), format="mpegts") as container:
                if not container.streams.video:
                    continue
                stream = container.streams.video[0]
                first = last = None
                for packet in container.demux(stream):
                    if not packet.size:
                        continue
                    size = packet.size
                    if trailer and bytes(packet).endswith(trailer):
                        size -= len(trailer)
                    out.stream_bytes += size
                    out.frames += 1
                    if packet.pts is not None:
                        first = packet.pts if first is None else min(first, packet.pts)
                        last = packet.pts if last is None else max(last, packet.pts)
                if first is not None and last is not None and stream.time_base:
                    out.span += float((last - first) * stream.time_base) + 1 / FPS
        except (av.error.FFmpegError, OSError) as exc:
            print(f"  (unreadable {path.name}: {exc})", file=sys.stderr)
    return out


# -- the recorder ---------------------------------------------------------------------------
class Recorder:
    """`videowall recorder` in its own process, on a catalog of the site's cameras."""

    def __init__(self, children: Children, site: SimSite, work: Path, viewer_public: bytes) -> None:
        self.work = work
        work.mkdir(parents=True)
        self.keys = zmq.curve_keypair()
        self.store = work / "store"
        catalog = work / "catalog.sqlite"
        catalog_db.build([camera_from_entry(c.to_catalog(None)) for c in site.cameras], catalog)
        self.relay = f"tcp://127.0.0.1:{free_port({site.port, site.control_port})}"
        config = work / "recorder.yaml"
        config.write_text(
            f"store: {self.store}\ncatalog: {catalog}\nrelay: '{self.relay}'\n"
            f"segment_seconds: {SEGMENT_SECONDS}\nrecord: all\nretention: {{min_free_gb: 0}}\n"
            # Quoted: a Z85 key may hold any of YAML's flow indicators.
            f"viewers: {{bench: '{viewer_public.decode()}'}}\n", encoding="utf-8")
        self.log = work / "recorder.stderr"
        env = dict(os.environ, XDG_STATE_HOME=str(work / "state"))  # its log file, not the user's
        with self.log.open("wb") as err:
            self.proc = children.start([sys.executable, "-m", "console", "recorder", "--config", str(config),
                                        "--key-stdin"], cwd=ROOT, env=env, stdin=subprocess.PIPE,
                                       stdout=subprocess.PIPE, stderr=err, text=True)
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(to_json(*self.keys) + "\n")
        self.proc.stdin.close()
        line: list[str] = []
        reader = threading.Thread(target=lambda: line.append(self.proc.stdout.readline()), daemon=True)  # type: ignore[union-attr]
        reader.start()
        reader.join(60)
        if not line or not line[0]:
            raise RuntimeError(f"the recorder did not say it was ready: {self.stderr_tail()}")
        event = json.loads(line[0])
        if event.get("event") != "ready":
            raise RuntimeError(f"the recorder said {line[0].strip()}")
        self.folders = [self.store / str(c.number) for c in site.cameras]
        try:
            wait_for("every camera recorded", lambda: all_writing(self.folders), 60, 0.25)
        except TimeoutError as exc:
            raise RuntimeError(f"{exc}: {self.stderr_tail()}") from None

    def stderr_tail(self) -> str:
        with contextlib.suppress(OSError):
            return "".join(self.log.read_text(errors="replace").splitlines(keepends=True)[-15:])
        return ""

    def stop(self) -> None:
        Children.end([self.proc], 20)


def ffmpeg_phase(children: Children, site: SimSite, work: Path, seconds: float) -> tuple[Window, Files]:
    procs, folders = [], []
    work.mkdir(parents=True)
    errors = work.with_name(work.name + ".stderr")  # beside its folder: not counted as its bytes
    with errors.open("wb") as err:
        for camera in site.cameras:
            out = work / str(camera.number)
            out.mkdir(parents=True)
            folders.append(out)
            procs.append(children.start(
                ["ffmpeg", "-nostdin", "-loglevel", "error", "-rtsp_transport", "tcp", "-i", site.url(camera.number),
                 "-c", "copy", "-f", "segment", "-segment_time", str(SEGMENT_SECONDS), "-segment_format", "mpegts",
                 str(out / "%05d.ts")], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err))
    try:
        wait_for("every ffmpeg writing", lambda: all_writing(folders), 60, 0.25)
        time.sleep(WARMUP)
        window = Window.measure([p.pid for p in procs], site_pid(site), folders, seconds)
        gone = [p for p in procs if p.poll() is not None]
        if gone:
            raise RuntimeError(f"{len(gone)} ffmpeg processes exited: {errors.read_text(errors='replace')[-800:]}")
    finally:
        Children.end(procs)
    return window, read_files(work)


def site_pid(site: SimSite) -> int:
    return site._proc.pid if site._proc is not None else 0


# -- (b) switching to a relayed camera ------------------------------------------------------
def relay_switches(site: SimSite, recorder: Recorder, viewer: tuple[bytes, bytes], switches: int,
                   rng: random.Random) -> dict[str, Any]:
    engine = VideoEngine(linger=0.0)  # every switch opens a fresh relayed ingest
    engine.use_relay({"endpoint": recorder.relay, "public_key": recorder.keys[0].decode()}, *viewer)
    player = engine.player("callbacks")
    cameras = [c.number for c in site.cameras]
    relayed, bare, modes, wrong = [], [], [], 0
    try:
        for i in range(switches + 1):  # the first one opens the CurveZMQ connection: not counted
            number = cameras[i % len(cameras)]
            url = site.url(number)
            if engine.pool.get(url) is not None:
                raise RuntimeError(f"the pool still holds camera {number}")
            started = time.monotonic()
            player.play(url)
            took = wait_first_frame(player, started)
            time.sleep(0.05)
            mode = getattr(player.ingest, "mode", "direct")
            wrong += shown_camera(player) != number
            player.stop()
            if i == 0:
                continue
            relayed.append(took)
            modes.append(mode)
            result: dict[str, float] = {}
            bare_ffmpeg_first_frame(url, result)  # right after, not at once: both would share 2 cores
            bare.append(result["first"] - result["t0"])
            time.sleep(rng.uniform(0.1, 0.5))
    finally:
        engine.close()
    return {"relay": relayed, "bare": bare, "not_relayed": sum(m != "relay" for m in modes), "wrong": wrong}


# -- (c) live lag ---------------------------------------------------------------------------
class Collect:
    """A PacketSink that keeps every access unit and when it arrived (decoded afterwards)."""

    def __init__(self) -> None:
        self.packets: list[CachedPacket] = []

    def on_session_start(self, session: Session) -> None:
        pass

    def on_packet(self, session: Session, packet: CachedPacket) -> None:
        self.packets.append(packet)

    def on_session_end(self, session: Session) -> None:
        pass


def arrivals(packets: list[CachedPacket]) -> dict[int, float]:
    """Capture time burned into each decoded picture (ms) -> when its packet arrived (monotonic)."""
    ctx = av.CodecContext.create("h264", "r")
    out: dict[int, float] = {}
    keyed = False
    for index, cached in enumerate(packets):
        keyed = keyed or cached.keyframe
        if not keyed:
            continue
        packet = av.Packet(cached.data)
        packet.pts = index
        try:
            frames = ctx.decode(packet)
        except av.error.InvalidDataError:
            continue
        for frame in frames:
            rgb = frame.reformat(format="rgb24")
            plane = rgb.planes[0]
            data, stride = bytes(plane), plane.line_size

            def pixel(x: int, y: int, data: bytes = data, stride: int = stride) -> tuple[int, int, int]:
                at = y * stride + 3 * x
                return data[at], data[at + 1], data[at + 2]

            out[decode_time(pixel, rgb.width, rgb.height)] = packets[int(frame.pts)].received
    return out


def live_lag(site: SimSite, recorder: Recorder, viewer: tuple[bytes, bytes], cameras: int,
             seconds: float) -> dict[str, Any]:
    client = RelayClient(recorder.relay, recorder.keys[0], *viewer)
    urls = [site.url(c.number) for c in site.cameras[:cameras]]
    relayed = {url: RelayedIngest(url, client, Ingest) for url in urls}
    direct = {url: Ingest(url) for url in urls}
    sinks = {(path, url): Collect() for path in ("relay", "direct") for url in urls}
    try:
        for url in urls:
            relayed[url].attach(sinks["relay", url])
            direct[url].attach(sinks["direct", url])
            relayed[url].start()
            direct[url].start()
        time.sleep(2.0)  # both live, the relay's GOP backlog behind us
        since = time.monotonic()
        time.sleep(seconds)
        until = time.monotonic()
        modes = {relayed[url].mode for url in urls}
    finally:
        for ingest in [*relayed.values(), *direct.values()]:
            ingest.stop(wait=0)
        for ingest in [*relayed.values(), *direct.values()]:
            ingest.stop()
        client.close()
    offset = statistics_offset()
    lags: dict[str, list[float]] = {"relay": [], "direct": []}
    paired: list[float] = []
    for url in urls:
        seen = {path: {ms: at for ms, at in arrivals(sinks[path, url].packets).items() if since <= at <= until}
                for path in ("relay", "direct")}
        for path, frames in seen.items():
            lags[path] += [(at + offset) * 1000 - ms for ms, at in frames.items()]
        paired += [(seen["relay"][ms] - seen["direct"][ms]) * 1000 for ms in seen["relay"].keys() & seen["direct"].keys()]
    return {"lags": lags, "paired": paired, "modes": sorted(modes)}


def statistics_offset() -> float:
    """time.time() - time.monotonic(), from the tightest of a few paired samples."""
    best = None
    for _ in range(20):
        a = time.monotonic()
        wall = time.time()
        b = time.monotonic()
        if best is None or b - a < best[0]:
            best = (b - a, wall - (a + b) / 2)
    assert best is not None
    return best[1]


# -- the run --------------------------------------------------------------------------------
@dataclass
class CountResult:
    cameras: int
    recorder: Window | None = None
    recorder_files: Files = field(default_factory=Files)
    ffmpeg: Window | None = None
    ffmpeg_files: Files = field(default_factory=Files)


def start_site(cameras: int) -> SimSite:
    port = free_port()
    return SimSite(cameras, size=SIZE, fps=FPS, gop=1.0, port=port, control_port=free_port({port})).start(timeout=120)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=30.0, help="measurement window of each phase of (a)")
    parser.add_argument("--cameras", default="16,64", help="camera counts for (a), comma-separated")
    parser.add_argument("--switches", type=int, default=30)
    parser.add_argument("--lag-seconds", type=float, default=10.0)
    parser.add_argument("--lag-cameras", type=int, default=4)
    parser.add_argument("--skip-ffmpeg", action="store_true", help="no ffmpeg phase in (a)")
    args = parser.parse_args()
    counts = sorted({int(c) for c in args.cameras.split(",") if c.strip()})
    if not args.skip_ffmpeg and shutil.which("ffmpeg") is None:
        sys.exit("no ffmpeg: install Debian's (./run bench recorder does), or pass --skip-ffmpeg")
    rng = random.Random(20261125)
    # SIGTERM runs the finally clauses, as Ctrl-C does.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    work = Path(tempfile.mkdtemp(prefix="videowall-bench-recorder-"))
    children = Children()
    viewer = zmq.curve_keypair()
    results: list[CountResult] = []
    notes: list[str] = []
    switch: dict[str, Any] | None = None
    lag: dict[str, Any] | None = None
    site: SimSite | None = None
    recorder: Recorder | None = None
    try:
        queue = list(counts)
        while queue:
            count = queue.pop(0)
            print(f"{count} cameras: recorder ...", file=sys.stderr, flush=True)
            try:
                site = start_site(count)
            except SimError as exc:
                if count <= counts[0]:
                    raise
                notes.append(f"the simulated site could not start {count} cameras ({exc}): {count // 2} instead")
                queue.insert(0, count // 2)
                continue
            result = CountResult(count)
            recorder = Recorder(children, site, work / f"recorder-{count}", viewer[0])
            time.sleep(WARMUP)
            result.recorder = Window.measure([recorder.proc.pid], site_pid(site), [recorder.store], args.seconds)
            if count == counts[0]:
                print("switches through the relay ...", file=sys.stderr, flush=True)
                switch = relay_switches(site, recorder, viewer, args.switches, rng)
                print("live lag ...", file=sys.stderr, flush=True)
                lag = live_lag(site, recorder, viewer, min(args.lag_cameras, count), args.lag_seconds)
            recorder.stop()
            recorder = None
            result.recorder_files = read_files(work / f"recorder-{count}" / "store", TRAILER)
            delivered = result.recorder_files.fps
            if count > counts[0] and not delivered >= 0.9 * FPS:
                notes.append(f"the simulated site delivered {delivered:.1f} of {FPS} fps with {count} cameras "
                             f"(its CPU {result.recorder.sim_cpu_percent:.0f} % of a core): {count // 2} instead")
                site.close()
                site = None
                queue.insert(0, count // 2)
                continue
            if not args.skip_ffmpeg:
                print(f"{count} cameras: ffmpeg ...", file=sys.stderr, flush=True)
                result.ffmpeg, result.ffmpeg_files = ffmpeg_phase(children, site, work / f"ffmpeg-{count}", args.seconds)
            results.append(result)
            site.close()
            site = None
    except Exception:
        if recorder is not None:
            print("recorder stderr:", recorder.stderr_tail(), file=sys.stderr)
        if site is not None:
            print("simulated site stderr:", "".join(site._stderr[-20:]), "running:", site.running, file=sys.stderr)
        raise
    finally:
        if recorder is not None:
            recorder.stop()
        children.close()
        if site is not None:
            site.close()
        shutil.rmtree(work, ignore_errors=True)

    report(args, results, switch, lag, notes)


def report(args: argparse.Namespace, results: list[CountResult], switch: dict[str, Any] | None,
           lag: dict[str, Any] | None, notes: list[str]) -> None:
    for note in notes:
        print(f"\n  NOTE: {note}")
    verdict = lambda ok: "met" if ok else "NOT met"  # noqa: E731
    goals: dict[str, Any] = {}
    out: dict[str, Any] = {"seconds": args.seconds, "notes": notes, "cameras": {}}

    rows = []
    for r in results:
        for who, window, files in (("recorder", r.recorder, r.recorder_files), ("ffmpeg -c copy", r.ffmpeg, r.ffmpeg_files)):
            if window is None:
                continue
            per_cam_s = window.disk_bytes / r.cameras / window.seconds
            rows.append([r.cameras, who, window.cpu_percent, window.cpu_percent / r.cameras, per_cam_s / 1000,
                         f"{files.disk_bytes / max(1, files.stream_bytes):.3f}", f"{files.fps:.2f}",
                         window.sim_cpu_percent])
    print_table(f"(a) Recording, {args.seconds:.0f} s window after {WARMUP:.0f} s warm-up "
                f"({SIZE[0]}x{SIZE[1]}@{FPS}, GOP 1 s, {SEGMENT_SECONDS} s segments)",
                ["cameras", "", "CPU % core", "per camera", "disk KB/cam/s", "disk/stream", "fps kept", "sim CPU %"],
                rows)
    print("  disk/stream: all bytes the phase left (segments, index) over the H.264 they hold")
    for r in results:
        entry: dict[str, Any] = {"recorder": {"window": vars(r.recorder), "files": vars(r.recorder_files)}}
        if r.ffmpeg is not None and r.recorder is not None:
            cpu = r.recorder.cpu_percent / max(1e-9, r.ffmpeg.cpu_percent)
            rec_ratio = r.recorder_files.disk_bytes / max(1, r.recorder_files.stream_bytes)
            ff_ratio = r.ffmpeg_files.disk_bytes / max(1, r.ffmpeg_files.stream_bytes)
            disk = rec_ratio / ff_ratio
            entry["ffmpeg"] = {"window": vars(r.ffmpeg), "files": vars(r.ffmpeg_files)}
            entry["recorder_over_ffmpeg_cpu"] = cpu
            entry["recorder_disk_over_stream"] = rec_ratio
            entry["ffmpeg_disk_over_stream"] = ff_ratio
            entry["recorder_disk_over_bare_copy"] = disk
            goals[f"cpu_{r.cameras}"] = cpu <= 1.2
            goals[f"disk_{r.cameras}"] = disk <= 1.05
            print(f"\n  {r.cameras} cameras: recorder CPU / ffmpeg CPU = {cpu:.2f}   (goal <= 1.2: {verdict(cpu <= 1.2)})")
            print(f"  {r.cameras} cameras: recorder bytes on disk / stream bytes as a bare copy writes them = "
                  f"{disk:.3f}   (goal <= 1.05: {verdict(disk <= 1.05)}; per stream byte: recorder {rec_ratio:.3f}, "
                  f"ffmpeg {ff_ratio:.3f})")
        out["cameras"][str(r.cameras)] = entry

    ms = lambda values: [v * 1000 for v in values]  # noqa: E731
    if switch is not None:
        rows_b = {"relay switch": summary(ms(switch["relay"])), "bare FFmpeg cold": summary(ms(switch["bare"]))}
        print_table(f"(b) Switch to a camera the relay holds, play() to first frame, ms ({len(switch['relay'])} switches)",
                    ["", "n", "p50", "p95", "mean", "min", "max"],
                    [[k, int(v["n"]), v["p50"], v["p95"], v["mean"], v["min"], v["max"]] for k, v in rows_b.items()])
        p50, p95 = rows_b["relay switch"]["p50"], rows_b["relay switch"]["p95"]
        ratio = p50 / rows_b["bare FFmpeg cold"]["p50"]
        goals["switch_p50"], goals["switch_p95"] = p50 <= 60, p95 <= 120
        print(f"\n  relay switch p50 = {p50:.1f} ms (goal <= 60: {verdict(p50 <= 60)}), p95 = {p95:.1f} ms "
              f"(goal <= 120: {verdict(p95 <= 120)}); p50 / bare FFmpeg p50 = {ratio:.3f}")
        print(f"  not through the relay: {switch['not_relayed']}; wrong camera shown: {switch['wrong']}")
        out["switch_ms"] = {**rows_b, "relay_over_bare_p50": ratio, "not_relayed": switch["not_relayed"],
                            "wrong_camera": switch["wrong"]}
    if lag is not None:
        rows_c = {"through the relay": summary(lag["lags"]["relay"]), "direct ingest": summary(lag["lags"]["direct"]),
                  "relay - direct, same frame": summary(lag["paired"])}
        print_table(f"(c) Live lag, arrival - burned capture time, ms ({args.lag_cameras} cameras, {args.lag_seconds:.0f} s, "
                    f"relay modes {','.join(lag['modes'])})",
                    ["", "n", "p50", "p95", "mean", "min", "max"],
                    [[k, int(v["n"]), v["p50"], v["p95"], v["mean"], v["min"], v["max"]] for k, v in rows_c.items()])
        d50 = rows_c["through the relay"]["p50"] - rows_c["direct ingest"]["p50"]
        d95 = rows_c["through the relay"]["p95"] - rows_c["direct ingest"]["p95"]
        goals["lag"] = d50 <= 10 and d95 <= 10
        print(f"\n  relay - direct: p50 {d50:+.1f} ms, p95 {d95:+.1f} ms; same frame p50 "
              f"{percentile(lag['paired'], 50):+.1f} ms   (goal relay <= direct + 10 ms: {verdict(goals['lag'])})")
        out["lag_ms"] = {**rows_c, "p50_difference": d50, "p95_difference": d95}
    save("recorder", {**out, "goals_met": goals,
                      "goals": {"cpu_over_ffmpeg": 1.2, "disk_over_stream_bytes": 1.05, "switch_p50_ms": 60,
                                "switch_p95_ms": 120, "relay_lag_over_direct_ms": 10}})


if __name__ == "__main__":
    main()
