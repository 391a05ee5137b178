"""A member downloads their data from the profile: the page follows the progress by itself."""

from __future__ import annotations

import json
import re
import zipfile

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import MEMBER_EMAIL, PASSWORD
from tests.e2e.journeys import sign_in

pytestmark = pytest.mark.e2e


def test_a_member_downloads_their_data_without_reloading(page, tmp_path):
    csp_violations = []
    page.on(
        "console",
        lambda message: (
            csp_violations.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    sign_in(page, MEMBER_EMAIL, PASSWORD)
    page.goto("/profile")
    expect(page.get_by_role("heading", name="Who sees what")).to_be_visible()
    page.get_by_role("link", name="Download my data").first.click()
    expect(page).to_have_url(re.compile(r"/privacy/export$"))

    page.get_by_role("button", name="Prepare my data").click()
    expect(page).to_have_url(re.compile(r"/privacy/exports/\d+$"))
    page.evaluate("window.stillTheSamePage = true")
    download_link = page.get_by_role("link", name="Download the ZIP archive")
    expect(download_link).to_be_visible()
    with page.expect_download() as info:
        download_link.click()

    path = tmp_path / "data.zip"
    info.value.save_as(path)
    with zipfile.ZipFile(path) as archive:
        document = json.loads(archive.read("personal-data.json"))
    assert document["user"]["email"] == MEMBER_EMAIL
    assert {"core", "subgroups", "meetings", "lessons"} <= set(document["sources"])
    assert page.evaluate("window.stillTheSamePage") is True
    assert csp_violations == []
