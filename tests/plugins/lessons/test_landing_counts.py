"""The unfiltered lessons page counts from a cache of the published lessons, never stale."""

from __future__ import annotations

import pytest
from flask import g
from sqlalchemy import select

from intranet.extensions import db
from intranet.platform.stamps import DataStamp
from intranet_lessons import search
from intranet_lessons.models import Lesson
from intranet_lessons.search import Selection
from tests.plugins.lessons.test_coverage import LESSON_FORM
from tests.query_plans import statements_of


def live(user, published_only=False):
    conditions = Selection().conditions(user)
    if published_only:
        conditions.append(search.Lesson.status == "published")
    return search.facet_counts(conditions)


def landing(user, published_only=False):
    page = search.search(user, Selection(), published_only=published_only)
    return page.total, page.facets


def test_cached_counts_add_up_to_what_each_member_may_list(
    app, make_user, make_lesson, secretariat
):
    author, other = make_user("member", country_code="SE"), make_user("member")
    make_lesson(author, "Shelters in Malmö", countries=["SE", "FI"], tags=["shelter"])
    make_lesson(other, "Labour inspections", countries=["LV"], area="prevention", start_year=2022)
    make_lesson(author, "My draft", status="draft", countries=["DK"], level="local")
    make_lesson(other, "Their submission", status="submitted", countries=["EE"])
    with app.test_request_context():
        for user in (author, other, secretariat):
            g.pop("lessons_reviewer", None)
            assert landing(user) == live(user), user.email
            assert landing(user, published_only=True) == live(user, published_only=True)
        total, facets = landing(author)
        assert total == 3  # two published and her own draft, not the other's submission
        assert ("DK", 1) in facets["country"] and ("EE", 1) not in facets["country"]
        assert landing(secretariat)[0] == 4  # a reviewer lists the submission too


def test_a_newly_published_lesson_is_counted_on_the_next_request(app, make_user, make_lesson):
    author = make_user("member")
    make_lesson(author, "First", countries=["SE"])
    with app.test_request_context():
        assert landing(author)[0] == 1
    lesson = make_lesson(author, "Second", status="draft", countries=["NO"])
    other = make_user("member")
    with app.test_request_context():
        assert landing(other)[0] == 1  # someone else's draft is not listed
    lesson.status = "published"
    lesson.published_at = lesson.created_at
    db.session.commit()
    with app.test_request_context():
        total, facets = landing(other)
        assert total == 2 and ("NO", 1) in facets["country"]
        assert (total, facets) == live(other)


live_counts = search.facet_counts


def stamp(name):
    return db.session.scalar(select(DataStamp.stamp).where(DataStamp.name == name))


def test_correcting_a_lessons_text_keeps_the_counts_while_changing_a_facet_recounts(
    client, login_as, secretariat, make_user, make_lesson, monkeypatch
):
    """Counting a million lessons again because someone fixed a typo is what made the first
    list after a change slow; a change to what lessons are counted by must still show."""
    author = make_user("member")
    lesson = make_lesson(author, "Joint visits", countries=["SE"], area="protection")
    form = {**LESSON_FORM, "title": "Joint visits", "start_year": "2020"}

    def edit_and_publish(change: dict) -> None:
        login_as(author)
        assert client.submit(f"/lessons/{lesson.id}/edit", {**form, **change}).status_code == 303
        login_as(secretariat)
        client.submit(f"/lessons/{lesson.id}/review", {"decision": "publish"})

    counted = []
    monkeypatch.setattr(
        search, "facet_counts", lambda conditions: counted.append(1) or live_counts(conditions)
    )
    with client.application.test_request_context():
        landing(secretariat)  # a reviewer's counts: both parts from the cache from now on
    counts, text = stamp("lessons-counts"), stamp("lessons")
    edit_and_publish({"title": "Joint visits to car washes", "summary": "Fixed a typo."})
    db.session.expire_all()
    assert stamp("lessons") != text  # the lesson was written
    assert stamp("lessons-counts") == counts  # but nothing it is counted by changed
    assert db.session.get(Lesson, lesson.id).title == "Joint visits to car washes"
    counted.clear()
    with client.application.test_request_context():
        g.pop("lessons_reviewer", None)
        assert landing(secretariat)[0] == 1
    assert counted == []  # nothing counted again

    edit_and_publish({"countries": ["SE", "FI"]})
    db.session.expire_all()
    assert stamp("lessons-counts") != counts
    with client.application.test_request_context():
        total, facets = landing(make_user("member"))
    assert total == 1 and ("FI", 1) in facets["country"] and ("SE", 1) in facets["country"]


def test_writing_drafts_keeps_the_published_counts_while_reviewers_see_the_drafts(
    client, login_as, secretariat, make_user, make_lesson, monkeypatch
):
    """Drafts are the lessons written most often and counted for nobody but their authors
    and the reviewers: the published counts (a million lessons) are not taken again for them."""
    author, reader = make_user("member"), make_user("member")
    make_lesson(author, "Joint visits", countries=["SE"])
    with client.application.test_request_context():
        landing(secretariat)  # both parts counted and kept
    counts, all_counts = stamp("lessons-counts"), stamp("lessons-counts-all")
    counted = []
    monkeypatch.setattr(
        search, "facet_counts", lambda conditions: counted.append(1) or live_counts(conditions)
    )

    login_as(author)
    client.submit("/lessons/new", {**LESSON_FORM, "title": "A draft", "countries": ["NO"]})
    draft = db.session.scalar(select(Lesson).where(Lesson.title == "A draft"))
    form = {**LESSON_FORM, "title": "A draft", "countries": ["NO", "DK"], "area": "prevention"}
    assert client.submit(f"/lessons/{draft.id}/edit", form).status_code == 303
    db.session.expire_all()
    assert stamp("lessons-counts") == counts
    assert stamp("lessons-counts-all") != all_counts
    with client.application.test_request_context():
        assert landing(reader)[0] == 1
        assert len(counted) == 1  # the reader's own drafts, always live: the rest was kept
        g.pop("lessons_reviewer", None)
        total, facets = landing(secretariat)
    assert total == 2 and ("DK", 1) in facets["country"]  # the reviewer's part was counted

    login_as(secretariat)
    client.submit(f"/lessons/{draft.id}/submit")
    client.submit(f"/lessons/{draft.id}/review", {"decision": "publish"})
    db.session.expire_all()
    assert db.session.get(Lesson, draft.id).status == "published"
    assert stamp("lessons-counts") != counts
    with client.application.test_request_context():
        total, facets = landing(reader)
    assert total == 2 and ("DK", 1) in facets["country"]

    db.session.get(Lesson, draft.id).status = "draft"  # withdrawn, the old status not loaded
    db.session.commit()
    with client.application.test_request_context():
        assert landing(reader)[0] == 1


def test_another_worker_lists_with_the_counts_the_first_one_took(
    app, config, make_user, make_lesson, secretariat, monkeypatch
):
    """After a change the counts of a million lessons are taken once, not once per worker or
    host: a worker started later reads them (the lesson list and the coverage matrix)."""
    from intranet import create_app
    from intranet_lessons import coverage

    make_lesson(make_user("member"), "Shelters", countries=["SE"], tags=["shelter"])
    with app.test_request_context():
        first = landing(secretariat)
        matrix = coverage.coverage_counts("area")
    db.session.commit()

    def counted(*args):
        raise AssertionError("counted again")

    monkeypatch.setattr(search, "facet_counts", counted)
    monkeypatch.setattr(coverage, "count", counted)
    other = create_app(config)
    with other.test_request_context():
        reviewer = db.session.get(type(secretariat), secretariat.id)
        assert landing(reviewer) == first
        assert coverage.coverage_counts("area") == matrix
        db.session.remove()
    with other.app_context():
        db.engine.dispose()


def test_a_members_own_lessons_are_counted_one_by_one_not_from_everyone_s(
    app, client, make_user, make_lesson
):
    """The member's own unpublished part of a filtered list tests each of their lessons for
    the value; asked as a set, SQLite read every lesson having it (thousands at N=1: 13 ms
    of a 25 ms page) to find the member's few."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("reads SQLite's plan")
    author = make_user("member")
    make_lesson(author, "Draft", status="draft", countries=["SE"], forms=["organs"])
    client.login(author.email)
    sent = statements_of(
        client,
        "/lessons/?form=organs&country=SE",
        lambda s: s.startswith("WITH found") and "author_id = ?" in s,
    )
    assert sent
    for statement, parameters in sent:
        plan = db.session.connection().exec_driver_sql(
            f"EXPLAIN QUERY PLAN {statement}", parameters
        )
        lines = [row[-1] for row in plan]
        assert not any("(facet=? AND value=?)" in line for line in lines), lines
