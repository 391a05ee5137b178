"""The unfiltered lessons page counts from a cache of the published lessons, never stale."""

from __future__ import annotations

from flask import g

from intranet.extensions import db
from intranet_lessons import search
from intranet_lessons.search import Selection


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
