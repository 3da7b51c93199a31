"""Playback on a desk through the whole chain: the matrix host grants the desk a token for its
role, the recorder serves the recording over HTTP, the desk's workspace plays it; bookmarks go
through the host, which audits them, and reach the recorder's store as protections within a
report or two (and leave it when a supervisor releases them)."""

from __future__ import annotations

import json
import time
from typing import Any

from console.matrix.bookmarks import PROTECTION_PREFIX
from console.matrix.host import HostClient
from console.ui.playback import PlaybackWorkspace, RefusedError, desk_source
from tests.test_recorder_http import CENTRE, centre, centre_key, store  # noqa: F401 (fixtures)
from tests.test_recorder_store import CONTINUOUS, FRAME_MS, Recording, burned, recording  # noqa: F401 (fixture)


def sender(client: HostClient) -> Any:
    return lambda command: client.request("command", command.to_dict()).content


def test_a_desk_plays_what_the_recorder_holds_with_the_token_the_host_grants(qtbot, centre: dict[str, Any],  # type: ignore[no-untyped-def]
                                                                            recording: Recording) -> None:
    operator = centre["operator"]
    opened: list[Any] = []

    def source_for(cameras: list[int]) -> Any:
        source, tokens = desk_source(sender(operator), cameras)
        opened.append(tokens)
        return source

    view = PlaybackWorkspace(source_for)
    qtbot.addWidget(view)
    view.show()
    try:
        moment = recording.started + 4.0
        assert view.open(list(CONTINUOUS), moment)
        qtbot.waitUntil(lambda: all(t.frame is not None for t in view.tiles.values()), timeout=15000)
        for number, tile in view.tiles.items():
            assert tile.frame is not None and burned(tile.frame.video)[0] == number
            assert moment - tile.frame.utc < 2 * FRAME_MS / 1000
        assert opened[0].recorder_url == centre["service"].server.url
        view.play()
        qtbot.wait(1000)
        view.pause()
        moment = view.group.time()  # type: ignore[union-attr]
        qtbot.waitUntil(lambda: all(t.frame is not None and abs(t.frame.utc - moment) < 2 * FRAME_MS / 1000
                                    for t in view.tiles.values()), timeout=5000)
    finally:
        view.shutdown()
    # The host audited the grant: who, which cameras, which right; never the token itself.
    lines = [json.loads(line) for line in centre["audit"].read_text(encoding="utf-8").splitlines()]
    grants = [e for e in lines if e["action"] == "RecordingToken" and e["actor"] == "desk-op"]
    assert grants and grants[-1]["detail"]["cameras"] == list(CONTINUOUS) and grants[-1]["outcome"] == "ok"
    assert opened[0]() not in centre["audit"].read_text(encoding="utf-8")


def test_a_desk_without_the_right_gets_the_hosts_refusal(centre: dict[str, Any]) -> None:
    operator = centre["operator"]
    try:
        desk_source(sender(operator), [1], "export")
    except RefusedError as exc:
        assert exc.reply["reason"]["code"] == "no-right" and "has no export right" in str(exc)
    else:
        raise AssertionError("an operator was given an export token")


def test_bookmarks_go_through_the_host_and_reach_the_recorders_store(centre: dict[str, Any],
                                                                     recording: Recording) -> None:
    operator, supervisor, service = centre["operator"], centre["supervisor"], centre["service"]
    start = recording.started + 2.0

    def ask(client: HostClient, **command: Any) -> dict[str, Any]:
        return dict(client.request("command", command).content)

    def protections() -> list[tuple[str, int | None]]:
        return [(p.ref, p.camera) for p in service.store.protections() if p.ref.startswith(PROTECTION_PREFIX)]

    added = ask(operator, command="AddBookmark", cameras=[1, 2], start=start, end=start + 5, note="door forced",
                case="C-42")
    assert added["ok"], added
    number = added["bookmark"]["id"]
    found = ask(supervisor, command="FindBookmarks", case="C-42")
    assert [b["id"] for b in found["bookmarks"]] == [number]
    ref = f"{PROTECTION_PREFIX}{number}"
    deadline = time.monotonic() + 10
    while protections() != [(ref, 1), (ref, 2)]:
        assert time.monotonic() < deadline, protections()
        time.sleep(0.2)
    refused = ask(operator, command="ReleaseBookmark", bookmark=number)
    assert not refused["ok"] and refused["reason"]["code"] == "bookmark-release-not-allowed"
    assert ask(supervisor, command="ReleaseBookmark", bookmark=number)["ok"]
    deadline = time.monotonic() + 10
    while protections():
        assert time.monotonic() < deadline, protections()
        time.sleep(0.2)
    lines = [json.loads(line) for line in centre["audit"].read_text(encoding="utf-8").splitlines()]
    assert [(e["actor"], e["action"], e["outcome"]) for e in lines if "Bookmark" in e["action"]] == [
        ("desk-op", "AddBookmark", "ok"), ("desk-op", "ReleaseBookmark", "refused"),
        ("desk-sup", "ReleaseBookmark", "ok")]
