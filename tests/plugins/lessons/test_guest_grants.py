"""A guest granted a single task-force lesson (by another plugin's True vote) finds it in the
lists, with a fixed number of queries however many task-force lessons there are."""

from __future__ import annotations

from sqlalchemy import event

from intranet.extensions import db
from tests.conftest import contributions


def count_queries():
    statements = []
    event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    return statements


def test_a_guest_lists_a_lesson_granted_to_them(
    client, member, guest, make_lesson, grant, make_user
):
    shared = make_lesson(member, "Shared with partners", sharing="partners")
    granted = make_lesson(member, "Granted to the guest")
    make_lesson(member, "Kept in the task force")
    draft = make_lesson(member, "A granted draft", status="draft")
    grant(guest, granted)
    grant(guest, draft)
    client.login(guest.email)

    page = client.get("/lessons/").get_data(as_text=True)
    assert shared.title in page and granted.title in page
    assert "Kept in the task force" not in page
    assert draft.title not in page
    assert client.get(f"/lessons/{granted.id}").status_code == 200
    assert granted.title in client.get("/lessons/?q=granted").get_data(as_text=True)
    assert granted.title in client.get("/lessons/export.json").get_data(as_text=True)

    other_guest = make_user("guest", email="other@partner.example")
    client.submit("/logout")
    client.login(other_guest.email)
    assert granted.title not in client.get("/lessons/").get_data(as_text=True)


def test_the_guest_list_takes_the_same_queries_for_many_task_force_lessons(
    client, member, guest, make_lesson, grant
):
    grant(guest, make_lesson(member, "Granted to the guest"))
    client.login(guest.email)
    client.get("/lessons/")

    statements = count_queries()
    client.get("/lessons/")
    few = len(statements)
    assert few > 0
    for number in range(25):
        make_lesson(member, f"Task force lesson {number}")
    client.get("/lessons/")  # the shared counts are cached again after the change
    statements.clear()
    page = client.get("/lessons/").get_data(as_text=True)
    assert "Granted to the guest" in page
    assert len(statements) == few


def test_grantable_lessons_are_those_guests_do_not_see_already(app, member, make_lesson):
    internal = make_lesson(member, "Kept in the task force")
    make_lesson(member, "Shared with partners", sharing="partners")
    make_lesson(member, "Public", sharing="public")
    make_lesson(member, "Draft", status="draft")
    with app.test_request_context():
        offered = contributions(
            "lessons",
            "intranet_grantable_resources",
            user=member,
            query=None,
            refs=None,
            limit=None,
            kinds=None,
        )
    assert [item.ref.id for item in offered] == [internal.id]
