"""Access units from NAL units, with byte strings laid out as in H.264 Annex B / RFC 6184."""

from __future__ import annotations

from console.video.nal import AccessUnitAssembler, nal_offsets, summarise, vcl_only

SC4 = b"\x00\x00\x00\x01"
SC3 = b"\x00\x00\x01"
AUD = SC4 + b"\x09\xf0"
SPS = SC4 + b"\x67\x42\xc0\x0d\x8c\x8d\x40"  # nal_unit_type 7
PPS = SC4 + b"\x68\xce\x3c\x80"  # nal_unit_type 8
SEI = SC4 + b"\x06\x05\x01\x00\x80"
IDR_FIRST = SC4 + b"\x65\x88\x84\x00"  # type 5, first_mb_in_slice ue(v) = 0 -> leading bit 1
IDR_SECOND = SC3 + b"\x65\x00\x48\x00"  # type 5, first_mb_in_slice != 0 -> leading bit 0
P_FIRST = SC4 + b"\x41\x9a\x02\x00"  # type 1, first slice
P_SECOND = SC3 + b"\x41\x01\x9a\x00"  # type 1, a later slice


def test_offsets_find_3_and_4_byte_start_codes() -> None:
    data = SPS + PPS + IDR_SECOND
    assert [data[o] & 0x1F for o in nal_offsets(data)] == [7, 8, 5]


def test_summary_of_an_idr_access_unit() -> None:
    s = summarise(AUD + SPS + PPS + SEI + IDR_FIRST, "h264")
    assert (s.vcl, s.starts_picture, s.random_access) == (1, True, True)
    s = summarise(P_SECOND, "h264")
    assert (s.vcl, s.starts_picture, s.random_access) == (1, False, False)


def test_hevc_summary() -> None:
    idr_w_radl = SC4 + bytes([19 << 1, 0x01, 0x80])  # first_slice_segment_in_pic_flag = 1
    trail = SC4 + bytes([1 << 1, 0x01, 0x00])
    vps = SC4 + bytes([32 << 1, 0x01, 0x0C])
    s = summarise(vps + idr_w_radl, "hevc")
    assert (s.vcl, s.starts_picture, s.random_access) == (1, True, True)
    s = summarise(trail, "hevc")
    assert (s.vcl, s.starts_picture, s.random_access) == (1, False, False)


def test_vcl_only_drops_parameter_sets() -> None:
    assert vcl_only(SPS + PPS + IDR_SECOND, "h264") == IDR_SECOND


def test_whole_pictures_go_at_once() -> None:
    """FFmpeg groups a picture's slices by the RTP marker: one packet, one picture, no delay."""
    asm = AccessUnitAssembler("h264")
    assert asm.push(AUD + SPS + PPS + IDR_FIRST + IDR_SECOND, 0, 0) == [(AUD + SPS + PPS + IDR_FIRST + IDR_SECOND, 0, 0, True)]
    assert asm.push(AUD + P_FIRST + P_SECOND, 6000, 6000) == [(AUD + P_FIRST + P_SECOND, 6000, 6000, False)]
    assert asm.push(SEI, 12000, 12000) == []  # no slice yet: wait for the picture
    assert asm.push(P_FIRST, 12000, 12000) == [(SEI + P_FIRST, 12000, 12000, False)]


def test_split_pictures_switch_to_joining() -> None:
    """GStreamer's rtph264pay repeats SPS/PPS before every IDR slice; FFmpeg emits them apart."""
    asm = AccessUnitAssembler("h264")
    first = asm.push(AUD + SPS + PPS + IDR_FIRST, 0, 0)
    assert first == [(AUD + SPS + PPS + IDR_FIRST, 0, 0, True)]
    # The second slice of that picture comes later: from now on, join until the next picture.
    assert asm.push(SPS + PPS + IDR_SECOND, 0, 0) == []
    assert asm.single_slice is False
    asm.push(AUD + P_FIRST, 6000, 6000)  # completes the stray slice (dropped later as a repeat)
    assert asm.push(P_SECOND, 6000, 6000) == []
    assert asm.push(AUD + SPS + PPS + IDR_FIRST, 90000, 90000) == [(AUD + P_FIRST + P_SECOND, 6000, 6000, False)]
    assert asm.push(SPS + PPS + IDR_SECOND, 90000, 90000) == []
    units = asm.push(AUD + P_FIRST, 96000, 96000)
    assert units == [(AUD + SPS + PPS + IDR_FIRST + IDR_SECOND, 90000, 90000, True)]


def test_learnt_slicing_carries_over() -> None:
    asm = AccessUnitAssembler("h264", single_slice=False)
    assert asm.push(P_FIRST, 0, 0) == []
    assert asm.push(P_FIRST, 6000, 6000) == [(P_FIRST, 0, 0, False)]


def test_first_packet_without_timestamp() -> None:
    """FFmpeg's first RTSP packet (read while probing) has no pts: it is the picture at 0."""
    asm = AccessUnitAssembler("h264")
    assert asm.push(SPS + PPS + IDR_FIRST, None, None) == [(SPS + PPS + IDR_FIRST, 0, 0, True)]
    assert asm.push(P_FIRST, 6000, 6000) == [(P_FIRST, 6000, 6000, False)]
    joined = AccessUnitAssembler("h264", single_slice=False)
    assert joined.push(SPS + PPS + IDR_FIRST, None, None) == []
    assert joined.push(P_FIRST, 6000, 6000) == [(SPS + PPS + IDR_FIRST, 5999, 5999, True)]


def test_other_codecs_pass_through() -> None:
    asm = AccessUnitAssembler("mjpeg")
    assert asm.push(b"\xff\xd8jpeg", 10, 10, True) == [(b"\xff\xd8jpeg", 10, 10, True)]
    assert asm.push(b"\xff\xd8jpeg", None, None) == []
