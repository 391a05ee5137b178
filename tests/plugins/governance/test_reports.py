"""The activity report: sections from enabled plugins only, downloads, frozen snapshot."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from intranet.extensions import db
from intranet_example import ExampleNote
from intranet_governance.models import ChairPeriod, Report


def create_report(client, secretariat, example_note="Shared a toolkit on victim support"):
    db.session.add(ExampleNote(text=example_note, author_id=secretariat.id))
    db.session.add(ChairPeriod(start=date(2025, 7, 1), end=date(2026, 6, 30), country_code="PL"))
    db.session.commit()
    client.login(secretariat.email)
    response = client.submit(
        "/governance/reports/new",
        {
            "title": "Activity report 2025-2026",
            "basis": "custom",
            "start": "2025-07-01",
            "end": "2026-06-30",
        },
    )
    assert response.status_code == 303
    report = db.session.scalar(select(Report))
    client.submit(
        f"/governance/reports/{report.id}/edit",
        {"introduction": "A year of close cooperation.", "conclusions": "Continue."},
    )
    return report


def test_a_report_period_ending_before_it_starts_is_refused(client, secretariat):
    client.login(secretariat.email)
    response = client.submit(
        "/governance/reports/new",
        {"title": "Backwards", "basis": "custom", "start": "2026-06-30", "end": "2025-07-01"},
    )
    assert response.status_code == 422
    assert "must not be before the start" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Report.id))) == 0


@pytest.mark.parametrize("dates", [{}, {"start": "2025-07-01"}, {"end": "2026-06-30"}])
def test_own_dates_without_both_ends_are_refused(client, secretariat, dates):
    client.login(secretariat.email)
    response = client.submit(
        "/governance/reports/new", {"title": "No period", "basis": "custom", **dates}
    )
    assert response.status_code == 422
    assert "Give both the start and the end" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Report.id))) == 0


def test_the_report_gathers_enabled_plugins_and_omits_disabled_ones(
    client, sign_in, secretariat, admin
):
    report = create_report(client, secretariat)
    page = client.get(f"/governance/reports/{report.id}").get_data(as_text=True)
    assert "Example notes" in page and "Shared a toolkit on victim support" in page
    assert "Chairmanship" in page and "Poland" in page
    assert "A year of close cooperation." in page
    sign_in(admin)
    client.submit("/admin/plugins/example/disable", {"confirm": "yes"})
    sign_in(secretariat)
    page = client.get(f"/governance/reports/{report.id}").get_data(as_text=True)
    assert "Example notes" not in page and "Chairmanship" in page


def test_the_pdf_contains_the_sections_and_the_introduction(client, secretariat):
    report = create_report(client, secretariat)
    response = client.get(f"/governance/reports/{report.id}.pdf")
    assert response.mimetype == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    for expected in (
        "Activity report 2025-2026",
        "A year of close cooperation.",
        "Chairmanship",
        "Example notes",
        "Shared a toolkit on victim support",
        "Conclusions",
    ):
        assert expected in text


def test_the_markdown_download(client, secretariat):
    report = create_report(client, secretariat)
    response = client.get(f"/governance/reports/{report.id}.md")
    text = response.get_data(as_text=True)
    assert response.mimetype == "text/markdown"
    assert "attachment" in response.headers["Content-Disposition"]
    assert text.startswith("# Activity report 2025-2026")
    assert "## Introduction\n\nA year of close cooperation." in text
    assert "| Note |" in text and "| Shared a toolkit on victim support |" in text


def test_a_submitted_report_is_frozen(client, secretariat, member, sign_in):
    report = create_report(client, secretariat)
    sign_in(member)
    assert client.get(f"/governance/reports/{report.id}").status_code == 404
    sign_in(secretariat)
    assert client.submit(f"/governance/reports/{report.id}/submit").status_code == 303
    db.session.add(ExampleNote(text="Added after submission", author_id=secretariat.id))
    db.session.commit()
    response = client.submit(
        f"/governance/reports/{report.id}/edit", {"introduction": "Changed", "conclusions": ""}
    )
    assert response.status_code == 303
    sign_in(member)
    page = client.get(f"/governance/reports/{report.id}").get_data(as_text=True)
    assert "Shared a toolkit on victim support" in page
    assert "Added after submission" not in page and "Changed" not in page


def test_the_pdf_shows_the_member_states_letters(client, secretariat):
    note = "Rūta Kazlauskė met “Þórður” in Łódź and Võru; Ελλάδα"
    report = create_report(client, secretariat, example_note=note)
    response = client.get(f"/governance/reports/{report.id}.pdf")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert "Kazlauskė" in text and note in text
