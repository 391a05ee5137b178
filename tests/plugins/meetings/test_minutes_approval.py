"""Minutes go from draft to approved when the next meeting of the same body approves them
under its standing item: who approved them, when and at which meeting is shown on both
meetings and kept in the audit log."""

from __future__ import annotations

from sqlalchemy import select

from intranet.extensions import db
from intranet.models import AuditEvent
from intranet_meetings.models import Minutes, Series

from .dates import at, working_day

APPROVE = "Approve these minutes"


def plenary(make_meeting, title, offset_days, **fields):
    day = working_day(offset_days)
    return make_meeting(title=title, start=at(day, 10), end=at(day, 16), **fields)


def with_draft_minutes(meeting):
    db.session.add(Minutes(meeting_id=meeting.id, body="The plenary met.", status="draft"))
    db.session.commit()
    return meeting


def test_the_next_plenary_of_another_series_approves_the_previous_minutes(
    client, secretariat, make_meeting
):
    previous = with_draft_minutes(
        plenary(make_meeting, "Autumn plenary", -60, series=Series(title="Mandate 2024-2026"))
    )
    today = plenary(make_meeting, "Spring plenary", -1, series=Series(title="Mandate 2026-2028"))
    client.login(secretariat.email)
    assert APPROVE in client.get(f"/meetings/{today.id}").get_data(as_text=True)

    response = client.submit(f"/meetings/{today.id}/previous-minutes/approve", {})

    assert response.status_code == 303
    minutes = db.session.scalar(select(Minutes).where(Minutes.meeting_id == previous.id))
    assert minutes.status == "approved"
    assert (minutes.approved_in_id, minutes.approved_by_id) == (today.id, secretariat.id)
    assert minutes.approved_at is not None
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "meetings.minutes_approved")
    )
    assert event.target == f"meeting:{previous.id}" and event.actor_id == secretariat.id
    approval = f'approved at <a href="/meetings/{today.id}">Spring plenary</a> on '
    shown_on_previous = client.get(f"/meetings/{previous.id}").get_data(as_text=True)
    shown_on_today = client.get(f"/meetings/{today.id}").get_data(as_text=True)
    for page in (shown_on_previous, shown_on_today):
        assert approval in page and "by Sofia Secretariat" in page
    assert APPROVE not in shown_on_today


def test_a_meeting_to_come_cannot_approve_them_yet(client, secretariat, make_meeting):
    previous = with_draft_minutes(plenary(make_meeting, "Autumn plenary", -60))
    upcoming = plenary(make_meeting, "Spring plenary", 30)
    client.login(secretariat.email)

    page = client.get(f"/meetings/{upcoming.id}").get_data(as_text=True)
    client.submit(f"/meetings/{upcoming.id}/previous-minutes/approve", {})

    assert APPROVE not in page and "to be approved once this meeting has begun" in page
    assert db.session.scalar(select(Minutes.status).where(Minutes.meeting_id == previous.id)) == (
        "draft"
    )


def test_another_body_does_not_approve_the_plenary_minutes(client, secretariat, make_meeting):
    previous = with_draft_minutes(plenary(make_meeting, "Autumn plenary", -60))
    sub_group = plenary(
        make_meeting,
        "Sub-group meeting",
        -1,
        kind="sub-group",
        owner_kind="subgroups.group",
        owner_id=3,
    )
    client.login(secretariat.email)

    client.submit(f"/meetings/{sub_group.id}/previous-minutes/approve", {})

    assert db.session.scalar(select(Minutes.status).where(Minutes.meeting_id == previous.id)) == (
        "draft"
    )


def test_members_see_the_standing_item_without_the_button(client, member, make_meeting):
    with_draft_minutes(plenary(make_meeting, "Autumn plenary", -60))
    today = plenary(make_meeting, "Spring plenary", -1)
    client.login(member.email)

    page = client.get(f"/meetings/{today.id}").get_data(as_text=True)

    assert "Approval of the minutes of the previous meeting" in page and "(draft)" in page
    assert APPROVE not in page
    assert client.submit(f"/meetings/{today.id}/previous-minutes/approve", {}).status_code == 403
