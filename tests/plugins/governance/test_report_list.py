"""The reports list a page at a time, and a new report offers the periods people write about:
400 reports made one page of 69 KB, and a rotation recorded for centuries a form of 53 KB."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from intranet.extensions import db
from intranet_governance.chairmanship import chair_year, local_today, year_of
from intranet_governance.models import ChairPeriod, MandatePeriod, Report


def test_reports_come_a_page_at_a_time_newest_period_first(client, secretariat):
    db.session.add_all(
        Report(title=f"Report {year}", start=date(year, 7, 1), end=date(year + 1, 6, 30))
        for year in range(1990, 2020)
    )
    db.session.commit()
    client.login(secretariat.email)
    first = client.get("/governance/reports").get_data(as_text=True)
    assert re.findall(r">Report (\d{4})</a>", first) == [str(y) for y in range(2019, 1994, -1)]
    assert "Reports 1 to 25 of 30" in first
    assert 'href="/governance/reports?page=2"' in first
    last = client.get("/governance/reports?page=2").get_data(as_text=True)
    assert re.findall(r">Report (\d{4})</a>", last) == [str(y) for y in range(1994, 1989, -1)]


def offered(page: str) -> list[str]:
    return re.findall(r'<option[^>]* value="([^"]+)"', page)


def test_a_new_report_offers_the_latest_periods_that_have_begun(client, secretariat):
    this_year = year_of(local_today())
    chairs = {
        year: ChairPeriod(start=chair_year(year)[0], end=chair_year(year)[1], country_code="DK")
        for year in range(this_year - 40, this_year + 5)
    }
    mandates = {
        year: MandatePeriod(start=date(year, 1, 1), end=date(year + 2, 12, 31))
        for year in range(this_year - 30, this_year + 6, 3)
    }
    db.session.add_all([*chairs.values(), *mandates.values()])
    db.session.commit()
    client.login(secretariat.email)

    choices = offered(client.get("/governance/reports/new").get_data(as_text=True))
    latest_chairs = [f"chair:{chairs[y].id}" for y in range(this_year, this_year - 10, -1)]
    begun = sorted((y for y in mandates if date(y, 1, 1) <= local_today()), reverse=True)
    latest_mandates = [f"mandate:{mandates[y].id}" for y in begun[:5]]
    assert choices == [*latest_chairs, *latest_mandates, "custom"]

    # A link to an older period (a mandate's final report) offers it, chosen.
    old = mandates[this_year - 30]
    page = client.get(f"/governance/reports/new?basis=mandate:{old.id}").get_data(as_text=True)
    assert offered(page)[-2:] == [f"mandate:{old.id}", "custom"]
    assert re.search(rf'<option selected value="mandate:{old.id}"', page) or re.search(
        rf'<option value="mandate:{old.id}" selected', page
    )
    # Posting an older chairmanship year still makes its report.
    older = chairs[this_year - 30]
    response = client.submit("/governance/reports/new", {"title": "", "basis": f"chair:{older.id}"})
    assert response.status_code == 303
    report = db.session.scalar(select(Report))
    assert (report.start, report.end) == (older.start, older.end)
