"""A whole monitoring centre in one process: the matrix host, one wall agent per screen and the
console (the one-PC town centre, and `videowall demo`).

The parts still talk over CurveZMQ on loopback exactly as they do across machines; the keys
are made for this run and never stored, so nothing needs the keyring.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import zmq
from PySide6.QtCore import QPoint, QRect, QSettings
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtWidgets import QWidget

from console.matrix.catalog import Catalog
from console.matrix.host import HostClient, HostKeys, MatrixHost
from console.matrix.layouts import Layout
from console.sim.site import free_port
from console.ui.agent import WallAgent
from console.ui.console import ConsoleWindow, HostLink
from console.video.player import VideoEngine

log = logging.getLogger("videowall.centre")


@dataclass
class LocalCentre:
    host: MatrixHost
    console: ConsoleWindow
    agents: list[WallAgent]
    engine: VideoEngine
    catalog: Catalog
    endpoints: tuple[str, str]
    server_key: bytes
    keys: dict[str, tuple[bytes, bytes]] = field(default_factory=dict)

    def client(self, name: str, pub: bool = False) -> HostClient:
        """Another desk on this centre's host (tests, a second console)."""
        if name not in self.keys:
            raise KeyError(f"no key pair for {name!r} in this centre")
        return HostClient(self.endpoints[0], self.server_key, *self.keys[name], name=name,
                          pub=self.endpoints[1] if pub else None, context=self.host.ctx)

    def windows(self) -> list[QWidget]:
        return [self.console, *self.agents]

    def screenshot(self, path: str) -> None:
        """The console and the wall windows as a person sees them, video included."""
        screen = QGuiApplication.primaryScreen()
        if QGuiApplication.platformName() == "xcb" and screen is not None:
            # A real X server has every window's pixels, native video too: grab what is shown.
            area = QRect()
            for window in self.windows():
                area = area.united(window.frameGeometry())
            image = screen.grabWindow(0, area.x(), area.y(), area.width(), area.height()).toImage()
        else:
            area = QRect()
            for window in self.windows():
                area = area.united(window.geometry())
            image = QImage(area.size(), QImage.Format.Format_RGB32)
            image.fill(0x0B0E12)
            painter = QPainter(image)
            for window in self.windows():
                painter.drawPixmap(window.geometry().topLeft() - area.topLeft(), window.grab())
            painter.end()
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        if not image.save(path):
            raise OSError(f"cannot write {path}")

    def close(self) -> None:
        self.console.close()
        self.console.link.close()
        for agent in self.agents:
            agent.shutdown()
            agent.client.close()
            agent.close()
        self.engine.close()
        self.host.stop()
        self.catalog.close()


def start_local_centre(layout: Layout, catalog_path: Path, state_dir: Path, *, role: str = "operator",
                       renderer: str = "callbacks", settings: QSettings | None = None,
                       arrange: str = "screens", extra_desks: tuple[str, ...] = (),
                       enrol_dir: Path | None = None, recorder: bool = False) -> LocalCentre:
    """Host, agents and console.  `arrange`: "screens" puts each wall screen full screen on a
    local display after the first (windowed if there are too few); "demo" tiles small wall
    windows beside the console so one picture shows everything.  `enrol_dir`: also let in the
    desks whose public keys are dropped there (the demo's, for terminals on this machine).
    `recorder`: a key pair "recorder" the host lets in, for a recorder process of the centre."""
    catalog = Catalog(catalog_path)
    ctx: zmq.Context[Any] = zmq.Context.instance()
    names = ["host", "desk", *extra_desks, *(f"agent-{s.name}" for s in layout.wall.screens),
             *(["recorder"] if recorder else [])]
    keys: dict[str, tuple[bytes, bytes]] = {name: zmq.curve_keypair() for name in names}
    router, pub = f"tcp://127.0.0.1:{free_port()}", f"tcp://127.0.0.1:{free_port()}"
    authorized = {keys[n][0]: n for n in names if n != "host"}
    # The host checks roles too: a desk's key is what it trusts, not what the desk says it is.
    roles = {"desk": role, **dict.fromkeys(extra_desks, role)}
    host = MatrixHost(layout, catalog.get, HostKeys(*keys["host"], authorized, roles, enrol_dir), router=router, pub=pub,
                      state_dir=state_dir, context=ctx).start()
    engine = VideoEngine()
    server = keys["host"][0]
    agents = []
    for screen in layout.wall.screens:
        name = f"agent-{screen.name}"
        client = HostClient(router, server, *keys[name], name=name, pub=pub, context=ctx)
        agents.append(WallAgent(client, screen.name, engine, renderer))
    desk = HostClient(router, server, *keys["desk"], name="desk", pub=pub, context=ctx)
    # Evidence beside the host's state: the centre's own store, whoever sits at the desk.
    console = ConsoleWindow(HostLink(desk), catalog, engine, role=role, renderer=renderer, settings=settings,
                            evidence_dir=state_dir / "evidence")
    centre = LocalCentre(host, console, agents, engine, catalog, (router, pub), server, keys)
    _place(centre, layout, arrange)
    return centre


def _place(centre: LocalCentre, layout: Layout, arrange: str) -> None:
    screens = QGuiApplication.screens()
    console = centre.console
    if arrange == "demo":
        # The console on the left, the wall's screens in their rows and columns on the right.
        console.setGeometry(QRect(0, 0, 1240, 1000))
        columns = max((s.position[1] for s in layout.wall.screens), default=0) + 1
        width = 660 // columns
        height = width * 9 // 16 + 30
        for agent, screen in zip(centre.agents, layout.wall.screens, strict=True):
            row, column = screen.position
            agent.setGeometry(QRect(QPoint(1250 + column * (width + 4), 30 + row * (height + 34)),
                                    QPoint(1250 + column * (width + 4) + width, 30 + row * (height + 34) + height)))
            agent.show()
        console.show()
        return
    console.show()
    walls = screens[1:]
    for index, agent in enumerate(centre.agents):
        if index < len(walls):
            agent.setGeometry(walls[index].geometry())
            agent.showFullScreen()
        else:
            agent.resize(960, 540)
            agent.show()
    if len(walls) < len(centre.agents):
        log.info("%d wall screens, %d local displays: the rest are windows", len(centre.agents), len(walls))


def demo_catalog_rows(sim_cameras: list[Any], city_size: int, stream_base: str) -> list[Any]:
    """The live simulated cameras, then a synthetic city numbered from 1001 whose streams are
    the simulated ones in turn (so `3 MON 1042 CAM` works in the demo)."""
    from console.matrix.catalog import camera_from_entry
    from console.sim.names import city_catalog

    rows = [camera_from_entry(c.to_catalog(None)) for c in sim_cameras]
    for entry in city_catalog(city_size, stream_base=stream_base, sim_cameras=len(sim_cameras)):
        entry["number"] += 1000
        entry["id"] = f"city-{entry['number']:06d}"
        rows.append(camera_from_entry(entry))
    return rows
