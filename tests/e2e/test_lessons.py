"""A member shares a lesson, is shown similar ones, and after review finds it published."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from intranet.platform.demo import demo_email
from tests.e2e.conftest import JOURNEY_SECONDS, MEMBER_EMAIL, PASSWORD
from tests.e2e.journeys import signed_in

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(JOURNEY_SECONDS, func_only=True)]

SECRETARIAT_EMAIL = demo_email("secretariat")
SIMILAR_DEMO_LESSON = "Joint labour inspections with police on construction sites"
COUNTRY, AREA = "Iceland", "Prosecution"


def coverage_cell(page):
    """The coverage matrix's cell for COUNTRY and AREA."""
    page.goto("/lessons/coverage")
    headers = page.locator("table.coverage thead th").all_inner_texts()
    row = page.locator("table.coverage tbody tr").filter(
        has=page.get_by_role("rowheader", name=COUNTRY, exact=True)
    )
    return row.locator("td").nth(headers.index(AREA) - 1)


def lessons_in(cell) -> int:
    text = cell.get_by_role("link", name=re.compile(r"^\d+ lessons?$")).inner_text()
    return int(text.split()[0])


def test_write_a_lesson_see_similar_ones_publish_it_and_find_it(new_page):
    reviewer = signed_in(new_page, SECRETARIAT_EMAIL, PASSWORD)
    lessons_before = lessons_in(coverage_cell(reviewer))

    author = signed_in(new_page, MEMBER_EMAIL, PASSWORD)
    author.goto("/lessons/new")
    marker = f"fjord{uuid.uuid4().hex[:6]}"
    title = f"Joint inspections of construction sites in {marker}"
    author.get_by_label("Title").press_sequentially(title, delay=15)
    author.get_by_label("Summary").press_sequentially(
        "Labour inspectors and police inspected construction sites together.", delay=5
    )
    panel = author.locator("#similar-panel")
    expect(panel.get_by_role("link", name=SIMILAR_DEMO_LESSON)).to_be_visible()
    expect(panel).to_contain_text("% similar")

    author.get_by_role("group", name="Countries concerned").get_by_label(COUNTRY).check()
    author.get_by_label("Level").select_option(label="National")
    author.get_by_label("Area").select_option(label=AREA)
    author.get_by_label("Started in (year)").fill("2024")
    author.get_by_label("Lesson or recommendation").fill("Plan *joint* inspections early.")
    author.get_by_role("button", name="Save draft").click()
    expect(author.get_by_role("status")).to_contain_text("Lesson saved as a draft.")
    expect(author.get_by_role("heading", level=1)).to_have_text(title)
    lesson_url = author.url

    author.get_by_role("button", name="Submit for review").click()
    expect(author.get_by_role("status")).to_contain_text("Submitted for review.")

    reviewer.goto(lesson_url)
    reviewer.get_by_role("link", name="Review", exact=True).click()
    reviewer.get_by_label("Publish").check()
    reviewer.get_by_role("button", name="Send decision").click()
    expect(reviewer.get_by_role("status")).to_contain_text("Lesson published.")

    author.goto(f"/search?q={marker}")
    result = author.locator("#search-results").get_by_role("link", name=title)
    expect(result).to_be_visible()
    result.click()
    expect(author).to_have_url(lesson_url)
    expect(author.locator(".badge-published")).to_have_text("Published")

    cell = coverage_cell(author)
    assert lessons_in(cell) == lessons_before + 1
    cell.get_by_role("link", name=re.compile(r"lessons?$")).click()
    expect(author.get_by_role("link", name=title)).to_be_visible()
