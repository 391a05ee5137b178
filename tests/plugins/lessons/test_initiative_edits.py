"""Initiatives are edited by whoever registered them, the reviewers and staff, and every edit
leaves a revision with who and when, shown to those who may edit."""

from __future__ import annotations

from sqlalchemy import select

from intranet.extensions import db
from intranet_lessons.models import Editor, Initiative, InitiativeRevision

FORM = {
    "name": "Baltic shelter network",
    "countries": ["EE"],
    "level": "regional",
    "area": "protection",
    "website": "https://shelters.example.org",
    "description": "Shelters together.",
}


def register(client) -> Initiative:
    assert client.submit("/lessons/initiatives/new", FORM).status_code == 303
    return db.session.scalar(select(Initiative).order_by(Initiative.id.desc()))


def test_only_the_author_reviewers_and_staff_edit_an_initiative(
    client, login_as, member, make_user
):
    client.login(member.email)
    item = register(client)
    url = f"/lessons/initiatives/{item.id}/edit"

    other = make_user("member")
    login_as(other)
    assert "Edit</a>" not in client.get(f"/lessons/initiatives/{item.id}").get_data(as_text=True)
    assert client.get(url).status_code == 403
    hijack = {**FORM, "name": "Hijacked", "website": "https://evil.example"}
    assert client.submit(url, hijack).status_code == 403
    db.session.refresh(item)
    assert (item.name, item.website) == ("Baltic shelter network", "https://shelters.example.org")

    editor = make_user("member")
    db.session.add(Editor(user_id=editor.id))
    db.session.commit()
    for allowed in (member, editor, make_user("secretariat"), make_user("admin")):
        login_as(allowed)
        assert client.get(url).status_code == 200
        assert client.submit(url, {**FORM, "name": f"Named by {allowed.id}"}).status_code == 303


def test_every_edit_is_a_revision_with_who_and_when(client, login_as, member, make_user):
    client.login(member.email)
    item = register(client)
    secretariat = make_user("secretariat", name="Sofia Secretariat")
    login_as(secretariat)
    client.submit(
        f"/lessons/initiatives/{item.id}/edit", {**FORM, "website": "https://new.example"}
    )

    revisions = db.session.scalars(
        select(InitiativeRevision)
        .where(InitiativeRevision.initiative_id == item.id)
        .order_by(InitiativeRevision.number)
    ).all()
    assert [(r.number, r.author_id) for r in revisions] == [(1, member.id), (2, secretariat.id)]
    assert revisions[1].snapshot["website"] == "https://new.example"
    assert revisions[1].created_at is not None

    page = client.get(f"/lessons/initiatives/{item.id}").get_data(as_text=True)
    history = page.split('id="history"')[1]
    assert "Sofia Secretariat" in history and "website" in history
    login_as(make_user("member"))
    assert 'id="history"' not in client.get(f"/lessons/initiatives/{item.id}").get_data(
        as_text=True
    )


def test_an_initiative_lists_its_lessons_a_page_at_a_time(client, member, make_lesson, make_user):
    from intranet_lessons.views.initiatives import LINKED_PAGE_SIZE

    client.login(member.email)
    item = register(client)
    lessons = [make_lesson(member, f"Linked lesson {n:03d}") for n in range(LINKED_PAGE_SIZE + 3)]
    lessons.append(make_lesson(make_user("member"), "Another member draft", status="draft"))
    for lesson in lessons:
        lesson.initiatives.append(item)
    db.session.commit()

    first = client.get(f"/lessons/initiatives/{item.id}").get_data(as_text=True)
    assert f"({LINKED_PAGE_SIZE + 3})" in first
    assert first.count("Linked lesson ") == LINKED_PAGE_SIZE
    assert 'rel="next"' in first
    second = client.get(f"/lessons/initiatives/{item.id}?page=2").get_data(as_text=True)
    assert second.count("Linked lesson ") == 3
    assert "Linked lesson 052" in second and "Linked lesson 000" not in second
    assert "Another member draft" not in first + second
