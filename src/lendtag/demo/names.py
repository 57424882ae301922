"""Plausible Chinese company and person names.

Company names follow the registered-name pattern 行政区划 + 字号 + 行业 + 组织形式
(浙江华瑞精密机械有限公司). 个体工商户 carry a shop-style name (杭州市鑫隆餐饮店) and
农民专业合作社 end in 专业合作社. Person names draw surnames by their rough frequency.
"""

from __future__ import annotations

import random
from itertools import accumulate

from lendtag.demo.catalog import Industry, Region

__all__ = ["brand", "company_name", "person_name"]

_BRAND_CHARS = (
    "华瑞鑫恒泰达宏盛创远佳信德源丰隆祥和兴昌嘉润博安康永通誉腾宇辰锦明正诚联汇鼎海天新金"
    "龙凯豪荣顺益星卓越中科光东方万广立升顶亿德聚晟睿卓弘毅晨启"
)
_BRAND_POOL = tuple(dict.fromkeys(_BRAND_CHARS))  # distinct characters, first-seen order

_SURNAMES = (
    ("王", 7.1), ("李", 7.0), ("张", 6.7), ("刘", 5.4), ("陈", 4.5), ("杨", 3.1), ("黄", 2.3),
    ("赵", 2.2), ("吴", 2.0), ("周", 1.9), ("徐", 1.5), ("孙", 1.5), ("马", 1.4), ("朱", 1.3),
    ("胡", 1.3), ("郭", 1.2), ("何", 1.2), ("林", 1.1), ("高", 1.1), ("罗", 1.1), ("郑", 1.0),
    ("梁", 0.9), ("谢", 0.8), ("宋", 0.7), ("唐", 0.7), ("许", 0.7), ("韩", 0.6), ("冯", 0.6),
    ("邓", 0.6), ("曹", 0.6), ("彭", 0.6), ("曾", 0.5), ("肖", 0.5), ("田", 0.5), ("董", 0.5),
    ("潘", 0.4), ("袁", 0.4), ("蔡", 0.4), ("蒋", 0.4), ("余", 0.4), ("于", 0.4), ("杜", 0.4),
    ("叶", 0.4), ("程", 0.4), ("魏", 0.3), ("苏", 0.3), ("吕", 0.3), ("丁", 0.3), ("任", 0.3),
    ("沈", 0.3), ("姚", 0.3), ("卢", 0.3), ("钟", 0.3), ("姜", 0.3), ("崔", 0.3), ("谭", 0.3),
    ("陆", 0.3), ("范", 0.2), ("汪", 0.2), ("廖", 0.2), ("石", 0.2), ("金", 0.2), ("贾", 0.2),
    ("夏", 0.2), ("方", 0.2), ("邹", 0.2), ("熊", 0.2), ("白", 0.2), ("孟", 0.2), ("秦", 0.2),
    ("欧阳", 0.05), ("司马", 0.02), ("诸葛", 0.01),
)  # fmt: skip
_SURNAME_NAMES = tuple(s for s, _ in _SURNAMES)
_SURNAME_CUM = tuple(accumulate(w for _, w in _SURNAMES))

_GIVEN_MALE = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宁俊峰建国志文海东林浩宇晨洋凯龙健成亮振江"
_GIVEN_FEMALE = "芳娜敏静丽艳娟霞秀燕玲婷慧红洁琳萍雪颖倩佳欣梅莉晶月丹璐晓琪"

_SHOP_SUFFIXES = ("店", "经营部", "商行", "服务部")


def person_name(rng: random.Random, male: bool) -> str:
    """A Chinese personal name of two or three characters (rarely four)."""
    surname = rng.choices(_SURNAME_NAMES, cum_weights=_SURNAME_CUM)[0]
    pool = _GIVEN_MALE if male else _GIVEN_FEMALE
    given = rng.choice(pool) if rng.random() < 0.3 else rng.choice(pool) + rng.choice(pool)
    return surname + given


def brand(rng: random.Random, length: int = 2) -> str:
    """A 字号 of distinct auspicious characters, e.g. 华瑞."""
    return "".join(rng.sample(_BRAND_POOL, length))


def company_name(
    rng: random.Random,
    *,
    category: str,
    region: Region,
    industry: Industry,
    brand_name: str,
    joint_stock: bool,
    group_parent: bool = False,
) -> str:
    """A registered name for an enterprise (category '1'), 个体工商户 ('2') or 合作社 ('3')."""
    word = rng.choice(industry.words)
    city = region.city + "市"
    if category == "2":
        return f"{city}{brand_name}{word}{rng.choice(_SHOP_SUFFIXES)}"
    if category == "3":
        return f"{city}{brand_name}{word}专业合作社"
    prefix = region.province if rng.random() < 0.55 else region.city
    if group_parent:
        return f"{prefix}{brand_name}{word}集团{'股份' if joint_stock else ''}有限公司"
    if joint_stock:
        return f"{prefix}{brand_name}{word}股份有限公司"
    form = "有限责任公司" if rng.random() < 0.06 else "有限公司"
    return f"{prefix}{brand_name}{word}{form}"
