"""GB/T 4754-2017 国民经济行业分类 — the national industry classification.

Hierarchy (DOMAIN.md §2, CONFIRMED): 门类 section (one letter A–T) → 大类 division
(2 digits) → 中类 group (3 digits, division + 1) → 小类 class (4 digits, group + 1).
Digit codes are unique across sections, so "3011" alone identifies a class; systems
often store "C3011", which is the canonical form here.

Section and division names (zh and NBS-style en; English is not normative) are data
in this module. Division ranges per section are MEMORY in DOMAIN.md but consistent
with the 97-division total.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from lendtag.domain.data.gbt4754_2017 import CLASSES as _CLASS_NAMES
from lendtag.domain.data.gbt4754_2017 import GROUPS as _GROUP_NAMES
from lendtag.domain.errors import IndustryCodeError

__all__ = [
    "CLASSES",
    "DIVISIONS",
    "GROUPS",
    "SECTIONS",
    "Division",
    "IndustryCode",
    "Section",
    "division_name",
    "industry_name",
    "parse_industry_code",
    "section_name",
]

Lang = Literal["zh", "en"]


@dataclass(frozen=True, slots=True)
class Section:
    """A 门类: letter, names and its (inclusive) division range."""

    letter: str
    name_zh: str
    name_en: str
    first_division: str
    last_division: str

    @property
    def divisions(self) -> tuple[str, ...]:
        return tuple(
            f"{d:02d}" for d in range(int(self.first_division), int(self.last_division) + 1)
        )


@dataclass(frozen=True, slots=True)
class Division:
    """A 大类: two-digit code, its section letter and names."""

    code: str
    section: str
    name_zh: str
    name_en: str


_SECTION_ROWS = (
    ("A", "农、林、牧、渔业", "Agriculture, Forestry, Animal Husbandry and Fishery", 1, 5),
    ("B", "采矿业", "Mining", 6, 12),
    ("C", "制造业", "Manufacturing", 13, 43),
    (
        "D",
        "电力、热力、燃气及水生产和供应业",
        "Production and Supply of Electricity, Heat, Gas and Water",
        44,
        46,
    ),
    ("E", "建筑业", "Construction", 47, 50),
    ("F", "批发和零售业", "Wholesale and Retail Trade", 51, 52),
    ("G", "交通运输、仓储和邮政业", "Transport, Storage and Post", 53, 60),
    ("H", "住宿和餐饮业", "Accommodation and Catering", 61, 62),
    (
        "I",
        "信息传输、软件和信息技术服务业",
        "Information Transmission, Software and Information Technology Services",
        63,
        65,
    ),
    ("J", "金融业", "Finance", 66, 69),
    ("K", "房地产业", "Real Estate", 70, 70),
    ("L", "租赁和商务服务业", "Leasing and Business Services", 71, 72),
    ("M", "科学研究和技术服务业", "Scientific Research and Technical Services", 73, 75),
    (
        "N",
        "水利、环境和公共设施管理业",
        "Water Conservancy, Environment and Public Facilities Management",
        76,
        79,
    ),
    ("O", "居民服务、修理和其他服务业", "Resident Services, Repair and Other Services", 80, 82),
    ("P", "教育", "Education", 83, 83),
    ("Q", "卫生和社会工作", "Health and Social Work", 84, 85),
    ("R", "文化、体育和娱乐业", "Culture, Sports and Entertainment", 86, 90),
    (
        "S",
        "公共管理、社会保障和社会组织",
        "Public Management, Social Security and Social Organizations",
        91,
        96,
    ),
    ("T", "国际组织", "International Organizations", 97, 97),
)

SECTIONS: Mapping[str, Section] = MappingProxyType(
    {
        letter: Section(letter, zh, en, f"{lo:02d}", f"{hi:02d}")
        for letter, zh, en, lo, hi in _SECTION_ROWS
    }
)
"""The 20 sections, letter → :class:`Section`."""

_DIVISION_ROWS = (
    ("01", "农业", "Agriculture"),
    ("02", "林业", "Forestry"),
    ("03", "畜牧业", "Animal Husbandry"),
    ("04", "渔业", "Fishery"),
    (
        "05",
        "农、林、牧、渔专业及辅助性活动",
        "Professional and Support Activities for Agriculture, Forestry, Animal Husbandry "
        "and Fishery",
    ),
    ("06", "煤炭开采和洗选业", "Mining and Washing of Coal"),
    ("07", "石油和天然气开采业", "Extraction of Petroleum and Natural Gas"),
    ("08", "黑色金属矿采选业", "Mining and Processing of Ferrous Metal Ores"),
    ("09", "有色金属矿采选业", "Mining and Processing of Non-ferrous Metal Ores"),
    ("10", "非金属矿采选业", "Mining and Processing of Non-metallic Minerals"),
    ("11", "开采专业及辅助性活动", "Professional and Support Activities for Mining"),
    ("12", "其他采矿业", "Other Mining"),
    ("13", "农副食品加工业", "Processing of Food from Agricultural Products"),
    ("14", "食品制造业", "Manufacture of Foods"),
    ("15", "酒、饮料和精制茶制造业", "Manufacture of Liquor, Beverages and Refined Tea"),
    ("16", "烟草制品业", "Manufacture of Tobacco"),
    ("17", "纺织业", "Manufacture of Textiles"),
    ("18", "纺织服装、服饰业", "Manufacture of Textile Wearing Apparel and Clothing"),
    (
        "19",
        "皮革、毛皮、羽毛及其制品和制鞋业",
        "Manufacture of Leather, Fur, Feather and Related Products and Footwear",
    ),
    (
        "20",
        "木材加工和木、竹、藤、棕、草制品业",
        "Processing of Timber, Manufacture of Wood, Bamboo, Rattan, Palm and Straw Products",
    ),
    ("21", "家具制造业", "Manufacture of Furniture"),
    ("22", "造纸和纸制品业", "Manufacture of Paper and Paper Products"),
    ("23", "印刷和记录媒介复制业", "Printing and Reproduction of Recording Media"),
    (
        "24",
        "文教、工美、体育和娱乐用品制造业",
        "Manufacture of Articles for Culture, Education, Arts and Crafts, Sport and "
        "Entertainment Activities",
    ),
    ("25", "石油、煤炭及其他燃料加工业", "Processing of Petroleum, Coal and Other Fuels"),
    (
        "26",
        "化学原料和化学制品制造业",
        "Manufacture of Raw Chemical Materials and Chemical Products",
    ),
    ("27", "医药制造业", "Manufacture of Medicines"),
    ("28", "化学纤维制造业", "Manufacture of Chemical Fibers"),
    ("29", "橡胶和塑料制品业", "Manufacture of Rubber and Plastics Products"),
    ("30", "非金属矿物制品业", "Manufacture of Non-metallic Mineral Products"),
    ("31", "黑色金属冶炼和压延加工业", "Smelting and Pressing of Ferrous Metals"),
    ("32", "有色金属冶炼和压延加工业", "Smelting and Pressing of Non-ferrous Metals"),
    ("33", "金属制品业", "Manufacture of Metal Products"),
    ("34", "通用设备制造业", "Manufacture of General Purpose Machinery"),
    ("35", "专用设备制造业", "Manufacture of Special Purpose Machinery"),
    ("36", "汽车制造业", "Manufacture of Automobiles"),
    (
        "37",
        "铁路、船舶、航空航天和其他运输设备制造业",
        "Manufacture of Railway, Ship, Aerospace and Other Transport Equipment",
    ),
    ("38", "电气机械和器材制造业", "Manufacture of Electrical Machinery and Apparatus"),
    (
        "39",
        "计算机、通信和其他电子设备制造业",
        "Manufacture of Computers, Communication and Other Electronic Equipment",
    ),
    ("40", "仪器仪表制造业", "Manufacture of Measuring Instruments and Meters"),
    ("41", "其他制造业", "Other Manufacturing"),
    ("42", "废弃资源综合利用业", "Utilization of Waste Resources"),
    (
        "43",
        "金属制品、机械和设备修理业",
        "Repair Services of Metal Products, Machinery and Equipment",
    ),
    ("44", "电力、热力生产和供应业", "Production and Supply of Electric Power and Heat Power"),
    ("45", "燃气生产和供应业", "Production and Supply of Gas"),
    ("46", "水的生产和供应业", "Production and Supply of Water"),
    ("47", "房屋建筑业", "Construction of Buildings"),
    ("48", "土木工程建筑业", "Civil Engineering"),
    ("49", "建筑安装业", "Construction Installation Activities"),
    (
        "50",
        "建筑装饰、装修和其他建筑业",
        "Building Decoration, Renovation and Other Construction Activities",
    ),
    ("51", "批发业", "Wholesale Trade"),
    ("52", "零售业", "Retail Trade"),
    ("53", "铁路运输业", "Rail Transport"),
    ("54", "道路运输业", "Road Transport"),
    ("55", "水上运输业", "Water Transport"),
    ("56", "航空运输业", "Air Transport"),
    ("57", "管道运输业", "Pipeline Transport"),
    ("58", "多式联运和运输代理业", "Multimodal Transport and Transport Agency"),
    ("59", "装卸搬运和仓储业", "Loading, Unloading and Storage"),
    ("60", "邮政业", "Postal Services"),
    ("61", "住宿业", "Accommodation"),
    ("62", "餐饮业", "Catering Services"),
    (
        "63",
        "电信、广播电视和卫星传输服务",
        "Telecommunications, Broadcasting and Satellite Transmission Services",
    ),
    ("64", "互联网和相关服务", "Internet and Related Services"),
    ("65", "软件和信息技术服务业", "Software and Information Technology Services"),
    ("66", "货币金融服务", "Monetary Financial Services"),
    ("67", "资本市场服务", "Capital Market Services"),
    ("68", "保险业", "Insurance"),
    ("69", "其他金融业", "Other Financial Activities"),
    ("70", "房地产业", "Real Estate"),
    ("71", "租赁业", "Leasing"),
    ("72", "商务服务业", "Business Services"),
    ("73", "研究和试验发展", "Research and Experimental Development"),
    ("74", "专业技术服务业", "Professional Technical Services"),
    ("75", "科技推广和应用服务业", "Technology Promotion and Application Services"),
    ("76", "水利管理业", "Water Conservancy Management"),
    ("77", "生态保护和环境治理业", "Ecological Protection and Environmental Governance"),
    ("78", "公共设施管理业", "Public Facilities Management"),
    ("79", "土地管理业", "Land Management"),
    ("80", "居民服务业", "Resident Services"),
    (
        "81",
        "机动车、电子产品和日用产品修理业",
        "Repair of Motor Vehicles, Electronic Products and Daily Necessities",
    ),
    ("82", "其他服务业", "Other Services"),
    ("83", "教育", "Education"),
    ("84", "卫生", "Health"),
    ("85", "社会工作", "Social Work"),
    ("86", "新闻和出版业", "News and Publishing"),
    (
        "87",
        "广播、电视、电影和录音制作业",
        "Radio, Television, Film and Sound Recording Production",
    ),
    ("88", "文化艺术业", "Culture and Arts"),
    ("89", "体育", "Sports"),
    ("90", "娱乐业", "Entertainment"),
    ("91", "中国共产党机关", "Organs of the Communist Party of China"),
    ("92", "国家机构", "State Organs"),
    ("93", "人民政协、民主党派", "CPPCC and Democratic Parties"),
    ("94", "社会保障", "Social Security"),
    (
        "95",
        "群众团体、社会团体和其他成员组织",
        "Mass Organizations, Social Organizations and Other Membership Organizations",
    ),
    (
        "96",
        "基层群众自治组织及其他组织",
        "Grassroots Self-governing Organizations and Other Organizations",
    ),
    ("97", "国际组织", "International Organizations"),
)

_SECTION_OF_DIVISION = {d: s.letter for s in SECTIONS.values() for d in s.divisions}

DIVISIONS: Mapping[str, Division] = MappingProxyType(
    {code: Division(code, _SECTION_OF_DIVISION[code], zh, en) for code, zh, en in _DIVISION_ROWS}
)
"""The 97 divisions, '01'..'97' → :class:`Division`."""


GROUPS: Mapping[str, str] = MappingProxyType(_GROUP_NAMES)
"""The 473 groups (中类), '011'..'970' → zh name."""

CLASSES: Mapping[str, str] = MappingProxyType(_CLASS_NAMES)
"""The classes (小类), '0111'..'9700' → zh name (1381 of the official 1382; see docs)."""

_GROUPS_OF: dict[str, list[str]] = {}
for _g in GROUPS:
    _GROUPS_OF.setdefault(_g[:2], []).append(_g)
_CLASSES_OF: dict[str, list[str]] = {}
for _c in CLASSES:
    _CLASSES_OF.setdefault(_c[:3], []).append(_c)


@dataclass(frozen=True, slots=True)
class IndustryCode:
    """A parsed GB/T 4754-2017 code at division, group or class level.

    ``code`` is canonical: section letter plus the digits, e.g. ``"C3011"``.
    """

    code: str
    section: str
    division: str
    group: str | None
    klass: str | None

    @property
    def digits(self) -> str:
        """The digit part of the code ("3011")."""
        return self.code[1:]

    @property
    def level(self) -> Literal["division", "group", "class"]:
        if self.klass is not None:
            return "class"
        return "group" if self.group is not None else "division"

    def __str__(self) -> str:
        return self.code


_FORMAT = re.compile(r"([A-Z]?)([0-9]{2,4})")
_FORMAT_HINT = "expected a section letter plus 2–4 digits, e.g. C3011 (or just 3011)"


_SECTION_RANGE = f"{min(SECTIONS)}–{max(SECTIONS)}"


@functools.lru_cache(maxsize=8192)
def _parse(text: str) -> IndustryCode:
    cleaned = "".join(text.split()).upper()
    match = _FORMAT.fullmatch(cleaned)
    if match is None:
        if len(cleaned) == 1 and cleaned.isalpha():
            if cleaned in SECTIONS:
                raise IndustryCodeError(
                    "industry.section_only",
                    f"{cleaned!r} is only a section ({SECTIONS[cleaned].name_zh}); an "
                    "enterprise's industry code needs at least the 2-digit division, "
                    f"e.g. {cleaned}{SECTIONS[cleaned].first_division}",
                )
            raise IndustryCodeError(
                "industry.section",
                f"unknown section letter {cleaned!r}; GB/T 4754-2017 sections are {_SECTION_RANGE}",
            )
        raise IndustryCodeError(
            "industry.format",
            f"industry code {text!r} is not in the right form: {_FORMAT_HINT}",
        )
    letter, digits = match.groups()
    if letter and letter not in SECTIONS:
        raise IndustryCodeError(
            "industry.section",
            f"unknown section letter {letter!r} in {cleaned!r}; GB/T 4754-2017 sections "
            f"are {_SECTION_RANGE}",
        )
    division = DIVISIONS.get(digits[:2])
    if division is None:
        raise IndustryCodeError(
            "industry.division",
            f"division {digits[:2]} does not exist in GB/T 4754-2017 (divisions run 01–97)",
        )
    if letter and letter != division.section:
        raise IndustryCodeError(
            "industry.section_mismatch",
            f"division {division.code} belongs to section {division.section}, not {letter}",
        )
    group = digits[:3] if len(digits) >= 3 else None
    klass = digits if len(digits) == 4 else None
    if group is not None and group not in GROUPS:
        raise IndustryCodeError(
            "industry.group",
            f"group {group} does not exist in GB/T 4754-2017; division {division.code} "
            f"({division.name_zh}) has groups {', '.join(_GROUPS_OF[division.code])}",
        )
    if klass is not None and klass not in CLASSES:
        assert group is not None
        raise IndustryCodeError(
            "industry.class",
            f"class {klass} does not exist in GB/T 4754-2017; group {group} "
            f"({GROUPS[group]}) has classes {', '.join(_CLASSES_OF[group])}",
        )
    return IndustryCode(division.section + digits, division.section, division.code, group, klass)


def parse_industry_code(text: str) -> IndustryCode:
    """Parse "C3011", "3011", "C301", "301", "C30" or "30" into an :class:`IndustryCode`.

    A bare section letter is rejected: it is not an enterprise's industry code.
    Raises :class:`IndustryCodeError` with a precise reason.
    """
    return _parse(text)


def section_name(letter: str, lang: Lang = "zh") -> str:
    """Name of a section, e.g. ``section_name("C") == "制造业"``."""
    section = SECTIONS.get(letter.strip().upper())
    if section is None:
        raise IndustryCodeError(
            "industry.section",
            f"unknown section letter {letter!r}; GB/T 4754-2017 sections are {_SECTION_RANGE}",
        )
    return section.name_zh if lang == "zh" else section.name_en


def industry_name(code: str | IndustryCode) -> str:
    """The zh name of the most specific level of a code ("C3011" → "水泥制造")."""
    parsed = code if isinstance(code, IndustryCode) else _parse(code)
    if parsed.klass is not None:
        return CLASSES[parsed.klass]
    if parsed.group is not None:
        return GROUPS[parsed.group]
    return DIVISIONS[parsed.division].name_zh


def division_name(code: str, lang: Lang = "zh") -> str:
    """Name of the division of any industry code ("30", "C30" or "C3011")."""
    division = DIVISIONS[_parse(code).division]
    return division.name_zh if lang == "zh" else division.name_en
