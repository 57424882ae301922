"""GB/T 2260 administrative division codes (行政区划代码).

A code has six digits: province (2), prefecture (2), county (2). The 34
provincial-level divisions are data here: 31 on the mainland plus 71 Taiwan,
81 Hong Kong and 82 Macau.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from lendtag.domain.data.gbt2260_prefectures import PREFECTURES as _PREFECTURES
from lendtag.domain.errors import RegionCodeError

__all__ = ["PREFECTURES", "PROVINCES", "Province", "RegionCode", "parse_region_code"]


@dataclass(frozen=True, slots=True)
class Province:
    """A provincial-level division: two-digit code and names."""

    code: str
    name_zh: str
    name_en: str


PROVINCES: Mapping[str, Province] = MappingProxyType(
    {
        code: Province(code, zh, en)
        for code, zh, en in (
            ("11", "北京市", "Beijing"),
            ("12", "天津市", "Tianjin"),
            ("13", "河北省", "Hebei"),
            ("14", "山西省", "Shanxi"),
            ("15", "内蒙古自治区", "Inner Mongolia"),
            ("21", "辽宁省", "Liaoning"),
            ("22", "吉林省", "Jilin"),
            ("23", "黑龙江省", "Heilongjiang"),
            ("31", "上海市", "Shanghai"),
            ("32", "江苏省", "Jiangsu"),
            ("33", "浙江省", "Zhejiang"),
            ("34", "安徽省", "Anhui"),
            ("35", "福建省", "Fujian"),
            ("36", "江西省", "Jiangxi"),
            ("37", "山东省", "Shandong"),
            ("41", "河南省", "Henan"),
            ("42", "湖北省", "Hubei"),
            ("43", "湖南省", "Hunan"),
            ("44", "广东省", "Guangdong"),
            ("45", "广西壮族自治区", "Guangxi"),
            ("46", "海南省", "Hainan"),
            ("50", "重庆市", "Chongqing"),
            ("51", "四川省", "Sichuan"),
            ("52", "贵州省", "Guizhou"),
            ("53", "云南省", "Yunnan"),
            ("54", "西藏自治区", "Tibet"),
            ("61", "陕西省", "Shaanxi"),
            ("62", "甘肃省", "Gansu"),
            ("63", "青海省", "Qinghai"),
            ("64", "宁夏回族自治区", "Ningxia"),
            ("65", "新疆维吾尔自治区", "Xinjiang"),
            ("71", "台湾省", "Taiwan"),
            ("81", "香港特别行政区", "Hong Kong"),
            ("82", "澳门特别行政区", "Macau"),
        )
    }
)
"""The 34 provincial-level divisions, two-digit prefix → :class:`Province`."""

PREFECTURES: Mapping[str, str] = MappingProxyType(_PREFECTURES)
"""The 333 prefecture-level divisions in use, "xxxx00" → zh name (e.g. "330100" → 杭州市).

Not used to reject codes: GB/T 2260 changes every year and old codes stay on old records.
"""


@dataclass(frozen=True, slots=True)
class RegionCode:
    """A parsed six-digit division code."""

    code: str
    province_code: str
    province_zh: str
    province_en: str
    prefecture_code: str
    """The prefecture-level code, "xxxx00" (equal to ``code`` for a prefecture)."""
    prefecture_zh: str | None = None
    """Name of the prefecture when it is in :data:`PREFECTURES` (None for the
    municipalities' districts and for codes no longer in use)."""

    @property
    def level(self) -> str:
        """ "province" (xx0000), "prefecture" (xxxx00) or "county"."""
        if self.code.endswith("0000"):
            return "province"
        return "prefecture" if self.code.endswith("00") else "county"


@functools.lru_cache(maxsize=8192)
def parse_region_code(text: str) -> RegionCode:
    """Parse a GB/T 2260 code: six digits whose first two name a province.

    Only the province is checked against a list; prefecture and county parts are
    checked for form. Raises :class:`RegionCodeError`.
    """
    code = text.strip()
    if not code.isascii():  # full-width digits pasted from forms
        code = unicodedata.normalize("NFKC", code)
    if len(code) != 6 or not (code.isascii() and code.isdigit()):
        shown = (
            f"{code!r} ({len(code)} characters)" if len(code) <= 20 else f"{len(code)} characters"
        )
        raise RegionCodeError(
            "region.format",
            f"an administrative division code has 6 digits, e.g. 330106; got {shown}",
        )
    province = PROVINCES.get(code[:2])
    if province is None:
        raise RegionCodeError(
            "region.province",
            f"{code} starts with {code[:2]}, which is not a province code "
            "(11–15, 21–23, 31–37, 41–46, 50–54, 61–65, 71, 81, 82)",
        )
    prefecture = code[:4] + "00"
    return RegionCode(
        code,
        province.code,
        province.name_zh,
        province.name_en,
        prefecture,
        PREFECTURES.get(prefecture),
    )
