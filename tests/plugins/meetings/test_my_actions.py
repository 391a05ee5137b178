"""A member's action items: pages of fifty with counts by status, never one page of thousands."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import event

from intranet.extensions import db
from intranet_meetings import action_lists
from intranet_meetings.models import ActionItem
from tests.query_plans import sqlite_reads_of


def add_items(meeting, owner_country: str | None, **count_by_status: int) -> None:
    for status, count in count_by_status.items():
        db.session.add_all(
            ActionItem(
                meeting_id=meeting.id,
                title=f"{status} item {n}",
                status=status,
                owner_country=owner_country,
            )
            for n in range(count)
        )
    db.session.commit()


def rows(page: str) -> int:
    return len(re.findall(r"<tr[ >]", page)) - 1  # less the header row


def test_a_delegation_with_many_items_gets_pages_counts_and_filters(
    client, make_user, make_meeting
):
    latvian = make_user("member", country_code="LV")
    meeting = make_meeting()
    add_items(meeting, "LV", open=70, done=45, dropped=5)
    add_items(make_meeting(title="Someone else's"), "EE", open=3)
    client.login(latvian.email)

    first = client.get("/meetings/actions").get_data(as_text=True)
    assert rows(first) == 50
    assert "All (120)" in first and "Open (70)" in first and "Done (45)" in first
    assert "Page 1 of 3" in first and "open item 0" in first and "done item" not in first

    third = client.get("/meetings/actions?page=3").get_data(as_text=True)
    assert rows(third) == 20 and "dropped item" in third

    done = client.get("/meetings/actions?status=done").get_data(as_text=True)
    assert rows(done) == 45 and "open item" not in done and "Page 1 of 1" not in done

    # Out-of-range and nonsense page numbers answer a page, never an error.
    assert client.get("/meetings/actions?page=99").status_code == 200
    assert client.get("/meetings/actions?page=-4").status_code == 200
    assert client.get("/meetings/actions?page=abc").status_code == 200

    card = client.get("/meetings/actions?open=1", headers={"HX-Request": "true"})
    assert rows(card.get_data(as_text=True)) == 10
    assert "All my open action items (70)" in card.get_data(as_text=True)


def test_counts_stop_at_their_cap_and_the_pages_go_on(client, make_user, make_meeting, monkeypatch):
    monkeypatch.setattr(action_lists, "COUNT_CAP", 30)
    latvian = make_user("member", country_code="LV")
    add_items(make_meeting(), "LV", open=70, done=45, dropped=5)
    client.login(latvian.email)

    first = client.get("/meetings/actions").get_data(as_text=True)
    assert "All (more than 65)" in first and "Open (more than 30)" in first
    assert "Done (more than 30)" in first and "Dropped (5)" in first
    assert "Page 1</span>" in first and 'href="/meetings/actions?page=2" rel="next"' in first
    last = client.get("/meetings/actions?page=3").get_data(as_text=True)
    assert rows(last) == 20 and 'rel="next"' not in last and "Page 3</span>" in last

    dropped = client.get("/meetings/actions?status=dropped").get_data(as_text=True)
    assert rows(dropped) == 5 and "Page 1" not in dropped


def test_open_items_come_first_then_the_others_by_due_date(client, make_user, make_meeting):
    estonian = make_user("member", country_code="EE")
    meeting = make_meeting()
    due = {"done late": 3, "open latest": 9, "dropped middle": 2, "done early": 1}
    db.session.add_all(
        ActionItem(
            meeting_id=meeting.id,
            title=title,
            status=title.split()[0],
            owner_country="EE",
            due_on=date.today() + timedelta(days=days),
        )
        for title, days in due.items()
    )
    db.session.commit()
    client.login(estonian.email)

    page = client.get("/meetings/actions").get_data(as_text=True)
    order = sorted(due, key=page.index)
    assert order == ["open latest", "done early", "dropped middle", "done late"]


def test_the_page_reads_a_bounded_number_of_items(client, make_user, make_meeting):
    """Counts and the page's items are read with a limit, never counted or sorted in full
    (a delegation holds a hundred thousand items at N=10)."""
    latvian = make_user("member", country_code="LV")
    add_items(make_meeting(), "LV", open=3, done=2)
    client.login(latvian.email)
    seen: list[str] = []

    def note(conn, cursor, statement, *args):
        if "FROM meetings_action_item" in statement:
            seen.append(" ".join(statement.split()))

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        assert client.get("/meetings/actions").status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    reading = [s for s in seen if "meetings_action_item.id IN" not in s]
    assert reading and all("LIMIT" in s for s in reading)


def test_counts_take_the_delegations_items_and_ones_own_each_once(client, make_user, make_meeting):
    """Items of the member's delegation and those in the member's own name (with no country,
    with theirs, or with another delegation's) are each counted once; another delegation's
    items are not counted."""
    latvian = make_user("member", country_code="LV")
    meeting = make_meeting()
    add_items(meeting, "LV", open=3)
    add_items(meeting, "EE", open=4)
    for status, country in (("open", None), ("open", None), ("open", "LV"), ("done", "EE")):
        db.session.add(
            ActionItem(
                meeting_id=meeting.id,
                title=f"{status} own item",
                status=status,
                owner_user_id=latvian.id,
                owner_country=country,
            )
        )
    db.session.commit()
    client.login(latvian.email)

    page = client.get("/meetings/actions").get_data(as_text=True)
    assert "All (7)" in page and "Open (6)" in page and "Done (1)" in page
    assert rows(page) == 7


def test_a_small_delegations_page_is_read_from_its_own_range_of_the_index(
    client, make_user, make_meeting
):
    """A delegation with few items among many open ones: its page and the member's own items
    are each read from their own index, never by testing every open item of the site in due
    order (16,000 at N=1: 13 ms for the secretariat's page)."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("reads SQLite's plan")
    meeting = make_meeting()
    add_items(meeting, "EE", open=40)
    add_items(meeting, "NO", open=1)
    norwegian = make_user("member", country_code="NO")
    db.session.add(ActionItem(meeting_id=meeting.id, title="own item", owner_user_id=norwegian.id))
    db.session.commit()
    client.login(norwegian.email)
    plans = sqlite_reads_of(
        client,
        "/meetings/actions",
        lambda statement: "ORDER BY meetings_action_item.due_on" in statement,
        "meetings_action_item",
    )
    for reads in plans:
        assert reads and not any("status_due_on (status=?)" in line for line in reads), reads
    page = client.get("/meetings/actions").get_data(as_text=True)
    assert rows(page) == 2 and "own item" in page and "open item 0" in page
