"""Small helpers shared by the demo generators: seeded streams, dates, numbers, formatting.

Every random draw in the demo comes from a :class:`random.Random` built by :func:`stream`
from the portfolio seed, a purpose label and an index, so draws for one customer do not
shift when another customer's generator changes how many numbers it consumes. (Names are
de-duplicated in order and contract numbers are sequential, so the files as a whole still
depend on everything generated before.)
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import math
import random

__all__ = [
    "add_months",
    "clamp",
    "fmt_cents",
    "logistic",
    "poisson",
    "stream",
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


def add_months(day: dt.date, months: int, anchor_day: int | None = None) -> dt.date:
    """``day`` moved by ``months`` calendar months; the day is clamped to the month's end.

    ``anchor_day`` keeps a schedule on its contractual day (31 Jan → 28 Feb → 31 Mar).
    """
    total = day.year * 12 + (day.month - 1) + months
    year, month = divmod(total, 12)
    month += 1
    wanted = anchor_day if anchor_day is not None else day.day
    return dt.date(year, month, min(wanted, calendar.monthrange(year, month)[1]))


def fmt_cents(cents: int) -> str:
    """Integer fen (cents) as yuan with two decimals; amounts here are never negative."""
    return f"{cents // 100}.{cents % 100:02d}"
