"""The matrix host's answers in the desk's language.

The host is Qt-free and answers in English (`NA unknown camera 99999`) for terminals and logs;
beside the text it sends a code and the values in it (`unknown-camera`, camera=99999).  The
desk puts those into its own words here, so a console running in Chinese reads its refusals
in Chinese.  A code this desk does not know (a newer host) falls back to the host's English.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject


class HostReasons(QObject):
    def templates(self) -> dict[str, str]:
        # Literal tr() calls, one per code, so that lupdate finds every one; {names} are filled in.
        return {
            "unknown-camera": self.tr("unknown camera {camera}"),
            "no-monitor": self.tr("no monitor {monitor}"),
            "monitor-hidden": self.tr("monitor {monitor} is not shown now: screen {screen} shows grid {grid} "
                                      "(monitors {first}-{last})"),
            "needs-number": self.tr("{key} needs a number first"),
            "needs-monitor": self.tr("{key} needs a monitor: select one with n MON"),
            "unknown-key": self.tr("unknown key {key}"),
            "two-numbers": self.tr("two numbers in a row ({first} {second}): press a function key between them"),
            "number-too-large": self.tr("{number} is too large: numbers go up to {limit}"),
            "line-too-long": self.tr("the line is too long: at most {limit} characters"),
            "clear-nothing": self.tr("CLEAR with nothing typed and no monitor selected"),
            "unknown-salvo": self.tr("unknown salvo {salvo}"),
            "salvo-unknown-camera": self.tr("salvo {salvo}: unknown camera {camera}"),
            "unknown-tour": self.tr("unknown tour {tour}"),
            "tour-unknown-camera": self.tr("tour {tour}: unknown camera {camera}"),
            "tour-steps-mismatch": self.tr("tour {tour}: each camera needs a dwell time"),
            "needs-supervisor": self.tr("{desk} is an operator: {command} needs a supervisor"),
            "dwell-too-short": self.tr("tour {tour}: a dwell of {dwell} s is shorter than this centre's {minimum} s"),
            "no-camera-after": self.tr("no camera after {camera}"),
            "no-camera-before": self.tr("no camera before {camera}"),
            "no-tour-running": self.tr("no tour runs on monitor {monitor}"),
            "unknown-grid": self.tr("unknown grid {grid} (known: {known})"),
            "grid-too-large": self.tr("screen {screen} has {block} monitor numbers ({first}-{last}); "
                                      "grid {grid} needs more"),
            "no-screen": self.tr("no screen {screen}"),
            "no-tile": self.tr("screen {screen} has no tile {tile}"),
            "internal-error": self.tr("internal error (logged)"),
            "host-not-answering": self.tr("the matrix host does not answer"),
            "ptz-held": self.tr("camera {camera} is held by {holder} ({role}) for {seconds} s"),
            "ptz-locked": self.tr("camera {camera} is locked by {holder} ({role}) until released"),
            "ptz-lock-not-allowed": self.tr("a {role} cannot lock camera {camera}"),
            "ptz-unknown-tour": self.tr("camera {camera} has no PTZ tour {tour}"),
            "ptz-no-camera": self.tr("monitor {monitor} shows no camera to steer"),
            "ptz-device": self.tr("camera {camera}: {text}"),
            "ptz-command": self.tr("{text}"),
            "tour-stopped-grid": self.tr("tour {tour} on monitor {monitor} stopped: grid changed to {grid}"),
            "tour-step-failed": self.tr("tour step to camera {camera} on monitor {monitor} skipped: internal error "
                                        "(logged)"),
            "salvo-skipped": self.tr("salvo {salvo}: monitors {monitors} are not shown now (skipped)"),
            "recording-until": self.tr("camera {camera} recorded until {until}"),
            "no-recorder": self.tr("no recorder answers: camera {camera} is recorded once one does"),
            "rec-no-camera": self.tr("monitor {monitor} shows no camera to record"),
            "rec-too-long": self.tr("REC for {minutes} minutes: at most {limit} (a day)"),
            "play-no-camera": self.tr("monitor {monitor} shows no camera to play back"),
            "play-too-far": self.tr("PLAY from {seconds} seconds ago: 1 to {limit} (a week)"),
            "playback-future": self.tr("a recording cannot be played from the future"),
            "no-playback": self.tr("monitor {monitor} plays no recording"),
            "no-right": self.tr("{desk} ({role}) has no {right} right"),
            "bookmark": self.tr("{text}"),
            "bookmark-release-not-allowed": self.tr("a {role} may not release a bookmark: it needs a supervisor"),
            "token-key": self.tr("the host cannot sign recording tokens (the centre's key is missing from its keyring)"),
        }

    def text(self, reason: dict[str, Any] | None, fallback: str) -> str:
        # Untranslated (an English desk), the host's own words are the best: they say more than
        # a template can (which key needs which number).
        if not isinstance(reason, dict) or self.tr("unknown camera {camera}") == "unknown camera {camera}":
            return fallback
        template = self.templates().get(str(reason.get("code", "")))
        given = reason.get("args")
        args: dict[str, Any] = given if isinstance(given, dict) else {}
        if template is None:
            return fallback
        try:
            return template.format(**{str(k): _shown(v) for k, v in args.items()})
        except (KeyError, IndexError, ValueError):  # a translation that names a value the host did not send
            return fallback


def _shown(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, int) and not isinstance(value, bool) and value >= 10_000:
        return str(value)  # camera numbers: no thousands separator
    return str(value)


_reasons: HostReasons | None = None


def _texts() -> HostReasons:
    global _reasons  # noqa: PLW0603 (one translator object for the process, made on first use)
    if _reasons is None:
        _reasons = HostReasons()
    return _reasons


def answer_text(reply: dict[str, Any]) -> str:
    """The host's answer as the desk shows it: `AK`, or `NA ` and the reason in our language."""
    answer = str(reply.get("answer", "NA"))
    if not answer.startswith("NA ") or not reply.get("reason"):
        return answer
    return "NA " + _texts().text(reply.get("reason"), answer[3:])


def note_texts(reply: dict[str, Any]) -> list[str]:
    """What the change did besides itself (the host's notes), in our language."""
    notes = reply.get("notes") or []
    return [_texts().text(n, str(n.get("text", ""))) for n in notes if isinstance(n, dict)]
