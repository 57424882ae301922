"""Portfolios shared by the demo tests: generated once per session into a temp directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from lendtag.demo import DemoFiles, generate_portfolio

SMALL_CUSTOMERS = 1500
SMALL_SEED = 7
LARGE_CUSTOMERS = 10_000
LARGE_SEED = 1


@pytest.fixture(scope="session")
def small_portfolio(tmp_path_factory: pytest.TempPathFactory) -> DemoFiles:
    """1,500 customers: enough for every format, integrity and validity check."""
    return generate_portfolio(tmp_path_factory.mktemp("demo-small"), SMALL_CUSTOMERS, SMALL_SEED)


@pytest.fixture(scope="session")
def large_portfolio(tmp_path_factory: pytest.TempPathFactory) -> DemoFiles:
    """The 10,000-customer portfolio the docs describe (default rates, every DPD bucket)."""
    return generate_portfolio(tmp_path_factory.mktemp("demo-large"), LARGE_CUSTOMERS, LARGE_SEED)


def directory(files: DemoFiles) -> Path:
    return files.customers.parent
