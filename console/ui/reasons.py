"""Why a tile has no picture, in the operator's language.

The video engine is Qt-free and speaks English: its health carries a reason text for logs
and reports, and a stable code (console.video.ingest.FAILURE_TEXTS, plus the player's own).
Every place that shows a reason (the wall tile, the wall preview, the camera tree) goes
through here, so a reason reads the same everywhere and every one has its translation.
"""

from __future__ import annotations

from PySide6.QtCore import QObject

from console.video.player import RECONNECTING


class ReasonTexts(QObject):
    """The engine's reasons, translated; one instance per process (`texts()`)."""

    def known(self) -> dict[str, str]:
        # Literal tr() calls, one per reason, so that lupdate finds every one.
        return {
            "no video stream": self.tr("no video stream"),
            "401 unauthorized (wrong user or password)": self.tr("401 unauthorized (wrong user or password)"),
            "404 not found (wrong path?)": self.tr("404 not found (wrong path?)"),
            "404 not found (the server no longer offers this stream)":
                self.tr("404 not found (the server no longer offers this stream)"),
            "403 forbidden": self.tr("403 forbidden"),
            "connection refused (wrong host or port?)": self.tr("connection refused (wrong host or port?)"),
            "connection refused (camera or server down?)": self.tr("connection refused (camera or server down?)"),
            "timed out": self.tr("timed out"),
            "timed out (no answer from the camera)": self.tr("timed out (no answer from the camera)"),
            "no route to the camera (network down?)": self.tr("no route to the camera (network down?)"),
            "invalid data (not a video stream?)": self.tr("invalid data (not a video stream?)"),
            "stream ended": self.tr("stream ended"),
            "no picture after 10 s": self.tr("no picture after 10 s"),
            "libvlc cannot play this source": self.tr("libvlc cannot play this source"),
            "decoder shows no new pictures": self.tr("decoder shows no new pictures"),
            "no picture": self.tr("no picture"),
        }

    def short(self) -> dict[str, str]:
        """A word or two per code, for places with room for little (a preview tile)."""
        return {
            "refused": self.tr("refused"),
            "timeout": self.tr("no answer"),
            "unreachable": self.tr("no route"),
            "unauthorized": self.tr("401 password"),
            "forbidden": self.tr("403 forbidden"),
            "not_found": self.tr("404 not found"),
            "ended": self.tr("stream ended"),
            "no_video": self.tr("no video"),
            "invalid_data": self.tr("bad data"),
            "no_picture": self.tr("no picture"),
            "decoder_stalled": self.tr("decoder stalled"),
            "vlc_error": self.tr("cannot play"),
        }

    def lines(self, reason: str) -> list[str]:
        """The reason as the lines to show: how the picture went, then why it stays away."""
        if RECONNECTING in reason:
            cause, current = reason.split(RECONNECTING, 1)
            return [self.text(cause), self.tr("reconnecting: %1").replace("%1", self.text(current))]
        return [self.text(reason)] if reason else []

    def text(self, reason: str) -> str:
        """One English reason in the operator's language; an unknown one (FFmpeg's own words)
        as it came."""
        return self.known().get(reason, reason)


_texts: ReasonTexts | None = None


def texts() -> ReasonTexts:
    global _texts  # noqa: PLW0603 (one translator object for the process, made on first use)
    if _texts is None:
        _texts = ReasonTexts()
    return _texts


def reason_lines(reason: str) -> list[str]:
    return texts().lines(reason)


def reason_text(reason: str) -> str:
    """The whole reason on one line, translated."""
    return " · ".join(reason_lines(reason))


def short_reason(code: str) -> str:
    return texts().short().get(code, "")
