"""The core's data stamps: figures cached per worker move with every write of what they count
(a row written, a watched column changed, a bulk statement) and with nothing else."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import delete, select, update

from intranet.extensions import db
from intranet.models import User, utcnow
from intranet.platform import stamps
from intranet.platform.stamps import DataStamp
from tests.query_plans import recorded

NAME = "test-countries"


@pytest.fixture
def watched_countries(app) -> Iterator[None]:
    """The stamp NAME follows the accounts' countries for one test."""
    stamps.watch(NAME, User.country_code)
    yield
    stamps.WATCHED[User.__tablename__].pop(NAME, None)


def stamp() -> str | None:
    return db.session.scalar(select(DataStamp.stamp).where(DataStamp.name == NAME))


def test_every_plugin_figure_has_a_stamp_from_the_schema_upgrade_on(app):
    """`intranet init` (here: the tests' template) gives each watched name its first stamp, so
    figures are cached from the first view of a database nobody has written to yet."""
    names = set(db.session.scalars(select(DataStamp.name)))
    assert {"lessons", "meetings", "partners", "subgroups"} <= names
    counted = []
    for _ in range(2):
        stamps.cached("subgroups", "test", lambda: counted.append(1))
    assert counted == [1]


def test_a_watched_column_moves_the_stamp_and_other_columns_do_not(
    app, make_user, watched_countries
):
    user = make_user(country_code="EE")
    first = stamp()
    assert first is not None, "inserting a row of a watched table sets a stamp"

    user.timezone = "Europe/Tallinn"
    db.session.commit()
    assert stamp() == first

    user.country_code = "LV"
    db.session.commit()
    second = stamp()
    assert second != first

    db.session.delete(user)
    db.session.commit()
    assert stamp() != second


def test_bulk_statements_move_the_stamp(app, make_user, watched_countries):
    user = make_user(country_code="EE")
    before = stamp()
    db.session.execute(update(User).where(User.id == user.id).values(country_code="FI"))
    db.session.commit()
    after_update = stamp()
    assert after_update != before
    db.session.execute(delete(User).where(User.id == user.id))
    db.session.commit()
    assert stamp() != after_update


def test_a_rolled_back_write_leaves_the_stamp(app, make_user, watched_countries):
    user = make_user(country_code="EE")
    before = stamp()
    user.country_code = "LV"
    db.session.flush()
    db.session.rollback()
    db.session.commit()
    assert stamp() == before


def test_figures_are_counted_again_only_when_their_stamp_moved(app, make_user, watched_countries):
    user = make_user(country_code="EE")
    counts = []

    def count() -> int:
        counts.append(1)
        return len(counts)

    assert stamps.cached(NAME, "key", count) == 1
    assert stamps.cached(NAME, "key", count) == 1
    assert stamps.cached(NAME, "another key", count) == 2

    user.country_code = "SE"
    db.session.commit()
    assert stamps.cached(NAME, "key", count) == 3


def test_figures_that_follow_the_clock_are_counted_again_once_their_moment_passed(
    app, make_user, watched_countries
):
    make_user(country_code="EE")
    counts = []

    def count() -> int:
        counts.append(1)
        return len(counts)

    later = utcnow() + timedelta(hours=1)
    assert stamps.cached(NAME, "later", count, until=lambda _: later) == 1
    assert stamps.cached(NAME, "later", count, until=lambda _: later) == 1
    passed = utcnow() - timedelta(seconds=1)
    assert stamps.cached(NAME, "passed", count, until=lambda _: passed) == 2
    assert stamps.cached(NAME, "passed", count, until=lambda _: passed) == 3


def test_a_transaction_reads_every_stamp_in_one_statement(app, make_user, watched_countries):
    """A page asking for figures of several names (a report, the similar-work panel) reads the
    stamps once; the next transaction reads them again and sees a stamp moved in between."""
    user = make_user(country_code="EE")
    db.session.commit()
    with recorded(lambda statement: "data_stamp" in statement) as sent:
        for name in (NAME, "lessons", "subgroups", NAME):
            stamps.cached(name, "key", lambda: 1)
    assert len(sent) == 1

    user.country_code = "SE"
    db.session.commit()
    with recorded(lambda statement: "FROM data_stamp" in statement) as sent:
        assert stamps.cached(NAME, "key", lambda: 2) == 2
    assert len(sent) == 1
