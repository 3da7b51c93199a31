"""Build the one-folder bundle (PyInstaller) and the Debian package (dpkg-deb): `./run bundle`.

    python scripts/build_package.py [--out dist] [--skip-bundle]

The package installs the bundle under /opt/videowall, `videowall` on the PATH, a desktop entry
and its icon.  Its Depends: are what the bundle really needs from Debian, worked out from the
bundle itself: every library its binaries link that the bundle does not carry (ldd), mapped to
the package that ships it (dpkg -S), plus what it loads by name at run time (libvlc and the
VLC plugins the players use, libkeyutils, libcups) and the CJK fonts.  Recommends: is what the
simulated site needs (GStreamer's RTSP server under the system Python), from
console/sim/pipeline.py, the same table ./run installs from.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from console import __version__  # noqa: E402
from console.sim.pipeline import ELEMENTS, MODULES, TYPELIBS  # noqa: E402
from console.video.vlc_modules import COMMON, RENDERER  # noqa: E402

# Loaded with ctypes, so ldd does not see them: (package, why).
LOADED_BY_NAME = {
    "libvlc5": "python-vlc opens libvlc.so.5",
    "libkeyutils1": "the kernel keyring backend (console/kernel_keyring.py)",
    "libcups2": "print job ids and errors (console/evidence/cupsqueue.py)",
    "fonts-noto-cjk": "Chinese camera and place names, and the Chinese interface",
}
RECOMMENDS_EXTRA = ("python3", "python3-gi", "python3-gi-cairo")  # the sim's server runs under the system Python, with GObject


def build_bundle(work: Path) -> Path:
    from console.ui.i18n import TRANSLATIONS, compiled

    for ts in TRANSLATIONS.glob("*.ts"):
        if compiled(ts) is None:  # the bundle ships the .qm: a missing one is English only, silently
            raise SystemExit(f"cannot compile {ts}")
    dist = work / "dist"
    subprocess.run([sys.executable, "-m", "PyInstaller", str(ROOT / "build_installer.spec"), "--noconfirm",
                    "--distpath", str(dist), "--workpath", str(work / "pyinstaller"), "--log-level", "WARN"],
                   check=True, cwd=ROOT)
    return dist / "videowall"


def elf_files(bundle: Path) -> list[Path]:
    out = []
    for path in bundle.rglob("*"):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as f:
                if f.read(4) == b"\x7fELF":
                    out.append(path)
    return out


def linked_libraries(binaries: list[Path], bundle: Path) -> tuple[set[str], list[str]]:
    """System libraries the binaries link (resolved paths outside the bundle), and what is missing."""
    found: set[str] = set()
    missing: list[str] = []
    env = dict(os.environ, LD_LIBRARY_PATH=os.pathsep.join(
        {str(bundle / "_internal"), *(str(p.parent) for p in binaries)}))
    for binary in binaries:
        # What the binary itself asks for (DT_NEEDED), resolved the way the loader will: the
        # libraries those pull in are their own packages' business.
        dynamic = subprocess.run(["readelf", "-d", str(binary)], capture_output=True, text=True, check=False).stdout
        needed = set(re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", dynamic))
        done = subprocess.run(["ldd", str(binary)], capture_output=True, text=True, env=env, check=False)
        for line in done.stdout.splitlines():
            match = re.match(r"\s*(\S+) => (\S+)", line)
            if match is None or match.group(1) not in needed:
                continue
            name, target = match.groups()
            if target == "not":
                missing.append(f"{binary.relative_to(bundle)}: {name}")
            elif not Path(target).resolve().is_relative_to(bundle.resolve()):
                found.add(str(Path(target).resolve()))
    return found, missing


def owners(paths: set[str]) -> dict[str, str]:
    """File -> Debian package, by dpkg -S (merged /usr: try the /usr path too)."""
    out: dict[str, str] = {}
    for path in sorted(paths):
        for candidate in (path, path.replace("/usr/lib/", "/lib/", 1)):
            done = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True, check=False)
            if done.returncode == 0:
                out[path] = done.stdout.split(":", 1)[0].strip()
                break
    return out


def vlc_plugin_libraries() -> list[Path]:
    """The VLC plugin files the players load, whose own libraries the package must bring too."""
    from console.video.vlc_modules import plugin_dir

    directory = plugin_dir()
    if directory is None:
        return []
    modules = list(COMMON) + [m for group in RENDERER.values() for m in group]
    return [directory / m.file for m in modules if (directory / m.file).exists()]


def depends(bundle: Path) -> tuple[list[str], dict[str, str], list[str]]:
    # The VLC plugins' own libraries come with the vlc-plugin-* packages: the plugin files
    # themselves say which packages those are.
    libraries, missing = linked_libraries(elf_files(bundle), bundle)
    mapping = owners(libraries | {str(p) for p in vlc_plugin_libraries()})
    packages = set(mapping.values()) | set(LOADED_BY_NAME) | {m.package for m in COMMON} | \
        {m.package for group in RENDERER.values() for m in group}
    unowned = sorted(libraries - set(mapping))
    return sorted(packages), mapping, missing + [f"not from any package: {u}" for u in unowned]


def recommends() -> list[str]:
    return sorted(set(ELEMENTS.values()) | set(TYPELIBS.values()) | set(MODULES.values()) | set(RECOMMENDS_EXTRA))


DESKTOP = """[Desktop Entry]
Type=Application
Name=videowall
Name[zh_CN]=视频墙控制台
GenericName=Video wall console
GenericName[zh_CN]=视频矩阵控制台
Comment=The software video matrix and TV wall console of a CCTV monitoring centre
Comment[zh_CN]=监控中心的软件视频矩阵与电视墙控制台
Exec=videowall
Icon=videowall
Terminal=false
Categories=AudioVideo;Video;
Keywords=CCTV;video wall;matrix;监控;
"""


def build_deb(bundle: Path, out: Path, work: Path) -> tuple[Path, dict[str, object]]:
    arch = subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True, check=True).stdout.strip()
    stage = work / "deb"
    shutil.rmtree(stage, ignore_errors=True)
    (stage / "DEBIAN").mkdir(parents=True)
    shutil.copytree(bundle, stage / "opt" / "videowall", symlinks=True)
    (stage / "usr" / "bin").mkdir(parents=True)
    (stage / "usr" / "bin" / "videowall").symlink_to("/opt/videowall/videowall")
    apps = stage / "usr" / "share" / "applications"
    apps.mkdir(parents=True)
    (apps / "videowall.desktop").write_text(DESKTOP, encoding="utf-8")
    icons = stage / "usr" / "share" / "icons" / "hicolor" / "scalable" / "apps"
    icons.mkdir(parents=True)
    shutil.copy(ROOT / "assets" / "icons" / "videowall.svg", icons / "videowall.svg")
    needed, mapping, problems = depends(bundle)
    size_kb = sum(p.stat().st_size for p in stage.rglob("*") if p.is_file() and not p.is_symlink()) // 1024
    control = (f"Package: videowall\nVersion: {__version__}\nArchitecture: {arch}\n"
               "Maintainer: videowall developers <videowall@localhost>\nSection: video\nPriority: optional\n"
               f"Installed-Size: {size_kb}\nDepends: {', '.join(needed)}\nRecommends: {', '.join(recommends())}\n"
               "Suggests: cups, printer-driver-cups-pdf\n"
               "Description: software video matrix and video-wall console for CCTV monitoring centres\n"
               " Puts any camera on any tile of a multi-screen TV wall from a matrix keyboard, the mouse,\n"
               " tours and salvos; the matrix host, wall agents and the operator's console.\n"
               " `videowall demo` runs a simulated town centre (needs the Recommends).\n")
    (stage / "DEBIAN" / "control").write_text(control, encoding="utf-8")
    out.mkdir(parents=True, exist_ok=True)
    deb = out / f"videowall_{__version__}_{arch}.deb"
    # xz at level 1: a third of the size of the tree in a fraction of the default's time.
    subprocess.run(["dpkg-deb", "--root-owner-group", "-Zxz", "-z1", "--build", str(stage), str(deb)], check=True,
                   stdout=subprocess.DEVNULL)
    return deb, {"depends": needed, "recommends": recommends(), "problems": problems,
                 "libraries": mapping, "installed_kb": size_kb}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    parser.add_argument("--work", type=Path, default=ROOT / "build")
    parser.add_argument("--skip-bundle", action="store_true", help="package the bundle already in --work")
    args = parser.parse_args()
    started = time.monotonic()
    bundle = args.work / "dist" / "videowall" if args.skip_bundle else build_bundle(args.work)
    bundled = time.monotonic()
    deb, info = build_deb(bundle, args.out, args.work)
    done = time.monotonic()
    bundle_mb = sum(p.stat().st_size for p in bundle.rglob("*") if p.is_file() and not p.is_symlink()) / 1e6
    report = {"bundle": str(bundle), "deb": str(deb), "bundle_mb": round(bundle_mb, 1),
              "deb_mb": round(deb.stat().st_size / 1e6, 1), "bundle_s": round(bundled - started, 1),
              "package_s": round(done - bundled, 1), **info}
    (args.work / "package.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    print(f"bundle {bundle} ({bundle_mb:.0f} MB, {bundled - started:.0f} s); package {deb} "
          f"({report['deb_mb']} MB, {done - bundled:.0f} s)")
    if info["problems"]:
        print("problems:\n  " + "\n  ".join(map(str, info["problems"])), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
