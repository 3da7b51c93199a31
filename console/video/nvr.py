"""The RTSP playback URLs of third-party recorders (NVRs), built and read.

Many centres already record on Hikvision and Dahua NVRs; a camera in the catalog can name its
NVR channel, and playback asks the NVR for a span by URL:

- Hikvision: `rtsp://nvr/Streaming/tracks/<channel><stream>?starttime=YYYYMMDDThhmmssZ&endtime=…`
  (channel 1's main stream is track 101, its sub stream 102; times ISO 8601 basic, UTC with Z);
- Dahua: `rtsp://nvr/cam/playback?channel=<n>&subtype=<0 main|1 sub>&starttime=YYYY_MM_DD_hh_mm_ss&endtime=…`
  (the recorder's local time; newer firmware also takes ISO times, which are read too).

Seeking is asking again from the new time.  Pure standard library: the simulated NVR (under
the system Python) reads the same forms this module writes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import parse_qs, urlsplit, urlunsplit

HIKVISION, DAHUA = "hikvision", "dahua"
KINDS = (HIKVISION, DAHUA)


class NvrUrlError(ValueError):
    pass


@dataclass(frozen=True)
class PlaybackRequest:
    kind: str
    channel: int
    stream: int  # 1 main, 2 sub (Hikvision's last digit; Dahua's subtype + 1)
    start: datetime  # aware, UTC
    end: datetime | None


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise NvrUrlError("playback times must carry a time zone")
    return moment.astimezone(UTC)


def playback_url(kind: str, base: str, channel: int, start: datetime, end: datetime | None = None, *,
                 stream: int = 1, nvr_offset: timedelta = timedelta(0)) -> str:
    """The URL that asks recorder `base` (rtsp://host[:port]) for `channel` from `start`.

    `nvr_offset`: the recorder's local time minus UTC (Dahua's times are its local time)."""
    parts = urlsplit(base)
    if parts.scheme not in ("rtsp", "rtsps") or not parts.hostname:
        raise NvrUrlError(f"an NVR is an rtsp://host[:port] address, not {base!r}")
    if not 1 <= channel <= 9999 or stream not in (1, 2):
        raise NvrUrlError(f"channel {channel} stream {stream}: channels go from 1, streams are 1 (main) or 2 (sub)")
    start = _utc(start)
    finish = _utc(end) if end is not None else None
    if kind == HIKVISION:
        stamp = "%Y%m%dT%H%M%SZ"
        query = f"starttime={start.strftime(stamp)}" + (f"&endtime={finish.strftime(stamp)}" if finish else "")
        path = f"/Streaming/tracks/{channel}0{stream}"
    elif kind == DAHUA:
        local = timezone(nvr_offset)
        stamp = "%Y_%m_%d_%H_%M_%S"
        query = (f"channel={channel}&subtype={stream - 1}&starttime={start.astimezone(local).strftime(stamp)}"
                 + (f"&endtime={finish.astimezone(local).strftime(stamp)}" if finish else ""))
        path = "/cam/playback"
    else:
        raise NvrUrlError(f"unknown recorder kind {kind!r} (known: {', '.join(KINDS)})")
    return urlunsplit((parts.scheme, parts.netloc, path, query, ""))


_TRACK = re.compile(r"/Streaming/tracks/([1-9][0-9]{0,3})0([12])/?")
_FORMATS = ("%Y%m%dT%H%M%SZ", "%Y%m%dT%H%M%S", "%Y_%m_%d_%H_%M_%S", "%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S")


def _moment(text: str, offset: timedelta) -> datetime:
    for form in _FORMATS:
        try:
            moment = datetime.strptime(text, form)
        except ValueError:
            continue
        zone = UTC if form.endswith("Z") else timezone(offset)
        return moment.replace(tzinfo=zone).astimezone(UTC)
    raise NvrUrlError(f"{text!r} is not a playback time (YYYYMMDDThhmmssZ or YYYY_MM_DD_hh_mm_ss)")


def read_playback_url(path: str, query: str, *, nvr_offset: timedelta = timedelta(0)) -> PlaybackRequest:
    """What a playback URL asks for (the recorder's side): channel, stream, start, end."""
    fields = {k: v[0] for k, v in parse_qs(query or "", keep_blank_values=True).items()}
    track = _TRACK.fullmatch(path)
    if track is not None:
        kind, channel, stream = HIKVISION, int(track.group(1)), int(track.group(2))
    elif path.rstrip("/") == "/cam/playback":
        kind = DAHUA
        try:
            channel, stream = int(fields.get("channel", "")), int(fields.get("subtype", "0")) + 1
        except ValueError:
            raise NvrUrlError(f"channel={fields.get('channel')!r} subtype={fields.get('subtype')!r}") from None
    else:
        raise NvrUrlError(f"{path!r} is not a playback path (/Streaming/tracks/N01 or /cam/playback)")
    if "starttime" not in fields:
        raise NvrUrlError("a playback URL needs starttime=")
    start = _moment(fields["starttime"], nvr_offset)
    end = _moment(fields["endtime"], nvr_offset) if fields.get("endtime") else None
    if end is not None and end <= start:
        raise NvrUrlError("endtime is not after starttime")
    return PlaybackRequest(kind, channel, stream, start, end)
