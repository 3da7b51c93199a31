"""Recordings over HTTP with the host's tokens: a real store recorded from the simulated site,
the real server on 127.0.0.1, RemoteSource and PyAV reading through it, and a recorder that
goes away mid-read (killed, frozen, stopped)."""

from __future__ import annotations

import hashlib
import http.client
import io
import json
import logging
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import av
import pytest
import zmq
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from console.evidence.signing import SigningKey, b64, canonical, unb64
from console.matrix.config import ConfigError, read_host_config
from console.matrix.host import HostClient, HostKeys, MatrixHost
from console.matrix.layouts import load_layout
from console.matrix.model import Camera
from console.recorder.config import DEFAULT_SERVE_PORT, RecorderConfig, Serve, read_recorder_config
from console.recorder.remote import RemoteSource, TokenRefusedError
from console.recorder.serve import RecordingServer, parse_range
from console.recorder.service import RecorderService
from console.recorder.source import LocalSource, RecordingSource, RecordingUnavailableError
from console.recorder.store import Store
from console.recorder.tokens import MAX_LIFETIME, TokenError, TokenVerifier, mint_token, peek_claims
from console.sim.site import free_port
from tests.conftest import ROOT
from tests.test_recorder_store import STOPPED, Recording, burned, decoded, recording  # noqa: F401 (fixture)

CENTRE = "test-centre"
_connects: list[tuple[Any, ...]] = []
_watching = threading.Event()


def _audit(event: str, args: tuple[Any, ...]) -> None:
    # Every socket this process connects while a test watches: recordings go to loopback only.
    if event == "socket.connect" and _watching.is_set():
        _connects.append(args[1] if isinstance(args[1], tuple) else (args[1],))


sys.addaudithook(_audit)


@pytest.fixture
def loopback_only() -> Iterator[None]:
    _connects.clear()
    _watching.set()
    yield
    _watching.clear()
    tcp = [a for a in _connects if len(a) >= 2]
    assert tcp, "the test connected nowhere"
    assert {a[0] for a in tcp} <= {"127.0.0.1"}, tcp


@pytest.fixture(scope="module")
def centre_key(keyring_file: Path) -> SigningKey:
    """The centre's key as the host has it: made once in the (test) keyring."""
    return SigningKey.load(CENTRE, create=True)


@pytest.fixture(scope="module")
def store(recording: Recording) -> Iterator[Store]:
    with Store(recording.root, readonly=True) as s:
        yield s


@pytest.fixture(scope="module")
def server(store: Store, centre_key: SigningKey) -> Iterator[RecordingServer]:
    srv = RecordingServer(store, TokenVerifier(centre_key.public), "127.0.0.1", 0).start()
    yield srv
    srv.stop()


def token_for(key: SigningKey, cameras: Any = "*", rights: tuple[str, ...] = ("playback",), **kw: Any) -> str:
    return mint_token(key, desk="desk-1", role="operator", rights=rights, cameras=cameras, **kw)


def get(url: str, path: str, token: str | None = None, headers: dict[str, str] | None = None,
        method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=5)
    try:
        sent = dict(headers or {})
        if token is not None:
            sent["Authorization"] = f"Bearer {token}"
        connection.request(method, path, headers=sent)
        response = connection.getresponse()
        return response.status, dict(response.headers), response.read()
    finally:
        connection.close()


# -- tokens -----------------------------------------------------------------------------------
def test_a_token_carries_its_claims_and_checks_against_the_centre_key(centre_key: SigningKey) -> None:
    token = token_for(centre_key, [1, 3], ("playback", "export"))
    assert token.startswith("vwt1.") and len(token) < 400
    claims = TokenVerifier(centre_key.public).verify(token)
    assert (claims.desk, claims.role, claims.rights, claims.cameras) == \
        ("desk-1", "operator", frozenset({"playback", "export"}), frozenset({1, 3}))
    assert 299 <= claims.expires_at - claims.issued_at <= 301 and len(claims.token_id) == 16
    assert claims.refusal("playback", 3) is None
    assert claims.refusal("playback", 2) == "camera 2 is not granted to desk desk-1"
    assert "no bookmark right" in (claims.refusal("bookmark", 1) or "")
    every = TokenVerifier(centre_key.public).verify(token_for(centre_key))
    assert every.cameras is None and every.refusal("playback", 12345) is None
    with pytest.raises(ValueError, match="unknown right"):
        token_for(centre_key, rights=("delete",))
    with pytest.raises(ValueError, match="a token lives"):
        token_for(centre_key, lifetime=MAX_LIFETIME + 1)


def test_expired_forged_foreign_and_malformed_tokens_are_refused_with_a_reason(centre_key: SigningKey) -> None:
    verifier = TokenVerifier(centre_key.public)
    now = time.time()

    def refused(token: str) -> TokenError:
        with pytest.raises(TokenError) as caught:
            verifier.verify(token)
        return caught.value

    old = token_for(centre_key, lifetime=60, clock=lambda: now - 600)
    assert (error := refused(old)).code == "expired" and "expired 5" in str(error)
    # Within the clock leeway a just-expired token still counts (host and recorder clocks differ).
    assert verifier.verify(token_for(centre_key, lifetime=60, clock=lambda: now - 70)).desk == "desk-1"
    future = token_for(centre_key, clock=lambda: now + 3600)
    assert refused(future).code == "not-yet-valid"

    prefix, payload, signature = token_for(centre_key, [1]).split(".")
    claims = json.loads(unb64(payload))
    assert peek_claims(f"{prefix}.{payload}.{signature}").cameras == {1}
    claims["cameras"] = "*"  # widened by hand, signature kept
    assert refused(f"{prefix}.{b64(canonical(claims))}.{signature}").code == "forged"
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    assert refused(f"{prefix}.{payload}.{flipped}").code in ("forged", "malformed")

    other = SigningKey(Ed25519PrivateKey.generate(), "elsewhere")
    error = refused(token_for(other))
    assert error.code == "wrong-key" and centre_key.key_id in str(error) and other.key_id in str(error)

    # Signed right, but meant to live a day: a recorder does not believe it.
    head = f"vwt1.{b64(canonical(dict(claims, cameras=[1], exp=now + 86400, iat=now)))}"
    long_lived = f"{head}.{b64(centre_key.sign(head.encode()))}"
    assert refused(long_lived).code == "too-long-lived"

    for bad in ("", "Bearer", "vwt1..", "vwt1.abc", "vwt2.e30.AAAA", f"{prefix}.{payload}", "x" * 9000,
                f"{prefix}.e30.{signature}", f"{prefix}.!!!.{signature}"):
        assert refused(bad).code == "malformed", bad


# -- configuration ----------------------------------------------------------------------------
def recorder_config(tmp_path: Path, serve: str) -> Path:
    path = tmp_path / "recorder.yaml"
    path.write_text(f"store: store\ncatalog: catalog.sqlite\n{serve}", encoding="utf-8")
    return path


def test_serve_is_read_strictly_and_listens_on_loopback_by_default(tmp_path: Path, centre_key: SigningKey) -> None:
    assert read_recorder_config(recorder_config(tmp_path, "")).serve is None
    key = centre_key.public.text()
    serve = read_recorder_config(recorder_config(tmp_path, f"serve: {{centre_key: {key}}}\n")).serve
    assert serve == Serve("127.0.0.1", DEFAULT_SERVE_PORT, key, None)
    assert serve.public_key() == centre_key.public
    serve = read_recorder_config(recorder_config(tmp_path, f"serve:\n  listen: '[::1]:9000'\n  centre: {CENTRE}\n")).serve
    assert serve is not None and (serve.host, serve.port) == ("::1", 9000)
    assert serve.public_key() == centre_key.public  # from this machine's keyring
    assert read_recorder_config(recorder_config(tmp_path, "serve: off\n")).serve is None

    with pytest.raises(ConfigError) as caught:
        read_recorder_config(recorder_config(tmp_path, "serve:\n  listen: 127.0.0.1:99999\n  centre_key: nope\n"
                                                       "  centre: x\n  port: 1\n"))
    text = str(caught.value)
    assert "recorder.yaml:4: serve listen: '127.0.0.1:99999' is not an address and port" in text
    assert "recorder.yaml:4: serve: name the centre's public key" in text
    assert "recorder.yaml:7: serve: unknown key 'port'" in text
    with pytest.raises(ConfigError, match=r"recorder.yaml:4: serve centre_key: .*32 bytes"):
        read_recorder_config(recorder_config(tmp_path, f"serve:\n  centre_key: {key[:20]}\n"))


# -- the index and the bytes -------------------------------------------------------------------
def test_a_granted_desk_reads_the_index_and_every_byte(store: Store, server: RecordingServer,
                                                       centre_key: SigningKey, loopback_only: None) -> None:
    local = LocalSource(store)
    remote = RemoteSource(server.url, lambda: token_for(centre_key, [1, STOPPED]))
    assert isinstance(remote, RecordingSource)
    try:
        for camera in (1, STOPPED):
            segments = remote.segments(camera)
            assert segments == local.segments(camera) and len(segments) >= 4
            assert remote.gaps(camera) == local.gaps(camera)
            assert remote.coverage(camera) == local.coverage(camera)
            middle = segments[1]
            window = (middle.start_utc + 0.5, middle.end_utc - 0.5)
            assert remote.segments(camera, *window) == local.segments(camera, *window) == [middle]
            for segment in segments:
                assert remote.keyframes(segment.id) == local.keyframes(segment.id) != []
        assert [g.reason for g in remote.gaps(STOPPED)], "camera 4 was off the air for a while"
        for segment in remote.segments(1):
            with remote.open(segment) as f:
                data = f.read()
            assert hashlib.sha256(data).hexdigest() == hashlib.sha256(store.path_of(segment).read_bytes()).hexdigest()
            assert len(data) == segment.bytes
    finally:
        remote.close()


def test_ranges_are_exact_and_bad_ones_are_416(store: Store, server: RecordingServer, centre_key: SigningKey) -> None:
    segment = store.segments(2)[0]
    data = store.path_of(segment).read_bytes()
    size = len(data)
    token = token_for(centre_key, [2])
    path = f"/v1/segments/{segment.id}/bytes"
    for asked, first, last in (("bytes=100-299", 100, 299), ("bytes=0-0", 0, 0), (f"bytes={size - 10}-", size - 10, size - 1),
                               ("bytes=-188", size - 188, size - 1), (f"bytes=5-{size + 1000}", 5, size - 1),
                               (f"bytes=-{size * 2}", 0, size - 1)):
        status, headers, body = get(server.url, path, token, {"Range": asked})
        assert status == 206, (asked, body[:200])
        assert headers["Content-Range"] == f"bytes {first}-{last}/{size}"
        assert body == data[first:last + 1], asked
    status, headers, body = get(server.url, path, token)
    assert (status, headers["Accept-Ranges"], headers["Content-Type"], body) == (200, "bytes", "video/mp2t", data)
    status, headers, body = get(server.url, path, token, {"Range": "bytes=0-99"}, method="HEAD")
    assert (status, headers["Content-Length"], body) == (206, "100", b"")
    for bad in (f"bytes={size}-", "bytes=50-10", "bytes=-0", "bytes=0-1,5-6", "pages=1-2", "bytes=-"):
        status, headers, body = get(server.url, path, token, {"Range": bad})
        assert status == 416, bad
        assert headers["Content-Range"] == f"bytes */{size}"
        assert json.loads(body)["error"] == "bad-range"
    with pytest.raises(ValueError):
        parse_range("bytes=0-0", 0)


def test_pyav_over_the_recorder_decodes_the_same_frames_and_seeks(store: Store, server: RecordingServer,
                                                                  centre_key: SigningKey, loopback_only: None) -> None:
    remote = RemoteSource(server.url, lambda: token_for(centre_key, [3]), read_ahead=64 * 1024)
    try:
        segment = remote.segments(3)[1]
        local_path = store.path_of(segment)
        with remote.open(segment) as f:
            frames = decoded(f)  # type: ignore[arg-type]
        assert frames == decoded(local_path) and len(frames) >= 30

        keys = remote.keyframes(segment.id)
        assert len(keys) >= 2
        target = keys[-1]
        # Seek by time, as a player does: the same frames as seeking the local file.
        with remote.open(segment) as f, av.open(f, format="mpegts") as container:
            stream = container.streams.video[0]
            container.seek(target.pts + int(stream.start_time or 0), stream=stream, backward=True)
            remote_after = [burned(fr) for _, fr in zip(range(5), container.decode(stream), strict=False)]
        with av.open(str(local_path), format="mpegts") as container:
            stream = container.streams.video[0]
            container.seek(target.pts + int(stream.start_time or 0), stream=stream, backward=True)
            local_after = [burned(fr) for _, fr in zip(range(5), container.decode(stream), strict=False)]
        assert remote_after == local_after and remote_after[0][0] == 3
        # Start at a keyframe's byte offset, as the index says a reader may: the first picture
        # is that keyframe's (its capture time burned into it).
        with remote.open(segment) as f:
            f.seek(target.byte_offset)
            tail = f.read()
        assert tail == local_path.read_bytes()[target.byte_offset:]
        _, camera, ms = decoded(io.BytesIO(tail))[0]
        assert camera == 3 and abs(ms / 1000 - target.utc) < 0.2, (ms / 1000, target.utc)
    finally:
        remote.close()


# -- refusals ---------------------------------------------------------------------------------
def test_no_byte_without_the_right(store: Store, server: RecordingServer, centre_key: SigningKey,
                                   caplog: pytest.LogCaptureFixture) -> None:
    segment = store.segments(1)[0]
    path = f"/v1/segments/{segment.id}/bytes"
    other = SigningKey(Ed25519PrivateKey.generate(), "elsewhere")
    good = token_for(centre_key, [1])
    forged = good.rsplit(".", 1)[0] + "." + token_for(centre_key, [2]).rsplit(".", 1)[1]
    cases = {
        "none": (None, 401, "no-token"),
        "expired": (token_for(centre_key, [1], lifetime=60, clock=lambda: time.time() - 600), 401, "expired"),
        "forged": (forged, 401, "forged"),
        "foreign": (token_for(other, [1]), 401, "wrong-key"),
        "garbage": ("abc", 401, "malformed"),
        "other camera": (token_for(centre_key, [2, 3]), 403, "not-granted"),
        "other right": (token_for(centre_key, [1], ("bookmark",)), 403, "not-granted"),
    }
    caplog.set_level(logging.INFO, "videowall.recorder.serve")
    for name, (token, status, code) in cases.items():
        for target in (path, "/v1/cameras/1/index", f"/v1/segments/{segment.id}/keyframes", "/v1/nothing"):
            if target == "/v1/nothing" and status == 403:
                continue
            got, headers, body = get(server.url, target, token, {"Range": "bytes=0-"})
            assert got == status, (name, target, body)
            assert headers["Content-Type"] == "application/json" and b"\x47" not in body[:1]
            assert json.loads(body)["error"] == code, (name, body)
            if status == 401:
                assert headers["WWW-Authenticate"].startswith("Bearer")
    # A bare word instead of Bearer is no token either.
    assert get(server.url, path, headers={"Authorization": f"Basic {good}"})[0] == 401

    logged = caplog.text
    assert "from 127.0.0.1:" in logged and "camera 1 is not granted to desk desk-1" in logged
    assert "has no export or playback or wall-playback right (granted: bookmark)" in logged and "expired" in logged
    for token, _, _ in cases.values():
        if token:
            assert token.split(".")[-1] not in logged and token not in logged

    # The same through RemoteSource: one sentence naming the recorder and why.
    remote = RemoteSource(server.url.replace("http://", "http://operator:hunter2@"),
                          lambda: token_for(centre_key, [2]))
    try:
        with pytest.raises(RecordingUnavailableError) as caught:
            remote.open(segment)
        message = str(caught.value)
        assert message.startswith(f"recorder {server.url} refused (camera 1 segment {segment.id}): ")
        assert "camera 1 is not granted to desk desk-1" in message and "hunter2" not in message
        with pytest.raises(RecordingUnavailableError, match="refused"):
            remote.segments(1)
    finally:
        remote.close()


def test_a_fresh_token_is_fetched_near_expiry_and_after_a_401(server: RecordingServer, centre_key: SigningKey) -> None:
    given: list[str] = []
    now = [time.time()]
    retired = SigningKey(Ed25519PrivateKey.generate(), CENTRE)  # the key the centre used before

    def provider() -> str:
        # The first token looks fresh to the desk but the recorder refuses it (a key rotated).
        token = token_for(retired if not given else centre_key, [1], lifetime=60)
        given.append(token)
        return token

    remote = RemoteSource(server.url, provider, clock=lambda: now[0])
    try:
        assert remote.segments(1) and len(given) == 2  # 401, a new token, the answer
        remote.segments(1)
        assert len(given) == 2  # still fresh: kept
        now[0] += 45  # 15 s left of 60, below the 30 s margin: replaced before use
        remote.segments(1)
        assert len(given) == 3
    finally:
        remote.close()

    def failing() -> str:
        raise TimeoutError("the matrix host did not answer within 2 s")

    with pytest.raises(RecordingUnavailableError, match=r"no token from the matrix host .*did not answer"):
        RemoteSource(server.url, failing).segments(1)


# -- a recorder that goes away ----------------------------------------------------------------
SERVER_SCRIPT = textwrap.dedent("""
    import sys, time
    from console.evidence.signing import PublicKey
    from console.recorder.serve import RecordingServer
    from console.recorder.store import Store
    from console.recorder.tokens import TokenVerifier
    server = RecordingServer(Store(sys.argv[1], readonly=True), TokenVerifier(PublicKey.from_text(sys.argv[2])),
                             "127.0.0.1", 0).start()
    print(server.url, flush=True)
    while True:
        time.sleep(60)
""")


@pytest.fixture
def recorder_process(recording: Recording, centre_key: SigningKey) -> Iterator[Callable[[], tuple[subprocess.Popen[str], str]]]:
    started: list[subprocess.Popen[str]] = []

    def start() -> tuple[subprocess.Popen[str], str]:
        process = subprocess.Popen([sys.executable, "-c", SERVER_SCRIPT, str(recording.root), centre_key.public.text()],
                                   stdout=subprocess.PIPE, text=True, cwd=ROOT)
        started.append(process)
        assert process.stdout is not None
        return process, process.stdout.readline().strip()

    yield start
    for process in started:
        if process.poll() is None:
            process.send_signal(signal.SIGCONT)
            process.kill()
        process.wait(10)


def read_all(f: Any) -> None:
    while f.read(8192):
        pass


def test_a_recorder_killed_mid_read_is_said_in_words_and_nothing_hangs(store: Store, centre_key: SigningKey,
                                                                        recorder_process: Any) -> None:
    segment = max(store.segments(1), key=lambda s: s.bytes)
    process, url = recorder_process()
    remote = RemoteSource(url, lambda: token_for(centre_key, [1]), timeout=1.0, read_ahead=16 * 1024)
    try:
        f = remote.open(segment)
        assert f.read(4096)  # the first range came
        process.kill()
        process.wait(5)
        started = time.monotonic()
        with pytest.raises(RecordingUnavailableError) as caught:
            read_all(f)
        assert time.monotonic() - started < 3
        message = str(caught.value)
        assert message.startswith(f"recorder {url} (camera 1 segment {segment.id}): ")
        assert "refuses connections (is the recorder running?)" in message or "broke" in message, message
        with pytest.raises(RecordingUnavailableError, match=f"recorder {url} .*refuses connections"):
            remote.segments(1)
    finally:
        remote.close()


def stopped(pid: int) -> None:
    """Wait until the kernel has stopped the process (a signal is delivered asynchronously:
    under load its threads may answer one more request first)."""
    deadline = time.monotonic() + 5
    while Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] not in ("T", "t"):
        assert time.monotonic() < deadline, "the recorder process did not stop"
        time.sleep(0.01)


def test_a_frozen_recorder_times_out(store: Store, centre_key: SigningKey, recorder_process: Any) -> None:
    segment = max(store.segments(1), key=lambda s: s.bytes)
    process, url = recorder_process()
    remote = RemoteSource(url, lambda: token_for(centre_key, [1]), timeout=1.0, read_ahead=16 * 1024)
    try:
        f = remote.open(segment)
        process.send_signal(signal.SIGSTOP)
        stopped(process.pid)
        started = time.monotonic()
        with pytest.raises(RecordingUnavailableError, match=r"no answer within 1 s"):
            read_all(f)
        with pytest.raises(RecordingUnavailableError, match=r"camera 1.*no answer within 1 s"):
            remote.segments(1)
        assert time.monotonic() - started < 5
    finally:
        remote.close()


def test_a_stopping_server_cuts_its_readers_off(store: Store, centre_key: SigningKey) -> None:
    srv = RecordingServer(store, TokenVerifier(centre_key.public), "127.0.0.1", 0).start()
    segment = max(store.segments(2), key=lambda s: s.bytes)
    remote = RemoteSource(srv.url, lambda: token_for(centre_key, [2]), timeout=2.0, read_ahead=8 * 1024)
    try:
        f = remote.open(segment)
        f.read(1000)
        started = time.monotonic()
        srv.stop()
        assert time.monotonic() - started < 2
        with pytest.raises(RecordingUnavailableError, match=f"recorder {remote.shown} "):
            read_all(f)
    finally:
        remote.close()


def test_the_recorder_service_serves_its_store(tmp_path: Path, centre_key: SigningKey) -> None:
    config = RecorderConfig(tmp_path / "recorder.yaml", tmp_path / "store", tmp_path / "catalog.sqlite", relay=None,
                            serve=Serve("127.0.0.1", 0, centre=CENTRE))
    service = RecorderService(config, [], keys=zmq.curve_keypair()).start()
    try:
        playback = service.health()["playback"]
        assert playback["key_id"] == centre_key.key_id and playback["url"].startswith("http://127.0.0.1:")
        remote = RemoteSource(playback["url"], lambda: token_for(centre_key, [1]))
        assert remote.segments(1) == [] and remote.gaps(1) == []
        remote.close()
    finally:
        service.stop()
    with pytest.raises(RecordingUnavailableError, match="refuses connections"):
        RemoteSource(playback["url"], lambda: token_for(centre_key, [1]), timeout=1).segments(1)


# -- the matrix host grants the tokens -------------------------------------------------------
HOST_CAMERAS = {n: Camera(n, f"c{n}", f"camera {n}", main_stream=f"rtsp://127.0.0.1/{n}") for n in range(1, 9)}


@pytest.fixture
def centre(recording: Recording, centre_key: SigningKey, tmp_path: Path) -> Iterator[dict[str, Any]]:
    """A matrix host, two desks (an operator, a supervisor) and a recorder service serving a
    copy of the recording (its own store: the recorder takes the writer's lock)."""
    keys = {n: zmq.curve_keypair() for n in ("host", "operator", "supervisor", "recorder")}
    ctx = zmq.Context()
    router = f"tcp://127.0.0.1:{free_port()}"
    authorized = {keys["operator"][0]: "desk-op", keys["supervisor"][0]: "desk-sup", keys["recorder"][0]: "recorder"}
    host = MatrixHost(load_layout(ROOT / "layouts" / "town-xinjia.yaml"), HOST_CAMERAS.get,
                      HostKeys(*keys["host"], authorized, {"desk-op": "operator", "desk-sup": "supervisor"},
                               centre=CENTRE),
                      router=router, pub=f"tcp://127.0.0.1:{free_port()}", state_dir=tmp_path / "host", context=ctx).start()
    clients = {name: HostClient(router, keys["host"][0], *keys[name], name=name, context=ctx)
               for name in ("operator", "supervisor", "recorder")}
    shutil.copytree(recording.root, tmp_path / "store", ignore=shutil.ignore_patterns("writer.lock"))
    config = RecorderConfig(tmp_path / "recorder.yaml", tmp_path / "store", tmp_path / "catalog.sqlite", relay=None,
                            serve=Serve("127.0.0.1", 0, centre_key=centre_key.public.text()))
    service = RecorderService(config, [], keys=keys["recorder"], host=clients["recorder"]).start()
    try:
        yield {"host": host, "service": service, **clients, "audit": tmp_path / "host" / "audit.jsonl"}
    finally:
        service.stop()
        for client in clients.values():
            client.close()
        host.stop()


def test_a_desk_reads_recordings_with_the_rights_its_role_has(centre: dict[str, Any], store: Store,
                                                              centre_key: SigningKey, loopback_only: None) -> None:
    operator, supervisor = centre["operator"], centre["supervisor"]
    remote = RemoteSource.from_host(operator, [1, 2])
    try:
        assert remote.shown == centre["service"].server.url
        assert remote.segments(1) == store.segments(1)
        segment = store.segments(2)[0]
        with remote.open(segment) as f:
            assert f.read() == store.path_of(segment).read_bytes()
        with pytest.raises(RecordingUnavailableError, match="camera 3 is not granted to desk desk-op"):
            remote.segments(3)
    finally:
        remote.close()

    reply = operator.request("command", {"command": "RecordingToken", "cameras": [1], "right": "wall-playback"}).content
    claims = TokenVerifier(centre_key.public).verify(reply["token"])  # signed with the centre's key from the keyring
    assert (claims.desk, claims.role, claims.rights, claims.cameras) == \
        ("desk-op", "operator", frozenset({"wall-playback"}), frozenset({1}))
    assert reply["recorder"]["key_id"] == centre_key.key_id and abs(reply["expires"] - claims.expires_at) < 1e-3

    # Export is a supervisor's: refused to the operator in words and with a code, granted to the supervisor.
    with pytest.raises(TokenRefusedError) as refused:
        RemoteSource.from_host(operator, [1], "export")
    assert str(refused.value) == "NA desk-op (operator) has no export right (operators have: playback, wall-playback, bookmark)"
    assert refused.value.reason == {"code": "no-right", "args": {"desk": "desk-op", "role": "operator", "right": "export"}}
    exporter = RemoteSource.from_host(supervisor, [1], "export")
    try:
        assert exporter.segments(1) == store.segments(1)
    finally:
        exporter.close()
    # A token the host gave for bookmarks reads no byte.
    bookmark = operator.request("command", {"command": "RecordingToken", "cameras": [1], "right": "bookmark"}).content
    assert get(centre["service"].server.url, "/v1/cameras/1/index", bookmark["token"])[0] == 403

    unknown = operator.request("command", {"command": "RecordingToken", "cameras": [1, 99], "right": "playback"}).content
    assert (unknown["ok"], unknown["answer"]) == (False, "NA unknown camera 99")
    bad = operator.request("command", {"command": "RecordingToken", "cameras": [], "right": "playback"}).content
    assert not bad["ok"] and "cameras must name 1 to 64" in bad["answer"]
    bad = operator.request("command", {"command": "RecordingToken", "cameras": [1], "right": "delete"}).content
    assert not bad["ok"] and "right must be one of" in bad["answer"]

    # Every grant and refusal is in the audit trail, the token never.
    lines = [json.loads(line) for line in centre["audit"].read_text(encoding="utf-8").splitlines()]
    grants = [(e["actor"], e["detail"]["right"], e["outcome"]) for e in lines if e["action"] == "RecordingToken"]
    assert ("desk-op", "playback", "ok") in grants and ("desk-sup", "export", "ok") in grants
    assert ("desk-op", "export", "refused: desk-op (operator) has no export right "
                                 "(operators have: playback, wall-playback, bookmark)") in grants
    assert ("desk-op", "playback", "refused: unknown camera 99") in grants
    assert all(e["detail"].get("token_id") for e in lines if e["action"] == "RecordingToken" and e["outcome"] == "ok")
    text = centre["audit"].read_text(encoding="utf-8")
    assert reply["token"].split(".")[2] not in text and "vwt1." not in text


def test_the_host_reads_recording_rights_from_its_configuration(tmp_path: Path) -> None:
    def host_config(extra: str) -> Path:
        path = tmp_path / "host.yaml"
        path.write_text(f"layout: layout.yaml\ncatalog: catalog.sqlite\n{extra}", encoding="utf-8")
        return path

    config = read_host_config(host_config(""))
    assert (config.rights, config.centre) == (None, "centre")
    config = read_host_config(host_config("centre: xinjia\nrights:\n  operator: [playback]\n"))
    assert config.centre == "xinjia"
    assert config.rights == {"operator": ("playback",), "supervisor": ("playback", "export", "bookmark", "wall-playback")}
    with pytest.raises(ConfigError) as caught:
        read_host_config(host_config("rights:\n  operator: [playback, delete]\n  commander: []\n"))
    assert "host.yaml:4: rights: operator: 'delete' is not a right" in str(caught.value)
    assert "host.yaml:5: rights: unknown key 'commander'" in str(caught.value)


def test_an_index_naming_a_file_outside_the_store_serves_nothing(recording: Recording, centre_key: SigningKey,
                                                                 tmp_path: Path) -> None:
    import sqlite3

    root = tmp_path / "store"
    shutil.copytree(recording.root, root, ignore=shutil.ignore_patterns("writer.lock"))
    (tmp_path / "secret.ts").write_bytes(b"G" + b"not a recording" * 100)
    with sqlite3.connect(root / "index.sqlite") as db:
        target = db.execute("SELECT id FROM segments ORDER BY id LIMIT 1").fetchone()[0]
        db.execute("UPDATE segments SET path = '../secret.ts' WHERE id = ?", (target,))
    with Store(root, readonly=True) as damaged:
        srv = RecordingServer(damaged, TokenVerifier(centre_key.public), "127.0.0.1", 0).start()
        try:
            status, _, body = get(srv.url, f"/v1/segments/{target}/bytes", token_for(centre_key))
        finally:
            srv.stop()
    assert status == 404 and b"not a recording" not in body
    assert "its path leaves the store" in json.loads(body)["reason"]
