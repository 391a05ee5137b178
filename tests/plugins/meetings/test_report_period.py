"""The activity report's meetings: counted whatever their number, the first listed, the rest a
link away, on the list of the meetings held in the period (and the register of its decisions)."""

from __future__ import annotations

import html
import re
from datetime import date, datetime
from urllib.parse import urlsplit

from intranet.extensions import db
from intranet_meetings.models import Decision
from tests.conftest import contributions


def meetings_sections(secretariat):
    return {
        section.title: section
        for section in contributions(
            "meetings",
            "intranet_report_sections",
            start=date(2025, 1, 1),
            end=date(2025, 12, 31),
            user=secretariat,
        )
    }


def test_a_year_of_many_meetings_lists_the_first_and_links_to_all(
    client, secretariat, member, make_meeting
):
    for day in range(1, 25):
        make_meeting(
            title=f"Meeting {day:02}",
            start=datetime(2025, 3, day, 10),
            end=datetime(2025, 3, day, 12),
            kind="expert-workshop" if day % 2 else "plenary",
        )
    make_meeting(
        title="Called off",
        start=datetime(2025, 4, 2, 10),
        end=datetime(2025, 4, 2, 12),
        status="cancelled",
    )
    make_meeting(title="Year before", start=datetime(2024, 3, 4, 10), end=datetime(2024, 3, 4, 12))

    held = meetings_sections(secretariat)["Meetings held"]
    assert held.summary == "24 meetings in the period: 12 expert workshops, 12 plenaries."
    assert [row[1] for row in held.rows] == [f"Meeting {day:02}" for day in range(1, 21)]
    assert held.more == 4

    client.login(member.email)
    link = urlsplit(held.more_url)
    assert link.path == "/meetings/"
    page = client.get(f"{link.path}?{link.query}").get_data(as_text=True)
    assert "24 meetings held from 1 January 2025 to 31 December 2025" in page
    assert "Meeting 24" in page and "Year before" not in page
    assert "Called off" not in page  # cancelled: not held
    assert "Meeting 01" not in page  # on the second page, whose link keeps the period
    next_link = html.unescape(re.findall(r'href="([^"]*)"[^>]*>Next page', page)[0])
    assert "from=2025-01-01" in next_link and "to=2025-12-31" in next_link
    assert "Meeting 01" in client.get(next_link).get_data(as_text=True)


def test_the_decisions_of_the_period_link_to_the_register_narrowed_to_it(
    client, secretariat, member, make_meeting
):
    meeting = make_meeting(start=datetime(2025, 3, 4, 10), end=datetime(2025, 3, 4, 12))
    earlier = make_meeting(start=datetime(2024, 3, 4, 10), end=datetime(2024, 3, 4, 12))
    db.session.add_all(
        [Decision(meeting=meeting, text=f"Decision number {n}.") for n in range(1, 23)]
        + [Decision(meeting=earlier, text="A decision of the year before.")]
    )
    db.session.commit()

    decisions = meetings_sections(secretariat)["Decisions"]
    assert decisions.summary == "22 decisions."
    assert len(decisions.rows) == 20 and decisions.more == 2

    client.login(member.email)
    link = urlsplit(decisions.more_url)
    page = client.get(f"{link.path}?{link.query}").get_data(as_text=True)
    assert "22 decisions of the meetings held from 1 January 2025 to 31 December 2025" in page
    assert "A decision of the year before." not in page
