"""Figures cached under a data stamp are counted once for every worker and host: a worker
reads what another one counted, until the stamp moves."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from flask import Flask
from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from intranet import create_app
from intranet.extensions import db
from intranet.models import User, utcnow
from intranet.platform import shared_figures, stamps
from intranet.platform.shared_figures import SharedFigure, decode, encode
from intranet.values import Banner, ReportSection
from tests import test_data_stamps

NAME = test_data_stamps.NAME
watched_countries = test_data_stamps.watched_countries  # the stamp NAME follows countries


@pytest.fixture
def other_worker(config) -> Iterator[Flask]:
    """A second app on the same database: another worker, or another host."""
    other = create_app(config)
    yield other
    with other.app_context():
        db.engine.dispose()


def in_worker(worker: Flask, compute):
    with worker.app_context():
        try:
            return stamps.cached(NAME, "key", compute)
        finally:
            db.session.remove()


def never() -> int:
    raise AssertionError("counted again although another worker had counted")


def shared_rows() -> int:
    return db.session.scalar(select(func.count()).select_from(SharedFigure))


def test_a_worker_reads_what_another_counted_until_the_stamp_moves(
    app, other_worker, make_user, watched_countries
):
    user = make_user(country_code="EE")
    assert stamps.cached(NAME, "key", lambda: {"EE": 1}) == {"EE": 1}
    db.session.commit()
    assert in_worker(other_worker, never) == {"EE": 1}

    user.country_code = "SE"
    db.session.commit()
    assert in_worker(other_worker, lambda: {"SE": 1}) == {"SE": 1}
    assert stamps.cached(NAME, "key", never) == {"SE": 1}  # counted by the other worker


def test_moving_a_stamp_forgets_its_shared_figures(app, make_user, watched_countries):
    """Figures may name people (a partner organisation's guests): once what they were counted
    from changes (an erasure renames the account), none of them stays in the database."""
    user = make_user(country_code="EE")
    stamps.cached(NAME, "names", lambda: ["Erika Example"])
    stamps.cached("lessons", "unrelated", lambda: 1)
    db.session.commit()
    assert shared_rows() == 2
    user.country_code = "LV"
    db.session.commit()
    assert db.session.scalars(select(SharedFigure.name)).all() == ["lessons"]


def test_figures_left_under_an_old_stamp_are_forgotten_by_the_daily_job(
    app, make_user, watched_countries
):
    make_user(country_code="EE")
    stamps.cached(NAME, "key", lambda: 1)
    db.session.commit()
    db.session.execute(SharedFigure.__table__.update().values(stamp="0" * 32))
    db.session.commit()
    stamps.forget_stale_figures()
    assert shared_rows() == 0


def test_a_transaction_that_wrote_keeps_its_figures_to_itself(
    app, other_worker, make_user, watched_countries
):
    """A form submission that counts after writing must not wait for its own locks (SQLite
    has one writer) by storing the figures in a second transaction."""
    make_user(country_code="EE")
    db.session.add(User(email="new@example.org", name="New", role="member"))
    db.session.flush()
    assert stamps.cached(NAME, "key", lambda: 1) == 1
    db.session.commit()
    assert shared_rows() == 0
    assert in_worker(other_worker, lambda: 2) == 2
    assert shared_rows() == 1


def test_figures_that_follow_the_clock_are_shared_until_their_moment(
    app, other_worker, make_user, watched_countries
):
    make_user(country_code="EE")
    soon, passed = utcnow() + timedelta(hours=1), utcnow() - timedelta(seconds=1)
    stamps.cached(NAME, "key", lambda: 1, until=lambda _: soon)
    stamps.cached(NAME, "held", lambda: 1, until=lambda _: passed)
    db.session.commit()
    with other_worker.app_context():
        assert stamps.cached(NAME, "key", never) == 1
        assert stamps.cached(NAME, "held", lambda: 2) == 2
        db.session.remove()


def test_a_value_the_database_cannot_hold_stays_with_its_worker(
    app, other_worker, make_user, watched_countries, caplog
):
    make_user(country_code="EE")
    with caplog.at_level(logging.WARNING):
        assert stamps.cached(NAME, "key", lambda: Counter("aab")) == Counter("aab")
    assert "kept by this worker" in caplog.text
    assert shared_rows() == 0
    assert stamps.cached(NAME, "key", never) == Counter("aab")  # still cached here

    stamps.cached(NAME, "own", dict, shared=False)
    assert shared_rows() == 0


def test_a_store_that_fails_costs_the_page_nothing(
    app, make_user, watched_countries, monkeypatch, caplog
):
    """SQLite answers "database is locked" when another process writes for longer than the
    wait: the page still shows the figures it counted."""
    make_user(country_code="EE")

    def locked(*args):
        raise OperationalError("INSERT INTO shared_figure", {}, Exception("database is locked"))

    monkeypatch.setattr(shared_figures, "store", locked)
    with caplog.at_level(logging.WARNING):
        assert stamps.cached(NAME, "key", lambda: 1) == 1
    assert "database is locked" in caplog.text
    assert shared_rows() == 0


@pytest.mark.parametrize(
    "value",
    [
        (3, {"country": [("SE", 2), ("FI", 1)], "year": []}),
        {("SE", "prevention"): 2, ("FI", "protection"): 1},
        [ReportSection("Lessons", "2 lessons.", ["Country"], [["Sweden"]], order=40, more=1)],
        (Banner(Markup("<b>Chair</b>"), "/governance/", "Governance", order=11),),
        {"kind": {"plenary": 2}, "first": [(1, "Decision", datetime(2026, 5, 1, tzinfo=UTC))]},
        [date(2026, 7, 1), None, 1.5, True, "", []],
        {"d": ["not", "a", "tag"], "t": 1},  # a dict whose keys are the codec's tags
    ],
)
def test_every_kind_of_figure_comes_back_as_it_was(value):
    assert decode(encode(value)) == value
    assert type(decode(encode(value))) is type(value)
