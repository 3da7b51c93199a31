"""The simulated site names what it needs from GStreamer, and says which package is missing."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from console.sim.pipeline import ELEMENTS, MODULES, TYPELIBS, DomePicture, camera_launch, elements_in, keeper_launch
from console.sim.site import SimError, SimSite, free_port, gst_python
from tests.conftest import ROOT, videowall_cmd

PLUGIN_DIR = Path("/usr/lib/x86_64-linux-gnu/gstreamer-1.0")


def _launch(**overrides: object) -> str:
    args: dict[str, object] = {"number": 7, "name": "东门 gate", "colour": (10, 20, 30), "width": 320, "height": 240,
                               "fps": 15, "gop": 1.0, "strip": 40, "strip_png": "/tmp/strip.png"}
    args.update(overrides)
    return camera_launch(**args)  # type: ignore[arg-type]


def test_element_list_covers_every_pipeline_the_sim_builds() -> None:
    dome = DomePicture("/tmp/scene.png", (1280, 960), "/tmp/position.png")
    named = (elements_in(_launch()) + elements_in(keeper_launch("rtsp://127.0.0.1:1/cam/1", "u", "p"))
             + elements_in(_launch(dome=dome)))
    # Not vacuous: the parser finds the pipeline's elements, quoted text and caps aside.
    assert {"videotestsrc", "textoverlay", "clockoverlay", "x264enc", "rtph264pay", "rtspsrc", "fakesink"} <= set(named)
    assert {"multifilesrc", "pngdec", "imagefreeze", "videocrop", "videoscale"} <= set(named), "a dome's picture"
    assert "video" not in named and "gate" not in named
    assert set(named) <= set(ELEMENTS), f"add to console/sim/pipeline.py ELEMENTS: {set(named) - set(ELEMENTS)}"


def _registry(env: dict[str, str] | None = None) -> dict[str, str | None]:
    """Each listed element's plugin file in the system GStreamer's registry (None: not there)."""
    script = (
        "import json, gi; gi.require_version('Gst', '1.0'); from gi.repository import Gst; Gst.init(None); "
        f"names = {sorted(ELEMENTS)!r}; out = {{}}\n"
        "for n in names:\n"
        "    f = Gst.ElementFactory.find(n)\n"
        "    out[n] = f.get_plugin().get_filename() if f is not None and f.get_plugin() is not None else None\n"
        "print(json.dumps(out))"
    )
    done = subprocess.run([gst_python(), "-c", script], capture_output=True, text=True, timeout=60, check=True, env=env)
    return json.loads(done.stdout)


def test_every_element_is_in_the_registry_from_the_package_we_name() -> None:
    found = _registry()
    missing = [name for name, plugin in found.items() if plugin is None]
    assert not missing, f"GStreamer elements missing on this machine: {missing}"
    for name, plugin in found.items():
        real = Path(str(plugin)).resolve()  # /lib is /usr/lib on a merged-/usr system; dpkg knows one
        owner = subprocess.run(["dpkg", "-S", str(real)], capture_output=True, text=True, check=False).stdout
        package = owner.split(":")[0]
        assert package == ELEMENTS[name], f"{name} comes from {package} ({plugin}), the list says {ELEMENTS[name]}"


def test_run_installs_every_package_the_sim_needs() -> None:
    run = (ROOT / "run").read_text(encoding="utf-8")
    listed = re.search(r"DEBIAN_PACKAGES=\((.*?)\n\)", run, re.S)
    assert listed is not None
    packages = {word for line in listed.group(1).splitlines() for word in line.split("#")[0].split()}
    needed = set(ELEMENTS.values()) | set(TYPELIBS.values()) | set(MODULES.values())
    assert needed <= packages, f"./run does not install {sorted(needed - packages)}"


@pytest.fixture
def no_pango(tmp_path: Path) -> dict[str, str]:
    """An environment whose GStreamer registry lacks the pango plugin (gstreamer1.0-x)."""
    import os

    plugins = tmp_path / "plugins"
    plugins.mkdir()
    hidden = 0
    for plugin in PLUGIN_DIR.glob("*.so"):
        if plugin.name == "libgstpango.so":
            hidden += 1
            continue
        (plugins / plugin.name).symlink_to(plugin)
    assert hidden == 1, "the pango plugin is not where this test expects it"
    env = dict(os.environ, GST_PLUGIN_SYSTEM_PATH_1_0=str(plugins), GST_REGISTRY_1_0=str(tmp_path / "registry.bin"))
    assert _registry(env)["textoverlay"] is None  # the test's premise holds
    return env


def test_a_missing_element_names_itself_and_its_package(no_pango: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    for key in ("GST_PLUGIN_SYSTEM_PATH_1_0", "GST_REGISTRY_1_0"):
        monkeypatch.setenv(key, no_pango[key])
    port = free_port()
    with pytest.raises(SimError) as caught:
        SimSite(1, port=port, control_port=free_port({port})).start()
    message = str(caught.value)
    assert "textoverlay" in message and "clockoverlay" in message and "gstreamer1.0-x" in message
    assert "Unhandled" not in message


def test_sim_command_says_what_to_install(no_pango: dict[str, str]) -> None:
    port = free_port()
    done = subprocess.run(videowall_cmd("sim", "--cameras", "1", "--port", str(port),
                                        "--control-port", str(free_port({port}))),
                          capture_output=True, text=True, timeout=60, env=no_pango, check=False)
    assert done.returncode == 1
    assert "textoverlay" in done.stderr and "apt-get install gstreamer1.0-x" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_pipeline_that_fails_to_start_reports_gstreamers_reason(tmp_path: Path) -> None:
    """What the sim says of a camera whose stream fails: the element and its reason."""
    script = (
        f"import sys; sys.argv = ['x']; sys.path.insert(0, {str(ROOT)!r})\n"
        "import console.sim.rtsp_server as server\n"
        "server.Gst.init(None)\n"
        "print(server.pipeline_error(sys.stdin.read(), 5))\n"
    )
    broken = _launch(strip_png=str(tmp_path / "missing.png"), payloader="fakesink sync=false")
    done = subprocess.run([gst_python(), "-c", script], input=broken, capture_output=True, text=True, timeout=60,
                          check=True)
    assert re.search(r"gdkpixbufoverlay\d*: Could not load overlay image.*missing\.png", done.stdout), done.stdout
    fine = _launch(strip_png=str(tmp_path / "missing.png"), payloader="fakesink sync=false").replace(
        f"! gdkpixbufoverlay location=\"{tmp_path / 'missing.png'}\" offset-x=0 offset-y=200 ", "")
    assert "gdkpixbufoverlay" not in fine
    ok = subprocess.run([gst_python(), "-c", script], input=fine, capture_output=True, text=True, timeout=60, check=True)
    assert ok.stdout.strip() == "None"  # the same line without the broken element starts
