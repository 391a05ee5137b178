"""The secretariat produces the activity report; a member downloads it as a PDF."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from intranet.platform.demo import demo_email
from tests.e2e.conftest import JOURNEY_SECONDS, MEMBER_EMAIL, PASSWORD
from tests.e2e.journeys import signed_in, unique

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(JOURNEY_SECONDS, func_only=True)]

SECRETARIAT_EMAIL = demo_email("secretariat")
# Sections that other plugins contribute through intranet_report_sections.
PLUGIN_SECTIONS = ("Meetings held", "Lessons learned published")


def test_produce_the_activity_report_and_download_its_pdf(new_page):
    # The year up to today: the demo's meetings and lessons are dated from today backwards
    # (a fixed period lost its last demo lesson once it was 160 days past).
    end = datetime.now(UTC).date()
    start = end - timedelta(days=365)
    staff = signed_in(new_page, SECRETARIAT_EMAIL, PASSWORD)
    staff.goto("/governance/reports")
    staff.get_by_role("link", name="New report").click()
    title = unique("Activity report")
    staff.get_by_label("Title").fill(title)
    staff.get_by_label("Period").select_option(label="Own dates (below)")
    staff.get_by_label("Start (own dates)").fill(start.isoformat())
    staff.get_by_label("End (own dates)").fill(end.isoformat())
    staff.get_by_role("button", name="Create").click()
    expect(staff.get_by_role("status")).to_contain_text("Report created")

    introduction = "The task force met regularly and shared its practices with partners."
    staff.get_by_label("Introduction (Markdown)").fill(introduction)
    staff.get_by_role("button", name="Save").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text(title)
    for section in PLUGIN_SECTIONS:
        expect(staff.get_by_role("heading", level=2, name=section)).to_be_visible()
    staff.get_by_role("button", name="Submit and freeze the report").click()
    expect(staff.get_by_role("status")).to_contain_text("Report submitted and frozen.")
    report_url = staff.url

    member = signed_in(new_page, MEMBER_EMAIL, PASSWORD)
    member.goto("/governance/reports")
    member.get_by_role("link", name=title).click()
    expect(member).to_have_url(report_url)
    with member.expect_download() as download_info:
        member.get_by_role("link", name="Download as PDF").click()
    download = download_info.value
    assert download.suggested_filename == f"activity-report-{start:%Y%m%d}-{end:%Y%m%d}.pdf"
    pdf = download.path().read_bytes()
    assert pdf.startswith(b"%PDF")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    text = " ".join(text.split())
    assert title in text
    assert introduction in text
    for section in PLUGIN_SECTIONS:
        assert section in text
