"""One measurement for bench_decode.py, in a process of its own so CPU and RSS are its own.

--mode ours: the video engine (FFmpeg ingest shared per camera, a TS pipe and a libvlc
player with callbacks per tile).  --mode bare: libvlc with the same callbacks playing
MPEG-TS over UDP, fed by one PyAV remuxer per camera in this process (libvlc cannot open
RTSP itself; the feeders' CPU counts, as ours does).

Prints one JSON line: cpu_percent (of one core), rss_mb, per-tile displayed fps.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import av
import vlc
from common import CpuMeter, rss_mb

from console.video.player import VideoEngine
from console.video.player import _FrameBuffers as FrameBuffers

INGEST_OPTIONS = {"rtsp_transport": "tcp", "probesize": "32", "analyzeduration": "0", "flags": "low_delay"}
DATAGRAM = 7 * 188


class UdpFeeder:
    """RTSP in, MPEG-TS out to several loopback UDP ports (one per tile showing the camera)."""

    def __init__(self, url: str, ports: list[int]) -> None:
        self.url, self.ports = url, ports
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.buffer = bytearray()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def write(self, data: bytes) -> int:
        self.buffer += data
        while len(self.buffer) >= DATAGRAM:
            chunk = bytes(self.buffer[:DATAGRAM])
            del self.buffer[:DATAGRAM]
            for port in self.ports:
                self.sock.sendto(chunk, ("127.0.0.1", port))
        return len(data)

    def run(self) -> None:
        with av.open(self.url, options=INGEST_OPTIONS, timeout=(5, 5)) as source:
            stream = source.streams.video[0]
            out = av.open(self, mode="w", format="mpegts", container_options={"flush_packets": "1", "max_delay": "0"})
            target = out.add_stream_from_template(stream)
            for packet in source.demux(stream):
                if self.stop.is_set():
                    break
                if packet.dts is None or packet.size == 0:
                    continue
                packet.stream = target
                try:
                    out.mux(packet)
                except ValueError:
                    continue
            out.close()


def displayed(media: vlc.Media, stats: vlc.MediaStats) -> int:
    return stats.displayed_pictures if media.get_stats(stats) else 0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", choices=["ours", "bare"], required=True)
    parser.add_argument("--tiles", type=int, required=True)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--warmup", type=float, default=4.0)
    parser.add_argument("urls", nargs="+")
    args = parser.parse_args()
    urls = [args.urls[i % len(args.urls)] for i in range(args.tiles)]
    baseline_rss = rss_mb()

    medias: list[vlc.Media] = []
    closers = []
    if args.mode == "ours":
        engine = VideoEngine(linger=60.0)
        players = [engine.player("callbacks") for _ in urls]
        for player, url in zip(players, urls, strict=True):
            player.play(url)

        def current_medias() -> list[vlc.Media]:
            return [p._media for p in players]

        closers.append(engine.close)
    else:
        # The same colour conversion as ours (fast bilinear), so the comparison is of everything else.
        instance = vlc.Instance(["--quiet", "--no-audio", "--avcodec-threads=1", "--no-video-title-show", "--no-osd",
                                 "--swscale-mode=0"])
        ports = []
        players_bare = []
        keep = []
        for _url in urls:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                s.bind(("127.0.0.1", 0))
                ports.append(s.getsockname()[1])
        for port in ports:
            mp = instance.media_player_new()
            buffers = FrameBuffers(lambda: None)  # the same RV32 callbacks as the engine's
            buffers.install(mp)
            keep.append(buffers)
            media = instance.media_new(f"udp://@127.0.0.1:{port}")
            # 300 ms: with less, libvlc drops late UDP frames and then does less work than a
            # baseline should (every frame must be shown, as ours are).
            media.add_options(":demux=ts", ":network-caching=300")
            mp.set_media(media)
            mp.play()
            players_bare.append(mp)
            medias.append(media)
        time.sleep(0.3)  # players listening before the feeders send
        by_url: dict[str, list[int]] = {}
        for url, port in zip(urls, ports, strict=True):
            by_url.setdefault(url, []).append(port)
        feeders = [UdpFeeder(url, p) for url, p in by_url.items()]

        def current_medias() -> list[vlc.Media]:
            return medias

        def close_bare() -> None:
            for f in feeders:
                f.stop.set()
            for mp in players_bare:
                mp.stop()
                mp.release()
            instance.release()

        closers.append(close_bare)

    time.sleep(args.warmup)
    stats = vlc.MediaStats()
    before = [displayed(m, stats) if m is not None else 0 for m in current_medias()]
    meter = CpuMeter()
    time.sleep(args.seconds)
    cpu = meter.percent()
    elapsed = args.seconds
    after = [displayed(m, stats) if m is not None else 0 for m in current_medias()]
    fps = [(a - b) / elapsed for a, b in zip(after, before, strict=True)]
    rss = rss_mb()
    print(json.dumps({"mode": args.mode, "tiles": args.tiles, "cpu_percent": cpu, "rss_mb": rss,
                      "rss_start_mb": baseline_rss, "fps": fps}), flush=True)
    if args.mode == "bare":
        # This baseline's teardown (feeders still sending into players being released)
        # can crash inside libvlc; the figures are out, so leave without it.
        os._exit(0)
    for close in closers:
        close()


if __name__ == "__main__":
    main()
