"""The quick start behind `lendtag demo`: a store with a demo book, its tags and its users.

Everything here goes through the facade, so the demo exercises exactly what a user would:
import files, publish the standard catalog, run tags at past quarter-ends (runs only go
forward, so the book gets a tag history to ask questions of), and create one user per role
with a fresh random password. Running it again on the same store changes nothing but the
demo users' passwords.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lendtag.core.reporting import NullReporter, Reporter
from lendtag.errors import NotFoundError

if TYPE_CHECKING:
    from lendtag.core.app import Lendtag

LOAD_ORDER = ("customers", "persons", "statements", "bureau", "loans", "schedules", "repayments")
DEMO_AUTHOR = "lendtag-demo"
"""Who the audit log and the catalog name as the author of the demo's standard catalog."""


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    branches: tuple[str, ...] = ()
    authority_level: int | None = None


def demo_users(first_branch: str) -> tuple[DemoUser, ...]:
    """One user per kind of work; the relationship manager sees one branch only."""
    return (
        DemoUser("demo-admin", "admin"),
        DemoUser("demo-analyst", "risk_analyst"),
        DemoUser("demo-rm", "relationship_manager", (first_branch,)),
        DemoUser("demo-approver", "approver", authority_level=2),
        DemoUser("demo-auditor", "auditor"),
        DemoUser("demo-viewer", "viewer"),
    )


def quarter_ends(as_of: dt.date, count: int) -> list[dt.date]:
    """The last ``count`` quarter-ends up to ``as_of``, oldest first, ending at ``as_of``."""
    ends: list[dt.date] = []
    year, quarter = as_of.year, (as_of.month - 1) // 3  # quarter-ends strictly before as_of
    while len(ends) < count - 1:
        if quarter == 0:
            year, quarter = year - 1, 4
        month = quarter * 3
        next_month = dt.date(year + month // 12, month % 12 + 1, 1)
        end = next_month - dt.timedelta(days=1)
        if end < as_of:
            ends.append(end)
        quarter -= 1
    return [*reversed(ends), as_of]


@dataclass
class DemoResult:
    imports: list[dict[str, Any]]
    catalog: dict[str, Any]
    runs: list[dict[str, Any]]
    users: list[dict[str, Any]]
    password: str
    summary: dict[str, Any]
    tags: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "imports": self.imports,
            "catalog": self.catalog,
            "runs": self.runs,
            "users": self.users,
            "password": self.password,
            "summary": self.summary,
            "tags": self.tags,
        }


def load_files(
    lt: Lendtag,
    files: Any,
    effective: dt.date,
    reporter: Callable[[], Reporter] = NullReporter,
) -> list[dict[str, Any]]:
    """Import every demo file in dependency order, then the file of bad rows."""
    results = []
    for kind in LOAD_ORDER:
        r = lt.import_file(
            kind, getattr(files, kind), effective_date=effective, reporter=reporter()
        )
        results.append(r.as_dict())
    bad = lt.import_file(
        "customers",
        files.bad_customers,
        channel="branch",
        effective_date=effective,
        reporter=reporter(),
    )
    results.append(bad.as_dict())
    return results


def run_quarters(
    lt: Lendtag, as_of: dt.date, quarters: int, reporter: Callable[[], Reporter] = NullReporter
) -> list[dict[str, Any]]:
    """Tag runs at the quarter-ends up to ``as_of`` that are not behind the latest run."""
    committed = [r for r in lt.tags_runs(limit=100) if r["status"] == "committed"]
    latest = max((dt.date.fromisoformat(str(r["as_of"])) for r in committed), default=None)
    runs = []
    for day in quarter_ends(as_of, quarters):
        if latest is not None and day < latest:
            continue
        r = lt.tags_run(day, reporter=reporter())
        runs.append({"run_id": r.run_id, "as_of": r.as_of, "tags": r.tags, "changed": r.changed})
    return runs


def ensure_users(lt: Lendtag, users: tuple[DemoUser, ...], password: str) -> list[dict[str, Any]]:
    """Create the demo users, or give existing ones the new password."""
    known = {u["username"] for u in lt.users_list()}
    out = []
    for u in users:
        if u.username in known:
            lt.users_reset(u.username, password)
        else:
            lt.users_add(
                u.username,
                u.role,
                password=password,
                branches=list(u.branches) or None,
                authority_level=u.authority_level,
            )
        out.append({"username": u.username, "role": u.role, "branches": list(u.branches)})
    return out


def tag_overview(lt: Lendtag) -> dict[str, Any]:
    """Published tags and segments with their current sizes."""
    tags = lt.tags_list()
    segments = lt.segments_list()
    return {
        "published_tags": len(tags),
        "current_values": sum(sum(t["values"].values()) for t in tags),
        "segments": {s["code"]: s.get("members") for s in segments},
    }


def build_demo(
    lt: Lendtag,
    files_dir: Path,
    *,
    customers: int,
    seed: int,
    as_of: dt.date,
    quarters: int = 5,
    first_branch: str | None = None,
    generate: Callable[[Path, int, int, dt.date], Any],
    reporter: Callable[[], Reporter] = NullReporter,
) -> DemoResult:
    """Initialise the store and load, tag and open the demo book (see the module docstring)."""
    lt.init()
    files = generate(files_dir, customers, seed, as_of)
    imports = load_files(lt, files, dt.date(as_of.year - 3, 1, 1), reporter)
    catalog = lt.catalog_load_standard(DEMO_AUTHOR)
    runs = run_quarters(lt, as_of, quarters, reporter)
    branch = first_branch or _first_branch(lt)
    password = secrets.token_urlsafe(12)
    users = ensure_users(lt, demo_users(branch), password)
    return DemoResult(
        imports=imports,
        catalog={k: catalog[k] for k in ("published", "unchanged") if k in catalog},
        runs=runs,
        users=users,
        password=password,
        summary=lt.portfolio_summary(),
        tags=tag_overview(lt),
    )


def _first_branch(lt: Lendtag) -> str:
    page = lt.customers_page(limit=1, offset=0)
    for item in page["items"]:
        if item.get("branch"):
            return str(item["branch"])
    raise NotFoundError("the demo book has no customer with a branch")
