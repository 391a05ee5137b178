"""The mandate: periods, prolongations, the banner before the end; the demo data."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from intranet.extensions import db
from intranet.models import Country
from intranet_governance import chairmanship
from intranet_governance.models import ChairPeriod, MandatePeriod, Report, Revision


def mandate_count() -> int:
    return db.session.scalar(select(func.count(MandatePeriod.id)))


def test_overlapping_mandates_are_refused_and_prolongations_recorded(client, secretariat):
    client.login(secretariat.email)
    first = {"start": "2006-07-01", "end": "2007-12-31", "decision_reference": "Reykjavik 2006"}
    assert client.submit("/governance/mandate/new", first).status_code == 303
    response = client.submit(
        "/governance/mandate/new", {"start": "2007-01-01", "end": "2008-12-31"}
    )
    assert response.status_code == 422 and "Overlaps the mandate" in response.get_data(True)
    response = client.submit(
        "/governance/mandate/prolong",
        {"end": "2010-12-31", "decision_date": "2007-11-20", "decision_reference": "CSO 2007"},
    )
    assert response.status_code == 303
    prolongation = db.session.scalar(select(MandatePeriod).where(MandatePeriod.is_prolongation))
    assert (prolongation.start, prolongation.end) == (date(2008, 1, 1), date(2010, 12, 31))
    assert prolongation.decision_reference == "CSO 2007"
    assert mandate_count() == 2


def test_the_secretariat_is_pointed_to_the_final_report_before_the_end(
    client, sign_in, secretariat, member
):
    today = date.today()
    db.session.add(MandatePeriod(start=today - timedelta(days=400), end=today + timedelta(days=90)))
    db.session.commit()
    client.login(secretariat.email)
    fragment = client.get("/governance/widgets/mandate", headers={"HX-Request": "true"})
    assert "start the final report" in fragment.get_data(as_text=True)
    sign_in(member)
    fragment = client.get("/governance/widgets/mandate", headers={"HX-Request": "true"})
    assert "final report" not in fragment.get_data(as_text=True)


@pytest.mark.parametrize("today", [date(2026, 12, 5), date(2031, 3, 1), date(2040, 8, 15)])
def test_the_demo_data_stays_current_whatever_the_day(app, client, member, today):
    """Installed years after it was written, the demo still has a chair and a mandate for today,
    the secretariat on the governance page, last year's report submitted and this year's drafted."""
    with time_machine.travel(datetime.combine(today, time(9), tzinfo=UTC), tick=False):
        result = app.test_cli_runner().invoke(args=["intranet", "demo"])
        assert result.exit_code == 0, result.output
        years = db.session.scalars(select(ChairPeriod.start).order_by(ChairPeriod.start)).all()
        assert years[0] == date(2006, 7, 1)
        assert chairmanship.chair_period_on(today) is not None
        assert years[-1] > today  # the next chairmanship year is known
        assert chairmanship.current_mandate(today) is not None
        assert mandate_count() >= 2
        assert (
            db.session.scalar(
                select(func.count(Revision.id)).where(Revision.document == "objectives")
            )
            == 2
        )
        submitted, draft = db.session.scalars(select(Report).order_by(Report.start)).all()
        assert submitted.is_submitted and submitted.snapshot
        # Last year's sub-groups had members then: the demo's members joined when they began.
        [groups] = [section for section in submitted.snapshot if section["title"] == "Sub-groups"]
        assert groups["rows"] and all(int(row[4]) > 0 for row in groups["rows"])
        assert not draft.is_submitted and draft.start <= today <= draft.end
        assert draft.title.startswith("Activity report: Chairmanship of ")
        client.login(member.email)
        page = client.get("/governance/").get_data(as_text=True)
        assert "No mandate is recorded for today" not in page
        assert "No chairmanship is recorded for today" not in page
        assert "No one serves as the secretariat yet" not in page
        for person in chairmanship.secretariat_people():
            assert person.name in page
        chair = chairmanship.chair_period_on(today)
        names = dict(db.session.execute(select(Country.code, Country.name)).all())
        assert f"<strong>{names[chair.country_code]}</strong>" in page
        assert f"<strong>{chair.country_code}</strong>" not in page


def test_the_mandate_periods_come_a_page_at_a_time_newest_first(client, member):
    """A mandate renewed every year or two for centuries (134 periods at N=10) made one page."""
    db.session.add_all(
        MandatePeriod(start=date(year, 1, 1), end=date(year + 1, 12, 31))
        for year in range(1950, 2030, 2)
    )
    db.session.commit()
    client.login(member.email)
    first = client.get("/governance/mandate").get_data(as_text=True)
    years = re.findall(r"<td>01 Jan (\d{4}) \u2013", first)
    assert years == [str(year) for year in range(2028, 1978, -2)]
    assert 'href="/governance/mandate?page=2"' in first
    last = client.get("/governance/mandate?page=2").get_data(as_text=True)
    assert re.findall(r"<td>01 Jan (\d{4}) \u2013", last) == [str(y) for y in range(1978, 1949, -2)]
