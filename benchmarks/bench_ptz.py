"""PTZ: a desk's command → bytes on a serial-server line, against a direct write to the same
server in the same run; a 50 updates/s joystick stream; release → stop bytes; and the
dead-man stop of a desk that falls silent.

The "serial server" is a TCP server in its own process (what an RS-485-to-Ethernet box is
to the host) that stamps every Pelco-D frame it receives with CLOCK_MONOTONIC, the clock
this process stamps its sends with.  "Direct" is `sendall` of the same frame on a plain
socket to the same server, interleaved with the path measured.  Two paths are measured:

  (a') the whole of it: a desk (a `HostClient` with an authorised key) sends `PtzMove` over
       CurveZMQ to a real `MatrixHost` running in its own thread, whose catalog gives the
       dome's `ptz:` line (pelco-d at its default 2400 baud) and whose PTZ rules are the
       defaults: the host decodes, the arbiter checks the lock, the dome's controller
       encodes and queues, the line's writer thread writes.  Timed from just before the
       desk's send to the frame's stamp at the server.
  (a)  its host-side part alone, as a breakdown: the arbiter (console/matrix/ptz_control.py)
       called in-process, the controller and the line (console/ptz/lines.py) — what the
       host does per PTZ message, without the bus.  (b)-(e) drive this same in-process path.

    ./run bench ptz [--samples 400] [--seconds 10] [--rate 50] [--baud 2400]

(e) repeats the joystick stream to a server that drains its socket no faster than a Pelco-D
bus at `--baud` carries frames, as an RS-485 serial server does.
"""

from __future__ import annotations

import argparse
import json
import math
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import zmq
from common import percentile, print_table, save, summary

from console.matrix.catalog import Catalog, build, camera_from_entry
from console.matrix.host import HostClient, HostKeys, MatrixHost
from console.matrix.layouts import parse_layout
from console.matrix.ptz_commands import PtzMove, PtzStop
from console.matrix.ptz_control import Outcome, PtzArbiter
from console.ptz.commands import Move, Stop
from console.ptz.drivers import LineDome, PtzHub, make_encoder
from console.sim.site import free_port

RECEIVER = r"""
import json, socket, sys, threading, time
baud = float(sys.argv[1]) if len(sys.argv) > 1 else 0.0  # 0: as fast as loopback; else drain like a bus
listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
if baud:
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
listener.bind(("127.0.0.1", 0))
listener.listen(8)
frames = []
lock = threading.Lock()

def serve(conn):
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    buffer = bytearray()
    while True:
        if baud:
            time.sleep(7 * 10 / baud)  # a 7-byte frame's time on the bus: 8N1, 10 bits a byte
        data = conn.recv(7 if baud else 4096)
        at = time.monotonic_ns()
        if not data:
            return
        buffer += data
        while True:
            start = buffer.find(0xFF)
            if start < 0:
                buffer.clear()
                break
            del buffer[:start]
            if len(buffer) < 7:
                break
            with lock:
                frames.append((at, bytes(buffer[:7]).hex()))
            del buffer[:7]

def accept():
    while True:
        conn, _ = listener.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()

threading.Thread(target=accept, daemon=True).start()
print(listener.getsockname()[1], flush=True)
for line in sys.stdin:
    with lock:
        out, frames[:] = list(frames), []
    print(json.dumps(out), flush=True)
"""

OURS, DIRECT = 1, 2  # Pelco-D addresses: which path a frame came by


class Receiver:
    def __init__(self, baud: int = 0) -> None:
        self.proc = subprocess.Popen([sys.executable, "-c", RECEIVER, str(baud)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        self.port = int(self.proc.stdout.readline())

    def take(self) -> list[tuple[int, bytes]]:
        """Every frame received since the last call: (CLOCK_MONOTONIC ns, frame)."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write("\n")
        self.proc.stdin.flush()
        return [(at, bytes.fromhex(frame)) for at, frame in json.loads(self.proc.stdout.readline())]

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        self.proc.wait(5)


class HostPath:
    """The matrix host's part: arbiter → controller → line (one thread writes the line)."""

    def __init__(self, port: int, baud: int) -> None:
        self.hub = PtzHub()
        # The line is paced at its bus's rate (console/ptz/lines.py): as fast as the receiver drains.
        self.dome: LineDome = self.hub.controller({"protocol": "pelco-d", "line": f"socket://127.0.0.1:{port}",
                                                   "address": OURS, "baud": baud})
        self.arbiter = PtzArbiter()
        deadline = time.monotonic() + 10
        while self.dome.line.status.state != "open":
            if time.monotonic() > deadline:
                raise RuntimeError(f"the line did not open: {self.dome.line.status.text}")
            time.sleep(0.01)

    def carry_out(self, outcome: Outcome) -> int:
        for drive in outcome.drives:
            self.dome.send(drive.command)
        return len(outcome.drives)

    def command(self, command: PtzMove | PtzStop) -> int:
        return self.carry_out(self.arbiter.handle("desk-1", "operator", command))

    def close(self) -> None:
        self.hub.close()


DESK_CAMERA = 7  # the dome's number in the host's catalog, as a desk types it
DESK_LAYOUT = "version: 2\nwall: {name: bench, screens: [{name: A, grid: 4, first_monitor: 1}]}\n"


class DeskPath:
    """(a') A desk and a real matrix host (its own thread, as tests/test_ptz_host.py builds
    one): the desk's PTZ commands go over CurveZMQ; the host's PTZ service opens the dome's
    line from the catalog's `ptz:` entry."""

    def __init__(self, port: int) -> None:
        self.tmp = tempfile.TemporaryDirectory(prefix="bench-ptz-")
        self.ctx: zmq.Context[Any] | None = None
        self.catalog: Catalog | None = None
        self.host: MatrixHost | None = None
        self.desk: HostClient | None = None
        self.released = False
        try:
            state = Path(self.tmp.name)
            entry = {"number": DESK_CAMERA, "name": "Bench dome", "streams": {"main": "rtsp://127.0.0.1/bench"},
                     "ptz": {"protocol": "pelco-d", "line": f"socket://127.0.0.1:{port}", "address": OURS}}
            build([camera_from_entry(entry)], state / "catalog.sqlite")
            self.catalog = Catalog(state / "catalog.sqlite")
            host_public, host_secret = zmq.curve_keypair()
            desk_public, desk_secret = zmq.curve_keypair()
            router_port = free_port()
            router = f"tcp://127.0.0.1:{router_port}"
            self.ctx = zmq.Context()
            keys = HostKeys(host_public, host_secret, {desk_public: "desk-1"}, {"desk-1": "operator"})
            self.host = MatrixHost(parse_layout(DESK_LAYOUT), self.catalog.get, keys, router=router,
                                   pub=f"tcp://127.0.0.1:{free_port({router_port})}", state_dir=state,
                                   context=self.ctx).start()
            self.desk = HostClient(router, host_public, desk_public, desk_secret, name="desk-1", context=self.ctx)
            # The first command takes the dome's lock and opens its line; wait until the line is open.
            reply = self.send("PtzStop")
            if not reply["ok"]:
                raise RuntimeError(f"the host refused the desk: {reply['answer']}")
            deadline = time.monotonic() + 10
            while True:
                lines = self.desk.request("snapshot_request", {}).content["ptz"]["lines"]
                if any(line["state"] == "open" for line in lines.values()):
                    break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the host's line did not open: {lines}")
                time.sleep(0.02)
        except BaseException:
            self.close()
            raise

    def send(self, command: str, **fields: float) -> dict[str, Any]:
        assert self.desk is not None
        return self.desk.request("command", {"command": command, "camera": DESK_CAMERA, **fields}).content

    def close(self) -> None:
        try:
            if self.desk is not None:
                try:  # the dome stopped and given back, as a desk leaves it
                    self.released = self.send("PtzStop")["ok"] and self.send("PtzRelease")["ok"]
                except TimeoutError:
                    self.released = False
                finally:
                    self.desk.close()
            if self.host is not None:
                self.host.stop()  # stops a dome still moving, closes the line
        finally:
            if self.ctx is not None:
                self.ctx.term()
            if self.catalog is not None:
                self.catalog.close()
            self.tmp.cleanup()


def unique(step: int) -> tuple[float, float]:
    """Pan and tilt of the i-th update such that no two of the first 3,969 share a frame."""
    return (step % 63 + 1) / 63, (step // 63 % 63 + 1) / 63


def speed(step: int) -> float:
    """Pan speed of the joystick's i-th update: a triangle over Pelco's 63 steps, never the
    same twice in a row, so that every update is a new frame on the line."""
    k = step % 124
    return (k + 1 if k < 62 else 124 - k + 1) / 63


def frame_of(encoder: Any, command: Move | Stop) -> bytes:
    return bytes(encoder.encode(command)[0])


def wait_until(moment: float) -> None:
    while True:
        left = moment - time.monotonic()
        if left <= 0:
            return
        time.sleep(min(left, 0.002) if left < 0.004 else left - 0.002)


def match(sent: list[tuple[int, bytes]], received: list[tuple[int, bytes]]) -> tuple[list[float], int]:
    """Lags (ms) of sent frames found on the line, in order; and how many never showed (coalesced)."""
    lags: list[float] = []
    missing = 0
    k = 0
    for at, frame in sent:
        j = k
        while j < len(received) and (received[j][1] != frame or received[j][0] < at):
            j += 1
        if j == len(received):
            missing += 1
            continue
        lags.append((received[j][0] - at) / 1e6)
        k = j + 1
    return lags, missing


def command_to_line(host: HostPath, direct: socket.socket, receiver: Receiver, samples: int) -> dict[str, Any]:
    """(a) one command at a time, ours and direct interleaved."""
    ours_enc, direct_enc = make_encoder("pelco-d", OURS), make_encoder("pelco-d", DIRECT)
    ours_sent: list[tuple[int, bytes]] = []
    direct_sent: list[tuple[int, bytes]] = []
    receiver.take()
    for i in range(samples):
        command = Move(pan=speed(i) * (1 if i % 2 else -1))
        at = time.monotonic_ns()
        host.command(PtzMove(12, pan=command.pan))
        ours_sent.append((at, frame_of(ours_enc, command)))
        time.sleep(0.008)
        frame = frame_of(direct_enc, command)
        at = time.monotonic_ns()
        direct.sendall(frame)
        direct_sent.append((at, frame))
        time.sleep(0.008)
    time.sleep(0.2)
    received = receiver.take()
    ours, ours_missing = match(ours_sent, [r for r in received if r[1][1] == OURS])
    plain, plain_missing = match(direct_sent, [r for r in received if r[1][1] == DIRECT])
    host.command(PtzStop(12))
    return {"ours": summary(ours), "direct": summary(plain), "lost": ours_missing + plain_missing}


def desk_to_line(desk: DeskPath, direct: socket.socket, receiver: Receiver, samples: int,
                 period: float = 0.05) -> dict[str, Any]:
    """(a') one key press at a time from the desk, through the host, a direct write between two.

    A press every `period` s: more than a 2400-baud line's 29 ms per Pelco-D frame, so a press
    never waits behind the one before it (the line paces its writes at the bus's rate)."""
    ours_enc, direct_enc = make_encoder("pelco-d", OURS), make_encoder("pelco-d", DIRECT)
    ours_sent: list[tuple[int, bytes]] = []
    direct_sent: list[tuple[int, bytes]] = []
    for i in range(5):  # warm: the host's first moves, the bus's and the line's buffers
        desk.send("PtzMove", pan=speed(i) * (1 if i % 2 else -1))
        time.sleep(period)
    refused: list[str] = []
    receiver.take()
    start = time.monotonic() + period
    for i in range(samples):
        wait_until(start + i * period)
        command = Move(pan=speed(i + 1) * (1 if i % 2 else -1))  # never the warm-up's last speed
        at = time.monotonic_ns()
        reply = desk.send("PtzMove", pan=command.pan)
        ours_sent.append((at, frame_of(ours_enc, command)))
        if not reply["ok"]:
            refused.append(str(reply["answer"]))
        wait_until(start + (i + 0.5) * period)
        frame = frame_of(direct_enc, command)
        at = time.monotonic_ns()
        direct.sendall(frame)
        direct_sent.append((at, frame))
    time.sleep(0.2)
    received = receiver.take()
    ours, ours_missing = match(ours_sent, [r for r in received if r[1][1] == OURS])
    plain, plain_missing = match(direct_sent, [r for r in received if r[1][1] == DIRECT])
    desk.send("PtzStop")
    return {"ours": summary(ours), "direct": summary(plain), "lost": ours_missing + plain_missing,
            "refused": len(refused), "first_refusal": refused[0] if refused else "", "period_s": period}


def joystick(host: HostPath | None, direct: socket.socket, receiver: Receiver, seconds: float,
             rate: float, *, drain: float = 0.3) -> dict[str, Any]:
    """(b) a joystick stream: every update a new speed; lag of each update's bytes, early and late."""
    address = OURS if host is not None else DIRECT
    encoder = make_encoder("pelco-d", address)
    updates = int(seconds * rate)
    sent: list[tuple[int, bytes]] = []
    drives = 0
    receiver.take()
    start = time.monotonic() + 0.05
    for i in range(updates):
        wait_until(start + i / rate)
        pan, tilt = unique(i)
        command = Move(pan=pan, tilt=tilt)
        frame = frame_of(encoder, command)
        at = time.monotonic_ns()
        if host is not None:
            drives += host.command(PtzMove(12, pan=command.pan, tilt=command.tilt))
        else:
            direct.sendall(frame)
            drives += 1
        sent.append((at, frame))
    last_at = sent[-1][0]
    time.sleep(drain)
    received = [r for r in receiver.take() if r[1][1] == address]
    lags, missing = match(sent, received)
    if host is not None:
        host.command(PtzStop(12))
    # Backlog: the lag at the end of the stream is no larger than at its start, and the last
    # update's bytes are on the line as quickly as any.
    early, late = lags[:int(rate)], lags[-int(rate):]
    final = [(at - last_at) / 1e6 for at, frame in received if frame == sent[-1][1] and at >= last_at]
    return {"updates": updates, "drives": drives, "frames_on_line": len(received), "coalesced": missing,
            "lag": summary(lags), "first_second_p95": percentile(early, 95), "last_second_p95": percentile(late, 95),
            "last_update_lag_ms": final[0] if final else math.nan}


def release_to_stop(host: HostPath, receiver: Receiver, samples: int) -> dict[str, Any]:
    """(c) a held move released: PtzStop → the stop frame on the line."""
    encoder = make_encoder("pelco-d", OURS)
    stop = frame_of(encoder, Stop())
    sent: list[tuple[int, bytes]] = []
    receiver.take()
    for i in range(samples):
        host.command(PtzMove(12, pan=speed(i)))
        time.sleep(0.01)
        at = time.monotonic_ns()
        host.command(PtzStop(12))
        sent.append((at, stop))
        time.sleep(0.01)
    time.sleep(0.2)
    lags, missing = match(sent, [r for r in receiver.take() if r[1] == stop])
    return {"stop": summary(lags), "lost": missing}


def dead_man(host: HostPath, receiver: Receiver, samples: int) -> dict[str, Any]:
    """(d) a desk that stops repeating its move: the host loop's tick → the stop frame.

    Measured from the desk's last repeat; the arbiter's dead-man time is 0.8 s."""
    encoder = make_encoder("pelco-d", OURS)
    stop = frame_of(encoder, Stop())
    after: list[float] = []
    for i in range(samples):
        receiver.take()
        host.command(PtzMove(12, pan=speed(i)))
        last = time.monotonic_ns()
        while True:  # the host loop: sleep until the arbiter's next deadline, tick, carry out
            deadline = host.arbiter.next_deadline()
            if deadline is None:
                break
            wait_until(min(deadline, time.monotonic() + 0.1))
            host.carry_out(host.arbiter.tick())
            if host.arbiter.snapshot()["cameras"].get("12", {}).get("moving") is None:
                break
        time.sleep(0.05)
        stops = [at for at, frame in receiver.take() if frame == stop and at >= last]
        if stops:
            after.append((stops[0] - last) / 1e6)
    return {"stop_after_last_repeat": summary(after), "dead_man_s": host.arbiter.policy.dead_man}


def ms(value: float) -> str:
    return f"{value:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=400, help="commands for (a) and releases for (c)")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of the joystick stream (b)")
    parser.add_argument("--rate", type=float, default=50.0, help="joystick updates per second (b)")
    parser.add_argument("--dead-man", type=int, default=8, help="silent desks for (d)")
    parser.add_argument("--baud", type=int, default=2400, help="the RS-485 bus behind the serial server in (e)")
    args = parser.parse_args()
    receiver = Receiver()
    host = HostPath(receiver.port, 115200)  # a fast bus: the receiver drains as fast as loopback
    direct = socket.create_connection(("127.0.0.1", receiver.port))
    direct.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        a = command_to_line(host, direct, receiver, args.samples)
        desk = DeskPath(receiver.port)
        try:
            a_desk = desk_to_line(desk, direct, receiver, args.samples)
        finally:
            desk.close()
        a_desk["released"] = desk.released
        b = joystick(host, direct, receiver, args.seconds, args.rate)
        b_direct = joystick(None, direct, receiver, args.seconds, args.rate)
        c = release_to_stop(host, receiver, args.samples)
        d = dead_man(host, receiver, args.dead_man)
    finally:
        direct.close()
        host.close()
        receiver.close()
    # (e) The same stream to a serial server whose RS-485 bus drains at `baud`: Pelco-D at
    # 2400 baud carries 34 frames/s, less than a 50 updates/s joystick.
    slow = Receiver(args.baud)
    host = HostPath(slow.port, args.baud)
    direct = socket.create_connection(("127.0.0.1", slow.port))
    try:
        e = joystick(host, direct, slow, args.seconds, args.rate, drain=args.seconds * 2)
    finally:
        direct.close()
        host.close()
        slow.close()

    print_table(f"(a) one command → bytes on the line (ms, {args.samples} each, interleaved with a direct write)",
                ["", "p50", "p95", "max", "lost"],
                [["(a') desk → host (CurveZMQ) → line", ms(a_desk["ours"]["p50"]), ms(a_desk["ours"]["p95"]),
                  ms(a_desk["ours"]["max"]), a_desk["lost"]],
                 ["     direct write, same run", ms(a_desk["direct"]["p50"]), ms(a_desk["direct"]["p95"]),
                  ms(a_desk["direct"]["max"]), ""],
                 ["(a)  arbiter + controller + line (in-process)", ms(a["ours"]["p50"]), ms(a["ours"]["p95"]),
                  ms(a["ours"]["max"]), a["lost"]],
                 ["     direct write, same run", ms(a["direct"]["p50"]), ms(a["direct"]["p95"]),
                  ms(a["direct"]["max"]), ""]])
    print_table(f"(b) joystick, {args.rate:g} updates/s for {args.seconds:g} s: update → its bytes on the line (ms)",
                ["", "p50", "p95", "1st s p95", "last s p95", "last update", "coalesced"],
                [[name, ms(r["lag"]["p50"]), ms(r["lag"]["p95"]), ms(r["first_second_p95"]), ms(r["last_second_p95"]),
                  ms(r["last_update_lag_ms"]), r["coalesced"]] for name, r in (("ours", b), ("direct", b_direct))])
    print_table("(c) release → stop bytes on the line (ms)", ["", "p50", "p95", "max"],
                [["PtzStop", ms(c["stop"]["p50"]), ms(c["stop"]["p95"]), ms(c["stop"]["max"])]])
    print_table(f"(d) dead-man: the desk's last repeat → stop bytes (ms; dead-man {d['dead_man_s']:g} s)",
                ["", "p50", "p95", "max"],
                [["silent desk", d["stop_after_last_repeat"]["p50"], d["stop_after_last_repeat"]["p95"],
                  d["stop_after_last_repeat"]["max"]]])
    print_table(f"(e) the joystick to a {args.baud}-baud bus behind the serial server: update → its bytes (ms)",
                ["", "p50", "p95", "1st s p95", "last s p95", "last update", "coalesced"],
                [["ours", ms(e["lag"]["p50"]), ms(e["lag"]["p95"]), ms(e["first_second_p95"]),
                  ms(e["last_second_p95"]), ms(e["last_update_lag_ms"]), e["coalesced"]]])
    backlog = b["last_second_p95"] <= max(2 * b["first_second_p95"], b["first_second_p95"] + 5)
    over = a_desk["ours"]["p95"] - a_desk["direct"]["p95"]
    met = a_desk["ours"]["p95"] <= 15 and over <= 3 and not a_desk["refused"]
    print(f"\n  (a') desk → line p95 {a_desk['ours']['p95']:.2f} ms, {over:+.2f} ms over the direct write "
          f"(goal: <= 15 ms and <= +3 ms): {'met' if met else 'NOT MET'}"
          + (f"; {a_desk['refused']} refused: {a_desk['first_refusal']}" if a_desk["refused"] else ""))
    print(f"  (a) host's part: p95 {a['ours']['p95']:.2f} ms, {a['ours']['p95'] - a['direct']['p95']:+.2f} ms over "
          f"the direct write (goal: <= 15 ms and <= +3 ms)")
    print(f"  (b) lag p95 {b['lag']['p95']:.2f} ms (goal <= 30 ms); backlog: {'none' if backlog else 'GROWING'}; "
          f"{b['drives']} of {b['updates']} updates sent, {b['coalesced']} coalesced on the line")
    print(f"  (c) p95 {c['stop']['p95']:.2f} ms (goal <= 30 ms)")
    print(f"  (d) p95 {d['stop_after_last_repeat']['p95']:.0f} ms after the last repeat (goal: halted within 1000 ms)")
    print(f"  (e) on a {args.baud}-baud bus: last update {e['last_update_lag_ms']:.0f} ms behind, "
          f"{e['coalesced']} of {e['drives']} coalesced (the line's queue keeps the newest speed while the bus is busy)")
    save("ptz", {"samples": args.samples, "seconds": args.seconds, "rate": args.rate,
                 "desk_to_line": a_desk, "command_to_line": a, "joystick": b, "joystick_direct": b_direct, "release_to_stop": c,
                 "dead_man": d, "backlog": not backlog, "slow_bus": {"baud": args.baud, **e},
                 "goals": {"a_desk_p95_ms": 15, "a_desk_over_direct_ms": 3, "a_desk_met": met,
                           "a_p95_ms": 15, "a_over_direct_ms": 3, "b_lag_p95_ms": 30, "c_p95_ms": 30, "dead_man_ms": 1000}})


if __name__ == "__main__":
    main()
