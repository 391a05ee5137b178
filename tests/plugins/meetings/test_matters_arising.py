"""Matters arising: a meeting's agenda lists the open action items of earlier meetings of the
same body, the soonest due first, and only so many of them."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest

from intranet.extensions import db
from intranet_meetings import services
from intranet_meetings.models import ActionItem, Series
from intranet_meetings.services import ARISING_SHOWN
from tests.query_plans import sqlite_reads_of

MORE = "and more open action items from earlier meetings"


@pytest.fixture
def plenaries(make_meeting):
    earlier = make_meeting(
        title="Plenary I", start=datetime(2030, 1, 10, 10), end=datetime(2030, 1, 10, 16)
    )
    later = make_meeting(
        title="Plenary II", start=datetime(2030, 6, 10, 10), end=datetime(2030, 6, 10, 16)
    )
    return earlier, later


def add_open_items(meeting, how_many: int) -> None:
    """Open items due one day apart, created latest due first (ids run against due dates)."""
    first_due = date(2030, 2, 1)
    db.session.add_all(
        ActionItem(
            meeting_id=meeting.id, title=f"Task {n:02d}", due_on=first_due + timedelta(days=n)
        )
        for n in reversed(range(how_many))
    )
    db.session.commit()


def matters_arising(client, meeting) -> tuple[list[str], str]:
    """The titles listed as matters arising on the meeting's page, in order, and the page."""
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    listed = re.search(r"Matters arising \(open action items\):\s*<ul>(.*?)</ul>", page, re.S)
    return re.findall(r"<li>([^<]*?) · ", listed.group(1)) if listed else [], page


def test_only_the_soonest_due_are_listed_and_the_agenda_says_there_are_more(
    client, member, plenaries, make_meeting
):
    earlier, later = plenaries
    add_open_items(earlier, ARISING_SHOWN + 5)
    workshop = make_meeting(
        title="Workshop", kind="expert-workshop", start=datetime(2030, 1, 5, 10)
    )
    db.session.add_all(
        [
            ActionItem(meeting_id=earlier.id, title="Done already", status="done"),
            ActionItem(meeting_id=later.id, title="Born later", due_on=date(2030, 1, 1)),
            ActionItem(meeting_id=workshop.id, title="Another body's", due_on=date(2030, 1, 1)),
        ]
    )
    db.session.commit()
    client.login(member.email)

    listed, page = matters_arising(client, later)

    assert listed == [f"Task {n:02d}" for n in range(ARISING_SHOWN)]
    assert MORE in page


def test_all_are_listed_when_they_fit(client, member, plenaries):
    earlier, later = plenaries
    add_open_items(earlier, ARISING_SHOWN)
    client.login(member.email)

    listed, page = matters_arising(client, later)

    assert listed == [f"Task {n:02d}" for n in range(ARISING_SHOWN)]
    assert MORE not in page


def test_a_guest_granted_this_meeting_sees_nothing_of_the_earlier_ones(
    client, make_user, plenaries, grant_meeting
):
    earlier, later = plenaries
    add_open_items(earlier, 2)
    grant_meeting(later)

    client.login(make_user("guest").email)
    listed, page = matters_arising(client, later)

    assert "Plenary II" in page
    assert listed == []
    assert "Plenary I<" not in page and "Task 00" not in page


def test_a_guests_earlier_meetings_are_read_by_their_grants_not_by_the_body(
    client, make_user, make_meeting, plenaries, grant_meeting
):
    """A guest granted one meeting: its earlier meetings are looked up by the grant's key.
    With an empty series list in the condition, SQLite read every earlier plenary (10 ms of a
    23 ms page at N=1)."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("reads SQLite's plan")
    _earlier, later = plenaries
    for month in range(1, 6):
        make_meeting(title=f"Plenary 0.{month}", start=datetime(2029, month, 10, 10))
    grant_meeting(later)
    client.login(make_user("guest").email)
    plans = sqlite_reads_of(
        client,
        f"/meetings/{later.id}",
        lambda statement: statement.lstrip().startswith("SELECT meetings_meeting.id \nFROM"),
        "meetings_meeting",
    )
    for reads in plans:
        assert reads and all("USING INTEGER PRIMARY KEY" in line for line in reads), reads


def test_the_agenda_htmx_answers_after_a_reorder_keeps_the_standing_items(
    client, secretariat, make_meeting
):
    earlier = make_meeting(title="Plenary I", start=datetime(2030, 1, 10, 10))
    later = make_meeting(
        title="Plenary II", start=datetime(2030, 6, 10, 10), agenda=("Opening", "Reports")
    )
    add_open_items(earlier, 1)
    first, second = (item.id for item in later.agenda_items)
    client.login(secretariat.email)

    response = client.submit(
        f"/meetings/{later.id}/agenda/order",
        {"order": f"{second},{first}"},
        headers={"HX-Request": "true"},
    )

    html = response.get_data(as_text=True)
    assert "<html" not in html
    assert "Standing items" in html and "Plenary I<" in html and "Task 00" in html


def test_matters_arising_and_the_previous_minutes_follow_the_body_across_series(
    client, member, make_meeting
):
    """Last mandate's plenaries were one series, this mandate's are another: the first
    plenary of the new series still takes up what the last one of the old series left open.
    A sub-group's meeting in between is another body's."""
    old = make_meeting(
        title="Plenary 2029",
        start=datetime(2029, 11, 6, 10),
        end=datetime(2029, 11, 6, 16),
        series=Series(title="Mandate 2027-2029"),
    )
    sub_group = make_meeting(
        title="Sub-group on labour exploitation",
        kind="sub-group",
        start=datetime(2029, 12, 4, 10),
        owner_kind="subgroups.group",
        owner_id=7,
    )
    new = make_meeting(
        title="Plenary 2030",
        start=datetime(2030, 3, 5, 10),
        series=Series(title="Mandate 2030-2032"),
    )
    db.session.add_all(
        [
            ActionItem(meeting_id=old.id, title="Circulate the national reports"),
            ActionItem(meeting_id=sub_group.id, title="Draft the sub-group's guide"),
        ]
    )
    db.session.commit()
    client.login(member.email)

    listed, page = matters_arising(client, new)

    assert listed == ["Circulate the national reports"]
    assert "Approval of the minutes of the previous meeting" in page
    assert f'/meetings/{old.id}#minutes">Plenary 2029<' in page


def test_a_guest_granted_an_earlier_meeting_sees_it_and_only_its_items(
    client, make_user, make_meeting, plenaries, grant_meeting, monkeypatch
):
    """The previous meeting and the matters arising come from the earlier meetings a guest
    was granted, looked for among the grants, not among every earlier meeting of the body
    (3,400 plenaries at N=1 were read for each view)."""
    earlier, later = plenaries
    others = [
        make_meeting(title=f"Plenary 0.{n}", start=datetime(2029, 1, 1 + n, 10)) for n in range(5)
    ]
    add_open_items(earlier, 2)
    add_open_items(others[0], 1)
    grant_meeting(earlier)
    grant_meeting(later)
    asked: list[list[int]] = []
    original = services.visible_ids

    def recording(user, ids):
        ids = list(ids)
        asked.append(ids)
        return original(user, ids)

    monkeypatch.setattr(services, "visible_ids", recording)
    client.login(make_user("guest").email)
    listed, page = matters_arising(client, later)

    assert f'href="/meetings/{earlier.id}#minutes"' in page  # the previous meeting, granted
    assert listed == ["Task 00", "Task 01"]
    assert asked == [[earlier.id]]
