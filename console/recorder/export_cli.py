"""`videowall export`: a span of 1–16 cameras from a recorder's store into a signed export folder.

For console/cli.py to wire in: `add_arguments(subparsers)` adds the command, `run(args)` runs it.

    videowall export --store ROOT --camera 1 --camera 2 --from 2026-12-07T09:14:00 --to 2026-12-07T09:16:00 \\
                     --out DIR [--case C] [--note TEXT] [--who NAME] [--catalog DB]

Times without a zone are this machine's local time (what the operator reads on the wall clock);
the output gives the span in UTC.  `videowall evidence verify DIR` checks the result.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any


def _moment(text: str) -> float:
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date and time: {text!r} (e.g. 2026-12-07T09:14:00)") from None
    return (when if when.tzinfo else when.astimezone()).timestamp()


def add_arguments(subparsers: Any) -> None:
    export = subparsers.add_parser("export", help="export a span of recordings as MP4 files with a signed manifest")
    export.add_argument("--store", type=Path, required=True, help="the recorder's store (its folder)")
    export.add_argument("--camera", type=int, action="append", required=True, metavar="N",
                        help="a camera number (1 to 16 of them: repeat --camera)")
    export.add_argument("--from", dest="start", type=_moment, required=True, metavar="TIME",
                        help="start, ISO 8601 (without a zone: local time)")
    export.add_argument("--to", dest="end", type=_moment, required=True, metavar="TIME", help="end, ISO 8601")
    export.add_argument("--out", type=Path, required=True, help="the export folder to make (must not exist)")
    export.add_argument("--case", default="", help="case number")
    export.add_argument("--note", default="")
    export.add_argument("--who", default=None, help="who exports (default: this account)")
    export.add_argument("--catalog", type=Path, help="camera catalog (SQLite) for the cameras' names and places")
    export.add_argument("--centre-name", default="videowall centre", help="the centre's name, in the manifest")
    export.add_argument("--centre-id", default="centre", help="names the centre's signing key in the keyring")
    export.add_argument("--quiet", action="store_true", help="no progress lines on stderr")


def run(args: argparse.Namespace) -> int:
    from console.evidence.store import Centre
    from console.recorder.export import ExportCamera, Exporter, ExportError, ExportRequest
    from console.recorder.source import LocalSource
    from console.recorder.store import StoreBusyError

    cameras = [ExportCamera(n) for n in args.camera]
    if args.catalog is not None:
        try:
            cameras = _named(args.catalog, args.camera)
        except Exception as exc:  # a catalog error is its own sentence; the export needs only numbers
            print(f"videowall export: {exc}", file=sys.stderr)
            return 2
    try:
        source = LocalSource(args.store)
    except StoreBusyError as exc:
        print(f"videowall export: {exc}", file=sys.stderr)
        return 2
    last = [-1]

    def progress(fraction: float, text: str) -> None:
        percent = int(fraction * 100)
        if not args.quiet and percent // 10 != last[0] // 10:
            last[0] = percent
            print(f"{percent:3d} %  {text}", file=sys.stderr, flush=True)

    try:
        request = ExportRequest(tuple(cameras), args.start, args.end, args.out, args.who or getpass.getuser(),
                                args.case, args.note)
        result = Exporter(source, Centre(args.centre_name, args.centre_id)).export(request, progress=progress)
    except ExportError as exc:
        print(f"videowall export: {exc}", file=sys.stderr)
        return 1
    finally:
        source.close()
    manifest = result.manifest
    print(json.dumps({"export": manifest["export_id"], "folder": str(result.folder),
                      "span": manifest["span"], "files": [{k: f[k] for k in ("file", "camera", "frames", "sha256",
                                                                              "first_frame_utc", "last_frame_utc")}
                                                           for f in manifest["files"]]}, ensure_ascii=False))
    return 0


def _named(catalog_path: Path, numbers: list[int]) -> list[Any]:
    from console.matrix.catalog import Catalog, CatalogError
    from console.recorder.export import ExportCamera

    try:
        catalog = Catalog(catalog_path)
    except CatalogError as exc:
        raise RuntimeError("; ".join(exc.problems) if hasattr(exc, "problems") else str(exc)) from exc
    try:
        out = []
        for number in numbers:
            camera = catalog.get(number)
            out.append(ExportCamera(number, camera.name, camera.place) if camera else ExportCamera(number))
        return out
    finally:
        catalog.close()
