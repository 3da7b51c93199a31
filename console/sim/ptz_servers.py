"""Servers that put simulated domes on loopback, as a town centre's PTZ wiring looks from the host.

- `SerialServer`: a TCP "serial server" (what an RS-485-to-Ethernet box is) on 127.0.0.1: the
  bytes of every connection go onto one simulated RS-485 bus, where several addressed domes
  speak Pelco-D or Pelco-P.  It can be taken off the air and back (`stop` / `start`) to
  play a serial server that reboots.
- `ViscaIpServer`: VISCA over IP on UDP for one camera: it answers RESET, acknowledges and
  completes commands with the sequence number they came with, answers position inquiries,
  and returns its last replies again for a resent sequence number instead of running the
  command twice.

Pure Python (standard library only), like ptz_dome.py.
"""

from __future__ import annotations

import logging
import socket
import struct
import threading
from collections.abc import Iterable

from console.sim.ptz_dome import Dome, PelcoDecoder, ViscaDome, decode_visca

log = logging.getLogger("videowall.sim.ptz")

_HEADER = struct.Struct(">HHI")
_COMMAND, _INQUIRY, _REPLY, _CONTROL, _CONTROL_REPLY = 0x0100, 0x0110, 0x0111, 0x0200, 0x0201


class SerialServer:
    """Pelco-D or Pelco-P domes sharing one TCP serial-server port on 127.0.0.1."""

    def __init__(self, protocol: str, domes: Iterable[Dome], port: int = 0) -> None:
        PelcoDecoder(protocol)  # checks the protocol name
        self.protocol = protocol
        self.domes = {d.address: d for d in domes}
        self.port = port
        self.frames = 0
        self.bad_frames = 0
        self._listener: socket.socket | None = None
        self._clients: set[socket.socket] = set()
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"socket://127.0.0.1:{self.port}"

    def start(self) -> SerialServer:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(8)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), name=f"sim serial {self.port}", daemon=True).start()
        return self

    def stop(self) -> None:
        """Off the air: the port closes and every connection drops, as when the box reboots."""
        with self._lock:
            listener, self._listener = self._listener, None
            clients, self._clients = self._clients, set()
        for sock in [listener, *clients]:
            if sock is None:
                continue
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            with self._lock:
                if self._listener is not listener:
                    client.close()
                    return
                self._clients.add(client)
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        decoder = PelcoDecoder(self.protocol)
        try:
            while True:
                data = client.recv(4096)
                if not data:
                    return
                for address, actions in decoder.feed(data):
                    self.frames += 1
                    dome = self.domes.get(address)
                    if dome is None:
                        continue  # another address on the bus: not ours
                    for action in actions:
                        dome.apply(action)
                self.bad_frames = decoder.bad_frames
        except OSError:
            return
        finally:
            with self._lock:
                self._clients.discard(client)
            client.close()


class ViscaIpServer:
    """One VISCA-over-IP camera on 127.0.0.1 UDP."""

    def __init__(self, dome: Dome | None = None, port: int = 0) -> None:
        self.dome = dome or ViscaDome(1)
        self.port = port
        self.messages = 0
        self._sock: socket.socket | None = None
        self._last: dict[tuple[str, int], tuple[int, list[bytes]]] = {}

    @property
    def url(self) -> str:
        return f"udp://127.0.0.1:{self.port}"

    def start(self) -> ViscaIpServer:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.bind(("127.0.0.1", self.port))
        self.port = sock.getsockname()[1]
        self._sock = sock
        threading.Thread(target=self._serve, args=(sock,), name=f"sim visca-ip {self.port}", daemon=True).start()
        return self

    def stop(self) -> None:
        sock, self._sock = self._sock, None
        if sock is not None:
            sock.close()

    def _serve(self, sock: socket.socket) -> None:
        while True:
            try:
                datagram, peer = sock.recvfrom(2048)
            except OSError:
                return
            try:
                for reply in self.handle(datagram, peer):
                    sock.sendto(reply, peer)
            except OSError:
                return

    def handle(self, datagram: bytes, peer: tuple[str, int] = ("", 0)) -> list[bytes]:
        """The datagrams answering one datagram (public for tests of the bytes)."""
        if len(datagram) < _HEADER.size + 1:
            return []
        kind, length, sequence = _HEADER.unpack_from(datagram)
        payload = datagram[_HEADER.size:]
        if length != len(payload):
            return []
        if kind == _CONTROL:
            if payload == b"\x01":  # RESET
                self._last.pop(peer, None)
                return [_HEADER.pack(_CONTROL_REPLY, 1, sequence) + b"\x01"]
            return [_HEADER.pack(_CONTROL, 2, sequence) + b"\x0f\x02"]
        if kind not in {_COMMAND, _INQUIRY}:
            return [_HEADER.pack(_CONTROL, 2, sequence) + b"\x0f\x02"]
        last = self._last.get(peer)
        if last is not None and last[0] == sequence:
            return last[1]  # a resend: the camera answers again without doing it twice
        self.messages += 1
        outcome = decode_visca(bytes(payload), self.dome.position)
        for action in outcome.actions:
            self.dome.apply(action)
        replies = [_HEADER.pack(_REPLY, len(r), sequence) + r for r in outcome.replies]
        self._last[peer] = (sequence, replies)
        return replies


class DomeSite:
    """The PTZ side of a simulated site: which cameras are domes, on which servers.

    `domes` maps a camera number to its protocol (pelco-d, pelco-p or visca-ip).  Pelco domes
    of one protocol share one serial server, addressed 1, 2, ... in camera order (Pelco-P from
    0, its first address); each VISCA-over-IP camera has its own UDP port.  `catalog_ptz`
    gives each camera's `ptz:` entry for the catalog, in the shape the host reads.
    """

    def __init__(self, domes: dict[int, str]) -> None:
        self.serial: dict[str, SerialServer] = {}
        self.visca: dict[int, ViscaIpServer] = {}
        self.dome_of: dict[int, Dome] = {}
        self._address: dict[int, int] = {}
        by_protocol: dict[str, list[int]] = {}
        for camera, protocol in sorted(domes.items()):
            if protocol not in {"pelco-d", "pelco-p", "visca-ip"}:
                raise ValueError(f"camera {camera}: no simulated dome speaks {protocol!r} (pelco-d, pelco-p, visca-ip)")
            by_protocol.setdefault(protocol, []).append(camera)
        for protocol, cameras in by_protocol.items():
            if protocol == "visca-ip":
                for camera in cameras:
                    visca_dome = ViscaDome(1)
                    self.visca[camera] = ViscaIpServer(visca_dome)
                    self.dome_of[camera] = visca_dome
                    self._address[camera] = 1
                continue
            first = 0 if protocol == "pelco-p" else 1
            bus = []
            for offset, camera in enumerate(cameras):
                dome = Dome(first + offset)
                bus.append(dome)
                self.dome_of[camera] = dome
                self._address[camera] = dome.address
            self.serial[protocol] = SerialServer(protocol, bus)

    def start(self) -> DomeSite:
        for server in self.serial.values():
            server.start()
        for camera_server in self.visca.values():
            camera_server.start()
        return self

    def stop(self) -> None:
        for server in self.serial.values():
            server.stop()
        for camera_server in self.visca.values():
            camera_server.stop()

    def catalog_ptz(self, camera: int) -> dict[str, object]:
        dome = self.dome_of[camera]
        if camera in self.visca:
            return {"protocol": "visca-ip", "line": self.visca[camera].url, "address": 1}
        protocol = next(p for p, s in self.serial.items() if dome in s.domes.values())
        return {"protocol": protocol, "line": self.serial[protocol].url, "address": dome.address}
