"""Switch latency: a tile switched between simulated cameras, command to first new frame.

Cold: the camera is not ingested yet (open, wait for a keyframe, start libvlc).  Warm: the
camera is already ingested (another tile, a tour's pre-connection, or a recent view), so the
tile starts from the GOP cache.  Bare FFmpeg: PyAV opening the same stream with the same
options and decoding until its first picture, started at the same instant as each cold switch
on the same camera: the simulated cameras stream all the time, so both join mid-GOP and wait
for the same keyframe, and the ratio is not at the mercy of where in the GOP a sample lands.

    ./run bench switch [--switches 50] [--cameras 16]
"""

from __future__ import annotations

import argparse
import random
import threading
import time

import av
from common import print_table, save, summary

from console.sim.identity import decode_number
from console.sim.site import SimSite, free_port
from console.video.player import TilePlayer, VideoEngine

INGEST_OPTIONS = {"rtsp_transport": "tcp", "probesize": "32", "analyzeduration": "0", "flags": "low_delay"}


def bare_ffmpeg_first_frame(url: str, out: dict[str, float]) -> None:
    """Time to first frame of FFmpeg itself: open with our options, decode until a picture."""
    out["t0"] = time.monotonic()
    with av.open(url, options=INGEST_OPTIONS, timeout=(5, 5)) as container:
        out["open"] = time.monotonic()
        for packet in container.demux(video=0):
            try:
                frames = packet.decode()
            except av.error.InvalidDataError:  # P-frames before the first keyframe
                continue
            if frames:
                out["first"] = time.monotonic()
                return


def wait_first_frame(player: TilePlayer, started: float, timeout: float = 5.0) -> float:
    deadline = started + timeout
    while time.monotonic() < deadline:
        first = player.buffers.first_frame_at
        if first is not None:
            return first - started
        time.sleep(0.0005)
    raise TimeoutError(f"no first frame from {player.masked_url} within {timeout} s")


def shown_camera(player: TilePlayer) -> int:
    frame = player.take_frame()
    assert frame is not None
    raw = frame.buffer.raw

    def pixel(x: int, y: int) -> tuple[int, int, int]:
        off = y * frame.stride + x * 4
        return raw[off + 2], raw[off + 1], raw[off]

    return decode_number(pixel, frame.width, frame.height)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--switches", type=int, default=50)
    parser.add_argument("--cameras", type=int, default=16)
    args = parser.parse_args()
    rng = random.Random(20261125)

    port = free_port()
    site = SimSite(args.cameras, size=(320, 240), fps=15, gop=1.0, port=port, control_port=free_port({port})).start()
    wrong = 0
    try:
        # -- cold, beside bare FFmpeg on the same camera at the same instant --------------
        # The simulated cameras stream all the time (like real ones, recorded by an NVR), so
        # both join mid-GOP and wait for the same next keyframe.
        cameras = [c.number for c in site.cameras]
        engine = VideoEngine(linger=0.0)
        player = engine.player("callbacks")
        cold, bare, opened, first_packet, keyed, bare_opened = [], [], [], [], [], []
        for i in range(args.switches):
            number = cameras[i % len(cameras)]
            url = site.url(number)
            result: dict[str, float] = {}
            ffmpeg = threading.Thread(target=bare_ffmpeg_first_frame, args=(url, result))
            started = time.monotonic()
            player.play(url)
            result["started"] = started
            ffmpeg.start()
            cold.append(wait_first_frame(player, started))
            ffmpeg.join(10)
            session = player.ingest.session if player.ingest else None
            if session is not None:
                opened.append(session.opened_at - started)
                if session.first_packet_at is not None:
                    first_packet.append(session.first_packet_at - started)
            if player._pipe is not None and player._pipe.keyed_at is not None:
                keyed.append(player._pipe.keyed_at - started)
            bare.append(result["first"] - result["t0"] + (result["t0"] - started))
            bare_opened.append(result["open"] - started)
            time.sleep(0.05)
            wrong += shown_camera(player) != number
            player.stop()
            time.sleep(rng.uniform(0.0, 1.0))  # a random point in the next GOP: uniform keyframe waits
        engine.close()

        # -- warm: every camera already ingested -----------------------------------------
        engine = VideoEngine(linger=3600.0)
        for number in cameras:
            engine.pool.preconnect(site.url(number))
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            ingests = [engine.pool.get(site.url(n)) for n in cameras]
            if all(i is not None and i.session is not None and i.session.gop for i in ingests):
                break
            time.sleep(0.05)
        player = engine.player("callbacks")
        warm = []
        current = None
        for _ in range(args.switches):
            number = rng.choice([n for n in cameras if n != current])
            current = number
            started = time.monotonic()
            player.play(site.url(number))
            warm.append(wait_first_frame(player, started))
            time.sleep(0.05)
            wrong += shown_camera(player) != number
            time.sleep(rng.uniform(0.1, 0.4))
        engine.close()
    except BaseException:
        print("simulated site stderr:", "".join(site._stderr[-20:]), "running:", site.running)
        raise
    finally:
        site.close()

    ms = lambda values: [v * 1000 for v in values]  # noqa: E731
    results = {
        "cold": summary(ms(cold)),
        "  ingest opened": summary(ms(opened)),
        "  first packet in": summary(ms(first_packet)),
        "  first keyframe to libvlc": summary(ms(keyed)),
        "bare FFmpeg": summary(ms(bare)),
        "  opened": summary(ms(bare_opened)),
        "warm": summary(ms(warm)),
    }
    ratio = results["cold"]["p50"] / results["bare FFmpeg"]["p50"]
    paired = sorted(c - b for c, b in zip(cold, bare, strict=True))
    extra_p50 = paired[len(paired) // 2] * 1000
    print_table(
        f"Switch latency, command to first frame, ms ({args.switches} switches, "
        f"{args.cameras} cameras 320x240@15, GOP 1 s)",
        ["", "n", "p50", "p95", "mean", "min", "max"],
        [[k, int(v["n"]), v["p50"], v["p95"], v["mean"], v["min"], v["max"]] for k, v in results.items()],
    )
    print(f"\n  cold p50 / bare FFmpeg p50 = {ratio:.3f}   (goal <= 1.0); paired difference p50 = {extra_p50:+.1f} ms")
    print(f"  warm p95 = {results['warm']['p95']:.1f} ms   (goal <= 80)")
    print(f"  wrong camera shown: {wrong}")
    save("switch", {"results_ms": results, "cold_over_bare_p50": ratio, "paired_extra_p50_ms": extra_p50,
                    "warm_p95_ms": results["warm"]["p95"], "wrong_camera": wrong,
                    "goals": {"warm_p95_ms": 80, "cold_over_bare_p50": 1.0}})


if __name__ == "__main__":
    main()
