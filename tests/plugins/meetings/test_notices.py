"""Meetings notify invitees, owners and the secretariat, never the person who acted."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from intranet.extensions import db
from intranet.models import utcnow
from intranet.platform.notifications import Notification
from intranet_meetings import notices
from intranet_meetings.models import ActionItem, Minutes, Participant
from tests.conftest import contributions


def notes(user, kind=None):
    query = select(Notification).where(Notification.user_id == user.id)
    if kind:
        query = query.where(Notification.kind == kind)
    return list(db.session.scalars(query.order_by(Notification.id)))


def mailed_to(outbox):
    return [message["To"] for message in outbox()]


def invite(meeting, *users, response=None):
    for user in users:
        db.session.add(Participant(meeting_id=meeting.id, user_id=user.id, response=response))
    db.session.commit()


@pytest.fixture
def people(make_user, secretariat):
    return {
        "sec": secretariat,
        "anna": make_user("member", email="anna@example.org", notification_preference="immediate"),
        "ben": make_user("member", email="ben@example.org", notification_preference="none"),
        "no": make_user("member", email="no@example.org", notification_preference="immediate"),
    }


def edit_data(meeting, **change):
    data = {
        "title": meeting.title,
        "kind": meeting.kind,
        "start": "2030-03-19T10:00",
        "end": "2030-03-19T12:00",
        "timezone": meeting.timezone,
        "venue": meeting.venue,
        "status": meeting.status,
    }
    return {**data, **change}


def test_new_invitees_are_invited_with_a_link_but_not_the_actor(
    client, people, make_meeting, outbox
):
    meeting = make_meeting()
    invite(meeting, people["ben"])
    client.login(people["sec"].email)
    ids = [str(people[name].id) for name in ("anna", "ben", "sec")]
    assert client.submit(f"/meetings/{meeting.id}/invite", {"members": ids}).status_code == 303
    (note,) = notes(people["anna"], "meetings.invited")
    assert note.url == f"/meetings/{meeting.id}"
    assert "Plenary in Riga" in note.title
    assert notes(people["ben"]) == []  # invited before: not again
    assert notes(people["sec"]) == []
    assert mailed_to(outbox) == ["anna@example.org"]


def test_agenda_published_and_republished_reach_invitees_who_did_not_decline(
    client, people, make_meeting, outbox
):
    meeting = make_meeting(agenda=("Opening",))
    invite(meeting, people["anna"], people["ben"], people["sec"])
    invite(meeting, people["no"], response="not-attending")
    client.login(people["sec"].email)
    client.submit(f"/meetings/{meeting.id}/agenda/publish")
    client.submit(f"/meetings/{meeting.id}/agenda/publish")
    titles = [n.title for n in notes(people["anna"], "meetings.agenda_published")]
    assert titles == ["Agenda published: Plenary in Riga", "Agenda updated: Plenary in Riga"]
    assert len(notes(people["ben"], "meetings.agenda_published")) == 2  # in-app only
    assert notes(people["no"]) == [] and notes(people["sec"]) == []
    assert mailed_to(outbox) == ["anna@example.org", "anna@example.org"]


def test_a_change_of_time_or_venue_is_announced_and_an_unchanged_save_is_not(
    client, people, make_meeting, outbox
):
    meeting = make_meeting()
    invite(meeting, people["anna"], people["sec"])
    invite(meeting, people["no"], response="not-attending")
    client.login(people["sec"].email)
    url = f"/meetings/{meeting.id}/edit"
    assert client.submit(url, edit_data(meeting)).status_code == 303
    assert notes(people["anna"]) == []
    client.submit(url, edit_data(meeting, venue="Tallinn", start="2030-03-19T11:00"))
    (note,) = notes(people["anna"], "meetings.changed")
    assert "Venue: Tallinn" in note.text and "New time" in note.text
    assert notes(people["no"]) == [] and notes(people["sec"]) == []
    client.submit(url, edit_data(meeting, timezone="Europe/Vilnius", venue="Tallinn"))
    assert "Time zone: Vilnius (UTC+2)" in notes(people["anna"], "meetings.changed")[-1].text
    client.submit(url, edit_data(meeting, online_url="https://meet.example.org/x"))
    assert "Online link" in notes(people["anna"], "meetings.changed")[-1].text
    assert mailed_to(outbox) == ["anna@example.org"] * 3


def test_cancellation_reaches_every_invitee(client, people, make_meeting, outbox):
    meeting = make_meeting()
    invite(meeting, people["anna"], people["sec"])
    invite(meeting, people["no"], response="not-attending")
    client.login(people["sec"].email)
    client.submit(f"/meetings/{meeting.id}/edit", edit_data(meeting, status="cancelled"))
    assert len(notes(people["anna"], "meetings.cancelled")) == 1
    assert len(notes(people["no"], "meetings.cancelled")) == 1
    assert notes(people["anna"], "meetings.changed") == []
    assert notes(people["sec"]) == []
    assert sorted(mailed_to(outbox)) == ["anna@example.org", "no@example.org"]


def soon(make_meeting, hours):
    start = (utcnow() + timedelta(hours=hours)).replace(tzinfo=None, microsecond=0)
    return make_meeting(start=start, end=start + timedelta(hours=2), timezone="UTC")


def test_reminders_go_out_once_within_the_lead_time(app, people, make_meeting, outbox):
    near, far = soon(make_meeting, 10), soon(make_meeting, 48)
    invite(near, people["anna"], people["ben"])
    invite(near, people["no"], response="not-attending")
    invite(far, people["anna"])
    runner = app.test_cli_runner()
    assert "ran meetings.reminders" in runner.invoke(args=["intranet", "run-jobs"]).output
    with app.test_request_context():
        assert notices.send_reminders() == 0  # idempotent
    (note,) = notes(people["anna"], "meetings.reminder")
    assert note.url == f"/meetings/{near.id}"
    assert len(notes(people["ben"], "meetings.reminder")) == 1
    assert notes(people["no"]) == []
    assert mailed_to(outbox) == ["anna@example.org"]
    app.config["MEETINGS_REMINDER_HOURS"] = 72
    with app.test_request_context():
        assert notices.send_reminders() == 1
        assert notices.send_reminders() == 0
    assert len(notes(people["anna"], "meetings.reminder")) == 2


def test_reminder_lead_time_is_a_declared_setting(app):
    with app.test_request_context():
        (setting,) = contributions("meetings", "intranet_settings_schema")
    assert (setting.key, setting.default) == ("reminder_hours", 24)


def test_action_item_assigned_to_a_member_or_a_delegation(
    client, people, make_user, make_meeting, outbox
):
    meeting = make_meeting()
    lv = make_user("member", email="lv@example.org", country_code="LV")
    make_user("member", email="gone@example.org", country_code="LV", is_active_account=False)
    make_user("guest", email="lvguest@example.org", country_code="LV")
    client.login(people["sec"].email)
    url = f"/meetings/{meeting.id}/actions/new"
    client.submit(url, {"title": "Send the report", "owner_user": str(people["anna"].id)})
    client.submit(url, {"title": "Host the next plenary", "owner_country": "LV"})
    client.submit(url, {"title": "Note to self", "owner_user": str(people["sec"].id)})
    (note,) = notes(people["anna"], "meetings.action_assigned")
    assert "Send the report" in note.title and note.url == "/meetings/actions"
    assert [n.title for n in notes(lv)] == ["Action item for you: Host the next plenary"]
    assert notes(people["sec"]) == []
    assert sorted(mailed_to(outbox)) == ["anna@example.org", "lv@example.org"]


def test_overdue_action_items_are_reported_once_to_owners_and_secretariat(
    app, people, make_user, make_meeting, outbox
):
    meeting = make_meeting()
    lv = make_user("member", email="lv@example.org", country_code="LV")
    yesterday = utcnow().date() - timedelta(days=1)
    db.session.add_all(
        [
            ActionItem(
                meeting_id=meeting.id,
                title="Late",
                owner_user_id=people["anna"].id,
                due_on=yesterday,
            ),
            ActionItem(
                meeting_id=meeting.id, title="Late too", owner_country="LV", due_on=yesterday
            ),
            ActionItem(
                meeting_id=meeting.id,
                title="Done",
                owner_country="LV",
                due_on=yesterday,
                status="done",
            ),
            ActionItem(
                meeting_id=meeting.id, title="Later", owner_country="LV", due_on=date(2099, 1, 1)
            ),
        ]
    )
    db.session.commit()
    with app.test_request_context():
        assert notices.send_overdue() == 2
        assert notices.send_overdue() == 0
    assert [n.title for n in notes(people["anna"])] == ["Overdue action item: Late"]
    assert [n.title for n in notes(lv)] == ["Overdue action item: Late too"]
    assert len(notes(people["sec"], "meetings.action_overdue")) == 2
    assert sorted(mailed_to(outbox)) == [
        "anna@example.org",
        "lv@example.org",
        "sec@example.org",
        "sec@example.org",
    ]


def test_approved_minutes_are_announced_to_participants(client, people, make_meeting, outbox):
    meeting = make_meeting(start=datetime(2020, 3, 19, 10), end=datetime(2020, 3, 19, 12))
    invite(meeting, people["anna"], people["sec"])
    invite(meeting, people["no"], response="not-attending")
    client.login(people["sec"].email)
    url = f"/meetings/{meeting.id}/minutes"
    client.submit(url, {"body": "Draft", "status": "draft"})
    assert notes(people["anna"]) == []
    client.submit(url, {"body": "Final", "status": "approved"})
    client.submit(url, {"body": "Final, typo fixed", "status": "approved"})
    (note,) = notes(people["anna"], "meetings.minutes_approved")
    assert note.url == f"/meetings/{meeting.id}#minutes"
    assert len(notes(people["no"], "meetings.minutes_approved")) == 1
    assert notes(people["sec"]) == []
    assert db.session.scalar(select(Minutes.status)) == "approved"
    assert sorted(mailed_to(outbox)) == ["anna@example.org", "no@example.org"]
