"""Choosing what a guest is granted: the chosen items ticked, a search, never every lesson."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from sqlalchemy import event

from intranet.extensions import db
from intranet.platform.grants import grantable_resources
from intranet.platform.plugins import registry
from intranet.plugin_api import hookimpl
from intranet.values import ResourceRef
from intranet_example import ExampleNote
from intranet_lessons.models import Lesson
from intranet_partners.models import Invitation
from intranet_partners.views.choosing import FOUND_LIMIT, SHOW_ALL_UP_TO
from tests.plugins.partners.conftest import invite_data

HTMX = {"HX-Request": "true"}
MANY = SHOW_ALL_UP_TO + 15
CHECKBOX = re.compile(
    r'<input type="checkbox" name="resources" value="([a-z.]+):(\d+)"( checked)?>'
)


@pytest.fixture
def many(app, admin):
    """More notes (the example plugin answers the hook with `user` only) and lessons (the
    lessons plugin answers `query`, `refs` and `limit`) than a form may list; one of each
    about fisheries."""
    notes = [
        ExampleNote(text=f"Meeting notes {number}", author_id=admin.id) for number in range(MANY)
    ]
    notes.append(ExampleNote(text="Labour exploitation in Fisheries", author_id=admin.id))
    lessons = [
        Lesson(
            title=f"Lesson learnt {number}",
            summary="A summary",
            level="national",
            area="protection",
            start_year=2020,
            status="published",
            sharing="taskforce",
            author_id=admin.id,
        )
        for number in range(MANY)
    ]
    lessons.append(
        Lesson(
            title="Screening fishing crews",
            summary="A summary",
            level="national",
            area="protection",
            start_year=2021,
            status="published",
            sharing="taskforce",
            author_id=admin.id,
        )
    )
    db.session.add_all([*notes, *lessons])
    db.session.commit()
    return {"note": notes, "lesson": lessons}


def offered(html: str) -> dict[str, dict[str, bool]]:
    """The resources a page offers as checkboxes: kind -> {key: ticked}."""
    found: dict[str, dict[str, bool]] = {}
    for kind, id_, checked in CHECKBOX.findall(html):
        found.setdefault(kind, {})[f"{kind}:{id_}"] = bool(checked)
    return found


def key(item) -> str:
    kind = "example.note" if isinstance(item, ExampleNote) else "lessons.lesson"
    return f"{kind}:{item.id}"


def find(word: str, **fields) -> dict:
    return {"resources_q": word, "resources_search": "1", **fields}


def test_the_grant_forms_list_at_most_twenty_matches_of_each_plugin(
    client, secretariat, guest_client, many
):
    guest_id = db.session.scalar(db.select(Invitation.guest_id))
    client.login(secretariat.email)
    for page in ("/partners/invite", "/partners/bulk", f"/partners/guests/{guest_id}"):
        html = client.get(page).get_data(as_text=True)
        assert 'name="resources_q"' in html and 'name="resources_search"' in html, page
        assert all(len(keys) <= FOUND_LIMIT for keys in offered(html).values()), page

    searches = {
        "/partners/invite": find("e"),
        "/partners/bulk": find("e"),
        f"/partners/guests/{guest_id}/grants": find("e"),
    }
    for url, data in searches.items():
        response = client.submit(url, data)
        html = response.get_data(as_text=True)
        assert response.status_code == 200, url
        counts = Counter(kind for kind, _, _ in CHECKBOX.findall(html))
        assert FOUND_LIMIT - 1 <= counts["example.note"] <= FOUND_LIMIT, url  # less one granted
        assert counts["lessons.lesson"] == FOUND_LIMIT, url
        assert "Type more of the title" in html, url


def test_a_word_of_the_title_finds_what_to_share_in_any_case(client, secretariat, many):
    client.login(secretariat.email)
    html = client.get("/partners/choose?resources_q=FISH", headers=HTMX).get_data(as_text=True)
    assert offered(html) == {
        "example.note": {key(many["note"][-1]): False},
        "lessons.lesson": {key(many["lesson"][-1]): False},
    }
    assert "Type more of the title" not in html
    nothing = client.get("/partners/choose?resources_q=whaling", headers=HTMX)
    assert offered(nothing.get_data(as_text=True)) == {}
    assert "Nothing you can share has “whaling” in its title" in nothing.get_data(as_text=True)


def test_what_was_chosen_stays_ticked_when_the_form_comes_back(client, secretariat, many):
    chosen = [key(many["note"][3]), key(many["lesson"][40])]
    client.login(secretariat.email)
    refused = client.submit("/partners/invite", invite_data([], email="", resources=chosen))
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert offered(html) == {
        "example.note": {chosen[0]: True},
        "lessons.lesson": {chosen[1]: True},
    }
    assert 'value="Nora Partner"' in html

    searched = client.submit("/partners/invite", invite_data([], resources=chosen) | find("fish"))
    html = searched.get_data(as_text=True)
    assert searched.status_code == 200
    assert offered(html)["example.note"] == {chosen[0]: True, key(many["note"][-1]): False}
    assert offered(html)["lessons.lesson"] == {chosen[1]: True, key(many["lesson"][-1]): False}
    assert 'value="Nora Partner"' in html and "labour exploitation." in html
    assert db.session.scalar(db.select(db.func.count()).select_from(Invitation)) == 0

    rows = "Astrid Nilsen, astrid@norden.example, Nordic Council, ngo"
    bulk = client.submit("/partners/bulk", {"rows": rows, "resources": chosen} | find("fish"))
    html = bulk.get_data(as_text=True)
    assert rows in html
    assert offered(html)["example.note"][chosen[0]] is True


def test_the_choices_answer_htmx_and_a_plain_get_alike(client, secretariat, guest_client, many):
    client.login(secretariat.email)
    url = f"/partners/choose?resources_q=fish&resources={key(many['note'][7])}"
    fragment = client.get(url, headers=HTMX)
    plain = client.get(url)
    assert fragment.status_code == plain.status_code == 200
    html = fragment.get_data(as_text=True)
    assert "<html" not in html
    assert offered(html)["example.note"] == {
        key(many["note"][7]): True,
        key(many["note"][-1]): False,
    }
    assert offered(plain.get_data(as_text=True)) == offered(html)

    guest_id = db.session.scalar(db.select(Invitation.guest_id))
    granted = db.session.scalars(db.select(ExampleNote).where(ExampleNote.text.like("Shared%")))
    granted_key = key(granted.one())
    words = client.get("/partners/choose?resources_q=shared", headers=HTMX).get_data(as_text=True)
    assert granted_key in words
    leave_out = client.get(f"/partners/choose?guest={guest_id}&resources_q=shared", headers=HTMX)
    assert granted_key not in leave_out.get_data(as_text=True)


def test_guests_and_members_cannot_open_the_choices(client, guest_client, member, many):
    assert guest_client.get("/partners/choose?resources_q=fish", headers=HTMX).status_code == 403
    client.login(member.email)
    assert client.get("/partners/choose?resources_q=fish", headers=HTMX).status_code == 403


def test_a_plugin_answering_for_user_only_is_narrowed_by_the_core(app, secretariat, many):
    example = [
        impl
        for impl in registry().pm.hook.intranet_grantable_resources.get_hookimpls()
        if impl.plugin_name == "example"
    ]
    assert [impl.argnames for impl in example] == [("user",)]
    notes = many["note"]
    with app.test_request_context():
        found = grantable_resources(secretariat, query="fisheries LABOUR")
        assert [item.ref for item in found] == [ResourceRef("example.note", notes[-1].id)]
        wanted = {ResourceRef("example.note", notes[5].id), ResourceRef("lessons.lesson", 10**8)}
        chosen = grantable_resources(secretariat, refs=wanted)
        assert [item.ref for item in chosen] == [ResourceRef("example.note", notes[5].id)]
        few = grantable_resources(secretariat, limit=3)
        assert Counter(item.ref.kind for item in few)["example.note"] == 3
        assert grantable_resources(secretariat, kinds={"lessons.lesson"})
        assert not [
            item
            for item in grantable_resources(secretariat, kinds={"lessons.lesson"})
            if item.ref.kind != "lessons.lesson"
        ]


def test_a_form_asking_for_one_kind_is_answered_by_its_plugin_alone(app, secretariat, many):
    """The lessons and meetings plugins are not asked to search theirs for a sub-group."""
    statements: list[str] = []

    def record(*args) -> None:
        statements.append(args[2])

    with app.test_request_context():
        grantable_resources(secretariat, kinds={"subgroups.group"})
        event.listen(db.engine, "before_cursor_execute", record)
        try:
            groups = grantable_resources(secretariat, kinds={"subgroups.group"})
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
    assert {item.ref.kind for item in groups} <= {"subgroups.group"}
    assert not [s for s in statements if "lessons_lesson" in s or "meetings_meeting" in s]


class Asked:
    """A plugin asked last for what may be granted; it counts the questions."""

    def __init__(self) -> None:
        self.times = 0

    @hookimpl(trylast=True)
    def intranet_grantable_resources(self, user):
        self.times += 1
        return []


@pytest.mark.parametrize("big", [True, False], ids=["more than a page", "a small site"])
def test_a_big_site_s_form_asks_no_plugin_after_one_with_more_than_a_page(
    app, client, secretariat, request, big
):
    """Whether everything fits in the form is known once one plugin offers more than a page:
    the plugins after it are not asked for theirs (on a small site, every plugin is)."""
    if big:
        request.getfixturevalue("many")
    asked = Asked()
    app.extensions["intranet_plugins"].pm.register(asked, name="asked-last")
    client.login(secretariat.email)
    assert client.get("/partners/invite").status_code == 200
    assert asked.times == (0 if big else 1)


def test_a_member_finds_the_one_thing_a_plugin_lets_them_share_however_far_down(
    app, client, member, many
):
    last = many["note"][-1]

    class Convenors:
        @hookimpl
        def intranet_permitted(self, user, action):
            if action == "partners.invite" and user.id == member.id:
                return {"example.note": [last.id]}
            return None

    app.extensions["intranet_plugins"].pm.register(Convenors(), name="convenors")
    client.login(member.email)
    assert offered(client.get("/partners/invite").get_data(as_text=True)) == {
        "example.note": {key(last): False}
    }


def test_a_plugin_s_veto_keeps_out_what_another_named(app, client, member, many):
    first, last = many["note"][0], many["note"][-1]

    class Convenors:
        @hookimpl
        def intranet_permitted(self, user, action):
            if action == "partners.invite" and user.id == member.id:
                return {"example.note": [first.id, last.id]}
            return None

    class Careful:
        @hookimpl
        def intranet_permission(self, user, action, resource):
            if action == "partners.invite" and resource == ResourceRef("example.note", first.id):
                return False
            return None

    app.extensions["intranet_plugins"].pm.register(Convenors(), name="convenors")
    app.extensions["intranet_plugins"].pm.register(Careful(), name="careful")
    client.login(member.email)
    assert offered(client.get("/partners/invite").get_data(as_text=True)) == {
        "example.note": {key(last): False}
    }
    refused = client.submit("/partners/invite", invite_data([first.id]))
    assert refused.status_code == 422


def test_a_member_nobody_lets_invite_is_refused_without_reading_the_site(app, client, member, many):
    """Deciding that a member may invite to nothing reads none of the lessons and meetings:
    it used to ask `can()` about each one (7.6 s for a member at N=1)."""
    statements: list[str] = []

    def record(*args) -> None:
        statements.append(args[2])

    client.login(member.email)
    event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert client.get("/partners/invite").status_code == 403
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert not [s for s in statements if "lessons_lesson" in s or "example_note" in s]
