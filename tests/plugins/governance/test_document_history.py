"""A document revised for years shows its text in force and its history a page at a time (at
N=10, 1,500 revisions made the page 400 KB)."""

from __future__ import annotations

import re
from datetime import date

from intranet.extensions import db
from intranet_governance import chairmanship
from intranet_governance.models import ChairPeriod, MandatePeriod, Revision
from tests.query_plans import recorded


def test_the_history_comes_a_page_at_a_time_with_the_text_in_force(client, member, monkeypatch):
    monkeypatch.setattr("intranet_governance.views.texts.HISTORY_PAGE", 3)
    db.session.add_all(
        Revision(document="methods", number=n, body=f"Body number {n}.", reason=f"Reason {n}")
        for n in range(1, 6)
    )
    db.session.commit()
    client.login(member.email)

    first = client.get("/governance/documents/methods").get_data(as_text=True)
    assert "Body number 5." in first and "Body number 4." not in first
    assert re.findall(r"Reason (\d)", first) == ["5", "4", "3"]
    assert "Revisions 1 to 3 of 5, newest first" in first
    assert "/governance/documents/methods/diff?from=4&amp;to=5" in first
    assert "page=2" in first

    second = client.get("/governance/documents/methods?page=2").get_data(as_text=True)
    assert re.findall(r"Reason (\d)", second) == ["2", "1"]
    assert "Body number 5." in second  # the text in force, whatever the page
    changes = client.get("/governance/documents/methods/diff?from=1&to=2")
    assert changes.status_code == 200


def test_the_forms_read_the_latest_revision_not_the_history(client, secretariat):
    """The propose and revise forms start from the text in force: one revision read, where
    `.first()` without a limit received all 1,500 of them at N=10 (39 ms)."""
    db.session.add_all(
        Revision(document="methods", number=n, body=f"Body number {n}.", reason=f"Reason {n}")
        for n in range(1, 31)
    )
    db.session.commit()
    client.login(secretariat.email)
    for form in ("propose", "revise"):
        with recorded(lambda statement: "FROM governance_revision" in statement) as sent:
            page = client.get(f"/governance/documents/methods/{form}").get_data(as_text=True)
        assert "Body number 30." in page and "Body number 29." not in page
        assert sent and all("LIMIT" in statement for statement in sent), form


def test_the_chairmanship_and_mandate_look_ups_read_one_period(app):
    """The last chairmanship year (to generate the next ones), the latest mandate and the first
    overlapping period: each reads one row, not every period ever recorded."""
    db.session.add_all(
        ChairPeriod(start=date(year, 7, 1), end=date(year + 1, 6, 30), country_code="DK")
        for year in range(1990, 2020)
    )
    db.session.add_all(
        MandatePeriod(start=date(year, 1, 1), end=date(year + 1, 12, 31))
        for year in range(1990, 2020, 2)
    )
    db.session.commit()
    reads = ("FROM governance_chair_period", "FROM governance_mandate")
    with recorded(
        lambda statement: (
            statement.startswith("SELECT") and any(table in statement for table in reads)
        )
    ) as sent:
        assert chairmanship.latest_mandate().end == date(2019, 12, 31)
        assert chairmanship.generate_periods(1)[0].start == date(2020, 7, 1)
        found = chairmanship.overlapping(ChairPeriod, date(2000, 1, 1), date(2005, 1, 1))
        assert found.start == date(1999, 7, 1)
    assert len(sent) == 3 and all("LIMIT" in statement for statement in sent)
