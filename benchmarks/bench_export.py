"""Export: 10 minutes of 4 cameras from the recorder's store to signed MP4s, against `ffmpeg -c copy`.

The store is made the way the recorder makes it, only faster than real time: a test pattern
(320×240@15, GOP 1 s, H.264 baseline, as the simulated cameras send) is encoded once with
PyAV's libx264, and its packets go through the recorder's own writer (CameraRecorder →
SegmentWriter → Store, 60 s segments as `videowall recorder` writes by default) with the
timestamps and arrival times a camera sending in real time would have given them, ending a
minute ago.  Nothing in the store knows the difference: same files, same index.

Ours: `Exporter.export` over a `LocalSource` (every camera, hashing and the signed manifest
included).  Baseline in the same run: Debian's `ffmpeg -c copy` with the concat demuxer over
the same segment files into one MP4 per camera; both one camera after the other, both best of
--rounds.  Goal: ours ≤ 1.2× ffmpeg's wall time.

    ./run bench export [--cameras 4] [--minutes 10] [--rounds 3] [--size 320x240] [--kbps 400]
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
from common import ROOT, print_table, save

from console.evidence.store import Centre
from console.recorder.export import ExportCamera, Exporter, ExportRequest
from console.recorder.source import LocalSource
from console.recorder.store import CameraRecorder, Store
from console.video.ingest import CachedPacket, Session

FPS = 15
GOP = 15
SEGMENT_SECONDS = 60
CLIP_SECONDS = 60  # encoded once, looped with timestamps running on


Packets = list[tuple[bytes, int, int, bool]]


def encode_clip(size: tuple[int, int], seconds: int = CLIP_SECONDS, kbps: int = 400) -> tuple[bytes, Packets]:
    """A moving test pattern as MPEG-TS bytes (the template a camera's session gives) and its
    packets (data, pts, dts, keyframe) in 1/90000 s."""
    import numpy as np

    width, height = size
    out = io.BytesIO()
    with av.open(out, "w", format="mpegts") as container:
        stream = container.add_stream("libx264", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.codec_context.bit_rate = kbps * 1000
        stream.codec_context.gop_size = GOP
        stream.codec_context.max_b_frames = 0
        stream.codec_context.options = {"preset": "ultrafast", "tune": "zerolatency", "profile": "baseline",
                                        "x264-params": f"keyint={GOP}:min-keyint={GOP}:scenecut=0"}
        ys, xs = np.mgrid[0:height, 0:width]
        noise = np.random.default_rng(1).integers(0, 40, (height, width, 3), dtype=np.uint8)
        for i in range(seconds * FPS):
            rgb = np.empty((height, width, 3), dtype=np.uint8)
            rgb[..., 0] = (xs + 3 * i) % 256
            rgb[..., 1] = (ys + 2 * i) % 256
            rgb[..., 2] = ((xs + ys) // 2 + i) % 256
            rgb += noise  # a little texture, so the bitrate is a camera's rather than a cartoon's
            frame = av.VideoFrame.from_ndarray(rgb, format="rgb24").reformat(format="yuv420p")
            frame.pts = i
            frame.time_base = Fraction(1, FPS)
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


def build_store(root: Path, cameras: int = 4, minutes: float = 10.0, *, size: tuple[int, int] = (320, 240),
                segment_seconds: int = SEGMENT_SECONDS, kbps: int = 400) -> tuple[float, float]:
    """Record `minutes` of each camera into a store at `root` through the recorder's writer.
    Returns the recorded span (UTC start, end)."""
    template, packets = encode_clip(size, kbps=kbps)
    clip_ticks = packets[-1][2] - packets[0][2] + (packets[1][2] - packets[0][2])
    total = int(minutes * 60 * FPS)
    store = Store(root)
    span_start = span_end = 0.0
    try:
        with av.open(io.BytesIO(template), format="mpegts") as source:
            stream = source.streams.video[0]
            tb = Fraction(stream.time_base)
            # Arrival times of a camera that sent in real time and stopped a minute ago.
            mono_start = time.monotonic() - minutes * 60 - 60
            for number in range(1, cameras + 1):
                recorder = CameraRecorder(store, number, segment_seconds=segment_seconds)
                session = Session(number, stream, "h264", size[0], size[1], tb)
                recorder.on_session_start(session)
                base = packets[0][2]
                for i in range(total):
                    data, pts, dts, key = packets[i % len(packets)]
                    loop = (i // len(packets)) * clip_ticks
                    dts_now = dts - base + loop + 900_000  # a camera's clock does not start at 0
                    pts_now = pts - base + loop + 900_000
                    arrival = mono_start + float((dts_now - 900_000) * tb) + 0.03
                    recorder.on_packet(session, CachedPacket(data, pts_now, dts_now, key, arrival))
                recorder.on_session_end(session)
                recorder.close()
        segments = store.segments(1)
        span_start, span_end = segments[0].start_utc, segments[-1].end_utc
    finally:
        store.close()
    return span_start, span_end


def ffmpeg_concat(store_root: Path, camera: int, start: float, end: float, out: Path) -> None:
    with Store(store_root, readonly=True) as store:
        paths = [store.path_of(s) for s in store.segments(camera, start, end)]
    listing = out.with_suffix(".txt")
    listing.write_text("".join(f"file '{p}'\n" for p in paths))
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-f", "concat", "-safe", "0", "-i", str(listing),
                    "-c", "copy", "-y", str(out)], check=True)
    listing.unlink()


def measure_export(store_root: Path | None = None, *, cameras: int = 4, minutes: float = 10.0, rounds: int = 3,
                   size: tuple[int, int] = (320, 240), kbps: int = 400, work: Path | None = None) -> dict[str, Any]:
    """Best-of-`rounds` wall time of our export and of `ffmpeg -c copy` (concat) on the same
    segments; builds a store first when none is given.  A file keyring must be in place (the
    export signs with the centre's key): see main()."""
    own_work = work is None
    work = Path(work or tempfile.mkdtemp(prefix="videowall-bench-export-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        built = time.monotonic()
        if store_root is None:
            store_root = work / "store"
            start, end = build_store(store_root, cameras, minutes, size=size, kbps=kbps)
        else:
            with Store(store_root, readonly=True) as store:
                segments = store.segments(1)
                start, end = segments[0].start_utc, segments[-1].end_utc
        built = time.monotonic() - built
        end = min(end, start + minutes * 60)
        numbers = list(range(1, cameras + 1))
        ours: list[float] = []
        theirs: list[float] = []
        result: dict[str, Any] = {}
        source = LocalSource(store_root)
        try:
            exporter = Exporter(source, Centre("benchmark centre", "bench-export"))
            for r in range(rounds):
                out = work / f"ours-{r}"
                began = time.perf_counter()
                done = exporter.export(ExportRequest(tuple(ExportCamera(n, f"CAM {n}") for n in numbers), start, end,
                                                     out, "benchmark"))
                ours.append(time.perf_counter() - began)
                files = done.manifest["files"]
                result = {"files": len(files), "frames": sum(f["frames"] for f in files),
                          "bytes": sum(f["bytes"] for f in files)}
                shutil.rmtree(out)
                folder = work / f"ffmpeg-{r}"
                folder.mkdir()
                began = time.perf_counter()
                for n in numbers:
                    ffmpeg_concat(store_root, n, start, end, folder / f"camera-{n}.mp4")
                theirs.append(time.perf_counter() - began)
                result["ffmpeg_bytes"] = sum(p.stat().st_size for p in folder.glob("*.mp4"))
                shutil.rmtree(folder)
        finally:
            source.close()
        return {"cameras": cameras, "minutes": minutes, "size": f"{size[0]}x{size[1]}", "kbps": kbps, "store_built_s": built,
                "ours_s": min(ours), "ffmpeg_s": min(theirs), "ratio": min(ours) / min(theirs),
                "ours_all_s": ours, "ffmpeg_all_s": theirs, **result}
    finally:
        if own_work:
            shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cameras", type=int, default=4)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--size", default="320x240", help="the cameras' picture (the simulated site's by default)")
    parser.add_argument("--kbps", type=int, default=400, help="their bitrate")
    args = parser.parse_args()
    if shutil.which("ffmpeg") is None:
        sys.exit("no ffmpeg: install Debian's (./run bench export does)")
    work = Path(tempfile.mkdtemp(prefix="videowall-bench-export-"))
    os.environ["VIDEOWALL_TEST_KEYRING"] = str(work / "keyring.json")  # the bench's own centre key
    import keyring

    sys.path.insert(0, str(ROOT))
    from tests.support.filekeyring import FileKeyring

    keyring.set_keyring(FileKeyring())
    width, height = (int(v) for v in args.size.split("x"))
    try:
        r = measure_export(cameras=args.cameras, minutes=args.minutes, rounds=args.rounds, size=(width, height),
                           kbps=args.kbps, work=work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print_table(f"export of {r['minutes']:g} min × {r['cameras']} cameras ({r['size']}@{FPS}, {r['kbps']} kbit/s, "
                f"{SEGMENT_SECONDS} s segments), "
                f"best of {args.rounds}",
                ["", "wall time (ms)", "MB written", "ratio"],
                [["videowall export (signed)", r["ours_s"] * 1000, r["bytes"] / 1e6, f"{r['ratio']:.2f}x"],
                 ["ffmpeg -c copy (concat)", r["ffmpeg_s"] * 1000, r["ffmpeg_bytes"] / 1e6, "1.00x"]])
    print(f"  {r['files']} files, {r['frames']} frames; goal ≤ 1.2x: {'met' if r['ratio'] <= 1.2 else 'NOT met'}")
    save("export", r)


if __name__ == "__main__":
    main()
