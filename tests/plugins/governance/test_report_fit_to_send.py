"""The activity report as a senior officials' committee reads it: words, not codes or "(s)",
no empty sections, headings on the page of their tables, cells that read left to right."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

from pypdf import PdfReader
from sqlalchemy import select

from intranet.extensions import db
from intranet.plugin_api import ReportSection
from intranet_governance import reports
from intranet_governance.models import ChairPeriod, Report
from tests.plugins.governance.test_reports import create_report


def pdf_pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def test_the_report_speaks_in_words_and_leaves_out_empty_sections(client, secretariat):
    report = create_report(client, secretariat)
    page = client.get(f"/governance/reports/{report.id}").get_data(as_text=True)
    markdown = client.get(f"/governance/reports/{report.id}.md").get_data(as_text=True)
    pdf = "\n".join(pdf_pages(client.get(f"/governance/reports/{report.id}.pdf").data))
    for text in (page, markdown, pdf):
        assert "(s)" not in text
        assert "1 chairmanship period in the reporting period." in text
        assert "Poland" in text
    # No mandate period was recorded: no "Mandate" heading over an empty table.
    assert "<h2>Mandate</h2>" not in page and "<h2>Chairmanship</h2>" in page
    assert "## Mandate" not in markdown and "## Chairmanship" in markdown
    assert "Mandate" not in pdf
    assert "| Poland |" in markdown and "| PL |" not in markdown


def test_every_heading_starts_on_the_page_of_its_table(app):
    """Whatever fills the page above, a section's heading is never left alone at its foot."""
    report = Report(
        title="Layout",
        start=date(2025, 7, 1),
        end=date(2026, 6, 30),
        introduction="",
        conclusions="",
    )
    for filler_rows in range(0, 60, 3):
        sections = [
            ReportSection("Filler", "", ["Item"], [[f"Line {n}"] for n in range(filler_rows)]),
            ReportSection("Second section", "Two rows.", ["Country", "Count"], [["Latvia", "1"]]),
        ]
        for text in pdf_pages(reports.to_pdf(report, sections)):
            if "Second section" in text:
                assert "Latvia" in text, f"heading split from its table after {filler_rows} rows"


def test_table_cells_are_left_aligned_not_justified(app):
    report = Report(
        title="Layout",
        start=date(2025, 7, 1),
        end=date(2026, 6, 30),
        introduction="",
        conclusions="",
    )
    long_text = "A national referral mechanism was adopted after a long consultation " * 3
    sections = [ReportSection("Decisions", "", ["Decision", "Ref"], [[long_text, "TF/1"]])]
    stream = PdfReader(io.BytesIO(reports.to_pdf(report, sections))).pages[0].get_contents()
    # Justified lines are set with word spacing: the Tw operator, or (with the report's
    # Unicode font) TJ arrays that push every word apart; left-aligned lines have neither.
    data = stream.get_data()
    word_spacing = [float(value) for value in re.findall(rb"(-?[\d.]+) Tw", data)]
    assert not any(word_spacing), word_spacing
    assert not re.search(rb"\)\s*-?\d+(\.\d+)?\s*\(", data), "words pushed apart (justified)"


def test_a_new_report_defaults_to_the_chairmanship_year_in_force(client, secretariat):
    today = date.today()
    current = ChairPeriod(
        start=today - timedelta(days=100), end=today + timedelta(days=265), country_code="LV"
    )
    db.session.add_all(
        [
            ChairPeriod(
                start=today - timedelta(days=465),
                end=today - timedelta(days=101),
                country_code="PL",
            ),
            current,
        ]
    )
    db.session.commit()
    client.login(secretariat.email)
    form = client.get("/governance/reports/new").get_data(as_text=True)
    selected = re.search(r'<option selected value="([^"]+)">([^<]+)', form) or re.search(
        r'<option value="([^"]+)" selected>([^<]+)', form
    )
    assert selected, "no period preselected"
    assert selected.group(1) == f"chair:{current.id}"
    assert "Chairmanship of Latvia" in selected.group(2)
    response = client.submit(
        "/governance/reports/new", {"title": "", "basis": f"chair:{current.id}"}
    )
    assert response.status_code == 303
    report = db.session.scalar(select(Report))
    assert report.title == (
        f"Activity report: Chairmanship of Latvia {current.start:%Y}-{current.end:%Y}"
    )
    assert (report.start, report.end) == (current.start, current.end)
