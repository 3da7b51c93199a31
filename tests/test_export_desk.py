"""Export from the desk through the whole chain: the matrix host grants the desk an `export` token
for its role, the recorder service serves the real recording (tests/test_recorder_store.py's
`recording`) over HTTP on 127.0.0.1, and the desk's export dialog runs the export in the
background while the GUI goes on.

The only thing not ours is the network between desk and recorder: a site's WAN is slower than
loopback, and an export of a 15 s recording over loopback ends before anyone could cancel it.
`SlowLink` is that network: a TCP relay on 127.0.0.1 that lets the recorder's bytes through at a
set rate, so an export takes seconds and cancelling or stopping the recorder lands mid-export."""

from __future__ import annotations

import contextlib
import itertools
import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer

from console.evidence.exports import MANIFEST_NAME, verify_export
from console.evidence.store import Centre
from console.matrix.host import HostClient
from console.matrix.model import Camera
from console.recorder.remote import RemoteSource
from console.recorder.store import Store
from console.ui.export_desk import ExportDialog, ExportOutcome, folder_name
from console.ui.playback import HostTokens, PlaybackWorkspace, desk_source
from tests.test_recorder_http import CENTRE, centre, centre_key, store  # noqa: F401 (fixtures)
from tests.test_recorder_store import CONTINUOUS, Recording, recording  # noqa: F401 (fixture)

EXPORT_CENTRE = Centre("Xinjia Town Monitoring Centre", "test-export-desk")
CATALOG = {n: Camera(n, f"c{n}", f"Gate {n}", place=("Xinjia", "North gate"), main_stream=f"rtsp://127.0.0.1/{n}")
           for n in range(1, 9)}
DESKS = {"operator": "desk-op", "supervisor": "desk-sup"}  # as the host knows the test's clients
RATE = 300_000  # bytes a second from the recorder: two cameras' 10 s take 2 to 3 s


def sender(client: HostClient) -> Any:
    return lambda command: client.request("command", command.to_dict()).content


class SlowLink:
    """The network between the desk and the recorder, `rate` bytes a second from the recorder:
    a TCP relay on 127.0.0.1 that closes the desk's side when the recorder's side closes."""

    def __init__(self, upstream_url: str, rate: int) -> None:
        host, port = upstream_url.removeprefix("http://").rstrip("/").split(":")
        self.upstream = (host, int(port))
        self.rate = rate
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, name="slow-link", daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                desk, _ = self.listener.accept()
            except OSError:
                return  # closed
            try:
                recorder = socket.create_connection(self.upstream, timeout=2)
                recorder.settimeout(None)
            except OSError:
                desk.close()  # the recorder is gone: the desk sees its connection closed
                continue
            self.sockets += [desk, recorder]
            ends = [0]
            threading.Thread(target=self._pump, args=(desk, recorder, 0, ends), daemon=True).start()
            threading.Thread(target=self._pump, args=(recorder, desk, self.rate, ends), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, target: socket.socket, rate: int, ends: list[int]) -> None:
        try:
            while data := source.recv(8192):
                target.sendall(data)
                if rate:
                    time.sleep(len(data) / rate)
        except OSError:
            pass
        for s in (source, target):  # one side gone: so is the other
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
        ends[0] += 1

    def close(self) -> None:
        self.listener.close()
        for s in self.sockets:
            with contextlib.suppress(OSError):
                s.close()


@pytest.fixture
def slow(centre: dict[str, Any]) -> Iterator[SlowLink]:
    link = SlowLink(centre["service"].server.url, RATE)
    yield link
    link.close()


def slow_source_for(client: HostClient, link: SlowLink) -> Any:
    """The desk's own source (the host's export token, the recorder it names), read through the slow link."""
    def source_for(cameras: list[int]) -> tuple[RemoteSource, HostTokens]:
        source, tokens = desk_source(sender(client), cameras, "export")
        assert isinstance(source, RemoteSource) and source.shown == tokens.recorder_url
        source.close()
        return RemoteSource(link.url, tokens, timeout=3.0), tokens
    return source_for


def dialog_for(qtbot: Any, client: HostClient, folder: Path, source_for: Any = None) -> ExportDialog:
    dialog = ExportDialog(sender(client), CATALOG, desk=DESKS[client.name], centre=lambda: EXPORT_CENTRE,
                          source_for=source_for, folder=folder)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def recorded_span(recording: Recording, cameras: tuple[int, ...]) -> tuple[float, float]:
    """Whole seconds inside what every camera recorded."""
    with Store(recording.root, readonly=True) as s:
        first = max(s.segments(n)[0].start_utc for n in cameras)
        last = min(s.segments(n)[-1].end_utc for n in cameras)
    return float(int(first) + 2), float(int(last) - 1)


def wait_for_end(qtbot: Any, dialog: ExportDialog, timeout: int = 60_000) -> ExportOutcome:
    with qtbot.waitSignal(dialog.ended, timeout=timeout) as ended:
        pass
    outcome = ended.args[0]
    assert isinstance(outcome, ExportOutcome) and not dialog.running
    return outcome


def complete_looking(folder: Path) -> list[str]:
    """Anything in `folder` a person could take for an export: a visible folder, or any manifest."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")
                  if (p.is_dir() and not p.name.startswith(".")) or p.name == MANIFEST_NAME)


def test_a_supervisors_export_runs_in_the_background_and_verifies(qtbot, centre: dict[str, Any],  # type: ignore[no-untyped-def]
                                                                 recording: Recording, slow: SlowLink,
                                                                 tmp_path: Path) -> None:
    supervisor = centre["supervisor"]
    cameras = CONTINUOUS[:2]
    start, end = recorded_span(recording, cameras)
    dialog = dialog_for(qtbot, supervisor, tmp_path / "exports", slow_source_for(supervisor, slow))

    # The workspace's Export… fills the dialog in: its cameras, over the span its timeline shows.
    view = PlaybackWorkspace(lambda numbers: desk_source(sender(supervisor), numbers)[0], export=dialog.prefill)
    qtbot.addWidget(view)
    try:
        assert view.open(list(cameras), start + 1)
        view.timeline.set_view(start, end)
        qtbot.mouseClick(view.findChild(type(dialog.start_button), "playback_export"), Qt.MouseButton.LeftButton)
    finally:
        view.shutdown()
    shown_start, shown_end = view.timeline.view  # at least 10 s: the timeline's closest zoom
    assert dialog.cameras() == list(cameras) and dialog.span() == (int(shown_start), int(shown_end))
    dialog.set_span(start, end)
    dialog.case_field.setText("2026/117")
    dialog.note_field.setPlainText("the fight at the gate")

    # The GUI thread keeps its pace while the export runs: a 20 ms timer ticks throughout.
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start()
    began = time.monotonic()
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    assert time.monotonic() - began < 1.0 and dialog.running  # Start returns at once (a host round trip)
    assert not dialog.start_button.isEnabled() and dialog.cancel_button.isEnabled()
    # Closing the dialog does not stop the export: it goes on in the background, and says so.
    messages: list[tuple[str, bool]] = []
    dialog.message.connect(lambda text, failed: messages.append((text, failed)))
    dialog.close()
    assert messages == [("The export goes on in the background: the status bar says when it ends", False)]
    assert not dialog.isVisible() and dialog.running
    outcome = wait_for_end(qtbot, dialog)
    took = time.monotonic() - began
    timer.stop()
    during = [t for t in ticks if t <= began + took]
    gaps = [b - a for a, b in itertools.pairwise(during)]
    assert took > 1.0, f"the export took {took:.2f} s: too fast to show anything about the GUI meanwhile"
    print(f"export took {took:.2f} s; the 20 ms timer ticked {len(during)} times, at most {max(gaps) * 1000:.0f} ms apart")
    assert len(during) > took / 0.02 * 0.5 and max(gaps) < 0.5, (took, len(during), max(gaps))

    assert outcome.ok and outcome.error is None, outcome.text
    result = outcome.result
    assert result is not None and result.folder == tmp_path / "exports" / folder_name("2026/117", start)
    assert result.folder.name == f"2026-117-{time.strftime('%Y%m%d-%H%M%S', time.localtime(start))}"
    verdict = verify_export(result.folder)
    assert verdict.ok, verdict.text()
    manifest = json.loads((result.folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert [(c["number"], c["name"], c["place"]) for c in manifest["cameras"]] == \
        [(n, f"Gate {n}", ["Xinjia", "North gate"]) for n in cameras]
    assert (manifest["exported_by"], manifest["case_number"], manifest["note"]) == \
        ("desk-sup", "2026/117", "the fight at the gate")
    assert manifest["centre"] == {"name": EXPORT_CENTRE.name, "id": EXPORT_CENTRE.id}
    assert {f["camera"] for f in manifest["files"]} == set(cameras)
    # Progress reached the GUI thread from 0 to 1, in steps, never backwards.
    seen = dialog.progress_seen
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen), seen
    assert any(0 < f < 1 for f in seen), seen
    assert dialog.progress.value() == dialog.progress.maximum()
    shown = dialog.result_label.text()
    assert str(result.folder) in shown and "Verified" in shown
    assert all(path.name in shown for path in result.files)
    assert messages[-1][0].startswith(f"Exported 2 files into {result.folder} — Verified") and not messages[-1][1]

    # Another export after it, the same case and start: a folder of its own beside the first.
    assert dialog.start()
    second = wait_for_end(qtbot, dialog)
    assert second.ok and second.result is not None, second.text
    assert second.result.folder.name == result.folder.name + "-2"
    assert sorted(p.name for p in (tmp_path / "exports").iterdir()) == [result.folder.name, result.folder.name + "-2"]
    dialog.shutdown()


def test_cancel_leaves_nothing_that_looks_complete(qtbot, centre: dict[str, Any], recording: Recording,  # type: ignore[no-untyped-def]
                                                   slow: SlowLink, tmp_path: Path) -> None:
    supervisor = centre["supervisor"]
    exports = tmp_path / "exports"
    dialog = dialog_for(qtbot, supervisor, exports, slow_source_for(supervisor, slow))
    dialog.prefill(list(CONTINUOUS[:2]), *recorded_span(recording, CONTINUOUS[:2]))
    assert dialog.start()
    # Once files are being written (progress past 0, a hidden partial folder beside the destination)...
    qtbot.waitUntil(lambda: any(0 < f < 1 for f in dialog.progress_seen), timeout=30_000)
    assert [p.name for p in exports.iterdir() if p.name.endswith(".partial")]
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    outcome = wait_for_end(qtbot, dialog)
    assert outcome.result is None and outcome.error is not None and outcome.error.kind == "cancelled"
    assert dialog.result_label.text() == "Export cancelled: nothing was exported"
    assert list(exports.iterdir()) == []
    assert dialog.start_button.isEnabled() and not dialog.cancel_button.isEnabled()
    dialog.shutdown()


def test_an_operator_is_refused_in_the_hosts_words(qtbot, centre: dict[str, Any], recording: Recording,  # type: ignore[no-untyped-def]
                                                   tmp_path: Path) -> None:
    dialog = dialog_for(qtbot, centre["operator"], tmp_path / "exports")  # the desk's own source: desk_source
    dialog.prefill([1], *recorded_span(recording, (1,)))
    messages: list[tuple[str, bool]] = []
    dialog.message.connect(lambda text, failed: messages.append((text, failed)))
    assert not dialog.start() and not dialog.running
    words = ("The export cannot start: NA desk-op (operator) has no export right "
             "(operators have: playback, wall-playback, bookmark)")
    assert dialog.result_label.text() == words and messages == [(words, True)]
    assert not (tmp_path / "exports").exists()
    lines = [json.loads(line) for line in centre["audit"].read_text(encoding="utf-8").splitlines()]
    assert [(e["actor"], e["detail"]["right"], e["outcome"].split(":")[0]) for e in lines
            if e["action"] == "RecordingToken"] == [("desk-op", "export", "refused")]
    dialog.shutdown()


def test_a_recorder_stopped_mid_export_is_said_and_nothing_is_left(qtbot, centre: dict[str, Any],  # type: ignore[no-untyped-def]
                                                                  recording: Recording, slow: SlowLink,
                                                                  tmp_path: Path) -> None:
    supervisor = centre["supervisor"]
    exports = tmp_path / "exports"
    dialog = dialog_for(qtbot, supervisor, exports, slow_source_for(supervisor, slow))
    dialog.prefill(list(CONTINUOUS[:2]), *recorded_span(recording, CONTINUOUS[:2]))
    assert dialog.start()
    qtbot.waitUntil(lambda: any(0 < f < 1 for f in dialog.progress_seen), timeout=30_000)
    centre["service"].server.stop()  # the recorder stops serving while the export reads
    began = time.monotonic()
    outcome = wait_for_end(qtbot, dialog, timeout=30_000)
    assert time.monotonic() - began < 15
    assert outcome.result is None and outcome.error is not None and outcome.error.kind == "unavailable"
    text = dialog.result_label.text()
    print("recorder stopped mid-export:", text)
    assert text.startswith("The export failed: camera ") and "segment" in text and text.endswith(
        "nothing was exported"), text
    assert slow.url.removeprefix("http://") in text  # the recorder as the desk reaches it
    assert complete_looking(exports) == [] and list(exports.iterdir()) == []
    dialog.shutdown()
