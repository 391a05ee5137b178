"""Performance guards: SQL statements per page stay under a ceiling and do not grow with the
data, and htmx fragments stay small next to their full pages.

The same pages as `make bench` (bench/pages.py), for the same generated user, on databases
filled by the scale generator at two sizes ten times apart.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from bench.pages import (
    BENCH_EMAIL,
    PageCost,
    bench_pages,
    install_feed_token,
    page_costs,
)
from bench.pages import bench_user as find_bench_user
from intranet import create_app
from intranet.extensions import db
from intranet.platform.scale import create_scale_data
from tests.conftest import (
    PASSWORD,
    POSTGRES_URL,
    Client,
    _postgres_admin,
    _postgres_url,
    base_config,
)

SMALL, LARGE = 0.002, 0.02  # 20 and 200 members, 1 and 10 sub-groups, 200 and 2,000 lessons
QUERY_CEILING = 12
FRAGMENT_SHARE = 0.20


@contextmanager
def scaled_database(template: str, folder: Path, name: str) -> Iterator[str]:
    """A copy of the migrated template database, dropped afterwards on PostgreSQL."""
    if not POSTGRES_URL:
        path = folder / f"{name}.db"
        shutil.copyfile(template, path)
        yield f"sqlite:///{path}"
        return
    admin = _postgres_admin()
    with admin.connect() as connection:
        connection.execute(
            sa.text(f'CREATE DATABASE "{name}" TEMPLATE "{template}" STRATEGY FILE_COPY')
        )
    try:
        yield _postgres_url(name)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def measure(url: str, folder: Path, scale: float) -> dict[str, PageCost]:
    app = create_app(base_config(folder, url))
    app.test_client_class = Client
    with app.app_context():
        with app.test_request_context("/"):
            create_scale_data(scale, PASSWORD)
        user = find_bench_user()
        install_feed_token(user)
        client = app.test_client()
        assert client.login(BENCH_EMAIL).status_code == 302
        costs = page_costs(client, bench_pages(user))
        db.session.remove()
        db.engine.dispose()
    return costs


@pytest.fixture(scope="module")
def costs(
    database_template: str, tmp_path_factory: pytest.TempPathFactory
) -> dict[float, dict[str, PageCost]]:
    """Costs of every page at both sizes (generated once for the module)."""
    measured = {}
    for scale in (SMALL, LARGE):
        folder = tmp_path_factory.mktemp(f"scale{scale}")
        name = f"intranet_perf_{str(scale).replace('.', '_')}_{folder.name[-6:]}"
        with scaled_database(database_template, folder, name) as url:
            measured[scale] = measure(url, folder, scale)
    return measured


def statements(cost: PageCost) -> str:
    return "\n".join(" ".join(statement.split())[:160] for statement in cost.statements)


def test_every_main_page_stays_under_the_query_ceiling(costs: dict[float, Any]) -> None:
    over = {
        name: cost.queries for name, cost in costs[LARGE].items() if cost.queries > QUERY_CEILING
    }
    details = "\n\n".join(f"{name}:\n{statements(costs[LARGE][name])}" for name in over)
    assert over == {}, f"pages over {QUERY_CEILING} SQL statements:\n{details}"


def test_queries_per_page_do_not_grow_with_the_data(costs: dict[float, Any]) -> None:
    small = {name: cost.queries for name, cost in costs[SMALL].items()}
    large = {name: cost.queries for name, cost in costs[LARGE].items()}
    assert small == large


def test_the_data_really_differs_between_the_two_sizes(costs: dict[float, Any]) -> None:
    """Same query counts only mean something if the pages show ten times more data."""
    assert costs[LARGE]["directory search"].bytes > costs[SMALL]["directory search"].bytes


def test_an_htmx_fragment_is_a_small_share_of_its_full_page(costs: dict[float, Any]) -> None:
    pages = costs[LARGE]
    share = pages["htmx fragment"].bytes / pages["fragment's full page"].bytes
    assert share <= FRAGMENT_SHARE
