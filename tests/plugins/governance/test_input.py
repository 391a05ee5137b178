"""Input that could break the governance pages: line breaks in single-line fields, dates far
outside any mandate, and huge numbers in addresses. Each is refused next to the field, or
answered with a normal page, never with a server error."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from intranet.extensions import db
from intranet_governance import settings
from intranet_governance.models import ChairPeriod, MandatePeriod, Report, Revision

TYPED = "Annual report\r\nBcc: everyone@example.org"
HTMX = {"HX-Request": "true"}
FAR_DATES = ("9999-12-31", "0001-01-01")


def count(model: type) -> int:
    return db.session.scalar(select(func.count(model.id)))


def refused_next_to(response, field: str, message: str) -> str:
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    error = html[html.index(f'id="{field}-error"') :]
    assert message in error[: error.index("</p>")]
    return html


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_a_line_break_in_a_report_title_is_refused_and_kept(client, secretariat, headers):
    client.login(secretariat.email)
    response = client.submit(
        "/governance/reports/new",
        {"title": TYPED, "basis": "custom", "start": "2025-07-01", "end": "2026-06-30"},
        headers=headers,
    )
    html = refused_next_to(response, "title", "line breaks are not allowed")
    assert f'value="{TYPED}"' in html
    assert count(Report) == 0


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_a_line_break_in_a_revision_reason_or_decision_reference_is_refused(
    client, secretariat, headers
):
    client.login(secretariat.email)
    response = client.submit(
        "/governance/documents/objectives/revise",
        {"body": "Cooperate.", "reason": "New\r\nline"},
        headers=headers,
    )
    refused_next_to(response, "reason", "line breaks are not allowed")
    response = client.submit(
        "/governance/mandate/new",
        {"start": "2006-07-01", "end": "2007-12-31", "decision_reference": "CSO\n2006"},
        headers=headers,
    )
    refused_next_to(response, "decision_reference", "line breaks are not allowed")
    assert count(Revision) == 0 and count(MandatePeriod) == 0


@pytest.mark.parametrize("far", FAR_DATES)
def test_far_dates_are_refused_next_to_the_field(client, secretariat, far):
    client.login(secretariat.email)
    chair = client.submit(
        "/governance/chairmanship/new", {"start": "2030-07-01", "end": far, "country_code": "SE"}
    )
    refused_next_to(chair, "end", "Enter a date between 1900 and 2100")
    mandate = client.submit("/governance/mandate/new", {"start": far, "end": "2030-12-31"})
    refused_next_to(mandate, "start", "Enter a date between 1900 and 2100")
    report = client.submit(
        "/governance/reports/new",
        {"title": "Report", "basis": "custom", "start": "2025-07-01", "end": far},
    )
    refused_next_to(report, "end", "Enter a date between 1900 and 2100")
    assert count(ChairPeriod) == count(MandatePeriod) == count(Report) == 0
    client.submit("/governance/mandate/new", {"start": "2020-01-01", "end": "2030-12-31"})
    prolonged = client.submit(
        "/governance/mandate/prolong",
        {"end": far, "decision_date": "2030-06-01", "decision_reference": "CSO 2030"},
    )
    refused_next_to(prolonged, "end", "Enter a date between 1900 and 2100")
    assert count(MandatePeriod) == 1


def test_periods_stored_up_to_the_last_day_a_date_can_hold_break_no_page(
    app, client, secretariat, member
):
    """Periods recorded before dates were bounded: every day computed from them (the day
    after, the handover, the next years, the prolongation's start) stays a valid date."""
    db.session.add(ChairPeriod(start=date(2025, 7, 1), end=date(9999, 12, 31), country_code="SE"))
    db.session.add(MandatePeriod(start=date(2020, 1, 1), end=date(9999, 12, 31)))
    with app.test_request_context():
        settings.save({"rotation_order": ["SE", "DK"]})
    db.session.commit()
    client.login(secretariat.email)
    for url in (
        "/",
        "/governance/",
        "/governance/chairmanship",
        "/governance/widgets/chair",
        "/governance/widgets/mandate",
        "/governance/mandate",
        "/governance/chairmanship/generate",
    ):
        assert client.get(url).status_code == 200, url
    prolong = client.get("/governance/mandate/prolong")
    assert prolong.status_code in (200, 303)
    generated = client.submit("/governance/chairmanship/generate", {"count": "2"})
    refused_next_to(generated, "count", "No chairmanship year fits after the last recorded one")
    assert count(ChairPeriod) == 1


@pytest.mark.parametrize("number", ["9223372036854775808", "99999999999999999999"])
def test_huge_numbers_in_addresses_answer_404_or_the_default(
    client, secretariat, objectives, number
):
    client.login(secretariat.email)
    for url in (
        f"/governance/reports/{number}",
        f"/governance/reports/{number}.pdf",
        f"/governance/proposals/{number}",
        f"/governance/chairmanship/{number}/edit",
        f"/governance/documents/objectives/revisions/{number}",
    ):
        assert client.get(url).status_code == 404, url
    assert client.get(f"/governance/reports/new?basis=chair:{number}").status_code == 200


@pytest.mark.parametrize("number", ["9223372036854775808", "99999999999999999999"])
def test_huge_revision_numbers_in_a_diff_answer_404(client, secretariat, objectives, number):
    client.login(secretariat.email)
    assert client.get("/governance/documents/objectives/diff?from=1&to=2").status_code == 200
    for query in (f"from={number}&to=1", f"from=1&to={number}&format=unified"):
        response = client.get(f"/governance/documents/objectives/diff?{query}")
        assert response.status_code == 404, query
