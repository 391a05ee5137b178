"""The directory reads a page of members in an index's order instead of sorting every account."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from intranet.directory.listing import SORTS, DirectoryFilter
from intranet.extensions import db

# Sorting by organisation orders by a joined table's column: no index of user_account serves it.
JOINED_ORDERS = {"organisation"}


def order_columns(sort: str) -> list[str]:
    """The user_account columns of the directory's ORDER BY for `sort`, outermost first."""
    statement = DirectoryFilter(sort=sort).statement()
    columns = []
    for clause in statement._order_by_clauses:
        element = clause
        while not isinstance(element, sa.Column):
            element = element.element
        columns.append(element.name)
    return columns


@pytest.mark.parametrize("sort", sorted(set(SORTS) - JOINED_ORDERS))
def test_each_order_of_the_directory_has_an_index(app, sort):
    with app.app_context():
        indexes = sa.inspect(db.engine).get_indexes("user_account")
    leading = [index["column_names"] for index in indexes]
    wanted = order_columns(sort)
    assert wanted in leading, f"no index of user_account in the order {wanted}"


def test_the_orders_are_read_as_expected():
    assert order_columns("name") == ["name", "id"]
    assert order_columns("country") == ["country_code", "name", "id"]
