"""A meeting's page reads in the order people need it: the record of a meeting that took
place, the answer form of one to come, with nothing answered for the member."""

from __future__ import annotations

from intranet.extensions import db
from intranet_meetings.models import Decision, Minutes, Participant

from .dates import at, working_day


def past_plenary(make_meeting):
    day = working_day(-30)
    meeting = make_meeting(
        title="Last plenary",
        start=at(day, 10),
        end=at(day, 16),
        status="held",
        agenda=("Opening",),
    )
    db.session.add_all(
        [
            Decision(meeting_id=meeting.id, text="The task force adopts its work plan."),
            Minutes(meeting_id=meeting.id, body="The plenary **met** in Riga.", status="draft"),
        ]
    )
    db.session.commit()
    return meeting


def test_a_held_meeting_opens_on_its_decisions_and_minutes(client, member, make_meeting):
    meeting = past_plenary(make_meeting)
    client.login(member.email)

    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)

    decisions, minutes, agenda = (
        page.index(f'id="{part}"') for part in ("decisions", "minutes", "agenda")
    )
    assert decisions < minutes < agenda
    assert "<strong>met</strong>" in page
    assert 'class="response-form"' not in page


def test_an_upcoming_meeting_opens_on_the_answer_form_with_nothing_chosen(
    client, member, make_meeting
):
    day = working_day(20)
    meeting = make_meeting(
        start=at(day, 10),
        end=at(day, 16),
        agenda=("Opening",),
    )
    client.login(member.email)

    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)

    assert page.index('id="answer"') < page.index('id="agenda"') < page.index('id="minutes"')
    form = page[page.index('class="response-form"') :]
    form = form[: form.index("</form>")]
    assert 'type="radio"' in form
    assert "checked" not in form and "selected" not in form


def test_an_answer_is_not_saved_until_the_member_chooses_one(client, member, make_meeting):
    meeting = make_meeting()
    client.login(member.email)

    response = client.submit(f"/meetings/{meeting.id}/response", {})
    chose_only_attending = client.submit(
        f"/meetings/{meeting.id}/response", {"response": "attending"}
    )

    assert response.status_code == 422
    assert "Choose whether you attend." in response.get_data(as_text=True)
    assert chose_only_attending.status_code == 422
    assert "Choose in person or online." in chose_only_attending.get_data(as_text=True)
    assert db.session.query(Participant).count() == 0


def test_declining_needs_no_way_of_taking_part(client, member, make_meeting):
    meeting = make_meeting()
    client.login(member.email)

    response = client.submit(f"/meetings/{meeting.id}/response", {"response": "not-attending"})

    assert response.status_code == 303
    assert db.session.query(Participant).one().response == "not-attending"


def invited(meeting, *people):
    db.session.add_all(Participant(meeting_id=meeting.id, user_id=p.id) for p in people)
    db.session.commit()
    return {p.user_id: p for p in db.session.query(Participant)}


def test_attendance_of_a_held_meeting_is_recorded_with_nothing_preselected(
    client, secretariat, member, make_user, make_meeting
):
    meeting = past_plenary(make_meeting)
    other = make_user(email="other@example.org")
    participants = invited(meeting, member, other, secretariat)
    client.login(secretariat.email)

    page = client.get(f"/meetings/{meeting.id}/participants").get_data(as_text=True)
    response = client.submit(
        f"/meetings/{meeting.id}/attendance",
        {
            f"attendance-{participants[member.id].id}": "attended",
            f"attendance-{participants[other.id].id}": "absent",
        },
    )

    assert page.count('type="radio"') == 6 and " checked" not in page
    assert "Attended" in page and "Absent" in page
    assert response.status_code == 303
    db.session.expire_all()
    recorded = {p.user_id: p.attended for p in db.session.query(Participant)}
    assert recorded == {member.id: True, other.id: False, secretariat.id: None}


def test_attendance_is_not_recorded_before_the_meeting_begins(
    client, secretariat, member, make_meeting
):
    meeting = make_meeting()  # in 2030
    participant = invited(meeting, member)[member.id]
    client.login(secretariat.email)

    page = client.get(f"/meetings/{meeting.id}/participants").get_data(as_text=True)
    client.submit(
        f"/meetings/{meeting.id}/attendance", {f"attendance-{participant.id}": "attended"}
    )

    assert "Attendance can be recorded once the meeting has begun." in page
    assert 'type="radio"' not in page and "Record attendance" not in page
    db.session.expire_all()
    assert db.session.get(Participant, participant.id).attended is None


MARKDOWN_MINUTES = "# Minutes\n\nThe plenary **met** in Riga.\n\n- National reports\n- Work plan"


def test_minutes_excerpts_show_their_text_not_their_markdown(client, member, make_meeting):
    meeting = past_plenary(make_meeting)
    meeting.minutes.body = MARKDOWN_MINUTES
    db.session.commit()
    client.login(member.email)

    listed = client.get("/meetings/?when=past").get_data(as_text=True)
    found = client.get("/search?q=plenary").get_data(as_text=True)

    assert "Minutes (draft): Minutes The plenary met in Riga. National reports Work plan" in listed
    snippet = found[found.index("/meetings/" + str(meeting.id) + "#minutes") :]
    snippet = snippet[: snippet.index("</li>")]
    assert "<mark>plenary</mark> met in Riga" in snippet
    for page in (listed, snippet):
        assert "**" not in page and "# Minutes" not in page and "- National" not in page


def test_a_guest_reads_no_draft_minutes_in_the_list(client, make_user, make_meeting, grant_meeting):
    meeting = past_plenary(make_meeting)
    grant_meeting(meeting)
    client.login(make_user("guest").email)

    listed = client.get("/meetings/?when=past").get_data(as_text=True)

    assert "Last plenary" in listed and "Minutes (draft)" not in listed


def test_the_dashboard_shows_the_beginning_of_the_latest_minutes_as_text(
    client, member, make_meeting
):
    meeting = past_plenary(make_meeting)
    meeting.minutes.body = MARKDOWN_MINUTES
    db.session.commit()
    client.login(member.email)

    card = client.get("/meetings/next", headers={"HX-Request": "true"}).get_data(as_text=True)

    assert "Latest minutes, " in card and "(draft): Minutes The plenary met in Riga." in card
    assert "**" not in card and "# Minutes" not in card


def test_the_latest_minutes_are_of_a_meeting_that_has_begun(client, member, make_meeting):
    """Minutes prepared ahead of a meeting are not the latest minutes (and the newest meetings,
    planned ones, are not where the card looks for them)."""
    past_plenary(make_meeting)
    day = working_day(40)
    ahead = make_meeting(title="Next plenary", start=at(day, 10), end=at(day, 16))
    db.session.add(Minutes(meeting_id=ahead.id, body="Prepared in advance.", status="draft"))
    db.session.commit()
    client.login(member.email)

    card = client.get("/meetings/next", headers={"HX-Request": "true"}).get_data(as_text=True)

    assert "Latest minutes, " in card and "Last plenary" in card
    assert "Prepared in advance" not in card


def test_a_guest_sees_only_approved_minutes_of_granted_meetings_on_the_dashboard(
    client, make_user, make_meeting, grant_meeting
):
    granted = past_plenary(make_meeting)
    hidden = past_plenary(make_meeting)
    hidden.minutes.status = "approved"
    db.session.commit()
    grant_meeting(granted)
    client.login(make_user("guest").email)

    card = client.get("/meetings/next", headers={"HX-Request": "true"}).get_data(as_text=True)
    granted.minutes.status = "approved"
    db.session.commit()
    after_approval = client.get("/meetings/next", headers={"HX-Request": "true"}).get_data(
        as_text=True
    )

    assert "Latest minutes" not in card
    assert f'/meetings/{granted.id}#minutes"' in after_approval
    assert f'/meetings/{hidden.id}#minutes"' not in after_approval
