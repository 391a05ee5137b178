"""Performance guards: SQL statements per page stay under a ceiling and do not grow with the
data, and htmx fragments stay small next to their full pages.

The same pages as `make bench` (bench/pages.py), for the same generated user, on databases
filled by the scale generator at two sizes ten times apart.

The ceiling is per part of a page, not one number for the whole page: the page's own view,
and each plugin in each hook it answers (the global search asks every plugin, so each plugin
that answers it adds its own statements). A third-party plugin installed beside the bundled
ones thus never pushes a core page over its ceiling, and an N+1 inside one hook still shows.
"""

from __future__ import annotations

import re
import shutil
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy import event

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
PAGE_CEILING = 12  # statements of the page's own view, outside any hook
HOOK_CEILING = 3  # statements of one plugin answering one hook on one page
VIEW = "view"
TAG = re.compile(r"^/\* (\S+) \*/ ")
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


def tag_statements_with_their_hook(app: Flask) -> None:
    """Prefix every SQL statement run inside a hook implementation with a comment naming the
    plugin and the hook (`/* lessons:intranet_search */ SELECT ...`); the innermost wins."""
    running: list[str] = []

    def wrap(function: Any, owner: str) -> Any:
        def tagged(*args: Any, **kwargs: Any) -> Any:
            running.append(owner)
            try:
                return function(*args, **kwargs)
            finally:
                running.pop()

        return tagged

    for hook_name, caller in vars(app.extensions["intranet_plugins"].pm.hook).items():
        for impl in caller.get_hookimpls():
            impl.function = wrap(impl.function, f"{impl.plugin_name}:{hook_name}")

    def tag(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> Any:
        return (f"/* {running[-1]} */ {statement}" if running else statement), parameters

    event.listen(db.engine, "before_cursor_execute", tag, retval=True)


def parts(cost: PageCost) -> Counter[str]:
    """Statements of a page per part: the view itself, or `plugin:hook`."""
    return Counter(
        match.group(1) if (match := TAG.match(statement)) else VIEW for statement in cost.statements
    )


def measure(url: str, folder: Path, scale: float) -> dict[str, PageCost]:
    app = create_app(base_config(folder, url))
    app.test_client_class = Client
    with app.app_context():
        tag_statements_with_their_hook(app)
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


def over_ceiling(costs: dict[str, PageCost], wanted: Any) -> dict[str, dict[str, int]]:
    found = {
        name: {part: count for part, count in parts(cost).items() if wanted(part, count)}
        for name, cost in costs.items()
    }
    return {name: over for name, over in found.items() if over}


def test_every_page_view_stays_under_the_statement_ceiling(costs: dict[float, Any]) -> None:
    over = over_ceiling(costs[LARGE], lambda part, count: part == VIEW and count > PAGE_CEILING)
    details = "\n\n".join(f"{name}:\n{statements(costs[LARGE][name])}" for name in over)
    assert over == {}, f"views over {PAGE_CEILING} SQL statements:\n{details}"


def test_every_plugin_stays_under_the_ceiling_in_every_hook(costs: dict[float, Any]) -> None:
    over = over_ceiling(costs[LARGE], lambda part, count: part != VIEW and count > HOOK_CEILING)
    details = "\n\n".join(f"{name}:\n{statements(costs[LARGE][name])}" for name in over)
    assert over == {}, f"hooks over {HOOK_CEILING} SQL statements on a page:\n{details}"


def test_queries_per_page_do_not_grow_with_the_data(costs: dict[float, Any]) -> None:
    small = {name: parts(cost) for name, cost in costs[SMALL].items()}
    large = {name: parts(cost) for name, cost in costs[LARGE].items()}
    assert small == large


def test_the_data_really_differs_between_the_two_sizes(costs: dict[float, Any]) -> None:
    """Same query counts only mean something if the pages show ten times more data."""
    assert costs[LARGE]["directory search"].bytes > costs[SMALL]["directory search"].bytes


def test_an_htmx_fragment_is_a_small_share_of_its_full_page(costs: dict[float, Any]) -> None:
    pages = costs[LARGE]
    share = pages["htmx fragment"].bytes / pages["fragment's full page"].bytes
    assert share <= FRAGMENT_SHARE
