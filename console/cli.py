"""`videowall`: one program, several subcommands (DESIGN.md §2)."""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import os
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, ClassVar

from console import __version__

log = logging.getLogger("videowall")


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"size must look like 320x240, not {text!r}") from None
    if w < 64 or h < 48 or w % 2 or h % 2:
        raise argparse.ArgumentTypeError(f"size {text!r}: at least 64x48, even numbers")
    return w, h


def _positive(kind: Callable[[str], float]) -> Callable[[str], float]:
    def parse(text: str) -> float:
        value = kind(text)
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be positive, not {text!r}")
        return value

    return parse


def _host_arguments(parser: argparse.ArgumentParser, identity: str | None) -> None:
    """How a desk or an agent reaches the matrix host, and as whom."""
    parser.add_argument("--host", help="the host's command endpoint, e.g. tcp://10.1.2.3:7700 "
                                       "(default: the centre running on this machine)")
    parser.add_argument("--server-key", help="the host's public key (default: from the running centre's connection file)")
    parser.add_argument("--centre", metavar="NAME", help="which centre running here, by name or pid, when there are several")
    parser.add_argument("--as", dest="identity", default=identity,
                        help=f"the key pair to use (default: {identity or 'agent-SCREEN'}; made in the keyring on first use)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="videowall", description="Software video matrix and video-wall console.")
    parser.add_argument("--version", action="version", version=f"videowall {__version__}")
    parser.add_argument("--log-level", default=os.environ.get("VIDEOWALL_LOG_LEVEL", "INFO"),
                        choices=["DEBUG", "INFO", "WARNING", "ERROR"], type=str.upper)
    parser.add_argument("--log-json", action="store_true", help="log JSON lines (for tests and collectors)")
    parser.add_argument("--lang", metavar="LOCALE", help="user interface language, e.g. zh_CN or en (default: the system's)")
    desk = parser.add_argument_group("the console (videowall with no command)")
    desk.add_argument("--config", dest="console_config", metavar="FILE",
                      help="run this centre's own host and wall agents (host configuration YAML; default "
                           "~/.config/videowall/host.yaml if it exists)")
    desk.add_argument("--host", dest="console_host", metavar="ADDR", help="join a remote matrix host instead")
    desk.add_argument("--server-key", dest="console_server_key", help="the remote host's public key")
    desk.add_argument("--catalog", dest="console_catalog", metavar="DB", help="camera catalog (SQLite) for --host")
    desk.add_argument("--key-stdin", dest="console_key_stdin", action="store_true",
                      help="with --host: read the desk's key pair as one JSON line from stdin instead of the keyring")
    desk.add_argument("--role", choices=["operator", "supervisor"],
                      help="what this desk may do (default: from the configuration, else operator)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = sub.add_parser("demo", help="the console on a simulated town centre, nothing to configure")
    demo.add_argument("--cameras", type=_positive(int), default=16, help="simulated cameras (default 16)")
    demo.add_argument("--size", type=_size, default=(320, 240), help="camera resolution WxH (default 320x240)")
    demo.add_argument("--fps", type=_positive(int), default=15)
    demo.add_argument("--port", type=int, default=0, help="RTSP port (default: a free one)")
    demo.add_argument("--renderer", choices=["auto", "native", "callbacks"], default="auto")
    demo.add_argument("--city", type=int, default=2000, metavar="N",
                      help="synthetic city cameras in the catalog besides the live ones (default 2000)")
    demo.add_argument("--layout", default=str(Path(__file__).resolve().parents[1] / "layouts" / "town-xinjia.yaml"),
                      help="the wall (default: the town centre layout shipped in layouts/)")
    demo.add_argument("--role", dest="demo_role", choices=["operator", "supervisor"], default="supervisor")
    demo.add_argument("--no-recorder", dest="recorder", action="store_false",
                      help="no recorder (by default the demo records its cameras and tiles take them from its relay)")
    demo.add_argument("--no-domes", dest="domes", action="store_false",
                      help="no PTZ domes among the cameras (by default the last four are)")
    demo.add_argument("--screenshot", metavar="FILE", help="save a picture of the console and the wall, then exit")
    demo.add_argument("--after", type=float, default=5.0, metavar="SECONDS", help="when to take the screenshot")

    sim = sub.add_parser("sim", help="simulated RTSP cameras on loopback")
    sim.add_argument("--cameras", type=_positive(int), default=16, help="number of cameras (default 16)")
    sim.add_argument("--size", type=_size, default=(320, 240), help="resolution WxH (default 320x240)")
    sim.add_argument("--fps", type=_positive(int), default=15, help="frames per second (default 15)")
    sim.add_argument("--gop", type=_positive(float), default=1.0, help="seconds between keyframes (default 1)")
    sim.add_argument("--port", type=int, default=8554, help="RTSP port on 127.0.0.1 (default 8554)")
    sim.add_argument("--control-port", type=int, help="control port for stop/start N (default: port + 1)")
    sim.add_argument("--catalog", metavar="FILE", help="write the catalog of served cameras (YAML) here")
    sim.add_argument("--catalog-only", action="store_true",
                     help="write a synthetic city catalog of --cameras cameras to --catalog (.yaml or .csv) and exit")
    sim.add_argument("--domes", nargs="?", const="demo", metavar="N=PROTOCOL,...",
                     help="make some cameras PTZ domes (pelco-d, pelco-p, visca-ip); alone: the last four")
    sim.add_argument("--credential", metavar="REF",
                     help="require digest auth with this keyring credential (videowall credential set REF)")

    catalog = sub.add_parser("catalog", help="the camera catalog (SQLite)")
    catalog_sub = catalog.add_subparsers(dest="action", required=True, metavar="ACTION")
    cimport = catalog_sub.add_parser("import", help="build the catalog from a YAML or CSV file")
    cimport.add_argument("file")
    cimport.add_argument("--db", help="catalog database (default: in the state folder)")
    cimport.add_argument("--encoding", help="the file's text encoding when it is not UTF-8 or UTF-16, e.g. gb18030")
    csearch = catalog_sub.add_parser("search", help="find cameras by number, name or place")
    csearch.add_argument("text")
    csearch.add_argument("--db", help="catalog database (default: in the state folder)")
    csearch.add_argument("--limit", type=_positive(int), default=20, help="cameras to show (default 20)")
    csearch.add_argument("--json", action="store_true")

    keys = sub.add_parser("keys", help="CurveZMQ key pairs in the OS keyring")
    keys_sub = keys.add_subparsers(dest="action", required=True, metavar="ACTION")
    kcreate = keys_sub.add_parser("create", help="make a key pair; prints its public key")
    kcreate.add_argument("name")
    kshow = keys_sub.add_parser("show", help="print a stored key pair's public key")
    kshow.add_argument("name")

    host = sub.add_parser("host", help="the matrix host (headless)")
    host.add_argument("--config", required=True, help="host configuration (YAML)")
    host.add_argument("--key-stdin", action="store_true",
                      help="read the host's key pair as one JSON line from stdin instead of the keyring")

    recorder = sub.add_parser("recorder", help="the centre's recorder: records the cameras, relays them to the wall")
    recorder.add_argument("--config", required=True, help="recorder configuration (YAML)")
    recorder.add_argument("--check", action="store_true",
                          help="verify the store (index against the files, unreadable segments) and exit")
    recorder.add_argument("--key-stdin", action="store_true",
                          help="read the recorder's key pair as one JSON line from stdin instead of the keyring")

    key = sub.add_parser("key", help="send matrix keyboard lines to the host (stdin when no line is given)")
    key.add_argument("line", nargs="?")
    _host_arguments(key, identity="desk")

    agent = sub.add_parser("agent", help="a wall agent: one screen of the wall, following the host")
    _host_arguments(agent, identity=None)
    agent.add_argument("--pub", help="the host's update endpoint (default: the running centre's, or --host's port + 1)")
    agent.add_argument("--screen", required=True, help="which screen of the wall this window is")
    agent.add_argument("--windowed", action="store_true", help="a window instead of full screen")
    agent.add_argument("--renderer", choices=["auto", "native", "callbacks"], default="auto")
    agent.add_argument("--key-stdin", action="store_true",
                       help='read the key pair as one JSON line {"public": …, "secret": …} from stdin instead of the '
                            "keyring (how `videowall demo` starts its agents)")

    status = sub.add_parser("status", help="what the wall shows, from the host")
    _host_arguments(status, identity="desk")
    status.add_argument("--json", action="store_true")

    grab = sub.add_parser("grab", help="save the picture a wall tile shows (PNG, the camera's resolution)")
    _host_arguments(grab, identity="desk")
    grab.add_argument("monitor", type=int, help="the tile's monitor number")
    grab.add_argument("-o", "--output", required=True, metavar="FILE", help="where to write the PNG")

    layout = sub.add_parser("layout", help="wall layout files")
    layout_sub = layout.add_subparsers(dest="action", required=True, metavar="ACTION")
    lcheck = layout_sub.add_parser("check", help="read a layout and list every problem with its line")
    lcheck.add_argument("file")
    lupgrade = layout_sub.add_parser("upgrade", help="rewrite a layout in the current version (keeps a .bak)")
    lupgrade.add_argument("file")

    audit = sub.add_parser("audit", help="the matrix host's audit trail")
    audit_sub = audit.add_subparsers(dest="action", required=True, metavar="ACTION")
    averify = audit_sub.add_parser("verify", help="check that no line was edited, removed or reordered")
    averify.add_argument("file")

    simctl = sub.add_parser("simctl", help="stop or start one camera of a running `videowall sim`")
    simctl.add_argument("action", choices=["stop", "start", "list"])
    simctl.add_argument("camera", type=int, nargs="?", help="camera number (stop, start)")
    simctl.add_argument("--control-port", type=int, default=8555, help="the sim's control port (default 8555)")

    probe = sub.add_parser("probe", help="check a camera URL through the video engine")
    probe.add_argument("url")
    probe.add_argument("--frames", type=_positive(int), default=30, help="decoded frames to wait for (default 30)")
    probe.add_argument("--timeout", type=_positive(float), default=10.0, help="seconds (default 10)")
    probe.add_argument("--transport", choices=["tcp", "udp"], default="tcp", help="RTSP transport (default tcp)")
    probe.add_argument("--credential", metavar="REF", help="add this keyring credential to the URL")
    probe.add_argument("--json", action="store_true", help="print one JSON object")

    from console.evidence.cli import add_arguments as evidence_arguments

    for reaching in evidence_arguments(sub).values():
        _host_arguments(reaching, identity="desk")

    from console.recorder.export_cli import add_arguments as export_arguments

    export_arguments(sub)

    cred = sub.add_parser("credential", help="camera and NVR credentials in the OS keyring")
    cred_sub = cred.add_subparsers(dest="action", required=True, metavar="ACTION")
    cset = cred_sub.add_parser("set", help="store (password read from the terminal or stdin)")
    cset.add_argument("ref")
    cset.add_argument("--user", required=True)
    cdel = cred_sub.add_parser("delete", help="remove")
    cdel.add_argument("ref")
    return parser


LOGGED_COMMANDS = (None, "demo", "host", "agent", "sim", "recorder")


def run() -> int:
    """The program's entry point: `main`, and whatever it did not foresee told in one line
    (and a dialog, in a window) with the details in the log, never a bare traceback."""
    try:
        return main()
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the last resort: every known failure has its own message already
        return report_crash(exc)


def report_crash(exc: BaseException) -> int:
    from console.logs import state_dir
    from console.video.urls import mask_url

    where = state_dir() / "videowall.log"
    # The traceback goes to the log file only: the terminal (and a one-shot command's stderr
    # log) gets the one line below, never a traceback.
    for handler in logging.getLogger().handlers:
        if not isinstance(handler, logging.FileHandler):
            handler.addFilter(lambda record: not getattr(record, "crash", False))
    if not any(isinstance(h, logging.FileHandler) for h in logging.getLogger().handlers):
        try:
            where.parent.mkdir(parents=True, exist_ok=True)
            file_handler = logging.FileHandler(where, encoding="utf-8")
            file_handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s"))
            from console.logs import MaskingFilter

            file_handler.addFilter(MaskingFilter())
            logging.getLogger().addHandler(file_handler)
        except OSError:
            pass  # no log file to be had: the line below still says what happened
    log.critical("unexpected error", exc_info=exc, extra={"crash": True})
    line = mask_url(f"videowall: unexpected error: {type(exc).__name__}: {exc}"[:500])
    print(f"{line}\n  (details: {where}; please send that file to your support)", file=sys.stderr)
    try:
        from PySide6.QtWidgets import QApplication, QMessageBox

        if QApplication.instance() is not None and QApplication.topLevelWidgets():
            QMessageBox.critical(None, "videowall", f"{line}\n\nDetails: {where}")
    except Exception:  # a dialog that fails must not hide the line above
        pass
    return 70  # EX_SOFTWARE


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from console.logs import install_crash_hook, setup_logging, state_dir

    # The long-running ones keep a rotating log in the state folder (what an operator sends
    # to support); one-shot commands say what they have to say on the terminal.
    log_file = state_dir() / "videowall.log" if args.command in LOGGED_COMMANDS else None
    setup_logging(args.log_level, json_lines=args.log_json, log_file=log_file)
    install_crash_hook()
    if args.command is None:
        return cmd_console(args)
    handler = {"demo": cmd_demo, "sim": cmd_sim, "simctl": cmd_simctl, "probe": cmd_probe,
               "credential": cmd_credential, "catalog": cmd_catalog, "audit": cmd_audit, "keys": cmd_keys,
               "host": cmd_host, "recorder": cmd_recorder, "key": cmd_key, "status": cmd_status, "agent": cmd_agent,
               "grab": cmd_grab,
               "evidence": cmd_evidence, "snapshot": cmd_evidence, "layout": cmd_layout, "export": cmd_export}[args.command]
    try:
        return int(handler(args))
    except BrokenPipeError:
        # `videowall status | head`: the reader has gone, as with any Unix tool; Python would
        # otherwise complain again when it flushes stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


def cmd_keys(args: argparse.Namespace) -> int:
    from console.matrix import keys

    try:
        public = keys.create(args.name) if args.action == "create" else keys.load(args.name)[0]
    except keys.KeyPairError as exc:
        print(f"videowall keys: {exc}", file=sys.stderr)
        return 2
    print(public.decode())
    return 0


def cmd_host(args: argparse.Namespace) -> int:
    import threading
    from pathlib import Path

    from console.matrix import keys
    from console.matrix.catalog import Catalog, CatalogError
    from console.matrix.config import ConfigError, read_host_config
    from console.matrix.host import HostKeys, MatrixHost
    from console.matrix.layouts import LayoutError, load_layout

    config_path = Path(args.config)
    try:
        config = read_host_config(config_path)
        layout = load_layout(config.layout)
        catalog = Catalog(config.catalog)
        key_pair = keys.from_json(sys.stdin.readline()) if args.key_stdin else keys.load(config.key)
        host = MatrixHost(layout, catalog.get, HostKeys(*key_pair, config.authorized, config.roles,
                                                        rights=config.rights, centre=config.centre),
                          router=config.router, pub=config.pub, state_dir=config.state_dir, ptz=config.ptz)
    except (ConfigError, LayoutError, CatalogError) as exc:
        print(f"videowall host: {exc}", file=sys.stderr)
        return 2
    except (OSError, keys.KeyPairError) as exc:
        print(f"videowall host: {config_path}: {exc}", file=sys.stderr)
        return 2
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    host.start()
    centre = _publish(config_path.stem, "host", host.router_endpoint, host.pub_endpoint, host.keys.public_key)
    print(json.dumps({"event": "ready", "router": host.router_endpoint, "pub": host.pub_endpoint,
                      "monitors": layout.wall.monitors, "cameras": len(catalog),
                      "connection_file": str(centre.file) if centre else None}), flush=True)
    try:
        # The loop guards itself; should its thread end anyway, the process must not stay up
        # looking alive while no desk gets an answer: exit, and let the service manager restart it.
        while not stop.wait(1.0):
            if not host.alive:
                log.critical("the matrix host's loop has stopped; exiting so that it can be restarted")
                return 1
    finally:
        _withdraw(centre)
        host.stop()
    return 0


def cmd_recorder(args: argparse.Namespace) -> int:
    import threading
    from pathlib import Path

    from console import credentials
    from console.matrix import keys
    from console.matrix.catalog import Catalog, CatalogError
    from console.matrix.config import ConfigError
    from console.matrix.model import Camera
    from console.recorder.config import read_recorder_config
    from console.video.urls import mask_url, with_credentials

    config_path = Path(args.config)
    try:
        config = read_recorder_config(config_path)
    except ConfigError as exc:
        print(f"videowall recorder: {exc}", file=sys.stderr)
        return 2
    if args.check:
        from console.recorder.store import Store, StoreBusyError

        if not (config.store / "index.sqlite").exists():
            print(f"videowall recorder: {config.store}: no recordings here (no index.sqlite)", file=sys.stderr)
            return 2
        try:
            store = Store(config.store)
        except StoreBusyError as exc:
            # The recorder runs: read beside it, reconciling nothing (its open segments are its own).
            print(f"videowall recorder: {exc}; checking without reconciling", file=sys.stderr)
            store = Store(config.store, readonly=True)
        try:
            problems = store.check()
            for note in store.reconcile_notes:
                print(f"reconciled: {note}")
            for problem in problems:
                print(problem)
            segments = sum(len(store.segments(c)) for c in store.cameras())
            print(f"{config.store}: {segments} segments of {len(store.cameras())} cameras, "
                  f"{len(problems)} problem{'s' if len(problems) != 1 else ''}")
        finally:
            store.close()
        return 1 if problems else 0
    try:
        catalog = Catalog(config.catalog)
        cameras = catalog.all(config.record)
        key_pair = keys.from_json(sys.stdin.readline()) if args.key_stdin else keys.load(config.key)
    except CatalogError as exc:
        print(f"videowall recorder: {exc}", file=sys.stderr)
        return 2
    except (OSError, keys.KeyPairError) as exc:
        print(f"videowall recorder: {config_path}: {exc}", file=sys.stderr)
        return 2
    def channel(camera: Camera) -> tuple[Camera, str] | None:
        url = camera.main_stream
        if camera.credential:
            try:
                url = with_credentials(url, *credentials.load(camera.credential))
            except credentials.CredentialError as exc:
                log.error("camera %d (%s) is not recorded: %s", camera.number, mask_url(url), exc)
                return None
        return camera, url

    def lookup(number: int) -> tuple[Camera, str] | None:
        camera = catalog.get(number)
        return channel(camera) if camera is not None else None

    channels = [c for c in map(channel, cameras) if c is not None]
    from console.recorder.service import RecorderService

    host = None
    if config.host_router and config.host_key:
        from console.matrix.host import HostClient

        host = HostClient(config.host_router, config.host_key, *key_pair, name="recorder")
    try:
        service = RecorderService(config, channels, keys=key_pair, host=host, lookup=lookup).start()
    except (OSError, RuntimeError) as exc:
        print(f"videowall recorder: {config.store}: {exc}", file=sys.stderr)
        return 2
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    print(json.dumps({"event": "ready", "store": str(config.store), "cameras": len(channels),
                      "relay": service.relay.bound if service.relay else None}), flush=True)
    try:
        while not stop.wait(1.0):
            pass
    finally:
        service.stop()
        if host is not None:
            host.close()
    return 0


def _publish(name: str, kind: str, router: str, pub: str, server_key: bytes, *, enrol: bool = False):  # type: ignore[no-untyped-def]
    """The connection file that lets `videowall key/status/grab/agent` find this centre."""
    from console.matrix import connection

    try:
        return connection.publish(name, kind, router, pub, server_key, enrol=enrol)
    except (OSError, connection.CentreError) as exc:
        log.warning("no connection file, terminals here must be given --host and --server-key: %s", exc)
        return None


def _withdraw(centre) -> None:  # type: ignore[no-untyped-def]
    from console.matrix import connection

    if centre is not None:
        connection.withdraw(centre)


class _Target:
    """Where a terminal command's host is, and the key pair it talks with."""

    def __init__(self, router: str, pub: str, server_key: bytes, identity: str, pair: tuple[bytes, bytes]) -> None:
        self.router, self.pub, self.server_key, self.identity, self.pair = router, pub, server_key, identity, pair

    def client(self, pub: bool = False):  # type: ignore[no-untyped-def]
        from console.matrix.host import HostClient

        return HostClient(self.router, self.server_key, *self.pair, name=self.identity, pub=self.pub if pub else None)

    def unanswered(self, exc: Exception) -> str:
        return (f"{exc}; if the host does not know this desk yet, add its key to the host's authorized: list: "
                f"{self.identity}: {self.pair[0].decode()}")


class _TargetError(Exception):
    pass


def _target(args: argparse.Namespace, command: str, identity: str, *, key_stdin: bool = False) -> _Target:
    """`--host`/`--server-key` when given, else the connection file of the centre running here.

    The key pair comes from the keyring, made there on first use; a centre that enrols local
    desks (the demo) is offered its public key, so it answers at once.
    """
    from console.kernel_keyring import is_kernel_keyring
    from console.matrix import connection, keys

    centre = None
    try:
        if args.host or args.server_key:
            if not args.server_key:
                raise _TargetError("--host needs --server-key (the host's public key, printed by videowall keys show host)")
            router = args.host or "tcp://127.0.0.1:7700"
            pub = getattr(args, "pub", None) or _pub_endpoint(router)
            server_key = args.server_key.encode()
        else:
            centre = connection.choose(args.centre)
            router, pub, server_key = centre.router, getattr(args, "pub", None) or centre.pub, centre.server_key.encode()
        if key_stdin:
            pair, created = keys.from_json(sys.stdin.readline()), False
        else:
            pair, created = keys.load_or_create(identity)
        if centre is not None and centre.enrol:
            centre.enrol_key(identity, pair[0])
    except (connection.CentreError, keys.KeyPairError, OSError) as exc:
        raise _TargetError(str(exc)) from None
    if created:
        lasting = " (the kernel keyring: it lasts until this machine restarts)" if is_kernel_keyring() else ""
        print(f"videowall {command}: made key pair {identity!r} in the keyring{lasting}; public key {pair[0].decode()}",
              file=sys.stderr)
    if centre is not None:
        print(f"videowall {command}: talking to {centre.describe()} as {identity}", file=sys.stderr)
    return _Target(router, pub, server_key, identity, pair)


def cmd_key(args: argparse.Namespace) -> int:
    try:
        target = _target(args, "key", args.identity)
    except _TargetError as exc:
        print(f"videowall key: {exc}", file=sys.stderr)
        return 2
    client = target.client()
    lines = [args.line] if args.line is not None else (line.rstrip("\n") for line in sys.stdin)
    failed = False
    try:
        for line in lines:
            if not line.strip():
                continue
            answer = client.keys(line)
            print(answer, flush=True)
            failed |= answer.startswith("NA") or "NAa" in answer
    except TimeoutError as exc:
        print(f"videowall key: {target.unanswered(exc)}", file=sys.stderr)
        return 1
    finally:
        client.close()
    return 1 if failed else 0


def cmd_agent(args: argparse.Namespace) -> int:
    from PySide6.QtWidgets import QApplication

    from console.ui.agent import WallAgent
    from console.ui.demo import apply_dark_theme, default_renderer
    from console.ui.i18n import install_translator
    from console.video.player import VideoEngine

    identity = args.identity or f"agent-{args.screen}"
    try:
        target = _target(args, "agent", identity, key_stdin=args.key_stdin)
    except _TargetError as exc:
        print(f"videowall agent: {exc}", file=sys.stderr)
        return 2
    app = QApplication.instance() or QApplication([sys.argv[0]])
    install_translator(app, args.lang)
    apply_dark_theme(app)  # type: ignore[arg-type]
    engine = VideoEngine()
    client = target.client(pub=True)
    try:
        agent = WallAgent(client, args.screen, engine, default_renderer() if args.renderer == "auto" else args.renderer)
    except TimeoutError as exc:
        print(f"videowall agent: {target.unanswered(exc)}", file=sys.stderr)
        engine.close()
        return 1
    except ValueError as exc:
        print(f"videowall agent: {exc}", file=sys.stderr)
        engine.close()
        return 1
    if args.windowed:
        agent.resize(1280, 720)
        agent.show()
    else:
        agent.showFullScreen()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: app.quit())
    from PySide6.QtCore import QTimer

    wake = QTimer()
    wake.start(250)  # lets Python's signal handlers run inside Qt's loop
    wake.timeout.connect(lambda: None)
    try:
        return int(app.exec())
    finally:
        agent.shutdown()
        client.close()
        engine.close()


def cmd_status(args: argparse.Namespace) -> int:
    try:
        target = _target(args, "status", args.identity)
    except _TargetError as exc:
        print(f"videowall status: {exc}", file=sys.stderr)
        return 2
    client = target.client()
    try:
        snapshot = client.request("snapshot_request", {}).content
    except TimeoutError as exc:
        print(f"videowall status: {target.unanswered(exc)}", file=sys.stderr)
        return 1
    finally:
        client.close()
    if args.json:
        print(json.dumps(snapshot, ensure_ascii=False))
    else:
        print(status_text(snapshot))
    return 0


def status_text(snapshot: dict) -> str:  # type: ignore[type-arg]
    """The wall as a terminal shows it: each routed monitor, its camera and how its tile is
    doing by the agents' last reports (playing, lost and why), agents that stopped reporting,
    PTZ locks and lines that are down."""
    from console.matrix.yamlfile import printable

    now = float(snapshot.get("now") or 0)
    tiles: dict[str, dict] = {}  # type: ignore[type-arg]
    silent = []
    for agent, report in sorted((snapshot.get("health") or {}).items()):
        if now and now - float(report.get("at", 0)) > 5:
            silent.append(agent)
            continue
        tiles.update(report.get("tiles") or {})
    names = {n: c.get("name", "") for n, c in (snapshot.get("cameras") or {}).items()}
    lines = [f"wall {snapshot['wall']['name']}, update {snapshot['seq']}"]
    playbacks = snapshot.get("playbacks") or {}
    for monitor, camera in snapshot["routes"].items():
        tile = tiles.get(str(monitor)) or {}
        state = tile.get("state", "?")
        detail = "" if state in ("playing", "?") else f"  {tile.get('reason') or ''}".rstrip()
        fps = f" {tile.get('fps')} fps" if state == "playing" and tile.get("fps") else ""
        played = playbacks.get(str(monitor))
        if isinstance(played, dict):
            # A recording on the tile: never shown as live; the recorded time it is at now.
            from datetime import datetime

            from console.matrix.host import playback_position

            at = datetime.fromtimestamp(playback_position(played, now)).strftime("%Y-%m-%d %H:%M:%S")
            state, fps = "PLAYBACK", ""
            detail = f" {at}, {'paused' if played.get('paused') else format(float(played.get('speed', 1)), 'g') + '×'}"
        lines.append(printable(f"  MON {monitor:>4}  CAM {camera:>6}  {names.get(str(camera), '')[:40]:<40}  "
                               f"{state}{fps}{detail}"))
    for agent in silent:
        lines.append(f"  agent {agent}: no report for more than 5 s")
    ptz = snapshot.get("ptz") or {}
    for camera, lock in sorted((ptz.get("locks") or {}).items()):
        left = "until released" if lock.get("left") is None else f"{lock['left']:.0f} s left"
        lines.append(f"  PTZ camera {camera} held by {lock.get('holder')} ({lock.get('role')}), {left}")
    for where, line in sorted((ptz.get("lines") or {}).items()):
        if line.get("state") != "open":
            lines.append(f"  PTZ {line.get('text') or where}")
    lines += recorder_lines(snapshot.get("recorders") or {}, now)
    return "\n".join(lines)


def recorder_lines(recorders: dict, now: float, *, shown: int = 10) -> list[str]:  # type: ignore[type-arg]
    """Each recorder at a glance: down, or how many scheduled cameras record, its disk, and
    the cameras that do not record with why."""
    from console.matrix.yamlfile import printable

    if not recorders:
        return ["  recorder: none reports to the host (nothing is recorded)"]
    lines = []
    for name, report in sorted(recorders.items()):
        if now and now - float(report.get("at", 0)) > 5:
            lines.append(f"  recorder {name}: DOWN (no report for {now - float(report.get('at', 0)):.0f} s)")
            continue
        cameras = report.get("cameras") or {}
        scheduled = {n: c for n, c in cameras.items() if c.get("scheduled")}
        failing = {n: c for n, c in scheduled.items() if not c.get("recording")}
        disk = report.get("disk") or {}
        lines.append(f"  recorder {name}: recording {len(scheduled) - len(failing)} of {len(scheduled)} scheduled "
                     f"cameras, store {disk.get('used', 0) / 1e9:.2f} GB, {disk.get('free', 0) / 1e9:.1f} GB free")
        for number, camera in sorted(failing.items(), key=lambda item: int(item[0]))[:shown]:
            lines.append(printable(f"    CAM {number:>6}  not recording: {camera.get('reason') or camera.get('state')}"))
        if len(failing) > shown:
            lines.append(f"    … and {len(failing) - shown} more")
    return lines


def cmd_grab(args: argparse.Namespace) -> int:
    import base64
    from pathlib import Path

    from console.atomic import write_atomic

    try:
        target = _target(args, "grab", args.identity)
    except _TargetError as exc:
        print(f"videowall grab: {exc}", file=sys.stderr)
        return 2
    client = target.client()
    try:
        answer = client.request("grab", {"monitor": args.monitor}, timeout=10).content
    except TimeoutError as exc:
        print(f"videowall grab: {target.unanswered(exc)}", file=sys.stderr)
        return 1
    finally:
        client.close()
    if not answer.get("ok"):
        print(f"videowall grab: {answer.get('answer', 'NA')}", file=sys.stderr)
        return 1
    write_atomic(Path(args.output), base64.b64decode(answer["png"]))
    print(json.dumps({"monitor": args.monitor, "camera": answer.get("camera"), "width": answer.get("width"),
                      "height": answer.get("height"), "file": args.output, "agent": answer.get("agent")}))
    return 0


def cmd_evidence(args: argparse.Namespace) -> int:
    from console.evidence.cli import run

    def connect():  # type: ignore[no-untyped-def]
        try:
            return _target(args, args.command if args.command == "snapshot" else f"evidence {args.action}",
                           args.identity).client()
        except _TargetError as exc:
            raise ConnectionError(str(exc)) from None

    if args.command == "snapshot" or args.action in ("pdf", "print"):
        return run(args, connect)
    return run(args)


def cmd_export(args: argparse.Namespace) -> int:
    from console.recorder.export_cli import run

    return run(args)


def cmd_layout(args: argparse.Namespace) -> int:
    from console.matrix.layouts import VERSION, LayoutError, load_layout, save_layout

    try:
        layout = load_layout(args.file)
    except LayoutError as exc:
        print(f"videowall layout: {exc}", file=sys.stderr)
        return 1
    wall = layout.wall
    blocks = ", ".join(f"{s.name} {s.grid.name} tiles, monitors {wall.first_of(s.name)}-"
                       f"{wall.first_of(s.name) + s.block - 1}" for s in wall.screens)
    if args.action == "check":
        for note in layout.notes:
            print(note)
        print(f"{args.file}: {wall.name}: {blocks}; {len(layout.salvos)} salvos, {len(layout.tours)} tours")
        return 0
    try:
        changed = save_layout(layout, args.file)
    except OSError as exc:
        print(f"videowall layout: {args.file}: {exc}", file=sys.stderr)
        return 1
    print(f"{args.file}: {'written as' if changed else 'already'} version {VERSION} ({blocks})")
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    from console.matrix.audit import verify

    verdict = verify(args.file)
    if verdict.ok:
        print(f"{args.file}: {verdict.lines} lines, chain intact")
        return 0
    print(f"videowall audit: {verdict.problem}", file=sys.stderr)
    return 1


def cmd_catalog(args: argparse.Namespace) -> int:
    import time

    from console.logs import state_dir
    from console.matrix.catalog import Catalog, CatalogError, build, read_catalog
    from console.matrix.yamlfile import printable

    db = args.db or str(state_dir() / "catalog.sqlite")
    try:
        if args.action == "import":
            started = time.monotonic()
            line = ProgressLine(sys.stdout) if sys.stdout.isatty() else None
            try:
                count = build(read_catalog(args.file, line, encoding=args.encoding), db, line)
            finally:
                if line is not None:
                    line.end()
            print(f"{count} cameras from {args.file} into {db} in {time.monotonic() - started:.2f} s")
            return 0
        catalog = Catalog(db)
        try:
            found = catalog.search(args.text, args.limit)
            total = catalog.count(args.text) if len(found) >= args.limit else len(found)
        finally:
            catalog.close()
    except CatalogError as exc:
        print(f"videowall catalog: {printable(str(exc))}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps([{"number": c.number, "id": c.id, "name": c.name, "place": list(c.place)} for c in found],
                         ensure_ascii=False))
        if total > len(found):
            print(f"videowall catalog: showing {len(found):,} of {total:,}; --limit N for more", file=sys.stderr)
        return 0
    for c in found:
        # A catalog from elsewhere may hold escape sequences: they must not reach the terminal raw.
        print(printable(f"{c.number:>7}  {c.name}  ({' / '.join(c.place)})"))
    if total > len(found):
        print(f"showing {len(found):,} of {total:,} cameras; --limit N shows more, a longer text fewer")
    elif not found:
        print("no camera matches")
    return 0


class ProgressLine:
    """One line on a terminal, rewritten in place, once an import has run for a second:
    the stage, how far (rows, or the share of the file read), the rate and the time left."""

    STAGES: ClassVar[dict[str, str]] = {"reading": "reading the file", "checking": "checking cameras",
                                        "writing": "writing the catalog", "indexing": "building the search index"}

    def __init__(self, out, after: float = 1.0) -> None:  # type: ignore[no-untyped-def]
        import time

        self.out, self.after = out, after
        self.clock = time.monotonic
        self.started = self.clock()
        self.stage = ""
        self.stage_started = self.started
        self.shown_at = 0.0
        self.width = 0

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = self.clock()
        if stage != self.stage:
            self.stage, self.stage_started = stage, now
        if now - self.started < self.after or (now - self.shown_at < 0.2 and done < total):
            return
        self.shown_at = now
        elapsed = max(now - self.stage_started, 1e-3)
        rate = done / elapsed
        left = f", {(total - done) / rate:.0f} s left" if rate > 0 and total > done else ""
        if not total:
            how_far = "…"
        elif stage == "reading":
            how_far = f"{100 * done / max(total, 1):.0f} % ({done / 1e6:.1f} of {total / 1e6:.1f} M characters, " \
                      f"{rate / 1e6:.1f} M/s{left})"
        else:
            how_far = f"{done:,} of {total:,} ({rate:,.0f}/s{left})"
        text = f"{self.STAGES.get(stage, stage)}: {how_far}"
        self.out.write("\r" + text.ljust(self.width))
        self.out.flush()
        self.width = len(text)

    def end(self) -> None:
        if self.width:
            self.out.write("\n")
            self.out.flush()


def cmd_sim(args: argparse.Namespace) -> int:
    from console.sim.site import SimError, SimLogin, SimSite, parse_domes, run_forever

    if args.catalog_only:
        return write_city_catalog(args)

    login = SimLogin()  # straight from the keyring into the site, never on a command line
    if args.credential:
        from console.credentials import CredentialError
        from console.credentials import load as load_from_keyring

        try:
            user, pw = load_from_keyring(args.credential)
            login = SimLogin(user=user, password=pw)
        except CredentialError as exc:
            print(f"videowall sim: {exc}", file=sys.stderr)
            return 2
    try:
        domes = parse_domes(args.domes, args.cameras) if args.domes is not None else None
        site = SimSite(args.cameras, size=args.size, fps=args.fps, gop=args.gop, port=args.port,
                       control_port=args.control_port, credential=args.credential, domes=domes, **login)
        return run_forever(site, args.catalog)
    except (SimError, OSError) as exc:
        print(f"videowall sim: {exc}", file=sys.stderr)
        return 1


def write_city_catalog(args: argparse.Namespace) -> int:
    import csv
    import io
    from pathlib import Path

    import yaml

    from console.atomic import write_atomic
    from console.sim.names import city_catalog

    if not args.catalog:
        print("videowall sim: --catalog-only needs --catalog FILE", file=sys.stderr)
        return 2
    entries = city_catalog(args.cameras, stream_base=f"rtsp://127.0.0.1:{args.port}/cam/")
    path = Path(args.catalog)
    if path.suffix.lower() == ".csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["number", "id", "name", "place", "main"])
        for e in entries:
            writer.writerow([e["number"], e["id"], e["name"], " / ".join(e["place"]), e["streams"]["main"]])
        text = out.getvalue()
    else:
        text = yaml.dump({"version": 1, "cameras": entries}, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper),
                         allow_unicode=True, sort_keys=False)
    write_atomic(path, text.encode("utf-8"))
    print(f"{len(entries)} cameras written to {path}")
    return 0


def cmd_simctl(args: argparse.Namespace) -> int:
    import socket

    if args.action != "list" and args.camera is None:
        print(f"videowall simctl: {args.action} needs a camera number", file=sys.stderr)
        return 2
    command = args.action if args.action == "list" else f"{args.action} {args.camera}"
    try:
        with socket.create_connection(("127.0.0.1", args.control_port), timeout=10) as sock:
            sock.sendall(command.encode() + b"\n")
            answer = sock.makefile().readline().strip()
    except OSError as exc:
        print(f"videowall simctl: no simulated site on control port {args.control_port}: {exc}", file=sys.stderr)
        return 1
    print(answer)
    return 0 if answer.startswith("ok") else 1


def cmd_probe(args: argparse.Namespace) -> int:
    from console.video.probe import ProbeError, probe
    from console.video.urls import mask_url, with_credentials

    url = args.url
    if args.credential:
        from console.credentials import CredentialError, load

        try:
            url = with_credentials(url, *load(args.credential))
        except CredentialError as exc:
            print(f"videowall probe: {exc}", file=sys.stderr)
            return 2
    try:
        result = probe(url, frames=args.frames, timeout=args.timeout, transport=args.transport)
    except ProbeError as exc:
        if args.json:
            print(json.dumps({"url": mask_url(url), "error": mask_url(str(exc))}))
        print(f"videowall probe: {mask_url(str(exc))}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(result.to_dict()))
    else:
        r = result
        print(f"{r.url}: {r.codec} {r.width}x{r.height}, {r.fps:.1f} fps, "
              f"first frame {r.first_frame_ms:.0f} ms, {r.frames} frames")
    return 0


def cmd_credential(args: argparse.Namespace) -> int:
    from console.credentials import CredentialError, delete, store

    try:
        if args.action == "set":
            if sys.stdin.isatty():
                password = getpass.getpass(f"password for {args.user} ({args.ref}): ")
            else:
                password = sys.stdin.readline().rstrip("\n")
            store(args.ref, args.user, password)
        else:
            delete(args.ref)
    except CredentialError as exc:
        print(f"videowall credential: {exc}", file=sys.stderr)
        return 2
    return 0


def _qt_app(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from console.ui.demo import apply_dark_theme
    from console.ui.i18n import install_translator

    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setApplicationName("videowall")
    app.setOrganizationName("videowall")
    install_translator(app, args.lang)
    apply_dark_theme(app)  # type: ignore[arg-type]
    # Let Ctrl-C and SIGTERM close the windows cleanly (Qt's loop would otherwise swallow them).
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: app.quit())
    wake = QTimer(app)
    wake.start(250)  # give Python's signal handlers a chance to run
    wake.timeout.connect(lambda: None)
    return app


def cmd_demo(args: argparse.Namespace) -> int:
    if args.screenshot and "QT_QPA_PLATFORM" not in os.environ and not os.environ.get("DISPLAY"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    import shutil
    import tempfile

    from PySide6.QtCore import QSettings, QTimer

    from console.matrix.catalog import build
    from console.matrix.layouts import LayoutError, load_layout
    from console.sim.site import SimError, SimSite, demo_domes, free_port
    from console.ui.centre import demo_catalog_rows, start_local_centre
    from console.ui.demo import default_renderer

    try:
        layout = load_layout(args.layout)
    except LayoutError as exc:
        print(f"videowall demo: {exc}", file=sys.stderr)
        return 2
    port = args.port or free_port()
    # A few cameras are domes that really move (the last four: Pelco-D x2 on one serial
    # server, Pelco-P, VISCA over IP), steered from the console like a centre's domes.
    site = SimSite(args.cameras, size=args.size, fps=args.fps, port=port, control_port=free_port({port}),
                   domes=demo_domes(args.cameras) if args.domes else None)
    try:
        site.start()
    except SimError as exc:
        print(f"videowall demo: {exc}", file=sys.stderr)
        return 1
    state = Path(tempfile.mkdtemp(prefix="videowall-demo-"))
    centre = published = recorder = None
    try:
        build(demo_catalog_rows(site.cameras, args.city, f"rtsp://127.0.0.1:{port}/cam/"), state / "catalog.sqlite")
        app = _qt_app(args)
        renderer = default_renderer() if args.renderer == "auto" else args.renderer
        # The demo's window places are its own: the user's console settings stay untouched.
        settings = QSettings(str(state / "console.ini"), QSettings.Format.IniFormat)
        from console.matrix import connection

        # Terminals on this machine drive the demo with their own keyring key: it lets in the
        # keys they enrol (console/matrix/connection.py), which a real host never does.
        try:
            enrol_dir: Path | None = connection.runtime_dir() / f"centre-{os.getpid()}.desks"
        except connection.CentreError as exc:
            log.warning("terminals cannot drive this demo: %s", exc)
            enrol_dir = None
        centre = start_local_centre(layout, state / "catalog.sqlite", state, role=args.demo_role, renderer=renderer,
                                    settings=settings, arrange="demo", enrol_dir=enrol_dir, recorder=args.recorder)
        if args.recorder:
            recorder = _demo_recorder(state, centre, len(site.cameras))
        if enrol_dir is not None:
            published = _publish("demo", "demo", *centre.endpoints, centre.server_key, enrol=True)
        # Something to look at: the layout's first salvo, and its first tour on the big screen.
        desk = centre.console
        for salvo in sorted(layout.salvos):
            desk.recall_salvo(salvo)
        if layout.tours:
            last = layout.wall.monitor_numbers()[-1]  # the big screen's tile
            desk.link.keys(f"{last} MON {sorted(layout.tours)[0]} SEQ")
        desk.browser.tree.expandToDepth(1)
        desk.main_monitor.show_camera(1)
        if args.screenshot:
            def shoot() -> None:
                assert centre is not None
                centre.screenshot(args.screenshot)
                tiles = [t.health.state for agent in centre.agents for t in agent.tiles]
                print(json.dumps({"event": "screenshot", "file": args.screenshot, "tiles": tiles,
                                  "playing": tiles.count("playing")}), flush=True)
                app.quit()

            QTimer.singleShot(int(args.after * 1000), shoot)
        return int(app.exec())
    finally:
        _withdraw(published)
        if recorder is not None:
            _stop_process(recorder)
        if centre is not None:
            centre.close()
        site.close()
        shutil.rmtree(state, ignore_errors=True)


def _self_command(*args: str) -> list[str]:
    """This program again, as a process of its own: the installed bundle, or the source tree."""
    if getattr(sys, "frozen", False):
        return [sys.executable, *args]
    return [sys.executable, "-m", "console", *args]


def _demo_serve(port: int) -> str:
    """The demo recorder's `serve:`: recordings over HTTP to desks holding the demo host's
    tokens, checked against the centre key the host signs them with (made here if new)."""
    from console.evidence.signing import SigningKey, SigningKeyError

    try:
        key = SigningKey.load("centre", create=True).public.text()  # the host's default centre id
    except SigningKeyError as exc:
        log.warning("the demo's recorder serves no recordings to desks: %s", exc)
        return ""
    return f"serve: {{listen: '127.0.0.1:{port}', centre_key: '{key}'}}\n"


def _demo_recorder(state: Path, centre: Any, cameras: int) -> Any:
    """The demo's recorder, a process of its own as at a centre: it records the simulated
    cameras into the demo's folder and serves them to the tiles from its relay."""
    import subprocess

    from console.matrix.keys import to_json
    from console.sim.site import free_port

    config = state / "recorder.yaml"
    config.write_text(
        f"store: '{state / 'recordings'}'\ncatalog: '{state / 'catalog.sqlite'}'\n"
        f"relay: 'tcp://127.0.0.1:{free_port()}'\n"
        f"host: {{router: '{centre.endpoints[0]}', server_key: '{centre.server_key.decode()}'}}\n"
        f"segment_seconds: 10\nrecord: 1-{cameras}\nretention: {{keep_days: 1, min_free_gb: 1}}\n"
        f"{_demo_serve(free_port())}", encoding="utf-8")
    log_file = (state / "recorder.log").open("ab")
    process = subprocess.Popen(_self_command("recorder", "--config", str(config), "--key-stdin"),
                               stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=log_file)
    assert process.stdin is not None
    process.stdin.write((to_json(*centre.keys["recorder"]) + "\n").encode())
    process.stdin.close()
    log.info("the demo's recorder records cameras 1-%d into %s (pid %d)", cameras, state / "recordings", process.pid)
    return process


def _stop_process(process: Any, grace: float = 10.0) -> None:
    import subprocess

    if process.poll() is None:
        process.terminate()
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def cmd_console(args: argparse.Namespace) -> int:
    """The operator's console: its own centre from --config, or a desk on a remote host."""
    from console.matrix import keys
    from console.matrix.catalog import Catalog, CatalogError
    from console.matrix.host import HostClient
    from console.ui.demo import default_renderer

    if args.console_host:
        if not args.console_server_key or not args.console_catalog:
            print("videowall: --host needs --server-key and --catalog", file=sys.stderr)
            return 2
        try:
            catalog = Catalog(args.console_catalog)
            pair = keys.from_json(sys.stdin.readline()) if args.console_key_stdin else keys.load("desk")
        except (CatalogError, keys.KeyPairError) as exc:
            print(f"videowall: {exc}", file=sys.stderr)
            return 2
        app = _qt_app(args)
        from console.ui.console import ConsoleWindow, HostLink
        from console.video.player import VideoEngine

        engine = VideoEngine()
        client = HostClient(args.console_host, args.console_server_key.encode(), *pair, name="desk",
                            pub=_pub_endpoint(args.console_host))
        window = ConsoleWindow(HostLink(client), catalog, engine, role=args.role or "operator",
                               renderer=default_renderer())
        window.show()
        _report_ready(app, window)
        try:
            return int(app.exec())
        finally:
            window.link.close()
            engine.close()
    config = Path(args.console_config) if args.console_config else Path.home() / ".config" / "videowall" / "host.yaml"
    if not config.exists():
        print("videowall: no centre is configured here.\n"
              f"  Run the simulated centre:   videowall demo\n"
              f"  Run this centre:            videowall --config host.yaml   (or put it at {config})\n"
              "  Join another centre's host: videowall --host tcp://ADDR:7700 --server-key KEY --catalog DB",
              file=sys.stderr)
        return 2
    from console.matrix.config import ConfigError, read_host_config
    from console.matrix.layouts import LayoutError, load_layout
    from console.ui.centre import start_local_centre

    try:
        settings = read_host_config(config)
        layout = load_layout(settings.layout)
    except (ConfigError, LayoutError) as exc:
        print(f"videowall: {exc}", file=sys.stderr)
        return 2
    app = _qt_app(args)
    try:
        centre = start_local_centre(layout, settings.catalog, settings.state_dir, role=args.role or settings.role,
                                    renderer=default_renderer())
    except CatalogError as exc:
        print(f"videowall: {exc}", file=sys.stderr)
        return 2
    published = _publish(config.stem, "console", *centre.endpoints, centre.server_key)
    _report_ready(app, centre.console)
    try:
        return int(app.exec())
    finally:
        _withdraw(published)
        centre.close()


def _report_ready(app, window) -> None:  # type: ignore[no-untyped-def]
    """Log when the console is usable: shown, painted, the wall and the camera tree loaded."""
    import time

    from PySide6.QtCore import QTimer

    def check() -> None:
        if window.preview.seq is None or not window.isVisible():
            QTimer.singleShot(5, check)
            return
        app.processEvents()  # the first paint of everything that is shown
        log.info("console ready", extra={"event": "ready", "monotonic": time.monotonic()})

    QTimer.singleShot(0, check)


def _pub_endpoint(router: str) -> str:
    """The host publishes on the port after its command port, unless told otherwise."""
    scheme, _, rest = router.rpartition(":")
    return f"{scheme}:{int(rest) + 1}" if rest.isdigit() else router


if __name__ == "__main__":
    sys.exit(main())
