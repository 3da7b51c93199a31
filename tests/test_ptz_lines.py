"""PTZ lines: real pyserial `loop://` and `socket://` to real TCP sockets, real UDP for VISCA over IP."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from console.ptz.commands import Move, Preset, PresetAction, PtzError, Stop
from console.ptz.controller import LineStatus
from console.ptz.drivers import LineDome, PtzHub, make_encoder
from console.ptz.lines import SerialLine, ViscaIpLine
from console.ptz.visca import PayloadType, ReplyKind, ViscaIpMessage, decode_visca_ip, encode_visca_ip
from console.sim.site import free_port

STOP_1 = bytes.fromhex("FF 01 00 00 00 00 01")  # Pelco-D stop, camera 1 (the manuals' frame)


def wait_until(predicate: Callable[[], bool], what: str, timeout: float = 10.0) -> None:
    """Wait for a state; the deadline only keeps a broken build from hanging the suite."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.01)


class Received:
    def __init__(self) -> None:
        self.data = bytearray()
        self.lock = threading.Lock()

    def __call__(self, chunk: bytes) -> None:
        with self.lock:
            self.data += chunk

    def frames(self, size: int = 7) -> list[bytes]:
        with self.lock:
            data = bytes(self.data)
        return [data[i:i + size] for i in range(0, len(data) - len(data) % size, size)]


def pelco_d_ok(frame: bytes) -> bool:
    return len(frame) == 7 and frame[0] == 0xFF and sum(frame[1:6]) % 256 == frame[6]


@pytest.fixture
def loop_line() -> Iterator[tuple[SerialLine, Received]]:
    received = Received()
    # loop:// hands back every byte written: what the line reads is exactly what went on the wire.
    line = SerialLine("loop://", on_receive=received)
    wait_until(lambda: line.status.state == "open", "loop:// to open")
    yield line, received
    line.close()


def test_domes_sharing_a_line_never_interleave(loop_line: tuple[SerialLine, Received]) -> None:
    line, received = loop_line
    domes = [LineDome(line, make_encoder("pelco-d", address)) for address in (1, 2, 3)]
    per_thread = 80  # 240 discrete commands: within the queue limit, whatever the scheduling

    def operator(dome: LineDome) -> None:
        for i in range(per_thread):
            dome.send(Preset(PresetAction.GOTO, 1 + i % 200))  # discrete: every one is written

    threads = [threading.Thread(target=operator, args=(d,)) for d in domes]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wait_until(lambda: len(received.frames()) >= 3 * per_thread, "every preset frame")
    frames = received.frames()
    assert len(frames) == 3 * per_thread and all(pelco_d_ok(f) for f in frames)
    for address in (1, 2, 3):
        presets = [f[5] for f in frames if f[1] == address]
        assert presets == [1 + i % 200 for i in range(per_thread)], "one dome's commands stay in order"


def test_a_joystick_flood_coalesces_to_the_newest_speed(loop_line: tuple[SerialLine, Received]) -> None:
    line, received = loop_line
    dome = LineDome(line, make_encoder("pelco-d", 1))
    with line.paused():
        for i in range(1, 101):
            dome.send(Move(pan=i / 100 * 0x20 / 0x3F))
        dome.send(Preset(PresetAction.GOTO, 7))
        dome.send(Move(tilt=-0x23 / 0x3F))  # after the preset: must not jump ahead of it
        dome.send(Move(tilt=-0x10 / 0x3F))
    wait_until(lambda: len(received.frames()) >= 3, "the coalesced frames")
    time.sleep(0.2)  # give a wrongly queued backlog the chance to show up
    assert received.frames() == [
        bytes.fromhex("FF 01 00 02 20 00 23"),  # the newest of the hundred pans (the manual's "Right")
        bytes.fromhex("FF 01 00 07 00 07 0F"),  # the preset, in its place
        bytes.fromhex("FF 01 00 10 00 10 21"),  # the newest tilt after it
    ]


def test_bad_commands_fail_in_the_caller(loop_line: tuple[SerialLine, Received]) -> None:
    line, _ = loop_line
    dome = LineDome(line, make_encoder("pelco-d", 1))
    with pytest.raises(PtzError, match="Pelco-D preset 300 is out of range"):
        dome.send(Preset(PresetAction.GOTO, 300))
    with pytest.raises(PtzError, match="unknown PTZ protocol 'pelco-x'"):
        make_encoder("pelco-x", 1)
    with pytest.raises(PtzError, match="VISCA address 9 is out of range"):
        make_encoder("visca", 9)


class TcpSerialServer:
    """A serial-over-IP server stand-in: a real listening socket that can vanish and return."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.received = Received()
        self.listener: socket.socket | None = None
        self.client: socket.socket | None = None
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(1)
        self.listener = listener
        self.thread = threading.Thread(target=self._serve, args=(listener,), daemon=True)
        self.thread.start()

    def _serve(self, listener: socket.socket) -> None:
        try:
            client, _ = listener.accept()
        except OSError:
            return
        self.client = client
        while True:
            try:
                chunk = client.recv(4096)
            except OSError:
                return
            if not chunk:
                return
            self.received(chunk)

    def stop(self) -> None:
        for sock in (self.client, self.listener):
            if sock is not None:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()
        self.client = self.listener = None
        if self.thread is not None:
            self.thread.join(5)


def test_a_refused_line_says_so_and_comes_back_by_itself() -> None:
    port = free_port()
    statuses: list[LineStatus] = []
    hub = PtzHub(on_status=statuses.append)
    try:
        dome = hub.controller({"protocol": "pelco-d", "line": f"socket://127.0.0.1:{port}", "address": 1})
        wait_until(lambda: dome.line.status.state == "down", "the refusal")
        assert dome.line.status.text == f"line socket://127.0.0.1:{port}: connection refused"
        assert statuses[-1].text == dome.line.status.text
        with pytest.raises(PtzError, match=f"line socket://127.0.0.1:{port}: connection refused"):
            dome.send(Move(pan=0.5))
        with pytest.raises(PtzError, match="connection refused"):
            dome.send(Stop())  # the operator let go during the outage
        server = TcpSerialServer(port)
        server.start()
        try:
            wait_until(lambda: dome.line.status.state == "open", "the line to come back")
            # The newest motion given while down (the stop) is written as soon as it is back.
            wait_until(lambda: len(server.received.frames()) >= 1, "the replayed stop")
            assert server.received.frames() == [STOP_1]
        finally:
            server.stop()
    finally:
        hub.close()


def test_a_line_dropped_mid_move_is_reopened_and_the_dome_told_again() -> None:
    port = free_port()
    server = TcpSerialServer(port)
    server.start()
    hub = PtzHub()
    try:
        spec = {"protocol": "pelco-d", "line": f"socket://127.0.0.1:{port}"}
        dome_1 = hub.controller({**spec, "address": 1})
        dome_2 = hub.controller({**spec, "address": 2})
        assert dome_1.line is dome_2.line, "one line per URL, however many domes"
        wait_until(lambda: dome_1.line.status.state == "open", "the line to open")
        dome_1.send(Move(pan=0x20 / 0x3F))
        dome_2.send(Move(tilt=0x23 / 0x3F))
        wait_until(lambda: len(server.received.frames()) >= 2, "both moves")
        assert server.received.frames() == [bytes.fromhex("FF 01 00 02 20 00 23"), bytes.fromhex("FF 02 00 08 00 23 2D")]
        server.stop()  # the serial server reboots mid-move
        wait_until(lambda: dome_1.line.status.state == "down", "the loss to be noticed")
        assert dome_1.line.status.reason in {"connection lost", "connection reset by peer", "broken pipe", "connection refused"}
        server = TcpSerialServer(port)
        server.start()
        wait_until(lambda: dome_1.line.status.state == "open", "the line to come back")
        dome_1.send(Stop())
        wait_until(lambda: STOP_1 in server.received.frames(), "dome 1's stop")
        wait_until(lambda: any(f[1] == 2 for f in server.received.frames()), "dome 2's replay")
        frames = server.received.frames()
        # Dome 2 is told its move again (its operator still holds it); dome 1 ends stopped
        # (its replayed move may have been replaced by the stop before it went out).
        assert [f for f in frames if f[1] == 2] == [bytes.fromhex("FF 02 00 08 00 23 2D")]
        assert [f for f in frames if f[1] == 1][-1] == STOP_1
    finally:
        server.stop()
        hub.close()


def test_nothing_blocks_the_caller_while_the_line_is_stuck() -> None:
    # A peer that accepts but never reads: the kernel buffers fill and the writer blocks in
    # write(); the operator's commands must still return at once (queued, coalesced, or a
    # PtzError saying the line is busy or down).
    port = free_port()
    listener = socket.socket()
    listener.bind(("127.0.0.1", port))
    listener.listen(1)
    hub = PtzHub()
    outcomes: dict[str, int] = {"queued": 0, "busy": 0, "down": 0}

    def operator(dome: LineDome) -> None:
        for i in range(5000):
            for command in (Preset(PresetAction.GOTO, 1 + i % 255), Move(pan=0.5)):
                try:
                    dome.send(command)
                    outcomes["queued"] += 1
                except PtzError as exc:
                    outcomes["busy" if "busy" in str(exc) else "down"] += 1

    try:
        dome = hub.controller({"protocol": "pelco-d", "line": f"socket://127.0.0.1:{port}", "address": 1})
        wait_until(lambda: dome.line.status.state == "open", "the line to open")
        caller = threading.Thread(target=operator, args=(dome,), daemon=True)
        caller.start()
        caller.join(60)  # a hang guard, not a measurement: 10,000 queue operations
        assert not caller.is_alive(), "the caller was blocked by a stuck line"
        assert outcomes["queued"] > 0 and outcomes["busy"] > 0
    finally:
        listener.close()
        hub.close()


class ViscaIpCamera:
    """A minimal VISCA-over-IP peer on 127.0.0.1: acknowledges and completes every command."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.messages: list[ViscaIpMessage] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                datagram, peer = self.sock.recvfrom(2048)
            except OSError:
                return
            message = decode_visca_ip(datagram)
            self.messages.append(message)
            if message.payload_type is PayloadType.CONTROL:
                self.sock.sendto(encode_visca_ip(PayloadType.CONTROL_REPLY, message.sequence, b"\x01"), peer)
            else:
                for reply in (b"\x90\x41\xff", b"\x90\x51\xff"):
                    self.sock.sendto(encode_visca_ip(PayloadType.REPLY, message.sequence, reply), peer)

    def close(self) -> None:
        self.sock.close()


def test_visca_over_ip_line_numbers_its_messages_and_reads_the_replies() -> None:
    camera = ViscaIpCamera()
    replies: list[ViscaIpMessage] = []
    line = ViscaIpLine(f"udp://127.0.0.1:{camera.port}", on_reply=replies.append)
    try:
        dome = LineDome(line, make_encoder("visca-ip", 1))
        dome.send(Move(pan=-1.0))
        dome.send(Preset(PresetAction.GOTO, 2))
        wait_until(lambda: len(camera.messages) >= 4, "reset, pan-tilt, zoom and preset")
        kinds = [(m.payload_type, m.sequence, m.payload.hex(" ").upper()) for m in camera.messages[:4]]
        assert kinds == [
            (PayloadType.CONTROL, 0, "01"),  # RESET first
            (PayloadType.COMMAND, 1, "81 01 06 01 18 01 01 03 FF"),
            (PayloadType.COMMAND, 2, "81 01 04 07 00 FF"),
            (PayloadType.COMMAND, 3, "81 01 04 3F 02 02 FF"),
        ]
        wait_until(lambda: sum(1 for r in replies if r.reply is not None) >= 6, "the acks and completions")
        assert {r.reply.kind for r in replies if r.reply is not None} == {ReplyKind.ACK, ReplyKind.COMPLETION}
        assert line.status.state == "open"
    finally:
        line.close()
        camera.close()


def test_visca_over_ip_to_no_camera_is_refused() -> None:
    port = free_port()  # nothing listens on this UDP port: loopback answers ICMP port unreachable
    line = ViscaIpLine(f"udp://127.0.0.1:{port}")
    try:
        wait_until(lambda: line.status.state == "down", "the refusal")
        assert line.status.text == f"line udp://127.0.0.1:{port}: connection refused"
    finally:
        line.close()


class Rfc2217Server:
    """An RFC 2217 serial server (pyserial's own PortManager) in front of a `loop://` port:
    every byte a client writes to the "serial line" comes back to it through the server."""

    def __init__(self) -> None:
        import serial
        import serial.rfc2217

        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(1)
        self.port = self.listener.getsockname()[1]
        self._serial = serial
        self._rfc2217 = serial.rfc2217
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._connection, args=(client,), daemon=True).start()

    def _connection(self, client: socket.socket) -> None:
        port = self._serial.serial_for_url("loop://", timeout=0.05)

        class Connection:
            def write(self, data: bytes) -> None:
                client.sendall(data)

        manager = self._rfc2217.PortManager(port, Connection())

        def serial_to_network() -> None:
            while True:
                try:
                    data = port.read(4096)
                    if data:
                        client.sendall(b"".join(manager.escape(data)))
                except OSError:
                    return

        threading.Thread(target=serial_to_network, daemon=True).start()
        while True:
            try:
                data = client.recv(4096)
            except OSError:
                return
            if not data:
                return
            port.write(b"".join(manager.filter(data)))

    def close(self) -> None:
        self.listener.close()


def test_rfc2217_lines_work_too() -> None:
    server = Rfc2217Server()
    received = Received()
    line = SerialLine(f"rfc2217://127.0.0.1:{server.port}", on_receive=received, baudrate=2400)
    try:
        wait_until(lambda: line.status.state == "open", "the RFC 2217 negotiation")
        LineDome(line, make_encoder("pelco-d", 1)).send(Preset(PresetAction.GOTO, 1))
        wait_until(lambda: len(received.frames()) >= 1, "the frame back through the server")
        assert received.frames() == [bytes.fromhex("FF 01 00 07 00 01 09")]
    finally:
        line.close()
        server.close()


def test_a_serial_device_that_is_not_there() -> None:
    line = SerialLine("/dev/ttyUSB-videowall-absent")
    try:
        wait_until(lambda: line.status.state == "down", "the open to fail")
        assert line.status.text == "line /dev/ttyUSB-videowall-absent: no such file or directory"
    finally:
        line.close()
