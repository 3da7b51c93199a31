"""The host's refusals and notes reach a Chinese desk in Chinese, with the host's values in them."""

from __future__ import annotations

from pathlib import Path

import zmq
from PySide6.QtCore import QCoreApplication

from console.matrix.host import HostClient, HostKeys, MatrixHost
from console.matrix.layouts import load_layout
from console.matrix.model import Camera
from console.sim.site import free_port
from console.ui.host_reasons import HostReasons, answer_text, note_texts
from console.ui.i18n import install_translator

ROOT = Path(__file__).resolve().parents[1]
CAMERAS = {n: Camera(n, f"c{n}", f"camera {n}", main_stream=f"rtsp://127.0.0.1/{n}") for n in range(1, 30)}


def _codes_raised() -> set[str]:
    """Every reason code the matrix package gives: the second argument of each ModelError,
    KeyboardError and host note it makes (both branches of a conditional)."""
    import ast

    codes: set[str] = set()
    for path in (ROOT / "console" / "matrix").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Dict):  # a reason written out: {"code": "ptz-held", "args": ...}
                for key, value in zip(node.keys, node.values, strict=True):
                    if isinstance(key, ast.Constant) and key.value == "code" and isinstance(value, ast.Constant):
                        codes.add(str(value.value))
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and any(
                    isinstance(target, ast.Name) and target.id == "code" for target in node.targets):
                codes.add(str(node.value.value))  # code = "ptz-locked"
            if not isinstance(node, ast.Call) or len(node.args) < 2:
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if name not in ("ModelError", "KeyboardError", "_note"):
                continue
            code = node.args[1]
            for value in (code.body, code.orelse) if isinstance(code, ast.IfExp) else (code,):
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    codes.add(value.value)
    return codes


def test_every_code_the_matrix_raises_has_a_translation(qapp) -> None:  # type: ignore[no-untyped-def]
    raised = _codes_raised() - {"screen-twice", "bad-first-monitor", "blocks-overlap"}  # a layout's, with file:line
    assert {"unknown-camera", "no-camera-after", "no-camera-before", "tour-stopped-grid", "ptz-locked"} <= raised
    missing = raised - set(HostReasons().templates())
    assert not missing, missing


def test_a_chinese_desk_reads_the_host_in_chinese(qapp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    keys = {name: zmq.curve_keypair() for name in ("host", "desk")}
    ctx = zmq.Context()
    router = f"tcp://127.0.0.1:{free_port()}"
    host = MatrixHost(load_layout(ROOT / "layouts" / "town-xinjia.yaml"), CAMERAS.get,
                      HostKeys(*keys["host"], {keys["desk"][0]: "desk-1"}, {"desk-1": "operator"}), router=router,
                      pub=f"tcp://127.0.0.1:{free_port()}", state_dir=tmp_path, context=ctx).start()
    desk = HostClient(router, keys["host"][0], *keys["desk"], name="desk-1", context=ctx)
    translator = None
    try:
        replies = [desk.request("command", {"keys": line}).content for line in
                   ("1 MON 99999 CAM", "1 MON 99999999999 CAM", "CAM 3", "7 SALVO", "3 MON 9 SEQ")]
        english = [answer_text(r) for r in replies]
        assert english[0] == "NA unknown camera 99999"  # an English desk shows the host's own words
        translator = install_translator(qapp, "zh_CN")
        assert translator is not None
        chinese = [answer_text(r) for r in replies]
        assert chinese[0] == "NA 没有摄像机 99999"
        assert "太大" in chinese[1] and "99999999999" in chinese[1]
        assert "需要先选监视器" in chinese[2] and "没有预案 7" in chinese[3] and "没有轮巡 9" in chinese[4]
        saved = desk.request("command", {"command": "SaveSalvo", "salvo": "9"}).content
        assert answer_text(saved) == "NA desk-1 是操作员：SaveSalvo 需要值班长权限"
        assert desk.keys("18 MON 1 SEQ") == "AK"
        grid = desk.request("command", {"command": "SetGrid", "screen": "B2", "grid": "4"}).content
        assert grid["ok"] and note_texts(grid) == []
        desk.keys("21 MON 1 SEQ")
        shrink = desk.request("command", {"command": "SetGrid", "screen": "B2", "grid": "1"}).content
        assert note_texts(shrink) == ["监视器 21 上的轮巡 1 已停止：分割改为 1"]
    finally:
        if translator is not None:
            QCoreApplication.removeTranslator(translator)
        desk.close()
        host.stop()
        ctx.term()
