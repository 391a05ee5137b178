"""`make screenshots`: the main pages at desktop (1280 px) and phone (390 px) widths.

Run explicitly (pytest only collects test_*.py files, so `make test` never runs this): it reuses
the journeys' live server with demo data and Debian's chromium, and writes
docs/screenshots/<page>-<width>.png, which the README shows.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.e2e.conftest import MEMBER_EMAIL, PASSWORD, REPO
from tests.e2e.journeys import sign_in

pytestmark = pytest.mark.e2e

OUTPUT = REPO / "docs" / "screenshots"
WIDTHS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
SIGNED_OUT_PAGES = {"login": "/login"}
MEMBER_PAGES = {
    "dashboard": "/",
    "directory": "/directory?country=SE",
    "search": "/search?q=trafficking",
    "subgroup": "/subgroups/1",
    "meeting": "/meetings/",
    "lessons": "/lessons/",
}


def _capture(page, pages: dict[str, str], width: str) -> list[Path]:
    written = []
    for name, path in pages.items():
        page.goto(path)
        page.wait_for_load_state("networkidle")
        target = OUTPUT / f"{name}-{width}.png"
        page.screenshot(path=target)
        written.append(target)
    return written


@pytest.mark.parametrize("width", WIDTHS)
def test_capture_screenshots(new_page, width):
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page = new_page(viewport=WIDTHS[width])
    written = _capture(page, SIGNED_OUT_PAGES, width)
    sign_in(page, MEMBER_EMAIL, PASSWORD)
    written += _capture(page, MEMBER_PAGES, width)
    page.goto("/directory")
    member = page.locator("main a[href^='/members/']").first.get_attribute("href")
    written += _capture(page, {"member": member}, width)
    assert all(path.stat().st_size > 0 for path in written)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils")
def test_capture_the_first_page_of_the_activity_report(new_page, tmp_path):
    """The submitted activity report as the committee reads it: its first page as an image."""
    page = new_page(viewport=WIDTHS["desktop"])
    sign_in(page, MEMBER_EMAIL, PASSWORD)
    page.goto("/governance/reports")
    links = page.locator("main a[href^='/governance/reports/']").evaluate_all(
        "as => as.map(a => a.getAttribute('href'))"
    )
    report = next(link for link in links if link.rsplit("/", 1)[-1].isdigit())
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(page.request.get(f"{report}.pdf").body())
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf),
         str(OUTPUT / "report-pdf")],
        check=True,
    )  # fmt: skip
    assert (OUTPUT / "report-pdf.png").stat().st_size > 0


@pytest.mark.parametrize("width", WIDTHS)
def test_capture_meeting_screenshots(new_page, width):
    """The new meeting form with a series previewed, the invitation form with its count, and
    the register of decisions."""
    from intranet.platform.demo import demo_email

    OUTPUT.mkdir(parents=True, exist_ok=True)
    page = new_page(viewport=WIDTHS[width])
    sign_in(page, demo_email("secretariat"), PASSWORD)
    page.goto("/meetings/new")
    page.get_by_label("Title").fill("Plenary in Riga")
    page.get_by_label("Starts").fill("2027-03-02T10:00")
    page.get_by_label("Ends").fill("2027-03-02T16:00")
    page.get_by_label("Host country").select_option(label="Latvia")
    page.get_by_label("Host country").dispatch_event("change")
    page.get_by_label("Venue").fill("CBSS Secretariat")
    page.get_by_label("Repeats", exact=True).select_option(label="Monthly")
    page.get_by_label("Every").fill("6")
    page.get_by_label("Number of meetings", exact=True).fill("4")
    page.get_by_role("button", name="Preview the dates").click()
    page.wait_for_load_state("networkidle")
    written = [OUTPUT / f"meeting-form-{width}.png", OUTPUT / f"decisions-{width}.png"]
    written.append(OUTPUT / f"invite-{width}.png")
    page.screenshot(path=written[0], full_page=True)
    page.goto("/meetings/")
    page.locator("main table a[href^='/meetings/']").first.click()
    page.get_by_role("link", name="Invite", exact=True).click()
    page.get_by_label(re.compile(r"^All members")).check()
    page.get_by_role("button", name="Count who will be invited").click()
    page.wait_for_load_state("networkidle")
    page.screenshot(path=written[2], full_page=True)
    page.goto("/meetings/decisions")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=written[1], full_page=True)
    assert all(path.stat().st_size > 0 for path in written)


def test_capture_the_phone_menu_open(new_page):
    """The navigation on a phone: the "Menu" disclosure open, every section one below the other."""
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page = new_page(viewport=WIDTHS["phone"])
    sign_in(page, MEMBER_EMAIL, PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_text("Menu", exact=True).click()
    target = OUTPUT / "menu-phone.png"
    page.screenshot(path=target)
    assert target.stat().st_size > 0


def _portrait() -> bytes:
    """A head-and-shoulders picture drawn for the screenshots (no real person's photo)."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (600, 600), "#c9d9ea")
    draw = ImageDraw.Draw(image)
    draw.ellipse((120, 390, 480, 760), fill="#2f4f6f")  # shoulders
    draw.ellipse((200, 130, 400, 360), fill="#e8c4a0")  # face
    draw.chord((190, 110, 410, 300), 180, 360, fill="#5a3b22")  # hair
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def test_capture_a_profile_with_a_photo(new_page):
    """A member uploads a photo; her page at both widths shows it (the README shows them)."""
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page = new_page(viewport=WIDTHS["desktop"])
    sign_in(page, MEMBER_EMAIL, PASSWORD)
    page.goto("/profile")
    photo = {"name": "me.jpg", "mimeType": "image/jpeg", "buffer": _portrait()}
    page.get_by_label("A photo of you").set_input_files(photo)
    page.get_by_role("button", name="Upload photo").click()
    page.wait_for_load_state("networkidle")
    source = page.locator(".site-header img.avatar").get_attribute("src")
    member = re.match(r"(/members/\d+)/photo", source).group(1)
    written = []
    for width, viewport in WIDTHS.items():
        page.set_viewport_size(viewport)
        page.goto(member)
        page.wait_for_load_state("networkidle")
        written.append(OUTPUT / f"profile-photo-{width}.png")
        page.screenshot(path=written[-1])
    assert all(path.stat().st_size > 0 for path in written)
