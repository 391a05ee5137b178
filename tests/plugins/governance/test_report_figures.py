"""A draft report's figures are counted once per change to what they count, never stale: each
write the sub-groups, meetings and partners plugins count from shows on the next view, and a
meeting that begins between two views is counted without any write."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from sqlalchemy import select

from intranet.extensions import db
from intranet.models import utcnow
from intranet_governance.models import Report
from intranet_meetings.models import Decision, Meeting, Participant
from intranet_partners.models import Guest
from intranet_subgroups.models import Membership, Post, SubGroup, Thread
from tests.partner_helpers import make_guest

from .helpers import counted_queries


def draft_report(secretariat) -> Report:
    today = utcnow().date()
    report = Report(
        title="Activity report this year",
        start=today - timedelta(days=100),
        end=today + timedelta(days=100),
        created_by=secretariat,
    )
    db.session.add(report)
    db.session.commit()
    return report


def a_group_with_a_post(member) -> Thread:
    today = utcnow().date()
    group = SubGroup(
        name="Labour exploitation",
        kind="topic",
        mandate="Forced labour.",
        start_date=today - timedelta(days=50),
        end_date=today + timedelta(days=50),
        status="active",
        join_policy="open",
    )
    group.memberships.append(
        Membership(user_id=member.id, role="member", state="active", joined_at=utcnow())
    )
    thread = Thread(group=group, title="Hello", author_id=member.id)
    thread.posts.append(Post(author_id=member.id, body="First post"))
    db.session.add_all([group, thread])
    db.session.commit()
    return thread


def a_meeting(title: str, start, attendees=()) -> Meeting:
    meeting = Meeting(
        title=title,
        kind="plenary",
        start_at=start,
        end_at=start + timedelta(hours=2),
        timezone="Europe/Riga",
        venue="Riga",
        online_url="",
        status="confirmed",
        exdates=[],
    )
    meeting.last_end_at = meeting.end_at
    for user in attendees:
        meeting.participants.append(Participant(user_id=user.id, attended=True))
    db.session.add(meeting)
    db.session.commit()
    return meeting


def view(client, report: Report) -> str:
    response = client.get(f"/governance/reports/{report.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_figures_are_counted_once_and_show_every_write_on_the_next_view(
    client, secretariat, make_user
):
    member, other = make_user(country_code="EE"), make_user(country_code="FI")
    thread = a_group_with_a_post(member)
    meeting = a_meeting("Plenary", utcnow() - timedelta(days=3), attendees=[member])
    report = draft_report(secretariat)
    client.login(secretariat.email)

    page = view(client, report)
    assert "1 post written" in page and "1 recorded attendance." in page
    assert "Estonia" in page
    with counted_queries() as statements:
        view(client, report)
    counted = [s for s in statements if "count(" in s and "subgroups_post" in s]
    assert counted == [], "an unchanged report counted the sub-groups' posts again"
    assert not [s for s in statements if "meetings_participant" in s and "count(" in s]

    db.session.add(Post(thread_id=thread.id, author_id=member.id, body="Second post"))
    db.session.commit()
    assert "2 posts written" in view(client, report)

    member.country_code = "LV"
    db.session.commit()
    page = view(client, report)
    assert "Latvia" in page and "Estonia" not in page

    db.session.add(Participant(meeting_id=meeting.id, user_id=other.id, attended=True))
    db.session.commit()
    assert "2 recorded attendances." in view(client, report)

    db.session.add(
        Decision(meeting_id=meeting.id, body="TF", year=2026, number=1, text="Adopt the plan.")
    )
    db.session.commit()
    assert "Adopt the plan." in view(client, report)

    make_guest("Greta Partner", secretariat, [])
    db.session.commit()
    page = view(client, report)
    assert "1 partner organisation took part through 1 guest account." in page
    guest = db.session.scalar(select(Guest))
    guest.organisation = "Nordic Council of Ministers"
    db.session.commit()
    assert "Nordic Council of Ministers" in view(client, report)


def test_a_change_to_what_no_figure_counts_leaves_them_cached(client, secretariat, make_user):
    member = make_user(country_code="EE")
    a_group_with_a_post(member)
    report = draft_report(secretariat)
    client.login(secretariat.email)
    view(client, report)

    member.timezone = "Europe/Tallinn"  # not a counted column of the account
    db.session.commit()
    with counted_queries() as statements:
        view(client, report)
    assert not [s for s in statements if "count(" in s and "subgroups_post" in s]


def test_a_meeting_that_begins_between_two_views_is_counted_without_any_write(client, secretariat):
    now = utcnow()
    a_meeting("Plenary under way", now - timedelta(days=1))
    a_meeting("Expert workshop", now + timedelta(hours=1))
    report = draft_report(secretariat)
    client.login(secretariat.email)
    assert "1 meeting in the period" in view(client, report)
    with time_machine.travel(now + timedelta(hours=2)):
        assert "2 meetings in the period" in view(client, report)
