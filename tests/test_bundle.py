"""The installed product: the bundle and the Debian package, built by ./run bundle, unpacked
into a temporary root (never installed on this machine) and started from there.

Building takes about 40 s; the result is kept in build/bundle-test/<hash of the sources>, so a
second run of the suite on unchanged sources reuses it (CI's clean clone builds it once).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage

from console import __version__
from console.sim.identity import camera_colour, colour_distance
from console.sim.site import SimSite, free_port
from tests.conftest import ROOT
from tests.support.xserver import x_server

SOURCES = ("console", "assets", "layouts", "build_installer.spec", "scripts/build_package.py", "pyproject.toml")


def _source_hash() -> str:
    digest = hashlib.sha256()
    for name in SOURCES:
        path = ROOT / name
        files = sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts) if path.is_dir() \
            else [path]
        for file in files:
            if file.suffix in (".pyc", ".qm"):
                continue
            digest.update(str(file.relative_to(ROOT)).encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()[:16]


@pytest.fixture(scope="module")
def package() -> dict[str, object]:
    work = ROOT / "build" / "bundle-test" / _source_hash()
    report = work / "package.json"
    if not report.exists():
        done = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_package.py"), "--work", str(work),
                               "--out", str(work / "out")], capture_output=True, text=True, timeout=900, check=False)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return json.loads(report.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def installed(package: dict[str, object], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package's files unpacked into a root of their own."""
    root = tmp_path_factory.mktemp("root")
    subprocess.run(["dpkg-deb", "-x", str(package["deb"]), str(root)], check=True)
    return root


def videowall(root: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 60,
              ) -> subprocess.CompletedProcess[str]:
    environment = dict(env or os.environ)
    for leak in ("PYTHONPATH", "PYTHON_KEYRING_BACKEND", "VIRTUAL_ENV"):
        environment.pop(leak, None)  # the bundle must not lean on the project's checkout
    return subprocess.run([str(root / "opt" / "videowall" / "videowall"), *args], capture_output=True, text=True,
                          timeout=timeout, env=environment, check=False, cwd="/")


@pytest.fixture(scope="module")
def open_site() -> Iterator[SimSite]:
    """Two cameras without a password: the bundle cannot read the tests' file keyring."""
    port = free_port()
    site = SimSite(2, port=port, control_port=free_port({port}))
    site.start()
    yield site
    site.close()


def test_the_package_installs_the_bundle_the_command_and_a_desktop_entry(installed: Path,
                                                                         package: dict[str, object]) -> None:
    assert (installed / "usr" / "bin" / "videowall").is_symlink()
    assert str((installed / "usr" / "bin" / "videowall").readlink()) == "/opt/videowall/videowall"
    desktop = (installed / "usr" / "share" / "applications" / "videowall.desktop").read_text(encoding="utf-8")
    assert "Exec=videowall" in desktop and "Icon=videowall" in desktop
    assert (installed / "usr" / "share" / "icons" / "hicolor" / "scalable" / "apps" / "videowall.svg").exists()
    # No libvlc of its own: a copy beside the bundle finds no plugins (DESIGN and issue 17).
    assert not list((installed / "opt" / "videowall").rglob("libvlc*.so*"))
    done = videowall(installed, "--version")
    assert done.returncode == 0 and done.stdout.strip() == f"videowall {__version__}"


def test_the_bundle_starts_libvlc_and_plays_a_camera(installed: Path, open_site: SimSite) -> None:
    done = videowall(installed, "probe", open_site.url(2), "--frames", "5", "--json")
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout)
    assert result["frames"] >= 5 and (result["width"], result["height"]) == (320, 240)


def test_errors_end_in_one_line_not_a_pyinstaller_traceback(installed: Path, tmp_path: Path) -> None:
    done = videowall(installed, "probe", "rtsp://127.0.0.1:1/nothing", "--timeout", "2")
    assert done.returncode == 1 and "connection refused" in done.stderr
    env = dict(os.environ, HOME=str(tmp_path), XDG_STATE_HOME=str(tmp_path / "state"))
    broken = videowall(installed, "catalog", "import", "/nonexistent.csv", "--db", str(tmp_path / "c.sqlite"), env=env)
    assert broken.returncode == 1 and "/nonexistent.csv:1: cannot read" in broken.stderr
    for output in (done.stderr, broken.stderr):
        assert "Traceback" not in output and "Failed to execute script" not in output


def test_the_console_from_the_bundle_shows_pictures(installed: Path, tmp_path: Path) -> None:
    """`videowall demo` from the package, on a real X server: the simulated centre, tiles playing."""
    shot = tmp_path / "demo.png"
    with x_server("1920x1080") as display:
        env = dict(display, HOME=str(tmp_path), XDG_STATE_HOME=str(tmp_path / "state"),
                   XDG_RUNTIME_DIR=str(tmp_path))
        done = videowall(installed, "demo", "--city", "20", "--screenshot", str(shot), "--after", "8",
                         env=env, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(next(line for line in done.stdout.splitlines() if '"screenshot"' in line))
    assert report["playing"] >= 8, report
    image = QImage(str(shot))
    assert not image.isNull()
    seen = set()
    for y in range(0, image.height(), 6):
        for x in range(0, image.width(), 6):
            c = QColor(image.pixel(x, y))
            for number in range(1, 17):
                if colour_distance((c.red(), c.green(), c.blue()), camera_colour(number)) < 20:
                    seen.add(number)
    assert len(seen) >= 6, seen  # the cameras' own colours are on screen: video, not just frames


def test_depends_names_every_library_the_bundle_loads(installed: Path, package: dict[str, object]) -> None:
    """ldd of every binary of the unpacked bundle and of the VLC plugins the players use,
    mapped to packages with dpkg -S: each is named in Depends:, or brought by one that is."""
    control = subprocess.run(["dpkg-deb", "-f", str(package["deb"]), "Depends"], capture_output=True, text=True,
                             check=True).stdout
    depends = {p.strip().split(" ")[0] for p in control.split(",") if p.strip()}
    assert {"libvlc5", "vlc-plugin-base", "vlc-plugin-video-output", "fonts-noto-cjk", "libxcb-cursor0"} <= depends
    # What `videowall demo` needs: a fresh Debian 12 said "python3 has no GObject bindings" without python3-gi.
    recommends = subprocess.run(["dpkg-deb", "-f", str(package["deb"]), "Recommends"], capture_output=True, text=True,
                                check=True).stdout
    assert {"python3", "python3-gi", "gir1.2-gst-rtsp-server-1.0", "gstreamer1.0-x"} <= {
        p.strip() for p in recommends.split(",")}
    closure = subprocess.run(["apt-cache", "depends", "--recurse", "--installed", "--no-recommends", "--no-suggests",
                              "--no-conflicts", "--no-breaks", "--no-replaces", "--no-enhances", *sorted(depends)],
                             capture_output=True, text=True, check=True).stdout
    brought = depends | {line.strip() for line in closure.splitlines() if line and not line.startswith(" ")} | \
        set(re.findall(r"Depends: <?([a-z0-9.+-]+)", closure))
    bundle = installed / "opt" / "videowall"
    from console.video.vlc_modules import COMMON, RENDERER, plugin_dir

    plugins = plugin_dir()
    assert plugins is not None
    binaries = [p for p in bundle.rglob("*") if p.is_file() and not p.is_symlink() and p.read_bytes()[:4] == b"\x7fELF"]
    binaries += [plugins / m.file for m in (*COMMON, *(m for group in RENDERER.values() for m in group))]
    env = dict(os.environ, LD_LIBRARY_PATH=str(bundle / "_internal"))
    unowned, missing = set(), []
    for binary in binaries:
        out = subprocess.run(["ldd", str(binary)], capture_output=True, text=True, env=env, check=False).stdout
        for name, target in re.findall(r"\s*(\S+) => (\S+)", out):
            if target == "not":
                missing.append(f"{binary.name}: {name}")
            elif not Path(target).resolve().is_relative_to(bundle.resolve()):
                unowned.add(str(Path(target).resolve()))
    assert not missing, missing
    packages = {}
    for library in sorted(unowned):
        owner = subprocess.run(["dpkg", "-S", library], capture_output=True, text=True, check=False)
        if owner.returncode != 0:
            owner = subprocess.run(["dpkg", "-S", library.replace("/usr/lib/", "/lib/", 1)], capture_output=True,
                                   text=True, check=False)
        assert owner.returncode == 0, f"{library} belongs to no package"
        packages[library] = owner.stdout.split(":", 1)[0]
    assert len(packages) > 20  # not vacuous: the bundle and the plugins link many system libraries
    not_brought = {lib: pkg for lib, pkg in packages.items() if pkg not in brought}
    assert not not_brought, not_brought


def test_the_sims_plain_sources_have_every_module_they_import(installed: Path) -> None:
    """The simulated site's server runs under the system Python from the bundle's plain files:
    every `console.*` module it imports, at the top or inside a function, and theirs in turn,
    is shipped beside it."""
    import ast

    internal = installed / "opt" / "videowall" / "_internal"
    todo = [internal / "console" / "sim" / "rtsp_server.py"]
    seen: set[Path] = set()
    missing = []
    while todo:
        source = todo.pop()
        if source in seen:
            continue
        seen.add(source)
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            names = [node.module] if isinstance(node, ast.ImportFrom) and node.module else \
                [a.name for a in node.names] if isinstance(node, ast.Import) else []
            for name in (n for n in names if n.split(".")[0] == "console"):
                module = internal.joinpath(*name.split("."))
                found = [p for p in (module.with_suffix(".py"), module / "__init__.py") if p.exists()]
                if not found:
                    missing.append(f"{source.relative_to(internal)} imports {name}")
                todo += found
    assert len(seen) > 3, seen  # the server and the modules it reads: a walk that found nothing proves nothing
    assert not missing, missing
