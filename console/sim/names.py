"""Realistic names and places for simulated cameras (Jiaxing's three tiers, see the seed)."""

from __future__ import annotations

from typing import TypeVar

CITY = "嘉兴市 Jiaxing"
COUNTIES = [
    "南湖区 Nanhu", "秀洲区 Xiuzhou", "嘉善县 Jiashan", "平湖市 Pinghu",
    "海盐县 Haiyan", "海宁市 Haining", "桐乡市 Tongxiang",
]
TOWNS = [
    "新嘉街道 Xinjia", "建设街道 Jianshe", "解放街道 Jiefang", "南湖街道 Nanhu",
    "新兴街道 Xinxing", "城南街道 Chengnan", "东栅街道 Dongzha", "七星街道 Qixing",
    "王店镇 Wangdian", "洪合镇 Honghe", "新塍镇 Xincheng", "油车港镇 Youchegang",
]
SITES = [
    ("路口", "crossing"), ("学校大门", "school gate"), ("农贸市场", "market"),
    ("火车站广场", "station square"), ("汽车站", "bus station"), ("银行网点", "bank branch"),
    ("码头", "dock"), ("商场入口", "mall entrance"), ("公园", "park"), ("停车场", "car park"),
    ("小区大门", "compound gate"), ("医院门诊", "hospital entrance"), ("加油站", "petrol station"),
    ("广场", "square"), ("宾馆大堂", "hotel lobby"), ("派出所门口", "police station gate"),
]
STREETS = [
    ("中山路", "Zhongshan Rd"), ("南湖路", "Nanhu Rd"), ("禾兴路", "Hexing Rd"),
    ("勤俭路", "Qinjian Rd"), ("紫阳街", "Ziyang St"), ("建国路", "Jianguo Rd"),
    ("环城路", "Huancheng Rd"), ("庆丰路", "Qingfeng Rd"), ("秀洲路", "Xiuzhou Rd"),
]


T = TypeVar("T")


def _pick(items: list[T], number: int, salt: int) -> T:
    return items[(number * 2654435761 + salt * 40503) % len(items)]


def camera_name(number: int) -> str:
    street_zh, street_en = _pick(STREETS, number, 1)
    site_zh, site_en = _pick(SITES, number, 2)
    return f"{street_zh}{site_zh} {street_en} {site_en}"


def camera_place(number: int) -> list[str]:
    county = _pick(COUNTIES, number, 3)
    town = _pick(TOWNS, number, 4)
    street_zh, street_en = _pick(STREETS, number, 1)
    return [CITY, county, town, f"{street_zh} {street_en}"]


# -- a whole synthetic city, for scale tests: 1 city, 7 counties, 74 towns ----------------
_FIRST = {"新": "Xin", "东": "Dong", "西": "Xi", "南": "Nan", "北": "Bei", "大": "Da", "王": "Wang", "凤": "Feng",
          "洪": "Hong", "油": "You", "石": "Shi", "金": "Jin", "余": "Yu", "许": "Xu", "钟": "Zhong", "沈": "Shen"}
_SECOND = {"塘": "tang", "桥": "qiao", "港": "gang", "浜": "bang", "山": "shan", "溪": "xi", "湾": "wan",
           "埭": "dai", "店": "dian", "庄": "zhuang"}
_KIND = [("镇", "Town"), ("街道", "Sub-district")]


def city_towns(count: int = 74) -> list[tuple[str, str]]:
    """(county, town) pairs: `count` towns spread over the seven counties."""
    towns = []
    firsts, seconds = list(_FIRST.items()), list(_SECOND.items())
    for i in range(count):
        f_zh, f_en = firsts[i % len(firsts)]
        s_zh, s_en = seconds[(i // len(firsts) + i) % len(seconds)]
        k_zh, k_en = _KIND[i % 5 == 0]
        towns.append((COUNTIES[i % len(COUNTIES)], f"{f_zh}{s_zh}{k_zh} {f_en}{s_en} {k_en}"))
    return towns


def city_catalog(cameras: int, *, stream_base: str = "rtsp://127.0.0.1:8554/cam/", sim_cameras: int = 16) -> list[dict]:  # type: ignore[type-arg]
    """A realistic synthetic catalog; streams point at the simulated site's cameras in turn."""
    towns = city_towns()
    entries = []
    for number in range(1, cameras + 1):
        county, town = towns[number % len(towns)]
        street_zh, street_en = _pick(STREETS, number, 1)
        site_zh, site_en = _pick(SITES, number // 3, 2)
        entries.append({
            "number": number,
            "id": f"jx-{number:06d}",
            "name": f"{street_zh}{site_zh}{number % 7 + 1}号 {street_en} {site_en} #{number % 7 + 1}",
            "place": [CITY, county, town, f"{street_zh}{site_zh} {street_en} {site_en}"],
            "streams": {"main": f"{stream_base}{(number - 1) % sim_cameras + 1}"},
        })
    return entries
