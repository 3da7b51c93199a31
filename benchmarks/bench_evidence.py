"""Evidence: snapshot key to stored original; print key to job accepted by CUPS and to the PDF written by the queue.

Snapshot: a live tile (simulated camera, callbacks renderer) taken with `capture_tile` and
stored signed (`EvidenceStore.add`), the desk's path.  Print: a one-frame sheet through
`print_sheet` (QPrinter → CUPS) to a cups-pdf queue of our own cupsd (tests/support/cups.py);
accepted = the call returned with CUPS's job id, written = cups-pdf's PDF is there.  Baseline
in the same run: `lp` of a ready PDF of the same sheet to the same queue.

    ./run bench evidence [--snapshots 40] [--prints 15]
"""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import tempfile
import time
from pathlib import Path

from common import print_table, save, summary

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--snapshots", type=int, default=40)
    parser.add_argument("--prints", type=int, default=15)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="videowall-bench-evidence-"))
    os.environ["VIDEOWALL_TEST_KEYRING"] = str(work / "keyring.json")  # a file keyring: the bench's own key
    import keyring

    from tests.support.cups import CupsRig
    from tests.support.filekeyring import FileKeyring

    keyring.set_keyring(FileKeyring())
    rig = CupsRig().start()
    os.environ["CUPS_SERVER"] = rig.server
    rig.add_pdf_printer("bench", default=True)

    from PySide6.QtWidgets import QApplication

    from console.evidence.capture import CameraInfo, capture_tile
    from console.evidence.printing import print_sheet
    from console.evidence.sheet import EvidenceSheet
    from console.evidence.signing import SigningKey
    from console.evidence.store import Centre, EvidenceStore
    from console.sim.site import SimSite, free_port
    from console.ui.tile import TileWidget
    from console.video.player import VideoEngine

    app = QApplication([])
    port = free_port()
    site = SimSite(1, size=(320, 240), fps=15, gop=1.0, port=port, control_port=free_port({port})).start()
    engine = VideoEngine()
    tile = TileWidget(engine, "callbacks", monitor=1)
    tile.resize(400, 330)
    tile.show()
    centre_id = "bench-" + secrets.token_hex(3)
    store = EvidenceStore(work / "evidence", Centre("Bench centre", centre_id, "BN"), SigningKey.load(centre_id, create=True))
    snapshot, accepted, written, lp_accepted, lp_written = [], [], [], [], []
    try:
        camera = site.cameras[0]
        tile.play(site.url(camera.number), camera.number, camera.name)
        deadline = time.monotonic() + 15
        while tile.health.state != "playing" and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.01)
        info = CameraInfo(camera.number, camera.name, tuple(camera.place))
        evidence = None
        for _ in range(args.snapshots):
            app.processEvents()
            started = time.monotonic()
            evidence = store.add(capture_tile(tile, info), desk="bench", operator="bench")
            snapshot.append(time.monotonic() - started)
            time.sleep(0.05)
        assert evidence is not None
        ready = work / "ready.pdf"
        ready.write_bytes(EvidenceSheet([evidence], centre_name="Bench centre", printed_by="bench").pdf_bytes(store.key))  # type: ignore[arg-type]
        for _ in range(args.prints):
            # Ours: the print key's path, sheet painted by Qt and submitted to the queue.
            sheet = EvidenceSheet([evidence], centre_name="Bench centre", printed_by="bench")
            started = time.monotonic()
            job = print_sheet(sheet, "bench")
            accepted.append(time.monotonic() - started)
            rig.job_pdf(job.job_id or 0, timeout=60)
            written.append(time.monotonic() - started)
            # Baseline: lp of a ready PDF of the same sheet.
            started = time.monotonic()
            job_id = rig.lp("bench", ready, f"baseline-{secrets.token_hex(3)}")
            lp_accepted.append(time.monotonic() - started)
            rig.job_pdf(job_id, timeout=60)
            lp_written.append(time.monotonic() - started)
    finally:
        tile.close_player()
        engine.close()
        site.close()
        rig.close()
        subprocess.run(["rm", "-rf", str(work)], check=False)

    ms = lambda values: [v * 1000 for v in values]  # noqa: E731
    results = {
        "snapshot -> stored original": summary(ms(snapshot)),
        "print -> job accepted by CUPS": summary(ms(accepted)),
        "print -> PDF written by the queue": summary(ms(written)),
        "lp ready PDF -> accepted": summary(ms(lp_accepted)),
        "lp ready PDF -> PDF written": summary(ms(lp_written)),
    }
    print_table(f"Evidence, ms ({args.snapshots} snapshots of a 320x240 camera, {args.prints} prints and lp's, cups-pdf queue)",
                ["", "n", "p50", "p95", "mean", "min", "max"],
                [[k, int(v["n"]), v["p50"], v["p95"], v["mean"], v["min"], v["max"]] for k, v in results.items()])
    goals = {"snapshot_p95_ms": 200, "accepted_p95_ms": 1500, "written_p95_ms": 3000}
    print(f"\n  snapshot p95 {results['snapshot -> stored original']['p95']:.0f} ms (goal <= 200); "
          f"accepted p95 {results['print -> job accepted by CUPS']['p95']:.0f} ms (goal <= 1500; lp "
          f"{results['lp ready PDF -> accepted']['p95']:.0f}); written p95 "
          f"{results['print -> PDF written by the queue']['p95']:.0f} ms (goal <= 3000; lp "
          f"{results['lp ready PDF -> PDF written']['p95']:.0f})")
    save("evidence", {"results_ms": results, "goals": goals})


if __name__ == "__main__":
    main()
