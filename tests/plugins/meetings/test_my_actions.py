"""A member's action items: pages of fifty with counts by status, never one page of thousands."""

from __future__ import annotations

import re

from intranet.extensions import db
from intranet_meetings.models import ActionItem


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
