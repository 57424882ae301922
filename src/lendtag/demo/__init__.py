"""A realistic, deterministic synthetic portfolio of Chinese corporate borrowers.

>>> from pathlib import Path
>>> from lendtag.demo import generate_portfolio
>>> files = generate_portfolio(Path("demo-data"), customers=1000, seed=1)  # doctest: +SKIP
>>> files.counts["customers"]  # doctest: +SKIP
1000

The files (customers, persons, statements, bureau, loans, schedules, repayments and a
mixed good/bad customers file) are described in docs/demo.md.
"""

from lendtag.demo.badrows import DEFECTS
from lendtag.demo.writer import (
    CUSTOMER_HEADER,
    DEMO_AS_OF,
    FILE_NAMES,
    HEADERS,
    DemoFiles,
    ProgressCallback,
    generate_portfolio,
)

__all__ = [
    "CUSTOMER_HEADER",
    "DEFECTS",
    "DEMO_AS_OF",
    "FILE_NAMES",
    "HEADERS",
    "DemoFiles",
    "ProgressCallback",
    "generate_portfolio",
]
