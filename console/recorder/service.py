"""`videowall recorder`: the centre's recorder, a process of its own.

One FFmpeg ingest per camera (the same `Ingest` the tiles use), each feeding the store's
segment writer and the relay.  A crash here does not take the wall down, nor the wall this:
the tiles fall back to the cameras, and the cameras keep being recorded while desks restart.

Once a second the recorder tells the matrix host how every camera records (its health), and
the host answers with what it decided: which desks and agents may take video from the relay
(the keys it authorises) and which cameras are to be recorded on demand (`RecordCamera`).
"""

from __future__ import annotations

import functools
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from console.matrix.model import Camera
from console.recorder.config import RecorderConfig
from console.recorder.retention import Retention
from console.recorder.serve import RecordingServer
from console.recorder.store import CameraRecorder, Store
from console.video.ingest import Ingest, IngestState
from console.video.relay import RelayServer
from console.video.urls import mask_url

log = logging.getLogger("videowall.recorder")

REPORT_EVERY = 1.0
RETENTION_EVERY = 10.0


@dataclass
class Channel:
    """One camera: its ingest (for the relay and the store) and, while recording, its writer."""

    camera: Camera
    url: str  # with the credentials from the keyring
    ingest: Ingest | None = None
    recorder: CameraRecorder | None = None
    why_not: str = ""  # why it is not recording now ("schedule: off", "credential …")


class RecorderService:
    def __init__(self, config: RecorderConfig, cameras: list[tuple[Camera, str]], *,
                 keys: tuple[bytes, bytes], host: Any = None, name: str = "recorder",
                 ingest_options: dict[str, Any] | None = None,
                 lookup: Callable[[int], tuple[Camera, str] | None] | None = None) -> None:
        self.config = config
        self.name = name
        self.public_key, self.secret_key = keys
        self.host = host  # console.matrix.host.HostClient, or None: a recorder on its own
        self.ingest_options = ingest_options or {}
        self.channels: dict[int, Channel] = {camera.number: Channel(camera, url) for camera, url in cameras}
        # Any camera of the catalog may be recorded on demand, not only those the config names:
        # found when the host asks for it (a 50,000-camera catalog is not opened up front).
        self.lookup = lookup
        self.store = Store(config.store)
        r = config.retention
        self.retention = Retention(self.store, keep_days=r.keep_days, max_bytes=r.max_bytes,
                                   per_camera_max_bytes=r.camera_max_bytes, min_free_bytes=r.min_free_bytes)
        self.viewers: set[bytes] = set(config.viewers)
        self.on_demand: dict[int, float] = {}  # camera -> until (UTC seconds), from the host
        self.host_ok = host is None
        self.relay: RelayServer | None = None
        if config.relay:
            self.relay = RelayServer(config.relay, self.public_key, self.secret_key, lambda: self.viewers)
        self.server: RecordingServer | None = None  # recordings over HTTP (config serve:)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="recorder", daemon=True)
        self.ready = threading.Event()

    # -- running --------------------------------------------------------------------------
    def start(self) -> RecorderService:
        # Serving first, so the first report already tells the host where desks read recordings.
        self._start_server()
        # Ask the host first which viewers it lets in: a relay that starts knowing no key refuses
        # the tiles that come back to it after a restart, until its first report.
        self._report()
        if self.relay is not None:
            self.relay.start()
        self._apply_schedules(time.time())
        self._thread.start()
        self.ready.set()
        log.info("recording %d cameras into %s%s", sum(1 for c in self.channels.values() if c.recorder),
                 self.config.store, f"; relay on {self.relay.bound}" if self.relay else "")
        return self

    def _start_server(self) -> None:
        serve = self.config.serve
        if serve is None:
            return
        from console.evidence.signing import SigningKeyError
        from console.recorder.tokens import TokenVerifier

        # Recording matters more than serving: a recorder whose key or port is wrong still
        # records, says why it serves nothing, and the host hears it in the health report.
        try:
            verifier = TokenVerifier(serve.public_key())
            self.server = RecordingServer(self.store, verifier, serve.host, serve.port, name=self.name).start()
        except SigningKeyError as exc:
            log.error("recordings are not served: the centre's key: %s", exc)
        except OSError as exc:
            log.error("recordings are not served: cannot listen on %s:%d: %s", serve.host, serve.port,
                      exc.strerror or exc)

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(10)
        for channel in self.channels.values():
            self._stop_recording(channel, "")
            if channel.ingest is not None:
                channel.ingest.stop(wait=0)
        for channel in self.channels.values():
            if channel.ingest is not None:
                channel.ingest.stop()
                channel.ingest = None
        if self.relay is not None:
            self.relay.stop()
        if self.server is not None:
            self.server.stop()
        self.store.close()

    def _run(self) -> None:
        reported = retained = 0.0
        while not self._stop.wait(0.25):
            now = time.monotonic()
            try:
                self._apply_schedules(time.time())
                if now - reported >= REPORT_EVERY:
                    reported = now
                    self._report()
                if now - retained >= RETENTION_EVERY:
                    retained = now
                    for note in self.retention.run(time.time()):
                        log.info("retention: %s", note)
            except Exception:  # the recorder goes on recording whatever a timer meets
                log.exception("recorder: a periodic step failed")

    # -- what records -------------------------------------------------------------------
    def wanted(self, number: int, moment: float) -> tuple[bool, str]:
        """Whether a camera records now, and if not, why (the gap's reason)."""
        if self.on_demand.get(number, 0.0) > moment:
            return True, ""
        if not self.config.records(number):
            return False, ""
        schedule = self.config.schedule_of(number)
        if schedule.records_at(datetime.fromtimestamp(moment)):
            return True, ""
        return False, f"schedule: {schedule.describe()}"

    def _apply_schedules(self, moment: float) -> None:
        for number, channel in self.channels.items():
            want, why = self.wanted(number, moment)
            # The relay holds every camera the centre records, recording or not at this hour:
            # one session per camera whoever watches it.
            if (want or self.config.records(number)) and channel.ingest is None:
                self._start_ingest(channel)
            if want and channel.recorder is None:
                self._start_recording(channel)
            elif not want and channel.recorder is not None:
                self._stop_recording(channel, why)
            elif not want and channel.ingest is not None and not self.config.records(number):
                channel.ingest.stop(wait=0)  # an on-demand recording ended
                channel.ingest = None

    def _start_ingest(self, channel: Channel) -> None:
        ingest = Ingest(channel.url, **self.ingest_options)
        ingest.add_listener(functools.partial(self._ingest_changed, channel))
        channel.ingest = ingest
        if self.relay is not None:
            self.relay.add(channel.url, ingest)
        ingest.start()

    def _start_recording(self, channel: Channel) -> None:
        assert channel.ingest is not None
        recorder = CameraRecorder(self.store, channel.camera.number, segment_seconds=self.config.segment_seconds)
        channel.recorder = recorder
        channel.why_not = ""
        ingest = channel.ingest
        if ingest.state in (IngestState.LOST, IngestState.ERROR):
            self.store.open_gap(channel.camera.number, time.time(), ingest.reason or ingest.state.value,
                                ingest.code or ingest.state.value)
        ingest.attach(recorder)

    def _stop_recording(self, channel: Channel, why: str) -> None:
        recorder, channel.recorder = channel.recorder, None
        if recorder is None:
            return
        if channel.ingest is not None:
            channel.ingest.detach(recorder)
        recorder.close()
        channel.why_not = why
        if why:
            self.store.open_gap(channel.camera.number, time.time(), why, "schedule")

    def _ingest_changed(self, channel: Channel, ingest: Ingest) -> None:
        # A camera that goes away is a gap from now, with the reason; the writer closes it
        # with the first keyframe that comes back.
        if channel.recorder is not None and ingest.state in (IngestState.LOST, IngestState.ERROR):
            self.store.open_gap(channel.camera.number, time.time(), ingest.reason or ingest.state.value,
                                ingest.code or ingest.state.value)

    # -- health and the host ------------------------------------------------------------
    def health(self) -> dict[str, Any]:
        cameras = {}
        for number, channel in self.channels.items():
            ingest = channel.ingest
            entry: dict[str, Any] = dict(self.store.health(number))
            entry["recording"] = bool(channel.recorder and ingest and ingest.state == IngestState.PLAYING)
            entry["scheduled"] = channel.recorder is not None
            entry["state"] = ingest.state.value if ingest else "off"
            entry["reason"] = (ingest.reason if ingest and ingest.state != IngestState.PLAYING else "") or channel.why_not
            entry["bitrate"] = ingest.stats()["bitrate"] if ingest else 0.0
            if number in self.on_demand:
                entry["on_demand_until"] = self.on_demand[number]
            cameras[str(number)] = entry
        disk = self.store.disk_usage()
        return {"cameras": cameras, "disk": disk, "store": str(self.config.store), "pid": os.getpid(),
                "relay": {"endpoint": self.relay.bound, "public_key": self.public_key.decode(),
                          "viewers": self.relay.viewers()} if self.relay and self.relay.bound else None,
                # Where desks read recordings with the host's tokens, and the key they must be signed with.
                "playback": {"url": self.server.url, "key_id": self.server.verifier.public_key.key_id}
                if self.server is not None else None,
                "retention": self.retention.describe() if hasattr(self.retention, "describe") else {}}

    def _report(self) -> None:
        if self.host is None:
            return
        try:
            reply = self.host.request("recorder", self.health(), timeout=1.0)
        except TimeoutError:
            if self.host_ok:
                log.warning("the matrix host does not answer: recording goes on; on-demand recordings keep their "
                            "last end time")
            self.host_ok = False
            return
        if not self.host_ok:
            log.info("the matrix host answers again")
        self.host_ok = True
        content = reply.content
        if not content.get("ok"):
            log.warning("the matrix host refused the recorder's report: %s", content.get("answer"))
            return
        self.viewers = set(self.config.viewers) | {str(k).encode() for k in content.get("clients", [])}
        demand: dict[int, float] = {}
        for number, until in dict(content.get("record", {})).items():
            try:
                demand[int(number)] = float(until)
            except (TypeError, ValueError):
                continue
        for number in demand.keys() - self.on_demand.keys():
            if number not in self.channels and self.lookup is not None:
                found = self.lookup(number)
                if found is not None:
                    self.channels[number] = Channel(*found)
            if number in self.channels:
                log.info("camera %d: recording on demand until %s", number,
                         datetime.fromtimestamp(demand[number]).strftime("%H:%M:%S"))
            else:
                log.warning("camera %d: recording asked for, but it is not in this recorder's catalog", number)
        self.on_demand = demand
        self._protect(content.get("protect"))

    def _protect(self, wanted: object) -> None:
        """The host's bookmarks, as protections of this store (console/matrix/bookmarks.py)."""
        if not isinstance(wanted, list):
            return  # an older host without bookmarks: leave what the store has
        from console.matrix.bookmarks import PROTECTION_PREFIX

        entries = [w for w in wanted if isinstance(w, dict) and {"ref", "start", "end"} <= w.keys()]
        try:
            added, removed = self.store.sync_protections(entries, PROTECTION_PREFIX)
        except (ValueError, TypeError, OSError) as exc:
            log.warning("bookmarks from the matrix host not applied: %s", exc)
            return
        if added or removed:
            log.info("bookmarks: %d span(s) now kept from retention, %d released", added, removed)


def describe(channel: Channel) -> str:
    return f"camera {channel.camera.number} ({mask_url(channel.url)})"
