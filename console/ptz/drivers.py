"""Domes as `PtzController`s: an encoder for the protocol on a shared line, or ONVIF.

`PtzHub` is what the matrix host holds: it turns a camera's `ptz` description from the
catalog into a controller, and keeps one line per physical URL however many domes share it.

    hub = PtzHub(on_status=report)
    dome = hub.controller({"protocol": "pelco-d", "line": "socket://127.0.0.1:4001", "address": 3})
    dome.send(Move(pan=0.5))          # queued; returns at once
    dome.send(Preset(PresetAction.GOTO, 2))
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from console.ptz.commands import PtzCommand, PtzError
from console.ptz.controller import Capability, StatusCallback
from console.ptz.encoding import Encoder, coalescing_slot
from console.ptz.gb28181 import Gb28181
from console.ptz.lines import Line, open_line
from console.ptz.pelco import PelcoD, PelcoP
from console.ptz.visca import Visca, ViscaOverIp

# The baud rates the protocols' documents give as their default.
DEFAULT_BAUD = {"pelco-d": 2400, "pelco-p": 4800, "visca": 9600}
LINE_PROTOCOLS = ("pelco-d", "pelco-p", "visca", "visca-ip")
PROTOCOLS = (*LINE_PROTOCOLS, "onvif")


def make_encoder(protocol: str, address: int, **options: Any) -> Encoder:
    """The encoder for one dome; `PtzError` for an unknown protocol or an address out of range."""
    name = protocol.lower()
    if name == "pelco-d":
        return PelcoD(address, **options)
    if name == "pelco-p":
        return PelcoP(address, **options)
    if name == "visca":
        return Visca(address, **options)
    if name == "visca-ip":
        return ViscaOverIp(address, **options)
    if name == "gb28181":
        return Gb28181(address, **options)
    raise PtzError(f"unknown PTZ protocol {protocol!r} (known: {', '.join(PROTOCOLS)})")


class LineDome:
    """A dome on a line: encodes at once (so a bad command fails in the caller), writes later."""

    def __init__(self, line: Line, encoder: Encoder) -> None:
        self.line = line
        self.encoder = encoder

    @property
    def capabilities(self) -> Capability:
        return self.encoder.capabilities

    def send(self, command: PtzCommand) -> None:
        frames = self.encoder.encode(command)
        self.line.submit(self.encoder.address, frames, coalescing_slot(command))

    def close(self) -> None:
        """The line stays: other domes share it; the hub closes lines."""


class PtzHub:
    def __init__(self, *, on_status: StatusCallback | None = None) -> None:
        self._on_status = on_status
        self._lines: dict[str, Line] = {}
        self._lock = threading.Lock()

    def line(self, url: str, *, baudrate: int | None = None) -> Line:
        key = url.strip()
        with self._lock:
            line = self._lines.get(key)
            if line is None:
                options: dict[str, Any] = {"on_status": self._on_status}
                if baudrate is not None:
                    options["baudrate"] = baudrate
                line = self._lines[key] = open_line(key, **options)
            return line

    def controller(self, spec: Mapping[str, Any]) -> LineDome:
        """A controller from a catalog `ptz:` mapping: protocol, line, address[, baud]."""
        protocol = str(spec.get("protocol", "")).lower()
        if protocol == "onvif":
            raise PtzError("ONVIF domes are made by console.ptz.onvif.OnvifDome")
        if protocol not in LINE_PROTOCOLS:
            raise PtzError(f"unknown PTZ protocol {spec.get('protocol')!r} (known: {', '.join(PROTOCOLS)})")
        url = spec.get("line") or spec.get("url")
        if not isinstance(url, str) or not url:
            raise PtzError(f"a {protocol} dome needs a line: URL")
        if protocol == "visca-ip" and not url.lower().startswith("udp://"):
            raise PtzError(f"a VISCA over IP dome needs a udp://host:port line, not {url!r}")
        address = spec.get("address", 1)
        encoder = make_encoder(protocol, address)
        baud = spec.get("baud", DEFAULT_BAUD.get(protocol))
        return LineDome(self.line(url, baudrate=None if protocol == "visca-ip" else baud), encoder)

    def close(self) -> None:
        with self._lock:
            lines, self._lines = list(self._lines.values()), {}
        for line in lines:
            line.close()
