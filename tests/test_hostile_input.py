"""No input stops the centre, and no message shows a secret.

What a careless spreadsheet, a tired operator or a hostile file produces: keyboard lines and
bus commands with absurd numbers, layouts and catalogs written in YAML 1.1's surprises,
aliases that expand without end, control characters, other encodings, passwords in URLs.
Each gets a clear `file:line` message or a correct answer, and the host answers after each.
"""

from __future__ import annotations

import string
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import zmq
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from console.matrix.catalog import MAX_NAME, Catalog, CatalogError, build, read_catalog, search_text
from console.matrix.host import HostClient, HostKeys, MatrixHost
from console.matrix.layouts import LayoutError, load_layout, parse_layout
from console.matrix.model import Camera
from console.sim.names import city_catalog
from console.sim.site import free_port
from console.video.urls import mask_url
from tests.conftest import videowall_cmd

LAYOUT = Path(__file__).resolve().parents[1] / "layouts" / "town-xinjia.yaml"
CAMERAS = {n: Camera(n, f"c{n}", f"camera {n}", main_stream=f"rtsp://127.0.0.1/{n}") for n in range(1, 50)}
HUGE = "99999999999999999999"


# -- the host ---------------------------------------------------------------------------------
class Host:
    def __init__(self, tmp_path: Path, lookup=CAMERAS.get, layout_text: str | None = None) -> None:  # type: ignore[no-untyped-def]
        self.keys = {name: zmq.curve_keypair() for name in ("host", "desk")}
        self.ctx = zmq.Context()
        layout = parse_layout(layout_text, "test.yaml") if layout_text else load_layout(LAYOUT)
        router = f"tcp://127.0.0.1:{free_port()}"
        self.host = MatrixHost(layout, lookup, HostKeys(*self.keys["host"], {self.keys["desk"][0]: "desk-1"}),
                               router=router, pub=f"tcp://127.0.0.1:{free_port()}", state_dir=tmp_path,
                               context=self.ctx).start()
        self.desk = HostClient(router, self.keys["host"][0], *self.keys["desk"], name="desk-1", context=self.ctx)

    def answers(self) -> bool:
        snapshot = self.desk.request("snapshot_request", {}, timeout=3).content
        return "routes" in snapshot and self.host.alive

    def close(self) -> None:
        self.desk.close()
        self.host.stop()
        self.ctx.term()


@pytest.fixture
def host(tmp_path: Path) -> Iterator[Host]:
    h = Host(tmp_path)
    yield h
    h.close()


@pytest.mark.parametrize("line", [
    f"1 MON {HUGE} CAM", f"{HUGE} MON", f"1 MON {'9' * 5000} CAM", f"{HUGE} SALVO", f"1 MON {HUGE} SEQ",
    "1 MON ① CAM", "1 MON ² CAM", "١ MON ٢ CAM", "1 MON 2\x00 CAM", "\x1b[2J 1 MON", "1 MON " + "CAM " * 2000,
    f"1Ma{HUGE}#a", f"{HUGE}Ma", "~~~", "",
])
def test_keyboard_lines_get_an_answer_and_the_host_goes_on(host: Host, line: str) -> None:
    answer = host.desk.keys(line)
    assert answer.startswith(("NA", "AK")), answer
    assert host.answers()
    assert host.desk.keys("1 MON 2 CAM") == "AK"


def test_numbers_out_of_range_are_refused_where_they_are_parsed(host: Host) -> None:
    assert "too large" in host.desk.keys(f"1 MON {HUGE} CAM")
    for command in ({"command": "RouteCamera", "monitor": 1, "camera": 2**63},
                    {"command": "RouteCamera", "monitor": -1, "camera": 2},
                    {"command": "SaveTour", "tour": "t", "cameras": [1], "dwells": [float("nan")]},
                    {"command": "SaveTour", "tour": "t", "cameras": [1], "dwells": [1e308 * 10]},
                    {"command": "SaveTour", "tour": "t", "cameras": [1], "dwells": [0.1]},
                    {"command": "StepTour", "monitor": 1, "step": 5},
                    {"command": "SaveSalvo", "salvo": "x" * 10_000}):
        answer = host.desk.request("command", command).content
        assert answer["ok"] is False and answer["answer"].startswith("NA "), (command, answer)
    assert host.answers()


def test_an_unforeseen_error_is_logged_answered_and_the_loop_goes_on(tmp_path: Path,
                                                                     caplog: pytest.LogCaptureFixture) -> None:
    """The last line of defence: a failure nobody bounded (here, a catalog whose lookup breaks)."""
    def lookup(number: int) -> Camera | None:
        if number == 13:
            raise RuntimeError("disk I/O error")  # what a SQLite file on a dying disk raises
        return CAMERAS.get(number)

    h = Host(tmp_path, lookup)
    try:
        assert h.desk.keys("1 MON 2 CAM") == "AK"
        assert h.desk.keys("1 MON 13 CAM") == "NA internal error (logged)"
        assert h.host.state.routes[1] == 2  # all or nothing: nothing
        assert h.answers() and h.desk.keys("2 MON 3 CAM") == "AK"
        assert h.host.rejected["internal"] == 1
        assert any("internal error" in r.getMessage() and r.exc_info for r in caplog.records)
    finally:
        h.close()


def test_a_tour_step_that_fails_is_skipped_and_the_tours_go_on(tmp_path: Path) -> None:
    import json
    import time

    failed = {"n": 0}

    def lookup(number: int) -> Camera | None:
        if number == 3 and time.monotonic() > started + 0.1:
            failed["n"] += 1  # the tour has started; its step to camera 3 meets the failure
            raise RuntimeError("disk I/O error")
        return CAMERAS.get(number)

    # Two tours with the same dwell step in the same tick: the failing step of one must not cost
    # the other its step.
    layout = """\
version: 1
min_dwell: 0.2
wall: {name: t, screens: [{name: A, grid: 4}]}
tours:
  - {name: "1", steps: [{camera: 2, dwell: 0.3}, {camera: 3, dwell: 0.3}, {camera: 4, dwell: 0.3}]}
  - {name: "2", steps: [{camera: 5, dwell: 0.3}, {camera: 6, dwell: 0.3}, {camera: 7, dwell: 0.3}]}
"""
    started = time.monotonic() + 3600
    h = Host(tmp_path, lookup, layout)
    events = HostClient(h.host.router_endpoint, h.keys["host"][0], *h.keys["desk"], name="desk-1", context=h.ctx,
                        pub=h.host.pub_endpoint, topics=("event",))
    try:
        time.sleep(0.3)  # the subscription reaches the host
        started = time.monotonic()
        assert h.desk.keys("1 MON 1 SEQ 2 MON 2 SEQ") == "AK"
        seen2: set[int] = set()
        deadline = time.monotonic() + 10
        while (h.host.state.routes.get(1) != 4 or not {5, 6, 7} <= seen2) and time.monotonic() < deadline:
            seen2.add(h.host.state.routes.get(2) or 0)
            time.sleep(0.02)
        assert h.host.state.routes.get(1) == 4  # the failing step was skipped, the tour went on
        assert {5, 6, 7} <= seen2, seen2  # and the other tour stepped every time, the failing tick too
        assert failed["n"] >= 1 and h.host.rejected["internal"] >= 1 and h.answers()
        # Said to every desk with the monitor and camera, and in the audit trail.
        notes = []
        while events.sub is not None and events.sub.poll(500):
            notes += [u.content for u in events.updates()]
        assert any(n.get("code") == "tour-step-failed" and n["args"] == {"camera": 3, "monitor": 1} for n in notes), notes
        audit = [json.loads(line) for line in (tmp_path / "audit.jsonl").read_text(encoding="utf-8").splitlines()]
        assert any(e["action"] == "TourStepSkipped" and e["detail"] == {"monitor": 1, "camera": 3} for e in audit)
    finally:
        events.close()
        h.close()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(
    st.text(max_size=60),
    st.lists(st.one_of(st.sampled_from(["MON", "CAM", "SEQ", "SALVO", "HOLD", "NEXT", "PREV", "CLEAR", "mon", "#a",
                                        "Ma", "~", "a"]),
                       st.integers(min_value=-5, max_value=10**25).map(str),
                       st.text(alphabet=string.digits + "①²٣", min_size=1, max_size=30)),
             max_size=12).map(" ".join),
))
def test_any_keyboard_line_leaves_a_host_that_answers(host: Host, line: str) -> None:
    answer = host.desk.keys(line)
    assert answer.startswith(("AK", "NA")) or set(answer) <= set("AKNa"), answer
    assert host.answers()


# -- layouts ----------------------------------------------------------------------------------
WALL = "version: 1\nwall: {name: t, screens: [{name: A, grid: 4}]}\n"


@pytest.mark.parametrize(("text", "line", "message"), [
    (WALL + f"salvos: [{{name: '1', routes: {{1: {HUGE}}}}}]\n", 3, "camera must be from 1 to 2,147,483,647"),
    (WALL + "tours: [{name: '1', steps: [{camera: 1, dwell: .nan}]}]\n", 3, "dwell must be a number of seconds"),
    (WALL + "tours: [{name: '1', steps: [{camera: 1, dwell: .inf}]}]\n", 3, "dwell must be a number of seconds"),
    (WALL + "tours: [{name: '1', steps: [{camera: 1, dwell: 1e9}]}]\n", 3, "dwell must be a number of seconds"),
    (WALL + "tours: [{name: '1', steps: [{camera: 1, dwell: 0.5}]}]\n", 3, "dwell must be from 1 to 86400"),
    (WALL + "salvos: [{name: '1', routes: {1: 2, 01: 3}}]\n", 3, "monitor must be a whole number in plain decimal"),
    (WALL + "salvos: [{name: '1', routes: {1: 2, +1: 3}}]\n", 3, "not '+1'"),
    (WALL + "salvos:\n  - name: '1'\n    routes:\n      1: 2\n      1: 3\n", 7, "appears twice (first on line 6)"),
    (WALL + "salvos: [{name: '1', routes: {1: 0x10}}]\n", 3, "not '0x10'"),
    (WALL + "salvos: [{name: '1', routes: {1: 1:30}}]\n", 3, "not '1:30'"),
    (WALL + "salvos: [{name: '01', routes: {1: 2}}]\n", 3, "without leading zeros"),
    (WALL + "salvos: [{name: '1', rutes: {1: 2}}]\n", 3, "unknown key 'rutes'; did you mean 'routes'?"),
    ("version: 1\nversion: 1\nwall: {name: t, screens: [{name: A, grid: 4}]}\n", 2, "'version' appears twice"),
    ("version: 1\nwall: {name: [a, b], screens: [{name: A, grid: 4}]}\n", 2, "wall name must be text, not a list"),
    ("version: 1\nwall: {name: \"bad\\e[31m\", screens: [{name: A, grid: 4}]}\n", 2, "control characters (U+001B)"),
])
def test_layout_surprises_are_named_with_their_line(text: str, line: int, message: str) -> None:
    with pytest.raises(LayoutError) as caught:
        parse_layout(text, "wall.yaml")
    assert any(p.startswith(f"wall.yaml:{line}: ") and message in p for p in caught.value.problems), caught.value.problems


def test_a_layout_name_written_on_stays_the_word_on() -> None:
    layout = parse_layout(WALL.replace("name: t", "name: on") + "salvos: [{name: yes, routes: {1: 2}}]\n")
    assert layout.wall.name == "on" and "yes" in layout.salvos


def test_aliases_cannot_blow_a_layout_up(tmp_path: Path) -> None:
    """9 million tour steps from a quarter megabyte held the host's start for half a minute.
    Here every key is one the format knows: only the alias budget can refuse the file."""
    steps = ", ".join(f"{{camera: {n}, dwell: 8}}" for n in range(1, 101))
    tours = [f"  - {{name: '1', steps: &s [{steps}]}}\n"] + [f"  - {{name: '{n}', steps: *s}}\n" for n in range(2, 1001)]
    text = WALL + "tours:\n" + "".join(tours)
    import time

    started = time.monotonic()
    with pytest.raises(LayoutError) as caught:
        parse_layout(text, "bomb.yaml")
    assert time.monotonic() - started < 10  # not the minutes an unbounded expansion takes
    assert [p for p in caught.value.problems if "aliases" in p] == caught.value.problems, caught.value.problems
    # The same tours written out in full, under the node limit, load: the budget counts, it does not forbid.
    few = WALL + "tours:\n" + "".join(tours[:5])
    assert len(parse_layout(few, "few.yaml").tours) == 5


# -- catalogs ---------------------------------------------------------------------------------
def catalog_file(tmp_path: Path, body: str, name: str = "cams.yaml") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def one_camera(**fields: str) -> str:
    entry = {"number": "7", "name": "东门 gate", "streams": '{main: "rtsp://127.0.0.1/7"}', **fields}
    return "version: 1\ncameras:\n  - " + "\n    ".join(f"{k}: {v}" for k, v in entry.items()) + "\n"


@pytest.mark.parametrize(("fields", "message"), [
    ({"number": "010"}, "not '010'"),
    ({"number": "0x10"}, "not '0x10'"),
    ({"number": "1:30"}, "not '1:30'"),
    ({"number": "yes"}, "not 'yes'"),
    ({"number": "+7"}, "not '+7'"),
    ({"number": str(2**63)}, "from 1 to 2,147,483,647"),
    ({"number": "[7]"}, "number must be a whole number"),
    ({"name": "[a, b]"}, "name must be text, not list"),
    ({"name": '"gate\\x1b[2J"'}, "control characters (U+001B)"),
    ({"name": '"gate\\0"'}, "control characters (U+0000)"),
    ({"name": "x" * (MAX_NAME + 1)}, f"at most {MAX_NAME} are allowed"),
    ({"credentail": "nvr"}, "unknown key 'credentail'; did you mean 'credential'?"),
    ({"streams": '{main: "rtsp://127.0.0.1/7?user=admin&password=Sup3r-s3cret"}'}, "carries a password (in its query)"),
    ({"streams": '{main: "rtsp://127.0.0.1:554/user=admin_password=Sup3r-s3cret_channel=1_stream=0.sdp"}'},
     "carries a password (in its path)"),
    ({"streams": '{main: "http://127.0.0.1/video.cgi?usr=admin&pwd=Sup3r-s3cret"}'}, "in its query"),
    ({"streams": '{main: "rtsp//admin:Sup3r-s3cret@127.0.0.1/7"}'}, "carries a password"),
    ({"ptz": "{protocol: pelco-x, line: 'socket://127.0.0.1:4001', address: 3}"}, "ptz protocol 'pelco-x'"),
    ({"ptz": "{protocol: pelco-d, line: 'socket://127.0.0.1:4001', address: 256}"}, "address"),
    ({"ptz": "{protocol: visca, line: 'socket://127.0.0.1:4001', address: 8}"}, "address"),
    ({"ptz": "{protocol: pelco-d, address: 3}"}, "line"),
    ({"ptz": "{protocol: onvif, credential: dome}"}, "url"),
    ({"ptz": "{protocol: onvif, url: 'http://admin:pw@127.0.0.1/onvif/device_service'}"}, "password"),
])
def test_catalog_surprises_are_refused_with_file_line_and_no_secret(tmp_path: Path, fields: dict[str, str],
                                                                    message: str) -> None:
    path = catalog_file(tmp_path, one_camera(**fields))
    with pytest.raises(CatalogError) as caught:
        read_catalog(path)
    text = str(caught.value)
    assert message in text, text
    assert all(p.startswith(f"{path}:") and not p.startswith(f"{path}:0:") for p in caught.value.problems)
    assert "Sup3r-s3cret" not in text


def test_duplicate_keys_in_a_camera_name_both_lines(tmp_path: Path) -> None:
    path = catalog_file(tmp_path, "cameras:\n  - number: 7\n    name: a\n    name: b\n    streams: {main: 'rtsp://h/7'}\n")
    with pytest.raises(CatalogError, match=rf"{path}:4: a camera: 'name' appears twice \(first on line 3\)"):
        read_catalog(path)


def test_a_billion_laughs_catalog_is_refused_at_once(tmp_path: Path) -> None:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 9)]
    path = catalog_file(tmp_path, "".join(lines) + "cameras:\n  - {number: 1, name: *a8, streams: {main: 'rtsp://h/1'}}\n")
    assert path.stat().st_size < 1000
    import time

    started = time.monotonic()
    with pytest.raises(CatalogError) as caught:
        read_catalog(path)
    assert time.monotonic() - started < 10
    assert "aliases" in str(caught.value)


def test_an_alias_that_makes_a_huge_name_is_refused(tmp_path: Path) -> None:
    path = catalog_file(tmp_path, "cameras:\n  - {number: 1, name: &n " + "x" * 300 + ", streams: {main: 'rtsp://h/1'}}\n"
                        "  - {number: 2, name: *n, streams: {main: 'rtsp://h/2'}}\n")
    with pytest.raises(CatalogError, match="at most 200 are allowed"):
        read_catalog(path)


def test_csv_with_a_huge_field_and_huge_numbers(tmp_path: Path) -> None:
    path = tmp_path / "cams.csv"
    path.write_text("number,name,main\n1,ok,rtsp://h/1\n2," + "x" * 200_000 + f",rtsp://h/2\n{2**64},big,rtsp://h/3\n",
                    encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        read_catalog(path)
    text = str(caught.value)
    assert f"{path}:3: " in text and f"{path}:4: " in text and "from 1 to 2,147,483,647" in text


def test_encodings_are_read_or_explained(tmp_path: Path) -> None:
    rows = "number,name,place,main\n1,东门,嘉兴市 / 南湖区,rtsp://h/1\n"
    utf16 = tmp_path / "utf16.csv"
    utf16.write_bytes(rows.encode("utf-16"))  # with its BOM, as Excel's "Unicode text" saves
    assert [c.name for c in read_catalog(utf16)] == ["东门"]
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes(rows.encode("gb18030"))
    with pytest.raises(CatalogError) as caught:
        read_catalog(gbk)
    assert f"{gbk}:2: byte 0xb6 at column 3" in str(caught.value)
    assert "GBK/GB18030" in str(caught.value) and "--encoding gb18030" in str(caught.value)
    assert [c.name for c in read_catalog(gbk, encoding="gb18030")] == ["东门"]


def test_layouts_and_configs_read_utf16_and_name_gbk_with_its_line(tmp_path: Path) -> None:
    from console.matrix.config import ConfigError, read_host_config
    from console.recorder.config import read_recorder_config

    layout = "version: 2\nwall:\n  name: 东门 wall\n  screens: [{name: A1, grid: 4}]\n"
    utf16 = tmp_path / "utf16.yaml"
    utf16.write_bytes(layout.encode("utf-16"))
    assert load_layout(utf16).wall.name == "东门 wall"
    files = {"layout": (load_layout, LayoutError, layout),
             "host": (read_host_config, ConfigError, "layout: wall.yaml\n# 东门\ncatalog: c.sqlite\n"),
             "recorder": (read_recorder_config, ConfigError, "store: rec\n# 东门\ncatalog: c.sqlite\n")}
    for name, (read, error, text) in files.items():
        gbk = tmp_path / f"{name}-gbk.yaml"
        gbk.write_bytes(text.encode("gb18030"))
        with pytest.raises(error) as caught:
            read(gbk)
        line = 1 + text[:next(i for i, ch in enumerate(text) if ord(ch) > 127)].count("\n")
        message = str(caught.value)
        assert f"{gbk}:{line}: byte 0x" in message and "GBK/GB18030" in message and "save it as UTF-8" in message, message
        assert "--encoding" not in message  # only an import takes another encoding


def test_import_keeps_the_database_mode(tmp_path: Path) -> None:
    source = catalog_file(tmp_path, one_camera())
    db = tmp_path / "catalog.sqlite"
    build(read_catalog(source), db)
    db.chmod(0o644)
    build(read_catalog(source), db)
    assert db.stat().st_mode & 0o777 == 0o644


@st.composite
def catalog_texts(draw: st.DrawFn) -> tuple[str, str]:
    """A catalog a spreadsheet or a hand could produce: good rows, with some parts mangled."""
    suffix = draw(st.sampled_from([".yaml", ".csv"]))
    pieces = st.one_of(st.sampled_from(["7", "010", "0x1f", "1:30", "yes", "~", "", "-1", str(2**70), "东门", "a:b",
                                        "'q'", "[1, 2]", "{a: 1}", "&x 5", "*x", "\t", "\x1b", "rtsp://h/1",
                                        "rtsp://u:p@h/1", "http://h/?pwd=1", '"', ",", "\n"]),
                       st.text(max_size=8))
    rows = draw(st.lists(st.tuples(pieces, pieces, pieces), min_size=0, max_size=6))
    if suffix == ".csv":
        header = draw(st.sampled_from(["number,name,main", "number,name", "name,main", "number,name,main,extra"]))
        return suffix, header + "\n" + "".join(f"{a},{b},{c}\n" for a, b, c in rows)
    body = "".join(f"  - number: {a}\n    name: {b}\n    streams: {{main: {c}}}\n" for a, b, c in rows)
    return suffix, draw(st.sampled_from(["version: 1\ncameras:\n", "cameras:\n", "", "cameras: 5\n"])) + body


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(catalog_texts())
def test_any_catalog_imports_or_is_refused_line_by_line(tmp_path: Path, case: tuple[str, str]) -> None:
    suffix, text = case
    source = tmp_path / f"random{suffix}"
    source.write_text(text, encoding="utf-8")
    db = tmp_path / "catalog.sqlite"
    if not db.exists():
        build(read_catalog(catalog_file(tmp_path, one_camera(), "seed.yaml")), db)
    before = db.read_bytes()
    try:
        cameras = read_catalog(source)
    except CatalogError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.startswith(f"{source}:"), problem
            line = problem[len(str(source)) + 1:].split(":", 1)[0]
            assert line.isdigit() and int(line) >= 1, problem
            assert "\x1b" not in problem and "p@h" not in problem
        assert db.read_bytes() == before
        return
    build(cameras, db)
    assert len(Catalog(db)) == len(cameras)


def test_cli_refusals_are_one_clean_message(tmp_path: Path) -> None:
    source = catalog_file(tmp_path, one_camera(number="0x10"))
    done = subprocess.run(videowall_cmd("catalog", "import", str(source), "--db", str(tmp_path / "c.sqlite")),
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 1 and f"{source}:3: camera 0x10: number must be" in done.stderr
    assert "Traceback" not in done.stderr


# -- search -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Catalog, list[Camera]]]:
    from console.matrix.catalog import camera_from_entry

    cameras = [camera_from_entry(e) for e in city_catalog(3000)]
    cameras.append(Camera(90001, "odd-1", "东门", ("嘉兴市",), "rtsp://h/1"))  # name ends, place begins: 东 | 嘉
    db = tmp_path_factory.mktemp("city") / "catalog.sqlite"
    build(cameras, db)
    catalog = Catalog(db)
    yield catalog, cameras
    catalog.close()


def _matches(camera: Camera, query: str) -> bool:
    needle = query.strip().lower()
    return any(needle in field.lower() for field in search_text(camera))


@pytest.mark.parametrize("query", ["①", "²", "٣", "9" * 19, "9" * 20, "9" * 10_000, "a\x00b", "\x00", "东 嘉兴", "门嘉",
                                   "球机 嘉", "北京", "\U0001f600", "\ud800", "%", "_", "'", '"', "\\", "*", "  "])
def test_search_answers_every_string_without_spanning_fields(city: tuple[Catalog, list[Camera]], query: str) -> None:
    catalog, cameras = city
    found = catalog.search(query, 50)
    assert all(_matches(c, query) for c in found)
    assert catalog.count(query) == sum(1 for c in cameras if query.strip() and _matches(c, query))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=12) | st.sampled_from(["嘉", "嘉兴", "东门", "Jiaxing", "#2", "1", "12", "1042", "/", " / "]))
def test_search_finds_exactly_what_contains_the_query(city: tuple[Catalog, list[Camera]], query: str) -> None:
    catalog, cameras = city
    expected = sorted(c.number for c in cameras if query.strip() and _matches(c, query))
    found = catalog.search_numbers(query, None)
    assert sorted(found) == expected
    if query.strip().isascii() and query.strip().isdigit() and int(query.strip()) in expected:
        assert found[0] == int(query.strip())  # the exact number first, as an operator expects


def test_cli_search_says_how_many_and_escapes_the_terminal(tmp_path: Path) -> None:
    db = tmp_path / "c.sqlite"
    build([Camera(n, f"c{n}", f"gate {n}", ("嘉兴市",), "rtsp://h/1") for n in range(1, 30)], db)
    done = subprocess.run(videowall_cmd("catalog", "search", "gate", "--db", str(db)), capture_output=True, text=True,
                          timeout=60, check=True)
    assert done.stdout.splitlines()[-1] == "showing 20 of 29 cameras; --limit N shows more, a longer text fewer"
    more = subprocess.run(videowall_cmd("catalog", "search", "gate", "--db", str(db), "--limit", "40"),
                          capture_output=True, text=True, timeout=60, check=True)
    assert len(more.stdout.splitlines()) == 29
    # A catalog made before control characters were refused: printed escaped, never raw.
    import sqlite3

    con = sqlite3.connect(db)
    con.execute("UPDATE cameras SET name = ? WHERE number = 1", ("evil\x1b[2J",))
    con.commit()
    con.close()
    shown = subprocess.run(videowall_cmd("catalog", "search", "1", "--db", str(db)), capture_output=True, text=True,
                           timeout=60, check=True)
    assert "\x1b" not in shown.stdout and "evil\\x1b[2J" in shown.stdout


# -- secrets in messages ----------------------------------------------------------------------
def test_no_message_or_log_shows_a_url_password() -> None:
    for text in ("rtsp://admin:Sup3r-s3cret@10.0.0.5/x", "rtsp:/admin:Sup3r-s3cret@10.0.0.5/x",
                 "open admin:Sup3r-s3cret@10.0.0.5 failed", "rtsp://h/live?user=admin&password=Sup3r-s3cret&ch=1",
                 "rtsp://h/user=admin_password=Sup3r-s3cret_channel=1", "http://h/v.cgi?usr=a&pwd=Sup3r-s3cret",
                 "rtsp://h/x?PSD=Sup3r-s3cret", "http://h/cgi?authbasic=YWRtaW46U3VwM3ItczNjcmV0"):
        masked = mask_url(text)
        assert "Sup3r-s3cret" not in masked and "YWRtaW46" not in masked, masked
    assert mask_url("rtsp://h/cam/realmonitor?channel=1&subtype=0") == "rtsp://h/cam/realmonitor?channel=1&subtype=0"


def test_host_config_typos_are_named(tmp_path: Path) -> None:
    from console.matrix.config import ConfigError, read_host_config

    path = tmp_path / "host.yaml"
    path.write_text("layout: a.yaml\ncatalog: c.sqlite\nauthorised: {desk: x}\nrouter: tcp://127.0.0.1:7700\n"
                    "router: tcp://127.0.0.1:7800\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        read_host_config(path)
    text = str(caught.value)
    assert f"{path}:3: the configuration: unknown key 'authorised'; did you mean 'authorized'?" in text
    assert f"{path}:5: the configuration: 'router' appears twice (first on line 4)" in text
