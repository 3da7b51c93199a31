"""The camera catalog: import with file:line errors, atomic rebuild, Chinese and English search."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from console.matrix.catalog import Catalog, CatalogError, build, read_catalog
from tests.conftest import videowall_cmd

GOOD_YAML = """\
version: 1
cameras:
  - number: 1042
    name: 南湖路口 Nanhu Rd crossing
    place: [嘉兴市 Jiaxing, 南湖区 Nanhu, 新嘉街道 Xinjia, 南湖路 Nanhu Rd]
    streams: {main: "rtsp://127.0.0.1:8554/cam/1", sub: "rtsp://127.0.0.1:8554/cam/1s"}
    credential: nvr-south
  - number: 7
    name: 实验小学大门 Experimental school gate
    place: [嘉兴市 Jiaxing, 秀洲区 Xiuzhou, 王店镇 Wangdian, 学校 school]
    streams: {main: "rtsp://127.0.0.1:8554/cam/2"}
"""


@pytest.fixture
def db(tmp_path: Path) -> Path:
    source = tmp_path / "cams.yaml"
    source.write_text(GOOD_YAML, encoding="utf-8")
    target = tmp_path / "catalog.sqlite"
    assert build(read_catalog(source), target) == 2
    return target


def test_search_number_name_place(db: Path) -> None:
    catalog = Catalog(db)
    try:
        assert [c.number for c in catalog.search("1042")] == [1042]
        assert [c.number for c in catalog.search("学校")] == [7]  # two characters: table scan
        assert [c.number for c in catalog.search("实验小学")] == [7]  # four: trigram index
        assert [c.number for c in catalog.search("nanhu rd")] == [1042]  # case-insensitive
        assert [c.number for c in catalog.search("王店")] == [7]  # a place
        assert catalog.search("火星") == []
        cam = catalog.get(1042)
        assert cam is not None and cam.credential == "nvr-south" and cam.sub_stream.endswith("1s")
        assert cam.place[1] == "南湖区 Nanhu"
    finally:
        catalog.close()


def test_bad_rows_are_all_reported_with_lines(tmp_path: Path) -> None:
    source = tmp_path / "bad.yaml"
    source.write_text(GOOD_YAML + """\
  - number: 7
    name: duplicate
    streams: {main: "rtsp://h/x"}
  - number: -3
    name: ""
    streams: {main: "not a url"}
  - number: 9
    name: leaky
    streams: {main: "rtsp://admin:12345@10.1.1.1/s"}
""", encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        read_catalog(source)
    text = str(caught.value)
    assert f"{source}:12: camera 7: number already used on line 8" in text
    assert f"{source}:15: camera -3: number must be a whole number from 1 to" in text
    assert f"{source}:16: camera -3: name is missing" in text
    assert f"{source}:17: camera -3: main stream 'not a url' is not a URL" in text
    assert f"{source}:20: camera 9: main stream 'rtsp://admin:***@10.1.1.1/s' carries a password" in text
    assert "12345" not in text


def test_csv_import_and_errors(tmp_path: Path) -> None:
    good = tmp_path / "cams.csv"
    good.write_text("number,name,place,main\n5,东门 East gate,嘉兴市 / 南湖区,rtsp://h/5\n", encoding="utf-8")
    assert [c.place for c in read_catalog(good)] == [("嘉兴市", "南湖区")]
    bad = tmp_path / "bad.csv"
    bad.write_text("number,name,main\n5,a,rtsp://h/5\nx,b,rtsp://h/6\n", encoding="utf-8")
    with pytest.raises(CatalogError, match=rf"{bad}:3: camera x: number must be"):
        read_catalog(bad)


def test_failed_import_changes_nothing_on_disk(db: Path, tmp_path: Path) -> None:
    before = db.read_bytes()
    bad = tmp_path / "bad.csv"
    bad.write_text("number,name,main\nx,b,rtsp://h/6\n", encoding="utf-8")
    result = subprocess.run(videowall_cmd("catalog", "import", str(bad), "--db", str(db)),
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 1 and f"{bad}:2:" in result.stderr
    assert db.read_bytes() == before
    assert sorted(p.name for p in db.parent.iterdir() if p.name.startswith(".")) == []


def test_cli_search_json(db: Path) -> None:
    result = subprocess.run(videowall_cmd("catalog", "search", "学校", "--db", str(db), "--json"),
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert [c["number"] for c in json.loads(result.stdout)] == [7]


def test_synthetic_city_catalog(tmp_path: Path) -> None:
    target = tmp_path / "city.csv"
    result = subprocess.run(videowall_cmd("sim", "--catalog-only", "--cameras", "2000", "--catalog", str(target)),
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    cameras = read_catalog(target)
    assert len(cameras) == 2000
    counties = {c.place[1] for c in cameras}
    towns = {c.place[2] for c in cameras}
    assert len(counties) == 7 and len(towns) == 74
    assert all(c.place[0] == "嘉兴市 Jiaxing" for c in cameras)
