"""Small helpers shared by the demo generators: seeded streams, dates, numbers, formatting.

Every random draw in the demo comes from a :class:`random.Random` built by :func:`stream`
from the portfolio seed, a purpose label and an index. A customer's data therefore depends
only on (seed, as_of, its index), never on how many customers were generated before it or
on the order in which files are written.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import math
import random
from typing import TypeVar

__all__ = [
    "add_months",
    "clamp",
    "fmt_cents",
    "fmt_wan",
    "logistic",
    "lognormal_between",
    "poisson",
    "stream",
    "weighted_choice",
]


def stream(seed: int, purpose: str, index: int = 0) -> random.Random:
    """An independent, reproducible random stream for (seed, purpose, index).

    The key is hashed (BLAKE2b) so neighbouring seeds and indexes give unrelated streams,
    and the result never depends on ``PYTHONHASHSEED``.
    """
    digest = hashlib.blake2b(f"{seed}|{purpose}|{index}".encode(), digest_size=16).digest()
    return random.Random(int.from_bytes(digest, "big"))


def clamp(value: float, low: float, high: float) -> float:
    return low if value < low else high if value > high else value


def logistic(x: float) -> float:
    if x < -40:
        return 0.0
    return 1.0 / (1.0 + math.exp(-x))


def lognormal_between(rng: random.Random, low: float, high: float) -> float:
    """A value spread log-uniformly in [low, high): many small, few large, never outside."""
    return math.exp(rng.uniform(math.log(low), math.log(high)))


def poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw (Knuth's method; the demo only uses small means)."""
    if mean <= 0:
        return 0
    limit = math.exp(-min(mean, 30.0))
    k, p = 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


T = TypeVar("T")


def weighted_choice(rng: random.Random, items: tuple[T, ...], cum_weights: tuple[float, ...]) -> T:
    """One of ``items`` drawn with the given cumulative weights."""
    return rng.choices(items, cum_weights=cum_weights)[0]


def add_months(day: dt.date, months: int, anchor_day: int | None = None) -> dt.date:
    """``day`` moved by ``months`` calendar months; the day is clamped to the month's end.

    ``anchor_day`` keeps a schedule on its contractual day (31 Jan → 28 Feb → 31 Mar).
    """
    total = day.year * 12 + (day.month - 1) + months
    year, month = divmod(total, 12)
    month += 1
    wanted = anchor_day if anchor_day is not None else day.day
    return dt.date(year, month, min(wanted, calendar.monthrange(year, month)[1]))


def fmt_wan(value: float) -> str:
    """An amount in 万元 with two decimals, never printed as ``-0.00``."""
    text = f"{value:.2f}"
    return "0.00" if text == "-0.00" else text


def fmt_cents(cents: int) -> str:
    """Integer fen (cents) as yuan with two decimals; amounts here are never negative."""
    return f"{cents // 100}.{cents % 100:02d}"
