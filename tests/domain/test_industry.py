"""GB/T 4754-2017 industry codes, DOMAIN.md §2."""

from __future__ import annotations

import pytest

from lendtag.domain.errors import IndustryCodeError
from lendtag.domain.industry import (
    CLASSES,
    DIVISIONS,
    GROUPS,
    SECTIONS,
    IndustryCode,
    division_name,
    industry_name,
    parse_industry_code,
    section_name,
)

# DOMAIN.md §2 section table: letter -> (zh name, first division, last division).
SECTION_TABLE = {
    "A": ("农、林、牧、渔业", 1, 5),
    "B": ("采矿业", 6, 12),
    "C": ("制造业", 13, 43),
    "D": ("电力、热力、燃气及水生产和供应业", 44, 46),
    "E": ("建筑业", 47, 50),
    "F": ("批发和零售业", 51, 52),
    "G": ("交通运输、仓储和邮政业", 53, 60),
    "H": ("住宿和餐饮业", 61, 62),
    "I": ("信息传输、软件和信息技术服务业", 63, 65),
    "J": ("金融业", 66, 69),
    "K": ("房地产业", 70, 70),
    "L": ("租赁和商务服务业", 71, 72),
    "M": ("科学研究和技术服务业", 73, 75),
    "N": ("水利、环境和公共设施管理业", 76, 79),
    "O": ("居民服务、修理和其他服务业", 80, 82),
    "P": ("教育", 83, 83),
    "Q": ("卫生和社会工作", 84, 85),
    "R": ("文化、体育和娱乐业", 86, 90),
    "S": ("公共管理、社会保障和社会组织", 91, 96),
    "T": ("国际组织", 97, 97),
}


def test_twenty_sections_as_in_domain() -> None:
    assert len(SECTIONS) == 20
    for letter, (zh, lo, hi) in SECTION_TABLE.items():
        section = SECTIONS[letter]
        assert section.name_zh == zh
        assert section.divisions == tuple(f"{d:02d}" for d in range(lo, hi + 1))
        assert section.name_en


def test_ninety_seven_divisions_partition_the_sections() -> None:
    assert len(DIVISIONS) == 97
    assert list(DIVISIONS) == [f"{d:02d}" for d in range(1, 98)]
    for code, division in DIVISIONS.items():
        lo, hi = SECTION_TABLE[division.section][1:]
        assert lo <= int(code) <= hi
        assert division.name_zh and division.name_en


@pytest.mark.parametrize(
    ("text", "code", "section", "division", "group", "klass"),
    [
        ("C3011", "C3011", "C", "30", "301", "3011"),
        ("3011", "C3011", "C", "30", "301", "3011"),
        ("c3011", "C3011", "C", "30", "301", "3011"),
        (" C 3011 ", "C3011", "C", "30", "301", "3011"),
        ("C301", "C301", "C", "30", "301", None),
        ("301", "C301", "C", "30", "301", None),
        ("C30", "C30", "C", "30", None, None),
        ("30", "C30", "C", "30", None, None),
        ("A0111", "A0111", "A", "01", "011", "0111"),
        ("0111", "A0111", "A", "01", "011", "0111"),
        ("K7010", "K7010", "K", "70", "701", "7010"),
        ("T97", "T97", "T", "97", None, None),
    ],
)
def test_parse_forms(
    text: str, code: str, section: str, division: str, group: str | None, klass: str | None
) -> None:
    parsed = parse_industry_code(text)
    assert parsed == IndustryCode(code, section, division, group, klass)
    assert str(parsed) == code
    assert parsed.digits == code[1:]


def test_levels() -> None:
    assert parse_industry_code("C3011").level == "class"
    assert parse_industry_code("C301").level == "group"
    assert parse_industry_code("C30").level == "division"


@pytest.mark.parametrize(
    ("text", "error_code", "fragment"),
    [
        ("C", "industry.section_only", "needs at least the 2-digit division, e.g. C13"),
        ("k", "industry.section_only", "only a section (房地产业)"),
        ("U", "industry.section", "unknown section letter 'U'"),
        ("U30", "industry.section", "sections are A–T"),
        ("F30", "industry.section_mismatch", "division 30 belongs to section C, not F"),
        ("A3011", "industry.section_mismatch", "belongs to section C, not A"),
        ("00", "industry.division", "division 00 does not exist"),
        ("98", "industry.division", "division 98 does not exist"),
        ("C3", "industry.format", "expected a section letter plus 2–4 digits, e.g. C3011"),
        ("C30111", "industry.format", "2–4 digits"),
        ("", "industry.format", "2–4 digits"),
        ("C30-11", "industry.format", "2–4 digits"),
        ("CC30", "industry.format", "2–4 digits"),
    ],
)
def test_parse_errors(text: str, error_code: str, fragment: str) -> None:
    with pytest.raises(IndustryCodeError) as info:
        parse_industry_code(text)
    assert info.value.code == error_code
    assert fragment in info.value.message


def test_names() -> None:
    assert section_name("C") == "制造业"
    assert section_name("c", "en") == "Manufacturing"
    assert division_name("30") == "非金属矿物制品业"
    assert division_name("C3011", "en") == "Manufacture of Non-metallic Mineral Products"
    assert division_name("59") == "装卸搬运和仓储业"
    with pytest.raises(IndustryCodeError):
        section_name("Z")
    with pytest.raises(IndustryCodeError):
        division_name("99")


# --- groups and classes ------------------------------------------------------------------


def test_group_and_class_counts() -> None:
    # Official: 473 groups, 1382 classes after Amendment No. 1; the public lists we could
    # obtain and cross-check hold 1381 classes (see docs/domain.md).
    assert len(GROUPS) == 473
    assert len(CLASSES) == 1381


def test_hierarchy_is_consistent() -> None:
    for group in GROUPS:
        assert len(group) == 3 and group[:2] in DIVISIONS
    for klass in CLASSES:
        assert len(klass) == 4 and klass[:3] in GROUPS
    # Every group has at least one class and every division at least one group.
    assert {c[:3] for c in CLASSES} == set(GROUPS)
    assert {g[:2] for g in GROUPS} == set(DIVISIONS)


def test_every_listed_code_parses() -> None:
    for code in [*DIVISIONS, *GROUPS, *CLASSES]:
        parsed = parse_industry_code(code)
        assert parsed.code == DIVISIONS[code[:2]].section + code
        assert industry_name(parsed)


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("0111", "稻谷种植"),
        ("C3011", "水泥制造"),
        ("C3110", "炼铁"),
        ("C2522", "煤制合成气生产"),
        ("C3969", "其他智能消费设备制造"),
        ("F5267", "机动车充电销售"),
        ("G591", "装卸搬运"),
        ("K7040", "房地产租赁经营"),
        ("L7123", "文化用品设备出租"),
        ("R905", "文化体育娱乐活动与经纪代理服务"),
        ("I6513", "应用软件开发"),
        ("T9700", "国际组织"),
        ("C30", "非金属矿物制品业"),
    ],
)
def test_names_of_known_codes(code: str, name: str) -> None:
    assert industry_name(code) == name


@pytest.mark.parametrize(
    ("text", "error_code", "fragment"),
    [
        ("C3019", "industry.class", "class 3019 does not exist"),
        ("C3019", "industry.class", "group 301 (水泥、石灰和石膏制造) has classes 3011, 3012"),
        ("C318", "industry.group", "group 318 does not exist"),
        ("C3180", "industry.group", "division 31 (黑色金属冶炼和压延加工业) has groups 311"),
        ("6510", "industry.class", "class 6510 does not exist"),  # 2011 code, split in 2017
        ("0110", "industry.class", "group 011"),
    ],
)
def test_group_and_class_errors(text: str, error_code: str, fragment: str) -> None:
    with pytest.raises(IndustryCodeError) as info:
        parse_industry_code(text)
    assert info.value.code == error_code
    assert fragment in info.value.message
