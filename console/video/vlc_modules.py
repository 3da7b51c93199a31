"""The libvlc modules the players rely on, checked before the first tile stays black.

libvlc starts without any plugin at all and only fails later, per media, with nothing more
than a black tile (or "unknown option" when even the core modules are gone).  Looking for a
handful of plugin files costs a few `stat` calls, so the engine does it at start and names the
module and the Debian package that brings it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Module:
    name: str  # as in `vlc --list`
    file: str  # relative to the plugin directory
    why: str
    package: str  # Debian


# Every tile: an OS pipe of MPEG-TS (fd:// through the filesystem access), H.264 decoded by
# avcodec, colour converted by swscale into the callbacks renderer's memory (vmem).
COMMON = (
    Module("filesystem", "access/libfilesystem_plugin.so", "reads the ingest's pipe and files", "vlc-plugin-base"),
    Module("ts", "demux/libts_plugin.so", "demuxes the MPEG-TS the ingest writes", "vlc-plugin-base"),
    Module("packetizer_h264", "packetizer/libpacketizer_h264_plugin.so", "frames H.264", "vlc-plugin-base"),
    Module("avcodec", "codec/libavcodec_plugin.so", "decodes H.264", "vlc-plugin-base"),
    Module("swscale", "video_chroma/libswscale_plugin.so", "converts colour for the tiles", "vlc-plugin-base"),
)
RENDERER = {
    "callbacks": (Module("vmem", "video_output/libvmem_plugin.so", "hands pictures to Qt", "vlc-plugin-base"),),
    "native": (
        Module("xcb_window", "video_output/libxcb_window_plugin.so", "embeds video in a tile's window",
               "vlc-plugin-video-output"),
        Module("xcb_x11", "video_output/libxcb_x11_plugin.so", "draws video on X11", "vlc-plugin-video-output"),
    ),
}


def plugin_dir() -> Path | None:
    """Where the loaded libvlc takes its plugins from; None when that cannot be told (not Linux)."""
    import vlc  # noqa: F401  (loads libvlc, and with it libvlccore, whose place tells)

    override = os.environ.get("VLC_PLUGIN_PATH")
    if override:
        return Path(override.split(os.pathsep)[0])
    try:
        maps = Path("/proc/self/maps").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    for line in maps.splitlines():
        path = line.split(maxsplit=5)[-1] if line.count(" ") >= 5 else ""
        if "/libvlccore.so" in path:
            # Debian and VLC's own builds: <libdir>/libvlccore.so.9 beside <libdir>/vlc/plugins.
            candidate = Path(path).parent / "vlc" / "plugins"
            return candidate if candidate.is_dir() else None
    return None


def missing(renderer: str | None = None, directory: Path | None = None) -> list[Module]:
    """The modules of `COMMON` (and of `renderer`) whose plugin file is not in the directory."""
    directory = directory if directory is not None else plugin_dir()
    if directory is None:
        return []  # a platform where we cannot look: libvlc will say what it lacks
    wanted = COMMON + (RENDERER.get(renderer, ()) if renderer else ())
    return [m for m in wanted if not (directory / m.file).exists()]


def report(modules: list[Module], directory: Path | None = None) -> str:
    packages = sorted({m.package for m in modules})
    names = ", ".join(f"{m.name} ({m.why})" for m in modules)
    where = f" in {directory}" if directory else ""
    return f"libvlc modules missing{where}: {names}. Install with: apt-get install {' '.join(packages)}"
