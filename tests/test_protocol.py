"""The bus envelope: round trips, and 10,000 malformed messages each rejected with a reason."""

from __future__ import annotations

import json
import random
from collections import Counter

import pytest

from console.matrix.commands import CommandError, RouteCamera, command_from_dict
from console.matrix.protocol import MAX_FRAME, VERSION, Envelope, ProtocolError, decode, encode


def test_round_trip_and_reply() -> None:
    request = Envelope("command", RouteCamera(3, 1042).to_dict(), "console-7")
    got = decode(encode(request))
    assert got == request
    assert command_from_dict(got.content) == RouteCamera(3, 1042)
    reply = decode(encode(got.reply({"ok": True}, "host")))
    assert reply.parent["msg_id"] == request.msg_id and reply.type == "reply"


def valid_frames(rng: random.Random) -> list[bytes]:
    return encode(Envelope("command", RouteCamera(rng.randint(1, 64), rng.randint(1, 50000)).to_dict(), "fuzz"))


def mutate(rng: random.Random, kind: str) -> list[bytes]:
    header, parent, content = (json.loads(f) for f in valid_frames(rng))
    if kind == "random-frames":
        return [rng.randbytes(rng.randint(0, 64)) for _ in range(rng.choice([0, 1, 2, 3, 4, 7]))]
    if kind == "bad-json":
        return [b"{\"msg_id\": ", json.dumps(parent).encode(), json.dumps(content).encode()]
    if kind == "not-an-object":
        return [b"[1, 2]", b"{}", b"{}"]
    if kind == "wrong-types":
        header[rng.choice(list(header))] = rng.choice([None, True, [], {}, "x", 3])
        if header["type"] == "command" and isinstance(header["version"], int) and isinstance(header["msg_id"], str):
            header["version"] = "1"
    elif kind == "wrong-version":
        header["version"] = rng.choice([0, 2, 99, -1])
    elif kind == "unknown-type":
        header["type"] = rng.choice(["launch", "", "COMMAND", "rm -rf"])
    elif kind == "huge":
        return [json.dumps(header).encode(), b"{}", b'{"x": "' + b"a" * (10 * 1024 * 1024) + b'"}']
    elif kind == "bad-utf8":
        return [b"\xff\xfe" + json.dumps(header).encode(), b"{}", b"{}"]
    return [json.dumps(part).encode() for part in (header, parent, content)]


KINDS = ["random-frames", "bad-json", "not-an-object", "wrong-types", "wrong-version", "unknown-type", "huge", "bad-utf8"]


def test_ten_thousand_malformed_messages_are_each_rejected_and_counted() -> None:
    rng = random.Random(2026)
    reasons: Counter[str] = Counter()
    for i in range(10_000):
        kind = KINDS[i % len(KINDS)] if i % 100 else "huge"  # 10 MB payloads: 100 of them
        if kind == "huge" and i % 100:
            kind = "wrong-version"
        frames = mutate(rng, kind)
        with pytest.raises(ProtocolError) as caught:
            decode(frames)
        reasons[caught.value.reason] += 1
    assert sum(reasons.values()) == 10_000
    assert {"frames", "json", "header", "version", "unknown-type", "too-large"} <= set(reasons)
    assert reasons["too-large"] == 100


def test_content_errors_are_the_commands_business() -> None:
    frames = encode(Envelope("command", {"command": "RouteCamera", "monitor": "3"}, "x"))
    envelope = decode(frames)  # a well-formed envelope...
    with pytest.raises(CommandError, match="monitor must be an integer"):
        command_from_dict(envelope.content)  # ...with a bad command inside


def test_refuses_to_send_the_unsendable() -> None:
    with pytest.raises(ProtocolError, match="unknown-type"):
        encode(Envelope("launch", {}, "x"))
    with pytest.raises(ProtocolError, match="too-large"):
        encode(Envelope("update", {"blob": "a" * (MAX_FRAME + 1)}, "x"))
    assert VERSION == 1


def test_message_ids_are_unique_within_and_across_processes() -> None:
    import subprocess
    import sys

    from console.matrix.protocol import Envelope

    ours = {Envelope("heartbeat", {}, "host").msg_id for _ in range(10_000)}
    assert len(ours) == 10_000 and all(len(i) <= 64 for i in ours)
    code = "from console.matrix.protocol import Envelope; print(Envelope('heartbeat', {}, 'x').msg_id)"
    theirs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
              for _ in range(3)}
    assert len(theirs) == 3 and not theirs & ours


def test_host_epoch_sorts_same_stale_and_new() -> None:
    from console.matrix.protocol import HostEpoch

    epoch = HostEpoch()
    epoch.adopt("a")
    assert epoch.judge("a") == "same" and epoch.judge(None) == "same" and epoch.judge("b") == "new"
    epoch.adopt("b")  # the snapshot after the restart
    assert epoch.judge("a") == "stale" and epoch.judge("b") == "same" and epoch.judge("c") == "new"
