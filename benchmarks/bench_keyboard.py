"""Keyboard commands per second through the matrix host, against a bare CurveZMQ echo.

The host runs in its own process (a real `MatrixHost`: parse, validate, apply, audit with a
group fsync, persist, publish, reply); the client keeps a window of lines in flight, as
several desks and an ASCII keyboard bridge would.  The baseline is a ROUTER on the same
CurveZMQ sockets that answers every message at once: the bus's own ceiling.

    ./run bench keyboard [--lines 20000] [--window 64]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time

import zmq
from common import ROOT, print_table, save

from console.matrix.protocol import Envelope, encode
from console.sim.site import free_port

HOST_SCRIPT = """
import json, sys, time, threading
sys.path.insert(0, {root!r})
import zmq
from pathlib import Path
from console.matrix.host import HostKeys, MatrixHost
from console.matrix.layouts import parse_layout
from console.matrix.model import Camera
cfg = json.loads(sys.stdin.readline())
cams = {{n: Camera(n, str(n), "c", main_stream="rtsp://127.0.0.1/x") for n in range(1, 2001)}}
layout = parse_layout("version: 1\\nwall: {{name: w, screens: [{{name: A, grid: 36}}, {{name: B, grid: 36}}]}}\\n")
keys = HostKeys(cfg["public"].encode(), cfg["secret"].encode(), {{cfg["client"].encode(): "desk"}})
if cfg["mode"] == "host":
    host = MatrixHost(layout, cams.get, keys, router=cfg["router"], pub=cfg["pub"], state_dir=Path(cfg["state"])).start()
else:
    ctx = zmq.Context.instance()
    r = ctx.socket(zmq.ROUTER); r.curve_server = True
    r.curve_secretkey = keys.secret_key; r.curve_publickey = keys.public_key
    r.bind(cfg["router"])
    def echo():
        while True:
            frames = r.recv_multipart()
            r.send_multipart(frames)
    threading.Thread(target=echo, daemon=True).start()
print("ready", flush=True)
sys.stdin.readline()
"""


def drive(mode: str, lines: int, window: int) -> float:
    host_public, host_secret = zmq.curve_keypair()
    client_public, client_secret = zmq.curve_keypair()
    router, pub = free_port(), free_port()
    with tempfile.TemporaryDirectory() as state:
        proc = subprocess.Popen([sys.executable, "-c", HOST_SCRIPT.format(root=str(ROOT))], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, text=True)
        assert proc.stdin and proc.stdout
        proc.stdin.write(json.dumps({"mode": mode, "public": host_public.decode(), "secret": host_secret.decode(),
                                     "client": client_public.decode(), "router": f"tcp://127.0.0.1:{router}",
                                     "pub": f"tcp://127.0.0.1:{pub}", "state": state}) + "\n")
        proc.stdin.flush()
        assert proc.stdout.readline().strip() == "ready"
        ctx = zmq.Context()
        dealer = ctx.socket(zmq.DEALER)
        dealer.curve_serverkey, dealer.curve_publickey, dealer.curve_secretkey = host_public, client_public, client_secret
        dealer.connect(f"tcp://127.0.0.1:{router}")
        messages = [encode(Envelope("command", {"keys": f"{i % 72 + 1} MON {i % 2000 + 1} CAM"}, "desk"))
                    for i in range(lines)]
        dealer.send_multipart(messages[0])
        dealer.recv_multipart()  # connected and answering
        started = time.perf_counter()
        sent = received = 0
        while received < lines:
            while sent < lines and sent - received < window:
                dealer.send_multipart(messages[sent])
                sent += 1
            dealer.recv_multipart()
            received += 1
        rate = lines / (time.perf_counter() - started)
        dealer.close(0)
        ctx.term()
        proc.stdin.write("\n")
        proc.stdin.flush()
        proc.wait(10)
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=20_000)
    parser.add_argument("--window", type=int, default=64)
    args = parser.parse_args()
    host = drive("host", args.lines, args.window)
    echo = drive("echo", args.lines, args.window)
    print_table(f"Keyboard lines through the host ({args.lines} lines, {args.window} in flight)",
                ["", "lines/s"], [["matrix host", host], ["CurveZMQ echo (baseline)", echo]])
    print(f"\n  {host:.0f} lines/s (goal >= 5000), {host / echo:.2f} of the bus's own ceiling")
    save("keyboard", {"host_lines_per_s": host, "echo_lines_per_s": echo, "goal_lines_per_s": 5000})


if __name__ == "__main__":
    main()
