"""What a simulated camera is made of in GStreamer, and where Debian keeps each part.

Pure Python with no third-party import: the RTSP server imports it under Debian's system
Python, and the tests import it in the project's environment to check that the element list
below covers every element the pipelines name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from console.sim.identity import time_strip

# Every element the simulated site creates, directly in a camera's pipeline or inside
# GStreamer's RTSP server (which builds RTP/RTCP plumbing per viewer: rtpbin, UDP sockets for
# UDP viewers, appsrc/appsink for TCP-interleaved ones), with the Debian package that ships
# it.  A missing element otherwise shows only as "Unhandled error" in every viewer.
ELEMENTS: dict[str, str] = {
    "videotestsrc": "gstreamer1.0-plugins-base",
    "videoconvert": "gstreamer1.0-plugins-base",
    "appsrc": "gstreamer1.0-plugins-base",
    "appsink": "gstreamer1.0-plugins-base",
    "capsfilter": "libgstreamer1.0-0",
    "queue": "libgstreamer1.0-0",
    "tee": "libgstreamer1.0-0",
    "funnel": "libgstreamer1.0-0",
    "fakesink": "libgstreamer1.0-0",
    # a dome's picture: a still scene, cropped to where the dome points and scaled
    "multifilesrc": "gstreamer1.0-plugins-good",
    "pngdec": "gstreamer1.0-plugins-good",
    "imagefreeze": "gstreamer1.0-plugins-good",
    "videocrop": "gstreamer1.0-plugins-good",
    "videoscale": "gstreamer1.0-plugins-base",
    "cairooverlay": "gstreamer1.0-plugins-good",
    "gdkpixbufoverlay": "gstreamer1.0-plugins-good",
    "rtph264pay": "gstreamer1.0-plugins-good",
    "rtpbin": "gstreamer1.0-plugins-good",
    "rtspsrc": "gstreamer1.0-plugins-good",
    "udpsrc": "gstreamer1.0-plugins-good",
    "udpsink": "gstreamer1.0-plugins-good",
    "textoverlay": "gstreamer1.0-x",
    "clockoverlay": "gstreamer1.0-x",
    "x264enc": "gstreamer1.0-plugins-ugly",
}

# The GObject typelibs the server script needs, with their packages.
# Python modules of the system Python's the server imports, with their packages.
MODULES: dict[str, str] = {"gi": "python3-gi", "cairo": "python3-gi-cairo"}

TYPELIBS: dict[str, str] = {
    "Gst": "gir1.2-gstreamer-1.0",
    "GstRtsp": "gir1.2-gst-plugins-base-1.0",
    "GstRtspServer": "gir1.2-gst-rtsp-server-1.0",
}


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass(frozen=True)
class DomePicture:
    """What makes a camera's picture a dome's: the scene it looks at and its position strip.

    The RTSP server crops the element named `crop` to the dome's window onto the scene and
    points the overlay named `pos` at a fresh position strip whenever the dome moves.
    """

    scene_png: str
    scene_size: tuple[int, int]
    position_png: str  # the strip's first picture


def position_strip(height: int, strip: int) -> tuple[int, int]:
    """(top, height) of a dome's position strip: right above the camera's code strip."""
    tall = max(8, height // 12)
    return height - strip - tall, tall


def camera_launch(*, number: int, name: str, colour: tuple[int, int, int], width: int, height: int, fps: int,
                  gop: float, strip: int, strip_png: str, payloader: str = "rtph264pay name=pay0 pt=96 config-interval=-1",
                  dome: DomePicture | None = None, frames: int | None = None, clock: bool = True) -> str:
    """The launch line of one camera: colour field (or a dome's view), code strip, name, clock, H.264, RTP."""
    r, g, b = colour
    font = max(8, height // 20)
    kbps = max(150, width * height * fps // 2500)
    label = f"{number}  {name}"
    fontdesc = quote(f"Sans {font}")
    # The capture-time strip (console/sim/identity.py) sits above the code strip (and above a
    # dome's position strip); the clock above it.
    below = 0 if dome is None else position_strip(height, strip)[1]
    stamp_top, _tall = time_strip(height, strip, below)
    clock_pad = height - stamp_top + 4
    if dome is None:
        # frames: a recording of that many frames, then the end of the stream (the NVR's footage).
        count = f"num-buffers={frames} " if frames else ""
        source = (f"videotestsrc is-live=true {count}pattern=solid-color foreground-color={0xFF000000 | r << 16 | g << 8 | b} "
                  f"! video/x-raw,format=BGRx,width={width},height={height},framerate={fps}/1 ")
    else:
        # The scene is decoded once and frozen; each frame is the crop of it where the dome
        # points, scaled to the picture (converted to I420 only after scaling: cheap).
        top, _tall = position_strip(height, strip)
        source = (f"multifilesrc location={quote(dome.scene_png)} caps=image/png ! pngdec "
                  f"! imagefreeze is-live=true ! videocrop name=crop ! videoscale ! videoconvert "
                  f"! video/x-raw,format=BGRx,width={width},height={height},framerate={fps}/1 "
                  f"! gdkpixbufoverlay name=pos location={quote(dome.position_png)} offset-x=0 offset-y={top} ")
    return (
        source
        + f"! gdkpixbufoverlay location={quote(strip_png)} offset-x=0 offset-y={height - strip} "
        f"! textoverlay text={quote(label)} valignment=top halignment=left "
        f"font-desc={fontdesc} shaded-background=true "
        + (f"! clockoverlay valignment=bottom halignment=right ypad={clock_pad} "
           f"font-desc={fontdesc} time-format=\"%H:%M:%S\" shaded-background=true " if clock else "")
        # cairooverlay draws the time strip on each frame as it passes (rtsp_server.py); the
        # picture is BGRx from the source on, cairo's format, so it is converted once, for x264.
        + "! cairooverlay name=stamp ! videoconvert "
        f"! x264enc tune=zerolatency speed-preset=ultrafast sliced-threads=false threads=1 bitrate={kbps} "
        f"key-int-max={max(1, round(gop * fps))} "
        f"! video/x-h264,profile=constrained-baseline ! {payloader}"
    )


def keeper_launch(url: str, user: str | None = None, password: str | None = None) -> str:
    """The camera's built-in viewer (its "NVR"), which keeps the shared stream running."""
    auth = f" user-id={quote(user)} user-pw={quote(password)}" if user and password else ""
    return f"rtspsrc location={url} latency=0 protocols=tcp{auth} ! fakesink name=keep sync=false"


_ELEMENT = re.compile(r"(?:^|!|\()\s*([a-z][a-z0-9_-]*)(?=\s|$|!)")


def elements_in(launch: str) -> list[str]:
    """The element names of a launch line (caps filters such as `video/x-raw,…` are not elements)."""
    without_strings = re.sub(r'"(?:[^"\\]|\\.)*"', '""', launch)
    return [m.group(1) for m in _ELEMENT.finditer(without_strings)]


def missing_report(missing: Iterable[str]) -> str:
    """One sentence naming the missing elements and the Debian packages that bring them."""
    by_package: dict[str, list[str]] = {}
    for element in missing:
        by_package.setdefault(ELEMENTS.get(element, "an unknown package"), []).append(element)
    parts = [f"{', '.join(elements)} (Debian package {package})" for package, elements in sorted(by_package.items())]
    packages = " ".join(sorted(p for p in by_package if p != "an unknown package"))
    return (f"GStreamer elements missing: {'; '.join(parts)}. "
            f"Install with: apt-get install {packages}, or run ./run, which installs them")
