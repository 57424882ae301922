"""GB/T 2260 administrative division codes."""

from __future__ import annotations

import pytest

from lendtag.domain.errors import RegionCodeError
from lendtag.domain.region import PREFECTURES, PROVINCES, RegionCode, parse_region_code

MAINLAND = [11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37]
MAINLAND += [41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65]


def test_thirty_four_provinces() -> None:
    assert len(MAINLAND) == 31
    assert sorted(PROVINCES) == sorted([f"{p}" for p in MAINLAND] + ["71", "81", "82"])
    assert PROVINCES["33"].name_zh == "浙江省"
    assert PROVINCES["81"].name_en == "Hong Kong"
    assert PROVINCES["82"].name_zh == "澳门特别行政区"
    assert all(p.code == code and p.name_zh and p.name_en for code, p in PROVINCES.items())


@pytest.mark.parametrize(
    ("text", "prefecture", "level"),
    [
        ("330106", "330100", "county"),
        ("330100", "330100", "prefecture"),
        ("330000", "330000", "province"),
        (" 110105 ", "110100", "county"),
        ("820000", "820000", "province"),
    ],
)
def test_parse(text: str, prefecture: str, level: str) -> None:
    region = parse_region_code(text)
    code = text.strip()
    assert region == RegionCode(
        code,
        code[:2],
        PROVINCES[code[:2]].name_zh,
        PROVINCES[code[:2]].name_en,
        prefecture,
        PREFECTURES.get(prefecture),
    )
    assert region.level == level


def test_full_width_digits() -> None:
    assert parse_region_code("３３０１０６").code == "330106"


@pytest.mark.parametrize(
    ("text", "code", "fragment"),
    [
        ("33010", "region.format", "6 digits"),
        ("3301066", "region.format", "7 characters"),
        ("33O106", "region.format", "'33O106'"),
        ("", "region.format", "6 digits"),
        ("990106", "region.province", "starts with 99"),
        ("100000", "region.province", "not a province code"),
        ("33０1０X", "region.format", "'33010X'"),
    ],
)
def test_errors(text: str, code: str, fragment: str) -> None:
    with pytest.raises(RegionCodeError) as info:
        parse_region_code(text)
    assert info.value.code == code
    assert fragment in info.value.message


def test_prefectures() -> None:
    assert len(PREFECTURES) == 333  # 地级行政区 in use
    assert PREFECTURES["330100"] == "杭州市"
    assert PREFECTURES["440300"] == "深圳市"
    assert PREFECTURES["652300"] == "昌吉回族自治州"
    for code, name in PREFECTURES.items():
        assert len(code) == 6 and code.endswith("00") and not code.endswith("0000")
        assert code[:2] in PROVINCES
        assert name.endswith(("市", "州", "地区", "盟"))
    assert parse_region_code("330106").prefecture_zh == "杭州市"
    assert parse_region_code("110105").prefecture_zh is None  # Beijing's 市辖区
