"""The counts beside a lesson list: the parts the same for everyone are cached until a lesson
changes, the user's own part is counted live, and together they are exactly what the user may
list, for every role, with and without filters."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from intranet.extensions import db
from intranet_lessons import search


@pytest.fixture
def lessons(member, make_user, make_lesson, guest, grant):
    other = make_user("member", email="other@ministry.example")
    make_lesson(member, "Published national", level="national")
    make_lesson(member, "Published regional", level="regional", sharing="partners")
    make_lesson(other, "Shared with the public", level="national", sharing="public")
    make_lesson(member, "Draft of the member", level="national", status="draft")
    make_lesson(other, "Submitted by the other", level="regional", status="submitted")
    grant(guest, make_lesson(other, "Granted to the guest", level="national"))
    return other


@pytest.mark.parametrize("published_only", [False, True])
@pytest.mark.parametrize("filters", [{}, {"level": ["national"]}, {"country": ["SE"]}])
@pytest.mark.parametrize("who", ["member", "other", "secretariat", "guest"])
def test_the_counts_are_what_the_user_may_list(
    app, lessons, member, secretariat, guest, who, filters, published_only
):
    user = {"member": member, "other": lessons, "secretariat": secretariat, "guest": guest}[who]
    selection = search.Selection(filters=filters)
    extra = [search.Lesson.status == "published"] if published_only else []
    with app.test_request_context():
        conditions = selection.conditions(user, extra=extra)
        expected = search.facet_counts(conditions)
        for _ in range(2):  # computed, then from the cache
            assert search.listed_counts(user, filters, published_only, conditions) == expected


def test_a_second_view_counts_only_the_users_own_lessons(client, lessons, member, secretariat):
    statements: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    for user, live in ((secretariat, 0), (member, 1)):
        client.login(user.email)
        client.get("/lessons/?level=national")
        statements.clear()
        page = client.get("/lessons/?level=national").get_data(as_text=True)
        assert "Published national" in page
        assert sum("WITH found" in statement for statement in statements) == live
        client.submit("/logout")


@pytest.mark.parametrize("many", [0, 10**9])
def test_a_filtered_list_is_the_same_read_in_order_or_sorted(
    app, member, make_lesson, monkeypatch, many
):
    monkeypatch.setattr(search, "MANY", many)
    for number in range(5):
        make_lesson(member, f"Tagged {number}", tags=["online"] if number % 2 else ["data"])
    with app.test_request_context():
        page = search.search(member, search.Selection(filters={"tag": ["online"]}))
    assert [lesson.title for lesson, _ in page.lessons] == ["Tagged 3", "Tagged 1"]
