"""Planning an agenda: it never runs past the meeting's end, and the previous meeting's
agenda of the same body can be copied to start from."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from intranet.extensions import db
from intranet_meetings.models import AgendaItem, Series

COPY = "Copy the agenda of the previous meeting"


def agenda(meeting_id):
    return db.session.execute(
        select(AgendaItem.title, AgendaItem.duration_minutes)
        .where(AgendaItem.meeting_id == meeting_id)
        .order_by(AgendaItem.position)
    ).all()


def test_an_item_that_would_run_past_the_end_is_refused_keeping_what_was_typed(
    client, secretariat, make_meeting
):
    meeting = make_meeting(start=datetime(2030, 3, 19, 10), end=datetime(2030, 3, 19, 12))
    db.session.add(
        AgendaItem(meeting_id=meeting.id, position=1, title="Reports", duration_minutes=100)
    )
    db.session.commit()
    client.login(secretariat.email)

    typed = {"title": "Guardianship of children", "presenter": "Finland", "duration_minutes": "30"}
    refused = client.submit(f"/meetings/{meeting.id}/agenda/new", typed)
    accepted = client.submit(
        f"/meetings/{meeting.id}/agenda/new", {**typed, "duration_minutes": "20"}
    )

    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "past the meeting&#39;s end at 12:00: at most 20 minutes are left." in html
    error = html.index("at most 20 minutes")
    assert html.rindex('name="duration_minutes"', 0, error) > html.rindex(
        'name="presenter"', 0, error
    )
    assert 'value="Guardianship of children"' in html and 'value="Finland"' in html
    assert 'value="30"' in html
    assert accepted.status_code == 303
    assert agenda(meeting.id) == [("Reports", 100), ("Guardianship of children", 20)]


def test_lengthening_an_item_past_the_end_is_refused(client, secretariat, make_meeting):
    meeting = make_meeting(agenda=("Opening", "Reports"))  # two hours, 15 minutes each
    opening = meeting.agenda_items[0]
    client.login(secretariat.email)

    too_long = client.submit(
        f"/meetings/{meeting.id}/agenda/{opening.id}/edit",
        {"title": "Opening", "duration_minutes": "106"},
    )
    just_fits = client.submit(
        f"/meetings/{meeting.id}/agenda/{opening.id}/edit",
        {"title": "Opening", "duration_minutes": "105"},
    )

    assert too_long.status_code == 422
    assert "at most 105 minutes are left." in too_long.get_data(as_text=True)
    assert just_fits.status_code == 303
    assert agenda(meeting.id) == [("Opening", 105), ("Reports", 15)]


def test_the_previous_agenda_of_the_body_is_copied_with_its_durations(
    client, secretariat, make_meeting
):
    previous = make_meeting(
        title="Autumn plenary",
        start=datetime(2029, 10, 9, 10),
        end=datetime(2029, 10, 9, 16),
        series=Series(title="Mandate 2027-2029"),
    )
    db.session.add_all(
        [
            AgendaItem(meeting_id=previous.id, position=1, title="Opening", duration_minutes=10),
            AgendaItem(
                meeting_id=previous.id, position=2, title="Tour de table", duration_minutes=90
            ),
            AgendaItem(
                meeting_id=previous.id, position=3, title="Study visit", duration_minutes=120
            ),
        ]
    )
    db.session.commit()
    meeting = make_meeting(  # two hours: the study visit no longer fits
        title="Spring plenary",
        start=datetime(2030, 3, 19, 10),
        end=datetime(2030, 3, 19, 12),
        series=Series(title="Mandate 2030-2032"),
    )
    client.login(secretariat.email)
    assert COPY in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)

    response = client.submit(f"/meetings/{meeting.id}/agenda/copy", {})

    assert response.status_code == 303
    assert agenda(meeting.id) == [("Opening", 10), ("Tour de table", 90)]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Not copied, as they would run past the meeting&#39;s end: “Study visit”." in page
    assert COPY not in page
    client.submit(f"/meetings/{meeting.id}/agenda/copy", {})
    assert len(agenda(meeting.id)) == 2  # a second copy adds nothing
    assert len(agenda(previous.id)) == 3


def test_there_is_nothing_to_copy_without_a_previous_meeting(client, secretariat, make_meeting):
    meeting = make_meeting()
    client.login(secretariat.email)

    assert COPY not in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    client.submit(f"/meetings/{meeting.id}/agenda/copy", {})
    assert agenda(meeting.id) == []
