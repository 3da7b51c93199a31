from __future__ import annotations

import logging

from console.logs import MaskingFilter
from console.video.urls import mask_url, needs_ingest, with_credentials


def test_mask_keeps_user_hides_password() -> None:
    assert mask_url("rtsp://admin:12345@10.0.0.5:554/Streaming/101") == "rtsp://admin:***@10.0.0.5:554/Streaming/101"
    assert mask_url("failed: 'rtsp://u:p%40ss@h/x' and http://a:b@c/") == "failed: 'rtsp://u:***@h/x' and http://a:***@c/"
    assert mask_url("rtsp://:secret@h/") == "rtsp://***@h/"
    assert mask_url("rtsp://h:554/no/credentials") == "rtsp://h:554/no/credentials"


def test_with_credentials_escapes() -> None:
    url = with_credentials("rtsp://127.0.0.1:8554/cam/1", "op@desk", "p:w/d@")
    assert url == "rtsp://op%40desk:p%3Aw%2Fd%40@127.0.0.1:8554/cam/1"
    assert mask_url(url) == "rtsp://op%40desk:***@127.0.0.1:8554/cam/1"


def test_which_sources_need_the_ingest() -> None:
    assert needs_ingest("rtsp://h/x") and needs_ingest("RTSP://h/x")
    assert not needs_ingest("/recordings/a.mp4")
    assert not needs_ingest("http://h/stream.ts")


def test_log_lines_are_masked() -> None:
    record = logging.LogRecord("t", logging.INFO, __file__, 1, "open %s failed", ("rtsp://a:topsecret@h/x",), None)
    MaskingFilter().filter(record)
    assert record.getMessage() == "open rtsp://a:***@h/x failed"
