"""The meetings plugin's permission answers agree with its pages: for every role and every kind
it owns, `can()` and `can_many()` say exactly what the meeting pages and the list show."""

from __future__ import annotations

from typing import Any

import pytest

from intranet.extensions import db
from intranet.plugin_api import ResourceRef, can, can_many
from intranet_meetings.models import Minutes, Series

ROLES = ("admin", "secretariat", "member", "granted guest", "other guest")


@pytest.fixture
def world(make_user, make_meeting, grant) -> dict[str, Any]:
    """Meetings in several states, minutes draft and approved, one guest granted some of it."""
    series = Series(title="Monthly calls")
    db.session.add(series)
    db.session.commit()
    meetings = {
        "granted": make_meeting(title="Granted plenary", agenda=("Opening",)),
        "cancelled": make_meeting(title="Cancelled plenary", status="cancelled", agenda=("A",)),
        "in granted series": make_meeting(title="Call of the series", series_id=series.id),
        "not granted": make_meeting(title="Closed workshop", agenda=("Closed item",)),
    }
    db.session.add_all(
        [
            Minutes(meeting_id=meetings["granted"].id, body="Draft words", status="draft"),
            Minutes(
                meeting_id=meetings["in granted series"].id, body="Agreed words", status="approved"
            ),
            Minutes(meeting_id=meetings["not granted"].id, body="Closed words", status="approved"),
        ]
    )
    db.session.commit()
    users = {
        "admin": make_user("admin"),
        "secretariat": make_user("secretariat"),
        "member": make_user("member"),
        "granted guest": make_user("guest"),
        "other guest": make_user("guest"),
    }
    guest = users["granted guest"]
    grant(guest, "meetings.meeting", meetings["granted"].id)
    grant(guest, "meetings.meeting", meetings["cancelled"].id)
    grant(guest, "meetings.series", series.id)
    return {"meetings": meetings, "users": users}


def sign_in(client, user) -> None:
    client.submit("/logout")
    client.login(user.email)


@pytest.mark.parametrize("role", ROLES)
def test_can_and_can_many_say_what_the_meeting_pages_show(client, app, world, role):
    user = world["users"][role]
    meetings = world["meetings"]
    sign_in(client, user)
    listing = client.get("/meetings/").get_data(as_text=True)
    seen = []
    for meeting in meetings.values():
        page = client.get(f"/meetings/{meeting.id}")
        shown = page.status_code == 200
        if shown:
            seen.append(meeting.title)
        assert page.status_code in (200, 404)
        with app.test_request_context():
            single = can(user, "meetings.view", ResourceRef("meetings.meeting", meeting.id))
            many = meeting.id in can_many(
                user, "meetings.view", "meetings.meeting", [m.id for m in meetings.values()]
            )
            items = [item.id for item in meeting.agenda_items]
            documents = can_many(user, "meetings.view_attachment", "meetings.agenda_item", items)
            document = [
                can(user, "meetings.view_attachment", ResourceRef("meetings.agenda_item", id_))
                for id_ in items
            ]
        assert single == many == shown == (meeting.title in listing), (role, meeting.title)
        assert documents == (set(items) if shown else set()), (role, meeting.title)
        assert document == [shown] * len(items), (role, meeting.title)
    granted = ["Granted plenary", "Cancelled plenary", "Call of the series"]
    expected = {"granted guest": granted, "other guest": []}
    assert seen == expected.get(role, [meeting.title for meeting in meetings.values()])


@pytest.mark.parametrize("role", ROLES)
def test_can_and_can_many_say_which_minutes_the_meeting_pages_show(client, app, world, role):
    user = world["users"][role]
    documents = db.session.scalars(db.select(Minutes)).all()
    ids = [minutes.id for minutes in documents]
    sign_in(client, user)
    with app.test_request_context():
        readable = can_many(user, "meetings.view", "meetings.minutes", ids)
        one_by_one = {
            id_ for id_ in ids if can(user, "meetings.view", ResourceRef("meetings.minutes", id_))
        }
    shown = set()
    for minutes in documents:
        page = client.get(f"/meetings/{minutes.meeting_id}").get_data(as_text=True)
        if minutes.body in page:
            shown.add(minutes.id)
    assert readable == one_by_one == shown
    expected = {
        "admin": 3,
        "secretariat": 3,
        "member": 3,
        "granted guest": 1,  # the approved minutes of the granted series, not the draft
        "other guest": 0,
    }
    assert len(shown) == expected[role]


def test_an_unknown_agenda_item_has_no_documents_for_anyone(app, world):
    with app.test_request_context():
        for user in world["users"].values():
            ref = ResourceRef("meetings.agenda_item", 2_000_000)
            assert not can(user, "meetings.view_attachment", ref)
            assert not can_many(user, "meetings.view_attachment", "meetings.agenda_item", [ref.id])
