"""PTZ encoders, byte for byte against the examples that the protocol documents publish.

Every expected value below is a literal copied from (or, where a document gives a template
such as `FF addr 00 07 00 <preset> SUM`, filled in by hand following that document's rule);
none comes from our own encoder.  Sources:

[D1] Oxic XPM9A261A installation and programming manual, Appendix 3 "PELCO D control
     protocol", "Example: No.1 address" (manualshive.com/ru/manual/oxic/xpm9a261a/1665038, p. 59).
[D2] Pelco manual C466M-E (6/99), 5.3.4 "Extended Commands" table (Set/Clear/Go to preset
     00 03|05|07 00 nn, Set/Clear aux 00 09|0B 00 nn) (camera.manualsonline.com, pelco drd14 p. 24).
[D3] Minrray UV850 user manual, "Pelco-D Protocol": Stop, Zoom In/Out, Auto Focus 0x2B 0x00 0x01,
     Manual Focus 0x2B 0x00 0x02 (manualshive.com/ru/manual/minrray/uv850/1804018, p. 17).
[P1] Lumens LUMiO 12x user guide, "PELCO P commands": "Rotation to left: A0 00 00 04 20 00 AF 2B",
     "Rotation to right: A0 00 00 02 20 00 AF 2D" (quoted in a public Pelco-P driver's README).
[P2] Pelco-P message structure (shyuanliang.blogspot.com/2012/03/pelco-p-message-structure):
     data 1 bit 0 focus far, bit 1 focus near, bit 2 iris open, bit 3 iris close; data 2 bit 3 up,
     bit 4 down; "checksum: XOR sum of Bytes 1-7"; presets 00 03|05|07 00 nn.  The same layout is
     in the Active Silicon Harrier manual's Pelco-P list (Focus Near A0 ID 02 00 ..,
     Focus Far A0 ID 01 00 .., Zoom Tele A0 ID 00 20 .., Zoom Wide A0 ID 00 40 .., "CS: an XOR
     sum of byte 1 ~ 7"), manualshive.com/en/manual/active-silicon/as-cam-10lhd-a/3046997 p. 30.
[V1] Sony SRG-X400/SRG-X120 command list (easymanua.ls/sony/srg-x400/manual/36555 p. 20):
     Pan-tiltDrive "8x 01 06 01 vv ww 03 01 FF" (Up), 03 02 Down, 01 03 Left, 02 03 Right,
     01 01 UpLeft, 02 02 DownRight, 03 03 Stop; pan speed 01-18h.
[V2] Sony SRG-H40UH command list (easymanua.ls/sony/srg-h40uh/manual/1593346 p. 20): CAM_Focus
     Stop 8x 01 04 08 00 FF, Far (variable) 8x 01 04 08 2p FF, Near (variable) 3p, Focus mode
     8x 01 04 38 02|03 FF (auto|manual).
[V3] Sony EVI-D70 / FCB command lists (CAM_Zoom Stop 8x 01 04 07 00 FF, Tele (Variable)
     8x 01 04 07 2p FF, Wide (Variable) 3p; CAM_Memory Reset/Set/Recall 8x 01 04 3F 00|01|02 pp FF;
     CAM_Iris Up 8x 01 04 0B 02 FF, Down 03; CAM_AE Full Auto 8x 01 04 39 00 FF, Iris Priority 0B)
     and the integrators' D70 list "停止: 8X 01 06 01 18 18 03 03 FF" (360docs.net/doc/518166240).
[V4] VISCA reply packets (FCB command list, xiaomilidoc.com/p-9848865): ACK "X0 4Y FF",
     Completion "X0 5Y FF", errors "X0 6Y 01|02|03|04|05|41 FF".
[VIP] Sony SRG-300H technical manual, "VISCA over IP" (manualshive.com/en/manual/sony/srg300h/
     400108, pp. 30-31): payload type 01 00 command, 01 10 inquiry, 01 11 reply, 02 00 control
     command, 02 01 control reply; payload length 2 bytes ("when the payload length is 16 bytes:
     Byte 2: 00h, Byte 3: 10h"); sequence number 4 bytes; control RESET 01h, ERROR 0F yy
     (01 sequence number, 02 message type), control reply ACK 01h.
[G1] GB/T 28181-2016 Appendix A.3 as summarised on ctyun.cn/developer/article/432576033046597:
     bytes A5 0F 01 <instruction> <data1> <data2> <data3|addr> <sum of bytes 1-7 mod 256>;
     PTZ bits (bit 5 zoom out, 4 zoom in, 3 up, 2 down, 1 left, 0 right); presets 81h/82h/83h with
     the preset in byte 6.  Published example "A50F01021F0000D6" (pan left, speed 1Fh) from the
     command table of css8.cn/post/626647.html.  FI and auxiliary-switch bytes from A.3.3/A.3.6
     (0100 + iris close/open/focus near/far bits; 8Ch/8Dh with the switch number in byte 5).
"""

from __future__ import annotations

import re

import pytest

from console.ptz.commands import (
    AutoFocus,
    AutoIris,
    Aux,
    AuxOutput,
    Centre,
    Focus,
    Iris,
    Move,
    Preset,
    PresetAction,
    PtzError,
    Stop,
    command_from_dict,
)
from console.ptz.gb28181 import Gb28181
from console.ptz.pelco import PelcoD, PelcoP
from console.ptz.visca import (
    PayloadType,
    ReplyKind,
    Visca,
    ViscaIpSequencer,
    ViscaOverIp,
    decode_visca_ip,
    encode_visca_ip,
    parse_reply,
)


def hx(text: str) -> bytes:
    return bytes.fromhex(text)


# Normalised speeds that land exactly on the documents' raw speed bytes.
def pelco(raw: int) -> float:
    return raw / 0x3F


# -- Pelco-D ---------------------------------------------------------------------------

@pytest.mark.parametrize(("command", "frame"), [
    (Move(pan=pelco(0x20)), "FF 01 00 02 20 00 23"),  # [D1] Right
    (Move(pan=-pelco(0x23)), "FF 01 00 04 23 00 28"),  # [D1] Left
    (Move(tilt=pelco(0x23)), "FF 01 00 08 00 23 2C"),  # [D1] Up
    (Move(tilt=-pelco(0x23)), "FF 01 00 10 00 23 34"),  # [D1] Down
    (Iris(1.0), "FF 01 02 00 00 00 03"),  # [D1] OPEN
    (Iris(-1.0), "FF 01 04 00 00 00 05"),  # [D1] CLOSE
    (Focus(-1.0), "FF 01 01 00 00 00 02"),  # [D1] NEAR
    (Focus(1.0), "FF 01 00 80 00 00 81"),  # [D1] FAR
    (Stop(), "FF 01 00 00 00 00 01"),  # [D3] Stop
    (Move(), "FF 01 00 00 00 00 01"),  # all speeds zero is the same stop
    (Move(zoom=0.5), "FF 01 00 20 00 00 21"),  # [D3] Zoom In
    (Move(zoom=-1.0), "FF 01 00 40 00 00 41"),  # [D3] Zoom Out
    (AutoFocus(True), "FF 01 00 2B 00 01 2D"),  # [D3] Auto Focus
    (AutoFocus(False), "FF 01 00 2B 00 02 2E"),  # [D3] Manual Focus
    # [D2] "Set Auto Iris 00 2D 00 0x", 01 auto and 02 manual as [D3] gives them for focus;
    # sum 01+2D+01 = 2F, 01+2D+02 = 30.
    (AutoIris(True), "FF 01 00 2D 00 01 2F"),
    (AutoIris(False), "FF 01 00 2D 00 02 30"),
    (Preset(PresetAction.SET, 1), "FF 01 00 03 00 01 05"),  # [D2]
    (Preset(PresetAction.CLEAR, 1), "FF 01 00 05 00 01 07"),  # [D2]
    (Preset(PresetAction.GOTO, 1), "FF 01 00 07 00 01 09"),  # [D2]
    (AuxOutput(1, True), "FF 01 00 09 00 01 0B"),  # [D2] Set aux 1
    (AuxOutput(Aux.WIPER, False), "FF 01 00 0B 00 01 0D"),  # [D2] Clear aux 1 (wiper on relay 1)
])
def test_pelco_d_matches_the_documents(command: object, frame: str) -> None:
    assert PelcoD(1).encode(command) == (hx(frame),)  # type: ignore[arg-type]


def test_pelco_d_diagonal_and_address() -> None:
    # [D1]'s bits combined (up 08 | right 02 = 0A), camera 3: 03+00+0A+20+20 = 4D.
    assert PelcoD(3).encode(Move(pan=pelco(0x20), tilt=pelco(0x20))) == (hx("FF 03 00 0A 20 20 4D"),)


def test_pelco_d_full_speed_and_turbo() -> None:
    # Pan $00-$3F, $40 turbo ([P2]/[D1] "Pan speed $00 to $40 for turbo"): 01+02+3F = 42, 01+02+40 = 43.
    assert PelcoD(1).encode(Move(pan=1.0)) == (hx("FF 01 00 02 3F 00 42"),)
    assert PelcoD(1, turbo=True).encode(Move(pan=1.0)) == (hx("FF 01 00 02 40 00 43"),)


# -- Pelco-P ---------------------------------------------------------------------------

@pytest.mark.parametrize(("command", "frame"), [
    (Move(pan=-pelco(0x20)), "A0 00 00 04 20 00 AF 2B"),  # [P1] rotation to left
    (Move(pan=pelco(0x20)), "A0 00 00 02 20 00 AF 2D"),  # [P1] rotation to right
    # [P2] up/down bits with the XOR of bytes 1-7 worked by hand: A0^08^20^AF = 27, A0^10^20^AF = 3F.
    (Move(tilt=pelco(0x20)), "A0 00 00 08 00 20 AF 27"),
    (Move(tilt=-pelco(0x20)), "A0 00 00 10 00 20 AF 3F"),
    (Stop(), "A0 00 00 00 00 00 AF 0F"),  # A0^AF = 0F
    (Focus(1.0), "A0 00 01 00 00 00 AF 0E"),  # [P2] focus far
    (Focus(-1.0), "A0 00 02 00 00 00 AF 0D"),  # [P2] focus near
    (Iris(1.0), "A0 00 04 00 00 00 AF 0B"),  # [P2] iris open
    (Iris(-1.0), "A0 00 08 00 00 00 AF 07"),  # [P2] iris close
    (Move(zoom=1.0), "A0 00 00 20 00 00 AF 2F"),  # [P2] zoom tele
    (Move(zoom=-1.0), "A0 00 00 40 00 00 AF 4F"),  # [P2] zoom wide
    (Preset(PresetAction.SET, 1), "A0 00 00 03 00 01 AF 0D"),  # [P2] set preset 1
    (Preset(PresetAction.GOTO, 1), "A0 00 00 07 00 01 AF 09"),  # [P2] go to preset 1
    (Preset(PresetAction.CLEAR, 1), "A0 00 00 05 00 01 AF 0B"),  # [P2] clear preset 1
    # The extended commands of [D2] in Pelco-P's frame ([P2]: the same data bytes), the XOR of
    # bytes 1-7 worked by hand: A0^2B^01^AF = 25, A0^2B^02^AF = 26, A0^2D^01^AF = 23,
    # A0^2D^02^AF = 20, A0^09^01^AF = 07, A0^0B^01^AF = 05.
    (AutoFocus(True), "A0 00 00 2B 00 01 AF 25"),
    (AutoFocus(False), "A0 00 00 2B 00 02 AF 26"),
    (AutoIris(True), "A0 00 00 2D 00 01 AF 23"),
    (AutoIris(False), "A0 00 00 2D 00 02 AF 20"),
    (AuxOutput(1, True), "A0 00 00 09 00 01 AF 07"),
    (AuxOutput(Aux.WIPER, False), "A0 00 00 0B 00 01 AF 05"),
])
def test_pelco_p_matches_the_documents(command: object, frame: str) -> None:
    assert PelcoP(0).encode(command) == (hx(frame),)  # type: ignore[arg-type]


# -- VISCA -----------------------------------------------------------------------------

@pytest.mark.parametrize(("command", "messages"), [
    # [V1] with vv = 18h (full pan speed) and ww = 14h (full tilt speed, EVI/BRC range).
    (Move(tilt=1.0), ["81 01 06 01 01 14 03 01 FF", "81 01 04 07 00 FF"]),
    (Move(tilt=-1.0), ["81 01 06 01 01 14 03 02 FF", "81 01 04 07 00 FF"]),
    (Move(pan=-1.0), ["81 01 06 01 18 01 01 03 FF", "81 01 04 07 00 FF"]),
    (Move(pan=1.0), ["81 01 06 01 18 01 02 03 FF", "81 01 04 07 00 FF"]),
    (Move(pan=-1.0, tilt=1.0), ["81 01 06 01 18 14 01 01 FF", "81 01 04 07 00 FF"]),
    (Move(pan=1.0, tilt=-1.0), ["81 01 06 01 18 14 02 02 FF", "81 01 04 07 00 FF"]),
    # [V3] the published stop, and zoom tele/wide at variable speed p = 7 and 0.
    (Move(), ["81 01 06 01 18 18 03 03 FF", "81 01 04 07 00 FF"]),
    (Move(zoom=1.0), ["81 01 06 01 18 18 03 03 FF", "81 01 04 07 27 FF"]),
    (Move(zoom=-0.01), ["81 01 06 01 18 18 03 03 FF", "81 01 04 07 30 FF"]),
    (Stop(), ["81 01 06 01 18 18 03 03 FF", "81 01 04 07 00 FF", "81 01 04 08 00 FF"]),
    # [V2]
    (Focus(1.0), ["81 01 04 08 27 FF"]),
    (Focus(-1.0), ["81 01 04 08 37 FF"]),
    (Focus(0.0), ["81 01 04 08 00 FF"]),
    (AutoFocus(True), ["81 01 04 38 02 FF"]),
    (AutoFocus(False), ["81 01 04 38 03 FF"]),
    # [V3]
    (Iris(1.0), ["81 01 04 0B 02 FF"]),
    (Iris(-0.5), ["81 01 04 0B 03 FF"]),
    (Iris(0.0), []),
    (AutoIris(True), ["81 01 04 39 00 FF"]),
    (AutoIris(False), ["81 01 04 39 0B FF"]),
    (Preset(PresetAction.CLEAR, 3), ["81 01 04 3F 00 03 FF"]),
    (Preset(PresetAction.SET, 3), ["81 01 04 3F 01 03 FF"]),
    (Preset(PresetAction.GOTO, 3), ["81 01 04 3F 02 03 FF"]),
])
def test_visca_matches_the_command_lists(command: object, messages: list[str]) -> None:
    assert Visca(1).encode(command) == tuple(hx(m) for m in messages)  # type: ignore[arg-type]


def test_visca_address_and_model_speed_range() -> None:
    # [V1]: camera 2 is 82; the SRG family's tilt runs to 17h.
    assert Visca(2, tilt_speed_max=0x17).encode(Move(tilt=1.0))[0] == hx("82 01 06 01 01 17 03 01 FF")


@pytest.mark.parametrize(("message", "kind", "socket", "error"), [
    ("90 41 FF", ReplyKind.ACK, 1, ""),  # [V4] ACK, camera 1, socket 1
    ("90 51 FF", ReplyKind.COMPLETION, 1, ""),  # [V4] completion
    ("90 60 02 FF", ReplyKind.ERROR, 0, "syntax error"),  # [V4]
    ("90 60 03 FF", ReplyKind.ERROR, 0, "command buffer full"),
    ("90 61 04 FF", ReplyKind.ERROR, 1, "command cancelled"),
    ("90 62 05 FF", ReplyKind.ERROR, 2, "no socket"),
    ("90 61 41 FF", ReplyKind.ERROR, 1, "command not executable"),
])
def test_visca_replies(message: str, kind: ReplyKind, socket: int, error: str) -> None:
    reply = parse_reply(hx(message))
    assert (reply.kind, reply.address, reply.socket, reply.error) == (kind, 1, socket, error)


def test_visca_inquiry_completion_carries_data() -> None:
    # [V3] Pan-tiltPosInq answer "y0 50 0w 0w 0w 0w 0z 0z 0z 0z FF".
    reply = parse_reply(hx("90 50 00 00 00 00 0F 0E 05 00 FF"))
    assert reply.kind is ReplyKind.COMPLETION and reply.data == hx("00 00 00 00 0F 0E 05 00")


@pytest.mark.parametrize("garbage", ["81 01 FF", "90 41", "90 71 FF", ""])
def test_visca_reply_rejects_what_is_not_one(garbage: str) -> None:
    with pytest.raises(PtzError, match="not a VISCA reply"):
        parse_reply(hx(garbage))


# -- VISCA over IP ---------------------------------------------------------------------

def test_visca_ip_header() -> None:
    # [VIP]: type 01 00, length 00 09 (the 9-byte pan-tilt stop), sequence 00 00 00 05, payload.
    stop = hx("81 01 06 01 18 18 03 03 FF")
    assert encode_visca_ip(PayloadType.COMMAND, 5, stop) == hx("01 00 00 09 00 00 00 05") + stop
    # [VIP]: a 16-byte payload has length bytes 00 10.
    assert encode_visca_ip(PayloadType.INQUIRY, 0, bytes(15) + b"\xff")[:4] == hx("01 10 00 10")


def test_visca_ip_sequence_numbers_count_up_and_reset() -> None:
    seq = ViscaIpSequencer()
    zoom_stop = hx("81 01 04 07 00 FF")
    assert seq.wrap(zoom_stop) == hx("01 00 00 06 00 00 00 00") + zoom_stop
    assert seq.wrap(zoom_stop)[4:8] == hx("00 00 00 01")
    # [VIP] RESET: control command 02 00, one payload byte 01.
    assert seq.reset() == hx("02 00 00 01 00 00 00 00 01")
    assert seq.wrap(zoom_stop)[4:8] == hx("00 00 00 01")
    wrap = ViscaIpSequencer(0xFFFFFFFF)
    assert wrap.wrap(zoom_stop)[4:8] == hx("FF FF FF FF")
    assert wrap.wrap(zoom_stop)[4:8] == hx("00 00 00 00")


def test_visca_ip_replies() -> None:
    ack = decode_visca_ip(hx("01 11 00 03 00 00 00 07 90 41 FF"))  # [VIP] reply type, [V4] ACK
    assert ack.payload_type is PayloadType.REPLY and ack.sequence == 7
    assert ack.reply is not None and ack.reply.kind is ReplyKind.ACK
    error = decode_visca_ip(hx("01 11 00 04 00 00 00 08 90 60 02 FF"))
    assert error.reply is not None and error.reply.error == "syntax error"
    control_ack = decode_visca_ip(hx("02 01 00 01 00 00 00 00 01"))  # [VIP] control reply ACK
    assert control_ack.payload_type is PayloadType.CONTROL_REPLY and control_ack.payload == b"\x01"
    complaint = decode_visca_ip(hx("02 00 00 02 00 00 00 09 0F 01"))  # [VIP] ERROR 0F 01
    assert complaint.control_error == "abnormality in the sequence number"


@pytest.mark.parametrize("datagram", ["01 00 00 05 00 00", "07 07 00 01 00 00 00 00 01", "01 11 00 09 00 00 00 01 90 41 FF"])
def test_visca_ip_rejects_malformed_datagrams(datagram: str) -> None:
    with pytest.raises(PtzError, match="VISCA over IP"):
        decode_visca_ip(hx(datagram))


def test_visca_over_ip_cameras_are_address_1() -> None:
    assert ViscaOverIp().encode(Focus(0.0)) == (hx("81 01 04 08 00 FF"),)
    with pytest.raises(PtzError, match="address 1"):
        ViscaOverIp(address=2)


# -- GB/T 28181 ------------------------------------------------------------------------

@pytest.mark.parametrize(("command", "ptz_cmd"), [
    (Move(pan=-0x1F / 0xFF), "A50F01021F0000D6"),  # [G1] published example: left at 1Fh
    # [G1]'s rule, the sums worked by hand (A5+0F+01 = B5):
    (Stop(), "A50F0100000000B5"),
    (Move(), "A50F0100000000B5"),  # all speeds zero is the stop
    (Move(pan=1.0), "A50F0101FF0000B5"),  # right at FFh: B5+01+FF = 1B5
    (Move(tilt=0x80 / 0xFF), "A50F01080080003D"),  # up at 80h: B5+08+80 = 13D
    (Move(tilt=-0x80 / 0xFF), "A50F010400800039"),  # down: B5+04+80 = 139
    (Move(zoom=1.0), "A50F01100000F0B5"),  # zoom in, speed Fh in byte 7's high nibble: B5+10+F0 = 1B5
    (Move(zoom=-1.0), "A50F01200000F0C5"),  # zoom out: B5+20+F0 = 1C5
    (Focus(1.0), "A50F0141FF0000F5"),  # FI focus far at FFh: B5+41+FF = 1F5
    (Focus(-1.0), "A50F0142FF0000F6"),  # focus near
    (Iris(-0x80 / 0xFF), "A50F01480080007D"),  # iris close at 80h: B5+48+80 = 17D
    (Iris(0x80 / 0xFF), "A50F014400800079"),  # iris open
    (Preset(PresetAction.SET, 1), "A50F018100010037"),  # B5+81+01 = 137
    (Preset(PresetAction.GOTO, 1), "A50F018200010038"),
    (Preset(PresetAction.CLEAR, 3), "A50F01830003003B"),
    (AuxOutput(Aux.WIPER, True), "A50F018C01000042"),  # switch 1 (the wiper) on: B5+8C+01 = 142
    (AuxOutput(Aux.WIPER, False), "A50F018D01000043"),
])
def test_gb28181_ptz_cmd(command: object, ptz_cmd: str) -> None:
    assert Gb28181().ptz_cmd(command) == ptz_cmd  # type: ignore[arg-type]
    assert Gb28181().encode(command) == (ptz_cmd.encode(),)  # type: ignore[arg-type]


def test_gb28181_twelve_bit_address() -> None:
    # Address 123h: byte 3 is 23h, byte 7's low nibble 1h; A5+0F+23+01 = D8.
    assert Gb28181(0x123).ptz_cmd(Stop()) == "A50F2300000001D8"


# -- range checks: every one a PtzError an operator can read ---------------------------

@pytest.mark.parametrize(("make", "message"), [
    (lambda: PelcoD(0), "Pelco-D address 0 is out of range for Pelco-D (1-255)"),
    (lambda: PelcoD(256), "Pelco-D address 256 is out of range"),
    (lambda: PelcoP(-1), "Pelco-P address -1 is out of range for Pelco-P (0-255)"),
    (lambda: Visca(8), "VISCA address 8 is out of range for VISCA (1-7)"),
    (lambda: Gb28181(0x1000), "GB/T 28181 address 4096 is out of range"),
    (lambda: PelcoD(1).encode(Preset(PresetAction.GOTO, 0)), "Pelco-D preset 0 is out of range for Pelco-D (1-255)"),
    (lambda: PelcoP(1).encode(Preset(PresetAction.SET, 256)), "Pelco-P preset 256 is out of range"),
    (lambda: Visca(1).encode(Preset(PresetAction.GOTO, 255)), "VISCA preset 255 is out of range for VISCA (0-254)"),
    (lambda: Visca(1, max_preset=15).encode(Preset(PresetAction.GOTO, 16)), "VISCA preset 16 is out of range for VISCA (0-15)"),
    (lambda: Gb28181().encode(Preset(PresetAction.GOTO, 0)), "GB/T 28181 preset 0 is out of range"),
    (lambda: PelcoD(1).encode(AuxOutput(9, True)), "Pelco-D auxiliary output 9 is out of range for Pelco-D (1-8)"),
    (lambda: Visca(1).encode(AuxOutput(Aux.WIPER, True)), "VISCA has no aux command"),
    (lambda: Gb28181().encode(AutoFocus(True)), "GB/T 28181 has no auto-focus command"),
    (lambda: Gb28181().encode(AuxOutput(Aux.LIGHT, True)), "GB/T 28181 has no aux command"),
    (lambda: PelcoD(1).encode(Centre(0.5, 0.5)), "Pelco-D has no centre-on-a-point command"),
    (lambda: Visca(1).encode(Centre(0.5, 0.5)), "VISCA has no centre-on-a-point command"),
    (lambda: Centre(1.5, 0), "x 1.5 is out of range"),
    (lambda: Move(pan=1.5), "pan speed 1.5 is out of range (-1 to 1)"),
    (lambda: Move(tilt=float("nan")), "tilt speed must be a number from -1 to 1"),
    (lambda: Focus(-2), "focus speed -2 is out of range"),
    (lambda: Preset(PresetAction.GOTO, 2.5), "preset number must be a whole number"),  # type: ignore[arg-type]
])
def test_bad_input_is_a_clear_ptz_error(make: object, message: str) -> None:
    with pytest.raises(PtzError, match=re.escape(message)):
        make()  # type: ignore[operator]


@pytest.mark.parametrize("command", [
    Move(0.5, -0.25, 1.0), Stop(), Focus(-1.0), Iris(0.5), AutoFocus(False), AutoIris(True),
    Preset(PresetAction.SET, 12), AuxOutput(Aux.WIPER, True), AuxOutput(3, False), Centre(-0.5, 0.25),
])
def test_commands_round_trip_through_dicts(command: object) -> None:
    data = command.to_dict()  # type: ignore[attr-defined]
    assert command_from_dict(data) == command


@pytest.mark.parametrize(("data", "message"), [
    ({"command": "spin"}, "unknown PTZ command 'spin'"),
    ({"command": "preset", "action": "jump", "number": 1}, "unknown preset action 'jump'"),
    ({"command": "move", "pan": 0.5, "yaw": 1}, "unknown field"),
    ({"command": "aux", "output": "horn"}, "unknown auxiliary output 'horn'"),
    ({"command": "preset", "action": "goto"}, "PTZ command preset:"),
])
def test_command_from_dict_says_what_is_wrong(data: dict[str, object], message: str) -> None:
    with pytest.raises(PtzError, match=message):
        command_from_dict(data)
