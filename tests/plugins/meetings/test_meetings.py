"""Meetings: who sees what, creating and editing, agenda, answers, participants, action items."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import event, func, select

from intranet.extensions import db
from intranet_meetings.models import ActionItem, AgendaItem, Meeting, Minutes, Participant

VALID = {
    "title": "Plenary in Tallinn",
    "kind": "plenary",
    "start": "2030-05-06T09:30",
    "end": "2030-05-06T17:00",
    "timezone": "Europe/Tallinn",
    "venue": "Stenbock House",
    "host_country": "EE",
    "status": "planned",
}


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def agenda_titles(meeting_id):
    return list(
        db.session.scalars(
            select(AgendaItem.title)
            .where(AgendaItem.meeting_id == meeting_id)
            .order_by(AgendaItem.position)
        )
    )


def test_anonymous_visitors_are_sent_to_the_login(client, make_meeting):
    meeting = make_meeting()
    response = client.get(f"/meetings/{meeting.id}")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    assert client.get(f"/meetings/{meeting.id}.ics").status_code == 302


def test_a_guest_without_a_grant_sees_nothing_of_a_meeting(client, make_user, make_meeting):
    meeting = make_meeting(title="Closed plenary", agenda=("Secret item",))
    guest = make_user("guest")
    client.login(guest.email)
    for url in (
        f"/meetings/{meeting.id}",
        f"/meetings/{meeting.id}.ics",
        f"/meetings/{meeting.id}/participants",
        f"/meetings/{meeting.id}/participants.csv",
        f"/meetings/{meeting.id}/edit",
    ):
        assert client.get(url).status_code in (403, 404), url
    assert (
        client.submit(
            f"/meetings/{meeting.id}/response", {"response": "attending", "mode": "online"}
        ).status_code
        == 404
    )
    for url in ("/meetings/", "/meetings/next", "/meetings/actions"):
        for headers in ({}, {"HX-Request": "true"}):
            response = client.get(url, headers=headers)
            assert response.status_code == 200
            assert "Closed plenary" not in response.get_data(as_text=True)
    assert count(Participant) == 0


def test_members_see_meetings_but_cannot_edit_them(client, member, make_meeting):
    meeting = make_meeting()
    client.login(member.email)
    assert "Plenary in Riga" in client.get("/meetings/").get_data(as_text=True)
    assert client.get(f"/meetings/{meeting.id}").status_code == 200
    assert client.get(f"/meetings/{meeting.id}/edit").status_code == 403
    assert client.get("/meetings/new").status_code == 403
    assert client.get(f"/meetings/{meeting.id}/participants.csv").status_code == 403


def test_secretariat_creates_a_meeting_in_its_own_time_zone(client, secretariat):
    client.login(secretariat.email)
    response = client.submit("/meetings/new", VALID)
    assert response.status_code == 303
    meeting = db.session.scalar(select(Meeting))
    assert meeting.start_at.isoformat() == "2030-05-06T06:30:00+00:00"  # EEST is UTC+3
    assert meeting.timezone == "Europe/Tallinn"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Mon 06 May 2030, 09:30 EEST" in page
    assert "08:30 CEST" in page  # the viewer's own zone, Europe/Stockholm


def test_bad_meetings_are_refused_next_to_the_field_and_nothing_is_stored(client, secretariat):
    client.login(secretariat.email)
    cases = {
        "end": ({"end": "2030-05-06T08:00"}, "must end after it starts"),
        "timezone": ({"timezone": "Europe/Atlantis"}, "Choose a time zone from the list"),
        "no end": ({"repeats": "weekly", "ends": "count"}, "How many meetings in all?"),
        "no last date": ({"repeats": "weekly", "ends": "until"}, "Give the date of the last"),
        "last before first": (
            {"repeats": "weekly", "ends": "until", "until": "2030-05-01"},
            "The last date comes after the first meeting",
        ),
        "frequency": ({"repeats": "sometimes", "count": "3"}, "Not a valid choice"),
    }
    for name, (change, message) in cases.items():
        response = client.submit("/meetings/new", {**VALID, **change})
        html = response.get_data(as_text=True)
        assert response.status_code == 422, name
        assert message in html, name
        assert 'value="Plenary in Tallinn"' in html, name
    assert count(Meeting) == 0


def test_a_cancelled_meeting_takes_no_answers(client, member, make_meeting):
    meeting = make_meeting(status="cancelled")
    client.login(member.email)
    response = client.submit(
        f"/meetings/{meeting.id}/response", {"response": "attending", "mode": "online"}
    )
    assert response.status_code == 422
    assert "cancelled" in response.get_data(as_text=True)
    assert count(Participant) == 0


def test_members_answer_and_change_their_answer(client, member, make_meeting):
    meeting = make_meeting()
    client.login(member.email)
    answer = {"response": "tentative", "mode": "online"}
    assert client.submit(f"/meetings/{meeting.id}/response", answer).status_code == 303
    answer = {"response": "attending", "mode": "in-person"}
    client.submit(f"/meetings/{meeting.id}/response", answer)
    participant = db.session.scalar(select(Participant))
    assert (participant.response, participant.mode) == ("attending", "in-person")
    assert "You answered: <strong>Attending</strong>" in client.get(
        f"/meetings/{meeting.id}"
    ).get_data(as_text=True)
    bad = client.submit(f"/meetings/{meeting.id}/response", {"response": "maybe", "mode": "x"})
    assert bad.status_code == 422


def test_reorder_with_buttons_without_javascript(client, secretariat, make_meeting):
    meeting = make_meeting(agenda=("Opening", "Reports", "Any other business"))
    ids = ",".join(str(item.id) for item in meeting.agenda_items)
    reports = meeting.agenda_items[1].id
    client.login(secretariat.email)
    response = client.submit(
        f"/meetings/{meeting.id}/agenda/order", {"order": ids, "move": f"{reports}:up"}
    )
    assert response.status_code == 303
    assert agenda_titles(meeting.id) == ["Reports", "Opening", "Any other business"]


def test_reorder_with_htmx_answers_the_agenda_with_running_times(client, secretariat, make_meeting):
    meeting = make_meeting(agenda=("Opening", "Reports"))
    first, second = (item.id for item in meeting.agenda_items)
    client.login(secretariat.email)
    response = client.submit(
        f"/meetings/{meeting.id}/agenda/order",
        {"order": f"{second},{first}"},
        headers={"HX-Request": "true"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in html
    assert html.index("Reports") < html.index("Opening")
    assert "10:00\u201310:15" in html and "10:15\u201310:30" in html
    assert agenda_titles(meeting.id) == ["Reports", "Opening"]


def test_a_stale_reorder_is_refused_and_changes_nothing(client, secretariat, make_meeting):
    meeting = make_meeting(agenda=("Opening", "Reports"))
    first, second = (item.id for item in meeting.agenda_items)
    db.session.add(AgendaItem(meeting_id=meeting.id, position=3, title="Added meanwhile"))
    db.session.commit()
    client.login(secretariat.email)
    url = f"/meetings/{meeting.id}/agenda/order"
    response = client.submit(url, {"order": f"{second},{first}"})
    assert response.status_code == 409
    assert "agenda changed since you loaded it" in response.get_data(as_text=True)
    response = client.submit(url, {"order": f"{second},{first}"}, headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert agenda_titles(meeting.id) == ["Opening", "Reports", "Added meanwhile"]
    assert client.submit(url, {"order": "x,y"}).status_code == 409


def test_members_cannot_reorder_the_agenda(client, member, make_meeting):
    meeting = make_meeting(agenda=("Opening", "Reports"))
    first, second = (item.id for item in meeting.agenda_items)
    client.login(member.email)
    url = f"/meetings/{meeting.id}/agenda/order"
    assert client.submit(url, {"order": f"{second},{first}"}).status_code == 403


def test_invite_a_delegation_and_export_participants_by_country(
    client, secretariat, make_user, make_meeting
):
    meeting = make_meeting()
    make_user("member", name="Ilze Ozola", country_code="LV")
    make_user("member", name="Jānis Bērziņš", country_code="LV")
    estonian = make_user("member", name="Kadri Tamm", country_code="EE")
    client.login(secretariat.email)
    response = client.submit(
        f"/meetings/{meeting.id}/invite", {"delegation": "lv", "members": [str(estonian.id)]}
    )
    assert response.status_code == 303
    assert count(Participant) == 3
    export = client.get(f"/meetings/{meeting.id}/participants.csv")
    assert export.mimetype == "text/csv"
    raw = export.get_data()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["Country", "Name", "Email", "Answer", "Mode", "Attended"]
    assert [row[0] for row in rows[1:]] == ["Estonia", "Latvia", "Latvia"]
    assert "Jānis Bērziņš" in {row[1] for row in rows}


def test_next_meeting_carries_minutes_approval_and_matters_arising(client, member, make_meeting):
    first = make_meeting(
        title="Plenary I", start=datetime(2030, 1, 10, 10), end=datetime(2030, 1, 10, 16)
    )
    second = make_meeting(
        title="Plenary II", start=datetime(2030, 6, 10, 10), end=datetime(2030, 6, 10, 16)
    )
    db.session.add_all(
        [
            Minutes(meeting_id=first.id, body="We met.", status="draft"),
            ActionItem(meeting_id=first.id, title="Draft the annual report", owner_country="LV"),
            ActionItem(meeting_id=first.id, title="Closed already", status="done"),
        ]
    )
    db.session.commit()
    client.login(member.email)
    page = client.get(f"/meetings/{second.id}").get_data(as_text=True)
    assert "Approval of the minutes of the previous meeting" in page
    assert "Plenary I" in page
    assert "Draft the annual report" in page
    assert "Closed already" not in page


def test_my_action_items_with_overdue_highlighting(client, make_user, make_meeting):
    latvian = make_user("member", country_code="LV")
    meeting = make_meeting()
    yesterday = date.today() - timedelta(days=2)
    db.session.add_all(
        [
            ActionItem(
                meeting_id=meeting.id, title="Late report", owner_country="LV", due_on=yesterday
            ),
            ActionItem(meeting_id=meeting.id, title="Mine", owner_user_id=latvian.id),
            ActionItem(meeting_id=meeting.id, title="Someone else's", owner_country="EE"),
        ]
    )
    db.session.commit()
    client.login(latvian.email)
    page = client.get("/meetings/actions").get_data(as_text=True)
    assert "Late report" in page and "Mine" in page and "Someone else" not in page
    assert 'class="overdue"' in page
    fragment = client.get("/meetings/actions?open=1", headers={"HX-Request": "true"})
    assert "<html" not in fragment.get_data(as_text=True)
    item = db.session.scalar(select(ActionItem).where(ActionItem.title == "Mine"))
    assert (
        client.submit(f"/meetings/actions/{item.id}/status", {"status": "done"}).status_code == 303
    )
    db.session.refresh(item)
    assert item.status == "done" and item.closed_at is not None
    other = db.session.scalar(select(ActionItem).where(ActionItem.owner_country == "EE"))
    assert (
        client.submit(f"/meetings/actions/{other.id}/status", {"status": "done"}).status_code == 403
    )


def test_disabling_the_plugin_hides_it_and_enabling_brings_it_back(client, admin, make_meeting):
    meeting = make_meeting(title="Kept while disabled")
    client.login(admin.email)
    assert "Meetings</a>" in client.get("/").get_data(as_text=True)
    client.submit("/admin/plugins/meetings/disable", {"confirm": "yes"})
    dashboard = client.get("/").get_data(as_text=True)
    assert "Meetings</a>" not in dashboard and "Next meetings" not in dashboard
    for url in (
        "/meetings/",
        f"/meetings/{meeting.id}",
        "/meetings/next",
        f"/meetings/{meeting.id}.ics",
    ):
        assert client.get(url).status_code == 404, url
    client.submit("/admin/plugins/meetings/enable")
    assert "Next meetings" in client.get("/").get_data(as_text=True)
    assert "Kept while disabled" in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)


def test_meeting_page_queries_do_not_grow_with_its_size(
    client, secretariat, make_user, make_meeting
):
    def statements_for(meeting):
        seen = []

        def count_statement(*args):
            seen.append(args[2])

        event.listen(db.engine, "before_cursor_execute", count_statement)
        try:
            assert client.get(f"/meetings/{meeting.id}").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", count_statement)
        return len(seen)

    client.login(secretariat.email)

    def meeting_with(size, title):
        meeting = make_meeting(title=title, agenda=tuple(f"Item {i}" for i in range(size)))
        for i in range(size):
            user = make_user("member", country_code="SE")
            db.session.add(
                Participant(meeting_id=meeting.id, user_id=user.id, response="attending")
            )
            db.session.add(
                ActionItem(meeting_id=meeting.id, title=f"Do {i}", owner_user_id=user.id)
            )
        db.session.commit()
        return meeting

    small, large = meeting_with(1, "Small"), meeting_with(12, "Large")
    statements_for(small)  # warm caches
    assert statements_for(large) == statements_for(small)


def test_next_meetings_widget_is_a_fragment_for_htmx_and_a_page_otherwise(
    client, member, make_meeting
):
    make_meeting(title="Coming up")
    client.login(member.email)
    fragment = client.get("/meetings/next", headers={"HX-Request": "true"}).get_data(as_text=True)
    page = client.get("/meetings/next").get_data(as_text=True)
    assert "Coming up" in fragment and "<html" not in fragment
    assert "Coming up" in page and "<html" in page


def test_invite_a_whole_sub_group_through_hooks(client, secretariat, make_user, make_meeting, app):
    from intranet.plugin_api import GrantableResource, ResourceRef, hookimpl

    meeting = make_meeting()
    first = make_user("member", name="Group Member One")
    second = make_user("member", name="Group Member Two")
    guest = make_user("guest", name="Ungranted Guest")
    outsider = make_user("member", name="Not In The Group")

    class Groups:
        @hookimpl
        def intranet_grantable_resources(self, user):
            return [GrantableResource(ResourceRef("subgroups.group", 7), "Sub-group: Guardianship")]

        @hookimpl
        def intranet_resource_members(self, resource):
            if resource == ResourceRef("subgroups.group", 7):
                return [first, second, guest]
            return None

    manager = app.extensions["intranet_plugins"].pm
    manager.register(Groups(), name="groups-test")
    try:
        client.login(secretariat.email)
        page = client.get(f"/meetings/{meeting.id}/invite").get_data(as_text=True)
        assert 'name="groups_q"' in page and "Sub-group: Guardianship" not in page
        found = client.get("/meetings/pick?field=groups&groups_q=guardian").get_data(as_text=True)
        assert 'name="groups" value="7"' in found and "Sub-group: Guardianship" in found
        bad = client.submit(f"/meetings/{meeting.id}/invite", {"groups": "99"})
        assert bad.status_code == 422
        assert "Choose one of the listed entries." in bad.get_data(as_text=True)
        assert count(Participant) == 0
        response = client.submit(f"/meetings/{meeting.id}/invite", {"groups": "7"})
        assert response.status_code == 303
    finally:
        manager.unregister(name="groups-test")
    invited = set(db.session.scalars(select(Participant.user_id)))
    assert invited == {first.id, second.id}
    assert outsider.id not in invited and guest.id not in invited


@pytest.mark.parametrize("target", ["/\\evil.example/", "//evil.example/", "https://evil.example/"])
def test_updating_an_action_item_never_redirects_to_another_site(
    client, make_user, make_meeting, target
):
    owner = make_user("member", country_code="LV")
    meeting = make_meeting()
    item = ActionItem(meeting_id=meeting.id, title="Mine", owner_user_id=owner.id)
    db.session.add(item)
    db.session.commit()
    client.login(owner.email)
    url = f"/meetings/actions/{item.id}/status"
    response = client.submit(url, {"status": "done", "next": target})
    assert response.status_code == 303
    assert response.headers["Location"] == "/meetings/actions"
    response = client.submit(url, {"status": "open", "next": f"/meetings/{meeting.id}"})
    assert response.headers["Location"] == f"/meetings/{meeting.id}"
