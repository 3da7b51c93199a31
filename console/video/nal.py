"""Access units from RTP-depacketised H.264/H.265 (Annex B NAL units).

FFmpeg's RTSP demuxer hands out one packet per NAL unit: SPS, PPS and each slice of a picture
arrive as separate packets with the same timestamp.  libvlc wants whole pictures followed by
an access-unit delimiter to show a frame without waiting for the next one, so the ingest glues
NAL units into access units here.  For cameras that send one slice per picture (most of them)
a unit is complete as soon as its slice arrives; multi-slice cameras complete a unit when the
next picture starts, one frame later.
"""

from __future__ import annotations

from dataclasses import dataclass, field

START = b"\x00\x00\x01"

# Appended to every access unit sent to libvlc: its packetizer closes a picture only when it
# sees the start of the next one, which otherwise costs a whole frame interval of latency.
# Two delimiters, since the first one only opens the (empty) next unit.
TRAILERS = {
    "h264": b"\x00\x00\x00\x01\x09\xf0" * 2,
    "hevc": b"\x00\x00\x00\x01\x46\x01\x50" * 2,
}


def nal_offsets(data: bytes) -> list[int]:
    """Offsets of the NAL header byte of every unit after a 3- or 4-byte start code."""
    offsets = []
    pos = data.find(START)
    while pos != -1:
        header = pos + 3
        if header < len(data):
            offsets.append(header)
        pos = data.find(START, header)
    return offsets


def is_vcl(data: bytes, offset: int, codec: str) -> bool:
    if codec == "hevc":
        return (data[offset] >> 1) & 0x3F <= 31
    return 1 <= data[offset] & 0x1F <= 5


def vcl_only(data: bytes, codec: str) -> bytes:
    """The slices of a packet, each with its start code, without parameter sets or SEI."""
    offsets = nal_offsets(data)
    keep = []
    for i, off in enumerate(offsets):
        if not is_vcl(data, off, codec):
            continue
        begin = off - 4 if off >= 4 and data[off - 4] == 0 else off - 3
        end = len(data) if i + 1 == len(offsets) else offsets[i + 1] - 3
        if i + 1 < len(offsets) and end > 0 and data[end - 1] == 0:
            end -= 1  # the next unit's 4-byte start code
        keep.append(data[begin:end])
    return b"".join(keep)


@dataclass(frozen=True)
class NalSummary:
    vcl: int  # slices in the packet
    starts_picture: bool  # a slice with first_mb_in_slice == 0 / first_slice_segment_in_pic
    random_access: bool  # IDR (H.264) or IRAP (H.265)


def summarise(data: bytes, codec: str) -> NalSummary:
    vcl = 0
    starts = False
    rap = False
    for off in nal_offsets(data):
        if codec == "hevc":
            kind = (data[off] >> 1) & 0x3F
            if kind <= 31:
                vcl += 1
                if off + 2 < len(data) and data[off + 2] & 0x80:
                    starts = True
                if 16 <= kind <= 23:
                    rap = True
        else:
            kind = data[off] & 0x1F
            if 1 <= kind <= 5:
                vcl += 1
                # first_mb_in_slice is ue(v): a leading 1 bit means 0, the picture's first slice.
                if off + 1 < len(data) and data[off + 1] & 0x80:
                    starts = True
                if kind == 5:
                    rap = True
    return NalSummary(vcl, starts, rap)


@dataclass
class AccessUnitAssembler:
    """Feed packets in arrival order; get back complete access units as (data, pts, dts, key).

    FFmpeg's RTSP demuxer already groups a picture's slices by the RTP marker bit, so a
    packet holding a picture's first slice is, nearly always, the whole picture: it is sent
    on at once (single-slice mode).  Some servers split a picture anyway (GStreamer's
    rtph264pay repeats SPS/PPS before every IDR slice); a later slice arriving for a picture
    already sent shows that, and the assembler then waits for the next picture to start
    before completing one, a frame later, for the rest of the stream.
    """

    codec: str
    single_slice: bool = True
    _parts: list[bytes] = field(default_factory=list)
    _pts: int | None = None
    _dts: int | None = None
    _key: bool = False
    _slices: int = 0
    _sent_pts: int | None = None

    def push(self, data: bytes, pts: int | None, dts: int | None, key_hint: bool = False) -> list[tuple[bytes, int, int, bool]]:
        """Add one demuxed packet; `pts` may be None (FFmpeg's very first RTSP packet)."""
        if self.codec not in ("h264", "hevc"):
            # Other codecs come as whole frames from FFmpeg.
            if pts is None and dts is None:
                return []
            return [(data, pts if pts is not None else dts, dts if dts is not None else pts, key_hint)]  # type: ignore[list-item]
        out = []
        summary = summarise(data, self.codec)
        if summary.vcl and not summary.starts_picture and not self._parts and pts is not None and pts == self._sent_pts:
            # The rest of a picture already sent whole: this camera splits pictures.
            self.single_slice = False
        if self._parts:
            new_picture = summary.starts_picture and self._slices > 0
            if self._pts is None and pts is not None and not new_picture:
                self._pts, self._dts = pts, dts if dts is not None else pts
            elif new_picture or (pts is not None and pts != self._pts):
                if self._pts is None and pts is not None:
                    self._pts = self._dts = pts - 1
                out.extend(self._flush())
        if not self._parts:
            self._pts, self._dts = pts, dts if dts is not None else pts
        elif self._slices:
            # Parameter sets repeated inside a picture would make libvlc split it in two.
            data = vcl_only(data, self.codec)
        self._parts.append(data)
        self._slices += summary.vcl
        self._key = self._key or summary.random_access
        if self._slices and self.single_slice and summary.starts_picture:
            if self._pts is None:
                # FFmpeg's first packet (read while probing) has no timestamp; its stream
                # clock starts at 0, so it is the picture at 0 (or right after the last).
                self._pts = self._dts = 0 if self._sent_pts is None else self._sent_pts + 1
            out.extend(self._flush())
        return out

    def flush(self) -> list[tuple[bytes, int, int, bool]]:
        return self._flush()

    def _flush(self) -> list[tuple[bytes, int, int, bool]]:
        if not self._parts or self._pts is None or self._dts is None:
            self._parts.clear()
            return []
        unit = (b"".join(self._parts), self._pts, self._dts, self._key)
        self._sent_pts = self._pts
        self._parts.clear()
        self._slices = 0
        self._key = False
        self._pts = self._dts = None
        return [unit]
