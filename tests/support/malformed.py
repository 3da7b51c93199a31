"""Malformed bus traffic, by kind, for the host's robustness tests."""

from __future__ import annotations

import json
import random
import time
import uuid
from collections.abc import Iterator

from console.matrix.protocol import VERSION


def _header(**changes: object) -> bytes:
    header = {"msg_id": uuid.uuid4().hex, "type": "command", "version": VERSION, "sender": "fuzz", "sent_at": time.time()}
    header.update(changes)
    return json.dumps(header).encode()


def messages(count: int, seed: int = 3) -> Iterator[tuple[str, list[bytes]]]:
    """(kind, frames) with the kinds in turn; each is something the host must refuse and count."""
    rng = random.Random(seed)
    kinds = ("random", "bad-json", "wrong-types", "unknown-command", "wrong-version", "bad-command-fields")
    for i in range(count):
        # Ten megabytes through CurveZMQ take a while: one in a thousand is enough to prove the point.
        kind = "huge" if i % 1000 == 999 else kinds[i % len(kinds)]
        if kind == "random":
            frames = [rng.randbytes(rng.randint(0, 40)) for _ in range(rng.choice((1, 2, 4, 5)))]
        elif kind == "bad-json":
            frames = [_header(), b"{}", b'{"command": "RouteCamera", "monitor": 1,']
        elif kind == "wrong-types":
            frames = [_header(version="1", sent_at="yesterday"), b"{}", b"{}"]
        elif kind == "unknown-command":
            frames = [_header(), b"{}", json.dumps({"command": "FormatDisk", "now": True}).encode()]
        elif kind == "wrong-version":
            frames = [_header(version=VERSION + 1), b"{}", b'{"keys": "1 MON 1 CAM"}']
        elif kind == "bad-command-fields":
            frames = [_header(), b"{}", json.dumps({"command": "RouteCamera", "monitor": "one", "camera": [1]}).encode()]
        else:
            frames = [_header(), b"{}", b'{"keys": "' + b"1" * (10 << 20) + b'"}']
        yield kind, frames


# The host's count for each kind (ProtocolError.reason or the command check).
REASONS = {"random": "frames", "bad-json": "json", "wrong-types": "header", "unknown-command": "command",
           "wrong-version": "version", "bad-command-fields": "command", "huge": "too-large"}
