"""The bus envelope between consoles, the matrix host and wall agents (after jupyter_client).

Three ZeroMQ frames: a JSON header `{msg_id, type, version, sender, sent_at}`, the JSON
header of the request a reply answers (`{}` when none), and JSON content.  Versioned from
day one: a peer with a newer major version is refused with a clear reason, never guessed at.
Decoding never raises anything but `ProtocolError`, whatever arrives.
"""

from __future__ import annotations

import itertools
import json
import os
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

VERSION = 1
MAX_FRAME = 6 << 20  # 6 MiB: a command, a big wall's snapshot, one grabbed PNG frame; never video
TYPES = frozenset({
    "command", "reply", "snapshot_request", "snapshot", "update", "hint", "heartbeat", "health",
    "ack",  # an agent has applied an update / shows its first frames (no reply)
    "grab", "grab_result",  # a desk asks for a wall tile's picture; the agent showing it answers
    "event",  # what a change did besides itself, for every desk (a tour stopped with its tile)
    "ptz",  # a dome's lock changed hands, a PTZ line went down or came back
    "recorder",  # a recorder's health; the host answers with the viewers it lets in and what to record
})
_HEADER_FIELDS = {"msg_id": str, "type": str, "version": int, "sender": str, "sent_at": float}


class _MessageIds:
    """Unique message ids: a random prefix per process and a counter.

    uuid4 per message reads the kernel's random pool each time; it was an eighth of the
    matrix host's loop under a keyboard burst.  A prefix of 64 random bits keeps ids from
    different processes (and from a forked child, which draws its own) apart.
    """

    def __init__(self) -> None:
        self.reset()
        os.register_at_fork(after_in_child=self.reset)

    def reset(self) -> None:
        self.prefix = uuid.uuid4().hex[:16]
        self.counter = itertools.count(1)

    def __call__(self) -> str:
        return f"{self.prefix}{next(self.counter):x}"


new_msg_id = _MessageIds()


class HostEpoch:
    """Which run of the matrix host a follower's state comes from (see MatrixHost.epoch).

    `judge` sorts what a heartbeat or update carries: "same" run (or no epoch at all),
    "stale" (still queued from a run the follower has already replaced by a snapshot), or
    "new" (the host restarted: rebuild from a snapshot, its numbering may have gone back).
    """

    def __init__(self) -> None:
        self.current: str | None = None
        self._old: set[str] = set()

    def adopt(self, epoch: str | None) -> None:
        """The epoch of a snapshot just taken."""
        if self.current is not None and epoch != self.current:
            self._old.add(self.current)
        self.current = epoch

    def judge(self, epoch: str | None) -> str:
        if epoch is None or epoch == self.current:
            return "same"
        return "stale" if epoch in self._old else "new"


class ProtocolError(ValueError):
    """A message that cannot be accepted; `reason` is a short key for counting."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason


@dataclass(frozen=True)
class Envelope:
    type: str
    content: dict[str, Any]
    sender: str
    msg_id: str = field(default_factory=new_msg_id)
    version: int = VERSION
    sent_at: float = field(default_factory=time.time)
    parent: dict[str, Any] = field(default_factory=dict)

    @property
    def header(self) -> dict[str, Any]:
        return {"msg_id": self.msg_id, "type": self.type, "version": self.version, "sender": self.sender,
                "sent_at": self.sent_at}

    def reply(self, content: dict[str, Any], sender: str, type: str = "reply") -> Envelope:
        return Envelope(type, content, sender, parent=self.header)


def encode(envelope: Envelope) -> list[bytes]:
    if envelope.type not in TYPES:
        raise ProtocolError("unknown-type", f"cannot send a {envelope.type!r} message")
    frames = [json.dumps(part, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
              for part in (envelope.header, envelope.parent, envelope.content)]
    if any(len(f) > MAX_FRAME for f in frames):
        raise ProtocolError("too-large", f"a frame exceeds {MAX_FRAME} bytes")
    return frames


def decode(frames: list[bytes]) -> Envelope:
    if not isinstance(frames, list) or len(frames) != 3:
        count = len(frames) if isinstance(frames, list) else "no"
        raise ProtocolError("frames", f"expected 3 frames (header, parent, content), got {count}")
    parts = []
    for name, frame in zip(("header", "parent", "content"), frames, strict=True):
        if not isinstance(frame, bytes | bytearray | memoryview):
            raise ProtocolError("frames", f"{name} frame is not bytes")
        if len(frame) > MAX_FRAME:
            raise ProtocolError("too-large", f"{name} frame of {len(frame)} bytes exceeds {MAX_FRAME}")
        try:
            value = json.loads(bytes(frame).decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:
            raise ProtocolError("json", f"{name} frame is not JSON: {str(exc)[:80]}") from None
        if not isinstance(value, dict):
            raise ProtocolError("json", f"{name} frame is not a JSON object")
        parts.append(value)
    header, parent, content = parts
    for key, kind in _HEADER_FIELDS.items():
        value = header.get(key)
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or isinstance(value, bool):
            raise ProtocolError("header", f"header field {key!r} must be {kind.__name__}, not {type(value).__name__}")
    if header["version"] != VERSION:
        raise ProtocolError("version", f"protocol version {header['version']} (this program speaks {VERSION})")
    if header["type"] not in TYPES:
        raise ProtocolError("unknown-type", f"unknown message type {header['type']!r}")
    if not header["msg_id"] or len(header["msg_id"]) > 64 or len(header["sender"]) > 128:
        raise ProtocolError("header", "msg_id or sender has an unreasonable length")
    return Envelope(header["type"], content, header["sender"], header["msg_id"], header["version"],
                    float(header["sent_at"]), parent)
