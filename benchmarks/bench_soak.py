"""Soak: does memory stay flat while a wall switches all day?

16 callback tiles on 16 simulated cameras switch all together, round after round (a tour or a
salvo every `--pause` seconds).  After a warm-up, the process's resident memory is sampled
after glibc's malloc_trim (so freed-but-kept heap is not counted) and its growth is reported
per 1,000 switches.  Baseline in the same run: the same tiles playing for as long without
switching.

    ./run bench soak [--rounds 160] [--pause 0.4]
"""

from __future__ import annotations

import argparse
import ctypes
import os
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from common import print_table, rss_mb, save
from PySide6.QtWidgets import QApplication

from console.sim.site import SimSite, free_port
from console.ui.tile import TileWidget
from console.video.player import VideoEngine

TILES = 16


def trimmed_rss() -> float:
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except OSError:  # not glibc: count what is there
        pass
    return rss_mb()


def slope(samples: list[tuple[float, float]]) -> float:
    """Least-squares growth of y per unit of x."""
    n = len(samples)
    mx = sum(x for x, _ in samples) / n
    my = sum(y for _, y in samples) / n
    var = sum((x - mx) ** 2 for x, _ in samples)
    return sum((x - mx) * (y - my) for x, y in samples) / var if var else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=160)
    parser.add_argument("--pause", type=float, default=0.4)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    port = free_port()
    site = SimSite(TILES, port=port, control_port=free_port({port})).start()
    engine = VideoEngine()
    tiles = [TileWidget(engine, "callbacks", monitor=i + 1) for i in range(TILES)]
    for tile in tiles:
        tile.resize(320, 200)
        tile.show()

    def pump(seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.005)

    def switch(round_number: int) -> None:
        for i, tile in enumerate(tiles):
            camera = (i + round_number) % TILES + 1
            tile.play(site.url(camera), camera, str(camera))

    try:
        warm = args.rounds // 4
        for r in range(warm):
            switch(r)
            pump(args.pause)
        # Baseline: playing, no switching, for as long as the measured part takes.
        still: list[tuple[float, float]] = []
        started = time.monotonic()
        for r in range(args.rounds - warm):
            pump(args.pause)
            if r % 10 == 0:
                still.append((time.monotonic() - started, trimmed_rss()))
        switching: list[tuple[float, float]] = []
        for r in range(args.rounds - warm):
            switch(warm + r)
            pump(args.pause)
            if r % 10 == 0:
                switching.append((r * TILES, trimmed_rss()))
    finally:
        for tile in tiles:
            tile.close_player()
        engine.close()
        site.close()
    per_1000 = slope(switching) * 1000
    seconds = (args.rounds - warm) * args.pause
    still_growth = slope(still) * seconds  # MB over the same time, without switching
    switches = (args.rounds - warm) * TILES
    rows = [["switching", switches, switching[0][1], switching[-1][1], per_1000],
            ["playing, no switching", 0, still[0][1], still[-1][1], float("nan")]]
    print_table(f"Resident memory after malloc_trim, MB ({TILES} tiles, a switch of all of them every {args.pause} s)",
                ["", "switches", "first", "last", "MB per 1,000 switches"], rows)
    print(f"\n  growth while switching: {per_1000:.2f} MB per 1,000 switches "
          f"({per_1000 * 172.8:.0f} MB a day for 16 tiles touring every 8 s); "
          f"without switching, over the same time: {still_growth:.1f} MB")
    save("soak", {"tiles": TILES, "switches": switches, "mb_per_1000_switches": per_1000,
                  "switching_samples": switching, "still_samples": still, "still_growth_mb": still_growth})


if __name__ == "__main__":
    main()
