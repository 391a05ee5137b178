"""What a guest granted a meeting reads of it: approved minutes only, and matters arising found
with one list-shaped permission question."""

from __future__ import annotations

from datetime import date, datetime

from intranet.extensions import db
from intranet.platform import plugins
from intranet.plugin_api import hookimpl
from intranet_meetings.models import ActionItem, Minutes


def search(client, query):
    return client.get(f"/search?q={query}").get_data(as_text=True)


def test_a_granted_guest_reads_the_minutes_once_approved_never_the_draft(
    client, make_user, make_meeting, grant_meeting
):
    meeting = make_meeting(title="Granted plenary")
    minutes = Minutes(meeting_id=meeting.id, body="Trafficking draft conclusions", status="draft")
    db.session.add(minutes)
    db.session.commit()
    grant_meeting(meeting)
    client.login(make_user("guest").email)

    for headers in ({}, {"HX-Request": "true"}):
        page = client.get(f"/meetings/{meeting.id}", headers=headers).get_data(as_text=True)
        assert "draft conclusions" not in page and "No minutes yet." in page
    assert "draft conclusions" not in search(client, "conclusions")

    minutes.status = "approved"
    db.session.commit()
    assert "draft conclusions" in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Minutes of Granted plenary" in search(client, "conclusions")


def test_members_read_draft_minutes(client, member, make_meeting):
    meeting = make_meeting()
    db.session.add(Minutes(meeting_id=meeting.id, body="Work in progress", status="draft"))
    db.session.commit()
    client.login(member.email)
    assert "Work in progress" in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)


def test_matters_arising_for_a_guest_ask_once_for_all_earlier_meetings(
    client, make_user, make_meeting, grant_meeting
):
    earlier = [
        make_meeting(
            title=f"Plenary {n}", start=datetime(2030, n, 3, 10), end=datetime(2030, n, 3, 12)
        )
        for n in range(1, 7)
    ]
    later = make_meeting(
        title="Plenary VII", start=datetime(2030, 9, 3, 10), end=datetime(2030, 9, 3, 12)
    )
    db.session.add_all(
        ActionItem(meeting_id=m.id, title=f"Task of {m.title}", due_on=date(2030, 10, 1))
        for m in earlier
    )
    db.session.commit()
    for meeting in [*earlier[::2], later]:
        grant_meeting(meeting)
    asked: list[str] = []

    class Spy:
        @hookimpl
        def intranet_permission(self, user, action, resource):
            if resource is not None and resource.kind == "meetings.meeting":
                asked.append("one")

        @hookimpl
        def intranet_permission_many(self, user, action, kind, ids):
            if kind == "meetings.meeting":
                asked.append("many")

    client.login(make_user("guest").email)
    plugins.registry().pm.register(Spy(), name="meetings-test-spy")
    try:
        page = client.get(f"/meetings/{later.id}").get_data(as_text=True)
    finally:
        plugins.registry().pm.unregister(name="meetings-test-spy")

    assert [f"Task of Plenary {n}" in page for n in range(1, 7)] == [True, False] * 3
    # One question for the meeting itself, one list-shaped question for the earlier ones.
    assert asked.count("one") == 1
    assert asked.count("many") == 2
