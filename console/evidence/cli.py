"""`videowall evidence list|show|verify|pdf|print|key` and `videowall snapshot MONITOR`.

For console/cli.py to wire in: `add_arguments(subparsers)` adds both commands, `run(args)`
runs whichever was chosen (args.command is "evidence" or "snapshot").
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

DEFAULT_STORE = Path(os.environ.get("VIDEOWALL_EVIDENCE", Path.home() / ".local" / "share" / "videowall" / "evidence"))


def add_arguments(subparsers: Any) -> dict[str, Any]:
    """Adds `evidence` and `snapshot`; returns the parsers that reach the host (snapshot, pdf,
    print) for console/cli.py to give its host options (--host, --server-key, --centre, --as)."""
    reaching: dict[str, Any] = {}
    evidence = subparsers.add_parser("evidence", help="stored evidence frames: list, show, verify, print")
    evidence.add_argument("--store", type=Path, default=DEFAULT_STORE, help=f"the evidence store (default {DEFAULT_STORE})")
    actions = evidence.add_subparsers(dest="action", required=True, metavar="ACTION")
    elist = actions.add_parser("list", help="every stored frame (and any incomplete one)")
    elist.add_argument("--json", action="store_true")
    show = actions.add_parser("show", help="one frame's record")
    show.add_argument("number")
    show.add_argument("--json", action="store_true")
    verify = actions.add_parser("verify", help="an image, a sidecar, a sheet PDF, an export folder, an evidence number "
                                               "or a scanned QR text")
    verify.add_argument("target", nargs="+")
    verify.add_argument("--public-key", type=Path, metavar="FILE", help="the centre's published public key (PEM or base64)")
    verify.add_argument("--json", action="store_true")
    key = actions.add_parser("key", help="print the centre's public key (PEM), to publish for verifiers")
    key.add_argument("--create", action="store_true", help="make the centre's key if it has none yet")
    for name, text in (("pdf", "save a sheet of some frames as PDF"), ("print", "print a sheet of some frames")):
        out = actions.add_parser(name, help=text)
        out.add_argument("numbers", nargs="+")
        out.add_argument("--paper", choices=["A4", "Letter"], default="A4")
        out.add_argument("--landscape", action="store_true")
        out.add_argument("--per-sheet", type=int, choices=[1, 2, 4], default=1)
        out.add_argument("--printed-by", default=os.environ.get("USER", "operator"))
        reaching[name] = out
        if name == "pdf":
            out.add_argument("-o", "--output", type=Path, required=True)
        else:
            out.add_argument("--printer", help="the print queue (default: the desk's default printer)")
            out.add_argument("--copies", type=int, default=1)

    # The host options (--host, --server-key, --centre, --as) are console/cli.py's, as for `grab`.
    snap = subparsers.add_parser("snapshot", help="store a wall tile's current picture as evidence (through the host)")
    snap.add_argument("monitor", type=int)
    snap.add_argument("--store", type=Path, default=DEFAULT_STORE)
    snap.add_argument("--centre-name", default="videowall centre", help="the centre's name, for a new store")
    snap.add_argument("--centre-id", default="centre", help="names the centre's key in the keyring, for a new store")
    snap.add_argument("--prefix", default="EV", help="evidence numbers start with this, for a new store")
    snap.add_argument("--operator", default=os.environ.get("USER", "operator"))
    snap.add_argument("--case", default="", help="case number")
    snap.add_argument("--note", default="")
    reaching["snapshot"] = snap
    return reaching


def run(args: argparse.Namespace, connect: Any = None) -> int:
    """`connect()`: a HostClient (console/cli.py finds the host), or raises ConnectionError with
    why there is none: `snapshot` needs one; `pdf` and `print` use it for the audit trail."""
    from console.evidence.signing import SigningKeyError
    from console.evidence.store import EvidenceError

    try:
        if args.command == "snapshot":
            return _snapshot(args, connect)
        if args.action == "pdf":
            return _pdf(args, connect)
        if args.action == "print":
            return _print(args, connect)
        return int(_ACTIONS[args.action](args))
    except (EvidenceError, SigningKeyError) as exc:
        print(f"videowall {args.command}: {exc}", file=sys.stderr)
        return 1


def _store(args: argparse.Namespace) -> Any:
    from console.evidence.store import EvidenceStore

    return EvidenceStore(args.store)


def _trusted(args: argparse.Namespace, store: Any) -> Any:
    from console.evidence.signing import PublicKey, SigningKey, SigningKeyError

    if getattr(args, "public_key", None):
        return PublicKey.from_text(args.public_key.read_text())
    try:
        return SigningKey.load(store.centre.id).public  # on the centre's own machine
    except SigningKeyError:
        return None  # verify falls back to the store's record, and says so


def _list(args: argparse.Namespace) -> int:
    store = _store(args)
    rows = [{"number": e.number, "camera": e.fields["camera"]["number"], "name": e.fields["camera"]["name"],
             "frame_time": e.fields["frame_time"], "signal": e.fields["signal"]["state"], "operator": e.fields["operator"],
             "case": e.fields["case_number"]} for e in store.entries()]
    incomplete = [str(i.path) for i in store.incomplete()]
    if args.json:
        print(json.dumps({"evidence": rows, "incomplete": incomplete}, ensure_ascii=False))
        return 0
    for r in rows:
        lost = "  LAST PICTURE (signal lost)" if r["signal"] == "lost" else ""
        print(f"{r['number']}  {r['frame_time']}  camera {r['camera']} {r['name']}  by {r['operator']}  {r['case']}{lost}")
    for path in incomplete:
        print(f"incomplete (not evidence): {path}")
    return 0


def _show(args: argparse.Namespace) -> int:
    evidence = _store(args).get(args.number)
    if args.json:
        print(json.dumps(evidence.fields, ensure_ascii=False, indent=2))
        return 0
    f = evidence.fields
    print(f"evidence  {evidence.number}\ncamera    {f['camera']['number']} {f['camera']['name']}\n"
          f"place     {' / '.join(f['camera']['place'])}\nframe     {f['frame_time']} ({f['frame_time_local']})\n"
          f"signal    {f['signal']['state']}{' since ' + f['signal']['lost_since'] if f['signal'].get('lost_since') else ''}\n"
          f"captured  {f['captured_at']} by {f['operator']} at {f['desk']}\ncase      {f['case_number']}\nnote      {f['note']}\n"
          f"image     {evidence.image_path} ({f['image']['width']}x{f['image']['height']}, sha256 {f['image']['sha256']})")
    return 0


def _verify(args: argparse.Namespace) -> int:
    from console.evidence.store import NUMBER, EvidenceStore
    from console.evidence.verify import QR_PREFIX, verify_evidence, verify_path, verify_qr

    store = EvidenceStore(args.store) if (args.store / "store.json").exists() else None
    trusted = _trusted(args, store) if store is not None or args.public_key else None
    verdicts = []
    for target in args.target:
        if target.startswith(QR_PREFIX + "/") and store is not None:
            verdicts.append(verify_qr(target, store, trusted))
        elif NUMBER.match(target) and store is not None and not Path(target).exists():
            verdicts.append(verify_evidence(target, store, trusted))
        else:
            verdicts.append(verify_path(Path(target), store, trusted))
    if args.json:
        print(json.dumps([v.to_dict() for v in verdicts], ensure_ascii=False))
    else:
        print("\n".join(v.text() for v in verdicts))
    return 0 if all(v.ok for v in verdicts) else 1


def _key(args: argparse.Namespace) -> int:
    from console.evidence.signing import SigningKey

    store = _store(args)
    print(SigningKey.load(store.centre.id, create=args.create).public.pem(), end="")
    return 0


def _sheet(args: argparse.Namespace) -> Any:
    from console.evidence.sheet import EvidenceSheet, SheetOptions

    store = _store(args)
    evidence = [store.get(n) for n in args.numbers]
    options = SheetOptions(args.paper, "landscape" if args.landscape else "portrait", args.per_sheet)
    return store, EvidenceSheet(evidence, centre_name=store.centre.name, printed_by=args.printed_by, options=options)


def _qt(args: argparse.Namespace | None = None) -> Any:
    """Qt for drawing sheets, speaking the desk's language (`--lang`, else the system's), as
    the console's sheets do."""
    from PySide6.QtWidgets import QApplication

    from console.ui.i18n import install_translator

    app = QApplication.instance()
    if app is None:
        app = QApplication([sys.argv[0]])
        install_translator(app, getattr(args, "lang", None))
    return app


def _note(action: str, numbers: list[str], digest: str, where: str, copies: int = 1) -> Any:
    from console.matrix.commands import EvidenceNote

    return EvidenceNote(action, tuple(numbers), digest, where[:64] or "-", copies)


def _audit(command: str, client: Any, note: Any) -> bool:
    """The host's audit trail records what this terminal made of the evidence, as a desk's
    EvidenceNote does; said on stderr when it cannot."""
    numbers = list(note.evidence)
    try:
        if client is None:
            raise ConnectionError("no matrix host to tell")
        reply = client.request("command", note.to_dict(), timeout=5).content
    except (TimeoutError, ConnectionError) as exc:
        print(f"videowall {command}: {' '.join(numbers)}: not in the host's audit trail: {exc}", file=sys.stderr)
        return False
    if not reply.get("ok"):
        print(f"videowall {command}: {' '.join(numbers)}: the host's audit trail did not take it: "
              f"{reply.get('answer', 'NA')}", file=sys.stderr)
        return False
    return True


def _connected(connect: Any) -> tuple[Any, str]:
    """(a HostClient or None, why none)."""
    if connect is None:
        return None, "no matrix host to tell"
    try:
        return connect(), ""
    except ConnectionError as exc:
        return None, str(exc)


def _audited(connect: Any, note: Any) -> None:
    client, why = _connected(connect)
    try:
        if client is None:
            print(f"videowall evidence {note.action}: {' '.join(note.evidence)}: not in the host's audit trail: {why}",
                  file=sys.stderr)
            return
        _audit(f"evidence {note.action}", client, note)
    finally:
        if client is not None:
            client.close()


def _pdf(args: argparse.Namespace, connect: Any = None) -> int:
    _app = _qt(args)
    store, sheet = _sheet(args)
    record = sheet.write_pdf(args.output, store)
    print(json.dumps({"sheet": record.sheet_id, "file": str(args.output), "sha256": record.pdf_sha256,
                      "numbers": record.numbers}))
    _audited(connect, _note("pdf", list(record.numbers), record.pdf_sha256, args.output.name[-64:]))
    return 0


def _print(args: argparse.Namespace, connect: Any = None) -> int:
    import hashlib

    from console.evidence.printing import print_sheet
    from console.evidence.signing import canonical

    _app = _qt(args)
    store, sheet = _sheet(args)
    job = print_sheet(sheet, args.printer, copies=args.copies, store=store)
    print(json.dumps({"sheet": job.sheet_id, "printer": job.printer, "job": job.job_id, "copies": job.copies}))
    digest = hashlib.sha256(canonical(sheet.manifest())).hexdigest()  # as the desk's print note: the sheet's frames
    _audited(connect, _note("print", [e.number for e in sheet.evidence], digest, job.printer, job.copies))
    return 0


def _snapshot(args: argparse.Namespace, connect: Any) -> int:
    from datetime import UTC, datetime

    from console.evidence.capture import CameraInfo, capture_grab
    from console.evidence.store import Centre, EvidenceStore

    client, why = _connected(connect)
    if client is None:
        print(f"videowall snapshot: {why}", file=sys.stderr)
        return 2
    try:
        try:
            answer = client.request("grab", {"monitor": args.monitor}, timeout=10).content
            received = datetime.now(UTC)
            cameras = client.request("snapshot_request", {}, timeout=5).content.get("cameras", {})
        except TimeoutError as exc:
            print(f"videowall snapshot: {exc}", file=sys.stderr)
            return 1
        number = answer.get("camera")
        info = cameras.get(str(number), {}) if isinstance(cameras, dict) else {}
        camera = CameraInfo(int(number) if isinstance(number, int) else 0, str(info.get("name", "")),
                            tuple(str(p) for p in info.get("place", ())))
        capture = capture_grab(answer, camera, received_at=received)
        existing = (args.store / "store.json").exists()
        store = EvidenceStore(args.store, None if existing else Centre(args.centre_name, args.centre_id, args.prefix))
        evidence = store.add(capture, desk=args.identity, operator=args.operator, case_number=args.case, note=args.note)
        print(json.dumps({"evidence": evidence.number, "monitor": args.monitor, "camera": camera.number,
                          "image": str(evidence.image_path), "sha256": evidence.sha256}))
        _audit("snapshot", client, _note("snapshot", [evidence.number], evidence.sha256, f"MON {args.monitor}"))
        return 0
    finally:
        client.close()


_ACTIONS = {"list": _list, "show": _show, "verify": _verify, "key": _key}
